"""What a batch shows while it runs, and the summary it ends with. Output only.

On a terminal: a rich progress bar (done/total, pages/s, failures, ETA) with
failures printed above it. When stderr is not a terminal (a log file, cron):
plain lines instead, a status line every few seconds. `--quiet`: neither.
Progress goes to stderr; the summary table is the command's output (stdout).
"""
from __future__ import annotations

import time
from datetime import timedelta

from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn
from rich.table import Table

from ..crawl.batch import Tally
from ..crawl.queue import FAILED, BadLine
from ..crawl.writer import Written
from ..urls import redact

MAX_BAD_LINES_SHOWN = 20
LOG_EVERY = 10.0  # seconds between status lines in plain mode


class Display:
    """Quiet: shows nothing while the crawl runs. The base of the other two."""

    def __init__(self, console: Console) -> None:
        self.console = console
        self.tally = Tally()
        self.total = 0
        self.bad_lines = 0

    def bad_line(self, line: BadLine) -> None:
        self.bad_lines += 1

    def start(self, total: int) -> None:
        self.total = total
        self.tally = Tally()

    def written(self, batch: list[Written]) -> None:
        """Called after each commit; `tally` already counts `batch`."""

    def stop(self) -> None:
        self.tally.finished_at = time.monotonic()


class LogDisplay(Display):
    """Plain lines for a log: each failure, and a status line every LOG_EVERY seconds."""

    def __init__(self, console: Console) -> None:
        super().__init__(console)
        self._last_status = 0.0

    def bad_line(self, line: BadLine) -> None:
        super().bad_line(line)
        if self.bad_lines <= MAX_BAD_LINES_SHOWN:
            self.console.print(escape(f"line {line.number}: skipped, {line.reason}: {redact(line.text)}"),
                               highlight=False, soft_wrap=True, markup=False)

    def start(self, total: int) -> None:
        super().start(total)
        if self.bad_lines > MAX_BAD_LINES_SHOWN:
            self.console.print(f"... {self.bad_lines - MAX_BAD_LINES_SHOWN} more lines skipped",
                               highlight=False)
        self._last_status = time.monotonic()
        self.console.print(f"{total:,} URL{'s' if total != 1 else ''} to fetch", highlight=False)

    def written(self, batch: list[Written]) -> None:
        for item in batch:
            if item.state == FAILED:
                self.failure(item)
        if time.monotonic() - self._last_status >= LOG_EVERY:
            self._last_status = time.monotonic()
            self.console.print(status_line(self.tally, self.total), highlight=False)

    def failure(self, item: Written) -> None:
        self.console.print(escape(f"failed: {redact(item.url)}: {item.result.error}"),
                           highlight=False, soft_wrap=True, markup=False)

    def stop(self) -> None:
        super().stop()
        self.console.print(status_line(self.tally, self.total), highlight=False)


class BarDisplay(LogDisplay):
    """A rich progress bar on a terminal, failures printed above it."""

    def __init__(self, console: Console) -> None:
        super().__init__(console)
        self._progress = Progress(
            TextColumn("[bold]scrape batch"), BarColumn(), MofNCompleteColumn(),
            TextColumn("{task.fields[rate]:>7.1f} pages/s"),
            TextColumn("[red]{task.fields[failed]} failed"),
            TimeRemainingColumn(), console=console, transient=False)
        self._task = None

    def start(self, total: int) -> None:
        Display.start(self, total)
        if self.bad_lines > MAX_BAD_LINES_SHOWN:
            self.console.print(f"... {self.bad_lines - MAX_BAD_LINES_SHOWN} more lines skipped",
                               highlight=False)
        self._task = self._progress.add_task("crawl", total=total, rate=0.0, failed=0)
        self._progress.start()

    def written(self, batch: list[Written]) -> None:
        for item in batch:
            if item.state == FAILED:
                self.failure(item)
        self._progress.update(self._task, completed=self.tally.done,
                              rate=self.tally.pages_per_second,
                              failed=sum(self.tally.failed.values()))

    def stop(self) -> None:
        Display.stop(self)
        if self._task is not None:
            self._progress.update(self._task, completed=self.tally.done)
            self._progress.stop()


def make_display(console: Console, *, quiet: bool) -> Display:
    if quiet:
        return Display(console)
    return BarDisplay(console) if console.is_terminal else LogDisplay(console)


def status_line(tally: Tally, total: int) -> str:
    done = tally.done
    rate = tally.pages_per_second
    eta = timedelta(seconds=round((total - done) / rate)) if rate > 0 and total > done else None
    share = f" ({done / total:.0%})" if total else ""
    return (f"{done:,}/{total:,} done{share}, {sum(tally.failed.values()):,} failed, "
            f"{rate:.1f} pages/s" + (f", ETA {eta}" if eta is not None else ""))


def figures_table(title: str) -> Table:
    """An end-of-run table: what was counted on the left, how many on the right."""
    table = Table(title=title, title_justify="left", show_header=False, show_edge=False,
                  pad_edge=False)
    table.add_column(style="bold")
    table.add_column(justify="right")
    return table


def summary_table(tally: Tally, *, bad_lines: int = 0, failed_before: int = 0) -> Table:
    """The end-of-run table: archived, unchanged, failed by reason, skipped, elapsed, pages/s."""
    table = figures_table("scrape batch")
    table.add_row("archived", f"{tally.archived:,}")
    table.add_row("unchanged", f"{tally.unchanged:,}")
    failed = sum(tally.failed.values())
    table.add_row("failed", f"[red]{failed:,}[/]" if failed else "0")
    for reason, count in tally.failed.most_common():
        table.add_row(f"  {reason}", f"{count:,}")
    for reason, count in tally.skipped.most_common():
        table.add_row(f"skipped: {'robots.txt' if reason == 'robots' else reason}", f"{count:,}")
    if bad_lines:
        table.add_row("lines not URLs", f"{bad_lines:,}")
    if failed_before:
        table.add_row("failed earlier", f"{failed_before:,} (--retry-failed tries them again)")
    table.add_row("elapsed", f"{tally.elapsed:.1f} s")
    table.add_row("pages/s", f"{tally.pages_per_second:.1f}")
    return table
