"""`scrape batch` and `scrape reextract` on a Dask cluster: a LocalCluster of worker
processes started here, loopback servers, real archives, the real CLI."""
from __future__ import annotations

import json
import os
import re
import signal
import socket
import sqlite3
import subprocess
import sys
import time
from collections import Counter
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

import pytest
from faults import FaultServer
from sqlite_utils import Database

pytest.importorskip("distributed")

from test_batch import QUICK, in_flight_peak, scrape, wait_until_done, write_list  # noqa: E402


@pytest.fixture(scope="module")
def cluster():
    """Two worker processes, as `--cluster local:2` starts them; their address."""
    from scraper.cluster.connect import cluster_address

    with cluster_address("local:2") as address:
        yield address


def worker_pids(address: str) -> list[int]:
    from distributed import Client

    with Client(address) as client:
        return sorted(client.run(os.getpid).values())


# -- what an archive holds, without the ids and times that differ between runs ------

_TIMES = {"fetched_at", "first_seen", "last_seen", "seen_at", "stored_at", "added_at",
          "updated_at", "elapsed_ms", "found_at", "first_run", "run_started", "run_finished"}


def contents(path: Path) -> dict[str, Counter]:
    """Every table's rows, as a multiset: times dropped, ids replaced by the URL of the row
    they point to (so the rows must also point the same way), the Date header dropped."""
    db = sqlite3.connect(path)
    tables = [name for (name,) in db.execute(
        "select name from sqlite_master where type = 'table' and name not like '%fts%'")]
    keys: dict[tuple[str, int], str] = {}

    def key(table: str, row_id: int | None):
        if row_id is None:
            return None
        if (table, row_id) not in keys:
            columns = [c[1] for c in db.execute(f"pragma table_info([{table}])")]
            if "url" in columns:
                [found] = db.execute(f"select url from [{table}] where id = ?", [row_id])
                keys[table, row_id] = found[0]
            else:  # a row without a URL of its own: named by the row it belongs to
                [fk] = db.execute(f"pragma foreign_key_list([{table}])").fetchall()[:1]
                [parent] = db.execute(f"select [{fk[3]}] from [{table}] where id = ?", [row_id])
                keys[table, row_id] = f"{key(fk[2], parent[0])}#{table}"
        return keys[table, row_id]

    found = {}
    for table in tables:
        columns = [c[1] for c in db.execute(f"pragma table_info([{table}])")]
        links = {fk[3]: fk[2] for fk in db.execute(f"pragma foreign_key_list([{table}])")
                 if fk[4] == "id"}
        rows = Counter()
        for row in db.execute(f"select * from [{table}]"):
            kept = []
            for column, value in zip(columns, row):
                if column in _TIMES or column == "id":
                    continue
                if column in links:
                    value = key(links[column], value)
                elif column == "headers" and value:
                    value = json.dumps({k: v for k, v in json.loads(value).items()
                                        if k != "date"}, sort_keys=True)
                kept.append((column, value))
            rows[tuple(kept)] += 1
        found[table] = rows
    return found


def assert_sound(db: Path) -> None:
    conn = sqlite3.connect(db)
    assert conn.execute("pragma integrity_check").fetchall() == [("ok",)]
    assert conn.execute("pragma foreign_key_check").fetchall() == []


# -- the crawl ------------------------------------------------------------------------

def test_every_page_once_and_politeness_held_from_the_servers_side(cluster, tmp_path,
                                                                   db_path):
    hosts = [FaultServer(host="127.0.0.1", latency=0.1).start(),
             FaultServer(host="127.0.0.2", latency=0.1).start(),
             FaultServer(host="127.0.0.3", latency=0.05,
                         robots="User-agent: *\nCrawl-delay: 0.3\n").start()]
    try:
        urls = [server.url(f"/ok/{n}") for n in range(12) for server in hosts[:2]]
        urls += [hosts[2].url(f"/ok/{n}") for n in range(4)]
        result = scrape("batch", str(write_list(tmp_path / "urls.txt", urls)), "--db",
                        str(db_path), "--per-host", "2", "--concurrency", "16", "--quiet",
                        "--cluster", cluster)
        assert result.returncode == 0, result.stderr
        archive = Database(db_path)
        assert archive["articles"].count == len(urls)
        assert archive.execute("select count(distinct url), count(*) from fetches"
                               ).fetchone() == (len(urls), len(urls))
        for server in hosts:
            assert server.paths().count("/robots.txt") == 1  # read once, by the head
            pages = [r for r in server.requests if r.path.startswith("/ok/")]
            assert sorted(r.path for r in pages) == sorted(set(r.path for r in pages))
            assert in_flight_peak(pages) <= 2
        requests = sorted(hosts[2].requests, key=lambda r: r.started)
        assert len(requests) == 5  # robots.txt and four pages, each after the delay
        assert min(b.started - a.answered for a, b in zip(requests, requests[1:])) >= 0.3
        assert_sound(db_path)
    finally:
        for server in hosts:
            server.stop()


def test_a_worker_killed_mid_batch_loses_nothing_and_duplicates_nothing(cluster, tmp_path):
    server = FaultServer(latency=0.05).start()
    try:
        db = tmp_path / "archive.db"
        urls = [server.url(f"/ok/{n}") for n in range(50)]
        crawl = subprocess.Popen(
            [sys.executable, "-m", "scraper", "batch", str(write_list(tmp_path / "urls.txt",
                                                                      urls)),
             "--db", str(db), "--per-host", "4", "--quiet", "--cluster", cluster],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        wait_until_done(db, crawl, 10)
        assert crawl.poll() is None, "the batch ended before a worker could be killed"
        os.kill(worker_pids(cluster)[0], signal.SIGKILL)
        out, err = crawl.communicate(timeout=60)
        assert crawl.returncode == 0, err
        assert "Traceback" not in err
        archive = Database(db)
        assert dict(archive.execute("select state, count(*) from queue group by state")
                    .fetchall()) == {"done": len(urls)}
        assert archive["articles"].count == len(urls)
        assert archive.execute("select count(distinct url), count(*) from fetches"
                               ).fetchone() == (len(urls), len(urls))
        assert archive.execute("select count(*) from article_versions").fetchone()[0] == len(urls)
        assert_sound(db)
    finally:
        server.stop()


def test_the_same_rows_as_a_crawl_without_the_cluster(tmp_path):
    """`--cluster local:2` stores what a crawl without it stores, table by table. The pages
    include redirects to another host, whose robots.txt the head reads when a worker finds
    it needs it."""
    site, other = (FaultServer(host="127.0.0.1").start(),
                   FaultServer(host="127.0.0.2", robots="User-agent: *\nDisallow: /private/\n"
                               ).start())
    site.redirects = {"/away": other.url("/ok/elsewhere"),
                      "/away-private": other.url("/private/page")}
    try:
        paths = [f"/ok/{n}" for n in range(8)] + [
            "/cp1250", "/sjis", "/chain/3", "/refresh", "/status/404", "/pdf", "/empty",
            "/private/no", "/away", "/away-private"]
        url_list = write_list(tmp_path / "urls.txt", [site.url(p) for p in paths])
        archives = {}
        for name, extra in (("here", []), ("cluster", ["--cluster", "local:2"])):
            archives[name] = tmp_path / f"{name}.db"
            result = scrape("batch", str(url_list), "--db", str(archives[name]), *QUICK,
                            *extra, timeout=180)  # starting a cluster on a busy machine
            assert result.returncode == 1, result.stderr  # the 404 and the empty page
            assert "Traceback" not in result.stderr
        here, there = contents(archives["here"]), contents(archives["cluster"])
        assert set(here) == set(there)
        for table in here:
            assert here[table] == there[table], table
        assert sum(here["articles"].values()) == 13
        assert other.paths().count("/robots.txt") == 2  # once per run
        assert "/private/page" not in other.paths()
    finally:
        site.stop()
        other.stop()


def test_discovery_reads_pages_on_the_workers_as_it_does_here(cluster, tmp_path):
    """`batch --follow`: the pages a followed page links to are found where it is prepared
    (on a worker), and queued at the head, as without a cluster."""
    from newssite import Site

    site = Site(articles=8).start()
    try:
        url_list = write_list(tmp_path / "urls.txt", site.post_urls()[3:5])
        archives = {}
        for name, extra in (("here", []), ("cluster", ["--cluster", cluster])):
            archives[name] = tmp_path / f"{name}.db"
            result = scrape("batch", str(url_list), "--db", str(archives[name]), "--follow",
                            "prev,next,related", "--quiet", *extra)
            assert result.returncode == 0, result.stderr
        here, there = contents(archives["here"]), contents(archives["cluster"])
        assert sum(here["discoveries"].values()) > 2 and sum(here["articles"].values()) > 2
        for table in here:
            assert here[table] == there[table], table
    finally:
        site.stop()


def test_site_discovery_on_the_cluster_stores_what_it_stores_here(cluster, tmp_path):
    """`scrape site`: robots.txt, sitemaps, feeds and pages read on the workers; the same
    rows as without the cluster, politeness from the server's log still held."""
    from newssite import Site

    site = Site(articles=10, latency=0.02).start()
    try:
        archives = {}
        for name, extra in (("here", []), ("cluster", ["--cluster", cluster])):
            archives[name] = tmp_path / f"{name}.db"
            before = len(site.hits)
            result = scrape("site", site.url("/"), "--db", str(archives[name]), "--quiet",
                            "--per-host", "2", *extra)
            assert result.returncode == 1, result.stderr  # the site's broken sitemap and feed
            assert "Traceback" not in result.stderr, result.stderr
            assert in_flight_peak(site.hits[before:]) <= 2
        here, there = contents(archives["here"]), contents(archives["cluster"])
        assert sum(here["articles"].values()) == 10
        # which document names a URL first (sitemap, news sitemap or feed) is a race, here too
        found = {name: {dict(row)["url"] for row in rows["discoveries"]}
                 for name, rows in (("here", here), ("cluster", there))}
        assert found["here"] == found["cluster"]
        for table in here.keys() - {"discoveries"}:
            assert here[table] == there[table], table
    finally:
        site.stop()


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextmanager
def dask_apart() -> Iterator[tuple[str, subprocess.Popen]]:
    """A scheduler and a worker of two threads started with Dask's own commands, as on
    several machines: the scheduler's address, and its process (for a test to kill)."""
    dask = Path(sys.executable).parent / "dask"
    address = f"tcp://127.0.0.1:{free_port()}"
    quiet = {"stdout": subprocess.DEVNULL, "stderr": subprocess.DEVNULL}
    scheduler = subprocess.Popen([dask, "scheduler", "--host", "127.0.0.1", "--port",
                                  address.rsplit(":", 1)[1], "--dashboard-address",
                                  "127.0.0.1:0"], **quiet)
    worker = subprocess.Popen([dask, "worker", address, "--nthreads", "2",
                               "--dashboard-address", "127.0.0.1:0"], **quiet)
    try:
        yield address, scheduler
    finally:
        for process in (worker, scheduler):
            process.terminate()
            try:
                process.wait(10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def test_a_scheduler_that_cannot_be_reached_is_one_line_and_nothing_is_fetched(
        faults, tmp_path, db_path):
    url_list = write_list(tmp_path / "urls.txt", [faults.url(f"/ok/{n}") for n in range(3)])
    address = f"tcp://127.0.0.1:{free_port()}"
    result = subprocess.run(
        [sys.executable, "-m", "scraper", "batch", str(url_list), "--db", str(db_path),
         "--cluster", address, "--quiet"], capture_output=True, text=True, timeout=60,
        env={**os.environ, "DASK_DISTRIBUTED__COMM__TIMEOUTS__CONNECT": "1s"})
    assert result.returncode == 7
    [line] = result.stderr.strip().splitlines()
    assert line.startswith(f"error: cannot reach the Dask scheduler at {address}"), line
    assert Database(db_path).execute(
        "select count(*) from queue where state = 'pending'").fetchone()[0] == 3
    assert faults.requests == []


def test_a_lost_scheduler_is_one_line_the_archive_stays_sound_and_a_rerun_resumes(tmp_path):
    """A scheduler and a worker started with Dask's own commands, as on several machines;
    the scheduler is killed mid-batch."""
    with dask_apart() as (address, scheduler):
        server = FaultServer(latency=0.1).start()
        try:
            db = tmp_path / "archive.db"
            urls = [server.url(f"/ok/{n}") for n in range(30)]
            url_list = write_list(tmp_path / "urls.txt", urls)
            crawl = subprocess.Popen(
                [sys.executable, "-m", "scraper", "batch", str(url_list), "--db", str(db),
                 "--quiet", "--cluster", address],
                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
            wait_until_done(db, crawl, 5, timeout=60)
            assert crawl.poll() is None, "the batch ended before the scheduler could be killed"
            scheduler.kill()
            out, err = crawl.communicate(timeout=60)
            assert crawl.returncode == 7, err
            assert err.strip().splitlines() == [
                f"error: lost the connection to the Dask scheduler at {address}; what was "
                "archived stays: run the same command again to resume"]
            assert_sound(db)
            archive = Database(db)
            done = archive.execute(
                "select count(*) from queue where state = 'done'").fetchone()[0]
            assert 5 <= done < len(urls) and archive["articles"].count == done

            rerun = scrape("batch", str(url_list), "--db", str(db), "--quiet")
            assert rerun.returncode == 0, rerun.stderr
            assert archive["articles"].count == len(urls)
            assert archive.execute("select count(distinct url), count(*) from fetches"
                                   ).fetchone() == (len(urls), len(urls))
        finally:
            server.stop()


# -- re-extraction --------------------------------------------------------------------

def test_reextract_on_the_cluster_rebuilds_every_article_as_extracted_here(cluster, tmp_path):
    from archiving import sample_archive

    crawled = sample_archive(tmp_path / "crawled.db")
    db = tmp_path / "reextracted.db"
    db.write_bytes(crawled.read_bytes())
    with sqlite3.connect(db) as conn:  # as after an extractor upgrade: every article is redone
        articles = conn.execute("select count(*) from articles").fetchone()[0]
        conn.execute("update articles set title = 'old', extractor_version = '0'")
    result = scrape("reextract", "--db", str(db), "--cluster", cluster)
    assert result.returncode == 0, result.stderr
    assert f"Re-extracted {articles} articles" in result.stdout
    assert f"{articles} changed" in result.stdout
    assert contents(db) == contents(crawled)  # made by the workers as they were made here
    assert_sound(db)


# -- narrow logic: a job that kills workers -------------------------------------------

def test_a_page_that_kills_its_worker_is_failed_and_its_batch_mates_are_not():
    """A stand-in for the cluster: any task holding the poison page dies, as a worker
    would. Its batch mates are sent again and fetched; the poison page, once it has
    killed a worker alone, is recorded as extraction_crashed, not sent forever."""
    import asyncio

    from distributed import KilledWorker

    from scraper.cluster.head import ClusterAttempts
    from scraper.cluster.work import Done
    from scraper.crawl.batch import CrawlSettings, Fetched, Job
    from scraper.models import FetchResult

    sent: list[list[str]] = []

    class Dying:
        def __init__(self, batch) -> None:
            self.batch = batch

        def __await__(self):
            async def run():
                await asyncio.sleep(0)
                urls = [job.url for job in self.batch.jobs]
                sent.append(urls)
                if "http://a.test/poison" in urls:
                    raise KilledWorker("fetch_pages", None, 0)
                return [Done(Fetched(FetchResult(url, status=200))) for url in urls]
            return run().__await__()

        def release(self) -> None:
            pass

    class Cluster:
        def submit(self, function, batch, pure):
            return Dying(batch)

    async def crawl() -> list[Fetched]:
        attempts = ClusterAttempts(Cluster(), "tcp://stand-in", CrawlSettings(), batch=4)

        async def rules(origin):
            return None

        urls = ["http://a.test/1", "http://a.test/poison", "http://a.test/2"]
        return await asyncio.gather(*(attempts.attempt(Job(url), url, 30, 0.0, rules)
                                      for url in urls))

    one, poison, two = asyncio.run(crawl())
    assert (one.result.status, two.result.status) == (200, 200)
    assert poison.result.error_kind == "extraction_crashed"
    assert sent[0] == ["http://a.test/1", "http://a.test/poison", "http://a.test/2"]
    assert sorted(map(tuple, sent[1:])) == [("http://a.test/1",), ("http://a.test/2",),
                                           ("http://a.test/poison",)]


# -- import ---------------------------------------------------------------------------

def many_pages(path: Path, count: int, seed: int = 1) -> Path:
    """A WARC file of `count` pages of varied words, gzip members, as a crawler writes it:
    a few kilobytes each once packed, so that a few hundred pages are read in several
    spans."""
    import random

    from test_warc_import import Crawler, page

    rng = random.Random(seed)
    vocabulary = ["".join(rng.choice("abcdefghijklmnopqrstuvwxyz")
                          for _ in range(rng.randint(2, 9))) for _ in range(3000)]
    with path.open("wb") as out:
        crawl = Crawler(out)
        crawl.info()
        for n in range(count):
            words = " ".join(rng.choice(vocabulary) for _ in range(1500)) + "."
            crawl.response(f"https://site-{n % 5}.example/story/{n}",
                           page(f"Story {n}: {vocabulary[n % 3000]}", words))
    return path


def summary(stdout: str) -> list[str]:
    """The import's figures, but for its time and speed."""
    return [line for line in stdout.splitlines()
            if not line.startswith(("elapsed", "pages/s"))]


def test_import_on_the_cluster_stores_what_a_plain_import_stores(cluster, tmp_path):
    """Files of every kind the import reads (gzip members cut into spans, plain WARC/1.0,
    ARC, a last record cut short, a duplicate, non-HTML): the same rows, table by table,
    and the same figures; run again on the cluster, nothing is added."""
    from test_warc_import import build_arc, build_crawl, build_plain

    files = [str(many_pages(tmp_path / "many.warc.gz", 400)),
             str(build_crawl(tmp_path / "crawl.warc.gz")),
             str(build_plain(tmp_path / "plain.warc")), str(build_arc(tmp_path / "old.arc.gz"))]
    assert Path(files[0]).stat().st_size > 2 << 20  # read in several spans (MIN_SPAN)
    runs = {}
    for name, extra in (("here", []), ("cluster", ["--cluster", cluster])):
        db = tmp_path / f"{name}.db"
        runs[name] = scrape("import", *files, "--db", str(db), *extra, timeout=180)
        assert runs[name].returncode == 1, runs[name].stderr  # the record cut short
        assert "Traceback" not in runs[name].stderr
        assert "cut short" in runs[name].stderr
    here, there = contents(tmp_path / "here.db"), contents(tmp_path / "cluster.db")
    assert sum(here["articles"].values()) > 400
    assert set(here) == set(there)
    for table in here:
        assert here[table] == there[table], table
    assert summary(runs["here"].stdout) == summary(runs["cluster"].stdout)
    assert_sound(tmp_path / "cluster.db")

    again = scrape("import", *files, "--db", str(tmp_path / "cluster.db"), "--cluster", cluster,
                   timeout=180)
    assert contents(tmp_path / "cluster.db") == there
    assert again.returncode == 1, again.stderr
    assert re.search(r"archived\s+│\s+0\n", again.stdout) and "imported before" in again.stdout


def test_a_file_the_workers_cannot_read_is_one_line(cluster, tmp_path):
    result = scrape("import", str(tmp_path / "nowhere.warc.gz"), "--db", str(tmp_path / "a.db"),
                    "--cluster", cluster)
    assert result.returncode == 3, result.stderr
    [line] = result.stderr.strip().splitlines()
    assert line.startswith("error: cannot read WARC file") and line.endswith("no such file")


def _import(files: list[str], db: Path, cluster: str) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "scraper", "import", *files, "--db", str(db),
                             "--quiet", "--cluster", cluster], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, start_new_session=True)


def _wait_for_fetches(db: Path, run: subprocess.Popen, count: int, timeout: float = 90) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and run.poll() is None:
        time.sleep(0.1)
        try:
            if Database(db).execute("select count(*) from fetches").fetchone()[0] >= count:
                return
        except Exception:  # the archive is still being created
            pass


def _each_page_once(db: Path, pages: int) -> None:
    archive = Database(db)
    assert archive["articles"].count == pages
    assert archive.execute("select count(distinct url), count(*), count(distinct warc_offset) "
                           "from fetches").fetchone() == (pages, pages, pages)
    assert_sound(db)


def test_a_worker_killed_mid_import_loses_nothing_and_duplicates_nothing(cluster, tmp_path):
    files = [str(many_pages(tmp_path / "many.warc.gz", 600, seed=2))]
    db = tmp_path / "archive.db"
    run = _import(files, db, cluster)
    _wait_for_fetches(db, run, 40)
    assert run.poll() is None, "the import ended before a worker could be killed"
    os.kill(worker_pids(cluster)[0], signal.SIGKILL)
    out, err = run.communicate(timeout=180)
    assert run.returncode == 0, err
    assert "Traceback" not in err
    _each_page_once(db, 600)


def test_an_import_on_the_cluster_killed_goes_on_where_it_stopped(cluster, tmp_path):
    files = [str(many_pages(tmp_path / "many.warc.gz", 500, seed=3))]
    db = tmp_path / "archive.db"
    first = _import(files, db, cluster)
    _wait_for_fetches(db, first, 40)
    os.killpg(first.pid, signal.SIGKILL)  # the head and its writer, at once
    first.communicate()
    before = Database(db).execute("select count(*) from fetches").fetchone()[0]
    assert before < 500 or first.returncode == 0
    rerun = scrape("import", *files, "--db", str(db), "--quiet", "--cluster", cluster,
                   timeout=180)
    assert rerun.returncode == 0, rerun.stderr
    _each_page_once(db, 500)


def test_a_record_that_kills_its_worker_is_failed_and_the_file_goes_on(tmp_path):
    """A stand-in for the cluster runs each import task here, and dies (as a worker would)
    on any task that would extract the poison page. The pages before and after it are
    archived; the poison page, once it has killed a worker alone, is located without being
    extracted and recorded as extraction_crashed."""
    import asyncio

    from distributed import KilledWorker
    from test_warc_import import Crawler, page

    from scraper.archive.store import Archive
    from scraper.cluster.imports import _Reader, ImportSettings
    from scraper.cluster.work import import_span
    from scraper.crawl.writer import Prepared
    from scraper.warc.source import ImportFilter, Reading, Seen, Span

    path = tmp_path / "crawl.warc.gz"
    urls = [f"https://news.example/{n}" for n in range(40)]
    poison = urls[21]
    with path.open("wb") as out:
        crawl = Crawler(out)
        for url in urls:
            crawl.response(url, page(url.rsplit("/", 1)[1]))
    sent: list[tuple[int, int, bool]] = []  # (start, max_pages, prepared) of each task

    class Task:
        def __init__(self, args) -> None:
            self.args = args

        def __await__(self):
            async def run():
                await asyncio.sleep(0)
                release, span, keep, imported, max_pages, prepared = self.args
                sent.append((span.start, max_pages, prepared))
                part = import_span(release, span, keep, imported, max_pages, False)
                if prepared and poison in [p.result.url for p in part.pages]:
                    raise KilledWorker("import_span", None, 0)
                return import_span(release, span, keep, imported, max_pages, prepared)
            return run().__await__()

        def release(self) -> None:
            pass

    class Cluster:
        def submit(self, function, *args, pure):
            return Task(args)

    archive = Archive(tmp_path / "archive.db")
    handed = []

    async def hand_over(item) -> None:
        handed.append(item)

    reading = Reading()
    reader = _Reader(Cluster(), "tcp://stand-in",
                     ImportSettings(ImportFilter(), tmp_path / "archive.db", 64),
                     Seen(archive.db.conn, 64), reading, lambda r: None, ahead=2)
    asyncio.run(reader.produce([Span(str(path.resolve()), 0)])(hand_over))
    archive.close()

    prepared = [item.finished.url for item in handed if isinstance(item, Prepared)]
    failed = [item for item in handed if not isinstance(item, Prepared)]
    assert sorted(prepared) == sorted(u for u in urls if u != poison)
    assert [(f.url, f.state, f.result.error_kind) for f in failed] == [
        (poison, "failed", "extraction_crashed")]
    assert failed[0].result.warc is not None  # a rerun skips it as imported before
    deaths = [n for n, (_, _, prep) in enumerate(sent) if not prep]
    assert len(deaths) == 1 and sent[deaths[0] - 1][1] == 1  # alone, then located only
    assert reading.records == 80 and not reading.problems


def test_an_import_that_loses_its_scheduler_is_one_line_and_a_rerun_finishes_it(tmp_path):
    """A scheduler and a worker started with Dask's own commands; the scheduler is killed
    mid-import. One line, the archive sound; the rerun, without a cluster, adds the rest
    once."""
    with dask_apart() as (address, scheduler):
        files = [str(many_pages(tmp_path / "many.warc.gz", 500, seed=4))]
        db = tmp_path / "archive.db"
        run = _import(files, db, address)
        _wait_for_fetches(db, run, 30)
        assert run.poll() is None, "the import ended before the scheduler could be killed"
        scheduler.kill()
        out, err = run.communicate(timeout=90)
        assert run.returncode == 7, err
        assert err.strip().splitlines() == [
            f"error: lost the connection to the Dask scheduler at {address}; what was "
            "archived stays: run the same command again to resume"]
        assert_sound(db)
        assert 30 <= Database(db)["articles"].count < 500
        rerun = scrape("import", *files, "--db", str(db), "--quiet", timeout=180)
        assert rerun.returncode == 0, rerun.stderr
        _each_page_once(db, 500)
