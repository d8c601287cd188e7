"""Parse a page once and give the other extract modules what they share.

Decoding bytes to text happens here (never in the parser: Lexbor assumes
UTF-8), and so does resolving relative URLs against the page URL and <base>.
"""
from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit

from selectolax.lexbor import LexborHTMLParser, LexborNode

from ..encoding import decode_html


@dataclass
class Document:
    tree: LexborHTMLParser
    url: str | None  # the page URL as fetched (None for a bare string of HTML)
    base_url: str | None  # what relative links resolve against

    def absolute(self, href: str | None) -> str | None:
        """`href` made absolute; None for empty, fragment-only or script links."""
        if not href:
            return None
        href = href.strip()
        if not href or href.startswith("#"):
            return None
        lowered = href[:11].lower()
        if lowered.startswith(("javascript:", "mailto:", "tel:", "data:")):
            return None
        try:
            return urljoin(self.base_url, href) if self.base_url else href
        except ValueError:
            return None


def parse_document(html: str | bytes, url: str | None = None) -> Document:
    if isinstance(html, bytes):
        html, _ = decode_html(html)
    tree = LexborHTMLParser(html or "")
    return Document(tree=tree, url=url, base_url=_base_url(tree, url))


def _base_url(tree: LexborHTMLParser, url: str | None) -> str | None:
    base = tree.css_first("base[href]")
    href = base.attributes.get("href") if base is not None else None
    if href:
        try:
            joined = urljoin(url, href.strip()) if url else href.strip()
        except ValueError:
            joined = None
        if joined and urlsplit(joined).scheme in ("http", "https"):
            return joined
    return url


def text_of(node: LexborNode | None) -> str:
    """Visible text of a node, whitespace collapsed to single spaces."""
    if node is None:
        return ""
    return " ".join(node.text(separator=" ").split())


def attr(node: LexborNode | None, name: str) -> str | None:
    """An attribute's value, stripped; None when absent or blank."""
    if node is None:
        return None
    value = node.attributes.get(name)
    if value is None:
        return None
    value = value.strip()
    return value or None
