"""Previous/next post links and the article's related ('read next') links."""
from __future__ import annotations

from .document import Document, attr, text_of
from ..models import Link


def extract_links(doc: Document) -> list[Link]:
    links: list[Link] = []
    for kind, selectors in (
        ("prev", ('a[rel~="prev"]', ".nav-previous", '[class$="__prev"]')),
        ("next", ('a[rel~="next"]', ".nav-next", '[class$="__next"]')),
    ):
        for selector in selectors:
            block = doc.tree.css_first(selector)
            anchor = block if block is not None and block.tag == "a" else (
                block.css_first("a[href]") if block is not None else None)
            href = doc.absolute(attr(anchor, "href"))
            if href:
                title_node = block.css_first(".post-title, .nav-title, h2, h3, h4, [class*='title']")
                links.append(Link(kind, href, text_of(title_node or anchor) or None))
                break
    seen = set()
    for node in doc.tree.css('[class*="related"] a[href], [class*="read-next"] a[href]'):
        href = doc.absolute(attr(node, "href"))
        title = text_of(node)
        if href and title and href not in seen:
            seen.add(href)
            links.append(Link("related", href, title))
    return links
