"""The `scrape` command line. Thin: parses arguments, calls the stages, prints.

Every failure the user can meet prints one line on stderr and sets the exit
code (see errors.py); no traceback reaches the terminal.
"""
from __future__ import annotations

import asyncio
import sys
from contextlib import ExitStack
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Callable, List, Optional

import typer
from rich.markup import escape
from rich.progress import Progress

from .. import __version__
from ..archive.export import ExportFormat, json_line, write_csv, write_jsonl, write_markdown
from ..archive.queries import (StoredArticle, archive_stats, capture_of, fetched_at,
                               find_article, parse_since, stored_articles, versions)
from ..archive.reextract import reextract
from ..archive.store import Archive
from ..crawl.batch import CrawlSettings, ListFrontier, QueueFrontier, crawl
from ..crawl.queue import DONE, FAILED, UrlQueue, last_validators, open_url_list
from ..crawl.writer import Finished, Written, default_workers
from ..errors import EXIT_SOME_FAILED, ArchiveError, ScraperError, UsageError
from ..fetch.http import DEFAULT_USER_AGENT, FetchPolicy, RetryPolicy, read_local
from ..discover import seeds
from ..discover.frontier import DiscoveryFrontier
from ..discover.plan import LIST, Plan
from ..models import LINK_KINDS, Article, FetchResult
from ..urls import credentials_of, normalize_url, origin_of, redact
from ..warc.capture import DEFAULT_MAX_SIZE, WarcCapture
from ..warc.export import output_name, write_warc
from .console import SafeConsole
from .progress import make_display, summary_table
from .render import print_article
from .render_archive import (archived_line, capture_line, reextract_summary, stats_view,
                             unchanged_line, versions_table)


def examples(*lines: str) -> str:
    """The end of a command's --help: example command lines, a comment after each."""
    return "Examples:\n\n" + "\n".join(f"  {escape(line)}" for line in lines)


app = typer.Typer(
    help="Archive news articles into SQLite: headline, body, share URL, "
         "navigation links and comment form.",
    epilog=examples(
        "scrape url https://example.org/2025/05/article/   # into ./archive.db",
        "scrape batch urls.txt --db news.db                # crawl a list of URLs",
        "scrape show https://example.org/2025/05/article/  # what was archived",
        "scrape export --format csv --out articles.csv     # for a spreadsheet",
        "scrape url --help                                 # a command's options"),
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode="rich",  # keeps the examples' line breaks
)
stdout = SafeConsole()  # page text is shown, never obeyed as terminal commands
stderr = SafeConsole(stderr=True, soft_wrap=True)  # messages never cut: paths, URLs stay whole

DB_OPTION = typer.Option(Path("archive.db"), "--db", help="SQLite archive to write.")
WARC_OPTION = typer.Option(None, "--warc", metavar="DIR", show_default="no WARC",
                           help="Also write every request and response as WARC records into "
                                ".warc.gz files in DIR.")
WARC_SIZE_OPTION = typer.Option(DEFAULT_MAX_SIZE / 1e6, "--warc-size", min=1.0, metavar="MB",
                                help="Megabytes a WARC file may grow to before the next starts.")


def _version(value: bool) -> None:
    if value:
        print(f"scrape {__version__}")
        raise typer.Exit()


@app.callback()
def _main(version: bool = typer.Option(False, "--version", callback=_version, is_eager=True,
                                       help="Show the version and exit.")) -> None:
    """Archive news articles into SQLite."""


@app.command("url", epilog=examples(
    "scrape url https://example.org/2025/05/article/   # into ./archive.db",
    "scrape url saved-page.html --db news.db           # a local file works too",
    "scrape url URL1 URL2 --json > articles.jsonl      # JSON Lines, one each",
    "scrape url URL --timeout 20                       # give up sooner"))
def url_command(
    targets: List[str] = typer.Argument(..., metavar="URL...",
                                        help="Article URLs (http/https) or local .html files."),
    db: Path = DB_OPTION,
    as_json: bool = typer.Option(False, "--json", help="Print JSON Lines, one object per article."),
    timeout: float = typer.Option(60.0, min=0.001, help="Total seconds one request may take."),
    warc: Optional[Path] = WARC_OPTION,
    warc_size: float = WARC_SIZE_OPTION,
) -> None:
    """Download articles, extract them and store them in the archive."""
    keys = {t: (t if _is_local(t) else normalize_url(t)) for t in targets}
    urls = [keys[t] for t in targets if not _is_local(t)]
    archive = Archive(db)
    try:  # what the archive knows of these URLs, for conditional requests
        frontier = ListFrontier(urls, validators=lambda url: last_validators(archive.db, url))
    finally:
        archive.close()
    local = [_local_page(t) for t in targets if _is_local(t)]
    # A person asked for these pages, as in a browser: robots.txt is for crawls.
    settings = CrawlSettings(concurrency=max(1, len(urls)), per_host=2, obey_robots=False,
                             fetch=FetchPolicy(deadline=timeout),
                             retry=RetryPolicy(budget=max(RetryPolicy().budget, timeout * 2)))
    pages: dict[str, Written] = {}

    def keep(batch: list[Written]) -> None:
        pages.update((item.url, item) for item in batch)

    credentials = {origin_of(normalize_url(t)): c for t in targets
                   if not _is_local(t) and (c := credentials_of(t))}
    capture = capture_into(warc, warc_size, settings) if warc is not None and urls else None
    asyncio.run(crawl(settings, frontier, db, record_queue=False, on_written=keep,
                      credentials=credentials, return_articles=True, before=local,
                      capture=capture))
    copies = _archived_copies(db, [url for url, page in pages.items()
                                   if page.result.not_modified])
    failed = 0
    for target in targets:
        page = pages[keys[target]]
        result, article = page.result, page.article
        if result.not_modified:  # 304: the archived copy is the page
            copy = copies.get(keys[target])
            if copy is None:
                _page_error(target, "the server answered 304 Not Modified, but the archive "
                                    "holds no copy of the page")
                failed += 1
            elif as_json:
                print(json_line({**copy.stored.to_record(), "not_modified": True}))
            else:
                stdout.print(unchanged_line(copy.fetched_at))
                print_article(stdout, result, copy.stored.article)
        elif not result.ok or article is None:
            _page_error(target, str(result.error))
            failed += 1
        elif as_json:
            print(json_line(_json_record(result, article)))
        else:
            print_article(stdout, result, article)
    if failed:
        raise typer.Exit(EXIT_SOME_FAILED)


def capture_into(folder: Path, megabytes: float, settings: CrawlSettings) -> WarcCapture:
    """A WARC capture into `folder`; its warcinfo says how the crawl fetched."""
    return WarcCapture(folder, max_size=int(megabytes * 1e6), info={
        "http-header-user-agent": settings.fetch.user_agent,
        "robots": "obey" if settings.obey_robots else "ignore",
        "description": "captured by scrape as it fetched; Set-Cookie, Authorization and "
                       "Transfer-Encoding headers are left out, bodies are as transferred "
                       "without the chunked coding"})


@dataclass
class _Copy:
    stored: StoredArticle
    fetched_at: str | None  # when the archived page was fetched


def _archived_copies(db: Path, urls: list[str]) -> dict[str, _Copy]:
    """The archived articles of pages the server said are unchanged, by URL."""
    if not urls:
        return {}
    with Archive(db) as archive:
        return {url: _Copy(stored, fetched_at(archive, stored.fetch_id))
                for url in urls if (stored := find_article(archive, url)) is not None}


def _page_error(target: str, reason: str) -> None:
    stderr.print(f"[red]error:[/] {escape(f'{redact(target)}: {reason}')}",
                 highlight=False, soft_wrap=True)


def _local_page(path: str) -> Finished:
    """A local file, read, ready for the writer like a fetched page."""
    result = read_local(path)
    return Finished(path, result, DONE if result.ok else FAILED)


# --- batch command (scrape batch) goes here ---

CLUSTER_OPTION = typer.Option(
    None, "--cluster", metavar="ADDRESS", show_default="no cluster",
    help="Fetch and extract on a Dask cluster: its scheduler's address (tcp://HOST:8786), "
         "or local:N for N worker processes on this machine. Needs scraper[cluster].")


@app.command("batch", epilog=examples(
    "scrape batch urls.txt                 # one URL per line, '#' comments",
    "cat urls.txt | scrape batch -         # '-' reads standard input",
    "scrape batch urls.txt --concurrency 64 --per-host 2 --delay 1.0",
    "scrape batch urls.txt                 # after Ctrl-C or a crash: resumes",
    "scrape batch urls.txt --retry-failed  # the failed ones again",
    "scrape batch urls.txt --refresh       # archived pages again, if changed"))
def batch_command(
    url_list: str = typer.Argument(..., metavar="FILE",
                                   help="URL list, one per line ('-' reads standard input)."),
    db: Path = DB_OPTION,
    concurrency: int = typer.Option(16, min=1, help="Requests in flight at once, all hosts."),
    per_host: int = typer.Option(2, min=1, help="Requests in flight at once to one host."),
    delay: float = typer.Option(0.0, min=0.0,
                                help="Seconds from the end of one request to a host to the "
                                     "start of the next (robots.txt may ask more)."),
    max_crawl_delay: float = typer.Option(
        60.0, min=0.0, help="Longest robots.txt Crawl-delay honoured; a site asking for more "
                            "is not fetched (its URLs fail)."),
    timeout: float = typer.Option(30.0, min=0.001, help="Total seconds one request may take."),
    connect_timeout: float = typer.Option(10.0, min=0.001, help="Seconds to connect."),
    read_timeout: float = typer.Option(20.0, min=0.001,
                                       help="Seconds the server may stay silent mid-response."),
    retries: int = typer.Option(2, min=0, help="Further attempts on timeouts, connection "
                                               "errors, 429 and 5xx."),
    backoff: float = typer.Option(1.0, min=0.0, help="Seconds before the first retry "
                                                     "(doubling, with jitter)."),
    max_retry_after: float = typer.Option(60.0, min=0.0, help="Longest Retry-After honoured; "
                                                              "a longer one fails the URL."),
    max_url_time: float = typer.Option(120.0, min=0.001, help="Total seconds one URL may cost, "
                                                              "retries and waits included."),
    max_body: float = typer.Option(10.0, min=0.001, help="Largest body in MiB, after "
                                                         "decompression."),
    max_redirects: int = typer.Option(10, min=0, help="Redirects (and meta refreshes) "
                                                      "followed."),
    user_agent: str = typer.Option(DEFAULT_USER_AGENT, help="User-Agent header sent."),
    ignore_robots: bool = typer.Option(False, "--ignore-robots",
                                       help="Fetch what robots.txt disallows."),
    retry_failed: bool = typer.Option(False, "--retry-failed",
                                      help="Try the URLs that failed before again."),
    refresh: bool = typer.Option(False, "--refresh",
                                 help="Fetch the listed URLs already archived again "
                                      "(conditional GET)."),
    workers: Optional[int] = typer.Option(
        None, min=0, show_default="one per CPU core, up to 8 (none on one core)",
        help="Processes that extract pages for the writer (0: the writer extracts them "
             "itself)."),
    follow: Optional[str] = typer.Option(
        None, "--follow", metavar="KINDS", show_default="none",
        help="Also archive the pages each archived page links to as prev, next and/or "
             "related (comma-separated), on the same host."),
    depth: int = typer.Option(1, "--depth", min=1, metavar="N",
                              help="With --follow: links followed this many steps from a "
                                   "listed page."),
    warc: Optional[Path] = WARC_OPTION,
    warc_size: float = WARC_SIZE_OPTION,
    quiet: bool = typer.Option(False, "--quiet", "-q", help="No progress bar or log lines."),
    cluster: Optional[str] = CLUSTER_OPTION,
) -> None:
    """Crawl a list of URLs into the archive: polite, concurrent, resumable."""
    if cluster is not None and warc is not None:  # the bytes are received on the workers
        raise UsageError("--warc does not work with --cluster yet")
    following = _link_kinds(follow) if follow is not None else ()
    settings = CrawlSettings(
        concurrency=concurrency, per_host=per_host, delay=delay, obey_robots=not ignore_robots,
        max_crawl_delay=max_crawl_delay,
        fetch=FetchPolicy(connect_timeout=connect_timeout, read_timeout=read_timeout,
                          deadline=timeout, max_bytes=int(max_body * 1024 * 1024),
                          max_redirects=max_redirects, user_agent=user_agent),
        retry=RetryPolicy(retries=retries, backoff=backoff, max_retry_after=max_retry_after,
                          budget=max_url_time))
    display = make_display(stderr, quiet=quiet)
    capture = capture_into(warc, warc_size, settings) if warc is not None else None
    archive = Archive(db)
    try:
        queue = UrlQueue(archive.db)
        with queue.claimed(db):
            listed = queue.add(open_url_list(url_list), display.bad_line, refresh=refresh)
            if retry_failed:
                queue.retry_failed()
            frontier, on_written = QueueFrontier(queue), display.written
            expecting: Callable[[], bool] = lambda: False
            if following:  # a live frontier: archived pages add the pages they link to
                plan = seeds.start(archive.db, Plan(0, LIST, None, follow=following,
                                                    depth=depth), name=url_list)
                frontier = DiscoveryFrontier(archive.db, settings.fetch, default=plan)
                on_written = _both(frontier.written, display.written)
                expecting = frontier.expecting
            display.start(queue.counts()["pending"])
            interrupted = False
            options = dict(record_queue=True, on_written=on_written,
                           credentials=listed.credentials, tally=display.tally,
                           expecting=expecting,
                           workers=default_workers() if workers is None else workers)
            try:
                if cluster is None:
                    asyncio.run(crawl(settings, frontier, db, capture=capture, **options))
                else:
                    from ..cluster.connect import cluster_address
                    from ..cluster.head import crawl_on_cluster

                    with cluster_address(cluster) as address:
                        asyncio.run(crawl_on_cluster(address, settings, frontier, db,
                                                     **options))
            except KeyboardInterrupt:  # what was committed stays; the rest is still pending
                interrupted = True
            finally:
                display.stop()
            if following and not interrupted:
                seeds.finish(archive.db, plan)
        failed_before = queue.counts()["failed"] - sum(display.tally.failed.values())
    finally:
        archive.close()
    stdout.print(summary_table(display.tally, bad_lines=display.bad_lines,
                               failed_before=failed_before))
    if interrupted:
        stderr.print("interrupted: run the same command again to resume", highlight=False)
        raise typer.Exit(130)
    if display.tally.failed:
        raise typer.Exit(EXIT_SOME_FAILED)


def _link_kinds(text: str) -> tuple[str, ...]:
    kinds = tuple(dict.fromkeys(k.strip().lower() for k in text.split(",") if k.strip()))
    unknown = [k for k in kinds if k not in LINK_KINDS]
    if not kinds or unknown:
        raise UsageError(f"--follow: {', '.join(unknown) or 'nothing'} is not a link kind "
                         f"(give some of {', '.join(LINK_KINDS)}, comma-separated)")
    return kinds


def _both(*calls):
    def call(batch) -> None:
        for each in calls:
            each(batch)
    return call


# --- archive commands (reextract, export, stats, show) go here ---

ARCHIVE_OPTION = typer.Option(Path("archive.db"), "--db", help="The SQLite archive.")


def _existing_archive(db: Path) -> Archive:
    """Open an archive that must already exist: reading commands never create one."""
    if not db.exists():
        raise ArchiveError(f"no archive at {db} (archive pages with `scrape url` first, "
                           "or name one with --db)")
    return Archive(db)


@app.command("show", epilog=examples(
    "scrape show https://example.org/2025/05/article/",
    "scrape show https://example.org/?p=48213 --versions  # by shortlink",
    "scrape show saved-page.html --json --db news.db       # a local file"))
def show_command(
    target: str = typer.Argument(..., metavar="URL",
                                 help="The article's URL (or share, canonical or short URL), "
                                      "or the local file it was read from."),
    db: Path = ARCHIVE_OPTION,
    as_json: bool = typer.Option(False, "--json", help="Print it as `scrape url --json` does."),
    with_versions: bool = typer.Option(False, "--versions",
                                       help="Also list every version the archive holds."),
) -> None:
    """Show one archived article, as `scrape url` printed it."""
    if _is_local(target):
        target = Path(target).resolve().as_uri()
    with _existing_archive(db) as archive:
        stored = find_article(archive, target)
        history = versions(archive, stored.id) if stored else []
        capture = capture_of(archive, stored.id) if stored else None
    if stored is None:
        stderr.print(f"[red]error:[/] {escape(f'{redact(target)} is not in the archive {db}')}",
                     highlight=False, soft_wrap=True)
        raise typer.Exit(EXIT_SOME_FAILED)
    if as_json:
        record = stored.to_record()
        if with_versions:
            record["versions"] = [asdict(v) for v in history]
        if capture is not None:
            record["warc"] = asdict(capture)
        print(json_line(record))
        return
    print_article(stdout, FetchResult(url=stored.url, final_url=stored.final_url), stored.article)
    stdout.print(archived_line(stored, len(history)))
    if capture is not None:
        stdout.print(capture_line(capture), soft_wrap=True)
    if with_versions:
        stdout.print(versions_table(history))


@app.command("reextract", epilog=examples(
    "scrape reextract               # every article, after an upgrade",
    "scrape reextract --outdated    # those an older extractor made"))
def reextract_command(
    db: Path = ARCHIVE_OPTION,
    outdated: bool = typer.Option(False, "--outdated",
                                  help="Only articles made by another extractor version "
                                       "(finishes an interrupted run)."),
    cluster: Optional[str] = CLUSTER_OPTION,
) -> None:
    """Re-run the current extractor over the raw pages kept in the archive. No network."""
    with ExitStack() as stack:
        archive = stack.enter_context(_existing_archive(db))
        extraction = None
        if cluster is not None:
            from ..cluster.connect import cluster_address, connect_blocking
            from ..cluster.reextract import ClusterExtraction

            address = stack.enter_context(cluster_address(cluster))
            client = stack.enter_context(connect_blocking(address))
            extraction = ClusterExtraction(client, address)
        bar = stack.enter_context(Progress(console=stderr, transient=True,
                                           disable=not stderr.is_terminal))
        task = bar.add_task("Re-extracting", total=None)
        report = reextract(archive, outdated_only=outdated, extraction=extraction,
                           progress=lambda done, total: bar.update(task, completed=done,
                                                                    total=total))
    stdout.print(reextract_summary(report), highlight=False)


@app.command("export", epilog=examples(
    "scrape export > articles.jsonl",
    "scrape export --format csv --since 2025-05-01 --out may.csv",
    "scrape export --format markdown --out notes/ --where \"language = 'sk'\"",
    "scrape export --format warc --out news.warc.gz   # the stored pages"))
def export_command(
    export_format: ExportFormat = typer.Option(
        ExportFormat.JSONL, "--format", case_sensitive=False,
        help="jsonl (as `scrape url --json`), csv, markdown (one .md file per article "
             "into --out), or warc (the stored pages as one WARC file, --out)."),
    where: Optional[str] = typer.Option(None, "--where", metavar="SQL", show_default="all",
                                        help="Only articles matching this SQL condition on the "
                                             "articles table, e.g. \"language = 'sk'\"."),
    since: Optional[str] = typer.Option(None, "--since", metavar="DATE", show_default="all",
                                        help="Only articles seen on or after this date or ISO time "
                                             "(UTC unless it names a zone)."),
    out: Optional[Path] = typer.Option(None, "--out", "--output", metavar="PATH",
                                       show_default="stdout",
                                       help="File to write; for markdown, the folder."),
    db: Path = ARCHIVE_OPTION,
) -> None:
    """Export archived articles as JSON Lines, CSV, Markdown files, or their pages as WARC."""
    if export_format is ExportFormat.MARKDOWN and out is None:
        raise UsageError("markdown export writes one file per article: name a folder with --out")
    if export_format is ExportFormat.WARC and out is None:
        raise UsageError("warc export writes a binary file: name it with --out (.warc.gz)")
    since_time = parse_since(since) if since else None
    with _existing_archive(db) as archive:
        articles = stored_articles(archive, where=where, since=since_time)
        if export_format is ExportFormat.WARC:
            name, compress = output_name(out)
            with out.open("wb") as file:
                count = write_warc(archive, file, filename=name, where=where,
                                   since=since_time, compress=compress)
        elif export_format is ExportFormat.MARKDOWN:
            count = write_markdown(articles, out)
        else:
            write = write_jsonl if export_format is ExportFormat.JSONL else write_csv
            if out is None:
                count = write(articles, sys.stdout)
            else:
                with out.open("w", encoding="utf-8", newline="") as file:
                    count = write(articles, file)
    if out is not None:
        noun = "page" if export_format is ExportFormat.WARC else "article"
        stderr.print(escape(f"Exported {count:,} {noun}{'s' if count != 1 else ''} to {out}"),
                     highlight=False)


@app.command("stats", epilog=examples(
    "scrape stats",
    "scrape stats --json --db news.db   # the same figures, for scripts"))
def stats_command(
    db: Path = ARCHIVE_OPTION,
    as_json: bool = typer.Option(False, "--json", help="Print the figures as one JSON object."),
) -> None:
    """The archive at a glance: articles, sites, versions, fetches, failures by reason."""
    with _existing_archive(db) as archive:
        stats = archive_stats(archive)
    if as_json:
        print(json_line(asdict(stats)))
    else:
        stdout.print(stats_view(stats))


def _json_record(result: FetchResult, article: Article) -> dict:
    return article.to_record(redact(result.url),
                             redact(result.final_url) if result.final_url else None)


def _is_local(target: str) -> bool:
    """A path, not a URL: it has no scheme, or it names a file that exists."""
    return "://" not in target and (Path(target).exists() or ":" not in target)


def main() -> None:
    """Console-script entry point: run the app, turning ScraperError into one line + exit code."""
    try:
        app()
    except ScraperError as exc:
        stderr.print(f"[red]error:[/] {escape(str(exc))}", highlight=False, soft_wrap=True)
        sys.exit(exc.exit_code)
    except KeyboardInterrupt:
        stderr.print("interrupted", highlight=False)
        sys.exit(130)
