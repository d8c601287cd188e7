"""`scrape batch` end to end: the real CLI, a fault-injecting loopback server, a real archive."""
from __future__ import annotations

import hashlib
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import zstandard
from faults import BOM_TEXT, CP1250_TEXT, SJIS_TEXT, FaultServer
from sqlite_utils import Database

# Small deadlines, so every fault resolves in seconds.
QUICK = ["--timeout", "1.5", "--read-timeout", "0.7", "--connect-timeout", "1", "--retries", "1",
         "--backoff", "0.1", "--max-url-time", "4", "--max-body", "1", "--max-retry-after", "5"]


def scrape(*args: str, stdin: str | None = None, timeout: float = 60) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "scraper", *args], input=stdin,
                          capture_output=True, text=True, timeout=timeout)


def write_list(path: Path, urls: list[str]) -> Path:
    path.write_text("\n".join(urls) + "\n")
    return path


def queue_row(db: Path, url: str) -> dict:
    [row] = Database(db).query("select * from queue where url = ?", [url])
    return row


# -- every fault, in one batch ------------------------------------------------

FAULT_PATHS = ["/status/500", "/status/503", "/429", "/chain/3", "/chain/12", "/loop/a", "/hang",
               "/drip", "/reset", "/big", "/big-unsized", "/bomb", "/pdf", "/malformed", "/empty",
               "/private/secret", "/cp1250", "/sjis", "/bom", "/refresh", "/ok/plain"]


@pytest.fixture(scope="module")
def fault_batch(tmp_path_factory):
    server = FaultServer().start()
    tmp = tmp_path_factory.mktemp("faults")
    db = tmp / "archive.db"
    urls = write_list(tmp / "urls.txt", [server.url(p) for p in FAULT_PATHS])
    started = time.monotonic()
    result = scrape("batch", str(urls), "--db", str(db), "--per-host", "4", *QUICK)
    elapsed = time.monotonic() - started
    yield server, db, result, elapsed
    server.stop()


def outcome(fault_batch, path: str) -> dict:
    server, db, _, _ = fault_batch
    return queue_row(db, server.url(path))


def article_of(fault_batch, path: str) -> dict:
    server, db, _, _ = fault_batch
    [row] = Database(db).query("select * from articles where url = ?", [server.url(path)])
    return row


def test_the_fault_batch_finishes_within_its_deadlines(fault_batch):
    _, db, result, elapsed = fault_batch
    # The slowest fault costs two 1.5 s attempts; with start-up, far below this bound.
    assert elapsed < 20, result.stderr
    assert result.returncode == 1  # some URLs failed
    states = dict(Database(db).execute("select state, count(*) from queue group by state").fetchall())
    assert states.get("pending", 0) == 0
    assert sum(states.values()) == len(FAULT_PATHS)


@pytest.mark.parametrize("path", ["/status/500", "/status/503"])
def test_server_errors_are_retried_then_failed(fault_batch, path):
    row = outcome(fault_batch, path)
    assert (row["state"], row["error_kind"], row["attempts"]) == ("failed", "http_status", 2)
    assert fault_batch[0].paths().count(path) == 2


def test_429_waits_for_retry_after_then_succeeds(fault_batch):
    row = outcome(fault_batch, "/429")
    assert (row["state"], row["attempts"]) == ("done", 2)
    first, second = [r for r in fault_batch[0].requests if r.path == "/429"]
    assert second.started - first.started >= 0.95  # Retry-After: 1


def test_a_301_chain_reaches_the_page(fault_batch):
    assert outcome(fault_batch, "/chain/3")["state"] == "done"
    assert article_of(fault_batch, "/chain/3")["final_url"].endswith("/chain/0")


def test_too_many_redirects_and_a_loop_fail(fault_batch):
    assert outcome(fault_batch, "/chain/12")["error_kind"] == "too_many_redirects"
    assert outcome(fault_batch, "/loop/a")["error_kind"] == "redirect_loop"


@pytest.mark.parametrize("path", ["/hang", "/drip"])
def test_a_hang_and_a_drip_time_out_within_the_deadline(fault_batch, path):
    row = outcome(fault_batch, path)
    assert (row["state"], row["error_kind"], row["attempts"]) == ("failed", "timeout", 2)
    requests = [r for r in fault_batch[0].requests if r.path == path]
    assert requests[-1].started - requests[0].started < 4  # --max-url-time


def test_a_reset_mid_body_fails_as_a_connection_error(fault_batch):
    row = outcome(fault_batch, "/reset")
    assert (row["state"], row["error_kind"]) == ("failed", "connection")


@pytest.mark.parametrize("path", ["/big", "/big-unsized", "/bomb"])
def test_oversized_bodies_and_a_gzip_bomb_are_refused(fault_batch, path):
    row = outcome(fault_batch, path)
    assert (row["state"], row["error_kind"]) == ("failed", "too_large")


def test_no_oversized_body_reached_the_archive(fault_batch):
    _, db, _, _ = fault_batch
    assert Database(db).execute("select max(size) from bodies").fetchone()[0] < 1024 * 1024


def test_a_pdf_is_recorded_and_skipped(fault_batch):
    row = outcome(fault_batch, "/pdf")
    assert (row["state"], row["error_kind"]) == ("skipped", "not_html")
    _, db, _, _ = fault_batch
    [fetch] = Database(db).query("select content_type, body_sha256 from fetches where id = ?",
                                 [row["fetch_id"]])
    assert fetch == {"content_type": "application/pdf", "body_sha256": None}


def test_malformed_html_is_still_archived(fault_batch):
    assert outcome(fault_batch, "/malformed")["state"] == "done"
    assert article_of(fault_batch, "/malformed")["title"].startswith("Broken")


def test_an_empty_body_fails_as_empty(fault_batch):
    row = outcome(fault_batch, "/empty")
    assert (row["state"], row["error_kind"]) == ("failed", "empty")


def test_robots_disallowed_url_is_skipped_and_never_requested(fault_batch):
    row = outcome(fault_batch, "/private/secret")
    assert (row["state"], row["error_kind"], row["attempts"]) == ("skipped", "robots", 0)
    assert row["last_error"] == "disallowed by robots.txt"
    paths = fault_batch[0].paths()
    assert "/private/secret" not in paths
    assert paths.count("/robots.txt") == 1


@pytest.mark.parametrize("path, text", [("/cp1250", CP1250_TEXT), ("/sjis", SJIS_TEXT),
                                        ("/bom", BOM_TEXT)])
def test_legacy_charsets_and_a_bom_decode(fault_batch, path, text):
    article = article_of(fault_batch, path)
    assert article["title"] == text
    assert text in article["body_text"]


def test_meta_refresh_is_followed(fault_batch):
    assert article_of(fault_batch, "/refresh")["final_url"].endswith("/ok/real")


def test_the_summary_counts_failures_by_reason(fault_batch):
    _, _, result, _ = fault_batch
    out = result.stdout
    for expected in ("archived", "timeout", "too_large", "http_status", "skipped: robots.txt",
                     "skipped: not_html", "pages/s"):
        assert expected in out, out
    # stderr is not a terminal here: plain log lines, one per failure, and a status line.
    assert f"failed: {fault_batch[0].url('/hang')}" in result.stderr
    assert "done (100%)" in result.stderr


# -- resuming -----------------------------------------------------------------

def wait_until_done(db: Path, crawl: subprocess.Popen, count: int, timeout: float = 30) -> None:
    """Wait until the running crawl has archived `count` URLs (or ended, or time is up)."""
    deadline = time.monotonic() + timeout
    done, problem = 0, None
    while done < count and time.monotonic() < deadline and crawl.poll() is None:
        time.sleep(0.1)
        if db.exists():
            try:
                done = Database(db).execute(
                    "select count(*) from queue where state = 'done'").fetchone()[0]
            except Exception as exc:  # the schema may not be there yet
                problem = exc
    assert crawl.poll() is None, f"the crawl ended first, with {done} seen done ({problem!r})"


def test_kill_9_then_rerun_archives_every_url_exactly_once(tmp_path):
    server = FaultServer(latency=0.08).start()  # 4 s or more, two pages at a time
    try:
        db = tmp_path / "archive.db"
        urls = [server.url(f"/ok/{n}") for n in range(100)]
        url_list = write_list(tmp_path / "urls.txt", urls)
        command = [sys.executable, "-m", "scraper", "batch", str(url_list), "--db", str(db),
                   "--per-host", "2", "--quiet"]
        crawl = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        wait_until_done(db, crawl, 10)
        assert crawl.poll() is None, "the crawl ended before it could be killed"
        os.kill(crawl.pid, signal.SIGKILL)
        crawl.wait(10)
        done_before = {row["url"] for row in Database(db).query(
            "select url from queue where state = 'done'")}
        assert 10 <= len(done_before) < len(urls)
        requested_before = len(server.requests)

        rerun = scrape("batch", str(url_list), "--db", str(db), "--per-host", "2", "--quiet")
        assert rerun.returncode == 0, rerun.stderr
        archive = Database(db)
        assert archive.execute("select count(*) from queue where state = 'done'").fetchone()[0] == 100
        assert archive["articles"].count == 100
        per_url = archive.execute("select url, count(*) from fetches group by url").fetchall()
        assert len(per_url) == 100 and {count for _, count in per_url} == {1}
        refetched = {r.path for r in server.requests[requested_before:]} - {"/robots.txt"}
        assert not refetched & {u.split(str(server.httpd.server_address[1]))[1] for u in done_before}
    finally:
        server.stop()


def test_ctrl_c_keeps_what_was_archived_and_a_rerun_finishes_the_rest(tmp_path):
    server = FaultServer(latency=0.15).start()  # 12 s or more, one page at a time
    try:
        db = tmp_path / "archive.db"
        urls = [server.url(f"/ok/{n}") for n in range(80)]
        url_list = write_list(tmp_path / "urls.txt", urls)
        command = [sys.executable, "-m", "scraper", "batch", str(url_list), "--db", str(db),
                   "--per-host", "1", "--workers", "1"]
        # A terminal's Ctrl-C reaches the whole process group: crawl, writer and extractors.
        crawl = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                 text=True, start_new_session=True)
        wait_until_done(db, crawl, 5)
        assert crawl.poll() is None, "the crawl ended before Ctrl-C"
        os.killpg(crawl.pid, signal.SIGINT)
        out, err = crawl.communicate(timeout=20)
        assert crawl.returncode == 130, err
        assert "interrupted: run the same command again to resume" in err
        assert "Traceback" not in err and "archived" in out
        archive = Database(db)
        done_before = archive.execute(
            "select count(*) from queue where state = 'done'").fetchone()[0]
        assert 5 <= done_before < len(urls)
        assert archive["articles"].count == done_before  # handed-over pages were written too

        rerun = scrape("batch", str(url_list), "--db", str(db), "--per-host", "8", "--quiet")
        assert rerun.returncode == 0, rerun.stderr
        assert archive["articles"].count == len(urls)
        per_url = archive.execute("select count(*) from fetches group by url").fetchall()
        assert {count for (count,) in per_url} == {1}
    finally:
        server.stop()


@pytest.mark.parametrize("workers", ["0", "2"])
def test_every_extraction_layout_archives_the_same_rows(faults, tmp_path, db_path, workers):
    """0: the writer extracts pages itself; 2: extraction processes prepare them for it."""
    paths = [f"/ok/{n}" for n in range(12)] + ["/cp1250", "/status/404", "/pdf", "/empty"]
    url_list = write_list(tmp_path / "urls.txt", [faults.url(p) for p in paths])
    result = scrape("batch", str(url_list), "--db", str(db_path), "--workers", workers, *QUICK)
    assert result.returncode == 1, result.stderr  # the 404 and the empty page failed
    archive = Database(db_path)
    states = dict(archive.execute("select state, count(*) from queue group by state").fetchall())
    assert states == {"done": 13, "failed": 2, "skipped": 1}
    assert archive["articles"].count == 13
    # Bodies packed in another process are stored whole: size and digest match the bytes.
    for row in archive.query("select html, compression, size, sha256 from bodies"):
        html = zstandard.ZstdDecompressor().decompress(row["html"])
        assert len(html) == row["size"] and hashlib.sha256(html).hexdigest() == row["sha256"]
    assert archive.execute("select count(*) from fetches f join bodies b "
                           "on b.sha256 = f.body_sha256 where f.bytes = b.size").fetchone()[0] == 13
    [title] = archive.execute("select title from articles where url = ?",
                              [faults.url("/cp1250")]).fetchone()
    assert title


def test_a_dead_extraction_process_stops_the_crawl_with_one_clear_error(tmp_path):
    from scraper.crawl.writer import Finished, Writer
    from scraper.errors import ArchiveError
    from scraper.models import FetchResult

    writer = Writer(tmp_path / "archive.db", record_queue=False, workers=1,
                    on_written=lambda batch: None)
    writer.start()
    writer._extractors[0].kill()  # as the kernel would, on a crash in the parser
    writer._extractors[0].join(10)
    page = FetchResult(url="http://127.0.0.1/a", final_url="http://127.0.0.1/a", status=200,
                       body=b"<html><title>A</title><p>Text.</p></html>")
    writer.put([Finished(page.url, page)])
    started = time.monotonic()
    with pytest.raises(ArchiveError, match="extraction process stopped unexpectedly"):
        writer.close()
    assert time.monotonic() - started < 10


def child_named(crawl_pid: int, name: str, timeout: float = 20) -> int:
    """The pid of the crawl's process called `name`, once it is running."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for child in Path(f"/proc/{crawl_pid}/task/{crawl_pid}/children").read_text().split():
            if Path(f"/proc/{child}/comm").read_text().strip() == name:
                return int(child)
        time.sleep(0.05)
    raise AssertionError(f"no process {name}")


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
@pytest.mark.parametrize("workers, extracting", [("1", "scrape-extract"),
                                                 ("0", "scrape-writer")])
def test_a_page_its_extraction_process_dies_on_is_recorded_and_the_rerun_goes_past_it(
        tmp_path, workers, extracting):
    """A page that crashes the parser (or makes the kernel kill the process for memory)
    would otherwise stop every rerun: it is fetched again, and kills the process again."""
    server = FaultServer(latency=1.0).start()  # time for the extraction process to settle
    try:
        db = tmp_path / "archive.db"
        heavy = server.url("/heavy")  # about a second of extraction
        url_list = write_list(tmp_path / "urls.txt", [heavy])
        crawl = subprocess.Popen(
            [sys.executable, "-m", "scraper", "batch", str(url_list), "--db", str(db),
             "--workers", workers, "--quiet"], stdout=subprocess.PIPE,
            stderr=subprocess.PIPE, text=True)
        extractor = child_named(crawl.pid, extracting)
        deadline = time.monotonic() + 20
        while "/heavy" not in server.paths() and time.monotonic() < deadline:
            time.sleep(0.02)
        time.sleep(0.5)  # the page is on its way; the extraction process is idle
        idle = cpu_seconds(extractor)
        while cpu_seconds(extractor) < idle + 0.05 and time.monotonic() < deadline:
            time.sleep(0.01)
        os.kill(extractor, signal.SIGKILL)  # as the kernel would, in the middle of the page
        out, err = crawl.communicate(timeout=30)
        assert crawl.returncode == 4, err
        assert f"while extracting {heavy}; that page is recorded as failed" in err, err
        assert "Traceback" not in err
        archive = Database(db)
        [(state, kind, error)] = archive.execute(
            "select state, error_kind, last_error from queue").fetchall()
        assert (state, kind) == ("failed", "extraction_crashed") and "exit code -9" in error
        assert archive.execute("select error_kind from fetches").fetchall() == [
            ("extraction_crashed",)]

        more = [server.url(f"/ok/{n}") for n in range(3)]
        write_list(url_list, [heavy, *more])
        rerun = scrape("batch", str(url_list), "--db", str(db), "--quiet")
        assert rerun.returncode == 0, rerun.stderr
        assert server.paths().count("/heavy") == 1  # not fetched again
        assert archive["articles"].count == 3
        retried = scrape("batch", str(url_list), "--db", str(db), "--retry-failed", "--quiet")
        assert retried.returncode == 0, retried.stderr
        assert archive["articles"].count == 4
    finally:
        server.stop()


def test_the_page_a_process_died_on_is_named_by_the_writer(tmp_path):
    """The same, through the Writer alone, stopping the extraction process mid-page so
    that which page it held is certain."""
    from scraper.crawl.writer import Finished, Writer
    from scraper.errors import ArchiveError
    from scraper.models import FetchResult

    writer = Writer(tmp_path / "archive.db", record_queue=False, workers=1,
                    on_written=lambda batch: None)
    writer.start()
    url = "http://127.0.0.1/heavy"
    body = ("<html><body><article>" + "<p>Paragraph of a long article.</p>" * 50_000
            + "</article></body></html>").encode()
    writer.put([Finished(url, FetchResult(url=url, final_url=url, status=200, body=body))])
    process, slot = writer._extractors[0], writer._extracting[0]
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        if slot.value:
            os.kill(process.pid, signal.SIGSTOP)
            if slot.value:
                break
            os.kill(process.pid, signal.SIGCONT)
        time.sleep(0.001)
    assert slot.value == url.encode(), "the page was never seen being extracted"
    process.kill()
    with pytest.raises(ArchiveError, match=f"while extracting {url}; that page is recorded"):
        writer.close()
    assert Database(tmp_path / "archive.db").execute(
        "select url, error_kind from fetches").fetchall() == [(url, "extraction_crashed")]


def test_retry_failed_tries_failed_urls_again(faults, tmp_path, db_path):
    url_list = write_list(tmp_path / "urls.txt", [faults.url("/status/500"), faults.url("/ok/1")])
    first = scrape("batch", str(url_list), "--db", str(db_path), *QUICK, "--retries", "0")
    assert first.returncode == 1
    assert faults.paths().count("/status/500") == 1
    retried = scrape("batch", str(url_list), "--db", str(db_path), *QUICK, "--retries", "0",
                     "--retry-failed")
    assert retried.returncode == 1
    assert faults.paths().count("/status/500") == 2
    assert faults.paths().count("/ok/1") == 1
    assert queue_row(db_path, faults.url("/status/500"))["attempts"] == 2


def test_refresh_revalidates_with_etag_and_stores_no_new_body(faults, tmp_path, db_path):
    url_list = write_list(tmp_path / "urls.txt", [faults.url("/etag")])
    assert scrape("batch", str(url_list), "--db", str(db_path)).returncode == 0
    again = scrape("batch", str(url_list), "--db", str(db_path), "--refresh")
    assert again.returncode == 0, again.stderr
    conditional = faults.requests[-1]
    assert conditional.headers["If-None-Match"] == '"v1"'
    assert conditional.headers["If-Modified-Since"] == "Mon, 05 May 2025 08:00:00 GMT"
    archive = Database(db_path)
    assert archive["bodies"].count == 1
    assert [r["not_modified"] for r in archive.query("select not_modified from fetches order by id")] == [0, 1]
    assert "unchanged" in again.stdout and archive["articles"].count == 1


# -- input --------------------------------------------------------------------

def test_list_from_stdin_with_comments_blanks_duplicates_and_bad_lines(faults, db_path):
    lines = ["\ufeff# my list, saved with a byte-order mark", "", faults.url("/ok/a"),
             "ftp://files.example/x", "not a url",
             faults.url("/ok/a#comments"), faults.url("/ok/a").upper().replace("/OK/A", "/ok/a"),
             "   ", faults.url("/ok/b") + "\r", faults.url("/ok/c") + "   # the third one",
             faults.url("/ok/d") + "\tTitle of d"]
    result = scrape("batch", "-", "--db", str(db_path), stdin="\n".join(lines))
    assert result.returncode == 0, result.stderr
    assert "line 4: skipped" in result.stderr and "line 5: skipped" in result.stderr
    assert "ftp" in result.stderr
    assert "line 11: skipped" in result.stderr and "whitespace" in result.stderr
    assert sorted(r["url"] for r in Database(db_path).query("select url from queue")) == [
        faults.url("/ok/a"), faults.url("/ok/b"), faults.url("/ok/c")]
    assert faults.paths().count("/ok/a") == 1


def test_a_missing_list_is_one_line_and_exit_3(db_path, tmp_path):
    result = scrape("batch", str(tmp_path / "nope.txt"), "--db", str(db_path))
    assert result.returncode == 3
    assert result.stderr.strip().splitlines() == [f"error: cannot read URL list "
                                                  f"{tmp_path / 'nope.txt'}: no such file"]


def test_credentials_are_used_but_never_stored_or_printed(faults, tmp_path, db_path):
    secret = faults.url("/status/404").replace("http://", "http://reader:hunter2@")
    page = faults.url("/ok/members").replace("http://", "http://reader:hunter2@")
    result = scrape("batch", "-", "--db", str(db_path), stdin=f"{secret}\n{page}\n")
    assert result.returncode == 1
    assert any("Authorization" in r.headers for r in faults.requests if r.path == "/ok/members")
    assert "hunter2" not in result.stdout + result.stderr
    dump = "\n".join(Database(db_path).iterdump())
    assert "hunter2" not in dump and "reader:" not in dump


def test_quiet_prints_only_the_summary(faults, db_path):
    result = scrape("batch", "-", "--db", str(db_path), "--quiet", stdin=faults.url("/ok/q"))
    assert result.returncode == 0
    assert result.stderr == ""
    assert "archived" in result.stdout


# -- politeness, from the server's side ---------------------------------------

def in_flight_peak(requests) -> int:
    events = sorted([(r.started, 1) for r in requests] + [(r.answered, -1) for r in requests])
    peak = level = 0
    for _, step in events:
        level += step
        peak = max(peak, level)
    return peak


@pytest.fixture
def three_hosts():
    servers = [FaultServer(host=f"127.0.0.{n}", latency=0.15).start() for n in (1, 2, 3)]
    yield servers
    for server in servers:
        server.stop()


def test_never_more_than_per_host_in_flight_and_hosts_interleave(three_hosts, tmp_path, db_path):
    urls = [server.url(f"/ok/{n}") for n in range(10) for server in three_hosts]
    url_list = write_list(tmp_path / "urls.txt", urls)
    result = scrape("batch", str(url_list), "--db", str(db_path), "--per-host", "2",
                    "--concurrency", "16", "--quiet")
    assert result.returncode == 0, result.stderr
    everything = []
    for server in three_hosts:
        pages = [r for r in server.requests if r.path.startswith("/ok/")]
        assert len(pages) == 10
        assert in_flight_peak(pages) == 2  # used, never exceeded
        everything += pages
    assert in_flight_peak(everything) > 2  # the hosts were crawled side by side


def test_never_closer_than_delay_or_crawl_delay(tmp_path, db_path):
    servers = [FaultServer(host="127.0.0.1", latency=0.05).start(),
               FaultServer(host="127.0.0.2", latency=0.05,
                           robots="User-agent: *\nCrawl-delay: 0.5\n").start()]
    try:
        urls = [server.url(f"/ok/{n}") for n in range(4) for server in servers]
        url_list = write_list(tmp_path / "urls.txt", urls)
        result = scrape("batch", str(url_list), "--db", str(db_path), "--per-host", "2",
                        "--delay", "0.3", "--quiet")
        assert result.returncode == 0, result.stderr
        for server, delay in zip(servers, (0.3, 0.5)):
            requests = sorted(server.requests, key=lambda r: r.started)  # robots.txt counts too
            assert len(requests) == 5
            gaps = [b.started - a.started for a, b in zip(requests, requests[1:])]
            assert min(gaps) >= delay
    finally:
        for server in servers:
            server.stop()


def test_a_site_asking_for_a_day_between_requests_does_not_hold_the_batch(tmp_path, db_path):
    day = FaultServer(host="127.0.0.2", robots="User-agent: *\nCrawl-delay: 86400\n").start()
    second = FaultServer(host="127.0.0.3", robots="User-agent: *\nCrawl-delay: 1\n").start()
    fine = FaultServer(host="127.0.0.1").start()
    try:
        urls = [server.url(f"/ok/{n}") for server in (day, second, fine) for n in range(2)]
        url_list = write_list(tmp_path / "urls.txt", urls)
        started = time.monotonic()
        result = scrape("batch", str(url_list), "--db", str(db_path), "--max-crawl-delay",
                        "0.5", "--quiet")
        assert time.monotonic() - started < 30
        assert result.returncode == 1, result.stderr  # some URLs failed
        assert day.paths() == second.paths() == ["/robots.txt"]  # asked, and nothing more
        archive = Database(db_path)
        failed = dict(archive.execute("select url, last_error from queue "
                                      "where state = 'failed' and error_kind = 'crawl_delay'"))
        assert set(failed) == set(urls[:4])
        assert "asks for 86400 s between requests" in failed[urls[0]]
        assert "crawl_delay" in result.stdout

        # Allowed a longer delay, the site that asked for a second gets its pages, that far
        # apart; the one that asked for a day still gets none.
        retried = scrape("batch", str(url_list), "--db", str(db_path), "--retry-failed",
                         "--quiet")
        assert retried.returncode == 1
        assert day.paths() == ["/robots.txt"] * 2
        requests = sorted(second.requests, key=lambda r: r.started)[1:]  # the rerun's
        assert [r.path for r in requests] == ["/robots.txt", "/ok/0", "/ok/1"]
        assert min(b.started - a.started for a, b in zip(requests, requests[1:])) >= 1
        assert archive["articles"].count == 4
    finally:
        for server in (day, second, fine):
            server.stop()


def test_a_robots_txt_over_500_kib_is_read_as_far_as_500_kib(tmp_path, db_path):
    """RFC 9309: a crawler parses at least 500 KiB; a longer file does not close the site."""
    rules = "User-agent: *\nDisallow: /private/\n"
    server = FaultServer(robots=rules + "# a long comment\n" * 60_000).start()  # 1 MB
    try:
        url_list = write_list(tmp_path / "urls.txt",
                              [server.url("/ok/1"), server.url("/private/1")])
        result = scrape("batch", str(url_list), "--db", str(db_path), "--quiet")
        assert result.returncode == 0, result.stderr
        states = dict(Database(db_path).execute("select url, state from queue"))
        assert states == {server.url("/ok/1"): "done", server.url("/private/1"): "skipped"}
    finally:
        server.stop()


def test_every_request_waits_for_robots_txt(tmp_path, db_path):
    server = FaultServer(robots_delay=0.5).start()
    try:
        urls = [server.url(f"/ok/{n}") for n in range(6)] + [server.url("/private/1")]
        url_list = write_list(tmp_path / "urls.txt", urls)
        result = scrape("batch", str(url_list), "--db", str(db_path), "--per-host", "4", "--quiet")
        assert result.returncode == 0, result.stderr
        [robots] = [r for r in server.requests if r.path == "/robots.txt"]
        pages = [r for r in server.requests if r.path != "/robots.txt"]
        assert len(pages) == 6 and min(r.started for r in pages) >= robots.answered
    finally:
        server.stop()


def test_a_hanging_host_does_not_starve_the_others(tmp_path, db_path):
    slow, fast = FaultServer().start(), FaultServer(host="127.0.0.2").start()
    try:
        urls = [slow.url("/hang"), slow.url("/hang?again")]
        urls += [fast.url(f"/ok/{n}") for n in range(20)]
        url_list = write_list(tmp_path / "urls.txt", urls)
        result = scrape("batch", str(url_list), "--db", str(db_path), *QUICK, "--per-host", "2")
        assert result.returncode == 1
        fast_pages = [r for r in fast.requests if r.path.startswith("/ok/")]
        assert len(fast_pages) == 20
        # timed from the crawl's first request: starting the processes is not the point, and
        # on a loaded machine takes seconds of its own
        started = min(r.started for r in slow.requests + fast.requests)
        assert max(r.finished for r in fast_pages) - started < 6  # not behind the hangs
    finally:
        slow.stop()
        fast.stop()


def test_the_readme_documents_every_batch_option():
    import typer.main

    from scraper.cli.app import app

    readme = (Path(__file__).parent.parent / "README.md").read_text()
    section = readme.split("### `scrape batch FILE`", 1)[1].split("\n### ", 1)[0]
    command = typer.main.get_command(app).commands["batch"]
    options = [name for param in command.params for name in param.opts if name.startswith("--")]
    assert len(options) > 15
    missing = [name for name in options if f"`{name}" not in section]
    assert not missing


def test_robots_txt_outcomes_follow_rfc_9309():
    from scraper.fetch.robots import Robots
    from scraper.models import FetchResult

    agent = "scraper/1.0"
    page = "http://a.example/page"
    missing = Robots.from_fetch(FetchResult(url="x", status=404, error_kind="http_status",
                                            error="HTTP 404"), agent)
    assert missing.refusal(page) is None
    down = Robots.from_fetch(FetchResult(url="x", status=503, error_kind="http_status",
                                         error="HTTP 503"), agent)
    assert down.refusal(page).kind == "http_status" and not down.refusal(page).disallowed
    rules = Robots.from_fetch(FetchResult(url="x", status=200, text=(
        "User-agent: scraper\nDisallow: /page\nCrawl-delay: 2\n\nUser-agent: *\nDisallow:\n")),
        agent)
    assert rules.refusal(page).disallowed and rules.refusal("http://a.example/other") is None
    assert rules.delay == 2.0


def test_two_crawls_of_one_archive_are_refused(tmp_path, db_path):
    server = FaultServer().start()
    try:
        # The first crawl waits on /held until the second has been refused, however long
        # a loaded machine takes to start the second.
        url_list = write_list(tmp_path / "urls.txt",
                              [server.url("/held")] + [server.url(f"/ok/{n}") for n in range(6)])
        first = subprocess.Popen([sys.executable, "-m", "scraper", "batch", str(url_list),
                                  "--db", str(db_path), "--per-host", "1", "--quiet",
                                  "--read-timeout", "90", "--timeout", "120"],
                                 stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 60
        while (not any(r.path == "/held" for r in server.requests)
               and time.monotonic() < deadline):
            time.sleep(0.05)
        second = scrape("batch", str(url_list), "--db", str(db_path), "--quiet")
        server.release.set()
        assert second.returncode == 5
        assert "another scrape batch is crawling" in second.stderr
        assert first.wait(60) == 0
        assert len([r for r in server.requests if r.path.startswith("/ok/")]) == 6
    finally:
        server.stop()


def test_robots_txt_is_retried_and_its_failure_fails_the_site_retryably(tmp_path, db_path):
    flaky = FaultServer(robots_failures=1).start()
    down = FaultServer(host="127.0.0.2", robots_failures=100).start()
    try:
        urls = [flaky.url("/ok/1"), flaky.url("/private/1"), down.url("/ok/1")]
        url_list = write_list(tmp_path / "urls.txt", urls)
        result = scrape("batch", str(url_list), "--db", str(db_path), *QUICK)
        assert result.returncode == 1
        assert flaky.paths().count("/robots.txt") == 2
        assert queue_row(db_path, flaky.url("/ok/1"))["state"] == "done"
        assert queue_row(db_path, flaky.url("/private/1"))["state"] == "skipped"
        row = queue_row(db_path, down.url("/ok/1"))
        assert (row["state"], row["error_kind"]) == ("failed", "http_status")
        assert "robots.txt unavailable" in row["last_error"]
        assert down.paths() == ["/robots.txt", "/robots.txt"]  # the page was never asked for
    finally:
        flaky.stop()
        down.stop()


def test_room_bounds_pages_and_bytes_handed_over_and_lets_a_huge_page_go_alone():
    import asyncio

    from scraper.crawl.batch import Room

    async def scenario() -> list[str]:
        room, log = Room(pages=2, size=100), []

        async def hand(name: str, size: int) -> None:
            await room.take(size)
            log.append(name)

        await hand("a", 60)
        waiting = asyncio.ensure_future(hand("b", 60))  # 120 bytes would be over 100
        await asyncio.sleep(0.01)
        assert log == ["a"]
        room.give_back(60)
        await asyncio.wait_for(waiting, 1)
        await hand("c", 10)
        third = asyncio.ensure_future(hand("d", 10))  # a third page: over 2 pages
        await asyncio.sleep(0.01)
        assert log == ["a", "b", "c"]
        room.give_back(60)
        room.give_back(10)
        await asyncio.wait_for(third, 1)
        room.give_back(10)
        await asyncio.wait_for(hand("huge", 10_000), 1)  # bigger than the room: goes alone
        return log

    assert asyncio.run(scenario()) == ["a", "b", "c", "d", "huge"]


def test_a_page_the_extractor_fails_on_is_still_archived_as_fetched(monkeypatch):
    import importlib

    from scraper.crawl.writer import Finished, prepare
    from scraper.models import FetchResult

    def broken(html, url=None):
        raise RecursionError("a page nobody foresaw")

    # (the package scraper re-exports the function extract under the subpackage's name)
    monkeypatch.setattr(importlib.import_module("scraper.extract"), "extract", broken)
    body = b"<html><title>T</title><p>Text.</p></html>"
    page = FetchResult(url="http://127.0.0.1/a", final_url="http://127.0.0.1/a", status=200,
                       body=body)
    prepared = prepare(Finished(page.url, page))
    assert prepared.article is not None and prepared.article.url == page.url
    assert prepared.article.body_text == "" and prepared.packed.unpack() == body
