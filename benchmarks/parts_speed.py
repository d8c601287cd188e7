"""How long the headline, share, navigation and comment-form parts take per page.

Usage: python benchmarks/parts_speed.py DIR [--repeat N]

DIR holds saved pages (*.html or *.html.gz). Each part runs on every page, N times;
the best run counts (CPU time of this process, so other load on the machine skews it
less). Every run starts from freshly parsed pages (parsing is not timed): what the parts
share through the Document (its index of anchors, headings and forms) is built once per
page and counted, in the first part that asks for it, as in `extract()`. Whole `extract()` and, when installed, trafilatura's `extract()` are timed in
the same run, so the speed reads as a ratio to a baseline measured alongside it.
"""
from __future__ import annotations

import argparse
import gzip
import time
from pathlib import Path
from typing import Callable

from scraper.extract import extract
from scraper.extract.comment_form import extract_comment_form
from scraper.extract.document import parse_document
from scraper.extract.headline import extract_headline
from scraper.extract.navigation import extract_links
from scraper.extract.share import extract_share_urls

PARTS = (extract_headline, extract_share_urls, extract_links, extract_comment_form)


def load(folder: Path) -> list[str]:
    pages = []
    for path in sorted(folder.iterdir()):
        if path.name.endswith(".html.gz"):
            pages.append(gzip.decompress(path.read_bytes()).decode("utf-8", "replace"))
        elif path.suffix == ".html":
            pages.append(path.read_text(encoding="utf-8", errors="replace"))
    return pages


def best_ms_per_item(work: Callable[[object], object], items: list, repeat: int) -> float:
    best = float("inf")
    for _ in range(repeat):
        start = time.process_time()
        for item in items:
            work(item)
        best = min(best, time.process_time() - start)
    return best / len(items) * 1000


def best_parts_ms(pages: list[str], url: str, repeat: int) -> list[float]:
    """Each part's best ms per page; every round runs the parts in turn on fresh Documents."""
    best = [float("inf")] * len(PARTS)
    for _ in range(repeat):
        docs = [parse_document(page, url) for page in pages]
        for i, part in enumerate(PARTS):
            start = time.process_time()
            for doc in docs:
                part(doc)
            best[i] = min(best[i], time.process_time() - start)
    return [seconds / len(pages) * 1000 for seconds in best]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", type=Path)
    parser.add_argument("--repeat", type=int, default=10)
    args = parser.parse_args()
    pages = load(args.folder)
    if not pages:
        raise SystemExit(f"no .html or .html.gz pages in {args.folder}")
    print(f"{len(pages)} pages, {sum(map(len, pages)) / len(pages) / 1000:.0f} kB of HTML on average")
    url = "https://bench.example/article/"
    total = 0.0
    for part, ms in zip(PARTS, best_parts_ms(pages, url, args.repeat)):
        total += ms
        print(f"  {part.__name__:<24} {ms:6.3f} ms/page")
    print(f"  {'four parts together':<24} {total:6.3f} ms/page")
    ours = best_ms_per_item(lambda page: extract(page, url), pages, max(1, args.repeat // 2))
    print(f"extract() as a whole       {ours:6.3f} ms/page  ({1000 / ours:.0f} pages/s on one core)")
    try:
        import trafilatura
    except ImportError:
        print("trafilatura is not installed (pip install -e '.[bench]'): no baseline")
        return
    theirs = best_ms_per_item(trafilatura.extract, pages, 1)
    print(f"trafilatura.extract()      {theirs:6.3f} ms/page  -> extract() is {theirs / ours:.1f}x faster")


if __name__ == "__main__":
    main()
