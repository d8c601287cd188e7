"""Starting and ending a seed's run, in the command's process, before and after the crawl.

A seed is one `scrape site URL` (or `feed`, `follow`, or a list with --follow).
Its row keeps the plan it last ran with and whether that run finished. A run
that was interrupted (Ctrl-C, kill -9) is continued by the next: the queue
still holds what it had not done. A finished run's seed starts afresh the next
time: its documents (robots.txt, sitemaps, feeds, listings) are read again, and
what they list that the archive already holds is not queued again.
"""
from __future__ import annotations

from dataclasses import dataclass

from sqlite_utils import Database

from ..archive.transactions import writing
from ..crawl.queue import now
from ..urls import origin_of
from .plan import (DOCUMENTS, FEED, FEED_COMMAND, FOLLOW, LISTING, PAGE, ROBOTS, SEED, SITE,
                   Candidate, Context, Found, Plan)
from .record import record_found

# What each command queues first.
_ROOTS = {SITE: ((ROBOTS, "/robots.txt"), (LISTING, None)),
          FEED_COMMAND: ((FEED, None),),
          FOLLOW: ((PAGE, None),)}


def start(db: Database, plan: Plan, name: str | None = None) -> Plan:
    """Begin (or continue) the seed's run; returns the plan with its seed id.
    `name` names a seed without a root URL (a URL list: its path)."""
    stamp = now()
    name = plan.root or name
    with writing(db):
        row = db.execute("select id, run_finished from seeds where command = ? and url = ?",
                         [plan.command, name]).fetchone()
        if row is None:
            seed_id = db.execute(
                "insert into seeds (command, url, plan, pages, documents, listing_links, "
                "first_run, run_started) values (?, ?, ?, 0, 0, 0, ?, ?)",
                [plan.command, name, plan.to_json(), stamp, stamp]).lastrowid
            fresh = True
        else:
            seed_id, finished = row
            fresh = finished is not None
            db.execute("update seeds set plan = ? where id = ?", [plan.to_json(), seed_id])
        plan = plan.with_seed(seed_id)
        if fresh:
            _new_run(db, plan, stamp)
    return plan


def _new_run(db: Database, plan: Plan, stamp: str) -> None:
    db.execute("update seeds set run_started = ?, run_finished = null, listing_links = 0 "
               "where id = ?", [stamp, plan.seed_id])
    marks = ", ".join("?" * len(DOCUMENTS))
    # Documents are read again on every run: that is how a rerun finds what is new.
    db.execute(f"update queue set state = 'pending', updated_at = ? where kind in ({marks}) "
               f"and url in (select url from discoveries where seed_id = ?)",
               [stamp, *DOCUMENTS, plan.seed_id])
    if plan.root is None:
        return
    seeds = Found(Context(plan, None, -1, None), None)
    for kind, path in _ROOTS.get(plan.command, ()):
        url = origin_of(plan.root) + path if path else plan.root
        seeds.candidates.append(Candidate(url, kind, SEED))
    record_found(db, seeds)
    db.execute("update queue set state = 'pending', updated_at = ? where url = ? and "
               "kind is not null", [stamp, plan.root])


def finish(db: Database, plan: Plan) -> None:
    """The run went through: the next one starts afresh."""
    with writing(db):
        db.execute("update seeds set run_finished = ? where id = ?", [now(), plan.seed_id])


@dataclass
class SeedCounts:
    pages: int  # pages this seed found, in all its runs
    archived: int  # of which the archive holds an article
    pending: int  # of which still to fetch
    documents: int  # sitemaps, feeds and listing pages it found
    notes: list[tuple[str, str]]  # (document URL, why reading it stopped short or failed)


def counts(db: Database, plan: Plan) -> SeedCounts:
    row = db.execute(
        "select count(*), sum(q.state = 'done'), sum(q.state = 'pending') from discoveries d "
        "join queue q on q.url = d.url where d.seed_id = ? and q.kind is null",
        [plan.seed_id]).fetchone()
    documents = db.execute("select documents from seeds where id = ?",
                           [plan.seed_id]).fetchone()[0]
    notes = db.execute(
        "select q.url, q.last_error from discoveries d join queue q on q.url = d.url "
        "where d.seed_id = ? and q.kind is not null and q.last_error is not null "
        "and q.state != 'skipped' "
        "order by d.id", [plan.seed_id]).fetchall()
    return SeedCounts(row[0], row[1] or 0, row[2] or 0, documents or 0,
                      [(url, error) for url, error in notes])


def page_urls(db: Database, plan: Plan):
    """The pages this seed found, in the order it found them (for --list-only)."""
    for (url,) in db.execute(
            "select d.url from discoveries d join queue q on q.url = d.url "
            "where d.seed_id = ? and q.kind is null order by d.id", [plan.seed_id]):
        yield url
