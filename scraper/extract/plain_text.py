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


# The four escapes Lexbor's serializer writes in text: the only entities left.
_ENTITY = re.compile(r"&(lt|gt|nbsp|amp);")
_UNESCAPED = {"lt": "<", "gt": ">", "nbsp": "\xa0", "amp": "&"}


def _unescape(text: str) -> str:
    """Undo the escapes in one pass: [text, name, text, name, ..., text], each name replaced
    by its character. (One pass reads '&amp;lt;' as '&lt;', as replacing '&amp;' last does.)"""
    if "&" not in text:
        return text
    parts = _ENTITY.split(text)
    parts[1::2] = [_UNESCAPED[name] for name in parts[1::2]]
    return "".join(parts)


# Breaks and the white space after them, up to the next text: what lies between two text parts.
_RUN = re.compile(r"(\x1e\s*)")


def plain_text(node: LexborNode) -> str:
    markup = _PARAGRAPH_TAG.sub(_PARAGRAPH, node.html or "")
    # [text, tag, text, tag, ..., text], each tag (its name, or None for a comment) replaced
    # by its break in one list comprehension: as _TAG.sub with a function, a call fewer a tag.
    parts = _TAG.split(markup)
    breaks = _TAG_BREAKS.get
    parts[1::2] = [breaks(name, "") for name in parts[1::2]]
    # [text, run, text, run, ..., text]: the texts are what a reader sees, the runs the breaks
    # between them. Only the first and the last text may be empty (a run takes all the white
    # space after it; a text ends with the white space before a break, which strip() drops).
    items = _RUN.split(_unescape("".join(parts)))
    texts = [part.strip() for part in items[0::2]]
    runs = items[1::2]
    if not texts[-1]:
        del texts[-1]
        if not texts:
            return ""
        del runs[-1]
    if not texts[0]:
        del texts[0]
        if not texts:
            return ""
        del runs[0]
    out: list[str] = [""] * (2 * len(texts) - 1)
    out[0::2] = [" ".join(text.split()) if "\n" in text or "  " in text or "\t" in text else text
                 for text in texts]
    # A paragraph when a break of that kind is among the run's, or two <br> in a row.
    out[1::2] = ["\n\n" if (brs := run.count(_BR)) > 1 or run.count(_MARK) > brs + run.count(_LINE)
                 else "\n" for run in runs]
    return "".join(out)
