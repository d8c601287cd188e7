"""Teaser cards after the article: repeated blocks that each lead to one other article.

Themes show related posts, and often the previous and next post, as cards: one block per
article holding its link (often an image link and a title link to the same address), a
title, maybe a picture, a date or a category, repeated under one parent. Nothing a reader
sees in them is the same from site to site, so they are found by structure alone:

- the links after the article's headline (its first <h1> outside the site's chrome), in
  page order, that may lead to another article of the same site (not a listing, a
  section above the page or a page of this one), but not links amid a paragraph's words;
- each link's card: the largest element around it that leads to that article only;
- a list: the cards sharing one parent, in page order (a lone card is a list of one);
- its heading: a short heading or title element standing just before its first card.

Which lists are related posts, and which a previous/next pair, is the callers' call
(`_related`, `navigation`); `PostArea.regions` tells them where a list sits. Only reads
the tree.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from itertools import chain
from typing import Iterator

from selectolax.lexbor import LexborNode

from ._index import page_index
from ._lexicon import words
from ._links import PageAddress, origin_of, plain_absolute, without_fragment
from ._markup import ancestors, first_tagged, is_title, markup_words, place_of, tag_ids
from ._text import clean_text
from .document import Document

# Links after the headline read per page, at most (links amid a paragraph's words aside):
# the post's own card lists come within the first few dozen, and each link costs a look
# at its address and a walk up the tree.
_MAX_LINKS = 60
# How far above its link a card's list may be: teaser markup nests a few levels deep.
_CARD_DEPTH = 6
_QUIET = frozenset(("script", "style", "noscript", "template", "link", "meta", "br", "hr"))
_HEADINGS = frozenset(("h2", "h3", "h4", "h5", "h6"))
_BOX_HEADINGS = "h2, h3, h4, h5, h6, [role=heading]"
_HEADING_WORDS = frozenset(("title", "heading", "header", "headline", "hd"))
_MAX_HEADING_WORDS = 12
# A paragraph this long is running text, never part of a card list.
_PARAGRAPH_WORDS = 20
_MANY = "\x00many"  # (no key of a link: keys are addresses)
_P_ID, = tag_ids(("p",))
_TEXTAREA_IDS = tag_ids(("textarea",))


@dataclass
class Card:
    """One teaser: the element `node` leading to one address only, `href` as written (made
    absolute by `PostArea.articles`)."""

    node: LexborNode
    key: str  # what its links' addresses share (see `PageAddress.article_key`)
    href: str
    depth: int  # how many levels above its first link the card is
    anchors: list[LexborNode] = field(default_factory=list)  # its links there, in page order


@dataclass
class CardList:
    """Cards sharing the parent `node`, in page order (one card is a list too)."""

    node: LexborNode
    cards: list[Card] = field(default_factory=list)


class PostArea:
    """What follows the article's headline: the card lists there, and where each sits."""

    def __init__(self, doc: Document, page: PageAddress) -> None:
        self._doc, self._page = doc, page
        self._addresses: dict[str, str | None] = {}  # href as written -> article address
        # The headline (the first <h1> outside the site's header, menus and sidebars) and
        # the links after it, in page order, from the page's index.
        index = page_index(doc)
        nodes, tags = index.marks, index.mark_tags
        start = next((i for i, node in enumerate(nodes)
                      if tags[i] == "h1" and place_of(node) != "chrome"), None)
        self.headline = nodes[start] if start is not None else None
        self._forms = [(position, form) for position, form in index.forms
                       if start is not None and position > start]
        if self.headline is None:
            self._around, self._article, self.lists = set(), None, []
            self._levels, self._positions = {}, {}
            return
        # The headline and everything around it is the layout holding the article: a
        # wrapper saying 'sidebar' or 'widget' there (`has-sidebar`, `l-sidebar-fixed`)
        # is no region beside it.
        around = [self.headline, *ancestors(self.headline)]
        self._around = {node.mem_id for node in around}
        self._levels = {node.mem_id: level for level, node in enumerate(around)}
        self._article = next((n.mem_id for n in around if n.tag == "article"), None)
        # The links that may be a card's, and where each stands among the page's marks (to
        # tell what comes after what). A link amid the words of a paragraph is no card's and
        # takes no share of the budget: a long body's inline links would use it up before
        # the blocks after the body.
        anchors: list[LexborNode] = []
        self._positions = {}
        for position in range(start + 1, len(nodes)):
            if tags[position] != "a":
                continue
            node = nodes[position]
            parent = node.parent
            if parent is not None and parent.tag_id == _P_ID and parent.text(
                    deep=False).strip():
                continue
            anchors.append(node)
            self._positions[node.mem_id] = position
            if len(anchors) == _MAX_LINKS:
                break
        stops = self._around | {node.mem_id for node in (doc.tree.body, doc.tree.root)
                                if node is not None}
        self.lists = _card_lists(_card_links(page, anchors), stops)

    def articles(self, card_list: CardList) -> list[Card]:
        """The list's cards that lead to another article of the site, their `href` made
        absolute. (Cards are made from links as written, which is cheap; only the lists
        worth a look have their addresses resolved and weighed.)"""
        origin = None
        cards = []
        for card in card_list.cards:
            address = self._addresses.get(card.href, "")
            if address == "":
                if origin is None:
                    origin = origin_of(self._doc.base_url) or ""
                href = card.href.strip()
                url = plain_absolute(origin, href) or self._doc.absolute(href)
                address = without_fragment(url) if self._page.is_article(url) else None
                self._addresses[card.href] = address
                if address:
                    self._addresses[address] = address
            if address:
                card.href = address
                cards.append(card)
        return cards

    def regions(self, node: LexborNode) -> Iterator[LexborNode]:
        """`node` and its ancestors below the layout that holds the headline too."""
        for element in chain((node,), ancestors(node)):
            if element.mem_id in self._around:
                return
            yield element

    def amid_text(self, node: LexborNode) -> bool:
        """Whether `node` stands among the paragraphs of a text (the article's body): a
        paragraph of some length inside it, or after it at its level or a few above."""
        if any(is_paragraph(child) for child in node.iter()):
            return True
        for element, _ in zip(self.regions(node), range(6)):
            sibling, seen = element.next, 0
            while sibling is not None and seen < 4:
                if sibling.is_element_node:
                    seen += 1
                    if is_paragraph(sibling):
                        return True
                sibling = sibling.next
        return False

    def in_site_column(self, card_list: CardList) -> bool:
        """Whether the list stands in a column or footer of the site's, past the article and
        its comments: after the comment form (the first form with a textarea after the
        headline), outside the smallest element holding both the headline and that form,
        in a branch holding other headed boxes too. (A lone box after the article and its
        comments may be its related posts.)"""
        first = self._positions.get(card_list.cards[0].anchors[0].mem_id) if card_list.cards \
            and card_list.cards[0].anchors else None
        if first is None:
            return False
        form = next((form for position, form in self._forms if position <= first
                     and first_tagged(form, _TEXTAREA_IDS) is not None), None)
        if form is None:
            return False
        level, branch = self._joining(card_list.node)
        if level <= self._joining(form)[0]:
            return False
        # Headings outside the list: its own, and another box's at least.
        return len(branch.css(_BOX_HEADINGS)) - len(card_list.node.css(_BOX_HEADINGS)) >= 2

    def _joining(self, node: LexborNode) -> tuple[int, LexborNode]:
        """How many levels above the headline `node`'s branch joins the headline's, and the
        element of that branch just below where it joins."""
        branch = node
        for element in chain((node,), ancestors(node)):
            level = self._levels.get(element.mem_id)
            if level is not None:
                return level, branch
            branch = element
        return len(self._levels), branch  # (joins at <body>, above every element of theirs)

    def shares_article(self, node: LexborNode) -> bool:
        """Whether `node` is inside the <article> that holds the headline (its footer...)."""
        return self._article is not None and any(
            parent.mem_id == self._article for parent in ancestors(node))


def is_paragraph(node: LexborNode) -> bool:
    """A paragraph of running text, long as no title or label is."""
    if node.tag != "p":
        return False
    text = node.text(deep=True)
    return len(text) >= _PARAGRAPH_WORDS * 2 and len(words(text[:_PARAGRAPH_WORDS * 20])) >= \
        _PARAGRAPH_WORDS


def heading_of(card_list: CardList) -> LexborNode | None:
    """The heading standing just before the list's first card: its parent's first child, or
    the element before it, or before the wrapper it opens (a few levels up at most)."""
    cards = {card.node.mem_id for card in card_list.cards}
    first = _first_shown(card_list.node.iter())
    if first is not None and first.mem_id not in cards:
        return first if _is_heading(first) else None
    node = card_list.node
    for _ in range(4):
        before = _first_shown(_preceding(node))
        if before is not None:
            return before if _is_heading(before) else None
        node = node.parent
        if node is None or node.tag in ("body", "main", "article"):
            return None
    return None


def _preceding(node: LexborNode) -> Iterator[LexborNode]:
    sibling = node.prev
    while sibling is not None:
        yield sibling
        sibling = sibling.prev


def _first_shown(nodes: Iterator[LexborNode]) -> LexborNode | None:
    """The first element among `nodes` that shows something: text or a picture."""
    for node in nodes:
        if not node.is_element_node or node.tag in _QUIET:
            continue
        if node.text(deep=True).strip() or node.css_first("img, picture, svg") is not None:
            return node
    return None


def _is_heading(element: LexborNode) -> bool:
    """A short heading: <h2>-<h6>, ARIA's heading, an element called a title or heading,
    one holding such, or a short line that is all bold or ends with a colon."""
    if len(element.text(deep=True)) > _MAX_HEADING_WORDS * 20:
        return False  # (a long text is no heading: spare reading it word by word)
    text = clean_text(element)
    count = len(words(text))
    if not count or count > _MAX_HEADING_WORDS:
        return False
    if element.tag in _HEADINGS or element.attributes.get("role") == "heading":
        return True
    if not _HEADING_WORDS.isdisjoint(markup_words(element)) or is_title(element):
        return True
    if element.css_first("h2, h3, h4, h5, h6, [role=heading]") is not None:
        return True
    if text.endswith((":", "：")):
        return True
    bold = element.css_first("strong, b")
    return bold is not None and clean_text(bold) == text


def _card_lists(links: list[tuple[LexborNode, str, str]], stops: set[int]) -> list[CardList]:
    """The card lists of the article links after the headline, in page order.

    Every element above a link, up to the layout around the headline (`stops`: its
    elements, <body> and <html>), with the addresses it leads to: a card is the largest
    one leading to one address only, and the cards sharing a parent are a list.
    """
    # Each element above the links, with the key of the first link under it, or _MANY.
    first: dict[int, str] = {}
    paths: list[tuple[list[LexborNode], list[int]]] = []  # each link's path up, and its ids
    nodes: list[LexborNode] = []
    ids: list[int] = []
    last_key = None
    setdefault = first.setdefault
    for anchor, key, _ in links:
        above, above_ids = nodes, ids  # the previous link's path
        node, node_id = anchor, anchor.mem_id
        nodes, ids = [node], [node_id]
        if setdefault(node_id, key) != key:
            first[node_id] = _MANY
        above_levels = len(above_ids)
        for level in range(1, _CARD_DEPTH + 1):
            node = node.parent
            if node is None:
                break
            node_id = node.mem_id
            if node_id in stops:
                break
            if level < above_levels and above_ids[level] == node_id:
                # The previous link's path goes on from here as this one's does, and right
                # after it each element on it holds its key or _MANY: only another key
                # changes them.
                nodes += above[level:]
                ids += above_ids[level:]
                if key != last_key:
                    for shared in above_ids[level:]:
                        first[shared] = _MANY
                break
            nodes.append(node)
            ids.append(node_id)
            if setdefault(node_id, key) != key:
                first[node_id] = _MANY
        paths.append((nodes, ids))
        last_key = key
    lists: dict[int, CardList] = {}
    cards: dict[int, Card] = {}
    keyed: dict[tuple[int, str], Card] = {}  # (a list's parent, a key) -> its one card of that key
    for (anchor, key, href), (nodes, ids) in zip(links, paths):
        depth = 0
        for node_id in ids[1:]:
            if first[node_id] is _MANY:
                break
            depth += 1
        card_id = ids[depth]
        card = cards.get(card_id)
        if card is None:
            card_node = nodes[depth]
            parent = nodes[depth + 1] if depth + 1 < len(nodes) else card_node.parent
            if parent is None:
                continue
            parent_id = parent.mem_id
            found = lists.get(parent_id)
            if found is None:
                found = lists[parent_id] = CardList(parent)
            # Blocks beside the headline's own ancestors may each lead to the same article.
            card = keyed.get((parent_id, key))
            if card is None:
                card = keyed[parent_id, key] = Card(card_node, key, href, depth)
                found.cards.append(card)
            cards[card_id] = card
        card.anchors.append(anchor)
    return list(lists.values())


def _card_links(page: PageAddress,
                anchors: list[LexborNode]) -> list[tuple[LexborNode, str, str]]:
    """(link, the key of its address, its href as written) of the `anchors` (none inside a
    line of text) that may lead to another article of the site. (See
    `PageAddress.article_key`.)"""
    links = []
    keys: dict[str, str | None] = {}
    for anchor in anchors:
        href = anchor.attrs.get("href")
        if href is None:
            continue
        key = keys.get(href, "")
        if key is None:
            continue
        if key == "":
            key = keys[href] = page.article_key(href)
        if key is not None:
            links.append((anchor, key, href))
    return links

