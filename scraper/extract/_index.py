"""The elements several parts start from, found in one pass over the page and kept on it.

The headline looks at the page's <h1>s (and `itemprop=headline`), navigation at the links
after the first of them and at the elements whose class, id or rel may name a direction
or a related block, the comment form at the <form>s, the parts reading JSON-LD at its
scripts. Each asking the tree on its own costs a walk of every element; one selector
list walks it once, and `page_index` keeps what it found on the Document for the parts
that come after. Only reads the tree: the body pass, which prunes it, comes last and
never asks (but for the JSON-LD, which it reads before it prunes).

A node matching several selectors of the list comes once per match, in a row (a group of
`NAMED` is one selector); the kind of a node is read from its tag and that count, never
from its attributes (reading them costs more than the walk), but for the type of the few
<script>s that come. Where that leaves it open, a node goes to every list it may belong
to, and each part's own checks drop what is not its kind: `headlines` and `named` may
hold elements of the other's.
(A link without an href that one selector named comes once and is kept as a link; the
parts pass over links without an address.)
"""
from __future__ import annotations

from dataclasses import dataclass, field

from selectolax.lexbor import LexborNode

from ._markup import name_attributes
from .document import Document

# One walk: each selector in a list is checked on each element as it goes (a node matching
# two comes twice in a row).
_MARKS = 'h1, [itemprop=headline], a[href], form, script[type="application/ld+json" i]'
# Elements whose markup may name a direction (prev/next/older/newer) or a related block,
# grouped by the attribute they read, each group behind a test that the element has it: a
# compound selector is matched from its left, so only the elements with a rel, a class or
# an id try that group's words (most have no id or rel: the walk costs a sixth less than
# with each word a selector of the list).
NAMED = (
    "[rel]:is([rel*=prev i], [rel*=next i]), "
    "[class]:is([class*=prev i], [class*=next i], [class*=relat i], [class*=also i], "
    "[class*=similar i], [class*=more-on i], .elementor-widget-posts, "
    ".elementor-widget-loop-grid), "
    "[id]:is([id*=prev i], [id*=next i], [id*=older i], [id*=newer i], [id*=relat i])")


@dataclass
class PageIndex:
    """The page's marks in page order, and the same sorted by kind."""

    marks: list[LexborNode]  # every <h1> and link with an href, in page order
    mark_tags: list[str]  # the tag of each of `marks`
    headlines: list[LexborNode] = field(default_factory=list)  # <h1>s and itemprop=headline
    h1s: list[LexborNode] = field(default_factory=list)
    # Each <form>, with how many of `marks` come before it (its place among them).
    forms: list[tuple[int, LexborNode]] = field(default_factory=list)
    named: list[LexborNode] = field(default_factory=list)  # matches of NAMED, in page order
    json_ld: list[LexborNode] = field(default_factory=list)  # JSON-LD <script>s, in page order


def page_index(doc: Document) -> PageIndex:
    """The page's index, found on the first call and kept on `doc`."""
    if doc.index is None:
        doc.index = _build(doc)
    return doc.index


def _build(doc: Document) -> PageIndex:
    index = PageIndex([], [])
    marks, tags, headlines, named = index.marks, index.mark_tags, index.headlines, index.named
    last_id, last_tag, marked, repeated = None, None, False, False
    name_attributes(doc.tree, ("itemprop",))  # (the one name of the walk a page may lack)
    for node in doc.tree.css(f"{_MARKS}, {NAMED}"):
        node_id = node.mem_id
        if node_id == last_id:
            # A link, heading, form or JSON-LD script matching another selector: it is
            # named, or the headline.
            if not repeated and marked:
                repeated = True
                named.append(node)
                if last_tag != "h1":
                    headlines.append(node)
            continue
        last_id, marked, repeated = node_id, True, False
        last_tag = tag = node.tag
        if tag == "a":
            marks.append(node)
            tags.append(tag)
        elif tag == "h1":
            marks.append(node)
            tags.append(tag)
            index.h1s.append(node)
            headlines.append(node)
        elif tag == "form":
            index.forms.append((len(marks), node))
        elif tag == "script" and (node.attrs.get("type") or "").lower() == "application/ld+json":
            index.json_ld.append(node)  # (the one script a selector of its own may name)
        else:  # one selector or more matched it: itemprop=headline, a named block, or both
            marked = False
            headlines.append(node)
            named.append(node)
    return index
