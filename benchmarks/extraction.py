"""Extraction speed and output on a folder of saved pages.

usage: python benchmarks/extraction.py DATASET --out preds.json [--compare trafilatura]

DATASET holds `html/<id>.html.gz` (UTF-8 pages) and a ground-truth JSON whose
entries may carry each page's `url`. The script runs `extract()` (every part,
not only the body) over all pages, writes `{id: {"articleBody": text}}` to
--out for scoring, and prints pages/s (median of 3 passes over pages already
in memory, one process; also per second of CPU time, which other work on a
shared machine does not change) and the peak RSS. With `--compare trafilatura` it runs
trafilatura on the same pages in the same run, its passes alternating with
ours so that a change in the machine's load weighs on both alike, and prints
the speed ratio. The peak RSS is read before trafilatura is imported: it is
ours alone.

It measures; it never scores: score the predictions with score.py.
"""
from __future__ import annotations

import argparse
import gc
import gzip
import json
import resource
import statistics
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from scraper.extract import extract  # noqa: E402

PASSES = 3


def load_pages(dataset: Path) -> list[tuple[str, str, str | None]]:
    """(id, html, url) for every page, urls from the ground-truth file when present."""
    urls: dict[str, str] = {}
    for truth in sorted(dataset.glob("*.json")):
        data = json.loads(truth.read_text(encoding="utf-8"))
        urls.update({key: value.get("url") for key, value in data.items() if isinstance(value, dict)})
    pages = []
    for path in sorted((dataset / "html").glob("*.html.gz")):
        item_id = path.name.removesuffix(".html.gz")
        html = gzip.decompress(path.read_bytes()).decode("utf-8", errors="replace")
        pages.append((item_id, html, urls.get(item_id)))
    return pages


@dataclass
class Speed:
    wall: float  # pages per second of the clock on the wall
    cpu: float  # pages per second of this process's CPU time: what other work does not change


def pages_per_second(pages: list, *runs: Callable[[str, str | None], object]) -> list[Speed]:
    """Each run's speed: the median of PASSES passes, the runs taking turns."""
    walls: list[list[float]] = [[] for _ in runs]
    cpus: list[list[float]] = [[] for _ in runs]
    for _ in range(PASSES):
        for run, wall, cpu in zip(runs, walls, cpus):
            gc.collect()
            start, start_cpu = time.perf_counter(), time.process_time()
            for _, html, url in pages:
                run(html, url)
            wall.append(time.perf_counter() - start)
            cpu.append(time.process_time() - start_cpu)
    return [Speed(len(pages) / statistics.median(wall), len(pages) / statistics.median(cpu))
            for wall, cpu in zip(walls, cpus)]


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux reports KiB


def trafilatura_runner() -> Callable[[str, str | None], object]:
    try:
        import trafilatura
    except ImportError:
        raise SystemExit("trafilatura is not installed: pip install -e '.[bench]'")

    def run(html: str, url: str | None) -> object:
        return trafilatura.extract(html, url=url)

    return run


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("dataset", type=Path)
    parser.add_argument("--out", type=Path, required=True, help="predictions JSON to write")
    parser.add_argument("--compare", choices=["trafilatura"], help="also time this extractor")
    args = parser.parse_args(argv)

    pages = load_pages(args.dataset)
    if not pages:
        raise SystemExit(f"no pages under {args.dataset / 'html'}")
    predictions = {item_id: {"articleBody": extract(html, url).body_text} for item_id, html, url in pages}
    args.out.write_text(json.dumps(predictions, ensure_ascii=False, indent=1), encoding="utf-8")

    rss = peak_rss_mb()  # every page has been extracted once: this is our peak
    if args.compare == "trafilatura":
        ours, theirs = pages_per_second(pages, extract, trafilatura_runner())
    else:
        [ours] = pages_per_second(pages, extract)
    print(f"pages            {len(pages)}")
    print(f"scraper          {ours.wall:8.1f} pages/s  (extract(), all parts; median of {PASSES} "
          f"passes; {ours.cpu:.1f} per CPU second)")
    print(f"peak RSS         {rss:8.1f} MB")
    print(f"predictions      {args.out}")
    if args.compare == "trafilatura":
        print(f"trafilatura      {theirs.wall:8.1f} pages/s  (same pages, passes taking turns with "
              f"ours; {theirs.cpu:.1f} per CPU second)")
        print(f"speed ratio      {ours.wall / theirs.wall:8.1f}x  "
              f"({ours.cpu / theirs.cpu:.1f}x in CPU time)")


if __name__ == "__main__":
    main()
