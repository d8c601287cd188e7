"""`scrape import` and `scrape export --format warc` end to end, on WARC files built here with
warcio's writer, as another crawler would write them: several sites, gzip members, a page
sent gzipped and one sent chunked, non-HTML and error responses, a revisit, a page captured
twice, and a last record cut short."""
from __future__ import annotations

import gzip
import io
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from test_readme import README
from sqlite_utils import Database
from warcio.archiveiterator import ArchiveIterator
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

BIN = Path(sys.executable).parent


def scrape(*args: str, timeout: float = 120) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "scraper", *args], capture_output=True,
                          text=True, timeout=timeout)


def page(title: str, words: str = "") -> bytes:
    text = words or f"The full text of the story called {title}, told in plain words."
    return (f"<!DOCTYPE html><html lang=en><head><title>{title}</title></head><body><article>"
            f"<h1>{title}</h1><p>{text}</p><p>{text} Again, for length.</p></article>"
            f"</body></html>").encode()


class Crawler:
    """Writes records as a crawler does: a response, then its request."""

    def __init__(self, out, version: str = "1.1", gzip_: bool = True) -> None:
        self.writer = WARCWriter(out, gzip=gzip_, warc_version=version)

    def info(self) -> None:
        self.writer.write_record(self.writer.create_warcinfo_record("crawl.warc.gz",
                                                                   {"software": "a crawler"}))

    def response(self, url: str, body: bytes, *, status: str = "200 OK",
                 content_type: str | None = "text/html; charset=utf-8",
                 date: str = "2025-03-01T10:00:00Z", headers: list | None = None,
                 payload: bytes | None = None) -> None:
        lines = ([("Content-Type", content_type)] if content_type else []) + (headers or [])
        sent = body if payload is None else payload
        http = StatusAndHeaders(status, lines, protocol="HTTP/1.1")
        response = self.writer.create_warc_record(
            url, "response", payload=io.BytesIO(sent), length=len(sent), http_headers=http,
            warc_headers_dict={"WARC-Date": date})
        request = self.writer.create_warc_record(
            url, "request", http_headers=StatusAndHeaders(
                f"GET {url.split('/', 3)[-1]} HTTP/1.1", [("Host", url.split("/")[2])],
                is_http_request=True), warc_headers_dict={"WARC-Date": date})
        self.writer.write_request_response_pair(request, response)

    def revisit(self, url: str, date: str) -> None:
        record = self.writer.create_revisit_record(
            url, "sha1:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", url, "2025-03-01T10:00:00Z",
            http_headers=StatusAndHeaders("200 OK", [("Content-Type", "text/html")],
                                          protocol="HTTP/1.1"),
            warc_headers_dict={"WARC-Date": date})
        self.writer.write_record(record)


A, B = "https://news-a.example", "http://blog-b.example"
# The HTML pages the crawl file holds, each once, by URL (b/2 changed between two captures).
PAGES = {f"{A}/2025/03/one": "Budget vote delayed", f"{A}/2025/03/two": "Harbour reopens",
         f"{A}/2025/03/gzipped": "Sent gzipped", f"{A}/2025/03/chunked": "Sent in chunks",
         f"{B}/posts/1": "A first post", f"{B}/posts/2": "A second post (edited)",
         f"{B}/posts/3": "Written in March"}


def build_crawl(path: Path, *, cut: bool = True) -> Path:
    with path.open("wb") as out:
        crawl = Crawler(out)
        crawl.info()
        crawl.response(f"{A}/2025/03/one", page("Budget vote delayed"))
        crawl.response(f"{A}/2025/03/two", page("Harbour reopens"), date="2025-03-02T08:00:00Z")
        crawl.response(f"{A}/2025/03/gzipped", page("Sent gzipped"),
                       headers=[("Content-Encoding", "gzip")],
                       payload=gzip.compress(page("Sent gzipped")))
        body = page("Sent in chunks")
        chunked = b"%x\r\n%s\r\n%x\r\n%s\r\n0\r\n\r\n" % (20, body[:20], len(body) - 20, body[20:])
        crawl.response(f"{A}/2025/03/chunked", body, headers=[("Transfer-Encoding", "chunked")],
                       payload=chunked)
        crawl.response(f"{A}/report.pdf", b"%PDF-1.4 binary", content_type="application/pdf")
        crawl.response(f"{A}/gone", page("Not found"), status="404 Not Found")
        crawl.response(f"{A}/old", b"", status="301 Moved Permanently",
                       headers=[("Location", f"{A}/2025/03/one")])
        crawl.response(f"{B}/posts/1", page("A first post"), date="2025-02-20T12:00:00Z")
        crawl.response(f"{B}/posts/1", page("A first post"), date="2025-02-21T12:00:00Z")
        crawl.revisit(f"{B}/posts/1", "2025-02-22T12:00:00Z")
        crawl.response(f"{B}/posts/2", page("A second post"), date="2025-02-20T12:00:00Z")
        crawl.response(f"{B}/posts/2", page("A second post (edited)"),
                       date="2025-02-25T12:00:00Z")
        crawl.response(f"{B}/posts/3", page("Written in March"), date="2025-03-05T09:00:00Z")
        cut_at = out.tell()
        crawl.response(f"{B}/posts/4", page("Cut short", "words " * 400))
    if cut:
        data = path.read_bytes()
        path.write_bytes(data[:cut_at + (len(data) - cut_at) // 2])  # the last record, cut in two
    return path


def build_plain(path: Path) -> Path:
    """An uncompressed WARC/1.0 file with one more page."""
    with path.open("wb") as out:
        Crawler(out, version="1.0", gzip_=False).response(f"{B}/posts/5", page("Plain WARC"))
    return path


def build_arc(path: Path) -> Path:
    """An ARC file (the Internet Archive's format before WARC), gzipped by record, by hand:
    warcio reads ARC but does not write it."""
    body = page("From an ARC file")
    http = b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n\r\n" + body
    about = b"1 0 An old crawler\nURL IP-address Archive-date Content-type Archive-length\n"
    header = b"filedesc://old.arc 0.0.0.0 20240101000000 text/plain %d\n" % len(about)
    record = b"%s/old/arc 192.0.2.1 20240102030405 text/html %d\n" % (B.encode(), len(http))
    path.write_bytes(gzip.compress(header + about + b"\n") + gzip.compress(record + http + b"\n"))
    return path


@pytest.fixture(scope="module")
def imported(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("import")
    files = [str(build_crawl(tmp / "crawl.warc.gz")), str(build_plain(tmp / "plain.warc")),
             str(build_arc(tmp / "old.arc.gz"))]
    db = tmp / "archive.db"
    first = scrape("import", *files, "--db", str(db))
    counts = _counts(db)
    again = scrape("import", *files, "--db", str(db))
    return tmp, db, first, again, counts


def _counts(db: Path) -> dict:
    d = Database(db)
    return {t: d[t].count for t in ("fetches", "articles", "article_versions", "bodies")}


def test_every_html_page_is_archived_once(imported):
    _, db, first, _, _ = imported
    assert "Traceback" not in first.stderr
    d = Database(db)
    titles = dict(d.execute("select url, title from articles").fetchall())
    assert titles == {**PAGES, f"{B}/posts/5": "Plain WARC", f"{B}/old/arc": "From an ARC file"}
    fetched = dict(d.execute("select url, count(*) from fetches group by url").fetchall())
    assert fetched == {**{url: 1 for url in titles}, f"{B}/posts/2": 2}  # two contents
    assert [r["title"] for r in d.query(
        "select title from article_history where url = ? order by version",
        [f"{B}/posts/2"])] == ["A second post", "A second post (edited)"]
    assert [r["url"] for r in d["articles"].search("harbour")] == [f"{A}/2025/03/two"]


def test_the_cut_record_is_reported_and_skipped(imported):
    tmp, _, first, _, _ = imported
    assert first.returncode == 1  # the file is damaged: said, and the rest archived
    assert "crawl.warc.gz" in first.stderr and "cut short" in first.stderr
    assert "posts/4" not in first.stdout


def test_the_rest_is_skipped_by_reason(imported):
    _, _, first, _, _ = imported
    summary = " ".join(first.stdout.replace("│", " ").split())
    for reason in ("skipped: not HTML 1", "skipped: not 2xx 2", "skipped: revisit 1",
                   "skipped: duplicate 1", "skipped: request", "skipped: warcinfo 2"):
        assert reason in summary, summary


def test_dates_and_places_come_from_the_records(imported):
    tmp, db, _, _, _ = imported
    row = next(Database(db).query(
        "select a.first_seen, f.fetched_at, f.warc_file, f.warc_offset, f.warc_length "
        "from articles a join fetches f on f.id = a.fetch_id where a.url = ?",
        [f"{A}/2025/03/two"]))
    assert row["first_seen"] == row["fetched_at"] == "2025-03-02T08:00:00+00:00"
    [arc_date] = Database(db).execute("select fetched_at from fetches where url = ?",
                                      [f"{B}/old/arc"]).fetchone()
    assert arc_date == "2024-01-02T03:04:05+00:00"
    assert row["warc_file"] == str((tmp / "crawl.warc.gz").resolve())
    with open(row["warc_file"], "rb") as file:
        file.seek(row["warc_offset"])
        record = next(iter(ArchiveIterator(io.BytesIO(file.read(row["warc_length"])))))
    assert record.rec_headers["WARC-Target-URI"] == f"{A}/2025/03/two"


def test_a_rerun_adds_nothing(imported):
    _, db, _, again, counts = imported
    assert _counts(db) == counts
    assert "imported before" in again.stdout
    assert "archived 0" in " ".join(again.stdout.replace("│", " ").split())


def test_filters(imported, tmp_path):
    tmp = imported[0]
    db = tmp_path / "filtered.db"
    result = scrape("import", str(tmp / "crawl.warc.gz"), "--db", str(db), "--quiet",
                    "--since", "2025-02-24", "--include", f"{B}/*", "--exclude", "*/posts/3")
    assert "Traceback" not in result.stderr
    assert dict(Database(db).execute("select url, title from articles").fetchall()) == {
        f"{B}/posts/2": "A second post (edited)"}


def test_a_missing_file_is_one_line(tmp_path):
    result = scrape("import", str(tmp_path / "nowhere.warc.gz"), "--db", str(tmp_path / "a.db"))
    assert result.returncode == 3 and result.stderr.count("\n") == 1
    assert "no such file" in result.stderr


def test_an_interrupted_import_goes_on_where_it_stopped(tmp_path):
    path = tmp_path / "many.warc.gz"
    with path.open("wb") as out:
        crawl = Crawler(out)
        for n in range(400):
            crawl.response(f"{A}/story/{n}", page(f"Story number {n}", f"Words of story {n}. " * 30))
    db = tmp_path / "archive.db"
    first = subprocess.Popen([sys.executable, "-m", "scraper", "import", str(path), "--db",
                              str(db), "--quiet"], stdout=subprocess.DEVNULL,
                             stderr=subprocess.DEVNULL, start_new_session=True)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and first.poll() is None:
        if db.exists() and _committed(db) > 0:
            break
        time.sleep(0.05)
    os.killpg(first.pid, signal.SIGKILL)  # the import and every process of it, at once
    first.wait()
    before = _committed(db)
    rerun = scrape("import", str(path), "--db", str(db), "--quiet")
    assert rerun.returncode == 0, rerun.stderr
    d = Database(db)
    assert d["articles"].count == 400
    assert d.execute("select count(*), count(distinct url) from fetches").fetchone() == (400, 400)
    assert before < 400 or first.returncode == 0


def _committed(db: Path) -> int:
    try:
        return Database(db).execute("select count(*) from fetches").fetchone()[0]
    except Exception:  # the archive is still being created
        return 0


def readme_warc_examples() -> list[str]:
    section = README.read_text("utf-8").split("## WARC: capture, export, import", 1)[1]
    section = section.split("\n## ", 1)[0]
    blocks = re.findall(r"```bash\n(.*?)```", section, re.DOTALL)
    return [line.strip() for block in blocks for line in block.splitlines()
            if line.strip().startswith(("scrape import", "scrape export"))]


def test_the_readme_import_and_export_examples_run_as_written(tmp_path):
    lines = readme_warc_examples()
    assert sum(line.startswith("scrape import") for line in lines) >= 3
    build_crawl(tmp_path / "crawl.warc.gz", cut=False)
    (tmp_path / "CC-NEWS-20250301000000-00000.warc.gz").write_bytes(
        (tmp_path / "crawl.warc.gz").read_bytes())
    build_plain(tmp_path / "plain.warc")
    for line in sorted(lines, key=lambda line: not line.startswith("scrape import")):
        result = subprocess.run(["bash", "-c", line], cwd=tmp_path, capture_output=True,
                                text=True, timeout=120,
                                env={**os.environ, "PATH": f"{BIN}{os.pathsep}{os.environ['PATH']}"})
        assert result.returncode == 0, (line, result.stderr)
        assert "Traceback" not in result.stderr
    assert Database(tmp_path / "archive.db")["articles"].count == len(PAGES) + 1  # + Cut short
    assert set(Database(tmp_path / "blogs.db").execute("select url from articles").fetchall()) \
        == {(url,) for url in [*PAGES, f"{B}/posts/4", f"{B}/posts/5"]
            if url.startswith(B) and not url.endswith("/posts/3")}


# -- export ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def exported(imported):
    tmp, db, _, _, _ = imported
    out = tmp / "export.warc.gz"
    result = scrape("export", "--format", "warc", "--output", str(out), "--db", str(db))
    return tmp, db, out, result


def test_the_export_passes_warcio_check(exported):
    _, _, out, result = exported
    assert result.returncode == 0, result.stderr
    check = subprocess.run([str(BIN / "warcio"), "check", "-v", str(out)], capture_output=True,
                           text=True, timeout=60)
    assert check.returncode == 0, check.stdout + check.stderr
    with out.open("rb") as file:
        records = [r.rec_type for r in ArchiveIterator(file)]
    assert records[0] == "warcinfo" and records[1:] == ["response"] * 10


def test_the_export_is_deterministic(exported):
    tmp, db, out, _ = exported
    (tmp / "again").mkdir()
    again = tmp / "again" / out.name  # the name is in the warcinfo record
    scrape("export", "--format", "warc", "--output", str(again), "--db", str(db))
    assert again.read_bytes() == out.read_bytes()


def test_the_export_imports_into_the_same_articles(exported, tmp_path):
    tmp, db, out, _ = exported
    copy = tmp_path / "copy.db"
    result = scrape("import", str(out), "--db", str(copy))
    assert result.returncode == 0, result.stderr
    query = "select url, title, body_text, first_seen from articles order by url"
    assert Database(copy).execute(query).fetchall() == Database(db).execute(query).fetchall()


def test_pages_without_their_original_record_are_rebuilt(exported, tmp_path):
    tmp, db, _, _ = exported
    moved = tmp_path / "moved.db"
    moved.write_bytes(db.read_bytes())
    with Database(moved).conn as conn:
        conn.execute("update fetches set warc_file = '/nowhere/gone.warc.gz'")
    out = tmp_path / "rebuilt.warc.gz"
    result = scrape("export", "--format", "warc", "--out", str(out), "--db", str(moved))
    assert result.returncode == 0, result.stderr
    check = subprocess.run([str(BIN / "warcio"), "check", str(out)], capture_output=True,
                           text=True, timeout=60)
    assert check.returncode == 0, check.stdout
    with out.open("rb") as file:
        rebuilt = {r.rec_headers["WARC-Target-URI"]: r for r in ArchiveIterator(file)
                   if r.rec_type == "response"}
    record = rebuilt[f"{A}/2025/03/gzipped"]
    assert record.http_headers["Content-Encoding"] is None  # the body is stored decoded
    assert record.rec_headers["WARC-Date"] == "2025-03-01T10:00:00Z"


def test_spans_cut_anywhere_and_read_in_parts_hold_every_record_once(tmp_path):
    """What `scrape import --cluster` reads a file in: spans cut at any byte, each read in
    parts from where the last one stopped, hold each record once, as a whole read does."""
    from scraper.warc.source import ImportFilter, Span, read_span, splittable

    path = tmp_path / "crawl.warc.gz"
    with path.open("wb") as out:
        crawl = Crawler(out)
        crawl.info()
        for n in range(60):
            crawl.response(f"{A}/story/{n}", page(f"Story {n}", f"Words of story {n}. " * 40))
    assert splittable(str(path)) and not splittable(str(build_plain(tmp_path / "plain.warc")))
    size = path.stat().st_size

    def read(span: Span) -> tuple[list[int], int, int]:
        offsets, records, read_bytes = [], 0, 0
        while span is not None:
            part = read_span(span, ImportFilter(), max_pages=7)
            offsets += [page.result.warc.offset for page in part.pages]
            records += part.reading.records
            read_bytes += part.reading.bytes_read
            span = None if part.next is None else Span(span.file, part.next, span.end)
        return offsets, records, read_bytes

    whole, records, read_bytes = read(Span(str(path), 0))
    assert len(whole) == 60 and records == 121 and read_bytes == size
    cuts = [0, 1, size // 5, size // 3 + 17, size // 2, size - 3]
    parts = [read(Span(str(path), start, end if end < size else None, exact=start == 0))
             for start, end in zip(cuts, cuts[1:] + [size])]
    assert sorted(o for offsets, _, _ in parts for o in offsets) == whole
    assert sum(r for _, r, _ in parts) == records and sum(b for _, _, b in parts) == size
