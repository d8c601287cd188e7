"""Hostile input to the CLI and the security rules (README, "Troubleshooting").

Every bad input gives one line on stderr and its own exit code; none corrupts the
archive or loses what it holds. The real CLI runs in a subprocess against a real
loopback server and real SQLite files.
"""
from __future__ import annotations

import json
import os
import shutil
import sqlite3
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from sqlite_utils import Database

from conftest import Route

SEED = "wp-slovak-seed.html"
FIXTURE = Path(__file__).parent / "fixtures" / SEED


def scrape(*args: str, stdin: str | None = None, env: dict | None = None,
           **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "scraper", *args], input=stdin,
                          capture_output=True, text=True, timeout=120,
                          env={**os.environ, **(env or {})}, **kwargs)


def one_error_line(result: subprocess.CompletedProcess) -> str:
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("error: ") and "Traceback" not in result.stderr
    return lines[0]


def archive_is_sound(db: Path) -> None:
    with sqlite3.connect(db) as conn:
        assert conn.execute("pragma integrity_check").fetchone() == ("ok",)
        assert conn.execute("pragma foreign_key_check").fetchall() == []


@pytest.fixture
def archived(db_path: Path) -> Path:
    """An archive already holding the seed article."""
    assert scrape("url", str(FIXTURE), "--db", str(db_path)).returncode == 0
    return db_path


# -- bad input: URL lists ----------------------------------------------------------

def test_a_missing_url_list(db_path, tmp_path):
    result = scrape("batch", str(tmp_path / "nope.txt"), "--db", str(db_path))
    assert result.returncode == 3
    assert "nope.txt" in one_error_line(result)


def test_an_unreadable_url_list(db_path, tmp_path):
    folder = tmp_path / "list"
    folder.mkdir()  # unreadable as a list whoever runs the test (root reads any file)
    result = scrape("batch", str(folder), "--db", str(db_path))
    assert result.returncode == 3
    assert "cannot read" in one_error_line(result)


def test_a_binary_url_list(db_path, tmp_path):
    binary = tmp_path / "urls.txt"
    binary.write_bytes(bytes(range(256)) * 16)
    result = scrape("batch", str(binary), "--db", str(db_path))
    assert result.returncode == 3
    assert "not a text file" in one_error_line(result)
    assert not db_path.exists() or Database(db_path)["queue"].count == 0


def test_a_list_mixing_good_and_bad_lines_runs_the_good_ones(server, db_path, tmp_path):
    good = server.serve_file("/good/", SEED)
    listing = tmp_path / "urls.txt"
    listing.write_text(f"not a url\n{good}\nftp://files.example.org/a\n")
    result = scrape("batch", str(listing), "--db", str(db_path), "--ignore-robots")
    assert result.returncode == 0, result.stderr
    assert "line 1:" in result.stderr and "line 3:" in result.stderr
    assert [row["url"] for row in Database(db_path)["articles"].rows] == [good]


# -- bad input: the archive --------------------------------------------------------

def test_an_archive_in_a_missing_folder(tmp_path):
    result = scrape("url", str(FIXTURE), "--db", str(tmp_path / "no" / "such" / "archive.db"))
    assert result.returncode == 4
    assert "does not exist" in one_error_line(result)
    assert not (tmp_path / "no").exists()


def test_a_file_that_is_not_a_database(tmp_path):
    notes = tmp_path / "notes.db"
    notes.write_text("my notes, not a database\n" * 100)
    result = scrape("url", str(FIXTURE), "--db", str(notes))
    assert result.returncode == 4
    assert "not a scraper archive" in one_error_line(result)
    assert notes.read_text() == "my notes, not a database\n" * 100  # untouched


def test_an_archive_from_a_newer_schema(archived):
    with sqlite3.connect(archived) as conn:
        conn.execute("pragma user_version = 999")
    for command in (["url", str(FIXTURE)], ["stats"], ["export"]):
        result = scrape(*command, "--db", str(archived))
        assert result.returncode == 6
        assert "newer" in one_error_line(result)
    with sqlite3.connect(archived) as conn:
        assert conn.execute("pragma user_version").fetchone() == (999,)
        assert conn.execute("select count(*) from articles").fetchone() == (1,)


@pytest.fixture
def read_only():
    """Makes a file read-only for this process: by permissions, and for root (whom
    permissions do not stop) by the immutable attribute."""
    made: list[Path] = []

    def make(path: Path) -> None:
        path.chmod(0o444)
        if os.geteuid() == 0:
            chattr = shutil.which("chattr")
            if chattr is None or subprocess.run([chattr, "+i", str(path)],
                                                capture_output=True).returncode != 0:
                pytest.skip("running as root on a file system without immutable files")
            made.append(path)

    yield make
    for path in made:
        subprocess.run(["chattr", "-i", str(path)], capture_output=True)


def test_a_read_only_archive(archived, read_only):
    with sqlite3.connect(archived) as conn:  # leave no WAL beside it: the file holds it all
        conn.execute("pragma journal_mode = delete")
    read_only(archived)
    before = archived.read_bytes()
    result = scrape("url", str(FIXTURE), "--db", str(archived))
    assert result.returncode == 4
    assert "read-only" in one_error_line(result) or "readonly" in result.stderr
    assert archived.read_bytes() == before


def test_a_locked_archive_waits_then_says_so_and_stays_sound(archived):
    locked, release = threading.Event(), threading.Event()

    def hold_the_write_lock() -> None:  # another process's batch, mid-transaction
        conn = sqlite3.connect(archived, isolation_level=None, check_same_thread=False)
        conn.execute("begin immediate")
        locked.set()
        release.wait(60)
        conn.execute("rollback")
        conn.close()

    holder = threading.Thread(target=hold_the_write_lock)
    holder.start()
    try:
        assert locked.wait(10)
        result = scrape("url", str(FIXTURE), "--db", str(archived),
                        env={"SCRAPE_LOCK_TIMEOUT": "1"})
    finally:
        release.set()
        holder.join()
    assert result.returncode == 5
    assert "locked" in one_error_line(result)
    archive_is_sound(archived)
    assert scrape("url", str(FIXTURE), "--db", str(archived)).returncode == 0  # and usable


# -- security --------------------------------------------------------------------

@pytest.mark.parametrize("url", ["file:///etc/passwd", "ftp://files.example.org/a.html",
                                 "data:text/html,<h1>hi</h1>", "javascript:alert(1)"])
def test_url_lists_fetch_only_http_and_https(url, db_path):
    result = scrape("batch", "-", "--db", str(db_path), stdin=url + "\n")
    assert "unsupported scheme" in result.stderr and "line 1" in result.stderr
    db = Database(db_path)
    assert db["queue"].count == 0 and db["fetches"].count == 0 and db["bodies"].count == 0


def test_a_path_in_a_url_list_is_never_read(db_path, tmp_path):
    result = scrape("batch", "-", "--db", str(db_path), stdin=f"{FIXTURE}\n")
    assert "line 1" in result.stderr
    assert Database(db_path)["bodies"].count == 0


def test_set_cookie_is_not_stored(server, db_path):
    body = FIXTURE.read_bytes()
    server.routes["/cookie/"] = Route(200, body, {"Content-Type": "text/html; charset=utf-8",
                                                  "Set-Cookie": "session=s3cr3t; Path=/"})
    assert scrape("url", server.url("/cookie/"), "--db", str(db_path)).returncode == 0
    dump = "\n".join(Database(db_path).iterdump())
    assert "s3cr3t" not in dump and "set-cookie" not in dump.lower()


def test_credentials_in_a_url_are_never_stored_or_printed(server, db_path):
    page = server.serve_file("/members/", SEED).replace("http://", "http://reader:hunter2@")
    result = scrape("url", page, "--db", str(db_path), "--json")
    assert result.returncode == 0, result.stderr
    assert "hunter2" not in result.stdout + result.stderr
    dump = "\n".join(Database(db_path).iterdump())
    assert "hunter2" not in dump and "reader:" not in dump
    shown = scrape("show", page, "--db", str(db_path))
    assert shown.returncode == 0 and "hunter2" not in shown.stdout + shown.stderr


def test_quotes_and_sql_in_urls_and_pages_are_only_data(server, db_path):
    html = FIXTURE.read_text(encoding="utf-8").replace(
        "Ponorka Kursk: čo sa stalo v Barentsovom mori",
        "Robert'); DROP TABLE articles;-- \" or 1=1")
    path = "/a'b;drop%20table%20articles;--/"
    server.routes[path] = Route(200, html.encode())
    result = scrape("url", server.url(path), "--db", str(db_path), "--json")
    assert result.returncode == 0, result.stderr
    db = Database(db_path)
    [article] = db["articles"].rows
    assert article["title"] == "Robert'); DROP TABLE articles;-- \" or 1=1"
    assert article["url"] == server.url(path)
    assert json.loads(result.stdout)["title"] == article["title"]
    archive_is_sound(db_path)


def test_page_text_is_shown_as_text_never_rendered(server, db_path):
    html = FIXTURE.read_text(encoding="utf-8").replace(
        "Martina Kováčová", "[bold red]Martina[/bold red] <script>alert(1)</script>")
    server.routes["/markup/"] = Route(200, html.encode())
    result = scrape("url", server.url("/markup/"), "--db", str(db_path))
    assert result.returncode == 0, result.stderr
    assert "[bold red]Martina[/bold red]" in result.stdout  # literal, not styled away
    assert "\x1b[" not in result.stdout  # and no escape codes reach a pipe
    shown = scrape("show", server.url("/markup/"), "--db", str(db_path))
    assert "[bold red]Martina[/bold red]" in shown.stdout
