"""The article body as clean text: the main-content algorithm.

Finds the element that holds the article from where the page's prose is
(paragraph length, link density, markup semantics), removes what is not
article inside it (navigation, share widgets, related blocks, comments, ads,
forms...), and writes its text with its structure: paragraphs separated by a
blank line, headings and list items on their own lines.

It must never key on a site, a language's words or a sentence: only on markup,
structure and character counts (CJK has no spaces between words, so lengths
are counted in characters). It must never recurse over the tree: pages nest
100,000 elements deep. Speed matters: every whole-tree CSS query costs about
as much as the rest of a step, so there are few of them.
"""
from __future__ import annotations

import re
from functools import lru_cache

from selectolax.lexbor import LexborNode

from .document import Document

# Elements that never hold article text.
_NEVER_TEXT = ("script, style, noscript, template, svg, math, iframe, object, embed, canvas, "
               "video, audio, button, select, input, textarea, link, meta, dialog")

# Where prose sits: paragraphs, and elements that hold text directly (br-separated or bare).
_PROSE = "p, pre, div, td, br"
_PARAGRAPH_TAGS = frozenset(("p", "pre"))

# Elements that are page furniture by their markup, wherever they are.
_FURNITURE_TAGS = frozenset(("nav", "aside", "footer", "header", "form"))
# Their classes describe the page or the post (tags, categories, layout), never a widget.
_NEVER_FURNITURE = frozenset(("html", "body", "main", "article"))
_FURNITURE = ("nav, aside, footer, header, form, figcaption, [role=navigation], [role=complementary], "
              "[role=contentinfo], [role=banner], [role=search], [role=dialog], [hidden], "
              "[aria-hidden=true], [style*='display:none' i], [style*='display: none' i], "
              "[style*='visibility:hidden' i]")

# Class and id words that name page furniture: markup vocabulary, not content words.
_FURNITURE_WORD = re.compile(
    r"(?<![a-z0-9])(?:"
    r"share|sharing|social|sociable|addthis|related|recommend|read-?more|more-?(?:stories|articles|news)"
    r"|comment|disqus|respond|newsletter|subscri|signup|promo|cookie|consent|gdpr|sidebar|widget"
    r"|breadcrumb|navbar|navigation|pagination|pager|masthead|advert|sponsor|outbrain|taboola"
    r"|author-?(?:bio|box|info)|popup|modal|caption|credit|rollover|tooltip|popover|hovercard"
    r"|(?:nav|menu|footer|ad|ads|banner|tags|byline|also)(?![a-z0-9])|tag(?![a-z0-9-])"
    r")"
)

# Classes that tell a state or a layout of the element, not what it is: "has-sidebar", "no-ads".
_STATE_CLASS = re.compile(r"(?<![a-z0-9])(?:has|with|no|is|show|hide|enable|disable)[_-][a-z0-9_-]*")

# Blocks that start a new paragraph, and blocks that only start a new line.
_BLOCKS = ("p, pre, blockquote, table, ul, ol, dl, div, section, article, figure, "
           "h1, h2, h3, h4, h5, h6, li, tr, dt, dd, figcaption, br")
_LINE_TAGS = frozenset(("li", "tr", "dt", "dd", "figcaption", "br"))
_PARAGRAPH_MARK = "\x1e"
_LINE_MARK = "\x1f"
_MARKS = re.compile(f"([{_PARAGRAPH_MARK}{_LINE_MARK}]+)")

_LINK_BLOCK_TAGS = frozenset(("div", "section", "table", "dl", "figure"))
_LINK_BLOCK = 0.5  # a block whose text is more than this share links is a list of links
_DECAY = 0.5
_MIN_PROSE = 25  # characters: shorter blocks do not say where the article is
_SPLIT = 0.5  # a cluster beside the best one, this dense, is more of the article
_FURNITURE_KEPT = 0.85  # furniture by its class, but holding this share: it wraps the article


def extract_body(doc: Document) -> str:
    root = doc.tree.body
    if root is None:
        return ""
    for node in root.css(_NEVER_TEXT):
        node.decompose(recursive=False)
    prose = _Prose(root)
    if not prose.total:
        return ""
    container = _container(root, prose)
    _remove_furniture(container, prose)
    _remove_link_blocks(container, prose)
    return _text(container)


def _chars(text: str) -> int:
    """Characters that are not white space: a length that means the same in every script."""
    return len(text) - text.count(" ") - text.count("\n") - text.count("\t") - text.count("\r")


@lru_cache(maxsize=4096)
def _furniture_name(name: str) -> bool:
    return _FURNITURE_WORD.search(_STATE_CLASS.sub(" ", name.lower())) is not None


def _is_furniture(node: LexborNode) -> bool:
    tag = node.tag
    if tag in _FURNITURE_TAGS:
        return True
    if tag in _NEVER_FURNITURE:
        return False
    attrs = node.attrs
    name = f"{attrs.get('class') or ''} {attrs.get('id') or ''} {attrs.get('role') or ''}"
    return len(name) > 2 and _furniture_name(name)


class _Prose:
    """How many characters of prose each element holds, and the tree above the prose.

    Elements are keyed by `mem_id`: LexborNode's `==` compares serialized HTML.
    """

    def __init__(self, root: LexborNode) -> None:
        self.root = root.mem_id
        self.node: dict[int, LexborNode] = {root.mem_id: root}
        self.parent: dict[int, int] = {}
        self.children: dict[int, list[int]] = {}
        self.value: dict[int, float] = {}
        self.score: dict[int, float] = {}
        self.link_heavy: list[LexborNode] = []
        links: dict[int, int] = {}
        anchors: dict[int, int] = {}
        for anchor in root.css("p a, pre a"):
            block = anchor.parent
            while block is not None and block.tag not in _PARAGRAPH_TAGS:
                block = block.parent
            if block is not None:
                key = block.mem_id
                links[key] = links.get(key, 0) + _chars(anchor.text())
                anchors[key] = anchors.get(key, 0) + 1
        seen: set[int] = set()
        for block in root.css(_PROSE):
            tag = block.tag
            if tag in _PARAGRAPH_TAGS:
                length = _chars(block.text())
                link_length = links.get(block.mem_id, 0)
                if link_length and (length - link_length < min(_MIN_PROSE, link_length) or (
                        link_length > 0.5 * length and anchors[block.mem_id] > 1)):
                    self.link_heavy.append(block)  # "Read more: <a>another story</a>"
                value = length - 2 * link_length
            else:
                if tag == "br":
                    block = block.parent
                    if block is None or block.tag in _PARAGRAPH_TAGS:
                        continue
                if block.mem_id in seen:
                    continue
                seen.add(block.mem_id)
                value = _chars(block.text(deep=False))
            if value >= _MIN_PROSE:
                self._add(block, value)
        self.total = self.value.get(self.root, 0.0)

    def _add(self, node: LexborNode, value: float) -> None:
        key = node.mem_id
        self.node.setdefault(key, node)
        weight = value
        while True:
            self.value[key] = self.value.get(key, 0.0) + value
            self.score[key] = self.score.get(key, 0.0) + weight
            weight *= _DECAY
            if key == self.root:
                return
            parent_key = self.parent.get(key)
            if parent_key is None:  # first time here: learn the way up
                parent = self.node[key].parent
                if parent is None:
                    return
                self.parent[key] = parent_key = parent.mem_id
                self.children.setdefault(parent_key, []).append(key)
                self.node.setdefault(parent_key, parent)
            key = parent_key

    def top_down(self) -> list[int]:
        """Every element above some prose, each after its parent."""
        order = [self.root]
        for key in order:
            order.extend(self.children.get(key, ()))
        return order

    def candidate(self, key: int) -> bool:
        """Paragraphs are what a container holds, never the container."""
        return self.node[key].tag not in _PARAGRAPH_TAGS

    def of(self, node: LexborNode) -> float:
        return self.value.get(node.mem_id, 0.0)


def _container(root: LexborNode, prose: _Prose) -> LexborNode:
    """The element whose prose sits closest under it, widened to take in the article's other parts.

    Prose under furniture does not count. The best element is widened to its parent while the
    parent's other children hold a cluster of prose nearly as dense (an article split by ads or
    grid cells); scattered teasers and comments beside it do not widen it.
    """
    out = _outside(prose)
    best_below: dict[int, float] = {}
    for key in reversed(prose.top_down()):
        if key in out:
            continue
        best = max(best_below.get(key, 0.0), prose.score[key] if prose.candidate(key) else 0.0)
        best_below[key] = best
        parent = prose.parent.get(key)
        if parent is not None and best > best_below.get(parent, 0.0):
            best_below[parent] = best
    top = max((key for key in best_below if prose.candidate(key)), key=prose.score.__getitem__,
              default=None)
    if top is None:
        return root
    chosen = key = top
    while True:
        parent = prose.parent.get(key)
        if parent is None or parent in out:
            break
        beside = max((best_below.get(child, 0.0) for child in prose.children[parent]
                      if child != key and child not in out), default=0.0)
        key = parent
        if beside == 0.0:
            continue  # nothing beside: look further up
        if beside < _SPLIT * prose.score[top]:
            break
        chosen = key
    return prose.node[chosen]


def _outside(prose: _Prose) -> set[int]:
    """Elements that are furniture or inside furniture, unless they hold most of the prose."""
    out: set[int] = set()
    limit = _FURNITURE_KEPT * prose.total
    for key in prose.top_down():
        if prose.parent.get(key) in out or (
                prose.value[key] < limit and _is_furniture(prose.node[key])):
            out.add(key)
    return out


def _remove_furniture(container: LexborNode, prose: _Prose) -> None:
    total = prose.of(container)
    doomed = container.css(_FURNITURE)
    doomed += (node for node in container.css("[class], [id]") if _is_furniture(node))
    doomed += prose.link_heavy
    for node in doomed:
        if prose.of(node) <= 0.5 * total:  # a wrapper of the article itself stays
            node.decompose(recursive=False)


def _remove_link_blocks(container: LexborNode, prose: _Prose) -> None:
    """Blocks inside the article whose text is mostly links: teaser rails, 'read more' lists."""
    container_key = container.mem_id
    parent_of: dict[int, LexborNode | None] = {}
    links: dict[int, int] = {}
    nodes: dict[int, LexborNode] = {}
    for anchor in container.css("a"):
        length = _chars(anchor.text())
        node = anchor.parent
        while node is not None:
            key = node.mem_id
            if key == container_key:
                break
            links[key] = links.get(key, 0) + length
            nodes[key] = node
            if key in parent_of:
                node = parent_of[key]
            else:
                parent_of[key] = node = node.parent
    for key, link_length in links.items():
        node = nodes[key]
        if node.tag in _LINK_BLOCK_TAGS and prose.value.get(key, 0.0) == 0.0:
            if link_length > _LINK_BLOCK * _chars(node.text()):
                node.decompose(recursive=False)


def _text(container: LexborNode) -> str:
    for node in container.css(_BLOCKS):
        if node.tag in _LINE_TAGS:
            node.insert_before(_LINE_MARK)
        else:
            node.insert_before(_PARAGRAPH_MARK)
            node.insert_after(_PARAGRAPH_MARK)
    out: list[str] = []
    pending = ""
    for piece in _MARKS.split(container.text()):
        if piece and piece[0] in (_PARAGRAPH_MARK, _LINE_MARK):
            if out and pending != "\n\n":
                paragraph = _PARAGRAPH_MARK in piece or piece.count(_LINE_MARK) > 1
                pending = "\n\n" if paragraph else "\n"
            continue
        chunk = " ".join(piece.split())
        if chunk:
            out.append(pending + chunk if out else chunk)
            pending = ""
    return "".join(out)
