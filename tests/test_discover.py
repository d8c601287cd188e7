"""Discovery end to end: the README's examples, run against a generated loopback site
(tests/newssite.py), then what each one must have done, read from the site's request log
and the archive. Plus the hostile sitemaps, kill -9 mid-discovery, and the pure parts."""
from __future__ import annotations

import gzip
import json
import os
import re
import resource
import signal
import subprocess
import sys
import time
from datetime import datetime, timezone
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from newssite import Site
from test_batch import in_flight_peak
from sqlite_utils import Database

README = Path(__file__).parent.parent / "README.md"
BIN = Path(sys.executable).parent
EXAMPLE = re.compile(r"^(scrape (site|feed|follow) |scrape batch urls\.txt --follow|"
                     r"sqlite-utils query archive\.db .*discovered_urls)")
ARTICLES = 200
SMALL = 90
SITE = "scrape site https://example.org/"


def discovery_examples() -> list[str]:
    text = README.read_text("utf-8")
    section = text.split("### `scrape site URL`", 1)[1].split("\n### ", 1)[0]
    blocks = re.findall(r"```bash\n(.*?)```", section, re.DOTALL)
    lines = [line.split("  #", 1)[0].strip() for block in blocks for line in block.splitlines()]
    return [line for line in lines if EXAMPLE.match(line)]


def run(command: str, folder: Path, timeout: float = 120) -> subprocess.CompletedProcess:
    env = {**os.environ, "PATH": f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}"}
    return subprocess.run(["bash", "-c", command], cwd=folder, env=env, capture_output=True,
                          text=True, timeout=timeout)


def scrape(*args: str, timeout: float = 120) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "scraper", *args], capture_output=True,
                          text=True, timeout=timeout)


class Ran:
    def __init__(self, line: str, site: Site, folder: Path, result) -> None:
        self.line, self.site, self.folder, self.result = line, site, folder, result

    @property
    def db(self) -> Database:
        return Database(self.folder / "archive.db")

    def archived(self) -> set[str]:
        return {r["url"] for r in self.db.query("select url from articles")}


def _run_example(line: str, folder: Path) -> Ran:
    # the acceptance run: a few hundred articles; the others need fewer
    site = Site(articles=ARTICLES if line == SITE else SMALL, latency=0.01).start()
    folder.mkdir()
    if "urls.txt --follow" in line:
        (folder / "urls.txt").write_text(f"{site.url(site.post_path(1))}\n"
                                         f"{site.url(site.post_path(30))}\n")
    command = line.replace("https://example.org", site.base) + " --per-host 2"
    if line == SITE:
        command += " --json"
    started = time.monotonic()
    try:
        result = run(command, folder)
    finally:
        site.stop()
    print(f"{time.monotonic() - started:5.1f} s  {line}")
    return Ran(line, site, folder, result)


@pytest.fixture(scope="module")
def examples(tmp_path_factory) -> dict[str, Ran]:
    """Every scrape example of the discovery section, each on its own site and archive,
    side by side (each is a few process starts)."""
    root = tmp_path_factory.mktemp("discovery")
    lines = [line for line in discovery_examples() if line.startswith("scrape ")]
    with ThreadPoolExecutor(max_workers=3) as pool:
        ran = pool.map(_run_example, lines, [root / f"example-{n}" for n in range(len(lines))])
        return dict(zip(lines, ran))


def example(examples: dict[str, Ran], start: str) -> Ran:
    [ran] = [r for line, r in examples.items() if line == start] or [
        r for line, r in examples.items() if line.startswith(start)]
    assert "Traceback" not in ran.result.stderr, ran.result.stderr
    return ran


def test_the_readme_shows_each_discovery_command():
    lines = discovery_examples()
    for start in (SITE, "scrape feed ", "scrape follow ",
                  "scrape batch urls.txt --follow related --depth 1", "--list-only",
                  "--since", "--scope prefix --max-pages"):
        assert any(start in line + " " for line in lines), start


# -- scrape site: the acceptance run ---------------------------------------------

def test_site_archives_every_article_the_sitemaps_list_and_nothing_else(examples):
    ran = example(examples, SITE)
    site = ran.site
    # exit 1: the site's broken sitemap and bad feed are failures, recorded with reasons
    assert ran.result.returncode == 1, ran.result.stderr
    assert ran.archived() == set(site.post_urls())
    queued_hosts = {r["host"] for r in ran.db.query("select distinct host from queue")}
    assert queued_hosts == {"127.0.0.1"}  # the other host's URLs were never queued
    paths = site.paths()
    assert paths[0] == "/robots.txt"
    assert len(paths) == len(set(paths)), "a URL was requested twice"
    assert not any(p.startswith(("/private/", "/category/")) for p in paths)
    assert in_flight_peak(site.hits) <= 2  # --per-host 2, discovery's requests included
    figures = json.loads(ran.result.stdout)
    assert figures["archived"] == ARTICLES and figures["sitemaps"] >= 4
    assert figures["new"] == ARTICLES


def test_site_records_how_each_url_was_found(examples):
    ran = example(examples, SITE)
    site, db = ran.site, ran.db
    found = {r["url"]: r for r in db.query("select * from discovered_urls")}
    first = found[site.url(site.post_path(1))]
    assert (first["via"], first["found_in"], first["found_in_kind"], first["lastmod"]) == (
        "sitemap", site.url("/sitemap-posts-1.xml"), "sitemap", "2025-01-01T00:00:00+00:00")
    assert found[site.url("/sitemap-posts-2.xml.gz")]["via"] == "sitemap_index"
    assert found[site.url("/sitemap_index.xml")]["found_in"] == site.url("/robots.txt")
    newest = found[site.url(site.post_path(ARTICLES))]
    assert newest["via"] == "news_sitemap"
    assert (newest["title"], newest["language"]) == (f"Post {ARTICLES}", "en")
    assert newest["published"].endswith("07:00:00+00:00")  # 08:00 +01:00, in UTC
    assert found[site.url("/feed/")]["via"] == "alternate"
    broken = found[site.url("/broken-sitemap.xml")]
    assert (broken["state"], broken["error_kind"]) == ("failed", "malformed")
    assert found[site.url("/bad-feed.xml")]["error_kind"] == "malformed"
    assert found[site.url(site.post_path(1))]["archived_article_id"] is not None


def test_a_rerun_on_the_same_site_adds_only_new_urls(tmp_path):
    site = Site(articles=12).start()
    db = tmp_path / "archive.db"
    try:
        first = scrape("site", site.url("/"), "--db", str(db), "--quiet")
        assert first.returncode == 1, first.stderr  # the broken sitemap and feed
        before = len(site.hits)
        site.articles = 15
        again = scrape("site", site.url("/"), "--db", str(db), "--quiet", "--json")
        assert again.returncode == 1, again.stderr
    finally:
        site.stop()
    rerun = [hit.path for hit in site.hits[before:]]
    posts = [p for p in rerun if "-news/" in p]
    assert sorted(posts) == sorted(site.post_path(n) for n in (13, 14, 15))
    assert len(rerun) == len(set(rerun))
    assert json.loads(again.stdout)["new"] == 3
    archive = Database(db)
    assert archive["articles"].count == 15
    assert {c for (c,) in archive.execute("select count(*) from fetches where url like '%-news/' "
                                          "group by url")} == {1}


# -- the other examples ----------------------------------------------------------

def test_since_queues_only_what_is_dated_on_or_after(examples):
    ran = example(examples, "scrape site https://example.org/ --since 2025-03-01")
    site = ran.site
    expected = {site.url(site.post_path(n)) for n in range(1, SMALL + 1)
                if site.day(n).isoformat() >= "2025-03-01"}
    assert ran.archived() == expected
    assert not any(site.post_path(1) == p for p in site.paths())


def test_prefix_scope_and_max_pages(examples):
    ran = example(examples, "scrape site https://example.org/2025/ --scope prefix")
    archived = ran.archived()
    assert len(archived) == 50
    assert all("/2025/" in url for url in archived)
    [seed] = ran.db.query("select pages from seeds")
    assert seed["pages"] == 50
    notes = [r["last_error"] for r in ran.db.query("select last_error from queue where "
                                                     "error_kind = 'max_pages'")]
    assert notes and "--max-pages 50 reached" in notes[0]


def test_feed_archives_its_items(examples):
    ran = example(examples, "scrape feed ")
    site = ran.site
    assert ran.result.returncode == 0, ran.result.stderr
    assert ran.archived() == {site.url(site.post_path(n)) for n in site.feed_posts()}
    vias = {r["via"] for r in ran.db.query("select via from discoveries where url like '%-news/'")}
    assert vias == {"feed"}
    assert [p for p in site.paths() if "-news/" not in p] == ["/robots.txt", "/feed/"]


def test_feed_given_a_page_reads_the_json_feed_it_announces(tmp_path):
    site = Site(articles=14, sitemaps=False, feeds=False, json_feed=True, feed_items=4).start()
    db = tmp_path / "archive.db"
    try:
        result = scrape("feed", site.url("/"), "--db", str(db), "--quiet", "--json")
        plain = scrape("feed", site.url("/category/news/"), "--db", str(db), "--json")
    finally:
        site.stop()
    assert result.returncode == 0, result.stderr
    assert plain.returncode == 1
    assert json.loads(plain.stdout)["failed"] == {"not_a_feed": 1}
    assert "announces no feed" in Database(db).execute(
        "select error from fetches where url like '%/category/news/'").fetchone()[0]
    assert "Traceback" not in result.stderr, result.stderr
    archive = Database(db)
    posts = {site.url(site.post_path(n)) for n in site.feed_posts()}
    assert {r["url"] for r in archive.query("select url from articles")} >= posts
    found = {r["url"]: r for r in archive.query(
        "select url, via, published, title from discoveries where found_in like '%feed.json'")}
    assert set(found) == posts  # relative and absolute item URLs; the item with none is left
    newest = found[site.url(site.post_path(14))]
    assert (newest["via"], newest["title"]) == ("feed", "Post 14")
    assert newest["published"] == f"{site.day(14)}T06:00:00+00:00"  # 08:00 +02:00, in UTC


def test_refresh_fetches_again_only_what_the_sitemap_dates_after_the_archived_copy(tmp_path):
    site = Site(articles=10, feeds=False).start()
    db = tmp_path / "archive.db"

    def rerun(*options: str) -> list[str]:
        before = len(site.hits)
        result = scrape("site", site.url("/"), "--db", str(db), "--quiet", *options)
        assert "Traceback" not in result.stderr, result.stderr
        return [hit.path for hit in site.hits[before:] if "-news/" in hit.path]

    try:
        assert len(rerun()) == 10
        time.sleep(1.1)  # the archive's clock counts seconds
        site.revised = {3: datetime.now(timezone.utc).isoformat(timespec="seconds"),
                        7: "2024-01-01"}  # revised since it was archived; and long before
        assert rerun() == []  # without --refresh: only what is new
        assert rerun("--refresh") == [site.post_path(3)]
        assert rerun("--refresh") == []  # the copy now is newer than the sitemap's date
    finally:
        site.stop()
    archive = Database(db)
    fetched = {r["url"]: r["n"] for r in archive.query(
        "select url, count(*) n from fetches where url like '%-news/' group by url")}
    assert fetched.pop(site.url(site.post_path(3))) == 2 and set(fetched.values()) == {1}


def test_follow_stops_where_the_chain_loops_back(tmp_path):
    site = Site(articles=8, loop=True, sitemaps=False, feeds=False).start()
    db = tmp_path / "archive.db"
    try:
        result = scrape("follow", site.url(site.post_path(8)), "--direction", "prev",
                        "--db", str(db), "--quiet", timeout=60)
    finally:
        site.stop()
    assert result.returncode == 0, result.stderr
    posts = [p for p in site.paths() if "-news/" in p]
    assert posts == [site.post_path(n) for n in range(8, 0, -1)]  # each once, 1 -> 8 not again
    assert Database(db)["articles"].count == 8


def test_discovery_progress_counts_what_was_read_found_and_archived(tmp_path):
    """Without a terminal the progress line is printed (every few seconds and) at the end."""
    site = Site(articles=6, feeds=False).start()
    try:
        result = scrape("site", site.url("/"), "--db", str(tmp_path / "archive.db"))
    finally:
        site.stop()
    assert "Traceback" not in result.stderr, result.stderr
    output = result.stdout + result.stderr
    # the index, its two children and the news sitemap read; the home page read for feeds
    assert "sitemaps 4, feeds 0, listings 1 read" in output, output
    assert re.search(r"URLs found \d+, in scope \d+, new 6; archived 6, failed 1,", output)
    assert f"failed: {site.url('/broken-sitemap.xml')}: " in output


def test_the_summarys_notes_are_whole_lines(tmp_path):
    """A note holds a URL and a reason: never cut by the table or the terminal's width."""
    result = scrape("site", "http://127.0.0.1:9/", "--db", str(tmp_path / "archive.db"),
                    "--quiet", "--retries", "0")
    assert result.returncode == 1, result.stderr
    notes = [line for line in result.stdout.splitlines() if line.startswith("note: ")]
    assert notes == ["note: http://127.0.0.1:9/robots.txt: robots.txt unavailable (cannot "
                     "connect: 127.0.0.1:9: connection refused)",
                     "note: http://127.0.0.1:9/: robots.txt unavailable (cannot connect: "
                     "127.0.0.1:9: connection refused); not fetched"]


def test_follow_prev_walks_the_chain_to_the_first_post_and_stops(examples):
    ran = example(examples, "scrape follow ")
    site = ran.site
    assert ran.result.returncode == 0, ran.result.stderr
    assert ran.archived() == {site.url(site.post_path(n)) for n in range(1, 13)}
    assert site.paths() == ["/robots.txt"] + [site.post_path(n) for n in range(12, 0, -1)]
    depths = [r["depth"] for r in ran.db.query(
        "select depth from discovered_urls order by depth")]
    assert depths == list(range(12))


def test_batch_follow_related_depth_1_archives_the_related_posts_only(examples):
    ran = example(examples, "scrape batch urls.txt --follow")
    site = ran.site
    assert ran.result.returncode == 0, ran.result.stderr
    listed, related = (1, 30), (8, 14, 37, 43)
    assert ran.archived() == {site.url(site.post_path(n)) for n in listed + related}
    assert not any("elsewhere" in p for p in site.paths())  # another host: out of scope
    vias = {r["url"]: r["via"] for r in ran.db.query("select url, via from discovered_urls")}
    assert set(vias.values()) == {"related"}


def test_list_only_prints_the_urls_and_fetches_no_article(examples):
    ran = example(examples, "scrape site https://example.org/ --list-only")
    site = ran.site
    assert ran.result.returncode == 1  # the broken sitemap
    listed = (ran.folder / "urls.txt").read_text().split()
    assert set(listed) == set(site.post_urls()) and len(listed) == SMALL
    assert not any("-news/" in p for p in site.paths())
    assert ran.db["articles"].count == 0


def test_the_readme_queries_answer_how_a_url_was_found(examples):
    ran = example(examples, SITE)
    for line in discovery_examples():
        if line.startswith("sqlite-utils"):
            result = run(line, ran.folder)
            assert result.returncode == 0, result.stderr
            assert json.loads(result.stdout), line


# -- hostile sitemaps: each ends in seconds, with a reason, in bounded memory -------------

def _endless_urlset(h) -> None:
    """A sitemap that never ends: ten million URLs and more, streamed."""
    h.send_response(200)
    h.send_header("Content-Type", "application/xml")
    h.send_header("Transfer-Encoding", "chunked")
    h.end_headers()
    head = b'<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
    chunk = b"".join(b"<url><loc>http://127.0.0.1/u/%d</loc></url>" % n for n in range(2000))
    try:
        for piece in [head] + [chunk] * 5000:  # ~80 MB, 10 million URLs
            h.wfile.write(b"%x\r\n%s\r\n" % (len(piece), piece))
        h.wfile.write(b"0\r\n\r\n")
    except OSError:
        pass  # the crawler hung up: that is the point


def _nested(h) -> None:
    """A sitemap index whose only child is another index, for ever."""
    depth = int(h.path.rsplit("-", 1)[1].split(".")[0])
    body = (f'<?xml version="1.0"?><sitemapindex xmlns="http://www.sitemaps.org/schemas/'
            f'sitemap/0.9"><sitemap><loc>/nest-{depth + 1}.xml</loc></sitemap>'
            f'</sitemapindex>').encode()
    Site.send(h, 200, body, "application/xml")


BOMB = (b'<?xml version="1.0"?><!DOCTYPE urlset [<!ENTITY a "aaaaaaaaaa">'
        + b"".join(b'<!ENTITY a%d "%s">' % (n + 1, (b"&a%d;" % n if n else b"&a;") * 10)
                   for n in range(9))
        + b']><urlset><url><loc>http://127.0.0.1/&a9;</loc></url></urlset>')


@pytest.fixture(scope="module")
def hostile(tmp_path_factory):
    site = Site(articles=3, feeds=False, sitemaps=False, robots_extra=(
        "Sitemap: /bomb.xml\nSitemap: /ten-million.xml\nSitemap: /nest-0.xml\n"),
        extra={"/bomb.xml": BOMB, "/ten-million.xml": _endless_urlset})
    site.extra.update({f"/nest-{n}.xml": _nested for n in range(100)})
    site.start()
    db = tmp_path_factory.mktemp("hostile") / "archive.db"
    started = time.monotonic()
    result = scrape("site", site.url("/"), "--db", str(db), "--quiet", "--json")
    elapsed = time.monotonic() - started
    peak_kib = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    site.stop()
    rows = {r["url"].rsplit("/", 1)[1]: r for r in Database(db).query(
        "select url, state, error_kind, last_error from queue where kind = 'sitemap'")}
    yield site, result, elapsed, peak_kib, rows


def test_hostile_sitemaps_end_within_seconds_in_bounded_memory(hostile):
    site, result, elapsed, peak_kib, _ = hostile
    assert "Traceback" not in result.stderr
    assert elapsed < 60  # on an idle machine, a few seconds
    assert peak_kib < 400 * 1024  # the largest process of the crawl, whatever was served


def test_an_xml_bomb_is_refused_unread(hostile):
    row = hostile[4]["bomb.xml"]
    assert (row["state"], row["error_kind"]) == ("failed", "unsafe_xml")
    assert "entities" in row["last_error"]


def test_a_sitemap_of_ten_million_urls_is_read_as_far_as_its_cap(hostile):
    row = hostile[4]["ten-million.xml"]
    assert row["state"] == "done"
    assert row["error_kind"] == "truncated" and "50,000" in row["last_error"]


def test_endless_sitemap_index_nesting_stops_at_its_depth(hostile):
    site, _, _, _, rows = hostile
    nested = sorted(int(p.split("-")[1].split(".")[0]) for p in site.paths() if "/nest-" in p)
    assert nested == [0, 1, 2, 3, 4]  # the first sitemap and 4 levels below it
    assert rows["nest-4.xml"]["error_kind"] == "too_deep"


def test_read_sitemap_caps_bytes_after_decompression():
    from scraper.discover.sitemaps import read_sitemap

    entry = b"<url><loc>http://a/%d</loc></url>"
    body = b"<urlset>" + b"".join(entry % n for n in range(100_000)) + b"</urlset>"
    read = read_sitemap(gzip.compress(body), max_urls=10**6, max_bytes=64 * 1024)
    assert read.problem[0] == "too_large" and 0 < len(read.entries) < 3000
    assert not read.failed


# -- resume, last resort, scope ---------------------------------------------------

def test_kill_9_mid_discovery_then_rerun_loses_and_repeats_nothing(tmp_path):
    site = Site(articles=60, latency=0.05).start()
    db = tmp_path / "archive.db"
    try:
        command = [sys.executable, "-m", "scraper", "site", site.url("/"), "--db", str(db),
                   "--quiet", "--per-host", "1"]
        crawl = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and _archived(db) < 5:
            time.sleep(0.05)
        assert crawl.poll() is None, "the run ended before it could be killed"
        os.kill(crawl.pid, signal.SIGKILL)
        crawl.wait(10)
        done = {r["url"].split(str(site.httpd.server_address[1]), 1)[1] for r in Database(
            db).query("select url from queue where state != 'pending'")}
        assert any("sitemap" in p for p in done) and any("-news/" in p for p in done)
        before = len(site.hits)
        rerun = scrape("site", site.url("/"), "--db", str(db), "--quiet")
        # (0: the broken sitemap and feed failed in the killed run, and are not read again)
        assert rerun.returncode in (0, 1) and "Traceback" not in rerun.stderr, rerun.stderr
    finally:
        site.stop()
    archive = Database(db)
    assert archive["articles"].count == 60
    # what the killed run had committed is not fetched again (what it had fetched and not
    # yet written is: it was lost with the process, and is still pending)
    again = [hit.path for hit in site.hits[before:]]
    assert not set(again) & (done - {"/robots.txt"})
    assert len(again) == len(set(again))
    assert {c for (c,) in archive.execute(
        "select count(*) from discoveries group by url")} == {1}
    assert site.hits[before].path == "/robots.txt"


def _archived(db: Path) -> int:
    try:
        return Database(db).execute("select count(*) from articles").fetchone()[0]
    except Exception:  # not created yet
        return 0


def test_listing_pages_are_the_last_resort(tmp_path):
    site = Site(articles=25, sitemaps=False, feeds=False).start()
    db = tmp_path / "archive.db"
    try:
        result = scrape("site", site.url("/category/news/"), "--db", str(db), "--quiet")
    finally:
        site.stop()
    assert result.returncode == 0, result.stderr
    assert Database(db)["articles"].count == 25
    pages = [p for p in site.paths() if p.startswith("/category/")]
    assert pages == ["/category/news/", "/category/news/page/2/", "/category/news/page/3/"]
    vias = {r["via"] for r in Database(db).query("select via from discovered_urls")}
    assert {"listing", "next_page", "guess", "seed"} <= vias


def test_scopes_and_patterns():
    from scraper.discover.scope import Scope, ScopeKind

    root = "https://www.example.org/politics/"
    cases = {
        "https://www.example.org/politics/a/": ("host", "domain", "prefix", "any"),
        "https://www.example.org/politics": ("host", "domain", "prefix", "any"),
        "https://www.example.org/politicsx/": ("host", "domain", "any"),
        "https://news.example.org/politics/a/": ("domain", "any"),
        "https://example.org/a/": ("domain", "any"),
        "https://www.example.org:8443/politics/a/": ("domain", "any"),
        "https://badexample.org/": ("any",),
        "ftp://www.example.org/politics/": (),
    }
    for url, allowed in cases.items():
        for kind in ScopeKind:
            assert Scope(kind).around(root, url) == (kind.value in allowed), (url, kind)
    sifted = Scope(include=("/20\\d\\d/",), exclude=("/video/",))
    assert sifted.sifts_in("https://a/2025/x/")
    assert not sifted.sifts_in("https://a/video/2025/x/")
    assert not sifted.sifts_in("https://a/about/")


def test_the_readme_documents_every_discovery_option():
    import typer.main

    from scraper.cli.app import app

    text = README.read_text("utf-8")
    section = text.split("### `scrape site URL`", 1)[1].split("\n### ", 1)[0]
    commands = typer.main.get_command(app).commands
    for name in ("site", "feed", "follow"):
        options = [o for p in commands[name].params for o in p.opts if o.startswith("--")]
        assert [o for o in options if f"`{o}" not in section] == [], name
