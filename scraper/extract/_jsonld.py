"""The JSON-LD objects of a page, flattened: every ld+json script, its lists and @graphs.

Several parts read schema.org data (the headline, the share URL, the body's last resort);
they read it through here, so a broken script or an odd nesting is handled once, and the
scripts are parsed once. Never raises on bad JSON.
"""
from __future__ import annotations

import json
from typing import Any

from ._index import page_index
from .document import Document


def json_ld_items(doc: Document) -> list[dict[str, Any]]:
    """Every JSON-LD object of the page, in page order, nested @graph members included.

    Read once per page: later calls get the same list.
    """
    if doc.json_ld is None:
        doc.json_ld = _read(doc)
    return doc.json_ld


def _read(doc: Document) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = []
    for script in page_index(doc).json_ld:  # found in the page's one pass
        data = parsed_json(doc, script.text() or "")
        if data is not BROKEN:
            items += _flatten(data)
    return items


BROKEN = object()  # what parsed_json gives for text that is not JSON


def parsed_json(doc: Document, text: str) -> Any:
    """`json.loads(text)`, or BROKEN when it is not JSON (or nests past Python's stack).

    Parsed once per page: metadata reads the same scripts as the other parts, and a
    script of JSON-LD runs to tens of kilobytes. (The values are shared: never change them.)
    """
    try:
        return doc.json_texts[text]
    except KeyError:
        pass
    try:
        data = json.loads(text)
    except (ValueError, RecursionError):
        data = BROKEN
    doc.json_texts[text] = data
    return data


def is_type(item: dict[str, Any], *suffixes: str) -> bool:
    """Whether the item's @type ends with one of `suffixes` ('Article' covers 'NewsArticle')."""
    kinds = item.get("@type")
    kinds = kinds if isinstance(kinds, list) else [kinds]
    return any(isinstance(kind, str) and kind.endswith(suffixes) for kind in kinds)


def _flatten(data: Any) -> list[dict[str, Any]]:
    if isinstance(data, list):
        return [item for entry in data for item in _flatten(entry)]
    if isinstance(data, dict):
        return [data] + _flatten(data.get("@graph", []))
    return []
