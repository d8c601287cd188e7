"""`scrape batch --warc` end to end: loopback faults captured, read back and checked by warcio.

One crawl (and a conditional rerun) is captured; every test reads the same files: warcio's
validator passes them, every record parses, requests and responses pair up, redirects and
304s have their own records, and each archived fetch points at its response record.
"""
from __future__ import annotations

import gzip
import io
import json
import random
import subprocess
import sys
from pathlib import Path

import pytest
from faults import FaultServer
from sqlite_utils import Database
from warcio.archiveiterator import ArchiveIterator

from scraper.models import Exchange
from scraper.warc.capture import WarcCapture

BIN = Path(sys.executable).parent
PATHS = ["/ok/1", "/gzip", "/chunked", "/chain/2", "/pdf", "/status/404", "/cookie", "/etag",
         "/reset", "/big"]
QUICK = ["--timeout", "3", "--read-timeout", "2", "--retries", "1", "--backoff", "0.1",
         "--max-body", "1"]


def scrape(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "scraper", *args], capture_output=True,
                          text=True, timeout=120)


@pytest.fixture(scope="module")
def captured(tmp_path_factory):
    server = FaultServer().start()
    tmp = tmp_path_factory.mktemp("capture")
    db, warcs = tmp / "archive.db", tmp / "warcs"
    secret = server.url("/ok/2").replace("http://", "http://reader:s3cret@")
    (tmp / "urls.txt").write_text("\n".join([server.url(p) for p in PATHS] + [secret]) + "\n")
    first = scrape("batch", str(tmp / "urls.txt"), "--db", str(db), "--warc", str(warcs),
                   "--quiet", *QUICK)
    (tmp / "again.txt").write_text(server.url("/etag") + "\n")
    again = scrape("batch", str(tmp / "again.txt"), "--db", str(db), "--warc", str(warcs),
                   "--refresh", "--quiet", *QUICK)
    yield server, db, warcs, (first, again)
    server.stop()


def records(path: Path) -> list[tuple[int, object, bytes]]:
    """(offset, record, content as stored) for every record of a file."""
    found = []
    with path.open("rb") as file:
        iterator = ArchiveIterator(file)
        for record in iterator:
            content = record.raw_stream.read()
            found.append((iterator.get_record_offset(), record, content))
    return found


def all_records(warcs: Path) -> list[tuple[Path, int, object, bytes]]:
    return [(path, offset, record, content) for path in sorted(warcs.glob("*.warc.gz"))
            for offset, record, content in records(path)]


def test_the_crawls_ran_and_wrote_one_file_each(captured):
    server, db, warcs, runs = captured
    for run in runs:
        assert "Traceback" not in run.stderr
    files = sorted(warcs.glob("*.warc.gz"))
    assert len(files) == 2
    assert all(f.name.startswith("scrape-") for f in files)


def test_warcio_check_passes_every_file(captured):
    _, _, warcs, _ = captured
    files = [str(f) for f in sorted(warcs.glob("*.warc.gz"))]
    check = subprocess.run([str(BIN / "warcio"), "check", "-v", *files], capture_output=True,
                           text=True, timeout=60)
    assert check.returncode == 0, check.stdout + check.stderr
    assert "digest pass" in check.stdout and "failed" not in check.stdout


def test_each_file_opens_with_warcinfo_and_each_record_is_its_own_gzip_member(captured):
    _, _, warcs, _ = captured
    for path in sorted(warcs.glob("*.warc.gz")):
        found = records(path)
        assert found[0][1].rec_type == "warcinfo"
        data = path.read_bytes()
        ends = [offset for offset, _, _ in found[1:]] + [len(data)]
        for (offset, record, _), end in zip(found, ends):
            alone = gzip.decompress(data[offset:end])  # one member, readable on its own
            assert alone.startswith(b"WARC/1.1\r\n")


def test_requests_and_responses_pair_up(captured):
    _, _, warcs, _ = captured
    found = all_records(warcs)
    answers = {r.rec_headers["WARC-Record-ID"]: r for _, _, r, _ in found
               if r.rec_type in ("response", "revisit")}
    requests = [r for _, _, r, _ in found if r.rec_type == "request"]
    assert len(requests) == len(answers) > len(PATHS)
    for request in requests:
        answer = answers[request.rec_headers["WARC-Concurrent-To"]]
        assert request.rec_headers["WARC-Target-URI"] == answer.rec_headers["WARC-Target-URI"]
        assert request.rec_headers["WARC-Date"] == answer.rec_headers["WARC-Date"]
        assert request.http_headers.protocol == "GET"
    for answer in answers.values():  # where known: a connection reset takes its address along
        if answer.rec_headers["WARC-Truncated"] != "disconnect":
            assert answer.rec_headers["WARC-IP-Address"] == "127.0.0.1"


def by_uri(warcs: Path, path: str, kind: str = "response") -> list:
    return [(r, content) for _, _, r, content in all_records(warcs)
            if r.rec_type == kind and r.rec_headers["WARC-Target-URI"].endswith(path)]


def test_bodies_are_as_transferred(captured):
    server, _, warcs, _ = captured
    [(gzipped, body)] = by_uri(warcs, "/gzip")
    assert gzipped.http_headers["Content-Encoding"] == "gzip"
    assert b"Gzipped" in gzip.decompress(body)  # stored still compressed, as sent
    [(chunked, body)] = by_uri(warcs, "/chunked")
    assert chunked.http_headers["Transfer-Encoding"] is None  # chunks joined, so the coding goes
    assert body.startswith(b"<!DOCTYPE html>") and body.endswith(b"</html>")


def test_redirects_and_cut_bodies_have_their_own_records(captured):
    _, _, warcs, _ = captured
    hops = [r.http_headers.get_statuscode() for path in ("/chain/2", "/chain/1", "/chain/0")
            for r, _ in by_uri(warcs, path)]
    assert hops == ["301", "301", "200"]
    [(pdf, body)] = by_uri(warcs, "/pdf")
    assert pdf.rec_headers["WARC-Truncated"] == "length" and body == b""
    [(big, _)] = by_uri(warcs, "/big")
    assert big.rec_headers["WARC-Truncated"] == "length"
    resets = by_uri(warcs, "/reset")
    assert len(resets) == 2  # the first attempt and its retry
    assert all(r.rec_headers["WARC-Truncated"] == "disconnect" for r, _ in resets)
    [(missing, body)] = by_uri(warcs, "/status/404")
    assert missing.http_headers.get_statuscode() == "404" and b"Error 404" in body
    assert by_uri(warcs, "/robots.txt")


def test_a_304_is_a_revisit(captured):
    _, _, warcs, _ = captured
    [(revisit, _)] = by_uri(warcs, "/etag", "revisit")
    assert revisit.rec_headers["WARC-Profile"].endswith("/revisit/server-not-modified")
    assert revisit.http_headers.get_statuscode() == "304"


def test_credentials_and_cookies_are_never_written(captured):
    _, _, warcs, _ = captured
    data = b"".join(gzip.decompress(p.read_bytes()) for p in warcs.glob("*.warc.gz"))
    assert b"s3cret" not in data and b"cmVhZGVyOnMzY3JldA" not in data  # base64 of it too
    assert b"secret-session" not in data
    [(page, _)] = by_uri(warcs, "/ok/2")
    assert page.rec_headers["WARC-Target-URI"].startswith("http://127.0.0.1:")


def test_each_fetch_names_its_response_record(captured):
    server, db, warcs, _ = captured
    rows = list(Database(db).query(
        "select url, final_url, warc_file, warc_offset, warc_length from fetches "
        "where warc_file is not null"))
    assert {r["url"] for r in rows} >= {server.url(p) for p in PATHS}
    for row in rows:
        with open(row["warc_file"], "rb") as file:
            file.seek(row["warc_offset"])
            member = file.read(row["warc_length"])
        record = next(iter(ArchiveIterator(io.BytesIO(member))))
        assert record.rec_type in ("response", "revisit")
        assert record.rec_headers["WARC-Target-URI"] == (row["final_url"] or row["url"])


def test_show_says_where_the_capture_is(captured):
    server, db, warcs, _ = captured
    shown = scrape("show", server.url("/chain/2"), "--db", str(db))
    assert shown.returncode == 0, shown.stderr
    assert "WARC" in shown.stdout and ".warc.gz" in shown.stdout.replace("\n", "")


def test_files_rotate_at_the_size_asked(tmp_path):
    capture = WarcCapture(tmp_path, max_size=20_000)
    body = b"<p>" + random.Random(1).randbytes(10_000)  # 10 kB that gzip cannot shrink
    refs = [capture.write(Exchange(
        url=f"http://127.0.0.1/{n}", method="GET", target=f"/{n}".encode(),
        request_headers=[(b"Host", b"127.0.0.1")], http_version="HTTP/1.1", status=200,
        reason=b"OK", response_headers=[(b"Content-Type", b"text/html")], body=body,
        date="2025-05-01T12:00:00+00:00")) for n in range(6)]
    capture.close()
    files = sorted(tmp_path.glob("*.warc.gz"))
    assert len(files) >= 3 and all(f.stat().st_size <= 20_000 for f in files)
    assert [Path(r.file).name for r in refs] == sorted(Path(r.file).name for r in refs)
    for path in files:
        assert records(path)[0][1].rec_type == "warcinfo"


def test_scrape_url_captures_too(captured, tmp_path):
    server = captured[0]
    db, warcs = tmp_path / "one.db", tmp_path / "warcs"
    result = scrape("url", server.url("/ok/7"), "--db", str(db), "--warc", str(warcs))
    assert result.returncode == 0, result.stderr
    [path] = warcs.glob("*.warc.gz")
    assert [r.rec_type for _, r, _ in records(path)] == ["warcinfo", "response", "request"]
    shown = scrape("show", server.url("/ok/7"), "--db", str(db), "--json")
    assert json.loads(shown.stdout)["warc"]["file"] == str(path.resolve())


# -- discovery's commands capture too -------------------------------------------------

@pytest.mark.parametrize("command", ["site", "feed", "follow"])
def test_discovery_commands_capture_what_they_fetch(command, tmp_path):
    """`scrape site|feed|follow --warc DIR`: every response the run received is recorded,
    discovery's documents (robots.txt, sitemaps, feeds) included; the files pass warcio's
    check; every archived page points at its response record."""
    from newssite import Site

    site = Site(articles=6).start()
    try:
        start = {"site": site.url("/"), "feed": site.url("/feed/"),
                 "follow": site.url(site.post_path(6))}[command]
        db, warcs = tmp_path / "archive.db", tmp_path / "warcs"
        result = scrape(command, start, "--db", str(db), "--warc", str(warcs), "--quiet")
        assert result.returncode in (0, 1), result.stderr  # (the site's broken sitemap)
        assert "Traceback" not in result.stderr
        files = sorted(warcs.glob("*.warc.gz"))
        check = subprocess.run([str(BIN / "warcio"), "check", *map(str, files)],
                               capture_output=True, text=True, timeout=60)
        assert check.returncode == 0, check.stdout + check.stderr
        found = all_records(warcs)
        responses = {record.rec_headers.get_header("WARC-Target-URI") for _, _, record, _
                     in found if record.rec_type == "response"}
        requests = [record for _, _, record, _ in found if record.rec_type == "request"]
        assert len(requests) == len(site.paths())
        assert responses == {site.url(path) for path in site.paths()}
        archive = Database(db)
        pages = list(archive.query("select f.final_url, f.warc_file, f.warc_offset "
                                   "from fetches f join articles a on a.url = f.url"))
        assert len(pages) == archive["articles"].count >= 2
        where = {(str(path), offset): record for path, offset, record, _ in found}
        for page in pages:
            record = where[page["warc_file"], page["warc_offset"]]
            assert record.rec_headers.get_header("WARC-Target-URI") == page["final_url"]
    finally:
        site.stop()


@pytest.mark.parametrize("command", ["batch", "site"])
def test_warc_with_cluster_is_refused_before_anything_is_fetched(command, tmp_path):
    target = str(tmp_path / "urls.txt") if command == "batch" else "http://127.0.0.1:9/"
    (tmp_path / "urls.txt").write_text("http://127.0.0.1:9/a\n")
    result = scrape(command, target, "--db", str(tmp_path / "a.db"), "--warc",
                    str(tmp_path / "warcs"), "--cluster", "local:1")
    assert result.returncode == 2, result.stderr
    assert result.stderr.strip().splitlines() == [
        "error: --warc does not work with --cluster yet"]
    assert not (tmp_path / "warcs").exists()
