"""Schema versions: every archive an earlier release wrote opens, migrated forward, intact.

Each shipped version has a fixture in tests/fixtures/archive-vN.sql: the schema
exactly as that release created it (from sqlite_master) plus rows it wrote.
A new schema version must add its predecessor's fixture here.
"""
from __future__ import annotations

import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from archiving import FIXTURES, SEED_URL, archive_page, seed
from sqlite_utils import Database

from scraper.archive.reextract import reextract
from scraper.archive.schema import SCHEMA_VERSION
from scraper.archive.store import Archive
from scraper.errors import ArchiveTooNew

SHIPPED = {1: FIXTURES / "archive-v1.sql", 2: FIXTURES / "archive-v2.sql",
           3: FIXTURES / "archive-v3.sql", 4: FIXTURES / "archive-v4.sql"}


def test_every_earlier_version_has_a_fixture():
    assert sorted(SHIPPED) == list(range(1, SCHEMA_VERSION))


def old_archive(path: Path, version: int) -> Path:
    conn = sqlite3.connect(path)
    conn.executescript(SHIPPED[version].read_text("utf-8"))
    conn.close()
    return path


def shape(path: Path) -> dict:
    """Tables with their column names and foreign keys, index columns, views: what users query."""
    db = Database(path)
    tables = {t.name: (sorted(t.columns_dict),
                       sorted((k.column, k.other_table, k.other_column) for k in t.foreign_keys))
              for t in db.tables}
    indexes = {(t.name, tuple(i.columns), bool(i.unique)) for t in db.tables for i in t.indexes}
    triggers = {t.name for t in db.triggers}
    return {"tables": tables, "indexes": indexes, "triggers": triggers,
            "views": {v.name: v.schema for v in db.views}}


@pytest.mark.parametrize("version", sorted(SHIPPED))
def test_an_old_archive_migrates_to_the_current_shape(tmp_path, version):
    old = old_archive(tmp_path / "old.db", version)
    before = {t: Database(old)[t].count for t in ("articles", "fetches", "article_versions",
                                                  "links", "form_fields", "bodies")}
    Archive(old).close()
    Archive(tmp_path / "new.db").close()
    assert shape(old) == shape(tmp_path / "new.db")
    db = Database(old)
    assert db.execute("pragma user_version").fetchone()[0] == SCHEMA_VERSION
    assert {t: db[t].count for t in before} == before  # nothing lost
    assert db.execute("pragma integrity_check").fetchall() == [("ok",)]
    assert db.execute("pragma foreign_key_check").fetchall() == []


def test_a_migrated_v1_archive_is_complete_and_keeps_working(tmp_path):
    path = old_archive(tmp_path / "archive.db", 1)
    with Archive(path) as archive:
        db = archive.db
        assert {r["host"] for r in db.query("select host from fetches")} == {"dennik-sever.example"}
        assert [r["host"] for r in db.query("select host from articles")] == ["dennik-sever.example"]
        # version 1 recorded only fetched versions; which extractor made them is unknown
        assert [(r["cause"], r["extractor_version"]) for r in db.query(
            "select cause, extractor_version from article_versions order by id")] == \
            [("fetch", None), ("fetch", None)]
        assert [r["url"] for r in db["articles"].search("Kolesnikov")] == [SEED_URL]
        assert [r["reason"] for r in db.query("select reason from failed_fetches")] == ["http_status"]
        assert list(db.query("select articles, fetches from sites")) == [
            {"articles": 1, "fetches": 3}]
        # the v1 rows read back as an article, and a changed page versions on top of them
        assert archive.article(1).title == "Ponorka Kursk: čo sa stalo v Barentsovom mori"
        saved = archive_page(archive, SEED_URL, seed(("Kolesnikov", "Kolesnikov st.")))
        assert (saved.article_id, saved.changed) == (1, True)
        assert db["article_versions"].count == 3


def test_a_migrated_v2_archive_keeps_its_queue_and_gains_discovery(tmp_path):
    path = old_archive(tmp_path / "archive.db", 2)
    with Archive(path) as archive:
        db = archive.db
        [row] = db.query("select url, state, kind, depth from queue")
        assert (row["state"], row["kind"], row["depth"]) == ("pending", None, None)
        assert db["discoveries"].count == 0 and db["seeds"].count == 0
        assert list(db.query("select * from discovered_urls")) == []


def test_a_migrated_v3_archive_learns_how_bodies_are_found_on_reextraction(tmp_path):
    path = old_archive(tmp_path / "archive.db", 3)
    with Archive(path) as archive:
        db = archive.db
        # bodies extracted before version 4 did not record how they were found
        assert [r["extraction_method"] for r in db.query(
            "select extraction_method from articles order by id")] == [None, None]
        reextract(archive)
        assert [r["extraction_method"] for r in db.query(
            "select extraction_method from articles order by id")] == ["content", "content"]
        assert [r["url"] for r in db["articles"].search("Kolesnikov")] == [SEED_URL]


def test_a_migrated_v4_archive_has_fetches_without_warc_records(tmp_path):
    path = old_archive(tmp_path / "archive.db", 4)
    with Archive(path) as archive:
        rows = list(archive.db.query("select warc_file, warc_offset, warc_length from fetches"))
        assert rows and all(set(row.values()) == {None} for row in rows)
        assert archive.db["articles"].count == 2


def test_a_new_file_is_created_at_the_current_version(db_path):
    Archive(db_path).close()
    assert Database(db_path).execute("pragma user_version").fetchone()[0] == SCHEMA_VERSION


def test_an_archive_from_a_newer_scraper_is_refused_untouched(db_path):
    Archive(db_path).close()
    conn = sqlite3.connect(db_path)
    conn.execute(f"pragma user_version = {SCHEMA_VERSION + 1}")
    conn.close()
    before = db_path.read_bytes()
    with pytest.raises(ArchiveTooNew, match="newer than this scraper"):
        Archive(db_path)
    assert db_path.read_bytes() == before
    result = subprocess.run([sys.executable, "-m", "scraper", "stats", "--db", str(db_path)],
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == ArchiveTooNew.exit_code
    assert result.stderr.count("\n") == 1 and "upgrade scraper" in result.stderr
