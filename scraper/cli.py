"""The `scrape` command line. Thin: parses arguments, calls the stages, prints.

Every failure the user can meet prints one line on stderr and sets the exit
code (see errors.py); no traceback reaches the terminal.
"""
from __future__ import annotations

import asyncio
import json
import sys
from pathlib import Path
from typing import List, Optional

import typer
from rich.console import Console

from . import __version__
from .errors import EXIT_SOME_FAILED, ScraperError
from .extract import extract
from .fetch import FetchPolicy, fetch, make_client, read_local
from .models import Article, FetchResult
from .render import print_article
from .store import Archive
from .urls import redact

app = typer.Typer(
    help="Archive news articles into SQLite: headline, body, share URL, "
         "navigation links and comment form.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
stdout = Console()
stderr = Console(stderr=True)

DB_OPTION = typer.Option(Path("archive.db"), "--db", help="SQLite archive to write.")


def _version(value: bool) -> None:
    if value:
        print(f"scrape {__version__}")
        raise typer.Exit()


@app.callback()
def _main(version: bool = typer.Option(False, "--version", callback=_version, is_eager=True,
                                       help="Show the version and exit.")) -> None:
    """Archive news articles into SQLite."""


@app.command("url")
def url_command(
    targets: List[str] = typer.Argument(..., metavar="URL...",
                                        help="Article URLs (http/https) or local .html files."),
    db: Path = DB_OPTION,
    as_json: bool = typer.Option(False, "--json", help="Print JSON Lines, one object per article."),
    timeout: float = typer.Option(60.0, help="Total seconds one request may take."),
) -> None:
    """Download articles, extract them and store them in the archive."""
    archive = Archive(db)
    failed = 0
    try:
        results = asyncio.run(_fetch_all(targets, FetchPolicy(deadline=timeout)))
        for result in results:
            if not result.ok:
                archive.save(result, None)
                stderr.print(f"[red]error:[/] {redact(result.url)}: {result.error}",
                             highlight=False, soft_wrap=True)
                failed += 1
                continue
            article = extract(result.text or "", result.final_url or result.url)
            archive.save(result, article)
            if as_json:
                print(json.dumps(_json_record(result, article), ensure_ascii=False))
            else:
                print_article(stdout, result, article)
    finally:
        archive.close()
    if failed:
        raise typer.Exit(EXIT_SOME_FAILED)


# --- batch command (scrape batch) goes here ---


# --- archive commands (reextract, export, stats, show) go here ---


def _json_record(result: FetchResult, article: Article) -> dict:
    data = article.to_dict()
    data["url"] = redact(result.url)
    data["final_url"] = redact(result.final_url) if result.final_url else None
    return {"url": data.pop("url"), "final_url": data.pop("final_url"), **data}


async def _fetch_all(targets: list[str], policy: FetchPolicy) -> list[FetchResult]:
    """Fetch URLs concurrently and read local files, keeping the order given."""
    async with make_client(policy) as client:
        async def one(target: str) -> FetchResult:
            if _is_local(target):
                return read_local(target)
            return await fetch(client, target, policy)

        return list(await asyncio.gather(*(one(t) for t in targets)))


def _is_local(target: str) -> bool:
    """A path, not a URL: it has no scheme, or it names a file that exists."""
    return "://" not in target and (Path(target).exists() or ":" not in target)


def main() -> None:
    """Console-script entry point: run the app, turning ScraperError into one line + exit code."""
    try:
        app()
    except ScraperError as exc:
        stderr.print(f"[red]error:[/] {exc}", highlight=False, soft_wrap=True)
        sys.exit(exc.exit_code)
    except KeyboardInterrupt:
        stderr.print("interrupted", highlight=False)
        sys.exit(130)
