"""The crawl's work during a discovery: the durable queue, read as it grows.

Like the batch's QueueFrontier, pending URLs host by host in queue order, but
live: the writer adds URLs while the crawl runs (a sitemap's pages, an
article's previous post), so a host may come back after it ran dry, and the
crawl lasts while anything handed out may still add work. Each job carries
its Context (the plan of the seed that found it) and the fetch policy of its
kind: sitemaps and feeds are not HTML, and a sitemap may be big.
"""
from __future__ import annotations

from dataclasses import replace

from sqlite_utils import Database

from ..crawl.batch import Job
from ..crawl.writer import Written
from ..fetch.http import FetchPolicy
from .plan import FEED, LISTING, PAGE, ROBOTS, SITEMAP, Context, Plan


class DiscoveryFrontier:
    """Args:
        db: the archive (read only here).
        policy: the crawl's fetch policy, for pages and listings.
        default: the plan for pending pages no seed found (a URL list with --follow).
        pages: False with --list-only: documents are read, pages are not fetched.
    """

    def __init__(self, db: Database, policy: FetchPolicy, *, default: Plan | None = None,
                 pages: bool = True) -> None:
        self._db = db
        self._default = default
        self._pages = pages
        self._plans: dict[int, Plan] = {}
        self._policies = {PAGE: None, LISTING: None, ROBOTS: None,
                          FEED: replace(policy, html_only=False),
                          SITEMAP: replace(policy, html_only=False, keep_head=True)}
        self._base_policy = policy
        self._last_host = ""
        self._handed: dict[str, int] = {}  # host -> the last rowid handed out
        self._outstanding: set[str] = set()  # URLs handed out, not yet written
        self._rescan = False

    # -- Frontier ------------------------------------------------------------

    def next_host(self) -> str | None:
        host = self._host_after(self._last_host)
        if host is None and self._rescan:  # written pages added work: look from the start
            self._rescan = False
            host = self._host_after("")
        if host is not None:
            self._last_host = host
        return host

    def take(self, host: str, limit: int) -> list[Job]:
        rows = self._db.execute(
            "select q.rowid, q.url, f.etag, f.last_modified, q.kind, q.depth, d.seed_id, d.via "
            "from queue q "
            "left join fetches f on f.id = (select id from fetches where url = q.url "
            "and body_sha256 is not null order by id desc limit 1) "
            "left join discoveries d on d.id = (select id from discoveries where url = q.url "
            "order by id limit 1) "
            f"where q.state = 'pending' and q.host = ? and q.rowid > ? {self._kinds} "
            "order by q.rowid limit ?", [host, self._handed.get(host, 0), limit]).fetchall()
        if rows:
            self._handed[host] = rows[-1][0]
        jobs = []
        for _, url, etag, last_modified, kind, depth, seed_id, via in rows:
            plan = self._plan(seed_id)
            context = Context(plan, kind, depth or 0, via) if plan is not None else None
            if kind is not None:  # documents are read whole every time: no conditional GET
                etag = last_modified = None
            jobs.append(Job(url, etag, last_modified, kind=kind,
                            policy=self._policy(kind, plan), context=context))
            self._outstanding.add(url)
        return jobs

    # -- fed by the command ----------------------------------------------------

    def written(self, batch: list[Written]) -> None:
        """Pages the archive committed: what they found is in the queue now."""
        for item in batch:
            self._outstanding.discard(item.url)
            if item.discovered is not None:
                self._rescan = True

    def expecting(self) -> bool:
        """Whether URLs handed out may still add work."""
        return bool(self._outstanding)

    # -- -----------------------------------------------------------------------

    @property
    def _kinds(self) -> str:
        return "" if self._pages else "and q.kind is not null"

    def _host_after(self, after: str) -> str | None:
        row = self._db.execute(
            f"select q.host from queue q where q.state = 'pending' and q.host > ? {self._kinds} "
            "order by q.host limit 1", [after]).fetchone()
        return row[0] if row else None

    def _plan(self, seed_id: int | None) -> Plan | None:
        if seed_id is None:
            return self._default
        plan = self._plans.get(seed_id)
        if plan is None:
            row = self._db.execute("select plan from seeds where id = ?", [seed_id]).fetchone()
            plan = self._plans[seed_id] = Plan.from_json(seed_id, row[0])
        return plan

    def _policy(self, kind: str | None, plan: Plan | None) -> FetchPolicy | None:
        if kind == SITEMAP and plan is not None:
            return replace(self._policies[SITEMAP], max_bytes=plan.limits.sitemap_bytes)
        if kind == FEED and plan is not None:
            return replace(self._policies[FEED], max_bytes=plan.limits.feed_bytes)
        return self._policies.get(kind)
