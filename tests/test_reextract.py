"""`scrape reextract`: the current extractor over stored pages, offline, safe to interrupt."""
from __future__ import annotations

import os
import signal
import socket
import sqlite3
import subprocess
import sys
import time
import zlib
from dataclasses import replace

import pytest
import zstandard
from archiving import NEXT_URL, SEED_TITLE, SEED_URL, archive_page, fetched, sample_archive, seed
from typer.testing import CliRunner

import scraper.archive.reextract
from scraper.archive.reextract import reextract
from scraper.archive.store import Archive, Reextracted
from scraper.cli.app import app
from scraper.extract import EXTRACTOR_VERSION, extract
from scraper.models import Link


def renamed(html: str, url: str):
    """An 'improved' extractor: headlines get a prefix."""
    article = extract(html, url)
    article.title = f"Opravené: {article.title}"
    return article


@pytest.fixture
def offline(monkeypatch):
    """Any attempt to open a network connection fails the test."""
    def refuse(*args, **kwargs):
        raise AssertionError("re-extraction tried to reach the network")
    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)


def test_a_changed_extractor_updates_rows_without_the_network(db_path, monkeypatch, offline):
    sample_archive(db_path)
    with Archive(db_path) as archive:
        links_before = archive.db["links"].count
    monkeypatch.setattr(scraper.archive.reextract, "extract", renamed)
    monkeypatch.setattr(scraper.archive.reextract, "EXTRACTOR_VERSION", "2-test")
    result = CliRunner().invoke(app, ["reextract", "--db", str(db_path)])
    assert result.exit_code == 0, result.output
    assert "Re-extracted 2 articles with extractor 2-test: 2 changed, 0 unchanged." in result.output

    with Archive(db_path) as archive:
        db = archive.db
        rows = list(db.query("select title, extractor_version from articles order by id"))
        assert rows == [{"title": f"Opravené: {SEED_TITLE}", "extractor_version": "2-test"},
                        {"title": "Opravené: Nobelova cena za literatúru: favoriti tohto roka",
                         "extractor_version": "2-test"}]
        # the edit the page really had is still the body: re-extraction used the latest page
        assert "(1973 – 2000)" in archive.article(1).body_text
        assert sorted(r["url"] for r in db["articles"].search('"Opravené"')) == [NEXT_URL, SEED_URL]
        db.execute("insert into articles_fts(articles_fts) values('integrity-check')")
        latest = list(db.query("select cause, extractor_version, fetch_id from article_versions "
                               "where article_id = 1 order by id"))
        assert [v["cause"] for v in latest] == ["fetch", "fetch", "reextract"]
        assert latest[-1]["extractor_version"] == "2-test"
        assert latest[-1]["fetch_id"] == latest[-2]["fetch_id"]  # same stored page
        assert db["links"].count == links_before and db["comment_forms"].count == 2



def test_pages_kept_with_zlib_by_older_versions_are_reextracted_too(db_path, offline):
    """Bodies were zlib-compressed before zstd: an archive may hold both kinds."""
    sample_archive(db_path)
    with Archive(db_path) as archive:
        db = archive.db
        [(sha, packed)] = db.execute("select b.sha256, b.html from bodies b join articles a "
                                     "on a.id = 2 join fetches f on f.id = a.fetch_id "
                                     "where b.sha256 = f.body_sha256").fetchall()
        body = zstandard.ZstdDecompressor().decompress(packed)
        db.execute("update bodies set html = ?, compression = 'zlib' where sha256 = ?",
                   [zlib.compress(body), sha])
        assert [page.body for page in archive.stored_pages([2])] == [body]
        report = reextract(archive, extractor=renamed)
        assert (report.articles, report.changed) == (2, 2)
        assert archive.article(2).title.startswith("Opravené: ")

def test_an_unchanged_result_records_only_the_extractor_version(db_path, offline):
    sample_archive(db_path)
    with Archive(db_path) as archive:
        before = {r["id"]: r for r in archive.db.query("select * from articles")}
        versions = archive.db["article_versions"].count
        report = reextract(archive, extractor_version="1.1")
        after = {r["id"]: r for r in archive.db.query("select * from articles")}
        assert (report.articles, report.changed, report.unchanged) == (2, 0, 2)
        assert archive.db["article_versions"].count == versions
    assert {i: {**r, "extractor_version": "1.1"} for i, r in before.items()} == after


def test_a_change_outside_title_and_body_is_counted_but_adds_no_version(db_path):
    sample_archive(db_path)

    def more_related(html, url):
        article = extract(html, url)
        article.links.append(Link("related", "https://dennik-sever.example/2025/01/viac/", "Viac"))
        return article

    with Archive(db_path) as archive:
        versions = archive.db["article_versions"].count
        report = reextract(archive, extractor=more_related)
        assert (report.changed, report.new_versions) == (2, 0)
        assert archive.db["article_versions"].count == versions
        assert archive.db["links"].count_where("title = 'Viac'") == 2


def test_pages_are_decoded_with_the_charset_they_were_served_with(db_path):
    # windows-1250, declared only in the HTTP header: decoding as UTF-8 would garble the title
    body = seed(('<meta charset="UTF-8">', "")).decode("utf-8").encode("cp1250")
    with Archive(db_path) as archive:
        archive_page(archive, SEED_URL, body, "text/html; charset=windows-1250")
        assert archive.article(1).title == SEED_TITLE
        report = reextract(archive)
        assert (report.articles, report.changed) == (1, 0)
        assert archive.article(1).title == SEED_TITLE


def test_an_article_refetched_meanwhile_keeps_the_fresh_fetch(db_path):
    with Archive(db_path) as archive:
        archive_page(archive, SEED_URL, seed())
        [page] = archive.stored_pages([1])
        stale = renamed(page.body.decode("utf-8"), page.url)
        archive_page(archive, SEED_URL, seed(("Kolesnikov", "Kolesnikov ml.")))
        fresh = archive.article(1)
        assert archive.save_reextraction([(page, stale)], "2") == [Reextracted.SUPERSEDED]
        assert archive.article(1) == fresh


def test_articles_without_a_stored_page_are_left_alone(db_path):
    sample_archive(db_path)
    with Archive(db_path) as archive:
        archive.db.execute("update fetches set body_sha256 = null where url = ?", [NEXT_URL])
        before = archive.article(2)
        report = reextract(archive, extractor=renamed)
        assert (report.articles, report.without_body) == (1, 1)
        assert archive.article(2) == before


def test_outdated_only_skips_articles_already_current(db_path):
    sample_archive(db_path)
    with Archive(db_path) as archive:
        archive.db.execute("update articles set extractor_version = '0' where id = 2")
        report = reextract(archive, outdated_only=True)
        assert report.articles == 1
        assert archive.article_ids(other_extractor_than=EXTRACTOR_VERSION) == []


ARTICLES, CHUNK = 200, 10
# `scrape reextract` with a title-changing extractor that takes argv[1] extra seconds a page.
PATCHED_RUN = f"""
import sys, time
import scraper.archive.reextract as r
from scraper.cli.app import main
from scraper.extract import extract

DELAY = float(sys.argv[1])

def patched(html, url):
    time.sleep(DELAY)
    article = extract(html, url)
    article.title = "patched"
    return article

r.extract, r.EXTRACTOR_VERSION, r.CHUNK_SIZE = patched, "patched", {CHUNK}
sys.argv = ["scrape", "reextract"] + sys.argv[2:]
main()
"""


def test_killed_midway_the_archive_stays_consistent_and_a_rerun_finishes(db_path):
    page = fetched(SEED_URL, seed())
    article = extract(page.text, SEED_URL)
    with Archive(db_path) as archive:
        for n in range(ARTICLES):
            archive.save(replace(page, url=f"{SEED_URL}?n={n}"), article)
    run = subprocess.Popen([sys.executable, "-c", PATCHED_RUN, "0.005", "--db", str(db_path)],
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    watcher = sqlite3.connect(db_path)
    patched = lambda: watcher.execute(  # noqa: E731
        "select count(*) from articles where extractor_version = 'patched'").fetchone()[0]
    deadline = time.monotonic() + 60
    while patched() < 2 * CHUNK and time.monotonic() < deadline and run.poll() is None:
        time.sleep(0.01)
    assert run.poll() is None, f"the run ended before it could be killed: {run.stderr.read()}"
    os.kill(run.pid, signal.SIGKILL)
    run.wait(timeout=10)

    done = patched()
    assert 0 < done < ARTICLES
    assert done % CHUNK == 0  # whole chunks or nothing
    assert watcher.execute("pragma integrity_check").fetchall() == [("ok",)]
    assert watcher.execute("pragma foreign_key_check").fetchall() == []
    watcher.execute("insert into articles_fts(articles_fts) values('integrity-check')")
    # every article is either fully re-extracted or untouched
    assert watcher.execute("""select count(*) from articles where
        (extractor_version = 'patched') != (title = 'patched')""").fetchone()[0] == 0
    assert watcher.execute("""select count(*) from article_versions where cause = 'reextract'
        """).fetchone()[0] == done
    watcher.close()

    rerun = subprocess.run([sys.executable, "-c", PATCHED_RUN, "0", "--db", str(db_path),
                            "--outdated"],
                           capture_output=True, text=True, timeout=120)
    assert rerun.returncode == 0, rerun.stderr
    assert f"Re-extracted {ARTICLES - done} articles" in rerun.stdout
    with Archive(db_path) as archive:
        assert archive.db["articles"].count_where("title = 'patched'") == ARTICLES
        assert archive.db.execute("pragma foreign_key_check").fetchall() == []
