"""Recording what discovery found, in the writer, inside the savepoint of the page it
was found in: the page's queue state and the URLs it led to commit together or not
at all, so a crash loses nothing and a rerun queues nothing twice.

Each new URL becomes a pending queue row (a page, or a document to read) and a
`discoveries` row saying where it was found. A URL already queued keeps its
state, unless `--refresh` and the sitemap or feed dates it after the archived
copy. The seed's counts (`seeds.pages`, `seeds.documents`) bound what it may
queue, across runs. When a site's sitemaps and feeds have all been read and
found no page, the seed's own listing page (kept in the archive) is read for
its article links and next page: the last resort.
"""
from __future__ import annotations

from sqlite_utils import Database

from ..archive.store import unpack_body
from ..crawl.queue import now
from ..encoding import decode_html
from ..urls import ParsedUrl, parse_url
from .listing import read_listing
from .plan import (DOCUMENTS, LISTING, PAGE, SITE, Candidate, Context, Discovered, Found)


def record_found(db: Database, found: Found) -> Discovered:
    """Queue what `found` holds; returns what that did.

    A page the archive already holds, newly found by a seed that follows links,
    has its archived links followed at once (it will not be fetched again)."""
    done = Discovered(found.context.kind, entries=found.entries)
    archived = [found]
    while archived:
        _record(db, archived.pop(), done, archived)
    return done


def _record(db: Database, found: Found, done: Discovered, archived: list[Found]) -> None:
    plan = found.context.plan
    pages, documents = db.execute("select pages, documents from seeds where id = ?",
                                  [plan.seed_id]).fetchone()
    pages, documents = pages or 0, documents or 0
    note = found.note
    stamp = now()
    depth = found.context.depth + 1
    for candidate in found.candidates:
        url = parse_url(candidate.url)
        if not isinstance(url, ParsedUrl):
            continue
        if candidate.kind is PAGE:
            done.in_scope += 1
            if plan.max_pages is not None and pages >= plan.max_pages:
                if _known(db, plan.seed_id, url.key):
                    continue
                note = note or ("max_pages", f"--max-pages {plan.max_pages} reached: later "
                                             "pages are not queued")
                continue
        elif documents >= plan.limits.documents:
            note = ("too_many_documents", f"over {plan.limits.documents:,} sitemaps, feeds "
                                          "and listing pages for one seed: the rest are not read")
            continue
        new = _queue(db, url, candidate.kind, depth, stamp)
        if candidate.kind is PAGE:
            done.new += new
            if not new and plan.refresh:
                _refresh(db, url.key, candidate, stamp)
        if _discovery(db, plan.seed_id, url.key, found.source, candidate, depth, stamp):
            if candidate.kind is PAGE:
                pages += 1
                if not new and plan.follow:
                    archived.extend(_archived_links(db, Context(plan, PAGE, depth, candidate.via),
                                                    url.key))
            else:
                documents += 1
    db.execute("update seeds set pages = ?, documents = ? where id = ?",
               [pages, documents, plan.seed_id])
    if note is not None:
        done.note = note[1]
        db.execute("update queue set error_kind = ?, last_error = ? where url = ?",
                   [note[0], note[1], found.source])
    if found.context.kind in DOCUMENTS and pages == 0 and plan.command == SITE:
        _last_resort(db, found.context, done)


def _archived_links(db: Database, context: Context, url: str) -> list[Found]:
    """The followed links of an archived page, as if it had just been fetched."""
    plan = context.plan
    if plan.depth is not None and context.depth >= plan.depth:
        return []
    marks = ", ".join("?" * len(plan.follow))
    links = db.execute(
        f"select l.kind, l.href, l.title from links l join articles a on a.id = l.article_id "
        f"where a.url = ? and l.kind in ({marks}) order by l.position",
        [url, *plan.follow]).fetchall()
    if not links:
        return []
    from .read import add_page

    found = Found(context, url, entries=len(links))
    for kind, href, title in links:
        add_page(found, Candidate(href, PAGE, kind, title=title))
    return [found]


def _queue(db: Database, url: ParsedUrl, kind: str | None, depth: int, stamp: str) -> bool:
    """Queue `url` if it is new; whether it was."""
    cursor = db.execute(
        "insert or ignore into queue (url, host, state, attempts, added_at, updated_at, kind, "
        "depth) values (?, ?, 'pending', 0, ?, ?, ?, ?)",
        [url.key, url.host, stamp, stamp, kind, depth])
    if cursor.rowcount:
        return True
    # found again nearer its seed: links followed from it may then go further
    db.execute("update queue set depth = ? where url = ? and depth > ?", [depth, url.key, depth])
    return False


def _discovery(db: Database, seed_id: int, url: str, source: str | None, candidate: Candidate,
               depth: int, stamp: str) -> bool:
    """Record how this seed found `url`, the first time it does; whether it was the first."""
    cursor = db.execute(
        "insert or ignore into discoveries (seed_id, url, found_in, via, depth, lastmod, "
        "published, title, language, found_at) values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [seed_id, url, source, candidate.via, depth, candidate.lastmod, candidate.published,
         candidate.title, candidate.language, stamp])
    return bool(cursor.rowcount)


def _known(db: Database, seed_id: int, url: str) -> bool:
    return db.execute("select 1 from discoveries where seed_id = ? and url = ?",
                      [seed_id, url]).fetchone() is not None


def _refresh(db: Database, url: str, candidate: Candidate, stamp: str) -> None:
    """--refresh: a page the sitemap or feed dates after its archived copy is fetched again."""
    dated = max(filter(None, (candidate.lastmod, candidate.published)), default=None)
    if dated is None:
        return
    db.execute("update queue set state = 'pending', updated_at = ? where url = ? and "
               "state = 'done' and updated_at < ?", [stamp, url, dated])


def _last_resort(db: Database, context: Context, done: Discovered) -> None:
    """Sitemaps and feeds are all read and found no page: read the seed's listing for links."""
    plan = context.plan
    pending = db.execute(
        "select count(*) from queue q where q.kind in ('robots', 'sitemap', 'feed', 'listing') "
        "and q.state = 'pending' and exists (select 1 from discoveries d where d.url = q.url "
        "and d.seed_id = ?)", [plan.seed_id]).fetchone()[0]
    taken = db.execute("select listing_links from seeds where id = ?",
                       [plan.seed_id]).fetchone()[0]
    if pending or taken:
        return
    db.execute("update seeds set listing_links = 1 where id = ?", [plan.seed_id])
    row = db.execute(
        "select f.final_url, f.content_type, b.html, b.compression from queue q "
        "join fetches f on f.id = q.fetch_id join bodies b on b.sha256 = f.body_sha256 "
        "where q.url = ?", [plan.root]).fetchone()
    if row is None:
        return
    from .read import listing_candidates

    final_url, content_type, data, compression = row
    html = decode_html(unpack_body(data, compression), content_type)[0]
    seed_context = Context(plan, LISTING, 0, None)  # read for links this time
    found = Found(seed_context, plan.root)
    listing_candidates(found, read_listing(html, final_url or plan.root), links=True)
    _record(db, found, done, [])
