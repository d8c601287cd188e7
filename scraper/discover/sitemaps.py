"""Sitemaps: the URLs a site lists, read with hard caps and flat memory.

XML sitemaps (`<urlset>`, `<sitemapindex>`), Google News sitemaps (publication
date, title, language), gzip-compressed ones, and plain text ones (one URL per
line) all come out as `SitemapEntry` values. The parser is expat, fed a piece
at a time (gzip inflated a piece at a time too), keeping only the entry being
read: a 50 MB sitemap never becomes a tree in memory. It stops at the first
of: `sitemap_urls` entries, `sitemap_bytes` decompressed bytes, the end. A
document that declares a DTD with entities (the "billion laughs" XML bomb) is
refused before anything is expanded; external entities are never fetched.
Broken XML keeps what was read before the break, with the reason.
"""
from __future__ import annotations

import zlib
from dataclasses import dataclass, field
from typing import Iterator
from xml.parsers import expat

from .dates import w3c_to_utc

PIECE = 64 * 1024  # bytes handed to expat (and inflated) at a time
MAX_TEXT = 8192  # characters kept of one field (a <loc> longer than this is no URL)
_FIELDS = {"loc", "lastmod", "publication_date", "title", "language"}


@dataclass
class SitemapEntry:
    loc: str
    lastmod: str | None = None  # UTC ISO 8601
    published: str | None = None  # news:publication_date
    title: str | None = None  # news:title
    language: str | None = None  # news:language
    news: bool = False


@dataclass
class SitemapRead:
    """What a sitemap held. `index`: its entries are sitemaps, not pages."""

    index: bool = False
    entries: list[SitemapEntry] = field(default_factory=list)
    problem: tuple[str, str] | None = None  # (kind, message): why reading stopped short
    failed: bool = False  # nothing usable: the problem is the whole outcome


class _Stop(Exception):
    """Raised inside expat's handlers to end the parse (a cap, or a refused document)."""

    def __init__(self, kind: str, message: str, failed: bool = False) -> None:
        super().__init__(message)
        self.kind, self.message, self.failed = kind, message, failed


def read_sitemap(body: bytes, *, max_urls: int, max_bytes: int) -> SitemapRead:
    """Read a sitemap's entries (see the module docstring); never raises."""
    read = SitemapRead()
    pieces = _pieces(body, max_bytes)
    try:
        first = next(pieces, b"")
        head = first.lstrip(b"\xef\xbb\xbf \t\r\n")
        if head and not head.startswith(b"<") and b"\x00" not in head[:64]:
            _read_text(first, pieces, read, max_urls)
        else:
            _read_xml(first, pieces, read, max_urls)
    except _Stop as stop:
        read.problem = (stop.kind, stop.message)
        read.failed = stop.failed or (not read.entries and stop.kind != "truncated")
    return read


def _pieces(body: bytes, max_bytes: int) -> Iterator[bytes]:
    """The document a piece at a time, gunzipped if it is gzip; stops at `max_bytes`."""
    if body[:2] == b"\x1f\x8b":
        inflater = zlib.decompressobj(16 + zlib.MAX_WBITS)
        produced = 0
        try:
            for start in range(0, len(body), PIECE):
                data = inflater.decompress(body[start:start + PIECE], PIECE)
                while True:
                    produced += len(data)
                    if produced > max_bytes:
                        raise _Stop("too_large", f"over {_mib(max_bytes)} once decompressed; "
                                                 "read as far as that")
                    yield data
                    if not inflater.unconsumed_tail:
                        break
                    data = inflater.decompress(inflater.unconsumed_tail, PIECE)
                if inflater.eof:
                    return
        except zlib.error as exc:
            raise _Stop("malformed", f"broken gzip: {exc}") from None
        return
    for start in range(0, min(len(body), max_bytes), PIECE):
        yield body[start:min(start + PIECE, max_bytes)]
    if len(body) > max_bytes:
        raise _Stop("too_large", f"over {_mib(max_bytes)}; read as far as that")


def _read_text(first: bytes, pieces: Iterator[bytes], read: SitemapRead, max_urls: int) -> None:
    """A plain text sitemap: one URL per line (the protocol allows it)."""
    rest = b""
    for piece in _chain(first, pieces):
        lines = (rest + piece).split(b"\n")
        rest = lines.pop()[-MAX_TEXT:]
        for line in lines:
            _text_line(line, read, max_urls)
    _text_line(rest, read, max_urls)


def _text_line(line: bytes, read: SitemapRead, max_urls: int) -> None:
    url = line.strip().decode("utf-8", "replace")
    if url.startswith(("http://", "https://")) and len(url) <= MAX_TEXT:
        _add(read, SitemapEntry(url), max_urls)


def _read_xml(first: bytes, pieces: Iterator[bytes], read: SitemapRead, max_urls: int) -> None:
    parser = expat.ParserCreate(namespace_separator=" ")
    parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
    state = _XmlState(read, max_urls)
    parser.StartDoctypeDeclHandler = _refuse_internal_subset
    parser.EntityDeclHandler = _refuse_entity
    parser.StartElementHandler = state.start
    parser.EndElementHandler = state.end
    parser.CharacterDataHandler = state.text
    try:
        for piece in _chain(first, pieces):
            parser.Parse(piece, False)
        parser.Parse(b"", True)
    except expat.ExpatError as exc:
        raise _Stop("malformed", f"not well-formed XML ({expat.ErrorString(exc.code)}, "
                                 f"line {exc.lineno})") from None
    if state.root is None:
        raise _Stop("malformed", "no XML element", failed=True)
    if state.root not in ("urlset", "sitemapindex"):
        raise _Stop("malformed", f"not a sitemap (its root element is <{state.root}>)",
                    failed=True)


def _refuse_internal_subset(name, system_id, public_id, has_internal_subset) -> None:
    if has_internal_subset:
        raise _Stop("unsafe_xml", "declares a DTD of its own (entities can expand a few "
                                  "bytes into gigabytes); refused unread", failed=True)


def _refuse_entity(*args) -> None:
    raise _Stop("unsafe_xml", "declares XML entities; refused unread", failed=True)


class _XmlState:
    """The entry being read, and nothing else."""

    def __init__(self, read: SitemapRead, max_urls: int) -> None:
        self.read, self.max_urls = read, max_urls
        self.root: str | None = None
        self.entry: dict[str, str] | None = None
        self.field: str | None = None
        self.buffer: list[str] = []
        self.size = 0
        self.news = False

    def start(self, name: str, attributes) -> None:
        local = name.rpartition(" ")[2]
        if self.root is None:
            self.root = local
            self.read.index = local == "sitemapindex"
            return
        if local in ("url", "sitemap") and self.entry is None:
            self.entry, self.news = {}, False
        elif self.entry is not None:
            if local == "news" or "sitemap-news" in name:
                self.news = True
            if local in _FIELDS and self.field is None:
                self.field, self.buffer, self.size = local, [], 0

    def text(self, data: str) -> None:
        if self.field is not None and self.size < MAX_TEXT:
            self.buffer.append(data[:MAX_TEXT - self.size])
            self.size += len(data)

    def end(self, name: str) -> None:
        local = name.rpartition(" ")[2]
        if self.entry is None:
            return
        if local == self.field:
            self.entry.setdefault(local, "".join(self.buffer).strip())
            self.field = None
        elif local in ("url", "sitemap"):
            entry, self.entry = self.entry, None
            loc = entry.get("loc")
            if loc and self.size < MAX_TEXT:
                _add(self.read, SitemapEntry(
                    loc, w3c_to_utc(entry.get("lastmod")),
                    w3c_to_utc(entry.get("publication_date")), entry.get("title") or None,
                    entry.get("language") or None, self.news), self.max_urls)


def _add(read: SitemapRead, entry: SitemapEntry, max_urls: int) -> None:
    read.entries.append(entry)
    if len(read.entries) >= max_urls:
        raise _Stop("truncated", f"lists more than {max_urls:,} URLs; the first {max_urls:,} "
                                 "are read")


def _chain(first: bytes, rest: Iterator[bytes]) -> Iterator[bytes]:
    yield first
    yield from rest


def _mib(size: int) -> str:
    return f"{size / (1024 * 1024):g} MiB"
