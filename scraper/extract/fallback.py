"""The body where the main algorithm finds nothing convincing: fallbacks, in stages.

A page may show a reader a few sentences the prose measure cannot place: text written into
<span>s and headings, an article made of one link list, a body emptied by names its
template gives every block, text that only scripts put on the page. Each stage below is
tried in turn and the first convincing one (a few sentences; for the main algorithm, half
the prose of the element it chose is enough) is the body; when none is, the first that
holds a sentence; else the body is empty. Which stage it was is recorded in the
Article (`extraction_method`), so weak extractions can be found with one query:

    content          the main algorithm (body.py)
    densest_block    the element holding the most paragraph text, outside the page's frame
    article_element  the readable text of [itemprop=articleBody], <article>, <main> or [role=main]
    json_ld          the articleBody of the page's JSON-LD
    whole_page       the readable text of the whole page
    none             nothing readable

"Readable text" is the text a reader sees, without furniture (furniture.py), link blocks
and what is never text (scripts, forms, media). Every stage is one query over the tree
and linear work, so a page that ends up here costs little more than another.
"""
from __future__ import annotations

from dataclasses import dataclass
from unicodedata import east_asian_width
from typing import Callable, Iterator

from selectolax.lexbor import LexborNode

from ._jsonld import is_type, json_ld_items
from .document import Document
from ._markup import tag_ids
from .furniture import CANDIDATES, furniture_by, is_furniture
from .plain_text import plain_text

EXTRACTION_METHODS = ("content", "densest_block", "article_element", "json_ld", "whole_page",
                      "none")

CONVINCING = 200  # characters: a few sentences in any script
_SENTENCE = 25  # columns: less is a label, a date, a credit
_ARTICLE_ELEMENTS = ("[itemprop=articleBody]", "article", "main", "[role=main]")
# Elements that never hold article text, by the parser's numbers for their tags.
_NEVER_TEXT = tag_ids(("script", "style", "noscript", "template", "svg", "math", "iframe", "object",
                       "embed", "canvas", "video", "audio", "button", "select", "input", "textarea",
                       "link", "meta"))
_SLOT_IDS = tag_ids(("script", "iframe", "object", "embed"))  # what fills a slot on the page
_MAX_ANCESTRY = 128
# Furniture by markup is the page's frame, never the densest block; but a <form> may hold a
# shop's product text.
_NOT_FRAME = frozenset(("form",))


@dataclass
class Body:
    text: str
    method: str  # one of EXTRACTION_METHODS


def choose(stages: Iterator[tuple[str, Callable[[], str], float]]) -> Body:
    """The first convincing stage (as long as its threshold); else the first holding a
    sentence; else none: a label, a date or a credit alone is no body."""
    first_sentence = Body("", "none")
    for method, stage, convincing in stages:
        text = stage().strip()
        if len(text) >= convincing:
            return Body(text, method)
        if not first_sentence.text and _is_sentence(text):
            first_sentence = Body(text, method)
    return first_sentence


def _is_sentence(text: str) -> bool:
    """Long enough for a sentence: _SENTENCE columns, a wide (CJK) character taking two, as on
    a screen ('東京の天気は晴れ' says as much as a line of twice its letters)."""
    if len(text) >= _SENTENCE:
        return True
    return sum(2 if east_asian_width(char) in "WF" else 1 for char in text) >= _SENTENCE


def densest_block(own: dict[int, float], nodes: dict[int, LexborNode]) -> str:
    """The text of the element holding the most paragraph text itself, outside the frame."""
    for key in sorted(own, key=own.__getitem__, reverse=True)[:8]:
        node = nodes[key]
        if not _in_frame(node):
            return readable_text(node)
    return ""


def _in_frame(node: LexborNode) -> bool:
    element: LexborNode | None = node
    for _ in range(_MAX_ANCESTRY):
        if element is None or element.tag in ("body", "html"):
            return False
        if furniture_by(element) == "markup" and element.tag not in _NOT_FRAME:
            return True
        element = element.parent
    return True


def article_element(root: LexborNode) -> str:
    for selector in _ARTICLE_ELEMENTS:
        region = root.css_first(selector)
        if region is not None:
            return readable_text(region)
    return ""


def json_ld_body(doc: Document) -> str:
    for item in json_ld_items(doc):
        text = item.get("articleBody")
        if isinstance(text, str) and text.strip() and is_type(item, "Article", "BlogPosting",
                                                              "Report", "Posting", "WebPage"):
            return text.strip()
    return ""


def prune_never_text(node: LexborNode) -> list[LexborNode]:
    """Takes out the elements in `node` (and `node`, if one) that never hold text a reader
    reads: scripts, styles, media, form controls; and gives the elements that held the scripts
    and frames taken out (an ad slot, under its label).

    One walk comparing tag numbers: a selector list of 18 tags costs the walk twice over."""
    pruned = [element for element in node.traverse() if element.tag_id in _NEVER_TEXT]
    slots = [parent for element in pruned
             if element.tag_id in _SLOT_IDS and (parent := element.parent) is not None]
    for element in pruned:
        element.decompose(False)  # (recursive=False: detached, what is inside stays valid)
    return slots


def readable_text(node: LexborNode) -> str:
    """The text a reader sees in `node`: without furniture and what is never text.

    Prunes the tree under `node`."""
    prune_never_text(node)
    for element in node.css(CANDIDATES):
        if is_furniture(element):
            element.decompose(False)
    return plain_text(node)
