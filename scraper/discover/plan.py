"""The values discovery hands between its stages: what a seed asks for, what a document held.

A `Plan` is what the user asked of one seed (`scrape site URL --scope prefix ...`),
kept in the archive's `seeds` table so that any later run, of any command, reads
that seed's documents the same way. A `Context` rides with each queued URL
through the crawl; a `Found` comes back from reading the page or document, and
the writer records it (record.py).
"""
from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field, replace

from .scope import Scope, ScopeKind

# What a queued URL is to discovery (the queue's `kind`; NULL is an article page).
PAGE = None
ROBOTS = "robots"  # robots.txt, read for its Sitemap: lines
SITEMAP = "sitemap"  # a sitemap or sitemap index (XML, gzip, plain text)
FEED = "feed"  # RSS, Atom or JSON Feed
LISTING = "listing"  # an HTML page read for feeds, article links and its next page
DOCUMENTS = (ROBOTS, SITEMAP, FEED, LISTING)

# How a URL was found (`discoveries.via`).
SEED = "seed"  # named on the command line
GUESS = "guess"  # a usual location (/sitemap.xml, /feed/): its absence is no failure
ROBOTS_LINE = "robots"  # a Sitemap: line of robots.txt
SITEMAP_INDEX = "sitemap_index"  # a child of a sitemap index
SITEMAP_URL = "sitemap"  # a <url> of a sitemap
NEWS_SITEMAP = "news_sitemap"  # a <url> of a Google News sitemap
FEED_ITEM = "feed"  # an item of a feed
ALTERNATE = "alternate"  # <link rel="alternate" type="application/rss+xml"> on a page
LISTING_LINK = "listing"  # an article link on a listing page
NEXT_PAGE = "next_page"  # the rel=next page of a listing
# ...and the extractor's link kinds: "prev", "next", "related".

# The commands that start a discovery (`seeds.command`).
SITE, FEED_COMMAND, FOLLOW, LIST = "site", "feed", "follow", "list"


@dataclass(frozen=True)
class Limits:
    """How much one seed's discovery may read: every loop and every document is bounded."""

    sitemap_bytes: int = 50 * 1024 * 1024  # a sitemap, once decompressed (the protocol's own cap)
    sitemap_urls: int = 50_000  # entries read from one sitemap (the protocol's own cap)
    index_depth: int = 4  # sitemap indexes nested below the first sitemap
    documents: int = 5_000  # sitemaps, feeds and listing pages one seed reads
    feed_bytes: int = 10 * 1024 * 1024
    feed_items: int = 10_000
    listing_pages: int = 100  # pages of one listing followed through rel=next


@dataclass(frozen=True)
class Plan:
    """What one seed asks for. Stored as JSON in `seeds.plan`."""

    seed_id: int
    command: str  # SITE, FEED_COMMAND, FOLLOW or LIST
    root: str | None  # the seed URL; None for a URL list (each page is its own root)
    scope: Scope = field(default_factory=Scope)
    since: str | None = None  # UTC ISO 8601: entries dated before are skipped
    follow: tuple[str, ...] = ()  # link kinds followed from archived pages
    depth: int | None = None  # links followed this many steps from a seed page, at most
    max_pages: int | None = None  # pages this seed queues, at most (over all its runs)
    refresh: bool = False  # queue again what sitemaps or feeds date after the archived copy
    limits: Limits = field(default_factory=Limits)

    def to_json(self) -> str:
        data = asdict(self)
        data.pop("seed_id")
        data["scope"] = {"kind": self.scope.kind.value, "include": list(self.scope.include),
                         "exclude": list(self.scope.exclude)}
        return json.dumps(data, sort_keys=True)

    @classmethod
    def from_json(cls, seed_id: int, text: str) -> "Plan":
        data = json.loads(text)
        scope = data.pop("scope")
        return cls(seed_id=seed_id, scope=Scope(ScopeKind(scope["kind"]),
                                                tuple(scope["include"]), tuple(scope["exclude"])),
                   follow=tuple(data.pop("follow")), limits=Limits(**data.pop("limits")), **data)

    def with_seed(self, seed_id: int) -> "Plan":
        return replace(self, seed_id=seed_id)

    def root_for(self, source: str) -> str:
        """What scope is measured from: the seed, or for a URL list the linking page."""
        return self.root or source


@dataclass(frozen=True)
class Context:
    """Where a queued URL sits in its seed's discovery; rides with the URL through the crawl."""

    plan: Plan
    kind: str | None  # PAGE or one of DOCUMENTS
    depth: int
    via: str | None  # how it was found; None for a URL from a list


@dataclass
class Candidate:
    """A URL found in a document or page, with what the document said of it."""

    url: str
    kind: str | None  # PAGE or one of DOCUMENTS
    via: str
    lastmod: str | None = None  # UTC ISO 8601
    published: str | None = None  # UTC ISO 8601 (news sitemaps, feeds)
    title: str | None = None
    language: str | None = None


@dataclass
class Found:
    """What reading one document (or one archived page's links) found, for the writer."""

    context: Context
    source: str  # the document's URL (the queue key)
    candidates: list[Candidate] = field(default_factory=list)
    entries: int = 0  # URLs the document listed
    out_of_scope: int = 0
    too_old: int = 0  # dated before --since
    note: tuple[str, str] | None = None  # (kind, message): why reading stopped short


@dataclass
class Discovered:
    """What recording a Found did, reported back to the command's display."""

    kind: str | None  # the source's kind
    entries: int = 0
    in_scope: int = 0
    new: int = 0  # URLs new to the queue
    note: str | None = None
