"""What a discovery shows while it runs, and the summary it ends with. Output only.

Discovery and crawl run together: documents are read while pages are fetched.
The line shows both: sitemaps, feeds and listing pages read, URLs they listed,
how many were in scope, how many were new to the archive; then pages archived
and failed. A terminal gets it as a live line; a log gets it every few seconds.
"""
from __future__ import annotations

import time
from dataclasses import asdict, dataclass, field

from rich.console import Console
from rich.live import Live
from rich.markup import escape
from rich.table import Table
from rich.text import Text

from ..crawl.batch import Tally
from ..crawl.queue import DONE, FAILED
from ..crawl.writer import Written
from ..discover.plan import FEED, LISTING, SITEMAP
from ..discover.seeds import SeedCounts
from ..urls import redact

LOG_EVERY = 10.0


@dataclass
class DiscoveryCounts:
    sitemaps: int = 0  # read in this run
    feeds: int = 0
    listings: int = 0
    found: int = 0  # URLs the documents listed
    in_scope: int = 0
    new: int = 0  # new to the archive's queue
    notes: list[str] = field(default_factory=list)

    def add(self, item: Written) -> None:
        found = item.discovered
        if found is None:
            return
        if item.state == DONE:
            if found.kind == SITEMAP:
                self.sitemaps += 1
            elif found.kind == FEED:
                self.feeds += 1
            elif found.kind == LISTING:
                self.listings += 1
        self.found += found.entries
        self.in_scope += found.in_scope
        self.new += found.new


class DiscoveryDisplay:
    """Quiet: counts only. Log and Live displays print as well."""

    def __init__(self, console: Console, *, quiet: bool) -> None:
        self.console = console
        self.tally = Tally()
        self.counts = DiscoveryCounts()
        self._quiet = quiet
        self._live: Live | None = None
        self._last = 0.0

    def start(self) -> None:
        self.tally = Tally()
        if self._quiet:
            return
        if self.console.is_terminal:
            self._live = Live(Text(self.line()), console=self.console, transient=False,
                              refresh_per_second=4)
            self._live.start()
        self._last = time.monotonic()

    def written(self, batch: list[Written]) -> None:
        for item in batch:
            self.counts.add(item)
            if item.state == FAILED and not self._quiet:
                self._print(f"failed: {redact(item.url)}: {item.result.error}")
        if self._live is not None:
            self._live.update(Text(self.line()))
        elif not self._quiet and time.monotonic() - self._last >= LOG_EVERY:
            self._last = time.monotonic()
            self._print(self.line())

    def stop(self) -> None:
        self.tally.finished_at = time.monotonic()
        if self._live is not None:
            self._live.update(Text(self.line()))
            self._live.stop()
        elif not self._quiet:
            self._print(self.line())

    def line(self) -> str:
        c, t = self.counts, self.tally
        return (f"sitemaps {c.sitemaps:,}, feeds {c.feeds:,}, listings {c.listings:,} read; "
                f"URLs found {c.found:,}, in scope {c.in_scope:,}, new {c.new:,}; "
                f"archived {t.archived:,}, failed {sum(t.failed.values()):,}, "
                f"{t.pages_per_second:.1f} pages/s")

    def _print(self, text: str) -> None:
        if self._live is not None:
            self._live.console.print(escape(text), highlight=False, soft_wrap=True, markup=False)
        else:
            self.console.print(escape(text), highlight=False, soft_wrap=True, markup=False)


def summary(command: str, seed: str, display: DiscoveryDisplay, seed_counts: SeedCounts
            ) -> dict:
    """The run's figures, for --json and the table."""
    tally = display.tally
    return {
        "command": command, "seed": seed,
        **{k: v for k, v in asdict(display.counts).items() if k != "notes"},
        "archived": tally.archived, "unchanged": tally.unchanged,
        "failed": dict(tally.failed), "skipped": dict(tally.skipped),
        "seed_pages": seed_counts.pages, "seed_pages_archived": seed_counts.archived,
        "seed_pages_pending": seed_counts.pending, "seed_documents": seed_counts.documents,
        "notes": [{"url": url, "note": note} for url, note in seed_counts.notes],
        "elapsed": round(tally.elapsed, 3),
    }


def summary_table(figures: dict) -> Table:
    table = Table(title=f"scrape {figures['command']} {figures['seed']}", title_justify="left",
                  show_header=False, show_edge=False, pad_edge=False)
    table.add_column(style="bold")
    table.add_column(justify="right")
    table.add_row("sitemaps read", f"{figures['sitemaps']:,}")
    table.add_row("feeds read", f"{figures['feeds']:,}")
    table.add_row("listing pages read", f"{figures['listings']:,}")
    table.add_row("URLs found", f"{figures['found']:,}")
    table.add_row("in scope", f"{figures['in_scope']:,}")
    table.add_row("new", f"{figures['new']:,}")
    table.add_row("archived", f"{figures['archived']:,}")
    table.add_row("unchanged", f"{figures['unchanged']:,}")
    failed = sum(figures["failed"].values())
    table.add_row("failed", f"[red]{failed:,}[/]" if failed else "0")
    for reason, count in sorted(figures["failed"].items()):
        table.add_row(f"  {reason}", f"{count:,}")
    for reason, count in sorted(figures["skipped"].items()):
        table.add_row(f"skipped: {'robots.txt' if reason == 'robots' else reason}", f"{count:,}")
    table.add_row("pages of this seed", f"{figures['seed_pages']:,} "
                                        f"({figures['seed_pages_archived']:,} archived, "
                                        f"{figures['seed_pages_pending']:,} pending)")
    table.add_row("elapsed", f"{figures['elapsed']:.1f} s")
    return table


def summary_notes(figures: dict) -> list[str]:
    """The run's notes (a document cut short, a site not fetched): lines of their own, each
    a sentence with a URL, never wrapped."""
    notes = [f"note: {note['url']}: {note['note']}" for note in figures["notes"][:10]]
    if len(figures["notes"]) > 10:
        notes.append(f"... {len(figures['notes']) - 10:,} more notes (see --json)")
    return notes
