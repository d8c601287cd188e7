"""Feeds: RSS 0.9x/1.0/2.0 and Atom through feedparser, JSON Feed through json.

feedparser reads the many broken feeds of the wild web (a loose parser takes
over where the XML breaks), so it is used rather than own code. It is handed
bytes already fetched under the feed cap, never a URL or a path (given a str,
feedparser would fetch it or open it as a file). Before it sees anything, the
document's prolog is read with expat: one that declares entities (an XML
bomb) is refused unread, though feedparser's expat would also stop one (its
amplification limit); nothing is left to that.
"""
from __future__ import annotations

import io
import json
from dataclasses import dataclass, field
from urllib.parse import urljoin
from xml.parsers import expat

from .dates import struct_to_utc, w3c_to_utc

PROLOG_WINDOW = 64 * 1024  # bytes in which the root element must start


@dataclass
class FeedItem:
    url: str
    published: str | None = None  # UTC ISO 8601
    updated: str | None = None
    title: str | None = None


@dataclass
class FeedRead:
    items: list[FeedItem] = field(default_factory=list)
    language: str | None = None
    problem: tuple[str, str] | None = None  # (kind, message)
    failed: bool = False


def read_feed(body: bytes, url: str, *, max_items: int,
              content_type: str | None = None) -> FeedRead:
    """The items of an RSS, Atom or JSON feed; never raises."""
    head = body[:PROLOG_WINDOW].lstrip(b"\xef\xbb\xbf \t\r\n")
    if head.startswith((b"{", b"[")):
        return _read_json_feed(body, url, max_items)
    refusal = xml_prolog_refusal(body)
    if refusal is not None:
        return FeedRead(problem=("unsafe_xml", refusal), failed=True)
    import feedparser  # imported where it runs: only the processes that read feeds need it

    parsed = feedparser.parse(io.BytesIO(body), sanitize_html=False,
                              resolve_relative_uris=False,
                              response_headers={"content-location": url,
                                                "content-type": _xml_type(content_type)})
    read = FeedRead(language=(parsed.feed.get("language") or None))
    for entry in parsed.entries[:max_items]:
        link = _entry_link(entry, url)
        if link:
            read.items.append(FeedItem(link, struct_to_utc(entry.get("published_parsed")),
                                       struct_to_utc(entry.get("updated_parsed")),
                                       (entry.get("title") or None)))
    if len(parsed.entries) > max_items:
        read.problem = ("truncated", f"lists more than {max_items:,} items; the first "
                                     f"{max_items:,} are read")
    elif parsed.bozo:
        reason = str(parsed.get("bozo_exception") or "broken feed").splitlines()[0][:200]
        if not parsed.version and not read.items:
            read.problem, read.failed = ("malformed", f"not a feed ({reason})"), True
        else:
            read.problem = ("malformed", f"broken feed, read as far as possible ({reason})")
    elif not parsed.version:
        read.problem, read.failed = ("malformed", "not an RSS, Atom or JSON feed"), True
    return read


def _xml_type(content_type: str | None) -> str:
    """The type feedparser is told: servers label feeds text/html or text/plain often
    enough; feedparser would then call a good feed broken."""
    if content_type and "xml" in content_type.lower():
        return content_type
    return "application/xml"


def _entry_link(entry, base: str) -> str | None:
    link = entry.get("link")
    if not link:
        for candidate in entry.get("links", ()):
            if candidate.get("rel", "alternate") == "alternate" and candidate.get("href"):
                link = candidate["href"]
                break
    if not link and entry.get("id", "").startswith(("http://", "https://")):
        link = entry["id"]  # RSS guid isPermaLink, Atom ids that are URLs
    return urljoin(base, link.strip()) if link else None


def _read_json_feed(body: bytes, url: str, max_items: int) -> FeedRead:
    """JSON Feed 1.0/1.1: `items` with `url` (or `external_url`) and dates."""
    try:
        data = json.loads(body)
    except (ValueError, RecursionError) as exc:
        return FeedRead(problem=("malformed", f"not JSON ({str(exc)[:200]})"), failed=True)
    if not isinstance(data, dict) or not isinstance(data.get("items"), list):
        return FeedRead(problem=("malformed", "not a JSON Feed (no items list)"), failed=True)
    read = FeedRead(language=data.get("language") if isinstance(data.get("language"), str)
                    else None)
    items = data["items"]
    for item in items[:max_items]:
        if not isinstance(item, dict):
            continue
        link = item.get("url") or item.get("external_url")
        if isinstance(link, str) and link.strip():
            read.items.append(FeedItem(
                urljoin(url, link.strip()), w3c_to_utc(_text(item.get("date_published"))),
                w3c_to_utc(_text(item.get("date_modified"))), _text(item.get("title"))))
    if len(items) > max_items:
        read.problem = ("truncated", f"lists more than {max_items:,} items; the first "
                                     f"{max_items:,} are read")
    return read


def _text(value) -> str | None:
    return value if isinstance(value, str) and value else None


class _RootReached(Exception):
    pass


def xml_prolog_refusal(body: bytes) -> str | None:
    """Why an XML document is refused unread (it declares entities), or None.

    Only the prolog is read, up to the root element: broken XML after it is
    feedparser's business."""
    state = {"refusal": None}

    def doctype(name, system_id, public_id, has_internal_subset):
        if has_internal_subset:
            state["refusal"] = ("declares a DTD of its own (entities can expand a few bytes "
                                "into gigabytes); refused unread")
            raise _RootReached

    def root(name, attributes):
        raise _RootReached

    parser = expat.ParserCreate()
    parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
    parser.StartDoctypeDeclHandler = doctype
    parser.StartElementHandler = root
    try:
        parser.Parse(body[:PROLOG_WINDOW], len(body) <= PROLOG_WINDOW)
    except _RootReached:
        return state["refusal"]
    except expat.ExpatError:
        return None  # broken before the root: feedparser's loose parser may still read it
    if len(body) > PROLOG_WINDOW:
        return f"no root element in its first {PROLOG_WINDOW // 1024} KiB; refused unread"
    return None
