"""The article's related ('read next') links, from the blocks that say so in their markup.

A related block is an element whose class or id says related / read-next / see-also /
similar / more-on (`td_block_related_posts`, `jnews_related_post_container`, Cocoon's
`related-entries`, YARPP, Drupal's related views), or an Elementor posts widget in a
single-post template; never one that also says recent, popular, trending, latest,
sponsored... (site-wide widgets), nor one inside such a region. From each block, its
article links in page order: not tag, category or author listings, not a card's meta
links; deduplicated by address, with titles from the cards' headings.

Only reads the tree; navigation hands it the candidates of its single pass.
"""
from __future__ import annotations

import re
from urllib.parse import urlsplit

from selectolax.lexbor import LexborNode

from ..models import Link
from ._lexicon import words
from ._links import PageAddress, without_fragment
from ._markup import ancestors, in_region, is_label, is_title, markup_words, name_words, names_of
from ._text import clean_text
from .document import Document, attr

# Blocks calling themselves related weighed per page, at most: real pages have a handful,
# and each is weighed with walks up the tree (thousands, deeply nested, would take seconds).
_MAX_RELATED_NAMED = 300
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


def related_links(doc: Document, candidates: list[LexborNode],
                  page: PageAddress) -> list[Link]:
    """The related links of the blocks among `candidates` (page-order elements whose class
    or id may say related), outermost blocks only, deduplicated by address."""
    blocks: list[LexborNode] = []
    taken: set[int] = set()
    said = 0
    for node in candidates:
        if not _says_related(node):
            continue
        said += 1
        if said > _MAX_RELATED_NAMED:
            break
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


def _says_related(node: LexborNode) -> bool:
    """Whether the node's markup calls it a related block (and never site-wide)."""
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
    return said


def _is_related_block(node: LexborNode) -> bool:
    """A block that says related, holds no article, and sits in no site-wide region."""
    if node.css_first("h1, [itemprop=articleBody]") is not None:
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
        href = doc.absolute(attr(anchor, "href"))
        if not page.is_article(href, other_sites=title is not None):
            continue
        href = without_fragment(href)
        entry = entries.setdefault(href, [None, None])
        if title is not None:
            entry[0] = entry[0] or title or None
        else:
            text = clean_text(anchor, is_label)
            if text and (entry[1] is None or len(text) > len(entry[1])):
                entry[1] = text
    titled = [href for href, entry in entries.items() if entry[0]]
    if titled:
        return [(href, entries[href][0]) for href in titled]
    # Without card titles, a link reads as an article when its text reads as a headline or
    # its address as an article's: 'China' -> /latest/china is a topic chip, not an article.
    return [(href, text) for href, (_, text) in entries.items()
            if text and (len(words(text)) >= 3 or _reads_as_article_address(href))]


def _reads_as_article_address(href: str) -> bool:
    """A slug of three words or more, or a number as long as a year or an id, in the path."""
    path = urlsplit(href).path
    slug = path.rstrip("/").rsplit("/", 1)[-1]
    return len(re.split(r"[-_]+", slug)) >= 3 or re.search(r"\d{4,}", path) is not None


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
            return clean_text(anchor, is_label)
    for element in anchor.css("h2, h3, h4, h5, h6, [class*=title i], [class*=headline i]"):
        if _is_title_element(element):
            return clean_text(element, is_label)
    return None


def _is_title_element(element: LexborNode) -> bool:
    return element.tag in ("h2", "h3", "h4", "h5", "h6") or is_title(element)
