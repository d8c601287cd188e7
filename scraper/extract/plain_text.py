"""An element's text with the structure a reader sees.

Paragraph-level blocks are separated by a blank line; list items, table rows,
headings' neighbours and <br> breaks start a new line; everything else runs
inline with white space collapsed. It works on the element's serialized HTML
with a few regular expressions, which is many times faster than walking the
tree from Python. It never decides what is article: it writes what it is given,
so remove what should not be read (scripts included) before calling it.
"""
from __future__ import annotations

import html
import re

from selectolax.lexbor import LexborNode

_PARAGRAPH = "\x1e"
_LINE = "\x1f"
_BR = "\x1d"
_CELL = " "

_COMMENT = re.compile(r"<!--.*?-->", re.DOTALL)
# Lexbor writes tag names in lower case, and '<' and '>' inside attribute values as entities,
# so a tag ends at the first '>'.
_PARAGRAPH_TAG = re.compile(
    r"</?(?:p|div|section|article|main|header|footer|aside|nav|blockquote|pre|table|thead|tbody"
    r"|tfoot|ul|ol|dl|figure|h[1-6]|hr|address|center|details|summary|fieldset|form|hgroup"
    r"|caption|menu)(?:\s[^>]*)?>",
)
_LINE_TAG = re.compile(r"<(?:li|tr|dt|dd|figcaption)(?:\s[^>]*)?>")
_BR_TAG = re.compile(r"<br(?:\s[^>]*)?/?>")
_CELL_TAG = re.compile(r"</?t[dh](?:\s[^>]*)?>")
_ANY_TAG = re.compile(r"<[^>]*>")
_BREAKS = re.compile(f"([{_PARAGRAPH}{_LINE}{_BR}][{_PARAGRAPH}{_LINE}{_BR}\\s]*)")


def plain_text(node: LexborNode) -> str:
    markup = node.html or ""
    markup = _COMMENT.sub("", markup)
    markup = _PARAGRAPH_TAG.sub(_PARAGRAPH, markup)
    markup = _LINE_TAG.sub(_LINE, markup)
    markup = _BR_TAG.sub(_BR, markup)
    markup = _CELL_TAG.sub(_CELL, markup)
    text = html.unescape(_ANY_TAG.sub("", markup))
    out: list[str] = []
    pending = ""
    for index, piece in enumerate(_BREAKS.split(text)):
        if index % 2:  # a run of breaks: a block edge or two <br> part paragraphs, else a new line
            if out:
                paragraph = _PARAGRAPH in piece or piece.count(_BR) > 1
                pending = "\n\n" if paragraph else "\n"
            continue
        chunk = " ".join(piece.split())
        if chunk:
            out.append(pending + chunk if out else chunk)
    return "".join(out)
