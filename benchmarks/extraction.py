"""Extraction quality and speed on a benchmark folder, optionally against trafilatura.

usage: python benchmarks/extraction.py DATASET --out preds.json [--compare trafilatura]

DATASET holds `html/<id>.html.gz` (UTF-8; a page that is not is decoded as a fetched one) and
its ground truth in either layout (see scoring.py): reference bodies (`*.json` of
`{id: {"articleBody", "url"}}`) or `snippets.json` (`{id: {"url", "with", "without"}}`).
The script runs `extract()` (every part, not only the body) over all pages, writes
`{id: {"articleBody": text}}` to --out (the shape the published scorers read), scores it,
and prints F1, precision, recall, the pages with an empty body, pages/s (median of 3 passes
over pages already in memory, one process; also per second of CPU time, which other work on
a shared machine changes less), the peak RSS and how each body was found
(`extraction_method`).

With `--compare trafilatura` it runs trafilatura (default settings) on the same pages in the
same run, its passes alternating with ours so that a change in the machine's load weighs on
both alike, scores its output the same way and prints the speed ratio. The peak RSS is read
after a first pass that holds one page at a time, before the pages are loaded for the timed
passes and before trafilatura is imported: it is what extracting these pages takes.
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
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterator

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from scoring import GroundTruth, Scores, load_ground_truth  # noqa: E402  (a sibling module)
from scraper.encoding import decode_html  # noqa: E402
from scraper.extract import extract  # noqa: E402

PASSES = 3
Page = tuple[str, str, "str | None"]  # id, html, url


def pages_of(dataset: Path, truth: GroundTruth) -> Iterator[Page]:
    """Each page, read when asked for: a pass over them holds one at a time."""
    for path in sorted((dataset / "html").glob("*.html.gz")):
        item_id = path.name.removesuffix(".html.gz")
        yield item_id, page_text(gzip.decompress(path.read_bytes())), truth.url(item_id)


def page_text(data: bytes) -> str:
    """The page as text. The sets store UTF-8, but a few pages kept the bytes their server
    sent (windows-1252 declared in <meta>): those are decoded as the archiver decodes a
    fetched page, not read as UTF-8 with every accented letter lost. Both extractors get
    the same text."""
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return decode_html(data)[0]


@dataclass
class Speed:
    wall: float  # pages per second of the clock on the wall
    cpu: float  # pages per second of this process's CPU time: what other work does not change


def pages_per_second(pages: list[Page], *runs: Callable[[str, str | None], object]) -> list[Speed]:
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


def trafilatura_extract() -> Callable[[str, str | None], str]:
    try:
        import trafilatura
    except ImportError:
        raise SystemExit("trafilatura is not installed: pip install -e '.[bench]'")

    def run(html: str, url: str | None) -> str:
        return trafilatura.extract(html, url=url) or ""

    return run


def line(name: str, scores: Scores, speed: Speed) -> str:
    return (f"{name:<12} {scores.f1:6.3f} {scores.precision:9.3f} {scores.recall:7.3f} "
            f"{scores.empty:6d} {speed.wall:9.1f} {speed.cpu:10.1f}")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("dataset", type=Path)
    parser.add_argument("--out", type=Path, required=True, help="predictions JSON to write")
    parser.add_argument("--compare", choices=["trafilatura"], help="also run and score this extractor")
    args = parser.parse_args(argv)

    truth = load_ground_truth(args.dataset)
    ours: dict[str, str] = {}
    methods: Counter = Counter()
    for item_id, html, url in pages_of(args.dataset, truth):
        article = extract(html, url)
        ours[item_id] = article.body_text
        methods[article.extraction_method] += 1
    if not ours:
        raise SystemExit(f"no pages under {args.dataset / 'html'}")
    rss = peak_rss_mb()  # every page extracted once, one at a time: this is our peak
    args.out.write_text(json.dumps({key: {"articleBody": text} for key, text in ours.items()},
                                   ensure_ascii=False, indent=1), encoding="utf-8")

    pages = list(pages_of(args.dataset, truth))
    rows = [("scraper", truth.score(ours))]
    if args.compare == "trafilatura":
        theirs = trafilatura_extract()
        predictions = {item_id: theirs(html, url) for item_id, html, url in pages}
        rows.append(("trafilatura", truth.score(predictions)))
        speeds = pages_per_second(pages, extract, theirs)
    else:
        speeds = pages_per_second(pages, extract)

    print(f"pages        {len(pages)}, scored against {truth.path.name} ({truth.layout})")
    print(f"{'':<12} {'F1':>6} {'precision':>9} {'recall':>7} {'empty':>6} {'pages/s':>9} "
          f"{'per CPU s':>10}")
    for (name, scores), speed in zip(rows, speeds):
        print(line(name, scores, speed))
    if len(speeds) == 2:
        print(f"speed ratio  {speeds[0].wall / speeds[1].wall:.1f}x  "
              f"({speeds[0].cpu / speeds[1].cpu:.1f}x in CPU time; median of {PASSES} passes each, "
              "taking turns)")
    print(f"peak RSS     {rss:.1f} MB (scraper, before the timed passes)")
    print("found by     " + ", ".join(f"{method} {count}" for method, count in methods.most_common()))
    print(f"predictions  {args.out}")


if __name__ == "__main__":
    main()
