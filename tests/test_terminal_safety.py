"""Text from pages never reaches a terminal as commands.

A page (or a server's error message, or a URL in a list) may hold terminal
control sequences: ESC [2J clears the screen, ESC ]0;…BEL retitles the window,
U+009B is a command on its own. The extractor stores text without them (the raw
page is kept as it came), and whatever the command line prints is cleaned in
one place, archives written before included.
"""
from __future__ import annotations

import io
import json
import os
import subprocess
import sys

from rich.progress import Progress
from rich.text import Text
from sqlite_utils import Database

from archiving import seed
from conftest import Route
from scraper.archive.store import unpack_body
from scraper.cli.console import SafeConsole
from scraper.controls import CONTROLS

CLEAR, RETITLE, CSI8, BLINK = "\x1b[2J", "\x1b]0;pwned\x07", "\x9b31m", "\x1b[5m"
HOSTILE = seed(("Ponorka Kursk", f"Ponorka{CLEAR}{RETITLE} Kursk"),
               ("Martina Kováčová", f"Martina{CSI8} Kováčová"),
               ("Ekonomika rastie", f"Ekonomika{BLINK} rastie"),
               ("Komentár", "Komentár\x01\x08"))
TITLE = "Ponorka[2J]0;pwned Kursk: čo sa stalo v Barentsovom mori"  # as a reader sees it


def scrape(*args: str, stdin: str | None = None, **env: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "scraper", *args], input=stdin,
                          capture_output=True, text=True, timeout=120,
                          env={**os.environ, **env})


def obeyable(output: str) -> list[str]:
    """The page's own sequences (and any control character) left in the output."""
    return CONTROLS.findall(output) + [s for s in (CLEAR, RETITLE, CSI8, BLINK) if s in output]


def test_page_text_is_stored_and_printed_without_control_characters(server, db_path):
    server.routes["/hostile/"] = Route(200, HOSTILE)
    url = server.url("/hostile/")

    summary = scrape("url", url, "--db", str(db_path))
    assert summary.returncode == 0, summary.stderr
    assert obeyable(summary.stdout) == []
    assert TITLE in summary.stdout and "Martina31m Kováčová" in summary.stdout
    assert "Ekonomika[5m rastie" in summary.stdout and "Komentár" in summary.stdout

    archive = Database(db_path)
    [article] = archive.query("select title, body_text from articles")
    assert article["title"] == TITLE and not CONTROLS.search(article["body_text"])
    [body] = archive.query("select html, compression from bodies")
    assert unpack_body(body["html"], body["compression"]) == HOSTILE  # the page as it came

    # an archive written before the extractor dropped them: shown clean all the same
    archive.execute("update articles set title = ?, author = ?",
                    [f"Ponorka{CLEAR}{RETITLE} Kursk", f"Martina{CSI8} Kováčová"])
    archive.execute("update links set title = ?", [f"Ekonomika{BLINK} rastie"])
    archive.conn.commit()
    shown = scrape("show", url, "--db", str(db_path), "--versions")
    assert shown.returncode == 0, shown.stderr
    assert obeyable(shown.stdout) == []
    assert "Ponorka[2J]0;pwned Kursk" in shown.stdout and "Ekonomika[5m rastie" in shown.stdout

    as_json = scrape("show", url, "--db", str(db_path), "--json")
    assert obeyable(as_json.stdout.replace("\n", "")) == []  # escaped: \u001b, \u009b
    assert json.loads(as_json.stdout)["title"] == f"Ponorka{CLEAR}{RETITLE} Kursk"


def test_the_progress_display_shows_urls_and_errors_without_control_characters(server, db_path):
    """On a terminal (FORCE_COLOR): the bar, its failure lines and the skipped lines of the
    list, with what a server and a list can put there; rich's own codes still work."""
    def gone(handler) -> None:  # a reason phrase of the server's choosing (bytes 0x80-0xff pass)
        handler.send_response(410, f"Gone{CSI8}")
        handler.send_header("Content-Length", "0")
        handler.end_headers()

    server.routes["/gone"] = gone
    lines = [server.url("/gone"), server.url(f"/missing/{CSI8}"), f"http://exa{CLEAR}mple.org/"]
    result = scrape("batch", "-", "--db", str(db_path), "--ignore-robots", "--retries", "0",
                    stdin="\n".join(lines), FORCE_COLOR="1", COLUMNS="200")
    assert result.returncode == 1, result.stderr
    assert "/gone: HTTP 410 Gone31m" in result.stderr
    assert "/missing/31m: HTTP 404" in result.stderr
    assert "line 3: skipped, invalid URL: it holds a control character (U+001B): " \
           "http://exa[2Jmple.org/" in result.stderr
    assert "\x1b[" in result.stderr  # the terminal's own styling and cursor codes are kept
    assert [s for s in (CLEAR, RETITLE, CSI8, BLINK) if s in result.stderr + result.stdout] == []
    assert "\x9b" not in result.stderr


def test_the_console_drops_controls_from_text_but_keeps_its_own_cursor_codes():
    out = io.StringIO()
    console = SafeConsole(file=out, force_terminal=True, width=60)
    console.print(Text(f"title{CLEAR}{RETITLE}{CSI8}\x00end", style="bold"))
    with Progress(console=console, auto_refresh=False) as progress:
        progress.add_task(f"url{CLEAR}", total=2)
        progress.refresh()
    printed = out.getvalue()
    assert "title[2J]0;pwned31mend" in printed and "url[2J" in printed
    assert [s for s in (CLEAR, RETITLE, CSI8) if s in printed] == []
    assert "\x00" not in printed and "\x07" not in printed
    assert "\x1b[1m" in printed  # bold: the console's own styling
    assert "\x1b[?25l" in printed  # the progress bar hides the cursor: control codes pass
