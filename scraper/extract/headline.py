"""The article's headline as a reader sees it, not the <title> with its site suffix.

The page names its article in its metadata (og:title, twitter:title, JSON-LD headline,
<title>), and shows it in a heading that a theme may put in an <h1>, an <h2> or <h3>
(when the <h1> is the site's logo), or an element marked `itemprop=headline`. The visible
heading that best matches the metadata wins; <h1>s are tried first. With no match the
first <h1> of the article's own area is taken, then the metadata's headline, then
<title> without its site name. A heading past the <h1>s whose whole text is one link to
another page is a teaser's title (a related post, the previous one), never the headline.

Some themes put the byline and date inside the heading (`<h1>Title <span class=byline>by
… April 21, 2022</span></h1>`): the byline is no part of the headline. An element inside
the heading is left out when its markup says byline, author, date or time (`<time>`,
`itemprop=author`, `rel=author`), and a trailing element when leaving it out matches the
metadata better. This module only reads the tree.
"""
from __future__ import annotations

import re
from urllib.parse import parse_qsl, urlsplit

from selectolax.lexbor import LexborNode

from ._index import page_index
from ._jsonld import json_ld_items
from ._lexicon import words
from ._links import site_of, without_fragment
from ._markup import (ancestors, attribute_words, first_link, head_first, is_for_screen_readers,
                      is_title, place_of, says_screen_readers_only, stray_first, tag_ids)
from ._text import clean_text
from .document import Document, attr, text_of

# How closely a heading must match the page's own metadata to count as its headline.
_MATCH = 0.6
# First the page's <h1>s and itemprop=headline elements (from the page's index), then:
_SECOND_PASS = ("h2, h3, [class*=title i], [class*=headline i]")
# Markup of a byline inside a heading.
_BYLINE_WORDS = frozenset(("byline", "author", "authors", "date", "time", "timestamp", "dateline",
                           "posted", "published", "updated", "meta", "vcard"))
_ABOUT_THE_ARTICLE = frozenset(("author", "creator", "datepublished", "datemodified", "datecreated"))
# Classes of the block that holds an article's body text (WordPress, Drupal, Ghost, Blogger...).
_BODY_CLASSES = frozenset(("entry-content", "post-content", "post-body", "article-body",
                           "article-content", "article__body", "field-name-body", "gh-content",
                           "post-entry", "entry-body"))
_DANGLING = " |-–—:·•/,"  # what a kicker or a byline left behind leaves at the ends
_TITLE_ID, = tag_ids(("title",))
_SEPARATORS = re.compile(r"\s+[|\-–—:·•»«/]{1,2}\s+")


def extract_headline(doc: Document) -> str | None:
    og_title, title = _og_title_and_title(doc)
    references = _references(doc, og_title, title)
    index = page_index(doc)
    for nodes in (index.headlines, None):
        best, best_score = None, _MATCH
        for node in nodes if nodes is not None else doc.tree.css(_SECOND_PASS):
            tag = node.tag
            if nodes is not None and tag != "h1" and node.attributes.get(
                    "itemprop") != "headline":
                continue  # (the index's list may hold other elements: see _index)
            if tag not in ("h1", "h2", "h3", "h4") and not _names_a_title(node):
                continue
            if is_for_screen_readers(node):
                continue
            text, score = _heading_text(node, references)
            if not text or len(text) > 400:
                continue
            if (score > best_score + 0.05 or (best is None and score >= _MATCH)) and not (
                    _names_the_site(node, doc) or nodes is None and (
                        _in_the_body(node) or _leads_to_another_page(node, doc))):
                best, best_score = text, score
        if best:
            return best
    return (_article_h1(doc) or _metadata_headline(doc)
            or _without_site_name(title, doc)
            or _site_name_h1(doc) or None)


def _heading_text(node: LexborNode, references: list[list[str]]) -> tuple[str, float]:
    """The heading's text without a byline in it, and how well it matches the metadata: a
    leading or trailing element (a kicker, a byline, a subline) is left out when the rest
    matches better."""
    text = clean_text(node, _left_out)
    score = _best_match(text, references)
    if score >= 1 or not references or node.child is None:
        return text, score  # (a perfect match, or nothing to match or to leave out)
    children = [child for child in node.iter() if child.tag not in ("br", "wbr")]
    if not children:
        return text, score
    for child in {children[0].mem_id: children[0], children[-1].mem_id: children[-1]}.values():
        shorter = clean_text(node, lambda e, left=child.mem_id: e.mem_id == left or _left_out(e))
        shorter = shorter.strip(_DANGLING)
        shorter_score = _best_match(shorter, references)
        if shorter and shorter_score > score:
            text, score = shorter, shorter_score
    return text, score


def _best_match(text: str, references: list[list[str]]) -> float:
    tokens = set(words(text)) if references else set()  # (read once, matched against each)
    return max((_similarity(tokens, ref) for ref in references), default=0.0)


def _names_the_site(node: LexborNode, doc: Document) -> bool:
    """A heading whose whole text is one link to the site's home page (on any page but the
    home page itself): the site's name."""
    link = first_link(node)
    if link is None or _is_home(doc.address):
        return False
    if "home" not in (attr(link, "rel") or "").lower().split() and not _is_home(
            doc.absolute(attr(link, "href"))):
        return False
    return clean_text(link, _left_out) == clean_text(node, _left_out)


def _leads_to_another_page(node: LexborNode, doc: Document) -> bool:
    """A heading whose whole text is one link to another page: a teaser's title (a related
    post, the previous one), however well it matches the metadata, is not this article's."""
    link = first_link(node)
    if link is None or clean_text(link, _left_out) != clean_text(node, _left_out):
        return False
    href = doc.absolute(attr(link, "href"))
    return href is not None and not doc.page_address().is_self(without_fragment(href))


def _in_the_body(node: LexborNode) -> bool:
    """A heading inside the article's body text (`.entry-content`, `itemprop=articleBody`...):
    one of its sections ('Conclusion – …'), however well it matches the metadata."""
    for parent in ancestors(node):
        attrs = parent.attributes
        if attrs.get("itemprop") == "articleBody" or not _BODY_CLASSES.isdisjoint(
                (attrs.get("class") or "").split()):
            return True
    return False


def _is_home(url: str | None) -> bool:
    """An address of a site's home page: no path, and no query but one choosing a language
    or the like (`/?lang=de`; `/?p=12` and `/?page_id=7` are posts: a value is a number)."""
    if not url:
        return False
    try:
        parts = urlsplit(url)
    except ValueError:
        return False
    return parts.path in ("", "/") and not any(
        value.isdigit() for _, value in parse_qsl(parts.query, keep_blank_values=True))


def _left_out(element: LexborNode) -> bool:
    """What a heading's text leaves out: a byline (its markup names an author or a date), and
    words for screen readers only (a hidden separator between a kicker and the title, ': ',
    is kept: it is how the title reads as one line)."""
    if element.tag == "time":
        return True
    attrs = element.attributes
    if (attrs.get("itemprop") or "").lower() in _ABOUT_THE_ARTICLE or "author" in (
            attrs.get("rel") or "").lower().split():
        return True
    names = attribute_words(attrs)
    if not _BYLINE_WORDS.isdisjoint(names):
        return True
    return says_screen_readers_only(names) and bool(words(element.text()))


def _names_a_title(node: LexborNode) -> bool:
    """A non-heading element counts when its own class or itemprop calls it the title."""
    if attr(node, "itemprop") == "headline":
        return True
    return is_title(node) and node.tag not in ("a", "img", "body")


def _og_title_and_title(doc: Document) -> tuple[str | None, str]:
    """The og:title and the <title> text, both asked of <head> in one selector (one walk of
    it costs less than two); og:title alone is then looked for past a head cut short."""
    og = title = None
    head = doc.tree.head
    if head is not None:
        for node in head.css('meta[property="og:title" i], title'):
            if node.tag == "title":
                title = title or node
            elif og is None:
                og = node
    if og is None:  # (<head> was asked above: only a head cut short may hold it)
        og = stray_first(doc.tree, 'meta[property="og:title" i]')
    if title is None and doc.tree.body is not None:  # (a head cut short: see head_first)
        title = next((child for child in doc.tree.body.iter() if child.tag_id == _TITLE_ID),
                     None)
    return attr(og, "content"), text_of(title)


def _references(doc: Document, og_title: str | None, title: str) -> list[list[str]]:
    """Word lists of what the metadata calls the page: og/twitter title, JSON-LD headline, <title>."""
    # Each lookup that misses costs a pass over the page: ask for the others only when needed.
    texts = [og_title]
    if not og_title:
        texts += [attr(head_first(doc.tree, 'meta[name="twitter:title" i]'), "content"),
                  _ld_headline(doc)]
    if title:
        texts.append(title)
        # "Headline | Site" also offers its longest part on its own.
        texts.append(max(_SEPARATORS.split(title), key=len))
    return [w for w in (words(t) for t in texts if t) if w]


def _similarity(tokens: set[str], reference: list[str]) -> float:
    """F1 of the words of a text (`tokens`) against a reference's words (sets; CJK by character)."""
    ref = set(reference)
    if not tokens or not ref:
        return 0.0
    common = len(tokens & ref)
    if not common:
        return 0.0
    precision, recall = common / len(tokens), common / len(ref)
    return 2 * precision * recall / (precision + recall)


def _article_h1(doc: Document) -> str | None:
    """The first <h1> inside the article or <main>, else the first outside the site's chrome."""
    fallback = None
    for node in page_index(doc).h1s:
        if is_for_screen_readers(node) or _names_the_site(node, doc):
            continue
        text = clean_text(node, _left_out)
        if not text or len(text) > 400:
            continue
        place = place_of(node)
        if place == "article":
            return text
        if place == "page" and fallback is None:
            fallback = text
    return fallback


def _site_name_h1(doc: Document) -> str | None:
    """The site's name in an <h1>: what a page that names nothing else is called."""
    for node in page_index(doc).h1s:
        if _names_the_site(node, doc):
            return clean_text(node, _left_out) or None
    return None


def _metadata_headline(doc: Document) -> str | None:
    for value in (_ld_headline(doc),
                  attr(head_first(doc.tree, 'meta[property="og:title" i]'), "content"),
                  attr(head_first(doc.tree, 'meta[name="twitter:title" i]'), "content")):
        if value:
            return _without_site_name(" ".join(value.split()), doc)
    return None


def _ld_headline(doc: Document) -> str | None:
    for item in json_ld_items(doc):
        headline = item.get("headline")
        if isinstance(headline, str) and headline.strip():
            return headline.strip()
    return None


def _without_site_name(title: str, doc: Document) -> str:
    """`title` without a leading or trailing part that names the site ('… – Denník Sever'):
    the words of og:site_name, else those of the page's host name ('energieverbraucher.de |
    Gaspreise', 'Magic Cleaning | sheego ♥ Magazin' on www.sheego.de: half its words or more)."""
    separators = list(_SEPARATORS.finditer(title))
    if not separators:
        return title
    site_words = set(words(attr(head_first(doc.tree, 'meta[property="og:site_name" i]'), "content")
                           or ""))
    host_words = set() if site_words else set(
        words(site_of(doc.address).replace(".", " ").replace("-", " ")))
    tail, head = title[separators[-1].end():], title[:separators[0].start()]
    if _names_site(set(words(tail)), site_words, host_words):
        return title[:separators[-1].start()].strip()
    if _names_site(set(words(head)), site_words, host_words):
        return title[separators[0].end():].strip()
    return title


def _names_site(part: set[str], site_words: set[str], host_words: set[str]) -> bool:
    """Whether a part of the title is the site's name: all its words in og:site_name, or,
    without one, half of them or more in the host name."""
    if not part:
        return False
    if site_words:
        return part <= site_words
    return 2 * len(part & host_words) >= len(part)

