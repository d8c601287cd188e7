"""Listing pages (a home page, a section, an archive): their feeds, article links, next page.

A listing is read by structure: feeds from `<link rel="alternate">` with a feed
type; article links from the places listings put them (inside `<article>`
cards, in headings, `rel=bookmark`); the next page from `rel=next`. Links to
other listings (tags, categories, authors, pages, feeds) are not articles.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from urllib.parse import urljoin, urlsplit

from selectolax.lexbor import LexborHTMLParser

FEED_TYPES = ("application/rss+xml", "application/atom+xml", "application/feed+json",
              "application/json", "application/rdf+xml")
MAX_LINKS = 2_000  # article links taken from one listing page
_NOT_ARTICLE = re.compile(
    r"/(?:tags?|category|categories|topics?|authors?|label|page|feed|comments?|search|"
    r"wp-json|wp-admin|wp-login\.php)(?:/|$)|\.(?:xml|rss|json|jpe?g|png|gif|webp|svg|pdf|zip)$"
    r"|[?&](?:replytocom|share|print)=", re.IGNORECASE)


@dataclass
class ListingRead:
    feeds: list[str] = field(default_factory=list)
    articles: list[tuple[str, str | None]] = field(default_factory=list)  # (url, link text)
    next_page: str | None = None


def read_listing(html: str, url: str) -> ListingRead:
    """What a listing page offers; never raises."""
    tree = LexborHTMLParser(html)
    base = url
    for node in tree.css("base[href]"):
        base = urljoin(url, node.attributes.get("href") or "")
        break
    read = ListingRead()
    for node in tree.css("link[rel][href]"):
        rel = (node.attributes.get("rel") or "").lower().split()
        kind = (node.attributes.get("type") or "").lower().split(";")[0].strip()
        href = _absolute(base, node.attributes.get("href"))
        if href is None:
            continue
        if "alternate" in rel and kind in FEED_TYPES and href not in read.feeds:
            read.feeds.append(href)
        elif "next" in rel and read.next_page is None:
            read.next_page = href
    if read.next_page is None:
        for node in tree.css("a[rel][href]"):
            if "next" in (node.attributes.get("rel") or "").lower().split():
                read.next_page = _absolute(base, node.attributes.get("href"))
                break
    page = _without_fragment(url)
    seen: set[str] = {page}
    if read.next_page:
        seen.add(read.next_page)
    for node in tree.css("article a[href], h1 a[href], h2 a[href], h3 a[href], h4 a[href], "
                         "a[rel~=bookmark][href]"):
        href = _absolute(base, node.attributes.get("href"))
        if href is None or href in seen or not _may_be_article(href):
            continue
        seen.add(href)
        read.articles.append((href, node.text(strip=True)[:2000] or None))
        if len(read.articles) >= MAX_LINKS:
            break
    return read


def _absolute(base: str, href: str | None) -> str | None:
    if not href or not href.strip():
        return None
    try:
        absolute = urljoin(base, href.strip())
    except ValueError:
        return None
    if not absolute.startswith(("http://", "https://")):
        return None
    return _without_fragment(absolute)


def _without_fragment(url: str) -> str:
    return url.split("#", 1)[0]


def _may_be_article(url: str) -> bool:
    path = urlsplit(url).path
    return path not in ("", "/") and not _NOT_ARTICLE.search(url)
