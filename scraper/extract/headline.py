"""The article's headline as a reader sees it, not the <title> with its site suffix."""
from __future__ import annotations

from .document import Document, attr, text_of


def extract_headline(doc: Document) -> str | None:
    for selector in ("h1.entry-title", "h1.post-title", "article h1", "h1"):
        title = text_of(doc.tree.css_first(selector))
        if title:
            return title
    og_title = attr(doc.tree.css_first('meta[property="og:title"]'), "content")
    return og_title or text_of(doc.tree.css_first("title")) or None
