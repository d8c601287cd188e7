"""Previous/next post links and the article's related ('read next') links.

prev/next: `rel=prev/next` on <a> and <link>, and blocks whose classes or ids name a
direction (`nav-previous`, `cs-entry__next`, `td-post-prev-post`, `blog-pager-older-link`:
older is prev, newer is next; a class both blocks share, a theme's block name like
`tdb-next-post` on either, says nothing), in page order, the first valid one per direction. A link
is not post navigation when it pages through this article (`/2/`, `?page=2`), its
comments (`/comment-page-2/`, `?cpage=2`, a comment-navigation block), a listing
(`/page/2/`), a carousel, an image pager or a sidebar widget, or leaves the site; nor when
it stands in a pager with page numbers ('‹ 1 2 … 33 35 ›' of a forum thread or a listing,
or '1 2 next page' with the current '1' unlinked, whatever its addresses look like), and
then neither are the head's rel=prev/next to the same pages (nor to a gallery's next
slide). A direction-named element inside a link (`<a><div class=btn-next>`) counts when the
link leads to an address shaped like this page's, as a sibling article's is. A link is taken once, as
the first block holding it names it: a box named 'next' may hold markup named 'prev'.
The title is the linked article's title: the block's title element (a heading or a
`*title*` class), else its text without label elements (classes saying
label/meta/caption/subtitle, screen-reader text, arrows, `<time>`); a text that is only
a direction label in any language is no title, and then the link's `title` or
`aria-label` may stand in (without a label before a colon: 'Precedente: The title'),
else a card's title elsewhere on the page (a heading or title element holding a link to
the same article), else the title is None.

Where no link says its direction in rel or class (a theme's own markup), a pair of cards
after the headline (see `_cards`) leading to two sibling articles of the site (addresses
shaped like this page's: same depth, numbers where it has numbers) is the post
navigation when their direction shows: an arrow at the start or end of what a link shows
('← ', ' »'), a direction label in any language ('Poprzedni wpis', '次の記事'), an arrow
icon or a left/right position class; one card's direction gives the other the opposite
one; and in a block marked as navigation (`<nav>`, role=navigation, nav/pager classes)
the first is previous and the second next. A lone card counts when a label on it says
its direction in words, or an arrow does inside such a navigation block. Never inside
comments, carousels, sidebars and the like, nor in a block calling itself related, nor a
link inside a line of text. In right-to-left pages arrows and sides point the other way.

related: see `_related`; both kinds come from one pass over the page.

This module only reads the tree.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from selectolax.lexbor import LexborNode

from ..models import Link
from ._cards import Card, PostArea, is_paragraph
from ._index import page_index
from ._lexicon import (DIRECTION_WORDS, POINTERS, is_direction_label, label_direction,
                       says_comment, without_direction_label, words)
from ._links import PageAddress, without_fragment
from ._markup import (ancestors, in_region, is_label, is_title, markup_words,
                      name_words, names_of, tag_ids)
from ._related import related_links, says_related, structural_related
from ._text import clean_text, text_blocks
from .document import Document, attr

# Post navigation is one or two blocks; a page naming thousands of elements 'next' is a
# listing or a trap, and its first few hundred are as telling as all of them. (Each is
# weighed with a walk up the tree: thousands of them, deeply nested, would take seconds.)
_MAX_DIRECTION_NAMED = 300
_DIRECTIONS = {"prev": "prev", "previous": "prev", "older": "prev", "next": "next", "newer": "next"}
# Words a direction is glued to in one class word: prevpost, nextlink, postnext, navprev.
_GLUED = ("post", "posts", "link", "article", "entry", "story", "item", "btn", "button", "nav",
          "page", "pager", "blog", "title", "")
# Blocks whose prev/next are not post navigation.
_NOT_POST_NAV = frozenset((
    "comment", "comments", "respond", "sidebar", "calendar", "datepicker", "breadcrumb",
    "breadcrumbs"))
# Media widgets page through slides; the words also end up in layout classes of page builders
# (`ae-bg-gallery-type-default`), so a rel=prev/next link to a sibling article overrides them.
_MEDIA = frozenset((
    "carousel", "slider", "slick", "swiper", "owl", "splide", "glide", "flickity", "gallery",
    "slideshow", "lightbox", "ticker", "marquee", "scroller", "lb", "pswp", "fancybox",
    "photoswipe", "player", "video", "jwplayer", "vjs", "img"))
# Besides those, regions whose pairs of links are no post navigation when nothing names them.
_NOT_UNNAMED_NAV = frozenset((
    "widget", "widgets", "menu", "aside", "rail", "secondary", "tabs", "share", "sharing", "social",
    "masthead", "ad", "ads", "advert", "sponsored", "recent", "popular", "trending", "latest",
    "most", "mostread"))
# Words of a block holding post navigation, in its class or id.
_NAV_WORDS = frozenset(("nav", "navi", "navigation", "pager", "pagination", "paging", "postnav",
                        "pagenav", "adjacent"))
_OPPOSITE = {"prev": "next", "next": "prev"}
# A pager holds its previous/next links a few levels below the block listing page numbers.
_PAGER_LEVELS = 3
_MAX_PAGER_LINKS = 40
_MIN_TITLE_WORDS = 3
_MAX_NAV_TEXT = 400  # characters a previous/next link shows, at most (a label and a title)
_MAX_LABEL_TEXT = 40
_MAX_NAV_DEPTH = 3  # levels between a previous/next card and its link, at most
_POINTER = re.compile(f"[{re.escape(POINTERS)}]")
_LETTER = re.compile(r"[^\W\d_]")
# Icon classes that point, and position classes: a left one goes back (in a left-to-right page).
_SIDES = {"left": "prev", "right": "next"}
_SIDE_GLUED = ("align", "arrow", "angle", "chevron", "caret", "float", "pull", "icon", "nav")
_ICON_TAGS = frozenset(("i", "svg", "span", "em", "use", "img"))
_ICON_IDS = tag_ids(("i", "svg"))
_IMG_ID, = tag_ids(("img",))
_RTL_LANGUAGES = frozenset(("ar", "he", "iw", "fa", "ur", "ps", "yi", "dv", "ckb", "sd", "ug"))


@dataclass
class _Found:
    """One prev or next link found on the page, with what it shows."""

    href: str
    in_head: bool  # a <link> in <head>, which shows nothing
    texts: list[str]  # what the link shows that may name the article, labels left out
    title_attribute: str | None = None  # a tooltip that may name it when the text does not

    @property
    def title(self) -> str | None:
        if self.texts:
            return " ".join(self.texts)
        return _title_or_none(self.title_attribute)


def extract_links(doc: Document) -> list[Link]:
    """prev, then next (at most one each), then the related links in page order."""
    page = doc.page_address()
    # Every element whose markup may name either kind, found in the page's one pass.
    candidates = page_index(doc).named
    prev_next = _prev_next(doc, candidates, page)
    related = related_links(doc, candidates, page)
    if not prev_next or not related:  # look for cards the markup does not name
        area = PostArea(doc, page)
        prev_next = prev_next or _unnamed_prev_next(doc, area, page)
        related = related or structural_related(doc, area, page, {link.href for link in prev_next})
    return prev_next + related


# -- prev / next ----------------------------------------------------------------------------

def _prev_next(doc: Document, candidates: list[LexborNode],
               page: PageAddress) -> list[Link]:
    found: dict[str, list[_Found]] = {"prev": [], "next": []}
    seen: set[int] = set()
    paged: set[str] = set()  # addresses a numbered pager or slides lead to: pages, not posts
    examined = 0
    for node in candidates:
        if node.mem_id in seen:  # already taken as the link of a block before it
            continue
        kind = _direction(node)
        if kind is None:
            continue
        examined += 1
        if examined > _MAX_DIRECTION_NAMED:
            break
        item = _nav_item(doc, node, page, paged)
        if item is None:
            continue
        anchor, scope = item
        if anchor is not node and _rel_direction(anchor) not in (None, kind):
            continue  # a block named 'next' holding a rel=prev link: rel is the surer word
        if anchor.mem_id in seen:
            continue  # (a block inside it naming the other direction: the outer one said it)
        seen.add(anchor.mem_id)
        href = without_fragment(doc.absolute(attr(anchor, "href")))
        if scope is not None and _in_numbered_pager(anchor):
            paged.add(href)
            continue
        texts = _shown_texts(scope) if scope is not None else []
        found[kind].append(_Found(href, scope is None, texts, _tooltip(anchor)))
    if paged:  # (the head's rel=prev/next on such a page name the same pages or slides)
        found = {kind: [f for f in items if f.href not in paged] for kind, items in found.items()}
    return _links_of(doc, found)


def _links_of(doc: Document, found: dict[str, list[_Found]]) -> list[Link]:
    """The first found link of each direction, with the title the page shows for it."""
    chosen = {kind: _choose(candidates) for kind, candidates in found.items()}
    _drop_parallel_labels(chosen.get("prev"), chosen.get("next"))
    links = []
    for kind in ("prev", "next"):
        pick = chosen[kind]
        if pick is None:
            continue
        title = pick.title
        if title is None:  # another block linking to the same article may show its title
            title = next((other.title for other in found[kind]
                          if other.href == pick.href and other.title), None)
        if title is None and not pick.in_head:
            title = _headed_title(doc, pick.href)
        links.append(Link(kind, pick.href, title))
    _drop_parallel_titles(links)
    return links


def _unnamed_prev_next(doc: Document, area: PostArea, page: PageAddress) -> list[Link]:
    """The first pair (or lone card) after the headline that reads as post navigation,
    by the rules in the module's docstring. (Cheap checks first: most lists fail them.)"""
    rtl = None
    for card_list in area.lists:
        if len(card_list.cards) > 2:
            continue
        hinted = any(_may_show_direction(card) for card in card_list.cards)
        if not hinted and len(card_list.cards) == 1:
            continue
        if _LETTER.search(card_list.node.text(deep=False)):
            continue  # links inside a line of text
        regions = list(area.regions(card_list.node))
        marked = any(element.tag == "nav" or element.attributes.get("role") == "navigation"
                     or not _NAV_WORDS.isdisjoint(markup_words(element)) for element in regions)
        if not hinted and not marked:
            continue  # nothing would tell their direction
        if any(_is_beside_unnamed_nav(element, area) for element in regions):
            continue
        if any(element.tag == "li" for element in regions[1:]):
            continue  # a sub-menu
        cards = [card for card in area.articles(card_list) if page.same_shape(card.href)]
        if not cards:
            continue
        rtl = _is_rtl(doc) if rtl is None else rtl
        kinds = _card_directions(cards, rtl, marked)
        texts = [_shown_texts(card.node) for card in cards]
        if kinds is None and marked and len(cards) == 2 and all(
                len(words(" ".join(shown))) >= _MIN_TITLE_WORDS for shown in texts):
            kinds = ["prev", "next"]  # by position alone, two headlines in a navigation block
        if kinds is None or area.amid_text(card_list.node) or any(
                is_paragraph(p) for card in cards for p in card.node.css("p")):
            continue  # (or links among the paragraphs of the body, or teasers with text)
        found: dict[str, list[_Found]] = {"prev": [], "next": []}
        for card, kind, shown in zip(cards, kinds, texts):
            found[kind].append(_Found(card.href, False, shown, _tooltip(card.anchors[0])))
        return _links_of(doc, found)
    return []


def _may_show_direction(card: Card) -> bool:
    """A quick look at a card: is it small and short, with an arrow, an icon or a
    direction word at the start or end of its text, or a label just before it?"""
    if card.depth > _MAX_NAV_DEPTH:
        return False  # a whole block of the page that happens to hold one link
    text = card.node.text(deep=True).strip()
    if len(text) > _MAX_NAV_TEXT:
        return False
    if _POINTER.search(text) or _label_before(card.node):
        return True
    ends = f"{text[:_MAX_LABEL_TEXT]} {text[-_MAX_LABEL_TEXT:]}"
    if not DIRECTION_WORDS.isdisjoint(words(ends)) or any(
            phrase in ends for phrase in ("前", "次", "上一", "下一")):
        return True
    return _holds_icon(card.node)


def _holds_icon(node: LexborNode) -> bool:
    """Whether `node` is or holds an icon (<i>, <svg>) or an arrow picture. (A card is a few
    elements: walking them costs less than a selector's set-up.)"""
    for element in node.traverse():
        tag_id = element.tag_id
        if tag_id in _ICON_IDS or tag_id == _IMG_ID and "arrow" in (
                element.attrs.get("src") or "").lower():
            return True
    return False


def _card_directions(cards: list[Card], rtl: bool, marked: bool) -> list[str] | None:
    """The direction of each card of a pair or a lone card, where its markup shows them."""
    said = [_shown_direction(card, rtl) for card in cards]
    if len(cards) == 1:
        kind, by_words = said[0]
        return [kind] if kind and (by_words or marked) else None
    (first, _), (second, _) = said
    if first and second:
        return [first, second] if first != second else None
    if first or second:
        known = first or second
        return [known, _OPPOSITE[known]] if first else [_OPPOSITE[known], known]
    return None


def _shown_direction(card: Card, rtl: bool) -> tuple[str | None, bool]:
    """(the direction a card shows, whether words say it), the surest sign first: a
    direction label in words in it or just before it, else an arrow at the start or end
    of its text, else an arrow icon or a side class."""
    labels, arrows, sides = set(), set(), set()
    before = _label_before(card.node)
    for text, segments in [*text_blocks(card.node), *([(before, [before])] if before else [])]:
        for segment in segments:
            if is_direction_label(segment):
                kind = label_direction(segment, rtl)
                if kind:
                    (labels if words(segment) else arrows).add(kind)
        kind = label_direction(text, rtl)
        if kind:
            arrows.add(kind)
    for element in (card.node, *card.node.css("i, svg, span, em, use, img")):
        if element is not card.node and element.tag in _ICON_TAGS and clean_text(element):
            continue  # an icon shows no text
        for word in markup_words(element):
            side = _side(word)
            if side:
                sides.add(_OPPOSITE[side] if rtl else side)
    for said, by_words in ((labels, True), (arrows, False), (sides, False)):
        if said:
            return (said.pop() if len(said) == 1 else None), by_words
    return None, False


def _label_before(node: LexborNode) -> str | None:
    """A short direction label standing just before a card ('<b>Next:</b> <a>…</a>')."""
    sibling = node.prev
    while sibling is not None:
        if sibling.is_element_node or sibling.is_text_node:
            text = (sibling.text_content or "") if sibling.is_text_node else sibling.text()
            # (Split no further than a label's length in words: a long text is no label, and
            # the sibling may be a whole block of the page.)
            shown = text.split(None, _MAX_LABEL_TEXT)
            if shown:
                text = " ".join(shown)
                return text if len(shown) <= _MAX_LABEL_TEXT and len(text) <= _MAX_LABEL_TEXT \
                    and is_direction_label(text) else None
            if sibling.is_element_node and sibling.tag != "br":
                return None
        sibling = sibling.prev
    return None


def _side(word: str) -> str | None:
    """'prev' for a class word saying left ('left', 'pull-left', 'alignleft', 'fa-angle-left'),
    'next' for one saying right."""
    for side, kind in _SIDES.items():
        if word.endswith(side) and (word == side or word[:-len(side)] in _SIDE_GLUED):
            return kind
    return None


def _is_beside_unnamed_nav(element: LexborNode, area: PostArea) -> bool:
    """A region whose links are not the post navigation: comments, carousels, sidebars,
    widgets, site-wide boxes, related blocks, the site's header and footer."""
    names = markup_words(element)
    if _is_beside_post_nav(element) or not _NOT_UNNAMED_NAV.isdisjoint(names) or says_related(
            element):
        return True
    if element.tag in ("aside", "footer", "header") or "footer" in names or "header" in names:
        return not area.shares_article(element)
    return False


def _is_rtl(doc: Document) -> bool:
    root = doc.tree.css_first("html")
    if root is None:
        return False
    direction = (root.attributes.get("dir") or "").lower()
    if direction:
        return direction == "rtl"
    language = (root.attributes.get("lang") or "").lower().replace("_", "-").split("-")[0]
    return language in _RTL_LANGUAGES


def _rel_direction(node: LexborNode) -> str | None:
    rel = {r.lower() for r in (node.attributes.get("rel") or "").split()}
    if ("prev" in rel or "previous" in rel) != ("next" in rel):
        return "next" if "next" in rel else "prev"
    return None


def _direction(node: LexborNode) -> str | None:
    """'prev' or 'next' when the node's rel, or its classes and id, name one direction only."""
    if node.tag in ("a", "link"):
        by_rel = _rel_direction(node)
        if by_rel:
            return by_rel
    if node.tag in ("body", "html", "link", "script", "style", "meta", "img", "svg", "path",
                    "input", "select", "option", "form", "iframe"):
        return None
    names = names_of(node)
    kinds = {kind for kind in map(_name_direction, names) if kind}
    if len(kinds) > 1:  # a theme's block name shared by both ('tdb-next-post tdb-post-prev')
        shared = {name for sibling in _element_siblings(node) for name in names_of(sibling)}
        kinds = {kind for kind in map(_name_direction, (n for n in names if n not in shared))
                 if kind}
    return kinds.pop() if len(kinds) == 1 else None


def _element_siblings(node: LexborNode) -> list[LexborNode]:
    """The elements right before and after `node`."""
    found = []
    for step in ("prev", "next"):
        sibling = getattr(node, step)
        while sibling is not None and not sibling.is_element_node:
            sibling = getattr(sibling, step)
        if sibling is not None:
            found.append(sibling)
    return found


@lru_cache(maxsize=4096)  # pages and a site's theme repeat their class names
def _name_direction(name: str) -> str | None:
    """The one direction a class name or id says, if any."""
    if "." in name:
        return None  # a name written out, not a theme's word ('profile-the.next.byte')
    name_w = name_words(name)
    if "readnext" in "".join(name_w) or "upnext" in "".join(name_w):
        return None  # 'read next', 'up next': recommendations, not the adjacent post
    said = {_word_direction(word) for word in name_w} - {None}
    return said.pop() if "both" not in said and len(said) == 1 else None


def _word_direction(word: str) -> str | None:
    if word in _DIRECTIONS:
        return _DIRECTIONS[word]
    if word in ("prevnext", "nextprev", "previousnext", "nextprevious", "prevnextpost"):
        return "both"
    for direction in ("previous", "prev", "next", "older", "newer"):
        if word.startswith(direction) and word[len(direction):] in _GLUED:
            return _DIRECTIONS[direction]
        if word.endswith(direction) and word[:-len(direction)] in _GLUED:
            return _DIRECTIONS[direction]
    return None


def _nav_item(doc: Document, node: LexborNode, page: PageAddress,
              media: set[str] | None = None) -> tuple[LexborNode, LexborNode | None] | None:
    """(the link, the element holding its title) of a direction-named node, if it is post nav;
    `media` gathers the addresses of links that page through a gallery or slides instead."""
    if node.tag == "link":
        return (node, None) if _is_article_link(doc, node, page) else None
    if node.tag == "a":
        anchor, scope = node, node
    else:
        anchors = node.css("a[href]")
        if len(anchors) > 8:  # a container of many links is no single nav item
            return None
        anchors = [a for a in anchors if _is_article_link(doc, a, page)]
        hrefs = {doc.absolute(attr(a, "href")) for a in anchors}
        if len(hrefs) != 1:  # nothing to follow, or a container of many: not one nav item
            if anchors:
                return None
            anchor = next((p for p, _ in zip(ancestors(node), range(3)) if p.tag == "a"), None)
            if anchor is None or not _is_article_link(doc, anchor, page) or not page.same_shape(
                    doc.absolute(attr(anchor, "href")) or ""):
                return None  # (a button inside a widget's link: a sibling article's shape says)
            scope = anchor
        else:
            anchor, scope = anchors[0], node
    if not _is_article_link(doc, anchor, page):
        return None
    surely = _rel_direction(anchor) is not None and page.same_shape(
        doc.absolute(attr(anchor, "href")))
    beside = _is_beside_sure_nav if surely else _is_beside_post_nav
    if not in_region(scope, beside):
        return anchor, scope
    if media is not None and in_region(scope, _is_media):
        media.add(without_fragment(doc.absolute(attr(anchor, "href")) or ""))
    return None


def _is_media(element: LexborNode) -> bool:
    return not _MEDIA.isdisjoint(markup_words(element))


def _in_numbered_pager(anchor: LexborNode) -> bool:
    """Whether a previous/next link stands in a pager with numbered links ('‹ 1 2 3 … 35 ›'):
    it pages through a thread, a listing or this document, and post navigation shows
    no page numbers. (On a document's first page the pager may link to page 2 alone, its
    '1' shown but not linked: pages 1 and 2 shown are a pager too.)"""
    for element, _ in zip(ancestors(anchor), range(_PAGER_LEVELS)):
        if element.tag in ("body", "article", "main"):
            return False
        links = element.css("a[href]")
        if len(links) > _MAX_PAGER_LINKS:
            return False
        numbers = [text for text in (link.text().strip() for link in links) if text.isdigit()]
        if len(numbers) >= 2:
            return True
        if numbers and numbers[0] in ("1", "2") and any(
                item.text().strip() == ("2" if numbers[0] == "1" else "1")
                for item in element.css("li, span, b, strong, em")):
            return True
    return False


def _is_beside_post_nav(element: LexborNode) -> bool:
    """A block whose prev/next page through something else: comments (in any language),
    a carousel, a gallery, a sidebar or calendar widget."""
    names = markup_words(element)
    return not _MEDIA.isdisjoint(names) or _is_beside_sure_nav(element, names)


def _is_beside_sure_nav(element: LexborNode, names: frozenset[str] | None = None) -> bool:
    """A block whose links are not the post's even when rel says prev/next: comments,
    a sidebar or calendar widget, breadcrumbs."""
    names = markup_words(element) if names is None else names
    return not _NOT_POST_NAV.isdisjoint(names) or says_comment(" ".join(names_of(element)))


def _is_article_link(doc: Document, anchor: LexborNode, page: PageAddress) -> bool:
    return page.is_article(doc.absolute(attr(anchor, "href")))


def _choose(candidates: list[_Found]) -> _Found | None:
    """The first block in the body, else a <link> in the head."""
    body = [c for c in candidates if not c.in_head]
    return (body or candidates or [None])[0]


def _shown_texts(scope: LexborNode) -> list[str]:
    """What a nav item shows that may name the article, best first.

    Its title element (a heading or `*title*` class) if one says more than a direction
    label; else its text by block, each without label elements and label segments
    ('← <strong>Previous</strong> Story' is one label).
    """
    for element in scope.css("h1, h2, h3, h4, h5, h6, [class*=title i], [class*=headline i]"):
        if is_label(element) or any(is_label(a) for a in ancestors(element, scope)):
            continue
        if element.tag[0] != "h" and not is_title(element):
            continue
        text = clean_text(element, is_label)
        if text and not is_direction_label(text):
            return [text]
    texts = []
    for text, segments in text_blocks(scope, is_label):
        if is_direction_label(text):
            continue
        shown = [s for s in segments if not is_direction_label(s)]
        text = text if len(shown) == len(segments) else " ".join(shown)
        texts.append(without_direction_label(text))
    return [text for text in texts if text]


def _headed_title(doc: Document, href: str) -> str | None:
    """The title a card elsewhere on the page gives the same article, in a heading or title
    element of its own (`<h4 class=entry-title><a href=…>The title</a></h4>`): a pager's
    'Previous post' that shows only its label leads there."""
    index = page_index(doc)
    for node, tag in zip(index.marks, index.mark_tags):
        if tag != "a":
            continue
        url = doc.absolute(node.attributes.get("href"))
        if url is None or without_fragment(url) != href:
            continue
        parent = node.parent
        if parent is not None and (parent.tag in _TITLE_TAGS or is_title(parent)):
            title = _title_or_none(clean_text(node))
            if title:
                return title
    return None


_TITLE_TAGS = frozenset(("h1", "h2", "h3", "h4", "h5", "h6"))


def _tooltip(anchor: LexborNode) -> str | None:
    """What a link says of itself beyond what it shows: its title, else its ARIA label."""
    return attr(anchor, "title") or attr(anchor, "aria-label")


def _title_or_none(text: str | None) -> str | None:
    text = without_direction_label(" ".join((text or "").split()))
    return text if text and not is_direction_label(text) else None


def _drop_parallel_labels(prev: _Found | None, next_: _Found | None) -> None:
    """Drop leading texts that are the same label in both links ('Vorheriger Artikel' /
    'Nächster Artikel'): short, sharing a word, in a language the lexicon may not know."""
    if prev is None or next_ is None or len(prev.texts) < 2 or len(next_.texts) < 2:
        return
    wa, wb = words(prev.texts[0]), words(next_.texts[0])
    if len(wa) <= 4 and len(wb) <= 4 and set(wa) & set(wb):
        del prev.texts[0], next_.texts[0]


def _drop_parallel_titles(links: list[Link]) -> None:
    """Null both titles when prev and next read as one label with the direction swapped
    ('Newer Post' / 'Older Post', 'Postagem mais recente' / 'Postagem mais antiga'):
    two articles' titles are not that alike, in whatever language."""
    if len(links) != 2 or not links[0].title or not links[1].title:
        return
    a, b = words(links[0].title), words(links[1].title)
    shared, differing = set(a) & set(b), set(a) ^ set(b)
    if (len(a) <= 4 and len(b) <= 4 and shared and differing and len(set(a) - shared) <= 2
            and len(set(b) - shared) <= 2 and not any(w.isdigit() for w in differing)):
        links[0].title = links[1].title = None
