"""Export: archived articles -> JSON Lines, CSV, or a folder of Markdown files.

Reads only, and streams: one article in memory at a time. JSONL is the exact
record (`scrape url --json`); CSV is for spreadsheets; Markdown is for reading
and for static-site and notes tools. Text from web pages is untrusted: Markdown
escapes it so it renders as the text it was (no HTML, no javascript: links),
CSV defuses cells a spreadsheet would run as formulas, and file names are built
from a whitelist of characters, so no title (`../../etc/x`, `C:\\x`, a NUL) can
name a file outside the folder. The article id in each name keeps two articles
with the same title apart.
"""
from __future__ import annotations

import csv
import json
import re
import unicodedata
from enum import Enum
from pathlib import Path
from typing import Iterable, TextIO
from urllib.parse import quote

from .queries import StoredArticle


class ExportFormat(str, Enum):
    JSONL = "jsonl"
    CSV = "csv"
    MARKDOWN = "markdown"
    WARC = "warc"  # written by scraper/warc/export.py


CSV_COLUMNS = ["id", "url", "final_url", "title", "author", "published", "modified", "language",
               "site_name", "description", "tags", "share_url", "canonical_url", "shortlink",
               "image", "prev_url", "next_url", "word_count", "first_seen", "last_seen",
               "extractor_version", "body_text"]
# A spreadsheet runs a cell starting with one of these as a formula (OWASP "CSV injection").
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
# Longest slug in a file name, in UTF-8 bytes: names stay far below the usual 255-byte limit.
_SLUG_BYTES = 100


# JSON escapes C0 controls, but writes DEL and the C1 controls (U+0080-U+009F, terminal
# commands as well) as they are. Escaped, they read back the same and do nothing on a screen.
_UNESCAPED_CONTROLS = re.compile("[\x7f-\x9f]")


def json_line(record: object) -> str:
    """`record` as one line of JSON, non-ASCII text as it is, control characters escaped."""
    return _UNESCAPED_CONTROLS.sub(lambda m: f"\\u{ord(m.group()):04x}",
                                   json.dumps(record, ensure_ascii=False))


def write_jsonl(articles: Iterable[StoredArticle], out: TextIO) -> int:
    count = 0
    for stored in articles:
        out.write(json_line(stored.to_record()) + "\n")
        count += 1
    return count


def write_csv(articles: Iterable[StoredArticle], out: TextIO) -> int:
    writer = csv.DictWriter(out, CSV_COLUMNS)
    writer.writeheader()
    count = 0
    for stored in articles:
        writer.writerow({k: _defused(v) for k, v in _csv_row(stored).items()})
        count += 1
    return count


def write_markdown(articles: Iterable[StoredArticle], folder: Path) -> int:
    """One .md file per article in `folder` (created if missing); same-named files are replaced."""
    folder.mkdir(parents=True, exist_ok=True)
    count = 0
    for stored in articles:
        path = folder / markdown_file_name(stored.id, stored.article.title)
        path.write_text(article_markdown(stored), encoding="utf-8")
        count += 1
    return count


def markdown_file_name(article_id: int, title: str | None) -> str:
    """`<id>-<slug>.md`; the slug keeps letters, marks and digits of any script, nothing else."""
    text = unicodedata.normalize("NFC", (title or "").lower())
    slug = "".join(c if unicodedata.category(c)[0] in "LMN" else "-" for c in text)
    slug = re.sub("-{2,}", "-", slug).strip("-")
    slug = slug.encode("utf-8")[:_SLUG_BYTES].decode("utf-8", "ignore").strip("-")
    return f"{article_id}-{slug or 'article'}.md"


def article_markdown(stored: StoredArticle) -> str:
    """Front matter (JSON values, which YAML reads too), the headline, the body, the links."""
    article = stored.article
    facts = {"title": article.title, "url": stored.url, "final_url": stored.final_url,
             "share_url": article.share_url, "author": article.author,
             "published": article.published, "modified": article.modified,
             "language": article.language, "site_name": article.site_name,
             "tags": article.tags or None, "first_seen": stored.first_seen,
             "last_seen": stored.last_seen}
    lines = ["---"]
    lines += [f"{key}: {json.dumps(value, ensure_ascii=False)}"
              for key, value in facts.items() if value is not None]
    lines += ["---", "", f"# {markdown_text(' '.join((article.title or '').split()))}", ""]
    if article.body_text:
        lines += [markdown_text(article.body_text), ""]
    labels = {"prev": "Previous", "next": "Next", "related": "Related"}
    links = [f"- {labels.get(link.kind, link.kind)}: {_markdown_link(link.title, link.href)}"
             for link in article.links]
    if links:
        lines += ["## Links", "", *links, ""]
    return "\n".join(lines)


def markdown_text(text: str) -> str:
    """Plain text that Markdown renders as exactly that text."""
    text = re.sub(r"([\\`*_\[\]<>|])", r"\\\1", text)
    # Markers that only mean something at the start of a line: headings, lists, fences.
    return re.sub(r"^( {0,3})(?:([#+=~-])|(\d{1,9})([.)]))",
                  lambda m: f"{m[1]}\\{m[2]}" if m[2] else f"{m[1]}{m[3]}\\{m[4]}",
                  text, flags=re.MULTILINE)


def _markdown_link(title: str | None, href: str) -> str:
    label = markdown_text(" ".join((title or href).split()))
    if not re.match(r"https?://", href, re.IGNORECASE):
        return f"{label} ({markdown_text(href)})"  # javascript:, data: ... stay text
    return f"[{label}](<{quote(href, safe=_URL_SAFE)}>)"


# Everything a URL may contain as it is; the rest (spaces, <, >, non-ASCII) is percent-encoded.
_URL_SAFE = "!#$%&'()*+,-./:;=?@[]_~"


def _csv_row(stored: StoredArticle) -> dict:
    article = stored.article

    def first(kind: str) -> str | None:
        return next((link.href for link in article.links_of(kind)), None)

    return {"id": stored.id, "url": stored.url, "final_url": stored.final_url,
            "title": article.title, "author": article.author, "published": article.published,
            "modified": article.modified, "language": article.language,
            "site_name": article.site_name, "description": article.description,
            "tags": "; ".join(article.tags), "share_url": article.share_url,
            "canonical_url": article.canonical_url, "shortlink": article.shortlink,
            "image": article.image, "prev_url": first("prev"), "next_url": first("next"),
            "word_count": article.word_count, "first_seen": stored.first_seen,
            "last_seen": stored.last_seen, "extractor_version": stored.extractor_version,
            "body_text": article.body_text}


def _defused(value: object) -> object:
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value
