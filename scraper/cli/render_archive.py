"""How the archive's history and totals look in the terminal. Output only: rich renderables."""
from __future__ import annotations

from rich.console import Group
from rich.table import Table
from rich.text import Text

from ..archive.queries import ArchiveStats, StoredArticle, Version
from ..archive.reextract import ReextractReport
from ..models import WarcRef


def archived_line(stored: StoredArticle, versions: int) -> Text:
    facts = [f"first archived {_when(stored.first_seen)}", f"last seen {_when(stored.last_seen)}",
             f"{versions} version{'s' if versions != 1 else ''}",
             f"extractor {stored.extractor_version or 'unknown'}"]
    return Text(" · ".join(facts), style="dim")


def capture_line(capture: WarcRef) -> Text:
    """Where the WARC record of the page is: enough to pull it out with any WARC tool."""
    return Text(f"WARC record: {capture.file} at offset {capture.offset:,} "
                f"({capture.length:,} bytes)", style="dim")


def unchanged_line(fetched_at: str | None) -> Text:
    """Said before the archived copy of a page the server reports unchanged (304)."""
    since = f" of {_when(fetched_at)} UTC" if fetched_at else ""
    return Text(f"Unchanged since the archived copy{since} (304 Not Modified)", style="dim")


def versions_table(history: list[Version]) -> Table:
    table = Table(title="Versions", title_justify="left", show_edge=False, pad_edge=False)
    for column in ("#", "seen (UTC)", "cause", "content", "words", "title"):
        table.add_column(column, justify="right" if column in ("#", "words") else "left",
                         no_wrap=column != "title")
    for v in history:
        change = f"{v.old_sha256[:8]} → {v.new_sha256[:8]}" if v.old_sha256 else v.new_sha256[:8]
        table.add_row(str(v.number), _when(v.seen_at), v.cause or "", change,
                      f"{v.word_count:,}", Text(v.title or ""))
    return table


def stats_view(stats: ArchiveStats) -> Group:
    totals = Table.grid(padding=(0, 2))
    totals.add_column(style="bold cyan")
    totals.add_column(justify="right")
    totals.add_column(style="dim")
    totals.add_row("Articles", f"{stats.articles:,}",
                   f"{stats.changed_articles:,} changed after first archived")
    totals.add_row("Sites", f"{stats.sites:,}", "")
    totals.add_row("Versions", f"{stats.versions:,}", "")
    totals.add_row("Fetches", f"{stats.fetches:,}",
                   f"{stats.failed_fetches:,} failed" if stats.fetches else "")
    totals.add_row("Raw pages", f"{stats.bodies:,}",
                   f"{_size(stats.body_bytes)} stored in {_size(stats.stored_bytes)}"
                   if stats.bodies else "")
    if stats.last_fetch:
        totals.add_row("Fetched", "",
                       f"{_when(stats.first_fetch)} … {_when(stats.last_fetch)} UTC")
    parts: list = [totals]
    for (key, value), counts in ((("failure reason", "fetches"), stats.failures_by_reason),
                                 (("extractor", "articles"), stats.extractor_versions)):
        if counts:
            table = Table(show_edge=False, pad_edge=False)
            table.add_column(key)
            table.add_column(value, justify="right")
            for name, count in counts.items():
                table.add_row(Text(str(name)), f"{count:,}")
            parts += [Text(""), table]
    return Group(*parts)


def reextract_summary(report: ReextractReport) -> str:
    lines = [f"Re-extracted {report.articles:,} article{'s' if report.articles != 1 else ''} "
             f"with extractor {report.extractor_version}: {report.changed:,} changed, "
             f"{report.unchanged:,} unchanged."]
    if report.new_versions:
        lines.append(f"{report.new_versions:,} changed in title or body: each has a new version.")
    if report.without_body:
        lines.append(f"{report.without_body:,} had no stored page and were left as they were.")
    if report.superseded:
        lines.append(f"{report.superseded:,} were fetched again meanwhile; the fresh fetch stands.")
    if report.crashed:
        lines.append(f"{report.crashed:,} killed the worker extracting them and were left as "
                     "they were.")
    return "\n".join(lines)


def _when(timestamp: str | None) -> str:
    """An archive timestamp (UTC ISO 8601) as `2025-05-14 08:12:00`."""
    return (timestamp or "").replace("T", " ").removesuffix("+00:00")


def _size(n: float) -> str:
    units = ["B", "KB", "MB", "GB"]
    while n >= 1024 and len(units) > 1:
        n /= 1024
        units.pop(0)
    return f"{n:,.0f} B" if units[0] == "B" else f"{n:,.1f} {units[0]}"
