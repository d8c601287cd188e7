"""An element's text with the structure a reader sees.

Paragraph-level blocks are separated by a blank line; list items, table rows
and <br> breaks start a new line; everything else runs inline with white space
collapsed. It works on the element's serialized HTML with one regular
expression, which is many times faster than walking the tree from Python. It
never decides what is article: it writes what it is given, so remove what
should not be read (scripts included) before calling it.
"""
from __future__ import annotations

import re

from selectolax.lexbor import LexborNode

# A break is a mark followed by its kind; the kinds are characters that str.strip() and
# str.split() take for white space, so a text part sheds them for free.
_MARK = "\x1e"
_PARAGRAPH = _MARK
_LINE = _MARK + "\x1f"
_BR = _MARK + "\x1d"

_PARAGRAPH_TAGS = (
    "p div section article main header footer aside nav blockquote pre table thead tbody tfoot "
    "ul ol dl figure h1 h2 h3 h4 h5 h6 hr address center details summary fieldset form hgroup "
    "caption menu")
# What each tag's start and end become; tags not named here vanish.
_BREAKS: dict[str, tuple[str, str]] = {
    **{tag: (_PARAGRAPH, _PARAGRAPH) for tag in _PARAGRAPH_TAGS.split()},
    **{tag: (_LINE, "") for tag in ("li", "tr", "dt", "dd", "figcaption")},
    "br": (_BR, _BR),
    "td": (" ", " "),
    "th": (" ", " "),
}
# Lexbor writes tag names in lower case, and '<' and '>' inside attribute values as entities,
# so a tag ends at the first '>'.
_TAG = re.compile(r"<(/?[a-z][a-z0-9]*)[^>]*>|<!--.*?-->|<[!?/][^>]*>", re.DOTALL)
# Paragraph tags are most of an article's tags: replacing them without a Python call per tag
# first saves most of the calls.
_PARAGRAPH_TAG = re.compile(r"</?p(?:\s[^>]*)?>")


# Each start tag ('p') and end tag ('/p') named above, and what it becomes: one lookup a tag.
_TAG_BREAKS: dict[str | None, str] = {
    **{tag: start for tag, (start, _) in _BREAKS.items()},
    **{"/" + tag: end for tag, (_, end) in _BREAKS.items()},
}


def _break(match: re.Match) -> str:
    return _TAG_BREAKS.get(match[1], "")


def _unescape(text: str) -> str:
    """Undo the four escapes Lexbor's serializer writes in text: the only entities left."""
    if "&" not in text:
        return text
    return (text.replace("&lt;", "<").replace("&gt;", ">").replace("&nbsp;", "\xa0")
            .replace("&amp;", "&"))


# Breaks and the white space after them, up to the next text: what lies between two text parts.
_RUN = re.compile(r"(\x1e\s*)")


def plain_text(node: LexborNode) -> str:
    markup = _PARAGRAPH_TAG.sub(_PARAGRAPH, node.html or "")
    text = _unescape(_TAG.sub(_break, markup))
    # [text, run, text, run, ..., text]: the texts are what a reader sees, the runs the breaks
    # between them, one loop turn a text part rather than one a break.
    items = _RUN.split(text)
    out: list[str] = []
    for index in range(0, len(items), 2):
        part = items[index].strip()  # (a text ends with the white space before a break)
        if not part:
            continue
        if out:
            # A paragraph when a break of that kind is among the run's, or two <br> in a row.
            run = items[index - 1]
            brs = run.count(_BR)
            paragraph = brs > 1 or run.count(_MARK) > brs + run.count(_LINE)
            out.append("\n\n" if paragraph else "\n")
        if "\n" in part or "  " in part or "\t" in part:
            part = " ".join(part.split())
        out.append(part)
    return "".join(out)
