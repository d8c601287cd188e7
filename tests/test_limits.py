"""The limits on what one page can put in the archive (README, "Limits").

Each cap is tested with a generated page far over it, through extract(), and
all of them at once on an Article over every limit, whatever the parts find.
"""
from __future__ import annotations

import unicodedata

from hypothesis import given, settings
from hypothesis import strategies as st

from pages import article_page, comment_form_page
from scraper import Article, CommentForm, FormField, Link, extract
from scraper.extract import (MAX_AUTHORS, MAX_BODY_CHARS, MAX_FORM_FIELDS, MAX_HIDDEN_FIELDS, MAX_LINKS, MAX_TAGS,
                             MAX_TEXT_CHARS, MAX_URL_CHARS, _bounded)

URL = "https://example.org/2025/05/some-article/"


def test_body_is_capped():
    paragraphs = "".join(f"<p>{'slovo ' * 20}{i}</p>" for i in range(MAX_BODY_CHARS // 100))
    body = extract(article_page(paragraphs), URL).body_text
    assert MAX_BODY_CHARS - 200 < len(body) <= MAX_BODY_CHARS
    assert body == body.rstrip()


def test_links_are_capped():
    related = "".join(f'<li><a href="/post-{i}/">Post {i}</a></li>' for i in range(MAX_LINKS + 500))
    links = extract(article_page(f"<p>Text.</p><div class=related-posts><ul>{related}</ul></div>"), URL).links
    assert 0 < len(links) <= MAX_LINKS


def test_form_fields_and_hidden_fields_are_capped():
    inputs = "".join(f'<label for="f{i}">Field {i}</label><input id="f{i}" name="f{i}">'
                     for i in range(MAX_FORM_FIELDS + 100))
    hidden = "".join(f'<input type="hidden" name="h{i}" value="{i}">' for i in range(MAX_HIDDEN_FIELDS + 100))
    comment = '<textarea name="comment"></textarea>'  # what makes it a comment form
    form = extract(comment_form_page(comment + inputs + hidden), URL).comment_form
    assert form is not None
    assert 0 < len(form.fields) <= MAX_FORM_FIELDS
    assert 0 < len(form.hidden) <= MAX_HIDDEN_FIELDS


def test_tags_are_capped():
    metas = "".join(f'<meta property="article:tag" content="tag {i}">' for i in range(MAX_TAGS + 100))
    tags = extract(article_page("<p>Text.</p>", metas), URL).tags
    assert 0 < len(tags) <= MAX_TAGS


def test_each_text_field_is_capped():
    huge = "Ž" * (MAX_TEXT_CHARS * 3)
    page = comment_form_page(f'<label for="c">{huge}</label><textarea id="c" name="comment"></textarea>')
    # (a heading that long is no headline at all: the description carries the text cap)
    page = page.replace("<head>", f'<head><meta name="description" content="{huge}">')
    article = extract(page, URL)
    assert article.description == "Ž" * MAX_TEXT_CHARS
    assert article.comment_form is not None
    assert article.comment_form.fields[0].label == "Ž" * MAX_TEXT_CHARS


def test_an_overlong_url_is_dropped_not_cut():
    long_url = "https://example.org/" + "a" * MAX_URL_CHARS
    article = extract(article_page("<p>Text.</p>", f'<link rel="canonical" href="{long_url}">'), URL)
    assert article.canonical_url is None


def test_every_cap_holds_on_an_article_over_all_of_them():
    """The caps themselves, whatever the parts find: lists cut to their limit, text cut, long URLs dropped."""
    long_text, long_url = "x" * (MAX_TEXT_CHARS + 1), "https://example.org/" + "a" * MAX_URL_CHARS
    form = CommentForm(action=long_url, fields=[FormField(name=long_text, type="text")] * (MAX_FORM_FIELDS + 1),
                       hidden={f"h{i}": long_text for i in range(MAX_HIDDEN_FIELDS + 1)})
    article = _bounded(Article(
        title=long_text, body_text="y" * (MAX_BODY_CHARS + 1), canonical_url=long_url, tags=["t"] * (MAX_TAGS + 1),
        authors=[long_text] * (MAX_AUTHORS + 1), links=[Link("related", f"https://example.org/{i}", long_text)
                                                        for i in range(MAX_LINKS + 1)] + [Link("next", long_url)],
        comment_form=form))
    assert (len(article.title), len(article.body_text), article.canonical_url) == (MAX_TEXT_CHARS, MAX_BODY_CHARS, None)
    assert (len(article.tags), len(article.authors), len(article.authors[0])) == (MAX_TAGS, MAX_AUTHORS, MAX_TEXT_CHARS)
    assert len(article.links) == MAX_LINKS and {len(link.title) for link in article.links} == {MAX_TEXT_CHARS}
    assert article.comment_form.action is None
    assert (len(article.comment_form.fields), len(article.comment_form.hidden)) == (MAX_FORM_FIELDS, MAX_HIDDEN_FIELDS)


_TEXT_CHARS = "a é\n\t\r\x00\x07\x1b\x7f\x85\x9b\xad\u0301\u0340\u212b\ud800\u2019中"


@settings(max_examples=400, deadline=None)
@given(st.text(alphabet=_TEXT_CHARS, max_size=40))
def test_stored_text_has_no_control_character_no_soft_hyphen_and_is_nfc(text):
    """A reader's text (a title, say) leaves the caps pass readable: control characters and
    soft hyphens out, in NFC, valid UTF-8; the names and values a form sends are kept as they
    came, only made valid UTF-8."""
    title = _bounded(Article(url=URL, title=text)).title
    assert title is not None
    assert not any(c in title for c in "\x00\x07\x1b\x7f\x85\x9b\xad\r")
    assert unicodedata.is_normalized("NFC", title)
    title.encode("utf-8")
    form = CommentForm(action=URL, hidden={"n": text})
    kept = _bounded(Article(url=URL, comment_form=form)).comment_form.hidden["n"]
    assert kept == text.encode("utf-8", "replace").decode("utf-8")
