"""Discovery: finding a site's articles, and the articles around an article.

A producer of queue rows, never a fetcher of its own: every document it reads
(robots.txt, sitemaps, feeds, listing pages) is a queued URL the crawler
fetches with the same politeness as any page, and everything it finds goes
into the archive's queue with where it was found (`discoveries`).

    seeds.py     a seed's run begins and ends (scrape site / feed / follow / --follow)
    frontier.py  the crawl's work, read from the queue as discovery adds to it
    read.py      a fetched document -> the URLs in it (in an extraction process)
      sitemaps.py, feeds.py, listing.py: one reader per kind of document
    record.py    the URLs found -> queue rows, in the writer, with the page's own state
    scope.py     which URLs a seed may queue
    plan.py      the values passed between them
"""
from .plan import Limits, Plan
from .scope import Scope, ScopeKind

__all__ = ["Limits", "Plan", "Scope", "ScopeKind"]
