"""The archive's shape, declared as data: tables, indexes, full-text search, views.

`ensure_schema()` runs on every open. It creates what is missing and migrates
an older archive forward, step by step, recording the version in
`PRAGMA user_version`. Steps are forward-only and never drop user data.
"""
from __future__ import annotations

from typing import Callable

from sqlite_utils import Database

from .errors import ArchiveTooNew

SCHEMA_VERSION = 2

# name -> (columns, options). Columns are in the order a reader wants to see them.
TABLES: dict[str, tuple[dict[str, type], dict]] = {
    "bodies": (
        {"sha256": str, "html": bytes, "compression": str, "size": int, "stored_at": str},
        {"pk": "sha256", "not_null": {"html"}},
    ),
    "fetches": (
        {"id": int, "url": str, "final_url": str, "status": int, "content_type": str,
         "encoding": str, "bytes": int, "elapsed_ms": int, "attempts": int, "fetched_at": str,
         "error_kind": str, "error": str, "not_modified": int, "etag": str,
         "last_modified": str, "headers": str, "body_sha256": str},
        {"pk": "id", "not_null": {"url", "fetched_at"},
         "foreign_keys": [("body_sha256", "bodies", "sha256")]},
    ),
    "articles": (
        {"id": int, "url": str, "final_url": str, "share_url": str, "canonical_url": str,
         "shortlink": str, "title": str, "author": str, "published": str, "modified": str,
         "language": str, "site_name": str, "description": str, "image": str,
         "body_text": str, "word_count": int, "content_sha256": str,
         "extractor_version": str, "first_seen": str, "last_seen": str, "fetch_id": int},
        {"pk": "id", "not_null": {"url"}, "foreign_keys": [("fetch_id", "fetches", "id")]},
    ),
    "article_versions": (
        {"id": int, "article_id": int, "fetch_id": int, "seen_at": str, "old_sha256": str,
         "new_sha256": str, "title": str, "body_text": str},
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
         "host": str},  # the crawler reads each host's pending URLs on their own
        {"pk": "url", "not_null": {"state"}, "foreign_keys": [("fetch_id", "fetches", "id")]},
    ),
}

# (table, columns, unique)
INDEXES: list[tuple[str, list[str], bool]] = [
    ("articles", ["url"], True),
    ("articles", ["share_url"], False),
    ("articles", ["published"], False),
    ("fetches", ["url"], False),
    ("fetches", ["body_sha256"], False),
    ("article_versions", ["article_id"], False),
    ("links", ["article_id", "kind", "position"], False),
    ("comment_forms", ["article_id"], True),
    ("form_fields", ["form_id", "position"], False),
    ("queue", ["state"], False),
    ("queue", ["state", "host"], False),
]

FTS: dict[str, list[str]] = {"articles": ["title", "body_text"]}

VIEWS: dict[str, str] = {
    "article_navigation": """
        select a.id as article_id, a.url, a.title,
               p.title as prev_title, p.href as prev_url,
               n.title as next_title, n.href as next_url
        from articles a
        left join links p on p.article_id = a.id and p.kind = 'prev'
        left join links n on n.article_id = a.id and n.kind = 'next'
    """,
    "failed_fetches": """
        select f.id as fetch_id, f.url, f.status, f.error_kind, f.error, f.attempts, f.fetched_at
        from fetches f
        where f.error is not null
        order by f.id desc
    """,
}


def ensure_schema(db: Database) -> None:
    """Bring `db` to SCHEMA_VERSION: create what is missing, run pending migrations."""
    version = db.execute("pragma user_version").fetchone()[0]
    if version > SCHEMA_VERSION:
        raise ArchiveTooNew(
            f"archive schema version {version} is newer than this scraper understands "
            f"({SCHEMA_VERSION}); upgrade scraper")
    with db.atomic():
        for step in range(version, SCHEMA_VERSION):
            MIGRATIONS[step](db)
        _ensure_shape(db)
        db.execute(f"pragma user_version = {SCHEMA_VERSION}")


def _ensure_shape(db: Database) -> None:
    for name, (columns, options) in TABLES.items():
        db[name].create(columns, if_not_exists=True, **options)
    for table, columns, unique in INDEXES:
        db[table].create_index(columns, unique=unique, if_not_exists=True)
    for table, columns in FTS.items():
        if not db[table].detect_fts():
            db[table].enable_fts(columns, create_triggers=True, tokenize="unicode61")
    for name, sql in VIEWS.items():
        db.create_view(name, sql, replace=True)


def _initial(db: Database) -> None:
    """Version 0 -> 1: a new archive; _ensure_shape creates everything."""


def _queue_hosts(db: Database) -> None:
    """Version 1 -> 2: the queue knows each URL's host, so a crawl reads it host by host."""
    if not db["queue"].exists() or "host" in db["queue"].columns_dict:
        return
    from .urls import host_of

    db["queue"].add_column("host", str)
    rows = db.execute("select rowid, url from queue").fetchall()
    db.conn.executemany("update queue set host = ? where rowid = ?",
                        [(host_of(url), rowid) for rowid, url in rows])


# MIGRATIONS[n] takes an archive from version n to n + 1.
MIGRATIONS: list[Callable[[Database], None]] = [_initial, _queue_hosts]
