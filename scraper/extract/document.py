"""Parse a page once and give the other extract modules what they share.

Decoding bytes to text happens here (never in the parser: Lexbor assumes
UTF-8), and so does resolving relative URLs against the page URL and <base>.
Nesting deeper than browsers build is flattened before parsing: Lexbor's work
grows with the square of the depth of block elements, so 100,000 nested <div>s
would take minutes. A page with more than 200,000 tags is read up to that tag.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any
from urllib.parse import urljoin

from selectolax.lexbor import LexborHTMLParser, LexborNode

from ..encoding import utf8_html
from ..urls import UrlProblem, check_url, fetchable_parts, redact
from ._links import PageAddress
from ._markup import head_first

if TYPE_CHECKING:
    from ._index import PageIndex

_CANONICAL = 'link[rel~="canonical" i][href]'


@dataclass
class Document:
    tree: LexborHTMLParser
    url: str | None  # the page URL as fetched (None for a bare string of HTML)
    # The page's address on the web: its URL, or for a copy read from a file or given as a
    # string, the address it says it was saved from or goes by (see `_declared_address`).
    # What the parts ask about the page's own site, and what its links resolve against.
    address: str | None
    base_url: str | None  # what relative links resolve against
    # href -> absolute(href): parts ask about the same links again and again
    _resolved: dict[str, str | None] = field(default_factory=dict, repr=False, compare=False)
    # The page's JSON-LD objects, read once (see _jsonld.py): several parts ask, and the body
    # pass removes the scripts that hold them.
    json_ld: list | None = field(default=None, repr=False, compare=False)
    # The elements the headline, navigation and comment-form parts start from, found in one
    # pass on the first ask (see _index.py); read before the body pass prunes the tree.
    index: PageIndex | None = field(default=None, repr=False, compare=False)
    # Script text -> its JSON, parsed once (see _jsonld.parsed_json).
    json_texts: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)
    # The canonical link's href as written, in a tuple once looked up (share and
    # navigation both ask).
    _canonical: tuple[str | None] | None = field(default=None, repr=False, compare=False)
    _page_address: PageAddress | None = field(default=None, repr=False, compare=False)

    def page_address(self) -> PageAddress:
        """The page's own addresses (its address and its canonical link), asked about its
        links; made once (the headline and navigation both ask)."""
        if self._page_address is None:
            self._page_address = PageAddress(self.address, self.absolute(self.canonical_href()))
        return self._page_address

    def canonical_href(self) -> str | None:
        """The href of the page's `<link rel=canonical>`, as written (None without one)."""
        if self._canonical is None:
            self._canonical = (attr(head_first(self.tree, _CANONICAL), "href"),)
        return self._canonical[0]

    def absolute(self, href: str | None) -> str | None:
        """`href` made absolute; None for empty, fragment-only or script links."""
        if not href:
            return None
        try:
            return self._resolved[href]
        except KeyError:
            url = self._resolved[href] = _resolve(self.base_url, href)
            return url


def _resolve(base_url: str | None, href: str) -> str | None:
    href = href.strip()
    if not href or href.startswith("#"):
        return None
    lowered = href[:11].lower()
    if lowered.startswith(("javascript:", "mailto:", "tel:", "data:")):
        return None
    if not base_url or _PLAIN_ABSOLUTE.fullmatch(href):
        url = href  # (what urljoin would give back, at a tenth of its cost)
    else:
        try:
            url = urljoin(base_url, href)
        except ValueError:
            return None
    # Only addresses a browser could fetch: http(s), with a valid host and port. (Drops
    # ftp:, file:, blob:, disguised javascript:, 'host:8080/x' read as a scheme, hosts
    # with spaces...)
    parts = fetchable_parts(url)
    if isinstance(parts, UrlProblem):
        return None
    # Credentials (user:password@) are never kept, whichever URL they came with.
    return redact(url) if "@" in parts.netloc else url


# An absolute http(s) URL that urljoin gives back as it is, whatever the base: a lower-case
# scheme, a host (without credentials or brackets), and a path without ';' parameters, of
# printable ASCII; a '?' or '#' only with something after it (urljoin drops a bare one).
_PLAIN_ABSOLUTE = re.compile(
    r"https?://[-A-Za-z0-9._~%!$&'()*+,=:]+(?:/[-A-Za-z0-9._~%!$&'()*+,=:@/]*)?"
    r"(?:\?[!-\"$-~]+)?(?:#[!-~]+)?")


def parse_document(html: str | bytes, url: str | None = None,
                   content_type: str | None = None) -> Document:
    """Parse a page: text, or bytes as fetched (decoded by their charset, which
    `content_type`, the Content-Type header they came with, may name)."""
    if isinstance(html, bytes):
        data = utf8_html(html, content_type)
    else:
        data = (html or "").encode("utf-8", errors="ignore")  # what the parser would do with it
    tags = data.count(b"<")
    if tags > _MAX_TAGS:
        data = data[:_FIRST_TAGS.match(data).end()]
    if tags > _FEW_TAGS:
        data = _bounded_nesting(data)
    tree = LexborHTMLParser(data)
    url = redact(url) if url else url  # credentials in the page URL never reach its links
    doc = Document(tree=tree, url=url, address=url, base_url=None)
    if not _is_web(url):
        doc.address = _declared_address(doc, data) or url
    doc.base_url = _base_url(tree, doc.address)
    return doc


# Browsers stop nesting elements at about this depth; a page can go no deeper than its tag count.
_MAX_DEPTH = 512
_FEW_TAGS = 10_000
# A page is read as far as this many tags: articles take a few thousand, and building the tree
# of millions of elements alone takes seconds.
_MAX_TAGS = 200_000
_FIRST_TAGS = re.compile(rb"(?:[^<]*<){%d}" % _MAX_TAGS)
# Block elements that must be closed explicitly (li, dd, dt and p close themselves, so they
# cannot be counted), that is, those whose nesting a page's tags spell out.
_BLOCK_TAG = re.compile(
    rb"<(/?)(?:div|section|article|aside|nav|header|footer|main|ul|ol|dl|blockquote|figure"
    rb"|figcaption|fieldset|form|details|summary|address|center|menu|dir|hgroup|search|dialog"
    rb"|table|h[1-6]|pre|listing)(?=[\s/>])[^>]*>",
    re.IGNORECASE,
)


def _bounded_nesting(data: bytes) -> bytes:
    """The page with block tags nested deeper than _MAX_DEPTH dropped, and their end tags."""
    depth = 0
    excess = 0  # start tags dropped whose end tags are still to come

    def bound(match: re.Match) -> bytes:
        nonlocal depth, excess
        if match.group(1):
            if excess:
                excess -= 1
                return b""
            depth = max(depth - 1, 0)
            return match.group(0)
        if depth >= _MAX_DEPTH:
            excess += 1
            return b""
        depth += 1
        return match.group(0)

    return _BLOCK_TAG.sub(bound, data)


# The note a browser's 'Save Page As' leaves before the page (`<!-- saved from
# url=(0042)https://… -->`), and the header of a saved copy naming its address on a line
# of its own (SingleFile's `url: https://…`): a comment saying 'saved', among the first few
# in the first kilobytes of the file. (Found comment by comment: one pattern spanning a
# comment backtracks over every 'saved' in it, 0.1 s on a file that repeats the word.)
_SAVED_URL = re.compile(rb"\burl(?:=\(\d+\)|:)\s*(https?://[^\s<>\"']+)", re.IGNORECASE)
_SAVED_NOTE_BYTES = 4096
_SAVED_NOTE_COMMENTS = 8


def _saved_from(data: bytes) -> str | None:
    """The address a saved copy's note gives, as written; None without one."""
    head, start = data[:_SAVED_NOTE_BYTES], 0
    for _ in range(_SAVED_NOTE_COMMENTS):
        start = head.find(b"<!--", start)
        if start < 0:
            return None
        end = head.find(b"-->", start + 4)
        comment = head[start + 4:end] if end >= 0 else head[start + 4:]
        if b"saved" in comment.lower() and (found := _SAVED_URL.search(comment)):
            return found.group(1).decode("ascii", "ignore")
        if end < 0:
            return None
        start = end + 3
    return None


def _is_web(url: str | None) -> bool:
    return bool(url) and url[:8].lower().startswith(("http://", "https://"))


def _declared_address(doc: Document, data: bytes) -> str | None:
    """Where a copy of a page (a saved file, a string) says it lives: the address a browser
    noted when saving it, else its canonical link, else its og:url, if absolute and valid.
    Its relative links resolve against that, as they did on the web."""
    candidates = [_saved_from(data), doc.canonical_href(),
                   attr(head_first(doc.tree, 'meta[property="og:url" i][content]'), "content")]
    for candidate in candidates:
        if _is_web(candidate) and check_url(candidate) is None:
            return redact(candidate)
    return None


def _base_url(tree: LexborHTMLParser, url: str | None) -> str | None:
    # Only the head's: head_first would go on to <body>'s <link>/<meta>s, never a <base>.
    base = tree.head.css_first("base[href]") if tree.head is not None else None
    href = base.attributes.get("href") if base is not None else None
    if href:
        try:
            joined = urljoin(url, href.strip()) if url else href.strip()
        except ValueError:
            joined = None
        if joined and check_url(joined) is None:
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
