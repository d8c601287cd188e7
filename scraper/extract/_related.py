"""The article's related ('read next') links: from the blocks that say so in their markup,
else from the first headed list of teaser cards after the article.

A related block is an element whose class or id says related / read-next / see-also /
similar / more-on (`td_block_related_posts`, `jnews_related_post_container`, Cocoon's
`related-entries`, YARPP, Drupal's related views), or an Elementor posts widget in a
single-post template; never one that also says recent, popular, trending, latest,
sponsored... (site-wide widgets), nor one inside such a region. From each block, its
article links in page order: not tag, category or author listings, not a card's meta
links; deduplicated by address, with titles from the cards' headings.

When no block says so, many themes still show related posts: a grid or list of cards
(picture, title, date) under a heading in the site's language ('Lees ook', 'Вам также
может быть интересно'), after the body, after the comments or in the post's footer. Then
the first list of cards (see `_cards`) after the headline counts when it is shaped like
teasers (two or more cards of one kind, most titled like headlines, no running text
between them, most leading to this page's own host, not to the site's shop, subscriptions
or e-paper on other sub-domains), stands under a heading of its own that leads nowhere
else (a 'More from Sports' heading linking to the section is a section's feed), lies
outside the running text of the body (a box of its own, a heading and links with no
paragraph in it, set among the paragraphs is a 'Read also', not text; every list of cards
in it counts, even a row of one, and the post's own box after the body is still looked
for), and sits in no region beside the article: sidebar,
widget, menu, navigation, comments, the site's header or footer, site-wide boxes (recent,
popular...). A theme may show its related posts in two boxes or three, one template
repeated ('More on this topic', 'Also interesting'): the boxes right after the first one
that are built like it (the same tag and classes) count too, their lists weighed alike;
one under the first box's own heading repeats it (a next slide) and does not.
Nor is a site-wide box related when nothing names it: a ranking (an <ol>, or cards that
each show their place, 1, 2, 3…, first or in a badge of its own) is the site's most read; a list after the comment
form and outside the smallest element holding both the headline and that form stands in
a column or footer of the site's, past the article and its comments, when the branch
it stands in holds other headed boxes too; and a list one of whose cards leads to this
very page lists the site's latest or most read, or a series, not posts picked for it.

Only reads the tree; navigation hands it the candidates from the page's index (`_index`).
"""
from __future__ import annotations

import re
from functools import lru_cache
from urllib.parse import urlsplit

from selectolax.lexbor import LexborNode

from ..models import Link
from ._cards import Card, CardList, PostArea, heading_of, is_paragraph
from ._lexicon import says_comment, words
from ._links import PageAddress, without_fragment
from ._index import page_index
from ._markup import (TITLE_WORDS, ancestors, in_region, is_inside, is_label, is_title,
                      markup_words, name_words, names_of, place_of, tag_ids)
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
    "video", "videos", "podcast", "podcasts", "gallery", "galleries", "today", "todays"))
# Regions beside the article whose card lists are not its related posts (besides _SITE_WIDE).
_BESIDE = frozenset((
    "aside", "sidebar", "widget", "widgets", "rail", "secondary", "right", "tabs", "menu", "nav",
    "navbar", "navigation", "masthead", "breadcrumb", "breadcrumbs", "share", "sharing",
    "social", "advertisement", "newsletter", "subscribe", "modal", "popup", "cookie", "gdpr",
    "consent", "respond", "featured", "rss"))
# Elements that are a line of text, never a list of cards nor a card.
_TEXT_TAGS = frozenset(("p", "span", "em", "strong", "b", "i", "small", "label", "h1", "h2",
                        "h3", "h4", "h5", "h6", "td", "th", "dd", "dt", "blockquote", "cite",
                        "q", "figcaption", "img", "br", "tbody", "tr", "table", "code", "pre"))
_MIN_TITLE_WORDS = 3
_NEXT_BOXES = 3  # boxes after the first related one that may hold more of them
_BOX_HEADINGS = "h2, h3, h4, h5, h6, [role=heading]"
_HEADING_IDS = tag_ids(("h2", "h3", "h4", "h5", "h6"))
_TERM_CLASSES = ("category-", "tag-")  # a post's classes naming its terms (WordPress's post_class)
_WORD_CHARACTER = re.compile(r"[^\W_]")
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
        if not says_related(node):
            continue
        said += 1
        if said > _MAX_RELATED_NAMED:
            break
        if not _is_related_block(doc, node):
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


def structural_related(doc: Document, area: PostArea, page: PageAddress,
                       taken: set[str]) -> list[Link]:
    """The links of the first headed list of teaser cards after the article (see the module's
    docstring), and of the boxes built like its own right after it; `taken`: addresses
    already found as previous/next, never related."""
    links: dict[str, str | None] = {}
    boxes: list[LexborNode] | None = None  # the first related list's, and those built like it
    inline: list[LexborNode] = []  # 'Read also' boxes among the body's paragraphs
    for card_list in area.lists:  # (cheap checks first: most lists fail them)
        boxed = (boxes is not None and any(is_inside(card_list.node, box) for box in boxes)) or (
            bool(inline) and any(is_inside(card_list.node, box) for box in inline))
        if boxes is not None and not boxed:
            continue
        found = _teasers(doc, area, page, card_list, taken, boxed)
        if found is None:
            continue
        teasers, heading, amid_text = found
        for href, title in teasers:
            links.setdefault(href, title)
        if boxed or heading is None:
            continue
        box = _box_of(card_list, heading)
        if amid_text:
            inline.append(box)  # (a 'Read also' in the text: the post's own box may follow)
            continue
        after = _boxes_after(box, clean_text(heading))
        boxes = [box, *after] if _is_box_of_its_own(box) else after
        if not boxes:
            break
    return [Link("related", href, title) for href, title in links.items()]


def _box_of(card_list: CardList, heading: LexborNode) -> LexborNode:
    """The element holding a list and its heading: the box the page shows them in."""
    box = card_list.node
    while box.parent is not None and not is_inside(heading, box):
        box = box.parent
    return box


def _boxes_after(box: LexborNode, heading: str) -> list[LexborNode]:
    """Those of the few elements right after `box` built like it (the same tag and classes):
    a second 'more on this' box of the same template. One under the same heading as the
    first box (`heading`) repeats that box (its next slide, its copy for small screens)."""
    boxes, sibling, seen = [], box.next, 0
    while sibling is not None and seen < _NEXT_BOXES:
        if sibling.is_element_node and sibling.tag not in ("script", "style", "template"):
            seen += 1
            if sibling.tag == box.tag and sibling.attributes.get("class") == box.attributes.get(
                    "class"):
                own = sibling.css_first(_BOX_HEADINGS)
                if own is None or clean_text(own) != heading:
                    boxes.append(sibling)
        sibling = sibling.next
    return boxes


def _teasers(doc: Document, area: PostArea, page: PageAddress, card_list: CardList,
             taken: set[str], boxed: bool = False
             ) -> tuple[list[tuple[str, str | None]], LexborNode | None, bool] | None:
    """(href, title) of each card of a headed list of teasers after the article, its
    heading, and whether it stands among the body's paragraphs (in a box of its own); else
    None. `boxed`: the list stands in a box of related posts already found, under its
    heading, and may hold one card only."""
    if not _is_teaser_list(card_list.node, card_list.cards) and not boxed:
        return None
    if any(_is_beside(element, area) for element in area.regions(card_list.node)):
        return None
    if _is_ranked(card_list) or area.in_site_column(card_list):
        return None  # the site's most read, or a box of its columns or footer
    heading = None if boxed else heading_of(card_list)
    if not boxed and (heading is None or _leads_elsewhere(doc, heading)):
        return None
    cards = area.articles(card_list)
    articles = {id(card) for card in cards}
    if len(cards) < (1 if boxed else 2) or not _mostly(
            id(c) in articles for c in card_list.cards) or any(card.href in taken for card in cards):
        return None  # a list of something else than articles, or the previous/next pair
    if not _mostly(page.same_shape(card.href) or _reads_as_article_address(card.href)
                   for card in cards):
        return None  # links to sections and pages of the site, not to its articles
    if not _mostly(page.on_own_host(card.href) for card in cards):
        return None  # the site's other services (its shop, subscriptions, e-paper)
    titles = [_title_of(card) for card in cards]
    if not _mostly(len(words(t or "")) >= _MIN_TITLE_WORDS for t in titles):
        return None  # a menu, a list of topics or sections
    if _lists_this_page(doc, card_list, page):
        return None
    amid_text = not boxed and area.amid_text(card_list.node)
    if amid_text and not _is_box_of_its_own(_box_of(card_list, heading)):
        return None  # links in the body's text, not a box set among its paragraphs
    return [(card.href, title or None) for card, title in zip(cards, titles)], heading, amid_text


def _is_box_of_its_own(box: LexborNode) -> bool:
    """A box holding a heading and links, no running text: set among the body's paragraphs
    ('Read also'), it is no part of the text."""
    return box.tag not in _TEXT_TAGS and not any(is_paragraph(p) for p in box.css("p"))


def _mostly(checks) -> bool:
    """Whether at least two thirds of the checks hold."""
    checks = list(checks)
    return sum(checks) * 3 >= len(checks) * 2


def _is_teaser_list(node: LexborNode, cards: list[Card]) -> bool:
    """Two or more cards of one kind, no running text between them."""
    if len(cards) < 2 or node.tag in _TEXT_TAGS:
        return False
    tag = cards[0].node.tag
    if tag in _TEXT_TAGS or any(card.node.tag != tag for card in cards):
        return False
    return _WORD_CHARACTER.search(node.text(deep=False)) is None


def _is_ranked(card_list: CardList) -> bool:
    """A numbered list, or cards each showing their place (1, 2, 3…) first or in an element
    of its own (a badge beside the title): a ranking of the site's most read or shared, not
    posts picked for this one."""
    if card_list.node.tag == "ol":
        return True
    if len(card_list.cards) < 2:
        return False
    for place, card in enumerate(card_list.cards, 1):
        shown = card.node.text(deep=True, separator=" ").split(maxsplit=1)
        first = shown[0].strip("#.)") if shown else ""
        if (not first.isdigit() or int(first) != place) and not _shows_place(card.node, place):
            return False
    return True


_PLACE_ELEMENTS = 30  # elements of a card looked at for its place badge, at most


def _shows_place(card: LexborNode, place: int) -> bool:
    """Whether an element of the card shows only its place ('2', '#2', '2.')."""
    for element, _ in zip(card.traverse(), range(_PLACE_ELEMENTS)):
        if element.text(deep=True).strip().strip("#.)") == str(place):
            return True
    return False


def _lists_this_page(doc: Document, card_list: CardList, page: PageAddress) -> bool:
    """Whether a card of the list leads to this very page: the site's latest or most read,
    or the index of a series, lists every post; a post's related posts never list itself.
    (Links to this page make no card: an element of the cards' kind beside them is one.)"""
    cards = {card.node.mem_id for card in card_list.cards}
    tag = card_list.cards[0].node.tag
    for child in card_list.node.iter():
        if child.tag != tag or child.mem_id in cards:
            continue
        for anchor in (child, *child.css("a[href]")) if tag == "a" else child.css("a[href]"):
            href = doc.absolute(attr(anchor, "href"))
            if href and page.is_self(without_fragment(href)):
                return True
    return False


def _title_of(card: Card) -> str | None:
    """A card's title: its title element's text, else its link's longest text."""
    longest = ""
    names = _Names()
    for anchor in card.anchors:
        title = _card_title(anchor, [anchor, *ancestors(anchor, card.node)], names)
        if title:
            return title
        text = clean_text(anchor, is_label)
        if len(text) > len(longest):
            longest = text
    return longest or None


def _is_beside(element: LexborNode, area: PostArea) -> bool:
    """A region beside the article (its own header and footer are part of it)."""
    names = markup_words(element)
    if element.tag in ("nav", "td"):
        return True  # (a table cell without the headline is a column of a layout table)
    if not _BESIDE.isdisjoint(names) or not _SITE_WIDE.isdisjoint(names):
        names = _role_words(element)  # (a post's wrapper naming its terms is not beside)
        if not _BESIDE.isdisjoint(names) or not _SITE_WIDE.isdisjoint(names):
            return True
    if says_comment(" ".join(names_of(element))):
        return True
    if element.tag in ("header", "footer", "aside") or "footer" in names or "header" in names:
        return not area.shares_article(element)
    return False


def _role_words(element: LexborNode) -> frozenset[str]:
    """The words of the element's class and id but those of classes naming a post's
    categories and tags (`category-social-media`, `tag-video`): a post's wrapper lists its
    terms among its classes, and they say what the post is about, not what the block is."""
    kept = [name for name in names_of(element) if not name.lower().startswith(_TERM_CLASSES)]
    return frozenset(word for name in kept for word in name_words(name))


def _leads_elsewhere(doc: Document, heading: LexborNode) -> bool:
    """A heading linking somewhere ('More from Sports' to the section) heads a feed."""
    return any(doc.absolute(attr(anchor, "href")) for anchor in heading.css("a[href]"))


def says_related(node: LexborNode) -> bool:
    """Whether the node's markup calls it a related block (and never site-wide)."""
    if node.tag in ("body", "html", "main", "a", "link", "meta", "script", "style", "img", "input",
                    "form", "li", "h1", "h2", "h3", "h4", "h5", "h6", "span", "p"):
        return False
    said = _is_single_post_widget(node)
    for name in names_of(node):  # a class or id says related, and none says site-wide
        says = _name_says_related(name)
        if says is None:
            return False
        said = said or says
    return said


@lru_cache(maxsize=4096)  # pages and a site's theme repeat their class names
def _name_says_related(name: str) -> bool | None:
    """Whether a class name or id says related; None when it says site-wide."""
    name_w = name_words(name)
    if not _SITE_WIDE.isdisjoint(name_w):
        return None
    joined, spaced = "".join(name_w), f" {' '.join(name_w)} "
    return any(mark in joined for mark in _RELATED_MARKS) or any(
        phrase in spaced for phrase in _RELATED_PHRASES)


def _is_related_block(doc: Document, node: LexborNode) -> bool:
    """A block that says related, holds no article (its body, or the page's headline: an
    <h1> of a teaser or of the block's own title is none), and sits in no site-wide region."""
    if node.css_first("h1, [itemprop=articleBody]") is not None:  # (rare: one walk first)
        if node.css_first("[itemprop=articleBody]") is not None:
            return False
        if node.css_first("h1") is not None:
            headline = next((h for h in page_index(doc).h1s if place_of(h) != "chrome"), None)
            if headline is None or any(parent.mem_id == node.mem_id
                                       for parent in ancestors(headline)):
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
    names = _Names()  # the block's links share their cards and wrappers: each read once
    for anchor in block.css("a[href]"):
        rel = (anchor.attributes.get("rel") or "").lower().split()
        if {"tag", "category", "author"} & set(rel):
            continue
        above = [anchor, *ancestors(anchor, block)]
        if _in_card_meta(above, names):
            continue
        title = _card_title(anchor, above, names)
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


class _Names:
    """The words of each element's class and id, read once per element (reading an
    element's attributes costs more than the rest of a look at it)."""

    def __init__(self) -> None:
        self._words: dict[int, frozenset[str]] = {}

    def of(self, element: LexborNode) -> frozenset[str]:
        key = element.mem_id
        found = self._words.get(key)
        if found is None:
            found = self._words[key] = markup_words(element)
        return found


def _reads_as_article_address(href: str) -> bool:
    """A slug of three words or more, or a number as long as a year or an id, in the path."""
    path = urlsplit(href).path
    slug = path.rstrip("/").rsplit("/", 1)[-1]
    return len(re.split(r"[-_]+", slug)) >= 3 or re.search(r"\d{4,}", path) is not None


def _in_card_meta(above: list[LexborNode], names: _Names) -> bool:
    """Whether the link (`above`: it and its ancestors up to the block) sits in a card's
    meta line (category, author, date, comments).

    A wrapper that says 'category' but holds the card's title is the card itself:
    WordPress puts `category-x tag-y` on every post's <article>.
    """
    for element in above:
        if not _CARD_META.isdisjoint(names.of(element)) and element.css_first(
                "h2, h3, h4, h5, h6, [class*=title i]") is None:
            return True
    return False


def _card_title(anchor: LexborNode, above: list[LexborNode], names: _Names) -> str | None:
    """The card title a link is, sits in, or holds (a heading or *title* class); else None."""
    for element in above:
        if element.tag in ("h2", "h3", "h4", "h5", "h6") or not TITLE_WORDS.isdisjoint(
                names.of(element)):
            return clean_text(anchor, is_label)
    element = _title_element_in(anchor)
    return clean_text(element, is_label) if element is not None else None


def _title_element_in(anchor: LexborNode) -> LexborNode | None:
    """The first heading at or inside a link, or element whose class says title or headline
    and whose markup calls it a title. (A walk of the link's few elements: it costs less
    than a selector's set-up.)"""
    for element in anchor.traverse():
        if element.tag_id in _HEADING_IDS:
            return element
        if element.is_element_node:
            classes = (element.attributes.get("class") or "").lower()
            if ("title" in classes or "headline" in classes) and is_title(element):
                return element
    return None
