"""The archive: FetchResult + Article -> normalized rows in SQLite.

One Archive owns one connection and is the only writer. Each page is written
in its own savepoint, so one bad row (a blob SQLite refuses, say) is rolled
back alone and never takes the rest of a batch with it. Nothing here fetches
or parses.
"""
from __future__ import annotations

import json
import sqlite3
import zlib
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Callable

from sqlite_utils import Database

from .errors import ArchiveError, ArchiveLocked
from .extract import EXTRACTOR_VERSION
from .models import Article, FetchResult
from .schema import ensure_schema
from .urls import normalize_url, redact

# Seconds a writer waits for another process's lock before giving up.
DEFAULT_LOCK_TIMEOUT = 30.0


def now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


@dataclass
class Saved:
    """What writing one page did."""

    fetch_id: int
    article_id: int | None = None
    created: bool = False  # a new article row
    changed: bool = False  # its content differs from what was archived


class Archive:
    def __init__(self, path: str | Path, *, lock_timeout: float = DEFAULT_LOCK_TIMEOUT) -> None:
        self.path = Path(path)
        if not self.path.parent.exists():
            raise ArchiveError(f"cannot create archive {self.path}: folder "
                               f"{self.path.parent} does not exist")
        try:
            conn = sqlite3.connect(str(self.path), timeout=lock_timeout, isolation_level=None)
            self.db = Database(conn)
            self.db.execute("pragma foreign_keys = on")
            self.db.execute("pragma journal_mode = wal")
            self.db.execute("pragma synchronous = normal")
            ensure_schema(self.db)
        except sqlite3.OperationalError as exc:
            raise _archive_error(self.path, exc) from None
        except sqlite3.DatabaseError as exc:
            raise ArchiveError(f"{self.path} is not a scraper archive (not an SQLite database: "
                               f"{exc})") from None

    def close(self) -> None:
        self.db.close()

    def __enter__(self) -> "Archive":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    # -- writing -----------------------------------------------------------

    def save(self, fetch: FetchResult, article: Article | None) -> Saved:
        """Record one fetch and, when it gave a page, its article. One transaction."""
        try:
            with self.db.atomic():
                fetch_id = self._insert_fetch(fetch)
                saved = Saved(fetch_id=fetch_id)
                if article is not None and fetch.ok:
                    saved = self._upsert_article(fetch, article, fetch_id)
                return saved
        except sqlite3.OperationalError as exc:
            raise _archive_error(self.path, exc) from None

    def _insert_fetch(self, fetch: FetchResult) -> int:
        body_sha = None
        if fetch.body and fetch.ok:
            body_sha = fetch.body_sha256
            if not self.db["bodies"].count_where("sha256 = ?", [body_sha]):
                self.db["bodies"].insert({
                    "sha256": body_sha, "html": zlib.compress(fetch.body, 6),
                    "compression": "zlib", "size": len(fetch.body), "stored_at": now()})
        return self.db["fetches"].insert({
            "url": _key(fetch.url),
            "final_url": redact(fetch.final_url) if fetch.final_url else None,
            "status": fetch.status,
            "content_type": fetch.content_type,
            "encoding": fetch.encoding,
            "bytes": len(fetch.body) if fetch.body else None,
            "elapsed_ms": fetch.elapsed_ms,
            "attempts": fetch.attempts,
            "fetched_at": now(),
            "error_kind": fetch.error_kind,
            "error": fetch.error,
            "not_modified": int(fetch.not_modified),
            "etag": fetch.headers.get("etag"),
            "last_modified": fetch.headers.get("last-modified"),
            "headers": json.dumps(fetch.headers, ensure_ascii=False) if fetch.headers else None,
            "body_sha256": body_sha,
        }).last_pk

    def _upsert_article(self, fetch: FetchResult, article: Article, fetch_id: int) -> Saved:
        url = _key(fetch.url)
        seen = now()
        existing = next(self.db.query(
            "select id, content_sha256 from articles where url = ?", [url]), None)
        content_sha = article.content_sha256
        row = {
            "url": url,
            "final_url": redact(fetch.final_url) if fetch.final_url else None,
            "share_url": article.share_url,
            "canonical_url": article.canonical_url,
            "shortlink": article.shortlink,
            "title": article.title,
            "author": article.author,
            "published": article.published,
            "modified": article.modified,
            "language": article.language,
            "site_name": article.site_name,
            "description": article.description,
            "image": article.image,
            "body_text": article.body_text,
            "word_count": article.word_count,
            "content_sha256": content_sha,
            "extractor_version": EXTRACTOR_VERSION,
            "last_seen": seen,
            "fetch_id": fetch_id,
        }
        if existing is None:
            article_id = self.db["articles"].insert({**row, "first_seen": seen}).last_pk
            old_sha = None
        else:
            article_id = existing["id"]
            old_sha = existing["content_sha256"]
            self.db["articles"].update(article_id, row)
        changed = old_sha != content_sha
        if changed:
            self.db["article_versions"].insert({
                "article_id": article_id, "fetch_id": fetch_id, "seen_at": seen,
                "old_sha256": old_sha, "new_sha256": content_sha,
                "title": article.title, "body_text": article.body_text})
        self._replace_children(article_id, article)
        return Saved(fetch_id=fetch_id, article_id=article_id, created=existing is None,
                     changed=changed)

    def _replace_children(self, article_id: int, article: Article) -> None:
        """Links, authors, tags and the form describe the latest page: replace, never append."""
        db = self.db
        for table in ("links", "authors", "tags"):
            db.execute(f"delete from [{table}] where article_id = ?", [article_id])
        form_ids = [r[0] for r in db.execute(
            "select id from comment_forms where article_id = ?", [article_id]).fetchall()]
        for form_id in form_ids:
            db.execute("delete from form_fields where form_id = ?", [form_id])
        db.execute("delete from comment_forms where article_id = ?", [article_id])

        db["links"].insert_all(
            {"article_id": article_id, "kind": link.kind, "position": position,
             "href": link.href, "title": link.title}
            for position, link in enumerate(article.links))
        db["authors"].insert_all(
            {"article_id": article_id, "position": position, "name": name}
            for position, name in enumerate(article.authors))
        db["tags"].insert_all(
            {"article_id": article_id, "position": position, "tag": tag}
            for position, tag in enumerate(article.tags))
        form = article.comment_form
        if form is None:
            return
        form_id = db["comment_forms"].insert({
            "article_id": article_id, "action": form.action, "method": form.method,
            "html_id": form.html_id, "title": form.title, "notes": form.notes,
            "submit": form.submit}).last_pk
        rows = [{"form_id": form_id, "name": f.name, "type": f.type, "label": f.label,
                 "required": int(f.required), "hidden": 0, "value": None}
                for f in form.fields]
        rows += [{"form_id": form_id, "name": name, "type": "hidden", "label": None,
                  "required": 0, "hidden": 1, "value": value}
                 for name, value in form.hidden.items()]
        db["form_fields"].insert_all(
            {**row, "position": position} for position, row in enumerate(rows))

    def save_batch(self, pages: list[PageWrite]) -> list[Saved | None | sqlite3.Error]:
        """Write many pages in one transaction, each in its own savepoint.

        A page SQLite refuses (a blob over its limit, a broken constraint) is
        rolled back alone and comes back as its exception; the others are kept.
        Each page's `also` runs inside that page's savepoint, so whatever it
        records (the queue state) commits with the page or not at all. Returns,
        per page, what `save` did (None when there was no fetch to save).
        """
        outcomes: list[Saved | None | sqlite3.Error] = []
        try:
            with self.db.atomic():
                for page in pages:
                    try:
                        with self.db.atomic():
                            saved = self.save(page.fetch, page.article) if page.fetch else None
                            if page.also is not None:
                                page.also(self.db, saved)
                        outcomes.append(saved)
                    except (sqlite3.DataError, sqlite3.IntegrityError) as exc:
                        outcomes.append(exc)
        except sqlite3.OperationalError as exc:
            raise _archive_error(self.path, exc) from None
        return outcomes


@dataclass
class PageWrite:
    """One page for `Archive.save_batch`: its fetch (None when nothing was fetched),
    its article, and what else to record with it in the same savepoint."""

    fetch: FetchResult | None
    article: Article | None = None
    also: Callable[[Database, Saved | None], None] | None = None


def _key(url: str) -> str:
    """Archive key for a fetched URL; local file URIs are kept as they are."""
    return normalize_url(redact(url))


def _archive_error(path: Path, exc: sqlite3.OperationalError) -> ArchiveError:
    message = str(exc)
    if "locked" in message or "busy" in message:
        return ArchiveLocked(f"archive {path} is locked by another process (still busy after "
                             "waiting); try again when it has finished")
    if "readonly" in message or "read-only" in message:
        return ArchiveError(f"archive {path} is read-only")
    if "unable to open" in message:
        return ArchiveError(f"cannot open archive {path}: {message}")
    return ArchiveError(f"archive {path}: {message}")
