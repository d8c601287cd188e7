"""The archive: FetchResult + Article -> normalized rows in SQLite, and back.

One Archive owns one connection and is the only writer. Each page is written
in its own savepoint, so one bad row (a blob SQLite refuses, say) is rolled
back alone and never takes the rest of a batch with it. Nothing here fetches
or parses.

History: every fetch stays a row. An article row holds the latest extraction;
`article_versions` gets a row whenever its content hash (title + body) differs
from the one archived, the first sighting included, so an unchanged refetch
adds none. The raw page is kept, compressed and once per distinct body, so a
better extractor can rebuild every article without fetching again.
"""
from __future__ import annotations

import functools
import hashlib
import json
import os
import sqlite3
import threading
import zlib
from dataclasses import dataclass, replace
from datetime import datetime, timezone
from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING, Callable, ClassVar, Iterable

import zstandard

from ..errors import ArchiveError, ArchiveLocked
from ..extract import EXTRACTOR_VERSION
from ..models import Article, CommentForm, FetchResult, FormField, Link
from ..urls import host_of, normalize_url, redact
from .schema import ensure_schema
from .transactions import writing

if TYPE_CHECKING:  # (imported for type hints only: see scraper/crawl/writer.py)
    from sqlite_utils import Database

# Seconds a writer waits for another process's lock before giving up
# (SCRAPE_LOCK_TIMEOUT overrides it, for every command and its writer process).
DEFAULT_LOCK_TIMEOUT = 30.0


def configured_lock_timeout() -> float:
    try:
        return max(0.0, float(os.environ.get("SCRAPE_LOCK_TIMEOUT", DEFAULT_LOCK_TIMEOUT)))
    except ValueError:
        return DEFAULT_LOCK_TIMEOUT


def now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


@dataclass
class Saved:
    """What writing one page did."""

    fetch_id: int
    article_id: int | None = None
    created: bool = False  # a new article row
    changed: bool = False  # its content differs from what was archived


@dataclass
class StoredPage:
    """The raw page an article was last extracted from."""

    article_id: int
    fetch_id: int | None
    url: str  # the URL it was extracted as: where the fetch ended, else the archive key
    content_type: str | None
    body: bytes | None  # None when the page was not kept


class Reextracted(str, Enum):
    """What re-extracting one article did."""

    UNCHANGED = "unchanged"  # same result: only the extractor version is recorded
    CHANGED = "changed"  # links, form or metadata differ; title and body do not
    NEW_VERSION = "new_version"  # title or body differ: a version row was recorded
    SUPERSEDED = "superseded"  # refetched meanwhile: the fresher row stands


class Archive:
    def __init__(self, path: str | Path, *, lock_timeout: float | None = None) -> None:
        self.path = Path(path)
        if not self.path.parent.exists():
            raise ArchiveError(f"cannot create archive {self.path}: folder "
                               f"{self.path.parent} does not exist")
        try:
            conn = sqlite3.connect(str(self.path), isolation_level=None,
                                   timeout=configured_lock_timeout() if lock_timeout is None
                                   else lock_timeout)
            from sqlite_utils import Database  # here: see the note by the imports

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

    def save(self, fetch: FetchResult, article: Article | None,
             packed: PackedBody | None = None) -> Saved:
        """Record one fetch and, when it gave a page, its article. One transaction.

        An article is stored only with the body it came from, so it can always be
        re-extracted; a 304 (not modified) marks the archived copy as seen again.
        """
        try:
            with writing(self.db):
                return self._save(fetch, article, packed)
        except sqlite3.OperationalError as exc:
            raise _archive_error(self.path, exc) from None

    def _save(self, fetch: FetchResult, article: Article | None,
              packed: PackedBody | None, counted: Counted | None = None) -> Saved:
        if packed is None and fetch.ok and fetch.body:
            packed = PackedBody.of(fetch.body)
        fetch_id = self._insert_fetch(fetch, packed if fetch.ok else None)
        saved = Saved(fetch_id=fetch_id)
        if article is not None and fetch.ok and packed is not None:
            saved = self._upsert_article(fetch, article, fetch_id, counted)
        elif fetch.not_modified:
            self.db.execute("update articles set last_seen = ? where url = ?",
                            [now(), _key(fetch.url)])
        return saved

    # -- reading back --------------------------------------------------------

    def article(self, article_id: int) -> Article | None:
        """The archived extraction of one article, as the extractor returned it."""
        row = next(self.db.query("select * from articles where id = ?", [article_id]), None)
        return None if row is None else self.article_from_row(row)

    def article_from_row(self, row: dict) -> Article:
        """The Article behind an `articles` row: its links, authors, tags and form joined in."""
        db = self.db
        article_id = row["id"]
        links = [Link(kind, href, title) for kind, href, title in db.execute(
            "select kind, href, title from links where article_id = ? order by position",
            [article_id])]
        authors = [r[0] for r in db.execute(
            "select name from authors where article_id = ? order by position", [article_id])]
        tags = [r[0] for r in db.execute(
            "select tag from tags where article_id = ? order by position", [article_id])]
        return Article(
            url=row["final_url"] or row["url"], title=row["title"],
            body_text=row["body_text"] or "", extraction_method=row.get("extraction_method"),
            share_url=row["share_url"],
            canonical_url=row["canonical_url"], shortlink=row["shortlink"], authors=authors,
            published=row["published"], modified=row["modified"], language=row["language"],
            site_name=row["site_name"], description=row["description"], tags=tags,
            image=row["image"], links=links, comment_form=self._comment_form(article_id))

    def _comment_form(self, article_id: int) -> CommentForm | None:
        form = next(self.db.query("select * from comment_forms where article_id = ?",
                                  [article_id]), None)
        if form is None:
            return None
        fields, hidden = [], {}
        for f in self.db.query("select * from form_fields where form_id = ? order by position",
                               [form["id"]]):
            if f["hidden"]:
                hidden[f["name"]] = f["value"]
            else:
                fields.append(FormField(f["name"], f["type"], f["label"], bool(f["required"])))
        return CommentForm(action=form["action"], method=form["method"], fields=fields,
                           hidden=hidden, notes=form["notes"], submit=form["submit"],
                           html_id=form["html_id"], title=form["title"])

    # -- re-extraction -------------------------------------------------------

    def article_ids(self, *, other_extractor_than: str | None = None) -> list[int]:
        """Every article id, or those last extracted by an extractor other than the one named."""
        if other_extractor_than is None:
            rows = self.db.execute("select id from articles order by id")
        else:
            rows = self.db.execute("select id from articles where extractor_version is not ? "
                                   "order by id", [other_extractor_than])
        return [r[0] for r in rows]

    def stored_pages(self, article_ids: list[int]) -> list[StoredPage]:
        """The raw page behind each article, decompressed, in the order given."""
        marks = ", ".join("?" * len(article_ids))
        rows = self.db.execute(f"""
            select a.id, a.fetch_id, coalesce(f.final_url, a.final_url, a.url), f.content_type,
                   b.html, b.compression
            from articles a
            left join fetches f on f.id = a.fetch_id
            left join bodies b on b.sha256 = f.body_sha256
            where a.id in ({marks})""", article_ids).fetchall()
        pages = {row[0]: StoredPage(row[0], row[1], row[2], row[3],
                                    None if row[4] is None else unpack_body(row[4], row[5]))
                 for row in rows}
        return [pages[i] for i in article_ids if i in pages]

    def save_reextraction(self, extractions: list[tuple[StoredPage, Article]],
                          extractor_version: str) -> list[Reextracted]:
        """Store fresh extractions of stored pages, all in one transaction."""
        try:
            with writing(self.db):
                return [self._reextracted(page, article, extractor_version)
                        for page, article in extractions]
        except sqlite3.OperationalError as exc:
            raise _archive_error(self.path, exc) from None

    def _reextracted(self, page: StoredPage, article: Article, version: str) -> Reextracted:
        row = next(self.db.query("select * from articles where id = ?", [page.article_id]), None)
        if row is None or row["fetch_id"] != page.fetch_id:
            return Reextracted.SUPERSEDED
        if replace(self.article_from_row(row), url=article.url) == article:
            self._update("articles", page.article_id, {"extractor_version": version})
            return Reextracted.UNCHANGED
        content = _content_row(article, version)
        self._update("articles", page.article_id, content)
        new_version = self._record_content(page.article_id, page.fetch_id, article,
                                           content["content_sha256"], row["content_sha256"],
                                           "reextract", version, now())
        return Reextracted.NEW_VERSION if new_version else Reextracted.CHANGED

    # -- writing pages -------------------------------------------------------

    def _insert_fetch(self, fetch: FetchResult, packed: PackedBody | None) -> int:
        body_sha = None
        if packed is not None:
            body_sha = packed.sha256
            self.db.conn.execute(  # a body already kept (same digest) is kept once
                "insert or ignore into bodies (sha256, html, compression, size, stored_at) "
                "values (?, ?, ?, ?, ?)",
                [body_sha, packed.data, PackedBody.COMPRESSION, packed.size, now()])
        url = _key(fetch.url)
        warc = fetch.warc
        return self._insert("fetches", {
            "url": url,
            "host": host_of(url) or None,
            "final_url": redact(fetch.final_url) if fetch.final_url else None,
            "status": fetch.status,
            "content_type": fetch.content_type,
            "encoding": fetch.encoding,
            "bytes": packed.size if packed is not None else (len(fetch.body) or None),
            "elapsed_ms": fetch.elapsed_ms,
            "attempts": fetch.attempts,
            "fetched_at": fetch.fetched_at or now(),
            "error_kind": fetch.error_kind,
            "error": fetch.error,
            "not_modified": int(fetch.not_modified),
            "etag": fetch.headers.get("etag"),
            "last_modified": fetch.headers.get("last-modified"),
            "headers": json.dumps(fetch.headers, ensure_ascii=False) if fetch.headers else None,
            "body_sha256": body_sha,
            "warc_file": warc.file if warc else None,
            "warc_offset": warc.offset if warc else None,
            "warc_length": warc.length if warc else None,
        })

    def _upsert_article(self, fetch: FetchResult, article: Article, fetch_id: int,
                        counted: Counted | None = None) -> Saved:
        url = _key(fetch.url)
        seen = fetch.fetched_at or now()
        existing = next(self.db.query(
            "select id, content_sha256, first_seen, last_seen from articles where url = ?",
            [url]), None)
        if existing is not None and fetch.fetched_at and existing["last_seen"] > seen:
            # An older capture (a WARC imported late) never replaces a newer page: its fetch
            # and body are kept, and the article was seen that early.
            if seen < existing["first_seen"]:
                self._update("articles", existing["id"], {"first_seen": seen})
            return Saved(fetch_id=fetch_id, article_id=existing["id"])
        row = {
            "url": url,
            "host": host_of(url) or None,
            "final_url": redact(fetch.final_url) if fetch.final_url else None,
            **_content_row(article, EXTRACTOR_VERSION, counted),
            "last_seen": seen,
            "fetch_id": fetch_id,
        }
        if existing is None:
            article_id = self._insert("articles", {**row, "first_seen": seen})
            old_sha = None
        else:
            article_id = existing["id"]
            old_sha = existing["content_sha256"]
            self._update("articles", article_id, row)
        changed = self._record_content(article_id, fetch_id, article, row["content_sha256"],
                                       old_sha, "fetch", EXTRACTOR_VERSION, seen,
                                       fresh=existing is None)
        return Saved(fetch_id=fetch_id, article_id=article_id, created=existing is None,
                     changed=changed)

    def _record_content(self, article_id: int, fetch_id: int | None, article: Article,
                        new_sha: str, old_sha: str | None, cause: str, version: str, seen: str,
                        *, fresh: bool = False) -> bool:
        """Version the article if its content moved (`new_sha` is its content_sha256), and
        replace its children. True if it moved."""
        changed = old_sha != new_sha
        if changed:
            self._insert("article_versions", {
                "article_id": article_id, "fetch_id": fetch_id, "seen_at": seen,
                "cause": cause, "old_sha256": old_sha, "new_sha256": new_sha,
                "extractor_version": version, "title": article.title,
                "body_text": article.body_text})
        self._replace_children(article_id, article, fresh=fresh)
        return changed

    def _replace_children(self, article_id: int, article: Article, *, fresh: bool) -> None:
        """Links, authors, tags and the form describe the latest page: replace, never append.
        (A `fresh` article, inserted just now, has nothing to replace.)"""
        db = self.db
        if not fresh:
            for table in ("links", "authors", "tags"):
                db.execute(f"delete from [{table}] where article_id = ?", [article_id])
            form_ids = [r[0] for r in db.execute(
                "select id from comment_forms where article_id = ?", [article_id]).fetchall()]
            for form_id in form_ids:
                db.execute("delete from form_fields where form_id = ?", [form_id])
            db.execute("delete from comment_forms where article_id = ?", [article_id])

        self._insert_all("links", (
            {"article_id": article_id, "kind": link.kind, "position": position,
             "href": link.href, "title": link.title}
            for position, link in enumerate(article.links)))
        self._insert_all("authors", (
            {"article_id": article_id, "position": position, "name": name}
            for position, name in enumerate(article.authors)))
        self._insert_all("tags", (
            {"article_id": article_id, "position": position, "tag": tag}
            for position, tag in enumerate(article.tags)))
        form = article.comment_form
        if form is None:
            return
        form_id = self._insert("comment_forms", {
            "article_id": article_id, "action": form.action, "method": form.method,
            "html_id": form.html_id, "title": form.title, "notes": form.notes,
            "submit": form.submit})
        rows = [{"form_id": form_id, "name": f.name, "type": f.type, "label": f.label,
                 "required": int(f.required), "hidden": 0, "value": None}
                for f in form.fields]
        rows += [{"form_id": form_id, "name": name, "type": "hidden", "label": None,
                  "required": 0, "hidden": 1, "value": value}
                 for name, value in form.hidden.items()]
        self._insert_all("form_fields", (
            {**row, "position": position} for position, row in enumerate(rows)))

    # Plain SQL on the write path: sqlite-utils' insert() inspects the schema on every call,
    # which cost four times the extraction of the page. Table and column names here come
    # from this module, never from page data.

    def _insert(self, table: str, row: dict) -> int:
        return self.db.conn.execute(_insert_sql(table, tuple(row)),
                                    list(row.values())).lastrowid

    def _insert_all(self, table: str, rows: Iterable[dict]) -> None:
        rows = list(rows)
        if rows:
            self.db.conn.executemany(_insert_sql(table, tuple(rows[0])),
                                     [list(row.values()) for row in rows])

    def _update(self, table: str, row_id: int, values: dict) -> None:
        assignments = ", ".join(f"[{c}] = ?" for c in values)
        self.db.conn.execute(f"update [{table}] set {assignments} where id = ?",
                             [*values.values(), row_id])

    def save_batch(self, pages: list[PageWrite]) -> list[Saved | None | sqlite3.Error]:
        """Write many pages in one transaction; a page SQLite refuses is refused alone.

        A page SQLite refuses (a blob over its limit, a broken constraint) comes
        back as its exception; the others are kept. Each page's `also` is written
        with its page (the queue state): both commit or neither. Returns, per page,
        what `save` did (None when there was no fetch to save).

        The batch is first written whole; only when a page is refused is it rolled
        back and written again page by page, each in its own savepoint. (A savepoint
        per page on every batch made the full-text index flush one tiny segment per
        page: measured, a third of the writer's time.)
        """
        try:
            with writing(self.db):
                try:
                    with self.db.atomic():
                        return [self._save_page(page) for page in pages]
                except (sqlite3.DataError, sqlite3.IntegrityError):
                    pass
                outcomes: list[Saved | None | sqlite3.Error] = []
                for page in pages:
                    try:
                        with self.db.atomic():
                            outcomes.append(self._save_page(page))
                    except (sqlite3.DataError, sqlite3.IntegrityError) as exc:
                        outcomes.append(exc)
                return outcomes
        except sqlite3.OperationalError as exc:
            raise _archive_error(self.path, exc) from None

    def _save_page(self, page: PageWrite) -> Saved | None:
        saved = (self._save(page.fetch, page.article, page.packed, page.counted)
                 if page.fetch else None)
        if page.also is not None:
            page.also(self.db, saved)
        return saved


@functools.lru_cache(maxsize=64)
def _insert_sql(table: str, columns: tuple[str, ...]) -> str:
    """The statement inserting `columns` into `table`, made once: building it for each row
    cost the writer about as much as a tenth of its SQL. (The names come from this module:
    a handful of statements in all.)"""
    names = ", ".join(f"[{c}]" for c in columns)
    return f"insert into [{table}] ({names}) values ({', '.join('?' * len(columns))})"


def _content_row(article: Article, extractor_version: str,
                 counted: Counted | None = None) -> dict:
    """The article columns that come from extraction (the rest come from fetching)."""
    counted = counted or Counted.of(article)
    return {
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
        "extraction_method": article.extraction_method,
        "word_count": counted.word_count,
        "content_sha256": counted.content_sha256,
        "extractor_version": extractor_version,
    }


def unpack_body(data: bytes, compression: str | None) -> bytes:
    """A stored body as it was fetched: zstd, or zlib in archives written by older versions."""
    if compression == "zstd":
        return _zstd().unpack.decompress(data)
    if compression == "zlib":
        return zlib.decompress(data)
    return data

@dataclass
class PageWrite:
    """One page for `Archive.save_batch`: its fetch (None when nothing was fetched),
    its article, and what else to record with it in the same savepoint."""

    fetch: FetchResult | None
    article: Article | None = None
    also: Callable[[Database, Saved | None], None] | None = None
    packed: PackedBody | None = None  # the fetch's body, packed already (its body may be gone)
    counted: Counted | None = None  # the article's, worked out already


@dataclass(frozen=True)
class Counted:
    """What the archive works out from an article's whole text, besides storing it.

    Worked out where the article was extracted (an extraction process): in the one
    writer, splitting and hashing the text of every page cost about a tenth of its time.
    """

    word_count: int
    content_sha256: str

    @classmethod
    def of(cls, article: Article) -> "Counted":
        return cls(article.word_count, article.content_sha256)


@dataclass(frozen=True)
class PackedBody:
    """A page's bytes as the archive keeps them: zstd-compressed, with digest and size.

    Packing is done wherever a core is free (an extraction process), and the writer
    only stores the result. zstd level 1 packs as small as zlib level 4 did, four to
    five times faster (the benchmark's real news pages, 154 kB on average: 0.56 ms
    a page against 2.6, both to 21%; zstd level 3: 0.66 ms, to 20%). Bodies packed
    with zlib by older versions stay readable (`bodies.compression` says which).
    """

    sha256: str
    data: bytes
    size: int

    COMPRESSION: ClassVar[str] = "zstd"

    @classmethod
    def of(cls, body: bytes) -> "PackedBody":
        return cls(hashlib.sha256(body).hexdigest(), _zstd().pack.compress(body), len(body))

    def unpack(self) -> bytes:
        return unpack_body(self.data, self.COMPRESSION)


# One of each per thread: a (de)compressor keeps its buffers from one page to the next,
# and two threads using one at once corrupt what it makes (a Dask worker prepares pages in
# two threads).
_ZSTD = threading.local()


def _zstd():
    if not hasattr(_ZSTD, "pack"):
        _ZSTD.pack = zstandard.ZstdCompressor(level=1)
        _ZSTD.unpack = zstandard.ZstdDecompressor()
    return _ZSTD


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
