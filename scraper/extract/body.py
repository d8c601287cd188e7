"""The article body as clean text: paragraphs, headings and list items."""
from __future__ import annotations

from .document import Document, text_of

_BLOCKS = "p, h2, h3, h4, h5, h6, li, blockquote"
_CONTAINERS = ("[itemprop=articleBody]", ".entry-content", ".post-content", "article", "main", "body")


def extract_body(doc: Document) -> str:
    for selector in _CONTAINERS:
        container = doc.tree.css_first(selector)
        if container is None:
            continue
        for junk in container.css("script, style, nav, form, aside, footer, .sharedaddy"):
            junk.decompose()
        blocks = [text_of(node) for node in container.css(_BLOCKS)]
        text = "\n\n".join(block for block in blocks if block)
        if text:
            return text
    return ""
