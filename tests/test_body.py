"""The article body: where it starts and ends, what it leaves out, the structure it keeps."""
from __future__ import annotations

from pathlib import Path

import pytest
from selectolax.lexbor import LexborHTMLParser

from scraper.extract import extract
from scraper.extract.plain_text import plain_text

FIXTURES = Path(__file__).parent / "fixtures"


def body_of(name: str, url: str = "https://news.example/2024/03/story/") -> str:
    return extract((FIXTURES / name).read_text(encoding="utf-8"), url).body_text


def body_of_html(html: str) -> str:
    return extract(html, "https://news.example/story").body_text


NEWS_BODY = """\
The harbour bridge will close to all traffic from 1 April while engineers replace its corroded \
cables, the county council said on Monday.

Drivers will face a diversion of about eleven kilometres through the old town, adding up to twenty \
minutes to journeys at peak times.

“We have no choice: the cables have reached the end of their working life,” said Ines Albright, \
who chairs the council’s transport committee.

What changes for pedestrians

A temporary footbridge will keep the two halves of the harbour connected for people on foot and on \
bicycles throughout the works.

Buses 4 and 7 will run every ten minutes instead of every fifteen.
The ferry will add an early crossing at 6.15am on weekdays.
Parking at the station will be free for residents.

Work is expected to finish in early October, weather permitting. A public meeting about the \
diversion will be held at the town hall next Thursday evening."""


def test_news_article_body_is_the_article_text_with_its_structure():
    assert body_of("body-news-article.html") == NEWS_BODY


@pytest.mark.parametrize("furniture", [
    "We use cookies",  # cookie banner
    "Sport",  # site navigation
    "Harbour bridge to close",  # the headline belongs to the title, not the body
    "Mara Quinn",  # byline and author box
    "Share on Facebook",  # share widget
    "Photograph: council archive",  # picture caption
    "Council approves budget",  # related links inside the article
    "morning briefing",  # newsletter box
    "Tags:",
    "About time too",  # comment thread
    "Leave a Reply",  # comment form
    "Storm warning",  # sidebar
    "Advertisement",
    "All rights reserved",  # site footer
])
def test_news_article_body_leaves_out_page_furniture(furniture):
    assert furniture not in body_of("body-news-article.html")


def test_japanese_text_between_line_breaks_is_found_by_character_count():
    assert body_of("body-japanese-article.html") == (
        "市立図書館で、開館五十周年を記念する特別展が始まった。\n\n"
        "会場には、創設当時の貸出カードや手書きの目録など約三百点が並び、初日から多くの来館者が訪れた。\n\n"
        "館長の山田花子さんは「地域の皆さんと歩んできた半世紀の記録を、ぜひ見てほしい」と話している。\n\n"
        "特別展は五月末まで開かれ、入場は無料。土日には子ども向けの読み聞かせ会も予定されている。"
    )


def test_article_split_by_ads_and_a_teaser_rail_comes_out_whole():
    body = body_of("body-split-article.html")
    assert body.startswith("A survey of three coasts finds")
    assert "out of reach of the bacteria" in body
    assert body.endswith("vary a great deal from year to year.")
    assert "Comet's tail" not in body  # the rail between the two parts
    assert "Ancient seeds" not in body and "Botanists coaxed" not in body  # teaser cards below


def test_seed_page_body_has_the_article_and_no_slovak_page_furniture():
    body = body_of("wp-slovak-seed.html", "https://dennik-sever.example/2025/05/ponorka-kursk-co-sa-stalo/")
    assert body.startswith("Dvanásteho augusta 2000")
    assert "Posledné hodiny v deviatom oddiele\n\n" in body
    assert body.endswith("nikoho však neobvinilo.")
    for furniture in ("Zdieľaj", "ZDIEĽATEĽNÁ", "Posledný Príspevok", "Ďalšie Články", "Pridaj komentár"):
        assert furniture not in body


def test_paragraphs_written_as_bare_divs_are_found():
    paragraphs = [f"Paragraph {n} of a story whose site writes every paragraph as a div of its own." for n in range(5)]
    html = ("<html><body><div class='menu'><a href='/a'>Home</a> <a href='/b'>World</a></div>"
            "<div class='story'>" + "".join(f"<div class='para'>{p}</div>" for p in paragraphs)
            + "</div></body></html>")
    assert body_of_html(html) == "\n\n".join(paragraphs)


def test_a_comment_thread_longer_than_the_article_does_not_become_the_body():
    article = "<p>" + "The article itself says this in a paragraph of decent length. " * 3 + "</p>"
    comments = "".join(f"<div class='comment'><p>Reader comment number {n} goes on and on about "
                       "something the reader feels strongly about.</p></div>" for n in range(30))
    html = (f"<html><body><article><div class='entry'>{article * 3}</div></article>"
            f"<div id='comments'>{comments}</div></body></html>")
    body = body_of_html(html)
    assert body.startswith("The article itself")
    assert "Reader comment" not in body


def test_read_more_paragraph_goes_but_a_sentence_with_a_long_link_stays():
    sentence = ("<p>The inquiry had been shelved in 2017 but was "
                "<a href='/x'>reopened earlier this year after new evidence came to light</a>.</p>")
    filler = "<p>" + "A sentence that makes the paragraph long enough to count as prose here. " * 2 + "</p>"
    html = (f"<html><body><article>{filler}{sentence}"
            "<p>Read more: <a href='/y'>Another story entirely about something else</a></p>"
            f"{filler}</article></body></html>")
    body = body_of_html(html)
    assert "reopened earlier this year after new evidence came to light." in body
    assert "Another story entirely" not in body


def test_hidden_elements_are_not_read():
    visible = "<p>" + "Visible text of the article that a reader actually sees on the page. " * 3 + "</p>"
    html = (f"<html><body><article>{visible}<div style='display: none'><p>Hidden text "
            "that a reader never sees on the page at all, however long it is.</p></div>"
            f"<p hidden>Also hidden from every reader of the page, whatever it says.</p>{visible}"
            "</article></body></html>")
    body = body_of_html(html)
    assert "Visible text" in body
    assert "Hidden text" not in body and "Also hidden" not in body


def test_a_page_without_prose_has_an_empty_body():
    html = "<html><body><nav><a href='/'>Home</a></nav><div>Short.</div></body></html>"
    assert body_of_html(html) == ""


@pytest.mark.parametrize("html, text", [
    ("<div>one<br>two<br><br>three</div>", "one\ntwo\n\nthree"),
    ("<div><h2>Heading</h2>text after</div>", "Heading\n\ntext after"),
    ("<div><ul><li>a</li>\n  <li>b</li></ul></div>", "a\nb"),
    ("<div><table><tr><td>x</td><td>y</td></tr><tr><td>z</td></tr></table></div>", "x y\nz"),
    ("<div>fish &amp; chips &lt;3<!-- a > b --> <i>in</i>line</div>", "fish & chips <3 inline"),
    ("<div>  spaced\n\t out   text </div>", "spaced out text"),
])
def test_plain_text_keeps_the_structure_a_reader_sees(html, text):
    node = LexborHTMLParser(html).css_first("div")
    assert plain_text(node) == text


def test_a_list_article_whose_items_hold_the_text():
    items = [f"Tip {n}: keep the seed trays on a warm windowsill and water them from below, never from above."
             for n in range(1, 6)]
    html = ("<html><body><ul class='menu'><li><a href='/'>Home</a></li><li><a href='/garden'>Garden</a></li></ul>"
            "<div class='post'><ol>" + "".join(f"<li>{item}</li>" for item in items) + "</ol></div>"
            "</body></html>")
    assert body_of_html(html) == "\n".join(items)


def test_an_unnamed_thread_of_many_replies_does_not_outweigh_a_short_article():
    article = "".join(f"<p>Article paragraph {n} says what matters to the story, at some length.</p>"
                      for n in range(4))
    replies = "".join(f"<li><div class='meta'><a href='/u{n}'>user{n}</a></div><div class='txt'>"
                      f"<p>Reply {n}: I disagree with the article, and here is a long reason why it is "
                      "wrong.</p><p>And a second paragraph of the reply that goes on.</p></div></li>"
                      for n in range(25))
    html = (f"<html><body><div class='wrap'><div class='main'><h1>Title</h1><div class='text'>{article}"
            f"</div></div><div class='discussion'><h2>Replies</h2><ol>{replies}</ol></div></div></body></html>")
    body = body_of_html(html)
    assert body.startswith("Article paragraph 0") and body.endswith("at some length.")
    assert "Reply" not in body


def test_teasers_with_descriptions_beside_a_short_article_stay_out():
    article = "".join(f"<p>Short article paragraph {n} with a sentence of reasonable length.</p>"
                      for n in range(3))
    teasers = "".join(f"<div class='item'><a href='/s{n}'><h3>Other story {n}</h3></a><p>Description of "
                      f"other story {n}, long enough to look like prose to a naive extractor.</p></div>"
                      for n in range(12))
    html = (f"<html><body><div class='page'><div class='col1'><h1>Title</h1>{article}</div>"
            f"<div class='col2'>{teasers}</div></div></body></html>")
    body = body_of_html(html)
    assert body.startswith("Short article paragraph 0") and body.endswith("reasonable length.")
    assert "Other story" not in body and "Description" not in body


def test_paragraphs_each_wrapped_in_their_own_element_come_out_together():
    paragraphs = [f"Paragraph {n} of a story whose CMS wraps every paragraph in a div of its own."
                  for n in range(8)]
    html = ("<html><body><div class='top'><a href='/'>Home</a></div><div class='story-body'>"
            + "".join(f"<div class='para-wrap'><p>{p}</p></div>" for p in paragraphs)
            + "</div><div class='foot'><p>Company footer with a long sentence about the company.</p>"
            "</div></body></html>")
    assert body_of_html(html) == "\n\n".join(paragraphs)


def test_a_lede_in_its_own_wrapper_inside_the_article_element_is_kept():
    paragraphs = "".join(f"<p>Body paragraph {n} continues the story with more detail and quotes.</p>"
                         for n in range(8))
    html = ("<html><body><article><h1>Title</h1><div class='lede'><p>The lead paragraph tells the "
            "whole story in one long sentence, as ledes do.</p></div><div class='byline'>By A Writer"
            f"</div><div class='content'>{paragraphs}</div><div class='related'><p>Another story you "
            "might like, described in a sentence of some length.</p></div></article></body></html>")
    body = body_of_html(html)
    assert body.startswith("The lead paragraph tells the whole story")
    assert body.endswith("Body paragraph 7 continues the story with more detail and quotes.")


def test_a_heading_left_with_nothing_under_it_goes_with_its_block():
    paragraphs = "".join(f"<p>Paragraph {n} of the report, a sentence long enough to count as prose.</p>"
                         for n in range(4))
    html = (f"<html><body><article><h1>Report</h1>{paragraphs}<h2>Results</h2><p>The results, "
            "set out in a paragraph of their own under a heading.</p>"
            "<h4>This subheading is a whole sentence set large, and it stays in the text.</h4>"
            "<h3>Read also</h3><ul><li><a href='/a'>Another report from the same week</a></li>"
            "<li><a href='/b'>A third report, also linked</a></li></ul>"
            "<h4>Share this</h4><div class='share-buttons'><a href='/f'>Facebook</a></div>"
            "</article></body></html>")
    body = body_of_html(html)
    assert "Results\n\nThe results, set out" in body
    assert body.endswith("This subheading is a whole sentence set large, and it stays in the text.")
    assert "Read also" not in body and "Share this" not in body


def test_a_box_emptied_of_its_links_goes_with_its_title():
    paragraphs = "".join(f"<p>Paragraph {n} of the guide, a sentence long enough to count as prose.</p>"
                         for n in range(5))
    html = ("<html><body><article><h1>Guide</h1>"
            "<div class='toc-container'><p class='toc-title'>Contents</p>"
            "<ul><li><a href='#a'>Choosing a wine for the evening</a></li>"
            "<li><a href='#b'>Opening and pouring the bottle</a></li></ul></div>"
            f"{paragraphs}<div class='box'><div class='boxhead'>Download this guide as a PDF</div>"
            "<ul><li><a href='/g.pdf'>The whole guide in one printable document, 2 MB</a></li></ul>"
            "</div></article></body></html>")
    body = body_of_html(html)
    assert body.startswith("Paragraph 0 of the guide") and body.endswith("count as prose.")
    assert "Contents" not in body and "Download" not in body
