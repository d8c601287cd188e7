"""Reading the archive for people: find an article, list its versions, select, count.

Nothing here writes. User values always reach SQL as parameters; the one
exception is a `where` clause, which is the user's own SQL over their own
archive, run inside a single SELECT.
"""
from __future__ import annotations

import sqlite3
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any, Iterator

from ..errors import UsageError
from ..models import Article, WarcRef
from ..urls import normalize_url, redact
from .store import Archive

# Where a URL given by the user may be found, most specific first.
LOOKUP_COLUMNS = ("url", "final_url", "share_url", "canonical_url", "shortlink")


@dataclass
class StoredArticle:
    """An archived article: the extraction plus what the archive knows about it."""

    id: int
    url: str  # the archive key: the normalized URL it was fetched from
    final_url: str | None
    first_seen: str
    last_seen: str
    extractor_version: str | None
    content_sha256: str | None
    article: Article
    fetch_id: int | None = None  # the fetch the article was extracted from

    def to_record(self) -> dict[str, Any]:
        """The shape `scrape url --json` prints."""
        return self.article.to_record(self.url, self.final_url)


@dataclass
class Version:
    """One distinct content an article has had; number 1 is its first sighting."""

    number: int
    seen_at: str
    cause: str | None  # "fetch": the page changed; "reextract": the extractor did
    old_sha256: str | None
    new_sha256: str
    extractor_version: str | None
    title: str | None
    word_count: int
    fetch_id: int | None


@dataclass
class ArchiveStats:
    articles: int = 0
    sites: int = 0
    versions: int = 0
    changed_articles: int = 0  # articles whose page changed after it was first archived
    fetches: int = 0
    failed_fetches: int = 0
    failures_by_reason: dict[str, int] = field(default_factory=dict)
    bodies: int = 0
    body_bytes: int = 0  # raw pages, as fetched
    stored_bytes: int = 0  # the same, compressed
    extractor_versions: dict[str, int] = field(default_factory=dict)  # version -> articles
    first_fetch: str | None = None
    last_fetch: str | None = None


def find_article(archive: Archive, target: str) -> StoredArticle | None:
    """The article archived under `target`, or whose final, share, canonical or short URL it is."""
    candidates = [target, normalize_url(redact(target))]
    for column in LOOKUP_COLUMNS:
        row = next(archive.db.query(
            f"select * from articles where [{column}] in (?, ?) order by last_seen desc limit 1",
            candidates), None)
        if row is not None:
            return _stored(archive, row)
    return None


def capture_of(archive: Archive, article_id: int) -> WarcRef | None:
    """The WARC record of the response an article was last extracted from, if one is known."""
    row = archive.db.execute("""
        select f.warc_file, f.warc_offset, f.warc_length
        from articles a join fetches f on f.id = a.fetch_id
        where a.id = ? and f.warc_file is not null""", [article_id]).fetchone()
    return WarcRef(*row) if row is not None else None


def stored_articles(archive: Archive, *, where: str | None = None,
                    since: str | None = None) -> Iterator[StoredArticle]:
    """Articles in archive order, filtered by SQL over `articles` and a last-seen time."""
    clauses, params = [], []
    if where:
        clauses.append(f"({where}\n)")  # the newline ends a trailing -- comment
    if since:
        clauses.append("last_seen >= ?")
        params.append(since)
    sql = "select * from articles" + (" where " + " and ".join(clauses) if clauses else "")
    try:  # run now, not on first iteration, so a bad clause fails before any output
        cursor = archive.db.execute(sql + " order by id", params)
    except (sqlite3.Error, sqlite3.Warning) as exc:
        raise UsageError(f"invalid --where clause {where!r}: {exc}") from None
    columns = [d[0] for d in cursor.description]
    return (_stored(archive, dict(zip(columns, values))) for values in cursor)


def fetched_at(archive: Archive, fetch_id: int | None) -> str | None:
    """When a fetch was made (UTC ISO 8601), or None if the archive has no such fetch."""
    row = archive.db.execute("select fetched_at from fetches where id = ?", [fetch_id]).fetchone()
    return row[0] if row else None


def parse_since(text: str) -> str:
    """A date or time from the command line -> the archive's UTC timestamp format."""
    value = text.strip()
    if value.endswith(("Z", "z")):  # Python 3.10's fromisoformat does not read Z
        value = value[:-1] + "+00:00"
    try:
        when = datetime.fromisoformat(value)
    except ValueError:
        raise UsageError(f"--since: not a date: {text!r} "
                         "(give YYYY-MM-DD or an ISO 8601 time)") from None
    if when.tzinfo is None:
        when = when.replace(tzinfo=timezone.utc)
    return when.astimezone(timezone.utc).isoformat(timespec="seconds")


def versions(archive: Archive, article_id: int) -> list[Version]:
    rows = archive.db.execute("""
        select seen_at, cause, old_sha256, new_sha256, extractor_version, title, body_text,
               fetch_id
        from article_versions where article_id = ? order by id""", [article_id])
    return [Version(number, seen_at, cause, old, new, extractor, title, len((body or "").split()),
                    fetch_id)
            for number, (seen_at, cause, old, new, extractor, title, body, fetch_id)
            in enumerate(rows, start=1)]


def archive_stats(archive: Archive) -> ArchiveStats:
    db = archive.db

    def one(sql: str) -> Any:
        return db.execute(sql).fetchone()[0]

    fetches = db.execute("""
        select count(*), sum(error is not null), count(distinct host), min(fetched_at),
               max(fetched_at)
        from fetches""").fetchone()
    bodies = db.execute("select count(*), sum(size), sum(length(html)) from bodies").fetchone()
    return ArchiveStats(
        articles=one("select count(*) from articles"),
        sites=fetches[2],
        versions=one("select count(*) from article_versions"),
        changed_articles=one("select count(*) from changed_articles"),
        fetches=fetches[0],
        failed_fetches=fetches[1] or 0,
        failures_by_reason=dict(db.execute("""
            select coalesce(error_kind, 'unknown'), count(*) from fetches
            where error is not null group by 1 order by 2 desc, 1""").fetchall()),
        bodies=bodies[0],
        body_bytes=bodies[1] or 0,
        stored_bytes=bodies[2] or 0,
        extractor_versions=dict(db.execute("""
            select coalesce(extractor_version, 'unknown'), count(*) from articles
            group by 1 order by 2 desc, 1""").fetchall()),
        first_fetch=fetches[3],
        last_fetch=fetches[4],
    )


def _stored(archive: Archive, row: dict) -> StoredArticle:
    return StoredArticle(id=row["id"], url=row["url"], final_url=row["final_url"],
                         first_seen=row["first_seen"], last_seen=row["last_seen"],
                         extractor_version=row["extractor_version"],
                         content_sha256=row["content_sha256"],
                         article=archive.article_from_row(row), fetch_id=row["fetch_id"])
