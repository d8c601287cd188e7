"""Reading what a discovery fetched, in an extraction process: document -> Found.

A robots.txt gives sitemaps (or, listing none, the usual sitemap locations to
try); a sitemap gives pages or more sitemaps; a feed gives pages; a listing
gives feeds, and, read as a last resort or as a later page of one, article
links and its next page; an article page of a seed that follows links gives
its prev/next/related links. What is out of scope, dated before --since, or
past a limit is counted and left out here; the writer records the rest.
"""
from __future__ import annotations

from dataclasses import replace
from urllib.parse import urljoin

from ..crawl.queue import FAILED, SKIPPED
from ..crawl.writer import Finished, Prepared, prepare_article
from ..encoding import HTML_TYPES, decode_html
from ..models import FetchResult
from ..urls import origin_of
from .feeds import read_feed
from .listing import ListingRead, read_listing
from .plan import (ALTERNATE, FEED, FEED_ITEM, GUESS, LISTING, LISTING_LINK, NEWS_SITEMAP,
                   NEXT_PAGE, PAGE, ROBOTS, ROBOTS_LINE, SEED, SITE, SITEMAP, SITEMAP_INDEX,
                   SITEMAP_URL, Candidate, Context, Found)
from .sitemaps import read_sitemap

# Where sites usually keep what robots.txt does not name.
USUAL_SITEMAPS = ("/sitemap.xml", "/sitemap_index.xml", "/wp-sitemap.xml", "/news-sitemap.xml")
USUAL_FEEDS = ("/feed/", "/rss.xml", "/atom.xml", "/index.xml")


def prepare_discovered(finished: Finished) -> Prepared:
    """writer.prepare() for a URL of a discovery: its document read, or its article
    extracted and the links its seed follows taken from it."""
    context: Context = finished.context
    result = finished.result
    if context.kind is PAGE:
        prepared = prepare_article(finished)
        if prepared.article is not None and context.plan.follow:
            prepared.found = _followed(context, finished.url, prepared.article)
        return prepared
    if not result.ok or not result.body:
        if (context.via == GUESS and result.status and 400 <= result.status < 500):
            finished = replace(finished, state=SKIPPED)  # not there: that was the question
        # found nothing, but recorded all the same: the last of a seed's documents to end
        # may be this one, and then it is the one to call the last resort (record.py)
        return Prepared(_without_body(finished), None, None, Found(context, finished.url))
    found = Found(context, finished.url)
    packed = None
    if context.kind == ROBOTS:
        _robots(found, result.body.decode("utf-8", "replace"))
    elif context.kind == SITEMAP:
        failure = _sitemap(found, result)
        if failure is not None:
            return Prepared(_failed(finished, *failure), None, None)
    elif context.kind == FEED:
        failure = _feed(found, result)
        if failure is not None:
            return Prepared(_failed(finished, *failure), None, None)
    elif context.kind == LISTING:
        from ..archive.store import PackedBody

        # kept: a last resort reads it again for its article links (record.py)
        packed = PackedBody.of(result.body)
        listing = read_listing(decode_html(result.body, result.content_type)[0],
                               result.final_url or finished.url)
        listing_candidates(found, listing, links=context.via != SEED or context.plan.command != SITE)
    return Prepared(_without_body(finished), None, packed, found)


def _robots(found: Found, text: str) -> None:
    """Sitemap: lines; when there are none, the usual locations."""
    base = found.source
    lines = [line.split(":", 1)[1].strip() for line in text.splitlines()
             if line.lower().startswith("sitemap:")]
    found.entries = len(lines)
    for line in lines:
        _add_document(found, urljoin(base, line), SITEMAP, ROBOTS_LINE)
    if not lines:
        for path in USUAL_SITEMAPS:
            _add_document(found, origin_of(base) + path, SITEMAP, GUESS)


def _sitemap(found: Found, result: FetchResult) -> tuple[str, str] | None:
    limits, plan = found.context.plan.limits, found.context.plan
    read = read_sitemap(result.body, max_urls=limits.sitemap_urls, max_bytes=limits.sitemap_bytes)
    if read.failed:
        return read.problem
    found.entries = len(read.entries)
    base = result.final_url or found.source
    if read.index:
        # A sitemap index nests sitemaps; each level is counted from the first sitemap read.
        if found.context.depth >= 1 + limits.index_depth:
            found.note = ("too_deep", f"a sitemap index nested more than {limits.index_depth} "
                                      f"levels deep: its {len(read.entries):,} sitemaps are "
                                      "not read")
            return None
        for entry in read.entries:
            if plan.since and entry.lastmod and entry.lastmod < plan.since:
                found.too_old += 1  # changed last before --since: nothing newer inside
                continue
            _add_document(found, urljoin(base, entry.loc), SITEMAP, SITEMAP_INDEX,
                          lastmod=entry.lastmod)
    else:
        for entry in read.entries:
            add_page(found, Candidate(urljoin(base, entry.loc), PAGE,
                                       NEWS_SITEMAP if entry.news else SITEMAP_URL,
                                       lastmod=entry.lastmod, published=entry.published,
                                       title=entry.title, language=entry.language))
    found.note = found.note or read.problem
    return None


def _feed(found: Found, result: FetchResult) -> tuple[str, str] | None:
    limits = found.context.plan.limits
    if len(result.body) > limits.feed_bytes:
        return ("too_large", f"feed over {limits.feed_bytes // (1024 * 1024)} MiB")
    base = result.final_url or found.source
    if found.context.via == SEED and _is_html(result):
        return _announced_feeds(found, result, base)
    read = read_feed(result.body, base, max_items=limits.feed_items,
                     content_type=result.content_type)
    if read.failed:
        return read.problem
    found.entries = len(read.items)
    for item in read.items:
        add_page(found, Candidate(item.url, PAGE, FEED_ITEM, lastmod=item.updated,
                                   published=item.published, title=item.title,
                                   language=read.language))
    found.note = read.problem
    return None


def _is_html(result: FetchResult) -> bool:
    kind = (result.content_type or "").split(";")[0].strip().lower()
    return kind in HTML_TYPES or (
        not kind and result.body.lstrip()[:15].lower().startswith((b"<!doctype html", b"<html")))


def _announced_feeds(found: Found, result: FetchResult, base: str) -> tuple[str, str] | None:
    """`scrape feed` given a page, not a feed: the feeds the page announces, as a reader
    of feeds finds them (`<link rel="alternate">`)."""
    feeds = read_listing(decode_html(result.body, result.content_type)[0], base).feeds
    if not feeds:
        return ("not_a_feed", "a web page that announces no feed (no <link rel=\"alternate\"> "
                              "of a feed type)")
    found.entries = len(feeds)
    for feed in feeds:
        _add_document(found, feed, FEED, ALTERNATE)
    return None


def listing_candidates(found: Found, listing: ListingRead, *, links: bool) -> None:
    """A listing's feeds (or the usual feed paths), and with `links` its articles and its
    next page. The seed's own listing of a site is read for feeds first: its links are
    the last resort (record.py), taken only when sitemaps and feeds found nothing."""
    context = found.context
    if context.via == SEED and context.plan.command == SITE:
        for feed in listing.feeds:
            _add_document(found, feed, FEED, ALTERNATE)
        if not listing.feeds:
            for path in USUAL_FEEDS:
                _add_document(found, origin_of(found.source) + path, FEED, GUESS)
    if not links:
        return
    found.entries = len(listing.articles)
    for url, title in listing.articles:
        add_page(found, Candidate(url, PAGE, LISTING_LINK, title=title))
    if listing.next_page and context.depth < context.plan.limits.listing_pages:
        if _in_scope(found, listing.next_page):
            _add_document(found, listing.next_page, LISTING, NEXT_PAGE)
    elif listing.next_page:
        found.note = ("too_deep", f"a listing over {context.plan.limits.listing_pages} pages "
                                  "long: its later pages are not read")


def _followed(context: Context, url: str, article) -> Found:
    """The links of an archived page that its seed follows, one step further from it."""
    found = Found(context, url)
    plan = context.plan
    if plan.depth is not None and context.depth >= plan.depth:
        return found
    for link in article.links:
        if link.kind in plan.follow:
            found.entries += 1
            add_page(found, Candidate(link.href, PAGE, link.kind, title=link.title))
    return found


def add_page(found: Found, candidate: Candidate) -> None:
    plan = found.context.plan
    if not _in_scope(found, candidate.url) or not plan.scope.sifts_in(candidate.url):
        found.out_of_scope += 1
        return
    dated = candidate.published or candidate.lastmod
    if plan.since and dated and dated < plan.since:
        found.too_old += 1
        return
    found.candidates.append(candidate)


def _add_document(found: Found, url: str, kind: str, via: str, *,
                  lastmod: str | None = None) -> None:
    found.candidates.append(Candidate(url, kind, via, lastmod=lastmod))


def _in_scope(found: Found, url: str) -> bool:
    plan = found.context.plan
    return plan.scope.around(plan.root_for(found.source), url)


def _without_body(finished: Finished) -> Finished:
    return replace(finished, result=replace(finished.result, body=b"", text=None))


def _failed(finished: Finished, kind: str, message: str) -> Finished:
    """A document fetched but unreadable: recorded as a failed fetch with the reason."""
    return replace(finished, state=FAILED, result=replace(
        finished.result, body=b"", text=None, error_kind=kind, error=message))
