"""History: every fetch stays, a version row per content change, none for an unchanged page.

End to end through the loopback server and the real CLI (in process).
"""
from __future__ import annotations

import json

import pytest
from archiving import SEED_TITLE, edited_seed, seed
from conftest import Route
from sqlite_utils import Database
from typer.testing import CliRunner

from scraper.cli.app import app

PATH = "/2025/05/ponorka-kursk-co-sa-stalo/"
EDITED = edited_seed()


def scrape(*args: str):
    result = CliRunner().invoke(app, list(args))
    assert result.exit_code == 0, result.output
    return result


@pytest.fixture
def page(server):
    """Serve the seed at PATH; returns a function that replaces what is served there."""
    def serve(body: bytes) -> str:
        server.routes[PATH] = Route(200, body)
        return server.url(PATH)
    return serve


def versions(db_path) -> list[dict]:
    return list(Database(db_path).query("select * from article_versions order by id"))


def test_a_changed_page_adds_exactly_one_version_and_an_unchanged_one_none(page, db_path):
    url = page(seed())
    scrape("url", url, "--db", str(db_path))
    [first] = versions(db_path)
    assert (first["cause"], first["old_sha256"]) == ("fetch", None)  # the first sighting

    scrape("url", url, "--db", str(db_path))
    assert versions(db_path) == [first]

    page(EDITED)
    scrape("url", url, "--db", str(db_path))
    history = versions(db_path)
    assert len(history) == 2
    assert history[1]["old_sha256"] == first["new_sha256"] != history[1]["new_sha256"]
    assert "(1973 – 2000)" in history[1]["body_text"]
    assert "(1973 – 2000)" not in history[0]["body_text"]  # the old text is kept

    scrape("url", url, "--db", str(db_path))
    db = Database(db_path)
    assert db["article_versions"].count == 2
    assert db["fetches"].count == 4  # every fetch stays
    assert db["articles"].count == 1
    assert db["bodies"].count == 2  # one per distinct page
    [article] = db["articles"].rows
    assert article["content_sha256"] == history[1]["new_sha256"]


def test_a_change_outside_title_and_body_updates_rows_without_a_version(page, db_path):
    url = page(seed())
    scrape("url", url, "--db", str(db_path))
    page(seed(("5f2c9e1a7b", "9a8b7c6d5e")))  # a fresh comment nonce on every render
    scrape("url", url, "--db", str(db_path))
    db = Database(db_path)
    assert db["article_versions"].count == 1
    [nonce] = db.query("select value from form_fields where name = 'akismet_comment_nonce'")
    assert nonce["value"] == "9a8b7c6d5e"


def test_a_page_that_vanished_keeps_its_archived_copy(page, server, db_path):
    url = page(seed())
    scrape("url", url, "--db", str(db_path))
    server.routes[PATH] = Route(410, b"<html><body>gone</body></html>")
    result = CliRunner().invoke(app, ["url", url, "--db", str(db_path)])
    assert result.exit_code == 1
    db = Database(db_path)
    [failure] = db.query("select status, reason, archived_article_id from failed_fetches")
    assert failure == {"status": 410, "reason": "http_status", "archived_article_id": 1}
    assert [r["title"] for r in db["articles"].rows] == [SEED_TITLE]


def test_show_lists_the_versions(page, db_path):
    url = page(seed())
    scrape("url", url, "--db", str(db_path))
    page(EDITED)
    scrape("url", url, "--db", str(db_path))

    shown = scrape("show", url, "--db", str(db_path), "--versions").output
    assert SEED_TITLE in shown and "2 versions" in shown
    assert shown.count("│ fetch │") == 2

    record = json.loads(scrape("show", url, "--db", str(db_path), "--json", "--versions").output)
    assert [v["number"] for v in record["versions"]] == [1, 2]
    assert record["versions"][1]["old_sha256"] == record["versions"][0]["new_sha256"]
    assert "(1973 – 2000)" in record["body_text"]


def test_show_finds_an_article_by_its_share_url(page, db_path):
    scrape("url", page(seed()), "--db", str(db_path))
    share_url = "https://dennik-sever.example/2025/05/ponorka-kursk-co-sa-stalo/"
    record = json.loads(scrape("show", share_url, "--db", str(db_path), "--json").output)
    assert record["title"] == SEED_TITLE


def test_show_of_an_unknown_url_says_so_in_one_line(page, db_path):
    scrape("url", page(seed()), "--db", str(db_path))
    result = CliRunner().invoke(
        app, ["show", "https://elsewhere.example/a/", "--db", str(db_path)])
    assert result.exit_code == 1
    assert result.stderr == f"error: https://elsewhere.example/a/ is not in the archive {db_path}\n"
