"""The article body as clean text: the main-content algorithm.

1. Measure the prose: paragraphs and elements holding text directly, counted
   in characters, links counted against them.
2. Choose the element where prose sits together (its own paragraphs, and half
   of its best child's score), prose inside page furniture discounted; widen it
   over the paragraphs right beside it and over clusters nearly as strong in a
   neighbouring element (an article split by ads or grid cells), never over
   scattered teasers or comments.
3. Inside it, remove furniture (see furniture.py; a lead in a block named a
   teaser stays), link lists, the post's tags, picture captions, the labels
   left beside ad slots and embeds, and the titles of what was removed; and
   write the text with its structure (see plain_text.py).

It must never key on a site, a language's words or a sentence: only on markup,
structure and character counts (CJK has no spaces between words). It must never
recurse: pages nest 100,000 elements deep. Each whole-tree CSS query costs as
much as the rest of a step, so there are few of them.
"""
from __future__ import annotations

from itertools import chain

from selectolax.lexbor import LexborNode

from ._jsonld import json_ld_items
from ._markup import is_inside, links_in, name_attributes, tag_ids
from .document import Document
from .fallback import (CONVINCING, Body, article_element, choose, densest_block, json_ld_body,
                       prune_never_text, readable_text)
from .furniture import (CANDIDATES, RARE_CANDIDATE_ATTRIBUTES, furniture_by, furniture_words,
                        names_of)
from .lead import headline_in, headline_marks, lead_before, opening_lead
from .recipe import ingredient_lists
from .plain_text import plain_text

# Paragraphs, elements that may hold text directly (bare, or between <br>: each <br> stands
# for its parent, as `:has(> br)` would, which costs a third of the walk), and paragraph links;
# and <body>, the root of the walk, taken apart.
_PROSE = "p, pre, div, td, li, br, p a[href]"
_PROSE_IDS = tag_ids(("body", "p", "pre", "div", "td", "li"))
# The blocks measured by the text written straight into them (and the one of them that
# editors fill with inline markup), by the parser's number for their tag.
_TEXT_BLOCK_IDS = tag_ids(("body", "div", "td", "li"))
_DIV_ID, = tag_ids(("div",))
_BR_ID, = tag_ids(("br",))
_A_ID, = tag_ids(("a",))
_FORM_ID, = tag_ids(("form",))
_ARTICLE_ID, = tag_ids(("article",))
_PARAGRAPH_IDS = tag_ids(("p", "pre"))
# Blocks that editors fill with inline markup instead of paragraphs (Blogger, WYSIWYG, old tables).
_INLINE_BLOCK_IDS = tag_ids(("div",))
_INLINE = frozenset(("a", "abbr", "b", "big", "br", "cite", "code", "del", "dfn", "em", "font", "i",
                     "img", "ins", "kbd", "mark", "nobr", "q", "s", "samp", "small", "span",
                     "strike", "strong", "sub", "sup", "time", "tt", "u", "var", "wbr"))
_NOT_ELEMENTS = frozenset(("-text", "-comment"))
_FEW_PARAGRAPHS = 2000  # characters of prose in <p>s and text blocks, below which inline ones count

_MAX_CLIMB = 256  # levels
_MAX_LINK_BLOCK_DEPTH = 64  # a teaser rail holds its links a few levels down, not 64
_MAX_INLINE = 32  # levels of inline markup between a link and its paragraph, at most
_LINK_LEVELS = 3  # levels between a card's link and the paragraph it wraps, at most
_MIN_PROSE = 25  # characters: shorter blocks do not say where the article is
_DECAY = 0.5  # what a paragraph, or a child's score, adds to the score of the element above
_SPLIT = 0.5  # a cluster beside the article this strong is more of the article
_ADJACENT = 0.1  # paragraphs right beside the article this strong continue it
_ADJACENT_WRAPPED = 0.25  # paragraphs beside the wrappers of the article, this strong
_FURNITURE_WEIGHT = 0.2  # what prose inside furniture counts for
_WRAPPER = 0.85  # furniture by its names, but holding this share of the prose: a wrapper
_LINK_BLOCK = 0.5  # a block without prose whose text is more than this share links: a link list
_TEASERS = 3  # links in a block without prose that make it a list of other pages
_TEASER_IDS = tag_ids(("div", "section"))  # a table of links may be data
_LINK_BLOCK_IDS = tag_ids(("div", "section", "table", "dl", "figure", "ul", "ol"))
_HALF = 0.5
_SKIPS = 1  # weak levels passed over when widening
_PEER = 0.8  # a cluster this strong next to the first part chosen is another part
_SUBHEADING_TAGS = frozenset(("h2", "h3", "h4", "h5", "h6"))
_SECTION_IDS = tag_ids(("section", "tr"))  # blocks of one kind by their tag alone
_PEERS = 2  # further blocks of the kind of the one chosen that make a sequence of sections


def extract_body(doc: Document) -> Body:
    """The article's text, and how it was found (see fallback.py for the stages)."""
    json_ld_items(doc)  # read before the scripts holding it are pruned, for the last resort
    name_attributes(doc.tree, RARE_CANDIDATE_ATTRIBUTES)  # for the walks of furniture candidates
    root = doc.tree.body
    prose = _Prose(root) if root is not None else None

    def stages():
        if prose is not None and prose.total:
            # A short body convinces when cleaning it kept half the prose of its element (a
            # notice of two sentences is whole), not when its element was mostly furniture.
            text, held = _content(prose, doc)
            yield "content", lambda: text, min(CONVINCING, _HALF * held)
            yield "densest_block", lambda: densest_block(prose.own, prose.node), CONVINCING
        if root is not None:
            yield "article_element", lambda: article_element(root), CONVINCING
        yield "json_ld", lambda: json_ld_body(doc), CONVINCING
        if root is not None:
            yield "whole_page", lambda: readable_text(root), CONVINCING

    return choose(stages())


def _content(prose: _Prose, doc: Document) -> tuple[str, float]:
    """The main algorithm: the element where the prose sits together, its lead and a
    recipe's ingredients shown apart, cleaned; and how much prose that element held."""
    container = _container(prose)
    marks = headline_marks(container)
    lead = [plain_text(block) for block in lead_before(container, prose.of, marks)]
    lead += [plain_text(block) for block in ingredient_lists(doc, container)]
    removed = _Removed(container, prose)
    _remove_furniture(container, prose, removed, bool(marks))
    _remove_link_blocks(container, prose, removed)
    _remove_tag_lists(container, removed)
    _remove_lone_links(container, removed)
    _remove_alt_captions(container, removed)
    removed.emptied_boxes()
    _remove_orphan_headings(container)
    _remove_box_titles(container, removed.before, prose)
    return "\n\n".join(text for text in (*lead, plain_text(container)) if text), prose.of(container)


def _inline_only(node: LexborNode) -> bool:
    """Whether the element holds inline markup only, and at least one element of it."""
    child = node.child
    inline = False
    while child is not None:
        tag = child.tag
        if tag in _INLINE:
            inline = True
        elif tag not in _NOT_ELEMENTS:
            return False
        child = child.next
    return inline


def _in_link(node: LexborNode) -> bool:
    """Whether a link holds the element, a few levels up (a card: <a><h3/><p/></a>)."""
    parent = node.parent
    for _ in range(_LINK_LEVELS):
        if parent is None:
            return False
        if parent.tag_id == _A_ID:
            return True
        parent = parent.parent
    return False


def _chars(text: str) -> int:
    """Length in characters, which means about the same in every script (words do not: CJK)."""
    return len(text.strip())


class _Prose:
    """How much prose each element holds, and the part of the tree above the prose.

    Paragraphs are credited to their parent, so the map holds only the elements that could
    contain an article. Elements are keyed by `mem_id`: LexborNode's `==` compares HTML.
    """

    def __init__(self, root: LexborNode) -> None:
        self.root = root.mem_id
        self.root_node = root
        self.node: dict[int, LexborNode] = {self.root: root}
        self.parent: dict[int, int] = {}
        self.children: dict[int, list[int]] = {}
        self.own: dict[int, float] = {}  # prose in the element itself and its paragraphs
        self.own_score: dict[int, float] = {}  # the same, its paragraphs' weight halved
        self.link_lists: list[LexborNode] = []  # paragraphs that may be links with a label
        self.bare: set[int] = set()  # elements with prose written straight into them
        # What makes each element judged so far furniture (see furniture_by), or None: the
        # choice of the container and its cleaning ask about many of the same elements.
        self.furniture: dict[int, str | None] = {}
        self._measure(root)
        self.order = self._top_down()
        self.value = value = dict.fromkeys(self.order, 0.0)  # prose characters inside
        own, parent_of = self.own, self.parent
        for key in reversed(self.order):
            value[key] += own.get(key, 0.0)
            parent = parent_of.get(key)
            if parent is not None:
                value[parent] += value[key]
        self.total = value[self.root]

    def _measure(self, root: LexborNode) -> None:
        paragraphs: list[tuple[LexborNode, int]] = []
        links: dict[int, list[int]] = {}
        wrappers: list[LexborNode] = []  # blocks without text of their own: inline markup only?
        broken: set[int] = set()  # the other elements holding a <br>, each measured once
        bare, credit = self.bare, self._credit
        # The hot loop: lengths inlined, len(text.strip()); node.text(False) is the text written
        # straight into the node (deep=False, passed by position: by keyword it costs twice as
        # much); tags read by number, which costs less than by name. The root (<body>) is
        # measured first, as the walk would find it: each selector costs the walk a share.
        for node in chain((root,), root.css(_PROSE)):
            tag_id = node.tag_id
            if tag_id in _TEXT_BLOCK_IDS:  # most of what the walk finds: first
                value = len(node.text(False).strip())
                if value >= _MIN_PROSE:
                    credit(node, value, value)
                    bare.add(node.mem_id)
                elif tag_id == _DIV_ID:
                    wrappers.append(node)
                continue
            if tag_id == _BR_ID:
                node = node.parent
                if node is None or (tag_id := node.tag_id) in _PROSE_IDS:
                    continue  # measured as itself
                key = node.mem_id
                if key in broken:
                    continue
                broken.add(key)
            if tag_id in _PARAGRAPH_IDS:
                if not _in_link(node):  # a teaser's summary, inside the link to its page
                    paragraphs.append((node, len(node.text().strip())))
                continue
            if tag_id == _A_ID:
                block = node.parent
                for _ in range(_MAX_INLINE):  # a paragraph holds only inline markup
                    if block is None or block.tag_id in _PARAGRAPH_IDS:
                        break
                    block = block.parent
                else:
                    block = None
                if block is not None:
                    links.setdefault(block.mem_id, []).append(_chars(node.text()))
                continue
            value = len(node.text(False).strip())
            if value >= _MIN_PROSE:
                self._credit(node, value, value)
                self.bare.add(node.mem_id)
            elif tag_id in _INLINE_BLOCK_IDS:
                wrappers.append(node)
        self._credit_paragraphs(paragraphs, links)
        if sum(self.own.values()) < _FEW_PARAGRAPHS:
            # Little prose in <p>s and text blocks: the paragraphs may be written as blocks of
            # inline markup, <div><span>…</span></div> (Blogger, WYSIWYG editors). Looked for
            # only here: where <p>s carry the article, checking every <div> costs a fifth of
            # the extraction.
            paragraphs, links = [], {}
            for node in wrappers:
                if _inline_only(node):  # most wrappers fail at their first child element
                    length = len(node.text().strip())
                    if length >= _MIN_PROSE:
                        paragraphs.append((node, length))
                        links[node.mem_id] = [_chars(a.text()) for a in links_in(node)]
            self._credit_paragraphs(paragraphs, links)

    def _credit_paragraphs(self, paragraphs: list[tuple[LexborNode, int]],
                           links: dict[int, list[int]]) -> None:
        for node, length in paragraphs:
            link_lengths = links.get(node.mem_id)
            value = length
            if link_lengths:
                if _is_link_list(length, link_lengths):
                    self.link_lists.append(node)
                value -= 2 * sum(link_lengths)
            parent = node.parent
            if value >= _MIN_PROSE and parent is not None:
                self._credit(parent, value, _DECAY * value)

    def _credit(self, node: LexborNode, value: float, score: float) -> None:
        key = node.mem_id
        self.own[key] = self.own.get(key, 0.0) + value
        self.own_score[key] = self.own_score.get(key, 0.0) + score
        if key not in self.node:
            self.node[key] = node
            self._climb(node)

    def _climb(self, node: LexborNode) -> None:
        """Learn the way up from an element, as far as a known one.

        Past _MAX_CLIMB levels the element hangs from the root: nesting that deep is no layout.
        """
        key = node.mem_id
        for _ in range(_MAX_CLIMB):
            if key == self.root or key in self.parent:
                return
            parent = node.parent
            if parent is None:
                return
            parent_key = parent.mem_id
            self.parent[key] = parent_key
            self.children.setdefault(parent_key, []).append(key)
            if parent_key in self.node:
                return
            self.node[parent_key] = node = parent
            key = parent_key
        self.parent[key] = self.root
        self.children.setdefault(self.root, []).append(key)

    def _top_down(self) -> list[int]:
        order = [self.root]
        for key in order:
            order.extend(self.children.get(key, ()))
        return order

    def of(self, node: LexborNode) -> float:
        return self.value.get(node.mem_id, 0.0)


def _container(prose: _Prose) -> LexborNode:
    """The element where the article's prose sits together, widened over the article's parts.

    An element scores its own prose and half the score of its best child: prose spread over
    many children (comments, teasers, search results) adds up to little, while an article's
    paragraphs sit together. Prose inside furniture counts a fifth: a cookie notice or a
    comment thread can hold more text than the article, and a wrapper misnamed 'widget'
    still holds all of it. A page marking one element as its article keeps the choice inside
    it. The best element is then widened over what continues it (within that article).
    """
    furniture, under = _furniture(prose)
    rank: dict[int, float] = {}
    best_part: dict[int, float] = {}  # half the score of an element's best child
    best_below: dict[int, float] = {}  # the best rank in an element's subtree
    own_score, parent_of = prose.own_score, prose.parent
    for key in reversed(prose.order):  # (the max()es written out: this loop runs per element)
        score = own_score.get(key, 0.0) + best_part.get(key, 0.0)
        rank[key] = ranked = score * _FURNITURE_WEIGHT if key in under else score
        below = best_below.get(key, 0.0)
        if ranked > below:
            below = best_below[key] = ranked
        else:
            best_below[key] = below
        parent = parent_of.get(key)
        if parent is not None:
            part = _DECAY * score * _FURNITURE_WEIGHT if key in furniture else _DECAY * score
            if part > best_part.get(parent, 0.0):
                best_part[parent] = part
            elif parent not in best_part:
                best_part[parent] = 0.0
            if below > best_below.get(parent, 0.0):
                best_below[parent] = below
            elif parent not in best_below:
                best_below[parent] = 0.0
    chosen = key = max(rank, key=rank.__getitem__)
    # A page marking one element as its article keeps the choice inside it: a teaser list or
    # a form can outweigh a short article (a paywall's preview).
    article = _the_article(prose, chosen)
    if article is not None:
        inside = [article]
        for part in inside:
            inside.extend(prose.children.get(part, ()))
        chosen = key = max(inside, key=rank.__getitem__)
    strength = rank[chosen]  # of the prose chosen so far
    # A cluster nearly as strong as the first part is a part too, however strong all chosen so
    # far: an article of many blocks (a magazine's CMS modules) grows past any single one.
    first = strength
    skips = _SKIPS
    while key != article and (parent := prose.parent.get(key)) is not None:
        others = [child for child in prose.children[parent] if child != key]
        # Prose right beside what is chosen (the parent's paragraphs, sibling blocks of bare
        # text) continues the article, as does prose beside wrappers holding nothing else (a
        # news item's headline and date around its text), if stronger; a cluster in another
        # child, or further up, must be nearly as strong to be another part of it (an article
        # split by ads or grid cells).
        adjacent = 0.0
        near = _ADJACENT if key == chosen else _ADJACENT_WRAPPED
        if prose.value[key] == prose.value[chosen]:
            # Inside an <article>, a wrapper of paragraphs beside them (a lede) is a part too.
            within_article = prose.node[parent].tag_id == _ARTICLE_ID
            adjacent = prose.own_score.get(parent, 0.0) + sum(
                prose.own_score.get(child, 0.0) for child in others if child not in under and (
                    child in prose.bare or (within_article and child not in prose.children)))
        cluster = max((best_below[child] for child in others), default=0.0)
        peers = _same_kind(prose, key, others, under)
        key = parent
        if not adjacent and not cluster:
            continue  # nothing beside yet: look further up
        if adjacent < near * strength and cluster < min(_SPLIT * strength, _PEER * first) \
                and not peers:
            if not skips:
                break
            # A weak level may be a group of cells (an image beside the text, two columns),
            # one of many that make the article: the next level up decides.
            skips -= 1
            continue
        chosen = key
        strength += adjacent + cluster
    return prose.node[chosen]


def _same_kind(prose: _Prose, key: int, others: list[int], under: set[int]) -> bool:
    """Whether siblings of the branch chosen, of its tag and classes, hold prose too: the
    article's further sections (sections, rows, modules of one template), however short.
    It takes two: one block of the same kind may be the site's boilerplate."""
    node = prose.node[key]
    classes = node.attributes.get("class")
    tag = node.tag_id
    if not classes and tag not in _SECTION_IDS:
        return False  # unnamed blocks are of no kind, but the sections of a document
    found = 0
    value, node_of = prose.value, prose.node
    for other in others:  # (what the prose tree knows first, then the element's markup)
        if value[other] >= _MIN_PROSE and other not in under and \
                (peer := node_of[other]).tag_id == tag and peer.attributes.get("class") == classes:
            found += 1
            if found == _PEERS:
                return True
    return False


def _the_article(prose: _Prose, chosen: int) -> int | None:
    """The page's one <article>, when it has one holding prose and the choice lies outside
    it: pages with many (teaser cards as <article>s) say nothing by it."""
    articles = [key for key, node in prose.node.items()
                if node.tag_id == _ARTICLE_ID and prose.value[key] >= _MIN_PROSE]
    if len(articles) != 1 or _holds(prose, chosen, articles[0]) \
            or _holds(prose, articles[0], chosen):
        return None  # none, many, or the choice is its already
    # Rare: only now is the whole page searched for other, prose-less <article>s.
    return articles[0] if len(prose.root_node.css("article")) == 1 else None


def _holds(prose: _Prose, outer: int, inner: int) -> bool:
    """Whether `outer` is `inner` or one of its ancestors in the prose tree."""
    key: int | None = inner
    for _ in range(_MAX_CLIMB):
        if key is None:
            return False
        if key == outer:
            return True
        key = prose.parent.get(key)
    return False



def _furniture(prose: _Prose) -> tuple[set[int], set[int]]:
    """Elements that are furniture, and those that are furniture or inside it.

    An element holding nearly all the page's prose wraps the article, whatever its names say
    ("pg-rail-tall__body", "content-sidebar-wrap").
    """
    furniture: set[int] = set()
    under: set[int] = set()
    wrapper = _WRAPPER * prose.total
    value_of, node_of, parent_of, verdicts = prose.value, prose.node, prose.parent, prose.furniture
    for key in prose.order:
        value = value_of[key]
        if value < wrapper:
            by = verdicts[key] = furniture_by(node := node_of[key])
        else:
            by = None
        if by is not None and not (value >= CONVINCING and node.tag_id == _FORM_ID):
            furniture.add(key)
            under.add(key)
        elif parent_of.get(key) in under:
            under.add(key)
    return furniture, under


class _Removed:
    """What cleaning took out of the body's element, counted by the block it was taken from:
    a box emptied of its list or widget keeps only its title, which goes after it."""

    def __init__(self, container: LexborNode, prose: _Prose) -> None:
        self.top = container.mem_id
        self.prose = prose
        self.taken: dict[int, tuple[LexborNode, int]] = {}  # block -> (block, characters taken)
        # The blocks right before lists of links and boxes taken out, with the links of those
        # lists (a box counts as a list): their title may be one.
        self.before: dict[int, tuple[LexborNode, int]] = {}

    def remove_list(self, node: LexborNode) -> None:
        """Take out a list of links (or what held only lists), noting the block before it."""
        self._note_before(node, sum(1 for _ in links_in(node)))
        self.remove(node)

    def remove_box(self, node: LexborNode) -> None:
        """Take out a box that is furniture by its markup (an author box, a form, an aside) or
        that cleaning emptied, noting the block before it."""
        self._note_before(node, _LIST_LINKS)
        self.remove(node)

    def _note_before(self, node: LexborNode, links: int) -> None:
        before = _block_before(node)
        if before is not None:
            _, noted = self.before.get(key := before.mem_id, (before, 0))
            self.before[key] = (before, noted + links)

    def remove(self, node: LexborNode) -> None:
        parent = node.parent
        if parent is not None and (key := parent.mem_id) != self.top \
                and self.prose.own.get(key, 0.0) < _SENTENCE_HEADING:  # paragraphs: no box
            _, before = self.taken.get(key, (parent, 0))
            self.taken[key] = (parent, before + _chars(node.text()))
        # (recursive=False, passed by position: it detaches only, what is inside stays valid)
        node.decompose(False)

    def emptied_boxes(self) -> None:
        """Blocks left with a title's worth of text after more was taken from them."""
        for _ in range(_BOX_LEVELS):
            boxes, self.taken = self.taken, {}
            for box, gone in boxes.values():
                if _chars(box.text()) < min(_SENTENCE_HEADING, gone):
                    self.remove_box(box)
            if not self.taken:
                return


def _remove_furniture(container: LexborNode, prose: _Prose, removed: _Removed,
                      marked: bool) -> None:
    """`marked`: whether the element held any headline marks before cleaning (without, it
    holds none after: taking elements out adds none)."""
    limit = 0.5 * prose.of(container)  # more than this is a wrapper of the article: it stays
    _remove_slot_labels(prune_never_text(container), container, removed)
    # The article's title is not its text; later h1s may be.
    headline = headline_in(container) if marked else None
    if headline is not None and prose.of(headline) == 0.0:
        headline.decompose(False)
    verdicts = prose.furniture
    furniture = []
    for node in container.css(CANDIDATES):  # (an element once for each selector it matches)
        by = verdicts.get(key := node.mem_id, _UNJUDGED)
        if by is _UNJUDGED:
            by = verdicts[key] = furniture_by(node)
        if by is not None:
            furniture.append((node, by))
    # Sibling blocks of one kind, named like furniture, that together hold most of the article
    # are its parts, and the words that named them the page's vocabulary, not furniture: a
    # page builder's 'widget's, a recipe's 'print' steps. (Only blocks with prose count.)
    named: dict[tuple, list] = {}
    for node, by in furniture:
        if by == "names" and (value := prose.of(node)):
            group = named.setdefault(_kind(node), [0.0, []])
            group[0] += value
            group[1].append(node)
    vocabulary: set[str] = set()
    for value, nodes in named.values():
        if value > limit:
            for node in nodes:
                vocabulary |= furniture_words(names_of(node)) - _NEVER_VOCABULARY
    # A lead opening the body in a block its template calls a teaser stays, as do the blocks
    # inside it named alike (its text's wrappers); a caption or a credit in it goes.
    lead = opening_lead([node for node, by in furniture if by == "names"], container)
    lead_words = furniture_words(names_of(lead)) if lead is not None else None
    for node, by in furniture:
        # More than half the prose: a wrapper of the article, unless its tag and its names
        # both say furniture (a comment form whose notes outweigh a short post).
        if (prose.of(node) > limit and not (by == "markup" and furniture_words(names_of(node)))) \
                or _section_header(node) or (lead_words is not None and by == "names" and
                                             furniture_words(names_of(node)) <= lead_words and
                                             is_inside(node, lead)):
            continue  # a wrapper of the article; a section's own title; the lead
        if by == "markup":
            removed.remove_box(node)
        elif not vocabulary or not furniture_words(names_of(node)) <= vocabulary:
            removed.remove(node)
    # Judged again without the furniture they held (hover cards). Together most of what is
    # left, they are the post: a list of links with a word on each (a bookmarks digest).
    lists = [(node, length) for node in prose.link_lists if _is_link_list(
        length := _chars(node.text()), [_chars(a.text()) for a in links_in(node)])]
    if not lists:
        return
    # Half the text left; read only once a list inside counts against it (0 never exceeds it):
    # the whole text of a long article is many times what its link lists hold.
    most: float | None = None
    listed = 0
    for node, length in lists:
        if listed:
            if most is None:
                most = _HALF * _chars(container.text())
            if listed > most:
                continue
        # still inside it (not on another part of the page, nor in furniture taken out of it);
        # bounded: link lists x depth, on hostile nesting
        if is_inside(node.parent, container, _MAX_LINK_BLOCK_DEPTH):
            listed += length
    if listed:
        if most is None:
            most = _HALF * _chars(container.text())
        if listed > most:
            return
    for node, _ in lists:
        removed.remove_list(node)


def _section_header(node: LexborNode) -> bool:
    """A <header> holding nothing but a subheading (an accordion's or a section's title):
    the article's header, with its headline, byline and date, holds more."""
    if node.tag != "header":
        return False
    child = node.child
    heading = False
    while child is not None:
        tag = child.tag
        if tag in _SUBHEADING_TAGS and not heading:
            heading = True
        elif not (child.is_text_node and not (child.text_content or "").strip()) \
                and tag != "-comment":
            return False
        child = child.next
    return heading


_UNJUDGED = object()

# A picture's caption and credit stay what they are however many pictures a post shows.
_NEVER_VOCABULARY = frozenset(("caption", "credit"))


def _kind(node: LexborNode) -> tuple:
    """Siblings of one kind: the same parent, tag and first class name."""
    parent = node.parent
    classes = (node.attributes.get("class") or "").split()
    return parent.mem_id if parent is not None else None, node.tag, classes[0] if classes else None


def _is_link_list(length: int, link_lengths: list[int]) -> bool:
    """A paragraph that is links with a label: "Read more: <a>another story</a>"."""
    linked = sum(link_lengths)
    words = length - linked
    return words < min(_MIN_PROSE, linked) or (linked > 2 * words and len(link_lengths) > 1)


def _remove_link_blocks(container: LexborNode, prose: _Prose, removed: _Removed) -> None:
    """Blocks without prose whose text is mostly links: teaser rails, 'read more' lists."""
    top = container.mem_id
    parent_of: dict[int, LexborNode | None] = {}
    nodes: dict[int, LexborNode] = {}
    links: dict[int, int] = {}
    anchors: dict[int, int] = {}
    for anchor in container.css("a[href]"):
        length = _chars(anchor.text())
        node = anchor.parent
        for _ in range(_MAX_LINK_BLOCK_DEPTH):  # bounded: links x depth, on hostile nesting
            if node is None or (key := node.mem_id) == top:
                break
            links[key] = links.get(key, 0) + length
            anchors[key] = anchors.get(key, 0) + 1
            nodes[key] = node
            if key not in parent_of:
                parent_of[key] = node.parent
            node = parent_of[key]
    whole = None
    for key, linked in links.items():
        node = nodes[key]
        if (tag := node.tag_id) in _LINK_BLOCK_IDS and key not in prose.value:
            length = _chars(node.text())
            if (anchors[key] >= _TEASERS and tag in _TEASER_IDS) or (
                    linked > _LINK_BLOCK * length):
                if whole is None:
                    whole = _chars(container.text())
                if length > _HALF * whole:
                    continue  # most of what is left: a post that is a list of links
                removed.remove_list(node)


def _remove_alt_captions(container: LexborNode, removed: _Removed) -> None:
    """Text beside a picture that repeats its alt or title: the picture's caption, however
    the template names it."""
    top = container.mem_id
    for image in container.css("img[alt], img[title]")[:_MAX_PICTURES]:
        attrs = image.attributes
        alts = {text for name in ("alt", "title")
                if len(text := " ".join((attrs.get(name) or "").split())) >= _MIN_PROSE}
        node, below = image.parent, image
        for _ in range(_CAPTION_LEVELS):
            if node is None or node.mem_id == top or not alts:
                break
            child = node.child
            for _ in range(_CAPTION_SIBLINGS):
                if child is None:
                    break
                following = child.next
                if child.mem_id != below.mem_id and not child.is_text_node:
                    caption = _caption_in(child, alts)
                    if caption is not None:
                        removed.remove(caption)
                        alts = set()
                child = following
            node, below = node.parent, node


def _caption_in(block: LexborNode, alts: set[str]) -> LexborNode | None:
    """`block`, or the element in it, whose text is one of `alts`; only in a block little
    longer than the caption (with a credit, a 'zoom' button)."""
    text = " ".join(block.text().split())
    if text in alts:
        return block
    if not any(alt in text for alt in alts) or len(text) > _CAPTION_SHARE * max(map(len, alts)):
        return None
    for element in block.css("*")[:_CAPTION_ELEMENTS]:
        if " ".join(element.text().split()) in alts:
            return element
    return None


def _remove_lone_links(container: LexborNode, removed: _Removed) -> None:
    """A short link standing as a block of its own among the body's blocks ('Back to the
    list', 'Download', 'Sign up now'): the page's navigation, not a sentence of the article."""
    for anchor in container.css("a[href]"):
        parent = anchor.parent
        if parent is None or parent.tag not in _LINK_PARENTS:
            continue  # in a paragraph, a list item, a table's cell: part of what they say
        if _chars(anchor.text()) < _SENTENCE_HEADING and _block_beside(anchor, backwards=True) \
                and _block_beside(anchor, backwards=False):
            removed.remove(anchor)


_CAPTION_LEVELS = 3  # a caption sits this close to its picture
_MAX_PICTURES = 64  # pictures whose captions are looked for: a gallery's beyond are alike
_CAPTION_SHARE = 2  # a block holding a caption, and no more than as much again besides
_CAPTION_SIBLINGS = 16  # blocks looked at beside the picture on each level
_CAPTION_ELEMENTS = 32  # elements looked at in a block holding a caption
_LINK_PARENTS = frozenset(("div", "section", "article", "main", "body"))
_BLOCK_TAGS = frozenset(("p", "div", "section", "article", "ul", "ol", "dl", "table", "figure",
                         "blockquote", "pre", "h1", "h2", "h3", "h4", "h5", "h6", "hr", "header",
                         "footer", "aside", "nav", "form"))


def _block_beside(node: LexborNode, backwards: bool) -> bool:
    """Whether the nearest sibling with content on that side is a block (or there is none)."""
    sibling = node.prev if backwards else node.next
    while sibling is not None:
        if sibling.is_text_node:
            if (sibling.text_content or "").strip():
                return False
        elif sibling.tag not in _NOT_ELEMENTS:
            return sibling.tag in _BLOCK_TAGS
        sibling = sibling.prev if backwards else sibling.next
    return True


_HEADINGS = frozenset(("h1", "h2", "h3", "h4", "h5", "h6"))
_HEADING_IDS = tag_ids(_HEADINGS)
_HEADING_WRAPPERS = 3  # levels of title wrappers around a heading ("box-title > h3")
_SENTENCE_HEADING = 60  # characters: a heading this long is text set large, not a block's title
_BOX_LEVELS = 3  # wrappers around a removed block that may be left with its title


def _remove_orphan_headings(container: LexborNode) -> None:
    """Headings with nothing left under them: the titles of the furniture and link lists
    just removed ('Related posts', 'Read also:'), or of nothing at all. (Last first: a
    heading over only orphans is one too.)"""
    headings = [node for node in container.traverse() if node.tag_id in _HEADING_IDS]
    for heading in reversed(headings):  # (a walk by tag number: a selector a tag costs more)
        if len(heading.text().strip()) < _SENTENCE_HEADING \
                and not _has_text_after(heading, container):
            heading.decompose(False)


def _has_text_after(heading: LexborNode, top: LexborNode) -> bool:
    """Whether text (or a lower heading) follows `heading` before the next heading of its
    level or above, inside `top`."""
    level = heading.tag
    node = heading
    for _ in range(_HEADING_WRAPPERS):
        sibling = node.next
        while sibling is not None:
            if sibling.is_text_node:
                if (sibling.text_content or "").strip():
                    return True
            elif sibling.tag in _HEADINGS:
                return sibling.tag > level  # 'h3' > 'h2': a subheading of this one
            elif sibling.tag not in _SILENT and sibling.text().strip():
                return True
            sibling = sibling.next
        node = node.parent
        if node is None or node.mem_id == top.mem_id:
            return False
    return True  # deeper than a title wrapper: keep it


_SILENT = frozenset(("script", "style", "noscript", "template"))


def _block_before(node: LexborNode, past_breaks: bool = False) -> LexborNode | None:
    """The element right before `node` among its siblings (past line breaks too, if asked),
    if no text lies between them."""
    sibling = node.prev
    while sibling is not None:
        if sibling.is_text_node:
            if (sibling.text_content or "").strip():
                return None
        elif sibling.tag not in _NOT_ELEMENTS and not (past_breaks and sibling.tag_id == _BR_ID):
            return sibling
        sibling = sibling.prev
    return None


def _remove_box_titles(container: LexborNode, before: dict[int, tuple[LexborNode, int]],
                       prose: _Prose) -> None:
    """A short block that ends the body right where a list of links to other pages or a box
    was taken out is its title ('Read also:', 'About the author', 'Leave a comment:'),
    written as a paragraph: what an orphan heading is when set as a heading. Not a sentence
    (the last answer of an interview), nor the words before a single link (the document a
    note points to)."""
    value = prose.value
    for key, (block, links) in before.items():
        if links >= _LIST_LINKS and value.get(key, 0.0) < _SENTENCE_HEADING \
                and (text := block.text().strip()) \
                and len(text) < _SENTENCE_HEADING and text[-1] not in _FULL_STOPS \
                and _ends(block, container):
            block.decompose(False)


_LIST_LINKS = 2  # links that make a list of other pages, not a pointer to one document
_FULL_STOPS = frozenset(".!。।")  # a block ending in one is a sentence, not a title


def _ends(node: LexborNode, top: LexborNode) -> bool:
    """Whether no text follows `node` inside `top` (and `node` is still inside it)."""
    for _ in range(_MAX_LINK_BLOCK_DEPTH):
        if node.mem_id == top.mem_id:
            return True
        sibling = node.next
        while sibling is not None:
            if sibling.is_text_node:
                if (sibling.text_content or "").strip():
                    return False
            elif sibling.tag not in _SILENT and sibling.text().strip():
                return False
            sibling = sibling.next
        node = node.parent
        if node is None:
            return False
    return False


_LABEL_LEVELS = 3  # a slot's label sits this close to the script or frame that fills it


def _remove_slot_labels(slots: list[LexborNode], container: LexborNode, removed: _Removed) -> None:
    """A block left holding only a label, shorter than a sentence, once the script or frame
    beside it is taken out: the label of an ad slot ('Advertisement'), a share or follow
    button, an embedded post or map. `slots` are the elements that held them."""
    top = container.mem_id
    prose = removed.prose.value
    seen: set[int] = set()
    for node in slots:
        for _ in range(_LABEL_LEVELS):
            if node is None or (key := node.mem_id) == top or key in seen or key in prose:
                break  # (a block holding prose holds more than a label: its text not read)
            seen.add(key)
            text = node.text().strip()
            if text:  # (a heading holding a script is still the heading of what follows)
                if len(text) < _MIN_PROSE and text[-1] not in _FULL_STOPS \
                        and node.tag_id not in _HEADING_IDS:
                    removed.remove(node)
                break
            node = node.parent


_TAG_LINKS = 'a[rel~="tag" i]'  # rel=tag: a link to one of the post's tags or categories
_TAG_LEVELS = 4  # wrappers around a list of tags: its label's line, its box


def _remove_tag_lists(container: LexborNode, removed: _Removed) -> None:
    """The post's tags and categories, wherever the theme writes them: the outermost block
    around links marked rel=tag that is mostly those links ('Tags: a, b, c')."""
    top = container.mem_id
    seen: set[int] = set()
    for anchor in container.css(_TAG_LINKS):
        node, outermost = anchor.parent, None
        for _ in range(_TAG_LEVELS):
            if node is None or (key := node.mem_id) == top or key in seen:
                break
            seen.add(key)
            tags = sum(_chars(tag.text()) for tag in node.css(_TAG_LINKS))
            if tags <= _HALF * _chars(node.text()):
                break
            outermost = node
            node = node.parent
        if outermost is not None:
            label = _label_before(outermost)
            if label is not None:
                removed.remove(label)
            removed.remove_list(outermost)


def _label_before(node: LexborNode) -> LexborNode | None:
    """The element right before `node`, past line breaks, when it holds a label ('Tags')."""
    sibling = _block_before(node, past_breaks=True)
    if sibling is None:
        return None
    text = sibling.text().strip()
    return sibling if text and len(text) < _MIN_PROSE and text[-1] not in _FULL_STOPS else None
