"""The lead: paragraphs between the headline and the body, outside the body's element.

News and CMS templates put the article's first paragraph (intro, summary, teaser
text, "chapo", "perex") in the article's header beside the headline, or in a block of its
own before the body's element. Those paragraphs are the article's text: found by walking
back from the body's element to the nearest headline before it (an <h1>, or a heading
marked or named as the headline when the <h1> is the site's logo), taking the
paragraphs met on the way. Without a headline before the body there is nothing to anchor
a lead to, and nothing is taken; nor when what lies between is more text than a lead
(teasers, another article).
"""
from __future__ import annotations

from typing import Callable

from selectolax.lexbor import LexborNode

from ._markup import is_title, markup_words
from .furniture import furniture_by, furniture_words, names_of

_MAX_LEVELS = 8  # ancestors of the body's element searched for the headline
_MAX_SIBLINGS = 40  # siblings looked at on each level
_MIN_CHARS = 50  # a lead is a sentence or two: shorter lines are datelines, names, headings
_MAX_SHARE = 0.5  # all leads together are shorter than this share of the body
_MAX_BLOCKS = 4
_HEADLINES = "h1, [itemprop=headline], h2, h3"
_HEADLINE_MARKS = "h1, [itemprop=headline]"
_MAX_HEADINGS = 8  # of them looked at: the headline comes first
_MAX_NESTING = 64  # levels between a headline and the body's element, at most
_TEXT_BEFORE = 200  # characters of paragraphs before an <h1>: it heads a section, not the article
_BLOCKS = "h1, [itemprop=headline], h2, h3, p, div"
# A lead may sit in the article's <header> or a block its template calls a teaser; any
# other furniture (bylines, captions, share bars, navigation...) holds none.
_LEAD_PLACES = frozenset(("header", "hgroup"))
_LEAD_WORDS = frozenset(("teaser",))
_PICTURES = "img, picture, video"
# Names that make a block no lead, whatever else they say: a picture's caption and credit, and
# the headline's display copy (a subtitle or dek restates the headline; a lead starts the text).
_NOT_LEAD_WORDS = frozenset(("caption", "credit", "credits", "copyright", "subtitle", "subheadline",
                             "subhead", "subheading", "dek", "standfirst", "strapline", "kicker"))
_CAPTION_LEVELS = 3  # a caption sits this close to its picture
_CAPTION_SHARE = 1.5  # a caption's wrapper holds little more text than the caption and a credit
_SKIP_TAGS = frozenset(("script", "style", "noscript", "template", "figure", "picture", "ul",
                        "ol", "table", "form", "button"))


def lead_before(container: LexborNode, prose_of: Callable[[LexborNode], float],
                marks: list[LexborNode] | None = None) -> list[LexborNode]:
    """The blocks of text between the nearest headline before `container` and it, in page order.
    (`marks`: `headline_marks(container)`, when already found.)"""
    if headline_in(container, marks) is not None:
        return []  # the headline is inside: so is whatever follows it
    budget = _MAX_SHARE * max(prose_of(container), _MIN_CHARS)
    search = _Search(prose_of)
    found: list[LexborNode] = []
    node = container
    for _ in range(_MAX_LEVELS):
        parent = node.parent
        if parent is None or parent.tag == "html":
            return []
        sibling = node.prev
        for _ in range(_MAX_SIBLINGS):
            if sibling is None:
                break
            if not sibling.is_text_node and sibling.tag and not sibling.tag.startswith("-"):
                blocks, headline = search.blocks_after_headline(sibling)
                found[:0] = blocks
                if headline:
                    return found if _fits(found, budget) else []
                if not _fits(found, budget):
                    return []
            sibling = sibling.prev
        node = parent
    return []


def opening_lead(named: list[LexborNode], container: LexborNode) -> LexborNode | None:
    """Of the blocks inside the body's element named as furniture, in page order, the one
    that is the article's lead: the first its template calls a teaser (TYPO3's 'teaser-text',
    a media page's summary), holding a lead's text and no link (a card for another page
    links to it), with no paragraph before it in the body."""
    for block in named:
        if furniture_words(names_of(block)) <= _LEAD_WORDS:
            break
    else:
        return None
    if block.css_first("a[href]") is not None or _length(block) < _MIN_CHARS:
        return None
    node = block
    for _ in range(_MAX_NESTING):
        if node.mem_id == container.mem_id:
            return block
        sibling = node.prev
        for _ in range(_MAX_SIBLINGS):
            if sibling is None:
                break
            if _paragraph_chars(sibling) >= _MIN_CHARS:
                return None
            sibling = sibling.prev
        else:
            return None  # that many blocks before it: it opens nothing
        node = node.parent
        if node is None:
            return None
    return None


def headline_marks(container: LexborNode) -> list[LexborNode]:
    """What in `container` may be the article's headline, in page order: its <h1>s and the
    elements marked as the headline."""
    return container.css(_HEADLINE_MARKS)


def headline_in(container: LexborNode, marks: list[LexborNode] | None = None) -> LexborNode | None:
    """The article's headline when it is inside `container`: an <h1> (or a heading marked
    as the headline) before its text. One inside furniture (a 'Read also' box's title) or
    after paragraphs (a CMS that sets every subheading as <h1>) heads something else.
    (`marks`: `headline_marks(container)`, when already found.)"""
    for heading in (headline_marks(container) if marks is None else marks)[:_MAX_HEADINGS]:
        if not heading.text().strip():
            continue  # a <meta itemprop=headline>, an empty heading: no headline shown
        node, before = heading, 0
        for _ in range(_MAX_NESTING):
            if node is None or node.mem_id == container.mem_id:
                break
            if furniture_by(node) == "markup" and node.tag not in _LEAD_PLACES:
                before = _TEXT_BEFORE  # in an <aside>, a <nav>...: not the article's
                break
            sibling = node.prev
            for _ in range(_MAX_SIBLINGS):
                if sibling is None or before >= _TEXT_BEFORE:
                    break
                before += _paragraph_chars(sibling)
                sibling = sibling.prev
            else:
                before = _TEXT_BEFORE  # that many blocks before it: it heads one of them
            node = node.parent
        if before < _TEXT_BEFORE:
            return heading
    return None


def _paragraph_chars(node: LexborNode) -> int:
    """Characters of paragraph text in `node`: what a headline never comes after (a kicker,
    a date or a breadcrumb may)."""
    if node.tag == "p":
        return len(node.text().strip())
    if node.is_text_node or node.tag.startswith("-") or node.child is None:
        return 0
    return sum(len(paragraph.text().strip()) for paragraph in node.css("p"))


def _is_headline(node: LexborNode) -> bool:
    """An <h1>, or a heading marked (itemprop) or named (class, id; its own or its wrapper's)
    as the headline."""
    tag = node.tag
    if tag == "h1":
        return True
    attrs = node.attributes
    if attrs.get("itemprop") == "headline":
        return True
    if tag not in ("h2", "h3"):
        return False
    if is_title(node):
        return True
    # A wrapper named as the headline, holding this heading first: the display headline of a
    # template whose <h1> is a slide's or the logo's (a heading after it is the dek).
    parent = node.parent
    if parent is None or parent.tag != "div" or not is_title(parent):
        return False
    first = _first_element(parent)
    return first is not None and first.mem_id == node.mem_id


def _first_element(node: LexborNode) -> LexborNode | None:
    child = node.child
    while child is not None and (child.is_text_node or child.tag.startswith("-")):
        child = child.next
    return child


def _fits(blocks: list[LexborNode], budget: float) -> bool:
    return len(blocks) <= _MAX_BLOCKS and sum(_length(block) for block in blocks) <= budget


class _Search:
    def __init__(self, prose_of: Callable[[LexborNode], float]) -> None:
        self.prose_of = prose_of
        self.allowed: dict[int, bool] = {}  # element -> whether it may hold a lead

    def blocks_after_headline(self, element: LexborNode) -> tuple[list[LexborNode], bool]:
        """The lead blocks in `element` (after its headline when it holds one), and whether
        it does."""
        tag = element.tag
        if _is_headline(element):
            return [], True
        if tag in _SKIP_TAGS or not self.may_hold_lead(element):
            return [], False
        if tag in ("p", "h2"):
            return ([element] if _is_lead(element) else []), False
        if not self.prose_of(element) and element.css_first(_HEADLINES) is None:
            return [], False  # no paragraph, no text written into it, no headline: cheap to skip
        if tag == "div" and _is_lead(element):
            return [element], False  # a lead written straight into its own block
        blocks: list[LexborNode] = []
        taken: set[int] = set()
        headline = False
        for node in element.css(_BLOCKS):
            if _is_headline(node):
                blocks, taken, headline = [], set(), True  # what came before it is not lead
                continue
            if node.tag == "h3" or not _is_lead(node) or self.inside(node, element, taken) \
                    or not self.may_hold_lead(node):
                continue
            blocks.append(node)
            taken.add(node.mem_id)
        return blocks, headline

    def inside(self, node: LexborNode, top: LexborNode, taken: set[int]) -> bool:
        """Whether an ancestor of `node` below `top` was taken, or keeps lead out."""
        parent = node.parent
        for _ in range(64):
            if parent is None or parent.mem_id == top.mem_id:
                return False
            if parent.mem_id in taken or parent.tag in _SKIP_TAGS or not self.may_hold_lead(parent):
                return True
            parent = parent.parent
        return True

    def may_hold_lead(self, element: LexborNode) -> bool:
        key = element.mem_id
        allowed = self.allowed.get(key)
        if allowed is None:
            by = furniture_by(element)
            if by is None:
                allowed = True
            elif by == "markup":
                allowed = element.tag in _LEAD_PLACES
            else:
                allowed = furniture_words(names_of(element)) <= _LEAD_WORDS
            self.allowed[key] = allowed
        return allowed


def _is_lead(node: LexborNode) -> bool:
    """A paragraph of prose: long enough, mostly not links (a list of other articles), not
    a heading that names itself a title, not a picture's caption."""
    if node.tag == "div":
        text = node.text(False)  # only the text written straight into it (deep=False)
    else:
        text = node.text()
    length = len(text.strip())
    if length < _MIN_CHARS:
        return False
    words = markup_words(node)
    if (node.tag == "h2" and is_title(node)) or not _NOT_LEAD_WORDS.isdisjoint(words):
        return False
    linked = sum(len(a.text().strip()) for a in node.css("a[href]"))
    return linked * 2 < length and not _is_caption(node, length)


def _is_caption(node: LexborNode, length: int) -> bool:
    """Text that, with at most a credit line, is all there is beside a picture."""
    element = node.parent
    for _ in range(_CAPTION_LEVELS):
        if element is None:
            return False
        if element.css_first(_PICTURES) is not None:
            return len(element.text().strip()) < _CAPTION_SHARE * length
        element = element.parent
    return False


def _length(node: LexborNode) -> int:
    return len(node.text().strip())
