"""The text a reader sees in an element: in one line, or by block and inline segment.

Navigation needs the segments ('Previous post' | 'The title') to drop labels; labels and
notes need one clean line. Script, style, form controls and icons are never text. Only
reads the tree.
"""
from __future__ import annotations

from typing import Callable

from selectolax.lexbor import LexborNode

_SKIP_TAGS = frozenset(("script", "style", "noscript", "template", "svg", "select", "option",
                        "textarea", "button", "iframe"))
_BLOCK_TAGS = frozenset((
    "address", "article", "aside", "blockquote", "br", "dd", "div", "dl", "dt", "figcaption",
    "figure", "footer", "form", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hr", "li", "main",
    "nav", "ol", "p", "section", "table", "td", "th", "tr", "ul"))
_BLOCK = object()  # a piece marking a block boundary (None marks an inline one)


def text_blocks(node: LexborNode,
                skip: Callable[[LexborNode], bool] | None = None) -> list[tuple[str, list[str]]]:
    """The visible text of `node` by block (paragraph, heading, div...): for each, its text
    and its inline segments, split wherever an inline element starts or ends.

    `skip(element)` drops an element and everything in it (labels, markers, icons).
    Whitespace is collapsed; empty blocks and segments are left out.
    """
    pieces: list = []
    _collect(node, skip, pieces)
    blocks: list[tuple[str, list[str]]] = []
    current: list = []
    for piece in pieces + [_BLOCK]:
        if piece is not _BLOCK:
            current.append(piece)
            continue
        text = " ".join("".join(p for p in current if p).split())
        if text:
            segments, run = [], []
            for part in current + [None]:
                if part is None:
                    segment = " ".join("".join(run).split())
                    if segment:
                        segments.append(segment)
                    run = []
                else:
                    run.append(part)
            blocks.append((text, segments))
        current = []
    return blocks


def clean_text(node: LexborNode, skip: Callable[[LexborNode], bool] | None = None) -> str:
    """Visible text of `node` in one line, without what `skip` drops.

    Inline elements join their neighbours as a browser shows them ("Wor<b>ld</b>" is
    "World"); block elements and <br> separate words.
    """
    pieces: list = []
    _collect(node, skip, pieces)
    return " ".join("".join(" " if p is _BLOCK else (p or "") for p in pieces).split())


def _collect(node: LexborNode, skip, pieces: list) -> None:
    # Iterative, with an explicit stack: nesting on hostile pages outgrows Python's.
    # (node.iter(True): include_text, passed by position, which costs less than by keyword)
    stack: list = [iter(list(node.iter(True)))]
    closing: list = []  # the boundary to append when each open element ends
    while stack:
        child = next(stack[-1], None)
        if child is None:
            stack.pop()
            if closing:
                pieces.append(closing.pop())
            continue
        if child.is_text_node:
            pieces.append(child.text_content or "")
            continue
        tag = child.tag
        if not tag or tag.startswith("-") or tag in _SKIP_TAGS:
            continue
        if skip is not None and skip(child):
            pieces.append(None)
            continue
        boundary = _BLOCK if tag in _BLOCK_TAGS else None
        pieces.append(boundary)
        stack.append(iter(list(child.iter(True))))
        closing.append(boundary)
