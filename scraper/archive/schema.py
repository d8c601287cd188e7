"""The archive's shape, declared as data: tables, indexes, full-text search, views.

`ensure_schema()` runs on every open. It creates what is missing and migrates
an older archive forward, step by step, recording the version in
`PRAGMA user_version`. Steps are forward-only and never drop user data. Views
are recreated when their SQL here changes, so improving one needs no migration.
An archive that is already current is opened without a single write, so
reading never waits for a running batch.
"""
from __future__ import annotations

import textwrap
from typing import TYPE_CHECKING, Callable

from ..errors import ArchiveTooNew
from ..urls import host_of
from .transactions import writing

if TYPE_CHECKING:  # (imported for type hints only: see scraper/crawl/writer.py)
    from sqlite_utils import Database

SCHEMA_VERSION = 5

# name -> (columns, options). Columns are in the order a reader wants to see them.
TABLES: dict[str, tuple[dict[str, type], dict]] = {
    "bodies": (
        {"sha256": str, "html": bytes, "compression": str, "size": int, "stored_at": str},
        {"pk": "sha256", "not_null": {"html"}},
    ),
    "fetches": (
        {"id": int, "url": str, "host": str, "final_url": str, "status": int,
         "content_type": str, "encoding": str, "bytes": int, "elapsed_ms": int, "attempts": int,
         "fetched_at": str, "error_kind": str, "error": str, "not_modified": int, "etag": str,
         "last_modified": str, "headers": str, "body_sha256": str,
         # the WARC record of the response: written by a capture, or read by an import
         "warc_file": str, "warc_offset": int, "warc_length": int},
        {"pk": "id", "not_null": {"url", "fetched_at"},
         "foreign_keys": [("body_sha256", "bodies", "sha256")]},
    ),
    "articles": (
        {"id": int, "url": str, "host": str, "final_url": str, "share_url": str,
         "canonical_url": str, "shortlink": str, "title": str, "author": str, "published": str,
         "modified": str, "language": str, "site_name": str, "description": str, "image": str,
         "body_text": str, "word_count": int, "content_sha256": str,
         "extractor_version": str, "extraction_method": str, "first_seen": str, "last_seen": str,
         "fetch_id": int},
        {"pk": "id", "not_null": {"url"}, "foreign_keys": [("fetch_id", "fetches", "id")]},
    ),
    "article_versions": (
        {"id": int, "article_id": int, "fetch_id": int, "seen_at": str, "cause": str,
         "old_sha256": str, "new_sha256": str, "extractor_version": str, "title": str,
         "body_text": str},
        {"pk": "id", "not_null": {"article_id", "new_sha256"},
         "foreign_keys": [("article_id", "articles", "id"), ("fetch_id", "fetches", "id")]},
    ),
    "authors": (
        {"article_id": int, "position": int, "name": str},
        {"pk": ("article_id", "position"), "foreign_keys": [("article_id", "articles", "id")]},
    ),
    "tags": (
        {"article_id": int, "position": int, "tag": str},
        {"pk": ("article_id", "position"), "foreign_keys": [("article_id", "articles", "id")]},
    ),
    "links": (
        {"id": int, "article_id": int, "kind": str, "position": int, "href": str, "title": str},
        {"pk": "id", "not_null": {"article_id", "kind", "href"},
         "foreign_keys": [("article_id", "articles", "id")]},
    ),
    "comment_forms": (
        {"id": int, "article_id": int, "action": str, "method": str, "html_id": str,
         "title": str, "notes": str, "submit": str},
        {"pk": "id", "not_null": {"article_id"}, "foreign_keys": [("article_id", "articles", "id")]},
    ),
    "form_fields": (
        {"id": int, "form_id": int, "position": int, "name": str, "type": str, "label": str,
         "required": int, "hidden": int, "value": str},
        {"pk": "id", "not_null": {"form_id", "name"},
         "foreign_keys": [("form_id", "comment_forms", "id")]},
    ),
    "queue": (
        {"url": str, "state": str, "attempts": int, "error_kind": str, "last_error": str,
         "fetch_id": int, "added_at": str, "updated_at": str,
         "host": str,  # the crawler reads each host's pending URLs on their own
         # NULL: an article page; else a document discovery reads (robots, sitemap, feed,
         # listing), and how many links away from its seed it was found
         "kind": str, "depth": int},
        {"pk": "url", "not_null": {"state"}, "foreign_keys": [("fetch_id", "fetches", "id")]},
    ),
    # Where discovery started: `scrape site`, `feed`, `follow`, or a list with --follow.
    # `plan` holds the options it last ran with (JSON), so any run reads its documents alike.
    "seeds": (
        {"id": int, "command": str, "url": str, "plan": str, "pages": int, "documents": int,
         "listing_links": int, "first_run": str, "run_started": str, "run_finished": str},
        {"pk": "id", "not_null": {"command", "url", "plan"}},
    ),
    # How each URL was found: one row per seed that found it (the first finding).
    "discoveries": (
        {"id": int, "seed_id": int, "url": str, "found_in": str, "via": str, "depth": int,
         "lastmod": str, "published": str, "title": str, "language": str, "found_at": str},
        {"pk": "id", "not_null": {"seed_id", "url", "via"},
         "foreign_keys": [("seed_id", "seeds", "id"), ("url", "queue", "url"),
                          ("found_in", "queue", "url")]},
    ),
}

# (table, columns, unique)
INDEXES: list[tuple[str, list[str], bool]] = [
    ("articles", ["url"], True),
    ("articles", ["share_url"], False),
    ("articles", ["canonical_url"], False),
    ("articles", ["published"], False),
    ("articles", ["last_seen"], False),
    ("articles", ["host"], False),
    ("fetches", ["url"], False),
    ("fetches", ["host"], False),
    ("fetches", ["body_sha256"], False),
    ("fetches", ["warc_file", "warc_offset"], False),
    ("article_versions", ["article_id"], False),
    ("links", ["article_id", "kind", "position"], False),
    ("comment_forms", ["article_id"], True),
    ("form_fields", ["form_id", "position"], False),
    ("queue", ["state"], False),
    ("queue", ["state", "host"], False),
    ("queue", ["kind", "state"], False),
    ("seeds", ["command", "url"], True),
    ("discoveries", ["seed_id", "url"], True),
    ("discoveries", ["url"], False),
    ("discoveries", ["found_in"], False),
]

FTS: dict[str, list[str]] = {"articles": ["title", "body_text"]}

# Answers to common questions, one `select` away (sqlite-utils, Datasette, export --where).
VIEWS: dict[str, str] = {
    # An article with its first previous and next link (the page's own order).
    "article_navigation": """
        select a.id as article_id, a.url, a.title,
               p.title as prev_title, p.href as prev_url,
               n.title as next_title, n.href as next_url
        from articles a
        left join links p on p.id = (select id from links where article_id = a.id
                                     and kind = 'prev' order by position limit 1)
        left join links n on n.id = (select id from links where article_id = a.id
                                     and kind = 'next' order by position limit 1)
    """,
    # Related links in page order, and the archived article each one leads to, if any.
    "related_links": """
        select l.article_id, a.title as article_title, a.url as article_url,
               row_number() over (partition by l.article_id order by l.position) as position,
               l.title, l.href as url,
               (select r.id from articles r where r.url = l.href or r.share_url = l.href
                or r.canonical_url = l.href limit 1) as archived_article_id
        from links l join articles a on a.id = l.article_id
        where l.kind = 'related'
    """,
    # One row per comment form; field names in form order, comma-separated.
    "comment_forms_overview": """
        select c.id as form_id, c.article_id, a.url as article_url, a.title as article_title,
               c.action, c.method,
               (select group_concat(name, ', ') from (select name from form_fields
                where form_id = c.id and hidden = 0 order by position)) as fields,
               (select group_concat(name, ', ') from (select name from form_fields
                where form_id = c.id and hidden = 0 and required = 1 order by position))
                as required_fields,
               (select group_concat(name, ', ') from (select name from form_fields
                where form_id = c.id and hidden = 1 order by position)) as hidden_fields,
               c.notes, c.submit
        from comment_forms c join articles a on a.id = c.article_id
    """,
    # Every failed fetch, newest first; archived_article_id says an earlier copy is kept.
    "failed_fetches": """
        select f.id as fetch_id, f.url, f.host, f.status, f.error_kind as reason, f.error,
               f.attempts, f.fetched_at,
               (select a.id from articles a where a.url = f.url) as archived_article_id
        from fetches f
        where f.error is not null
        order by f.id desc
    """,
    # Per host (NULL for local files): what the archive holds and when it last fetched.
    "sites": """
        select f.host,
               (select count(*) from articles a where a.host is f.host) as articles,
               count(*) as fetches,
               sum(f.error is not null) as failed_fetches,
               min(f.fetched_at) as first_fetch,
               max(f.fetched_at) as last_fetch
        from fetches f
        group by f.host
        order by articles desc, f.host
    """,
    # Each version of each article, numbered from 1 (the first sighting).
    "article_history": """
        select v.article_id, a.url,
               row_number() over (partition by v.article_id order by v.id) as version,
               v.seen_at, v.cause, v.old_sha256, v.new_sha256, v.extractor_version, v.title,
               v.fetch_id
        from article_versions v join articles a on a.id = v.article_id
    """,
    # How each discovered URL was found: by which seed, in which sitemap, feed or page, by
    # which kind of link, how far from the seed; and what became of it.
    "discovered_urls": """
        select d.url, q.kind, q.state, q.error_kind, q.last_error, d.via, d.found_in,
               s.kind as found_in_kind, d.depth, d.lastmod, d.published, d.title, d.language,
               d.found_at, e.command as seed_command, e.url as seed_url, d.seed_id,
               (select a.id from articles a where a.url = d.url) as archived_article_id
        from discoveries d
        join queue q on q.url = d.url
        join seeds e on e.id = d.seed_id
        left join queue s on s.url = d.found_in
    """,
    # Articles whose page changed after it was first archived (re-extraction not counted).
    "changed_articles": """
        select a.id as article_id, a.url, a.title, count(*) as changes,
               min(v.seen_at) as first_change, max(v.seen_at) as last_change
        from articles a join article_versions v on v.article_id = a.id
        where v.cause = 'fetch' and v.old_sha256 is not null
        group by a.id
        order by last_change desc
    """,
}


def ensure_schema(db: Database) -> None:
    """Bring `db` to SCHEMA_VERSION: create a new archive or migrate an older one."""
    version = db.execute("pragma user_version").fetchone()[0]
    if version > SCHEMA_VERSION:
        raise ArchiveTooNew(
            f"archive schema version {version} is newer than this scraper understands "
            f"({SCHEMA_VERSION}); upgrade scraper")
    # A current archive needs no write (and must not wait for another writer's lock);
    # a new or older one takes the lock up front.
    with writing(db) if version != SCHEMA_VERSION else db.atomic():
        if version > 0:  # 0 is a new archive: _ensure_shape creates it at the current version
            for step in range(version, SCHEMA_VERSION):
                MIGRATIONS[step](db)
        _ensure_shape(db)
        if version != SCHEMA_VERSION:
            db.execute(f"pragma user_version = {SCHEMA_VERSION}")


def _ensure_shape(db: Database) -> None:
    """Create what is missing; on a current archive this writes nothing."""
    for name, (columns, options) in TABLES.items():
        db[name].create(columns, if_not_exists=True, **options)
    for table, columns, unique in INDEXES:
        db[table].create_index(columns, unique=unique, if_not_exists=True)
    for table, columns in FTS.items():
        if not db[table].detect_fts():
            db[table].enable_fts(columns, create_triggers=True, tokenize="unicode61")
    for name, sql in VIEWS.items():
        # SQLite keeps a view's SQL without trailing space; stripped, an unchanged view
        # compares equal and is left alone.
        db.create_view(name, textwrap.dedent(sql).strip(), replace=True)


def _hosts_and_version_causes(db: Database) -> None:
    """Version 1 -> 2: fetches, articles and queued URLs name their host; a version says
    what made it.

    Version 1 had no re-extraction, so every version it recorded came from a fetch.
    Which extractor made those versions was not recorded and stays unknown (NULL).
    """
    for table in ("fetches", "articles"):
        db[table].add_column("host", str)
        db.conn.executemany(f"update [{table}] set host = ? where id = ?",
                            [(host_of(url) or None, row_id) for row_id, url
                             in db.execute(f"select id, url from [{table}]").fetchall()])
    db["article_versions"].add_column("cause", str)
    db["article_versions"].add_column("extractor_version", str)
    db.execute("update article_versions set cause = 'fetch'")
    # The queue knows each URL's host, so a crawl reads it host by host.
    db["queue"].add_column("host", str)
    db.conn.executemany("update queue set host = ? where rowid = ?",
                        [(host_of(url) or None, rowid) for rowid, url
                         in db.execute("select rowid, url from queue").fetchall()])


def _discovery(db: Database) -> None:
    """Version 2 -> 3: queued URLs say what they are to discovery and how far from their
    seed they were found (the tables `seeds` and `discoveries` are new, made by the shape)."""
    db["queue"].add_column("kind", str)
    db["queue"].add_column("depth", int)


def _extraction_methods(db: Database) -> None:
    """Version 3 -> 4: an article says how its body was found (the extractor's stage).

    Bodies extracted before are left NULL (unknown): `scrape reextract` fills them in.
    """
    db["articles"].add_column("extraction_method", str)


def _warc_records(db: Database) -> None:
    """Version 4 -> 5: a fetch names the WARC record of its response (file, offset, length).

    Nothing was captured before, so every older fetch has none."""
    for column in ("warc_file", "warc_offset", "warc_length"):
        db["fetches"].add_column(column, str if column == "warc_file" else int)


# MIGRATIONS[n] takes an archive from version n to n + 1. Never edit a shipped step: add one.
MIGRATIONS: dict[int, Callable[[Database], None]] = {1: _hosts_and_version_causes,
                                                      2: _discovery,
                                                      3: _extraction_methods,
                                                      4: _warc_records}
