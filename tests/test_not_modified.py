"""Fetching an archived page again from a server that answers `304 Not Modified`.

The server is Python's own http.server, which honours If-Modified-Since as most
static hosts and caches do: the second request of a page is conditional (the
archive holds its Last-Modified) and gets a 304 with no body.
"""
from __future__ import annotations

import functools
import json
import shutil
import subprocess
import sys
import threading
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from sqlite_utils import Database

from conftest import FIXTURES

TITLE = "Ponorka Kursk: čo sa stalo v Barentsovom mori"


def scrape(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "scraper", *args],
                          capture_output=True, text=True, timeout=120)


class QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, *args) -> None:
        pass


@pytest.fixture
def static_site(tmp_path: Path):
    """http.server serving a folder with one article, on 127.0.0.1."""
    site = tmp_path / "site"
    site.mkdir()
    shutil.copy(FIXTURES / "wp-slovak-seed.html", site / "a.html")
    httpd = ThreadingHTTPServer(("127.0.0.1", 0),
                                functools.partial(QuietHandler, directory=str(site)))
    thread = threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.05},
                              daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}/a.html"
    httpd.shutdown()
    httpd.server_close()


def statuses(db: Path) -> list[tuple[int, int, str | None]]:
    return [(r["status"], r["not_modified"], r["error"])
            for r in Database(db).query("select * from fetches order by id")]


def test_scrape_url_on_an_unchanged_page_prints_the_archived_copy(static_site, db_path):
    first = scrape("url", static_site, "--db", str(db_path))
    assert first.returncode == 0, first.stderr
    fetched_at = Database(db_path).execute("select fetched_at from fetches").fetchone()[0]

    again = scrape("url", static_site, "--db", str(db_path))
    assert again.returncode == 0, again.stderr
    assert again.stderr == ""
    shown_date = fetched_at.replace("T", " ").removesuffix("+00:00")
    assert f"Unchanged since the archived copy of {shown_date} UTC" in again.stdout
    assert TITLE in again.stdout and "Kováčová" in again.stdout  # the usual summary

    as_json = scrape("url", static_site, "--db", str(db_path), "--json")
    assert as_json.returncode == 0, as_json.stderr
    record = json.loads(as_json.stdout)
    assert record["not_modified"] is True
    assert record["url"] == static_site and record["title"] == TITLE
    assert "Kolesnikov" in record["body_text"]
    # a fresh fetch prints no such field: its line is the one `scrape export` writes
    assert "not_modified" not in json.loads(
        scrape("url", str(FIXTURES / "wp-slovak-seed.html"), "--db", str(db_path),
               "--json").stdout)

    # each 304 is a fetch of its own; the archive holds one article and one body
    assert statuses(db_path)[:3] == [(200, 0, None), (304, 1, None), (304, 1, None)]
    archive = Database(db_path)
    assert archive.execute("select count(*) from articles where url = ?",
                           [static_site]).fetchone()[0] == 1
    assert archive["bodies"].count == 1


def test_batch_refresh_counts_an_unchanged_page_as_unchanged(static_site, db_path, tmp_path):
    url_list = tmp_path / "urls.txt"
    url_list.write_text(static_site + "\n")
    assert scrape("batch", str(url_list), "--db", str(db_path)).returncode == 0

    again = scrape("batch", str(url_list), "--db", str(db_path), "--refresh")
    assert again.returncode == 0, again.stderr
    rows = dict(line.split("│") for line in again.stdout.splitlines()[1:] if "│" in line)
    rows = {name.strip(): value.strip() for name, value in rows.items()}
    assert (rows["archived"], rows["unchanged"], rows["failed"]) == ("0", "1", "0")
    assert "failed:" not in again.stderr and "1/1 done (100%), 0 failed" in again.stderr
    assert again.stderr.startswith("1 URL to fetch\n")  # one URL, not "1 URLs"
    assert statuses(db_path) == [(200, 0, None), (304, 1, None)]
    [queued] = Database(db_path).query("select state, last_error from queue")
    assert queued == {"state": "done", "last_error": None}
