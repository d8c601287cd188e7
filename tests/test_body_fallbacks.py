"""Where the main algorithm finds no convincing body, fallbacks in stages, and the stage recorded."""
from __future__ import annotations

import json

from selectolax.lexbor import LexborHTMLParser

from scraper.extract import extract
from scraper.extract.fallback import Body, choose, densest_block

URL = "https://site.example/post/"
SENTENCES = ("The harbour ferry will stop running in April, when the new footbridge opens two miles "
             "upstream. Passengers have until then to use the season tickets they already bought.")


def test_a_news_article_is_found_by_the_main_algorithm():
    html = f"<html><body><nav><a href='/'>Home</a></nav><article><h1>Ferry</h1><p>{SENTENCES}</p>" \
           f"<p>{SENTENCES}</p></article></body></html>"
    article = extract(html, URL)
    assert article.extraction_method == "content"
    assert article.body_text == f"{SENTENCES}\n\n{SENTENCES}"


def test_text_written_into_headings_and_spans_comes_from_the_article_element():
    # No paragraph, no text written straight into a block: nothing the prose measure counts.
    html = ("<html><body><header><nav><a href='/'>Home</a> <a href='/news/'>News</a></nav></header>"
            "<article class='page'><h2>Timetable changes</h2>"
            f"<span class='text'>{SENTENCES}</span>"
            "<h4>Season tickets</h4><span class='text'>Refunds are paid at the harbour "
            "office on weekdays between nine and noon, on showing the ticket.</span></article>"
            "<footer>© Harbour Trust</footer></body></html>")
    article = extract(html, URL)
    assert article.extraction_method == "article_element"
    assert article.body_text.startswith(f"Timetable changes\n\n{SENTENCES}")
    assert "Refunds are paid at the harbour office" in article.body_text
    assert "Home" not in article.body_text and "Harbour Trust" not in article.body_text


def test_a_page_whose_text_only_scripts_show_falls_back_to_json_ld():
    ld = {"@context": "https://schema.org", "@type": "NewsArticle", "headline": "Ferry to stop",
          "articleBody": SENTENCES}
    html = (f"<html><head><script type='application/ld+json'>{json.dumps(ld)}</script></head>"
            "<body><div id='app'></div><script>window.__STATE__ = {}</script>"
            "<noscript>Please enable JavaScript.</noscript></body></html>")
    article = extract(html, URL)
    assert (article.extraction_method, article.body_text) == ("json_ld", SENTENCES)


def test_loose_text_of_a_page_without_article_comes_from_the_whole_page():
    html = ("<html><body><div id='menu'><a href='/'>Home</a> <a href='/about/'>About</a></div>"
            f"<font face='Arial'><b>Opening hours.</b> {SENTENCES}</font>"
            "<footer>Contact us</footer></body></html>")
    article = extract(html, URL)
    assert article.extraction_method == "whole_page"
    assert article.body_text.startswith("Opening hours. The harbour ferry")
    assert "Contact us" not in article.body_text


def test_a_page_without_a_sentence_has_no_body():
    article = extract("<html><body><nav><a href='/'>Home</a></nav><p>Loading…</p></body></html>", URL)
    assert (article.extraction_method, article.body_text) == ("none", "")


def test_the_first_convincing_stage_wins_else_the_first_with_a_sentence():
    assert choose(iter([("a", lambda: "short but a sentence, at that", 200),
                        ("b", lambda: "x" * 300, 200)])) == Body("x" * 300, "b")
    assert choose(iter([("a", lambda: "short but a sentence, at that", 200),
                        ("b", lambda: "tiny", 200)])) == Body("short but a sentence, at that", "a")
    assert choose(iter([("a", lambda: "tiny", 200)])) == Body("", "none")


def test_the_densest_block_is_outside_the_page_frame():
    tree = LexborHTMLParser(f"<body><nav id='n'><p>{SENTENCES * 3}</p></nav>"
                            f"<div id='d'><p>{SENTENCES}</p></div></body>")
    nav, div = tree.css_first("#n"), tree.css_first("#d")
    own = {nav.mem_id: 3.0 * len(SENTENCES), div.mem_id: float(len(SENTENCES))}
    assert densest_block(own, {nav.mem_id: nav, div.mem_id: div}) == SENTENCES


def test_every_extracted_text_is_in_nfc():
    decomposed = "Cafe\u0301 de\u0301ja\u0300 ouvert"  # 'é' and 'à' as letter + combining accent
    html = (f"<html><head><title>{decomposed}</title><meta name='author' content='Rene\u0301'></head>"
            f"<body><article><h1>{decomposed}</h1><p>{decomposed}: {SENTENCES}</p></article>"
            f"<a rel='next' href='/next/'>{decomposed}</a></body></html>")
    article = extract(html, URL)
    composed = "Café déjà ouvert"
    assert article.title == composed
    assert article.body_text.startswith(composed)
    assert "\u0301" not in json.dumps(article.to_dict(), ensure_ascii=False)


def test_soft_hyphens_leave_the_text_they_break_only_at_a_line_end():
    # Typesetting plugins mark every syllable: the words must read whole.
    hyphenated = "Die Wei\u00adne des Kern\u00adge\u00adbiets sind ele\u00adgant"
    html = (f"<html><head><title>Wei\u00adne</title></head><body><article><h1>Wei\u00adne</h1>"
            f"<p>{hyphenated}. {SENTENCES}</p></article></body></html>")
    article = extract(html, URL)
    assert article.title == "Weine"
    assert article.body_text.startswith("Die Weine des Kerngebiets sind elegant.")
    assert "\u00ad" not in json.dumps(article.to_dict(), ensure_ascii=False)


def test_a_one_line_notice_in_a_wide_script_is_a_body():
    html = "<html><head><title>天気</title></head><body><p>東京の天気は晴れ、気温は二十度です</p></body></html>"
    article = extract(html, URL)
    assert article.body_text == "東京の天気は晴れ、気温は二十度です"
