"""Which URLs can be fetched: a host no machine can have is an invalid URL, found
before any request (no DNS lookup), on the command line and in URL lists alike."""
from __future__ import annotations

import socket
import subprocess
import sys
from urllib.parse import urljoin

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlite_utils import Database
from typer.testing import CliRunner

from scraper.cli import app
from scraper.errors import FetchError
from scraper.extract.document import parse_document
from scraper.urls import ParsedUrl, UrlProblem, fetchable_parts, parse_url, redact

SEED = "wp-slovak-seed.html"


@pytest.mark.parametrize("url, key", [
    ("https://www.example.co.uk/a?b=c#d", "https://www.example.co.uk/a?b=c"),
    ("HTTP://Example.COM./a", "http://example.com/a"),  # a fully qualified name's dot
    ("http://a_b.example.com/", "http://a_b.example.com/"),  # underscores: real DNS names
    ("http://-x-.blogspot.com/", "http://-x-.blogspot.com/"),
    ("http://localhost:8080/x", "http://localhost:8080/x"),
    ("http://127.0.0.1:80/", "http://127.0.0.1/"),
    ("http://[::1]:8000/", "http://[::1]:8000/"),
    ("http://[2001:db8::7]/", "http://[2001:db8::7]/"),
    ("http://[fe80::1%25eth0]/", "http://[fe80::1%25eth0]/"),  # a zone, as RFC 6874 writes it
    ("http://bücher.de/", "http://bücher.de/"),  # IDNA: sent as xn--bcher-kva.de
    ("http://пример.рф/статья", "http://пример.рф/статья"),
    ("http://user:pass word@example.org/", "http://example.org/"),  # a space, but not in the host
    ("http://example.org:/", "http://example.org/"),  # an empty port is the default one
])
def test_a_fetchable_url_is_parsed(url, key):
    parsed = parse_url(url)
    assert isinstance(parsed, ParsedUrl), parsed
    assert parsed.key == key


@pytest.mark.parametrize("url, says", [
    ("http://exa mple.com", "holds a space"),
    ("http://exa mple.com:8080/a", "holds a space"),
    ("http://exa\u3000mple.com/", "international domain name"),  # an ideographic space
    ("http://exa\x1bmple.com/", "U+001B"),
    ("http://example.org/a\x1b[2J", "control character (U+001B)"),  # the HTTP client refuses it
    ("http://exa%20mple.com/", "holds '%'"),
    ("http://exa|mple.com/", "holds '|'"),
    ("http://exa<mple>.com/", "holds '<'"),
    ("http://exa\"mple.com/", "holds '\"'"),
    ("http://a*.example.com/", "holds '*'"),
    ("http://😀.example/", "international domain name"),
    ("http://a..b/", "empty label"),
    ("http://.example.com/", "empty label"),
    ("http://" + "a" * 64 + ".com/", "longer than 63"),
    ("http://" + ".".join(["a" * 60] * 5) + "/", "longer than 253"),
    ("http://999.1.1.1/", "nor an IPv4 address"),
    ("http://example.123/", "nor an IPv4 address"),
    ("http://[v1.future]/", "IPv6 address"),  # (some Pythons tell it first, in their words)
    ("http://[::1::2]/", "IPv6 address"),
    ("http://example.com:99999/", "port"),
    ("http://example.com:8o/", "port"),
    ("http://[::1/", "invalid URL"),
    ("http://", "no host"),
])
def test_a_host_no_machine_can_have_is_an_invalid_url(url, says):
    problem = parse_url(url)
    assert isinstance(problem, UrlProblem), problem
    assert problem.kind is FetchError.INVALID_URL
    assert problem.message.startswith("invalid URL: ") and says in problem.message


def test_scrape_url_reports_a_bad_host_without_asking_dns(monkeypatch, db_path):
    asked: list[str] = []

    def no_dns(host, *args, **kwargs):
        asked.append(host)
        raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")

    monkeypatch.setattr(socket, "getaddrinfo", no_dns)
    result = CliRunner().invoke(app, ["url", "http://exa mple.com/a", "--db", str(db_path)])
    assert result.exit_code == 1
    assert asked == []
    [line] = result.stderr.strip().splitlines()
    assert line == ("error: http://exa mple.com/a: invalid URL: the host 'exa mple.com' holds "
                    "a space, which no host name can hold")
    [row] = Database(db_path).query("select error_kind, status from fetches")
    assert row == {"error_kind": "invalid_url", "status": None}


def test_a_url_list_skips_bad_hosts_by_line_number(server, db_path):
    good = server.serve_file("/good/", SEED)
    lines = [good, "http://exa|mple.com/a", "http://exa%20mple.com/", "http://[v1.x]/",
             "http://999.1.1.1/", "http://bücher.example/"]
    result = subprocess.run([sys.executable, "-m", "scraper", "batch", "-", "--db", str(db_path),
                             "--ignore-robots", "--retries", "0", "--timeout", "5"],
                            input="\n".join(lines), capture_output=True, text=True, timeout=120)
    for number in (2, 3, 4, 5):
        assert f"line {number}: skipped, invalid URL: " in result.stderr, result.stderr
    assert "line 6" not in result.stderr and "line 1" not in result.stderr
    queued = [row["url"] for row in Database(db_path).query("select url from queue order by rowid")]
    assert queued == [good, "http://bücher.example/"]


# -- links on a page ----------------------------------------------------------------------------

_URL_CHARS = "hH:/?#;@[]%.aZ09-_~!$&'()*+,= \t\\é"


@settings(max_examples=300, deadline=None)
@given(st.sampled_from(["http://", "https://", "HTTP://", "https:///", "http:/", "//"]),
       st.text(alphabet=_URL_CHARS, max_size=24),
       st.sampled_from(["https://news.example/a/b/", "http://news.example/", "https://x.example/p?q#f"]))
def test_a_link_resolves_as_urljoin_and_the_url_checks_have_it(prefix, rest, base):
    """What a page's link resolves to: urljoin's answer, if parse_url would fetch it (its
    credentials dropped); the resolver takes shortcuts, never another answer."""
    href = prefix + rest
    try:
        joined = urljoin(base, href.strip())
    except ValueError:
        joined = None
    parsed = parse_url(joined) if joined else None
    expected = None if parsed is None or isinstance(parsed, UrlProblem) else (
        redact(joined) if parsed.userinfo is not None else joined)
    assert parse_document("<p>x</p>", base).absolute(href) == expected


@pytest.mark.parametrize("url", ["https://news.example/a", "http://[::1", "ftp://x.example/",
                                 "https://exa mple.com/", "https://x.example:99999/", "no scheme"])
def test_fetchable_parts_refuses_what_parse_url_refuses(url):
    parsed, parts = parse_url(url), fetchable_parts(url)
    assert (parsed if isinstance(parsed, UrlProblem) else None) == (
        parts if isinstance(parts, UrlProblem) else None)
    if not isinstance(parts, UrlProblem):
        assert parts.netloc == "news.example"
