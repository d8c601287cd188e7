"""Markup read as signals: the words in class names and ids, ancestry, regions, hiding.

The part modules (navigation, comment_form, share, headline) detect blocks by structure:
what a theme calls a block in its classes and ids, rel attributes, form semantics. This
module turns that markup into plain words, so a part can ask "does this element say
prev?" without regexes of its own. It reads markup, not the words a reader sees (text is
`_text`'s, what words mean is `_lexicon`'s), and it never changes the tree: the body pass
runs later on the same tree.
"""
from __future__ import annotations

import re
from functools import lru_cache
from itertools import chain
from typing import Callable, Iterable, Iterator

from selectolax.lexbor import LexborHTMLParser, LexborNode

_CAMEL = re.compile(r"([a-z0-9])([A-Z])")
_NON_WORD = re.compile(r"[^a-z0-9]+")
# Inline styles that take an element out of sight (honeypots, collapsed widgets).
_HIDING_STYLE = re.compile(
    r"display\s*:\s*none|visibility\s*:\s*hidden|opacity\s*:\s*0(?:\.0+)?\s*(?:!important\s*)?(?:;|$)"
    r"|clip\s*:\s*rect\(\s*[01]px|(?:left|top|text-indent)\s*:\s*-\d{3,}", re.I)


def tag_ids(names: Iterable[str]) -> frozenset[int]:
    """The parser's numbers for these tag names: reading a node's `tag_id` costs a fraction
    of reading its `tag` (a new string each time), and a standard tag's number is fixed."""
    parser = LexborHTMLParser("")
    return frozenset(parser.create_node(name).tag_id for name in names)


_HEAD_TAG_IDS = tag_ids(("link", "meta"))


def name_attributes(tree: LexborHTMLParser, names: Iterable[str]) -> None:
    """Make the attribute `names` known to the document before a walk of the whole page
    asks for elements having them.

    lexbor looks an attribute selector's name up in the document's table of the names its
    elements use: once per walk when the name is there, but again at every element when no
    element has it (a page without any `itemprop`), which costs more than the rest of the
    selector (~0.25M instructions per name and walk on a page of 700 elements). One element
    holding the names, made for the document and never put in its tree (so nothing finds
    or shows it), puts them in the table.
    """
    holder = tree.create_node("div")
    for name in names:
        holder.attrs[name] = ""


_A_ID, = tag_ids(("a",))


def links_in(node: LexborNode) -> Iterator[LexborNode]:
    """The links with an href at or inside `node`, in page order, as `css("a[href]")` finds
    them, for a node of a few elements (a heading, a card, a paragraph): walking them costs
    less than a selector's set-up."""
    return (element for element in node.traverse()
            if element.tag_id == _A_ID and "href" in element.attributes)


def first_link(node: LexborNode) -> LexborNode | None:
    """The first of `links_in(node)`, or None."""
    return next(links_in(node), None)


def first_tagged(node: LexborNode, ids: frozenset[int]) -> LexborNode | None:
    """The first element at or inside `node` whose tag number is one of `ids` (see
    `tag_ids`), for a node of a few elements (a form): walking them costs less than a
    selector's set-up."""
    for element in node.traverse():
        if element.tag_id in ids:
            return element
    return None


def head_first(tree: LexborHTMLParser, selector: str) -> LexborNode | None:
    """The first match for page metadata: looked up in <head> first, where it is cheap to find.

    On a miss, the <link>/<meta> children of <body> are tried: a stray <div> or <img> in
    a page's <head> makes the parser end the head there, and the tags after it land at the
    top level of the body. (Searching the whole body on every miss would cost a pass.)
    """
    head = tree.head
    found = head.css_first(selector) if head is not None else None
    return found if found is not None else stray_first(tree, selector)


def stray_first(tree: LexborHTMLParser, selector: str) -> LexborNode | None:
    """The first <link>/<meta> child of <body> matching `selector`: where the tags after a
    head cut short land (see `head_first`), looked at once <head> has none."""
    if tree.body is not None:
        wanted = _least_wanted(selector)
        for child in tree.body.iter():
            if child.tag_id in _HEAD_TAG_IDS and _may_match(child, wanted) and \
                    child.css_matches(selector):
                return child
    return None


# A part of a selector list as the head's lookups write it (`meta[property="og:url" i]…`):
# its tag, its first attribute, and the value asked of that, if quoted.
_SIMPLE_PART = re.compile(r'\s*([a-z]+)\[([a-z:-]+)(?:[~|^$*]?="([^"]*)"(?:\s+i)?)?\]')


@lru_cache(maxsize=64)
def _least_wanted(selector: str) -> tuple[tuple[str, str, str], ...] | None:
    """For each part of `selector`: (tag, attribute, its value in lower case or ''), what an
    element needs at the least to match that part; None when a part is not that simple."""
    wanted = []
    for part in selector.split(","):
        simple = _SIMPLE_PART.match(part)
        if simple is None:
            return None
        tag, name, value = simple.groups("")
        wanted.append((tag, name, value.lower()))
    return tuple(wanted)


def _may_match(node: LexborNode, wanted: tuple[tuple[str, str, str], ...] | None) -> bool:
    """Whether `node` has what one part of a selector needs (`_least_wanted`): its tag, and
    the attribute holding the value in any case. A page may put dozens of <meta>s in its
    <body>, and asking the selector of each costs ten times this look (css_matches parses
    the selector anew on every call)."""
    if wanted is None:
        return True
    tag, attrs = node.tag, node.attrs
    for part_tag, name, value in wanted:
        if tag == part_tag and name in attrs and value in (attrs[name] or "").lower():
            return True
    return False


def name_words(value: str | None) -> tuple[str, ...]:
    """The lower-case words of a class list or id: `cs-entry__prevNext` -> cs, entry, prev, next."""
    return _words_of_name(value) if value else ()


@lru_cache(maxsize=8192)  # a page repeats its class lists, and a site its theme's
def _words_of_name(value: str) -> tuple[str, ...]:
    if not value.islower():
        value = _CAMEL.sub(r"\1 \2", value).lower()
    return tuple(w for w in _NON_WORD.split(value) if w)


def names_of(node: LexborNode) -> list[str]:
    """Each class name and the id of `node`, one string each, as the author wrote them."""
    attrs = node.attributes
    names = (attrs.get("class") or "").split()
    if attrs.get("id"):
        names.append(attrs["id"])
    return names


def markup_words(node: LexborNode) -> frozenset[str]:
    """All words in the class and id of `node`, but those of classes that say what it holds
    or lacks (`has-sidebar`, `has_ae_slider`, `no-comments`, `with-thumbnail`): they
    describe its layout, not what it is."""
    return attribute_words(node.attributes)


def attribute_words(attrs: dict) -> frozenset[str]:
    """`markup_words` of a node whose attributes are already read."""
    return _word_set(attrs.get("class") or "", attrs.get("id") or "")


_HOLDS = re.compile(r"(?:has|with|no)[_-]", re.I)


@lru_cache(maxsize=8192)
def _word_set(classes: str, id_: str) -> frozenset[str]:
    if _HOLDS.search(classes):
        classes = " ".join(c for c in classes.split() if not _HOLDS.match(c))
    return frozenset(name_words(classes) + name_words(id_))


# How far up a question about a node's surroundings looks. Real pages nest a few dozen
# levels; a hostile one nests thousands, and asking about each of its links walking all
# the way up would take seconds (time grows with links x depth).
MAX_ANCESTRY = 128


# <body>, <html> and the document node, by their tag numbers (the parts walk up from
# hundreds of nodes a page, and reading each parent's tag name makes a new string).
_TOP_IDS = tag_ids(("body", "html")) | {LexborHTMLParser("").root.parent.tag_id}


def ancestors(node: LexborNode, stop: LexborNode | None = None) -> Iterator[LexborNode]:
    """Parents of `node`, nearest first, up to (not including) `stop` or <body>, and no
    more than MAX_ANCESTRY of them."""
    stop_id = stop.mem_id if stop is not None else None
    parent = node.parent
    for _ in range(MAX_ANCESTRY):
        if parent is None or parent.tag_id in _TOP_IDS:
            return
        if parent.mem_id == stop_id:
            return
        yield parent
        parent = parent.parent


def is_inside(node: LexborNode | None, outer: LexborNode, levels: int = MAX_ANCESTRY) -> bool:
    """Whether `node` is `outer` or inside it, looking at most `levels` elements up."""
    key = outer.mem_id
    for _ in range(levels):
        if node is None:
            return False
        if node.mem_id == key:
            return True
        node = node.parent
    return False


# What only the article's own area holds: its headline and its body.
_ARTICLE_MARKERS = ("h1, [itemprop=articleBody], [itemprop=headline], .entry-content, .post-content, "
                    ".post-body, .article-body, .article-content, .entry-title, .post-title")


# Where an element belongs to the site and not to the article.
_CHROME_TAGS = frozenset(("header", "nav", "footer", "aside"))
_CHROME_WORDS = frozenset(("masthead", "nav", "navbar", "navigation", "menu", "footer", "sidebar",
                           "widget", "logo", "branding", "brand", "modal", "popup", "banner"))
_SITE_WORDS = frozenset(("site", "page", "global", "top", "main"))


def place_of(node: LexborNode) -> str:
    """'article' inside <article>/<main>, 'chrome' in the site's header/nav/sidebar/footer, else 'page'."""
    chrome = False
    for parent in ancestors(node):
        if parent.tag in ("article", "main"):
            return "article"
        if parent.tag in _CHROME_TAGS:
            chrome = True
            continue
        names = markup_words(parent)
        if (not _CHROME_WORDS.isdisjoint(names) and not _switched_off(parent)) or (
                "header" in names and _SITE_WORDS & names):
            chrome = True
    return "chrome" if chrome else "page"


_OFF = re.compile(r"[_-](?:off|none|disabled|hidden)$", re.I)


def _switched_off(element: LexborNode) -> bool:
    """Whether each class of `element` that names a chrome region switches it off: a post's
    wrapper in a layout without a sidebar (`sidebar-off`, `menu-disabled`) is no sidebar."""
    named = [c for c in (element.attributes.get("class") or "").split()
             if not _CHROME_WORDS.isdisjoint(name_words(c))]
    return bool(named) and all(_OFF.search(c) for c in named) and not (
        _CHROME_WORDS.intersection(name_words(element.attributes.get("id"))))


# Elements inside a link or a field label that label it instead of naming anything.
_LABEL_WORDS = frozenset((
    "label", "meta", "caption", "subtitle", "screen", "reader", "sr", "visually", "hidden",
    "arrow", "arrows", "icon", "direction", "date", "time", "category", "cat", "cats", "excerpt",
    "badge", "kicker", "thumb", "thumbnail", "avatar", "count", "tooltip", "hint", "chevron"))
TITLE_WORDS = frozenset(("title", "headline", "heading"))


def is_label(element: LexborNode) -> bool:
    """An element that labels or decorates (a 'Previous post' caption, screen-reader text,
    an icon, a date) rather than naming the article its link leads to."""
    if element.tag in ("time", "i", "svg", "img", "picture"):
        return True
    if element.attributes.get("aria-hidden") == "true":
        return True
    return not _LABEL_WORDS.isdisjoint(markup_words(element))


def is_title(element: LexborNode) -> bool:
    """An element whose class or id calls it a title or headline (not a subtitle)."""
    return not TITLE_WORDS.isdisjoint(markup_words(element))


def in_region(node: LexborNode, names: frozenset[str] | Callable[[LexborNode], bool],
              stop: LexborNode | None = None) -> bool:
    """Whether `node` sits in a block that says one of `names` in its class or id (or that
    the predicate `names` accepts): a sidebar, comments, a carousel... standing beside the
    article. A wrapper around the article that happens to say such a word
    (`cs-sidebar-enabled`, `tag-rusko` on <article>) is layout, not a region."""
    says = names if callable(names) else (lambda e: not names.isdisjoint(markup_words(e)))
    for element in chain((node,), ancestors(node, stop)):
        if says(element):
            return element.css_first(_ARTICLE_MARKERS) is None
    return False


# Classes that keep text for screen readers only: Bootstrap's sr-only and visually-hidden,
# WordPress's screen-reader-text and assistive-text, Drupal's visually-hidden and
# element-invisible (as word pairs, for any spelling: `visuallyhidden`, `u-sr-only`).
_SCREEN_READER_PAIRS = (("sr", "only"), ("visually", "hidden"), ("screen", "reader"),
                        ("element", "invisible"))
_SCREEN_READER_WORDS = frozenset(("visuallyhidden", "assistive", "sronly"))


def is_for_screen_readers(element: LexborNode) -> bool:
    """An element whose class keeps it for screen readers: a reader never sees its text."""
    return says_screen_readers_only(markup_words(element))


_SCREEN_READER_ANY = _SCREEN_READER_WORDS.union(*_SCREEN_READER_PAIRS)


def says_screen_readers_only(names: frozenset[str]) -> bool:
    """Whether these class and id words (see `markup_words`) keep an element for screen readers."""
    if names.isdisjoint(_SCREEN_READER_ANY):
        return False  # (most elements: one set operation)
    return not _SCREEN_READER_WORDS.isdisjoint(names) or any(
        a in names and b in names for a, b in _SCREEN_READER_PAIRS)


def is_hidden(node: LexborNode, stop: LexborNode | None = None) -> bool:
    """Hidden from the reader by its own markup: `hidden`, `aria-hidden`, or an inline style."""
    for element in chain((node,), ancestors(node, stop)):
        attrs = element.attributes
        if "hidden" in attrs or attrs.get("aria-hidden") == "true":
            return True
        style = attrs.get("style")
        if style and _HIDING_STYLE.search(style):
            return True
    return False
