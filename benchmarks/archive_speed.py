"""How fast the archive writes, re-extracts and exports, as ratios to extraction.

    python benchmarks/archive_speed.py [PAGES]

Builds a throwaway archive of PAGES distinct pages (the test fixture with one
paragraph varied, so every body is stored) and times each stage per page.
Extracting the same pages in the same run is the baseline: machines differ,
ratios travel. Prints figures only; nothing here asserts.
"""
from __future__ import annotations

import io
import sys
import tempfile
import time
from pathlib import Path

from scraper.archive.export import write_jsonl
from scraper.archive.queries import archive_stats, stored_articles
from scraper.archive.reextract import reextract
from scraper.archive.store import Archive
from scraper.extract import extract
from scraper.encoding import decode_html
from scraper.models import FetchResult

SEED = Path(__file__).parent.parent / "tests" / "fixtures" / "wp-slovak-seed.html"
HTML = "text/html; charset=utf-8"


def pages(count: int) -> list[FetchResult]:
    text = SEED.read_text("utf-8")
    results = []
    for n in range(count):
        body = text.replace("Kolesnikov", f"Kolesnikov ({n})").encode("utf-8")
        url = f"https://dennik-sever.example/2025/05/clanok-{n}/"
        decoded, encoding = decode_html(body, HTML)
        results.append(FetchResult(url=url, final_url=url, status=200, content_type=HTML,
                                   headers={"content-type": HTML}, body=body, text=decoded,
                                   encoding=encoding))
    return results


def timed(work) -> float:
    started = time.perf_counter()
    work()
    return time.perf_counter() - started


def main() -> None:
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 500
    fetched = pages(count)
    articles = []
    extract_s = timed(lambda: articles.extend(extract(f.text, f.url) for f in fetched))
    with tempfile.TemporaryDirectory() as folder, Archive(Path(folder) / "a.db") as archive:
        save_s = timed(lambda: [archive.save(f, a) for f, a in zip(fetched, articles)])
        reextract_s = timed(lambda: reextract(archive))
        export_s = timed(lambda: write_jsonl(stored_articles(archive), io.StringIO()))
        stats_s = timed(lambda: archive_stats(archive))
        stats = archive_stats(archive)

    def line(name: str, seconds: float) -> None:
        print(f"{name:<24} {seconds / count * 1000:7.2f} ms/page   "
              f"{seconds / extract_s:5.2f} x extraction")

    print(f"{count} pages, {stats.body_bytes / count / 1024:.1f} KB each")
    line("extract (baseline)", extract_s)
    line("save (fetch + article)", save_s)
    line("reextract", reextract_s)
    line("export jsonl", export_s)
    print(f"{'stats':<24} {stats_s * 1000:7.1f} ms for the whole archive")
    print(f"raw pages stored at {stats.stored_bytes / stats.body_bytes:.0%} of their size")


if __name__ == "__main__":
    main()
