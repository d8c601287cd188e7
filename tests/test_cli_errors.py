"""Bad input to `scrape url`: one line on stderr, a non-zero exit, the failure
recorded in `fetches`, and nothing already archived touched."""
from __future__ import annotations

import subprocess
import sys

import pytest
from sqlite_utils import Database

from conftest import Route

SEED = "wp-slovak-seed.html"


def scrape(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "scraper", *args],
                          capture_output=True, text=True, timeout=120)


@pytest.fixture
def archived(server, db_path):
    """An archive that already holds the seed article."""
    url = server.serve_file("/good/", SEED)
    assert scrape("url", url, "--db", str(db_path)).returncode == 0
    return url


def bad_targets(server, tmp_path) -> dict[str, tuple[str, str]]:
    """name -> (target, error_kind expected in fetches)."""
    server.routes["/pdf"] = Route(200, b"%PDF-1.7\n%binary", {"Content-Type": "application/pdf"})
    return {
        "invalid url": ("http://", "invalid_url"),
        "unsupported scheme": ("ftp://files.example.org/a.html", "unsupported_scheme"),
        "unreachable host": ("http://127.0.0.1:9/article", "unreachable"),
        "404": (server.url("/missing"), "http_status"),
        "non-html": (server.url("/pdf"), "not_html"),
        "missing local file": (str(tmp_path / "nope.html"), "file_not_found"),
    }


@pytest.mark.parametrize("case", ["invalid url", "unsupported scheme", "unreachable host", "404",
                                  "non-html", "missing local file"])
def test_bad_input_one_line_error(case, server, db_path, tmp_path, archived):
    target, kind = bad_targets(server, tmp_path)[case]
    before = Database(db_path)["articles"].rows.__iter__().__next__()

    result = scrape("url", target, "--db", str(db_path), "--timeout", "10")

    assert result.returncode == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("error:") and "Traceback" not in result.stderr
    db = Database(db_path)
    [failed] = list(db.query("select * from fetches where error is not null"))
    assert failed["error_kind"] == kind
    assert failed["error"]
    if kind == "unreachable":  # in a reader's words, not the HTTP client's
        assert lines[0].endswith("cannot connect: 127.0.0.1:9: connection refused")
    [after] = list(db["articles"].rows)
    assert after == before  # the archived article is untouched


def test_good_urls_still_archived_when_some_fail(server, db_path, tmp_path):
    good = server.serve_file("/good/", SEED)
    result = scrape("url", server.url("/missing"), good, "ftp://x.example/", "--db", str(db_path),
                    "--json")
    assert result.returncode == 1
    assert len(result.stderr.strip().splitlines()) == 2
    assert len(result.stdout.strip().splitlines()) == 1  # the good article's JSON
    db = Database(db_path)
    assert [row["url"] for row in db["articles"].rows] == [good]
    assert db["fetches"].count == 3


def test_http_status_reason_is_stored(server, db_path):
    result = scrape("url", server.url("/missing"), "--db", str(db_path))
    assert "404" in result.stderr
    [row] = list(Database(db_path)["fetches"].rows)
    assert row["status"] == 404 and "404" in row["error"]


def test_a_bare_domain_is_taken_for_a_file_and_the_error_says_what_a_url_needs(tmp_path):
    result = subprocess.run([sys.executable, "-m", "scraper", "url", "example.org", "--db",
                             str(tmp_path / "a.db")], capture_output=True, text=True,
                            timeout=120, cwd=tmp_path)
    assert result.returncode == 1
    [line] = result.stderr.strip().splitlines()
    assert line == ("error: example.org: no such file: example.org (a web page needs its full "
                    "URL, with http:// or https://)")


@pytest.mark.parametrize("timeout", ["0", "-1"])
def test_a_timeout_that_leaves_no_time_is_bad_usage(timeout, server, db_path):
    url = server.serve_file("/good/", SEED)
    result = scrape("url", url, "--db", str(db_path), "--timeout", timeout)
    assert result.returncode == 2 and "--timeout" in result.stderr
    assert server.requests == []
