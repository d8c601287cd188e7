"""A recipe's ingredients, where the page shows them apart from the steps.

Recipe pages set the ingredients in a list or table of their own, often in a box beside or
above the preparation, and the preparation is where the prose is: the body's element holds
the steps only. The page's schema.org Recipe data (JSON-LD `recipeIngredient`, what recipe
sites and plugins publish) names the ingredients; the lists and tables that show them are
found by their text, and are part of the body. Structure and the page's own data only: no
word of any language is looked for.
"""
from __future__ import annotations

import re

from selectolax.lexbor import LexborNode

from ._jsonld import is_type, json_ld_items
from ._markup import is_inside
from .document import Document

_LISTS = "ul, ol, table, dl"
_MIN_INGREDIENTS = 2  # a list showing fewer is not the recipe's
_MAX_LISTS = 12
_MAX_INGREDIENTS = 200
_MAX_LEVELS = 256  # elements looked up from a list for the container it is in
_SPACE = re.compile(r"\s+")


def ingredient_lists(doc: Document, container: LexborNode) -> list[LexborNode]:
    """The lists and tables showing the recipe's ingredients outside `container`, each with
    the heading naming it, in page order. They go before the steps, where recipes show them."""
    root = doc.tree.body
    ingredients = _ingredients(doc)
    if root is None or len(ingredients) < _MIN_INGREDIENTS:
        return []
    lists = [node for node in root.css(_LISTS)
             if _shown(ingredients, _squeezed(node.text())) >= _MIN_INGREDIENTS]
    lists = [node for node in lists  # the innermost: a layout table may hold them all
             if not any(other is not node and _inside(other, node) for other in lists)]
    outside = [node for node in lists[:_MAX_LISTS]
               if not _inside(node, container) and not _inside(container, node)]
    return _with_headings(outside)


def _ingredients(doc: Document) -> list[str]:
    for item in json_ld_items(doc):
        if is_type(item, "Recipe"):
            values = item.get("recipeIngredient") or item.get("ingredients")
            if isinstance(values, list):
                return [_squeezed(value) for value in values[:_MAX_INGREDIENTS]
                        if isinstance(value, str) and value.strip()]
    return []


def _squeezed(text: str) -> str:
    """Text without white space or case: '500 g' and '500g', a cell apart, read alike."""
    return _SPACE.sub("", text).lower()


def _shown(ingredients: list[str], text: str) -> int:
    return sum(1 for ingredient in ingredients if ingredient and ingredient in text)


def _inside(node: LexborNode, outer: LexborNode) -> bool:
    return is_inside(node, outer, _MAX_LEVELS)


def _with_headings(lists: list[LexborNode]) -> list[LexborNode]:
    """Each list with the heading right before it that names it ('For the dough:')."""
    shown: list[LexborNode] = []
    for node in lists:
        heading = node.prev
        while heading is not None and heading.is_text_node \
                and not (heading.text_content or "").strip():
            heading = heading.prev
        if heading is not None and heading.tag in _HEADINGS:
            shown.append(heading)
        shown.append(node)
    return shown


_HEADINGS = frozenset(("h2", "h3", "h4", "h5", "h6"))
