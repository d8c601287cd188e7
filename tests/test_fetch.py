"""The fetch layer against the fault server: deadlines, caps, redirects, retries' rules."""
from __future__ import annotations

import asyncio
import email.utils
import time

import pytest

from scraper.fetch.http import (FetchPolicy, RetryPolicy, fetch, make_client, parse_retry_after,
                           refresh_target)
from scraper.models import FetchResult

QUICK = FetchPolicy(connect_timeout=1.0, read_timeout=0.5, deadline=1.0, max_bytes=1024 * 1024)


def get(url: str, policy: FetchPolicy = QUICK, **kwargs) -> FetchResult:
    async def run() -> FetchResult:
        async with make_client(policy) as client:
            return await fetch(client, url, policy, **kwargs)
    return asyncio.run(run())


def test_a_slow_drip_stops_at_the_total_deadline(faults):
    started = time.monotonic()
    result = get(faults.url("/drip"))
    elapsed = time.monotonic() - started
    assert result.error_kind == "timeout"
    assert "1 s deadline" in result.error
    assert 0.9 < elapsed < 2.0  # the read timeout (0.5 s) never fired: bytes kept coming


def test_a_hang_stops_at_the_read_timeout(faults):
    started = time.monotonic()
    result = get(faults.url("/hang"))
    assert result.error_kind == "timeout"
    assert time.monotonic() - started < 1.5


def test_a_body_over_the_cap_is_refused_before_it_is_read(faults):
    started = time.monotonic()
    result = get(faults.url("/big"))
    assert result.error_kind == "too_large"
    assert result.body == b""
    assert time.monotonic() - started < 1.0


def test_a_body_without_length_is_cut_at_the_cap_while_streaming(faults):
    result = get(faults.url("/big-unsized"))
    assert result.error_kind == "too_large"
    assert "1,024 KiB" in result.error


def test_a_gzip_bomb_is_cut_after_decompression(faults):
    result = get(faults.url("/bomb"))
    assert result.error_kind == "too_large"
    assert "decompressed" in result.error


@pytest.mark.parametrize("path", ["/big", "/big-unsized", "/bomb"])
def test_keep_head_keeps_the_first_bytes_of_a_body_over_the_cap(faults, path):
    """What robots.txt asks for (RFC 9309: read the first 500 KiB of a longer file)."""
    policy = FetchPolicy(connect_timeout=1.0, read_timeout=1.0, deadline=5.0,
                         max_bytes=1000, html_only=False, keep_head=True)
    started = time.monotonic()
    result = get(faults.url(path), policy)
    assert result.error is None and len(result.body) == 1000
    assert time.monotonic() - started < 2.0  # the 20 MB (or 1 GiB inflated) were not read


def test_honest_gzip_is_decoded(faults):
    result = get(faults.url("/gzip"))
    assert result.ok and "<h1>Gzipped</h1>" in result.text


def test_a_reset_mid_body_is_a_connection_failure(faults):
    result = get(faults.url("/reset"))
    assert result.error_kind == "connection"


def test_redirect_chain_loop_and_cap(faults):
    chain = get(faults.url("/chain/3"))
    assert chain.ok and chain.final_url == faults.url("/chain/0")
    loop = get(faults.url("/loop/a"))
    assert loop.error_kind == "redirect_loop"
    capped = get(faults.url("/chain/4"), FetchPolicy(max_redirects=3))
    assert capped.error_kind == "too_many_redirects"


def test_meta_refresh_is_followed_to_the_real_page(faults):
    result = get(faults.url("/refresh"))
    assert result.ok and result.final_url == faults.url("/ok/real")


def test_a_redirect_refused_by_the_hop_check(faults):
    async def refuse(url: str):
        return ("robots", "disallowed by robots.txt")
    result = get(faults.url("/chain/1"), check_hop=refuse)
    assert result.error_kind == "robots"
    assert faults.paths() == ["/chain/1"]


def test_header_bytes_that_are_not_utf8_are_read_as_latin1(faults):
    """aiohttp keeps such bytes as lone surrogates, which SQLite and JSON refuse."""
    page = get(faults.url("/latin1"))
    assert page.ok and page.headers["etag"] == '"caf\xe9"'
    moved = get(faults.url("/latin1-redirect"))
    assert moved.ok and moved.final_url.startswith(faults.url("/ok/caf"))
    for text in (page.headers["etag"], moved.final_url, moved.url):
        text.encode("utf-8")  # storable


def test_pdf_and_empty_are_not_pages(faults):
    assert get(faults.url("/pdf")).error_kind == "not_html"
    assert get(faults.url("/empty")).error_kind == "empty"


def test_conditional_get_gives_not_modified(faults):
    first = get(faults.url("/etag"))
    again = get(faults.url("/etag"), etag=first.headers["etag"],
                last_modified=first.headers["last-modified"])
    assert again.ok and again.not_modified and again.body == b""
    assert faults.requests[-1].headers["If-Modified-Since"] == "Mon, 05 May 2025 08:00:00 GMT"


def test_not_modified_to_a_plain_get_is_a_failure(faults):
    """Only a conditional GET has an archived copy that a 304 can mean."""
    result = get(faults.url("/always-304"))
    assert not result.not_modified
    assert (result.error_kind, result.error) == ("http_status", "HTTP 304 Not Modified")


def test_cookies_are_neither_kept_nor_sent(faults):
    async def run() -> None:
        async with make_client(QUICK) as client:
            first = await fetch(client, faults.url("/cookie"), QUICK)
            assert "set-cookie" not in first.headers
            await fetch(client, faults.url("/ok/next"), QUICK)
    asyncio.run(run())
    assert "Cookie" not in faults.requests[-1].headers


def test_credentials_are_sent_but_never_returned(faults):
    url = faults.url("/ok/secret").replace("http://", "http://reader:hunter2@")
    result = get(url)
    assert result.ok
    assert faults.requests[-1].headers["Authorization"].startswith("Basic ")
    assert "hunter2" not in repr(result)


def test_user_agent_names_the_tool_and_version(faults):
    get(faults.url("/ok/ua"))
    from scraper import __version__
    assert f"scraper/{__version__}" in faults.requests[-1].headers["User-Agent"]


# -- retry rules (no network) -------------------------------------------------

def failure(status: int | None = None, kind: str | None = None, **headers: str) -> FetchResult:
    return FetchResult(url="http://example.org/", status=status, error_kind=kind or "http_status",
                       error="failed", headers=headers)


def test_retry_waits_grow_and_stop():
    policy = RetryPolicy(retries=3, backoff=1.0, budget=100)
    waits = [policy.wait(failure(503), attempt, spent=0) for attempt in (1, 2, 3, 4)]
    assert 0.5 <= waits[0] <= 1.5 and 1.0 <= waits[1] <= 3.0 and 2.0 <= waits[2] <= 6.0
    assert waits[3] is None  # retries used up


def test_only_transient_failures_are_retried():
    policy = RetryPolicy()
    assert policy.wait(failure(404), 1, 0) is None
    assert policy.wait(failure(kind="too_large"), 1, 0) is None
    assert policy.wait(failure(kind="timeout"), 1, 0) is not None
    assert policy.wait(failure(kind="connection"), 1, 0) is not None


def test_retry_after_is_honoured_up_to_the_cap():
    policy = RetryPolicy(max_retry_after=10, budget=100)
    assert policy.wait(failure(429, **{"retry-after": "7"}), 1, 0) == 7
    assert policy.wait(failure(429, **{"retry-after": "11"}), 1, 0) is None
    assert 3 <= parse_retry_after(email.utils.formatdate(time.time() + 5, usegmt=True)) <= 6
    assert parse_retry_after("next tuesday") is None


def test_the_budget_bounds_a_url_retries_included():
    policy = RetryPolicy(retries=5, backoff=1.0, budget=3)
    assert policy.wait(failure(500), 1, spent=2.6) is None


@pytest.mark.parametrize("content, expected", [
    ("0; url=/real", "http://a.example/real"),
    ("0;URL='https://b.example/x'", "https://b.example/x"),
    ("3,url=page2", "http://a.example/page2"),
    ("300", None),  # reloads itself
    ("600; url=/elsewhere", None),  # too slow to be a pointer
])
def test_refresh_targets(content, expected):
    page = f'<html><head><meta http-equiv="Refresh" content="{content}"></head><body></body></html>'
    assert refresh_target(page, "http://a.example/start") == expected


def test_refresh_in_noscript_is_ignored():
    page = ('<html><head><noscript><meta http-equiv="refresh" content="0; url=/nojs">'
            '</noscript></head></html>')
    assert refresh_target(page, "http://a.example/") is None
