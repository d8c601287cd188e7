"""Previous/next post links and the article's related ('read next') links.

prev/next: `rel=prev/next` on <a> and <link>, and blocks whose classes or ids name a
direction (`nav-previous`, `cs-entry__next`, `td-post-prev-post`, `blog-pager-older-link`:
older is prev, newer is next), in page order, the first valid one per direction. A link
is not post navigation when it pages through this article (`/2/`, `?page=2`), its
comments (`/comment-page-2/`, `?cpage=2`, a comment-navigation block), a listing
(`/page/2/`), a carousel or a sidebar widget, or leaves the site. The title is the linked
article's title: the block's title element (a heading or a `*title*` class), else its text
without label elements (classes saying label/meta/caption/subtitle, screen-reader text,
arrows, `<time>`); a text that is only a direction label in any language is no title, and
then the link's `title` attribute may stand in, else the title is None.

related: blocks whose classes or ids say related / read-next / see-also / similar
(`td_block_related_posts`, `jnews_related_post_container`, `read-next`, YARPP...) and
Elementor post widgets in a single-post template; never blocks that also say recent,
popular, trending, latest, sponsored... Their article links (not tag, category or author
listings, not a card's meta links) in page order, deduplicated by address, with titles
from their headings.

This module only reads the tree.
"""
from __future__ import annotations

from dataclasses import dataclass

from selectolax.lexbor import LexborNode

from ..models import Link
from ._lexicon import is_direction_label, says_comment, words
from ._links import PageAddress
from ._markup import (ancestors, clean_text, head_first, in_region, markup_words, name_words, names_of,
                      text_blocks)
from .document import Document, attr

# One pass over the page finds every candidate of both kinds: each selector in the list
# costs a walk of the whole tree, so the list is short and Python sorts the matches.
_CANDIDATES = (
    "[rel*=prev i], [rel*=next i], [class*=prev i], [class*=next i], [id*=prev i], "
    "[id*=next i], [id*=older i], [id*=newer i], [class*=relat i], [id*=relat i], "
    "[class*=also i], [class*=similar i], [class*=more-on i], .elementor-widget-posts, "
    ".elementor-widget-loop-grid")
_DIRECTIONS = {"prev": "prev", "previous": "prev", "older": "prev", "next": "next", "newer": "next"}
# Words a direction is glued to in one class word: prevpost, nextlink, postnext, navprev.
_GLUED = ("post", "posts", "link", "article", "entry", "story", "item", "btn", "button", "nav",
          "page", "pager", "blog", "title", "")
# Blocks whose prev/next are not post navigation.
_NOT_POST_NAV = frozenset((
    "comment", "comments", "respond", "carousel", "slider", "slick", "swiper", "owl", "splide",
    "glide", "flickity", "gallery", "slideshow", "lightbox", "ticker", "marquee", "scroller",
    "sidebar", "calendar", "datepicker", "lb", "pswp", "fancybox", "photoswipe",
    "player", "video", "jwplayer", "vjs", "breadcrumb", "breadcrumbs"))
# Elements inside a link that label it instead of naming the article.
_LABEL_WORDS = frozenset((
    "label", "meta", "caption", "subtitle", "screen", "reader", "sr", "visually", "hidden",
    "arrow", "arrows", "icon", "direction", "date", "time", "category", "cat", "cats", "excerpt",
    "badge", "kicker", "thumb", "thumbnail", "avatar", "count", "tooltip", "hint", "chevron"))
_TITLE_WORDS = frozenset(("title", "headline", "heading"))

_RELATED_MARKS = ("related", "readnext", "seealso", "readalso", "alsoread", "alsolike",
                  "similar", "yarpp", "morelikethis", "youmaylike", "youmightlike")
# The same, as whole words only ('more-on-this-story', not 'moreonline').
_RELATED_PHRASES = (" more on ",)
# A block that says any of these is site-wide or lists terms, whatever else it says.
_SITE_WIDE = frozenset((
    "recent", "popular", "trending", "latest", "newest", "mostread", "most", "picks",
    "editors", "sponsored", "promoted", "partner", "partners", "ad", "ads", "advert",
    "search", "searches", "queries", "sites", "products", "product", "shop",
    "video", "videos", "podcast", "podcasts", "gallery", "galleries"))
# Parts of a teaser card that link elsewhere than the article: its category, author, comments.
_CARD_META = frozenset(("meta", "category", "categories", "cat", "cats", "tag", "tags", "author",
                        "byline", "date", "comments", "comment", "share", "social", "sharing"))


@dataclass
class _Found:
    kind: str
    href: str
    title: str | None
    in_head: bool
    segments: list[str]


def extract_links(doc: Document) -> list[Link]:
    page = PageAddress(doc.url, doc.absolute(attr(
        head_first(doc.tree, 'link[rel~="canonical" i][href]'), "href")))
    candidates, seen = [], set()
    for node in doc.tree.css(_CANDIDATES):
        if node.mem_id not in seen:  # a node matching several selectors comes once per match
            seen.add(node.mem_id)
            candidates.append(node)
    return _prev_next(doc, candidates, page) + _related(doc, candidates, page)


# -- prev / next ----------------------------------------------------------------------------

def _prev_next(doc: Document, candidates: list[LexborNode],
               page: PageAddress) -> list[Link]:
    found: dict[str, list[_Found]] = {"prev": [], "next": []}
    seen: set[int] = set()
    for node in candidates:
        if node.mem_id in seen:  # already taken as the link of a block before it
            continue
        kind = _direction(node)
        if kind is None:
            continue
        item = _nav_item(doc, node, page)
        if item is None:
            continue
        anchor, scope = item
        if anchor is not node and _rel_direction(anchor) not in (None, kind):
            continue  # a block named 'next' holding a rel=prev link: rel is the surer word
        seen.add(anchor.mem_id)
        href = _without_fragment(doc.absolute(attr(anchor, "href")))
        if scope is None:  # a <link> in the head: all it has is its title attribute
            title = attr(anchor, "title")
            found[kind].append(_Found(kind, href, _title_or_none(title), True, []))
            continue
        found[kind].append(_Found(kind, href, None, False, _title_segments(scope, anchor)))
    chosen = {kind: _choose(candidates) for kind, candidates in found.items()}
    _drop_parallel_labels(chosen.get("prev"), chosen.get("next"))
    links = []
    for kind in ("prev", "next"):
        pick = chosen[kind]
        if pick is None:
            continue
        title = pick.title or _title_from_segments(pick.segments)
        if title is None:  # another block linking to the same article may show its title
            for other in found[kind]:
                if other is not pick and other.href == pick.href:
                    title = other.title or _title_from_segments(other.segments)
                    if title:
                        break
        links.append(Link(kind, pick.href, title))
    _drop_parallel_titles(links)
    return links


def _without_fragment(href: str) -> str:
    """The article a link leads to: '…/story/#comments' is '…/story/'."""
    return href.split("#", 1)[0]


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
    kinds = set()
    for name in names_of(node):
        name_w = name_words(name)
        if "readnext" in "".join(name_w) or "upnext" in "".join(name_w):
            continue  # 'read next', 'up next': recommendations, not the adjacent post
        said = {_word_direction(word) for word in name_w} - {None}
        if "both" not in said and len(said) == 1:
            kinds |= said
    return kinds.pop() if len(kinds) == 1 else None


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


def _nav_item(doc: Document, node: LexborNode,
              page: PageAddress) -> tuple[LexborNode, LexborNode | None] | None:
    """(the link, the element holding its title) of a direction-named node, if it is post nav."""
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
            if anchor is None or not _is_article_link(doc, anchor, page):
                return None
            scope = anchor
        else:
            anchor, scope = anchors[0], node
    if not _is_article_link(doc, anchor, page):
        return None
    return None if in_region(scope, _is_beside_post_nav) else (anchor, scope)


def _is_beside_post_nav(element: LexborNode) -> bool:
    """A block whose prev/next page through something else: comments (in any language),
    a carousel, a gallery, a sidebar or calendar widget."""
    return not _NOT_POST_NAV.isdisjoint(markup_words(element)) or says_comment(
        " ".join(names_of(element)))


def _is_article_link(doc: Document, anchor: LexborNode, page: PageAddress,
                     other_sites: bool = False) -> bool:
    """Whether the link leads to another article: not this page nor a page of it, not a
    section above it, the home page or a tag/category listing, and (unless `other_sites`)
    on this site."""
    href = doc.absolute(attr(anchor, "href"))
    if not href or not href.startswith(("http://", "https://")):
        return False
    if not other_sites and not page.same_site(href):
        return False
    return not (page.is_self(href) or page.is_pagination(href) or page.is_section(href)
                or page.is_listing(href))


def _choose(candidates: list[_Found]) -> _Found | None:
    """The first block in the body, else a <link> in the head."""
    body = [c for c in candidates if not c.in_head]
    return (body or candidates or [None])[0]


def _is_label_element(element: LexborNode) -> bool:
    if element.tag in ("time", "i", "svg", "img", "picture"):
        return True
    if element.attributes.get("aria-hidden") == "true":
        return True
    return not _LABEL_WORDS.isdisjoint(markup_words(element))


def _title_segments(scope: LexborNode, anchor: LexborNode) -> list[str]:
    """The texts of a nav item that may name the article, best first.

    Its title element (a heading or `*title*` class) if one says more than a direction
    label; else its text by block, each without label elements and label segments
    ('← <strong>Previous</strong> Story' is one label); the link's title attribute last.
    """
    for element in scope.css("h1, h2, h3, h4, h5, h6, [class*=title i], [class*=headline i]"):
        if _is_label_element(element) or any(_is_label_element(a) for a in ancestors(element, scope)):
            continue
        if element.tag[0] != "h" and _TITLE_WORDS.isdisjoint(markup_words(element)):
            continue
        text = clean_text(element, _is_label_element)
        if text and not is_direction_label(text):
            return [text]
    texts = []
    for text, segments in text_blocks(scope, _is_label_element):
        if is_direction_label(text):
            continue
        shown = [s for s in segments if not is_direction_label(s)]
        texts.append(text if len(shown) == len(segments) else " ".join(shown))
    title = attr(anchor, "title")
    if title:
        texts.append("\0" + title)  # a fallback, marked so it is tried last
    return texts


def _title_from_segments(segments: list[str]) -> str | None:
    shown = [s for s in segments if not s.startswith("\0")]
    if shown:
        return " ".join(shown)
    fallback = [s[1:] for s in segments if s.startswith("\0")]
    return _title_or_none(fallback[0]) if fallback else None


def _title_or_none(text: str | None) -> str | None:
    text = " ".join((text or "").split())
    return text if text and not is_direction_label(text) else None


def _drop_parallel_labels(prev: _Found | None, next_: _Found | None) -> None:
    """Drop leading segments that are the same label in both links ('Vorheriger Artikel' /
    'Nächster Artikel'): short, sharing a word, in a language the lexicon may not know."""
    if prev is None or next_ is None or len(prev.segments) < 2 or len(next_.segments) < 2:
        return
    a, b = prev.segments[0], next_.segments[0]
    if a.startswith("\0") or b.startswith("\0"):
        return
    wa, wb = words(a), words(b)
    if len(wa) <= 4 and len(wb) <= 4 and (a == b or set(wa) & set(wb)):
        prev.segments.pop(0)
        next_.segments.pop(0)


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


# -- related --------------------------------------------------------------------------------

def _related(doc: Document, candidates: list[LexborNode],
             page: PageAddress) -> list[Link]:
    blocks: list[LexborNode] = []
    taken: set[int] = set()
    for node in candidates:
        if not _is_related_block(node):
            continue
        if any(parent.mem_id in taken for parent in ancestors(node)):
            continue
        taken.add(node.mem_id)
        blocks.append(node)
    titles: dict[str, str | None] = {}
    for block in blocks:
        for href, title in _block_links(doc, block, page):
            if href not in titles or (titles[href] is None and title):
                titles[href] = title
    return [Link("related", href, title) for href, title in titles.items()]


def _is_related_block(node: LexborNode) -> bool:
    if node.tag in ("body", "html", "main", "a", "link", "meta", "script", "style", "img", "input",
                    "form", "li", "h1", "h2", "h3", "h4", "h5", "h6", "span", "p"):
        return False
    said = _is_single_post_widget(node)
    for name in names_of(node):  # a class or id says related, and none says site-wide
        name_w = name_words(name)
        if not _SITE_WIDE.isdisjoint(name_w):
            return False
        joined, spaced = "".join(name_w), f" {' '.join(name_w)} "
        if any(mark in joined for mark in _RELATED_MARKS) or any(
                phrase in spaced for phrase in _RELATED_PHRASES):
            said = True
    if not said or node.css_first("h1, [itemprop=articleBody]") is not None:
        return False
    return node.parent is None or not in_region(node.parent, _SITE_WIDE)


def _is_single_post_widget(node: LexborNode) -> bool:
    """An Elementor posts widget placed in a single-post template: the builder's related posts.

    (The same widget in a header, footer or archive template lists whatever it is set to.)
    """
    classes = (node.attributes.get("class") or "").split()
    if "elementor-widget-posts" not in classes and "elementor-widget-loop-grid" not in classes:
        return False
    return any((parent.attributes.get("data-elementor-type") or "").startswith("single")
               for parent in ancestors(node))


def _block_links(doc: Document, block: LexborNode,
                 page: PageAddress) -> list[tuple[str, str | None]]:
    """(href, title) of the article links in a related block, in page order.

    Where the block's cards have titles (a heading or a `*title*` class, around or inside
    the link), only titled links count: image links to the same article merge into them,
    and 'see all' links drop out. Titled cards may point to sister sites. In a plain list,
    links whose text is a headline count.
    """
    entries: dict[str, list] = {}  # href -> [title from a title element, longest other text]
    for anchor in block.css("a[href]"):
        rel = (anchor.attributes.get("rel") or "").lower().split()
        if {"tag", "category", "author"} & set(rel):
            continue
        if _in_card_meta(anchor, block):
            continue
        title = _card_title(anchor, block)
        if not _is_article_link(doc, anchor, page, other_sites=title is not None):
            continue
        href = _without_fragment(doc.absolute(attr(anchor, "href")))
        entry = entries.setdefault(href, [None, None])
        if title is not None:
            entry[0] = entry[0] or title or None
        else:
            text = clean_text(anchor, _is_label_element)
            if text and (entry[1] is None or len(text) > len(entry[1])):
                entry[1] = text
    titled = [href for href, entry in entries.items() if entry[0]]
    if titled:
        return [(href, entries[href][0]) for href in titled]
    # Without card titles, a link reads as an article when its text reads as a headline:
    # one or two words are a topic or tag chip ('China', 'Climate'), not an article.
    return [(href, text) for href, (_, text) in entries.items() if text and len(words(text)) >= 3]


def _in_card_meta(anchor: LexborNode, block: LexborNode) -> bool:
    """Whether the link sits in a card's meta line (category, author, date, comments).

    A wrapper that says 'category' but holds the card's title is the card itself:
    WordPress puts `category-x tag-y` on every post's <article>.
    """
    for element in (anchor, *ancestors(anchor, block)):
        if not _CARD_META.isdisjoint(markup_words(element)) and element.css_first(
                "h2, h3, h4, h5, h6, [class*=title i]") is None:
            return True
    return False


def _card_title(anchor: LexborNode, block: LexborNode) -> str | None:
    """The card title a link is, sits in, or holds (a heading or *title* class); else None."""
    for element in (anchor, *ancestors(anchor, block)):
        if _is_title_element(element):
            return clean_text(anchor, _is_label_element)
    for element in anchor.css("h2, h3, h4, h5, h6, [class*=title i], [class*=headline i]"):
        if _is_title_element(element):
            return clean_text(element, _is_label_element)
    return None


def _is_title_element(element: LexborNode) -> bool:
    return element.tag in ("h2", "h3", "h4", "h5", "h6") or not _TITLE_WORDS.isdisjoint(
        markup_words(element))
