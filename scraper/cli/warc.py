"""`scrape import`: WARC files into the archive, the way a crawl archives what it fetches.

The files are read here, record by record (scraper/warc/source.py); the pages go
through the crawl's own extraction processes and writer (crawl/batch.py's
archive_pages), so an import extracts on every core and keeps history and
full-text search exactly as a crawl does.
"""
from __future__ import annotations

import asyncio
import time
from pathlib import Path
from typing import List, Optional

import typer
from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, DownloadColumn, Progress, TextColumn, TimeRemainingColumn
from rich.table import Table

from ..archive.queries import parse_since
from ..archive.store import Archive
from ..crawl.batch import Tally, archive_pages
from ..crawl.writer import HAND_ON, Written, default_workers
from ..errors import EXIT_SOME_FAILED, WarcFileError
from ..warc.source import ImportFilter, Problem, Reading, Seen, pages
from .app import DB_OPTION, app, examples, stderr, stdout
from .progress import figures_table

# Pages handed over and not yet committed, at most (the crawl's default, 16 in flight x 4).
IMPORT_IN_FLIGHT = 64
MAX_PROBLEMS_SHOWN = 20


@app.command("import", epilog=examples(
    "scrape import crawl.warc.gz",
    "scrape import CC-NEWS-20250301000000-00000.warc.gz --since 2025-03-01",
    "scrape import crawl.warc.gz --include 'https://example.org/*' --db a.db",
    "scrape import cc-news/*.warc.gz --cluster tcp://10.0.0.1:8786"))
def import_command(
    files: List[Path] = typer.Argument(..., metavar="FILE...",
                                       help="WARC files (.warc.gz, .warc; ARC too)."),
    db: Path = DB_OPTION,
    since: Optional[str] = typer.Option(None, "--since", metavar="DATE", show_default="all",
                                        help="Only records captured on or after this date or "
                                             "ISO time (UTC unless it names a zone)."),
    include: List[str] = typer.Option([], "--include", metavar="GLOB", show_default="every URL",
                                      help="Only URLs matching this glob (repeatable)."),
    exclude: List[str] = typer.Option([], "--exclude", metavar="GLOB", show_default="none",
                                      help="Skip URLs matching this glob (repeatable)."),
    max_body: float = typer.Option(10.0, min=0.001, help="Largest page in MiB, decoded."),
    workers: Optional[int] = typer.Option(
        None, min=0, show_default="one per CPU core, up to 8 (none on one core)",
        help="Processes that extract pages for the writer (0: the writer extracts them "
             "itself)."),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="No progress bar or log lines."),
    cluster: Optional[str] = typer.Option(
        None, "--cluster", metavar="ADDRESS", show_default="no cluster",
        help="Read and extract on a Dask cluster: its scheduler's address (tcp://HOST:8786), "
             "or local:N for N worker processes on this machine. Every worker reads the "
             "files at the paths given. Needs scraper[cluster]."),
) -> None:
    """Archive every HTML response in WARC files, as if fetched. No network."""
    if cluster is None:  # (on a cluster, the workers say whether they can read them)
        for path in files:
            if not path.is_file():
                raise WarcFileError(f"cannot read WARC file {path}: "
                                    f"{'it is a folder' if path.is_dir() else 'no such file'}")
    keep = ImportFilter(since=parse_since(since) if since else None, include=tuple(include),
                        exclude=tuple(exclude), max_body=int(max_body * 1024 * 1024))
    display = ImportDisplay(stderr, quiet=quiet,
                            total=0 if cluster else sum(p.stat().st_size for p in files))
    reading = Reading()
    archive = Archive(db)  # created or migrated here, before the writer opens it
    try:
        # Pages in flight are remembered beyond the hand-over's bound, so a duplicate of one
        # not yet committed is still seen.
        seen = Seen(archive.db.conn, recent=IMPORT_IN_FLIGHT + 2 * HAND_ON)

        async def produce(hand_over) -> None:
            for page in pages(files, keep, seen, reading, on_record=display.record):
                await hand_over(page)
                await asyncio.sleep(0)  # let commits be counted as they come

        interrupted = False
        try:
            if cluster is None:
                asyncio.run(archive_pages(
                    produce, db, record_queue=False, on_written=display.written,
                    workers=default_workers() if workers is None else workers,
                    tally=display.tally, max_pages=IMPORT_IN_FLIGHT))
            else:
                _import_on_cluster(cluster, files, keep, db, seen, reading, display)
        except KeyboardInterrupt:  # what was committed stays; a rerun goes on past it
            interrupted = True
        finally:
            display.stop(reading)
    finally:
        archive.close()
    stdout.print(import_summary(display.tally, reading))
    if interrupted:
        stderr.print("interrupted: run the same command again to go on", highlight=False)
        raise typer.Exit(130)
    if reading.problems or display.tally.failed:
        raise typer.Exit(EXIT_SOME_FAILED)


def _import_on_cluster(cluster: str, files: list[Path], keep: ImportFilter, db: Path,
                       seen: Seen, reading: Reading, display: "ImportDisplay") -> None:
    """The import, its files read and its pages prepared on a Dask cluster."""
    from ..cluster.connect import cluster_address
    from ..cluster.imports import ImportSettings, import_on_cluster

    settings = ImportSettings(keep, db, IMPORT_IN_FLIGHT)
    with cluster_address(cluster) as address:
        asyncio.run(import_on_cluster(address, files, settings, seen=seen, reading=reading,
                                      tally=display.tally, on_total=display.set_total,
                                      on_record=display.record, on_written=display.written))


class ImportDisplay:
    """Progress by bytes of the files read; problems printed as they are met."""

    def __init__(self, console: Console, *, quiet: bool, total: int) -> None:
        self.console = console
        self.tally = Tally()
        self._quiet = quiet
        self._shown = 0
        self._last = 0.0
        self._bar = None
        if not quiet and console.is_terminal:
            self._bar = Progress(TextColumn("[bold]scrape import"), BarColumn(), DownloadColumn(),
                                 TextColumn("{task.fields[pages]:,} pages"),
                                 TimeRemainingColumn(), console=console)
            self._task = self._bar.add_task("import", total=total, pages=0)
            self._bar.start()

    def set_total(self, total: int) -> None:
        """The files' size, once known (on a cluster, from the workers)."""
        if self._bar is not None:
            self._bar.update(self._task, total=total)

    def record(self, reading: Reading) -> None:
        """After each record read: problems, and now and then the progress."""
        while self._shown < len(reading.problems):
            self.problem(reading.problems[self._shown])
            self._shown += 1
        now = time.monotonic()
        if now - self._last < (0.2 if self._bar is not None else 10.0):
            return
        self._last = now
        if self._bar is not None:
            self._bar.update(self._task, completed=reading.bytes_read, pages=self.tally.done)
        elif not self._quiet:
            self.console.print(f"{reading.bytes_read / 1e6:,.0f} MB read, "
                               f"{self.tally.done:,} pages archived", highlight=False)

    def written(self, batch: list[Written]) -> None:
        for item in batch:
            if item.refused and not self._quiet:
                self.console.print(escape(f"failed: {item.url}: {item.refused}"),
                                   highlight=False, soft_wrap=True, markup=False)

    def problem(self, problem: Problem) -> None:
        if self._quiet or self._shown >= MAX_PROBLEMS_SHOWN:
            return
        self.console.print(escape(f"skipped: {problem}"), highlight=False, soft_wrap=True,
                           markup=False)

    def stop(self, reading: Reading) -> None:
        if reading.records or reading.problems:  # (nothing, when no file could be read)
            self.record(reading)
        self.tally.finished_at = time.monotonic()
        if self._bar is not None:
            self._bar.update(self._task, completed=reading.bytes_read, pages=self.tally.done)
            self._bar.stop()
        if len(reading.problems) > MAX_PROBLEMS_SHOWN and not self._quiet:
            self.console.print(f"... {len(reading.problems) - MAX_PROBLEMS_SHOWN} more records "
                               "skipped as unreadable", highlight=False)


def import_summary(tally: Tally, reading: Reading) -> Table:
    table = figures_table("scrape import")
    table.add_row("records read", f"{reading.records:,}")
    table.add_row("archived", f"{tally.archived:,}")
    table.add_row("unchanged", f"{tally.unchanged:,}")
    failed = sum(tally.failed.values())
    if failed:
        table.add_row("failed", f"[red]{failed:,}[/]")
    for reason, count in sorted(reading.skipped.items(), key=lambda kv: (-kv[1], kv[0])):
        table.add_row(f"skipped: {reason}", f"{count:,}")
    if reading.problems:
        table.add_row("unreadable", f"[red]{len(reading.problems):,}[/]")
    table.add_row("elapsed", f"{tally.elapsed:.1f} s")
    table.add_row("pages/s", f"{tally.pages_per_second:.1f}")
    return table
