"""The long fuzzing profile: extract() on many generated hostile pages, counting every failure.

    python benchmarks/fuzz.py --examples 20000            # about 3-4 minutes on 2 cores
    python benchmarks/fuzz.py --examples 2000 --save fuzz-findings/

The pages come from the same strategies as the test suite's fast profile
(tests/strategies.py), with bigger sizes; the properties are the same
(tests/invariants.py). Unlike a test it never stops at the first failure: it
counts the pages that break each property, groups the failures, keeps the
smallest page that shows each one (written out with --save), and prints the
time per page, slowest first, with each page's size.
"""
from __future__ import annotations

import argparse
import gc
import json
import multiprocessing
import statistics
import sys
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

from hypothesis import HealthCheck, Phase, given, seed, settings  # noqa: E402

from invariants import CHECKS, Problem, url_problems, watched_extract  # noqa: E402
from strategies import Page, Sizes, pages  # noqa: E402

# Nesting 10,000 deep is far beyond real pages and already past the time bound
# where the extractor is quadratic; deeper only makes the run slower.
LONG = Sizes(max_leaves=60, max_depth=10_000, max_attr_chars=200_000, max_mutations=6)
SLOW_SECONDS = 2.0  # the suite's bound per page
# Pages slower than this are timed once more and keep the faster time: a collection of this
# process's large heap, or a busy neighbour, can add a second to any page.
RETIME_SECONDS = 0.2
SLOWEST_KEPT = 10


@dataclass
class Survey:
    """What fuzzing found: counts per property and per distinct failure, and the times."""

    pages: int = 0
    origins: Counter = field(default_factory=Counter)
    failing_pages: Counter = field(default_factory=Counter)  # property -> pages that broke it
    failures: Counter = field(default_factory=Counter)  # distinct failure -> pages
    smallest: dict[str, tuple[Page, Problem]] = field(default_factory=dict)  # failure -> smallest page showing it
    seconds: list[float] = field(default_factory=list)
    slowest: list[tuple[float, Page]] = field(default_factory=list)

    def record(self, page: Page) -> None:
        self.pages += 1
        self.origins[_family(page)] += 1
        try:
            outcome = watched_extract(page.html, page.url)
        except Exception as exc:  # the one thing extract() promises never to do
            self._fail("raises", [Problem(type(exc).__name__, str(exc))], page)
            return
        seconds = outcome.seconds
        if seconds >= RETIME_SECONDS:  # time it again, clear of a garbage collection or a busy neighbour
            gc.collect()
            seconds = min(seconds, watched_extract(page.html, page.url).seconds)
        self.seconds.append(seconds)
        self.slowest = sorted(self.slowest + [(seconds, page)], key=lambda entry: -entry[0])[:SLOWEST_KEPT]
        if seconds >= SLOW_SECONDS:
            self._fail("slow", [Problem(f"over {SLOW_SECONDS} s", f"{seconds:.1f} s")], page)
        self._fail("parts", outcome.part_failures, page)
        for name, check in CHECKS.items():
            if check is url_problems and page.url is None:  # nothing to make relative links absolute against
                continue
            try:
                problems = check(outcome.article)
            except Exception as exc:  # a check that cannot even look at the article: count it, go on
                problems = [Problem(f"the check itself raised {type(exc).__name__}", str(exc))]
            self._fail(name, problems, page)

    def _fail(self, prop: str, problems: list[Problem], page: Page) -> None:
        if not problems:
            return
        self.failing_pages[prop] += 1
        for key, problem in {f"{prop}: {problem.what}": problem for problem in problems}.items():
            self.failures[key] += 1
            self._keep(key, page, problem)

    def _keep(self, key: str, page: Page, problem: Problem) -> None:
        if key not in self.smallest or page.size < self.smallest[key][0].size:
            self.smallest[key] = (page, problem)

    def merge(self, other: Survey) -> None:
        self.pages += other.pages
        self.origins += other.origins
        self.failing_pages += other.failing_pages
        self.failures += other.failures
        for key, (page, problem) in other.smallest.items():
            self._keep(key, page, problem)
        self.seconds += other.seconds
        self.slowest = sorted(self.slowest + other.slowest, key=lambda entry: -entry[0])[:SLOWEST_KEPT]


def _family(page: Page) -> str:
    origin = page.origin.split(" (")[0].split(":")[0]
    return f"{origin}/{'str' if isinstance(page.html, str) else 'bytes'}"


def survey(examples: int, run_seed: int, sizes: Sizes) -> Survey:
    found = Survey()
    watched_extract(b"<p>\xe9</p>", None)  # warm up: the charset detector is imported on first use

    @seed(run_seed)
    @settings(max_examples=examples, database=None, deadline=None, phases=[Phase.generate],
              suppress_health_check=list(HealthCheck))
    @given(pages(sizes))
    def fuzz(page: Page) -> None:
        found.record(page)

    fuzz()
    return found


def _survey_job(job: tuple[int, int, Sizes]) -> Survey:
    return survey(*job)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--examples", type=int, default=2_000, help="pages to generate (default 2000)")
    parser.add_argument("--seed", type=int, default=int(time.time()), help="random seed (default: the clock)")
    parser.add_argument("--jobs", type=int, default=multiprocessing.cpu_count(), help="processes (default: all cores)")
    parser.add_argument("--save", type=Path, help="folder to write the smallest page of each distinct failure to")
    args = parser.parse_args()

    started = time.perf_counter()
    jobs = [(args.examples // args.jobs + (i < args.examples % args.jobs), args.seed + i, LONG) for i in range(args.jobs)]
    with multiprocessing.get_context("fork").Pool(args.jobs) as pool:
        surveys = pool.map(_survey_job, jobs)
    found = Survey()
    for part in surveys:
        found.merge(part)
    report(found, args, time.perf_counter() - started)
    if args.save:
        save(found, args.save)


def report(found: Survey, args: argparse.Namespace, elapsed: float) -> None:
    print(f"extract() fuzzing: {found.pages} pages in {elapsed:.0f} s ({args.jobs} jobs, seed {args.seed}, {LONG})")
    print("  pages by kind: " + ", ".join(f"{kind} {n}" for kind, n in sorted(found.origins.items())))
    print("  pages failing each property:")
    for prop in ["raises", "slow", "contract", "parts", "types", "shape", "urls", "text"]:
        print(f"    {prop:<9} {found.failing_pages[prop]:>6}")
    print(f"  distinct failures: {len(found.failures)}")
    for key, count in found.failures.most_common():
        page, problem = found.smallest[key]
        print(f"    {count:>6} pages  {key}\n"
              f"                  smallest: {page.size_text}, {page.origin}; {problem.example[:100]}")
    if found.seconds:
        ordered = sorted(found.seconds)
        p99 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))]
        slowest, page = found.slowest[0]
        print(f"  time per page: median {statistics.median(ordered) * 1000:.1f} ms, p99 {p99 * 1000:.1f} ms, "
              f"slowest {slowest:.3f} s (a page of {page.size_text})")
        print("  slowest pages:")
        for seconds, page in found.slowest:
            print(f"    {seconds:8.3f} s  {page.size_text:>18}  {page.origin}")


def save(found: Survey, folder: Path) -> None:
    """Each distinct failure's smallest page, as .html (str) or .bin (bytes), the slowest page, and an index."""
    folder.mkdir(parents=True, exist_ok=True)
    index = []
    for number, (key, count) in enumerate(found.failures.most_common(), 1):
        page, problem = found.smallest[key]
        name = f"{number:03d}.{'html' if isinstance(page.html, str) else 'bin'}"
        (folder / name).write_bytes(_page_bytes(page))
        index.append({"file": name, "failure": key, "example": problem.example, "pages": count, "url": page.url,
                      "origin": page.origin})
    if found.slowest:
        seconds, page = found.slowest[0]
        (folder / "slowest.html").write_bytes(_page_bytes(page))
        index.append({"file": "slowest.html", "seconds": round(seconds, 3), "url": page.url, "origin": page.origin})
    (folder / "index.json").write_text(json.dumps(index, indent=1, ensure_ascii=False), encoding="utf-8")
    print(f"  saved {len(index)} pages to {folder}/ (index.json says which failure each shows)")


def _page_bytes(page: Page) -> bytes:
    return page.html.encode("utf-8", "surrogatepass") if isinstance(page.html, str) else page.html


if __name__ == "__main__":
    main()
