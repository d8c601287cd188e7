"""The typed values handed from one pipeline stage to the next.

fetch -> FetchResult -> extract -> Article -> store. Every stage takes and
returns these plain dataclasses; none of them does I/O.
"""
from __future__ import annotations

import hashlib
from dataclasses import asdict, dataclass, field
from typing import Any

LINK_KINDS = ("prev", "next", "related")


@dataclass
class Link:
    """A navigation link found on an article page."""

    kind: str  # one of LINK_KINDS
    href: str  # absolute URL
    title: str | None = None  # the linked article's title, without direction labels


@dataclass
class FormField:
    """One user-facing field of a comment form."""

    name: str
    type: str  # input type, or "textarea" / "select"
    label: str | None = None  # the <label> text without the required marker, else placeholder
    required: bool = False


@dataclass
class CommentForm:
    """The form that posts a new top-level comment."""

    action: str | None  # absolute URL (kept verbatim when it is javascript:)
    method: str = "post"  # lower case
    fields: list[FormField] = field(default_factory=list)
    hidden: dict[str, str] = field(default_factory=dict)  # name -> value
    notes: str | None = None
    submit: str | None = None
    html_id: str | None = None
    title: str | None = None  # the heading above the form ("Leave a Reply", "Pridaj komentár")


@dataclass
class Article:
    """Everything extracted from one page. Empty values mean 'not found'."""

    url: str | None = None
    title: str | None = None
    body_text: str = ""
    # How the body was found: "content" (the main algorithm), a fallback stage
    # ("densest_block", "article_element", "json_ld", "whole_page"), or "none".
    extraction_method: str | None = None
    share_url: str | None = None
    canonical_url: str | None = None
    shortlink: str | None = None
    authors: list[str] = field(default_factory=list)
    published: str | None = None  # ISO 8601
    modified: str | None = None  # ISO 8601
    language: str | None = None
    site_name: str | None = None
    description: str | None = None
    tags: list[str] = field(default_factory=list)
    image: str | None = None
    links: list[Link] = field(default_factory=list)
    comment_form: CommentForm | None = None

    @property
    def author(self) -> str | None:
        return ", ".join(self.authors) if self.authors else None

    @property
    def word_count(self) -> int:
        return len(self.body_text.split())

    def links_of(self, kind: str) -> list[Link]:
        return [link for link in self.links if link.kind == kind]

    @property
    def content_sha256(self) -> str:
        """A hash of what a reader sees: changes when the article's text changes."""
        text = f"{self.title or ''}\n\n{self.body_text}"
        return hashlib.sha256(text.encode("utf-8")).hexdigest()

    def to_dict(self) -> dict[str, Any]:
        """The JSON shape printed by `scrape url --json` and written by export."""
        data = asdict(self)
        data["author"] = self.author
        data["word_count"] = self.word_count
        if self.comment_form is not None:
            form = data["comment_form"]
            form.pop("html_id", None)
            form.pop("title", None)
        return data

    def to_record(self, url: str, final_url: str | None) -> dict[str, Any]:
        """One `--json` / JSONL line: the URL asked for, where it ended, then `to_dict()`."""
        data = self.to_dict()
        data.pop("url")
        return {"url": url, "final_url": final_url, **data}


@dataclass(frozen=True)
class WarcRef:
    """Where a WARC record lies: the file, the byte offset its record (in a .warc.gz, its
    gzip member) starts at, and its length in bytes there. What a CDX index line holds."""

    file: str
    offset: int
    length: int


@dataclass
class Exchange:
    """One HTTP request and its response as they went over the wire, for a WARC capture.

    Engine-neutral: whichever HTTP client fetched, it hands over the request it
    sent and the response it received as plain bytes. Header names keep the case
    they were sent or received in. `body` is the response body as transferred
    (still gzip when the server sent gzip), without the transfer coding (chunks
    joined): clients hand over no more than that.
    """

    url: str  # the URL requested, without credentials
    method: str
    target: bytes  # the request target sent: path and query
    request_headers: list[tuple[bytes, bytes]]
    http_version: str  # "HTTP/1.1"
    status: int
    reason: bytes
    response_headers: list[tuple[bytes, bytes]]
    body: bytes = b""
    peer_ip: str | None = None
    date: str = ""  # when the response began: ISO 8601 UTC with microseconds
    truncated: str | None = None  # why the body is cut: "length", "time", "disconnect"


@dataclass
class FetchResult:
    """The outcome of fetching one URL (or reading one local file).

    A failure is a value: `error` says why, and `ok` is False. Nothing here raises.
    """

    url: str
    final_url: str | None = None
    status: int | None = None
    headers: dict[str, str] = field(default_factory=dict)
    content_type: str | None = None
    body: bytes = b""
    text: str | None = None  # decoded HTML
    encoding: str | None = None
    elapsed_ms: int = 0
    attempts: int = 1
    error: str | None = None  # one line: why this fetch gave no usable page
    error_kind: str | None = None  # a short machine-readable reason, see errors.py
    not_modified: bool = False  # 304 on a conditional refetch
    warc: WarcRef | None = None  # the WARC record holding this response, if one was written or read
    fetched_at: str | None = None  # when it was fetched, if not now (a WARC record's date)

    @property
    def ok(self) -> bool:
        return self.error is None
