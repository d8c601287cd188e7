"""Article metadata: JSON-LD, OpenGraph, Twitter cards, <meta>, <time>, <html lang>."""
from __future__ import annotations

import json
from dataclasses import dataclass, field

from .document import Document, attr, text_of


@dataclass
class Metadata:
    authors: list[str] = field(default_factory=list)
    published: str | None = None
    modified: str | None = None
    language: str | None = None
    site_name: str | None = None
    description: str | None = None
    tags: list[str] = field(default_factory=list)
    image: str | None = None


def extract_metadata(doc: Document) -> Metadata:
    tree = doc.tree
    meta = _meta_tags(doc)
    ld = _json_ld_article(doc)
    html = tree.css_first("html")
    authors = _ld_names(ld.get("author")) or [a for a in [meta.get("author")] if a]
    time = tree.css_first("time[datetime]")
    return Metadata(
        authors=authors,
        published=ld.get("datePublished") or meta.get("article:published_time")
        or attr(time, "datetime"),
        modified=ld.get("dateModified") or meta.get("article:modified_time"),
        language=attr(html, "lang") or meta.get("og:locale"),
        site_name=meta.get("og:site_name"),
        description=meta.get("description") or meta.get("og:description"),
        tags=[t for t in meta.get_all("article:tag")],
        image=doc.absolute(meta.get("og:image")),
    )


class _Meta(dict):
    def get_all(self, key: str) -> list[str]:
        return self.get("__all__", {}).get(key, [])


def _meta_tags(doc: Document) -> _Meta:
    found = _Meta()
    every: dict[str, list[str]] = {}
    for node in doc.tree.css("meta[content]"):
        key = (attr(node, "property") or attr(node, "name") or attr(node, "itemprop") or "").lower()
        value = attr(node, "content")
        if key and value:
            found.setdefault(key, value)
            every.setdefault(key, []).append(value)
    found["__all__"] = every
    return found


def _json_ld_article(doc: Document) -> dict:
    for node in doc.tree.css('script[type="application/ld+json"]'):
        try:
            data = json.loads(node.text() or "")
        except ValueError:
            continue
        for item in _ld_items(data):
            kind = item.get("@type")
            kinds = kind if isinstance(kind, list) else [kind]
            if any(isinstance(k, str) and k.endswith(("Article", "BlogPosting")) for k in kinds):
                return item
    return {}


def _ld_items(data) -> list[dict]:
    if isinstance(data, list):
        return [item for entry in data for item in _ld_items(entry)]
    if isinstance(data, dict):
        return [data] + _ld_items(data.get("@graph", []))
    return []


def _ld_names(value) -> list[str]:
    values = value if isinstance(value, list) else [value]
    names = []
    for item in values:
        name = item.get("name") if isinstance(item, dict) else item
        if isinstance(name, str) and name.strip():
            names.append(name.strip())
    return names
