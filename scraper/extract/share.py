"""The share URL, the canonical URL and the shortlink of a page."""
from __future__ import annotations

from dataclasses import dataclass

from .document import Document, attr


@dataclass
class ShareUrls:
    share_url: str | None = None
    canonical_url: str | None = None
    shortlink: str | None = None


def extract_share_urls(doc: Document) -> ShareUrls:
    tree = doc.tree
    canonical = doc.absolute(attr(tree.css_first('link[rel="canonical"]'), "href"))
    shortlink = doc.absolute(attr(tree.css_first('link[rel="shortlink"]'), "href"))
    og_url = doc.absolute(attr(tree.css_first('meta[property="og:url"]'), "content"))
    share = None
    for node in tree.css('input[type="text"][value], input:not([type])[value], input[type="url"][value]'):
        value = attr(node, "value") or ""
        if value.startswith(("http://", "https://")):
            share = doc.absolute(value)
            break
    return ShareUrls(share_url=share or canonical or og_url, canonical_url=canonical, shortlink=shortlink)
