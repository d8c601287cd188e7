"""What must hold of every Article extract() returns, whatever page it was given.

`watched_extract()` runs extract() and also reports how long it took and which
parts failed silently (extract() logs a failing part and leaves it empty). Each
check returns a list of Problems, empty when the article is fine, so the
property tests can assert on them and the long fuzzing profile
(benchmarks/fuzz.py) can count and group them without stopping.
"""
from __future__ import annotations

import dataclasses
import json
import logging
import time
import types
import typing
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Iterator, NamedTuple

import scraper
from scraper import Article, extract
from scraper.extract import (MAX_AUTHORS, MAX_BODY_CHARS, MAX_FORM_FIELDS, MAX_HIDDEN_FIELDS, MAX_LINKS,
                             MAX_TAGS, MAX_TEXT_CHARS, MAX_URL_CHARS)
from scraper.models import LINK_KINDS
from scraper.urls import check_url

_PACKAGE = Path(scraper.__file__).resolve().parent


class Problem(NamedTuple):
    """One broken property: `what` is the same for every page with the same fault, `example` is this page's."""

    what: str
    example: str = ""

    def __str__(self) -> str:
        return f"{self.what}: {self.example}" if self.example else self.what


@dataclasses.dataclass
class Outcome:
    """What one extract() call did."""

    article: Article
    # CPU seconds of the calling thread: what the page costs, whatever else the machine
    # runs (a loaded CI machine stretched the wall clock of a 0.4 s page to 2.8 s)
    seconds: float
    part_failures: list[Problem]


def watched_extract(html: str | bytes, url: str | None) -> Outcome:
    with part_failures() as failures:
        started = time.thread_time()
        article = extract(html, url)
        seconds = time.thread_time() - started
    return Outcome(article, seconds, failures)


@contextmanager
def part_failures() -> Iterator[list[Problem]]:
    """Collects a Problem for each extract() part that raised, naming the line it raised from.

    While collecting, the records go nowhere else: a test report full of
    tracebacks from known findings hides the new ones.
    """
    failures: list[Problem] = []

    class Collect(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            if record.exc_info and record.exc_info[1] is not None:
                failures.append(_raised_from(record.exc_info))

    logger = logging.getLogger("scraper.extract")
    handler, propagate = Collect(logging.WARNING), logger.propagate
    logger.addHandler(handler)
    logger.propagate = False
    try:
        yield failures
    finally:
        logger.propagate = propagate
        logger.removeHandler(handler)


def _raised_from(exc_info) -> Problem:
    """The innermost line of scraper's own code an exception came through."""
    _, exc, tb = exc_info
    place = "?"
    while tb is not None:
        path = Path(tb.tb_frame.f_code.co_filename).resolve()
        if path.is_relative_to(_PACKAGE):
            place = f"{path.relative_to(_PACKAGE.parent).as_posix()}:{tb.tb_lineno}"
        tb = tb.tb_next
    return Problem(f"{place}: {type(exc).__name__}", str(exc)[:120])


# -- the properties -------------------------------------------------------------

def contract_problems(article: Any) -> list[Problem]:
    """An Article, serializable as JSON (what `scrape url --json` prints), within the caps."""
    if not isinstance(article, Article):
        return [Problem("not an Article", type(article).__name__)]
    problems = []
    try:
        json.dumps(article.to_dict())
    except (TypeError, ValueError) as exc:
        problems.append(Problem("to_dict() is not JSON", str(exc)))
    return problems + bound_problems(article)


def bound_problems(article: Article) -> list[Problem]:
    """Within the caps one page's extraction may not exceed (scraper.extract.MAX_*)."""
    problems = []

    def over(what: str, size: int, cap: int) -> None:
        if size > cap:
            problems.append(Problem(f"{what} over {cap:,}", f"{size:,}"))

    over("body_text characters", len(article.body_text), MAX_BODY_CHARS)
    over("links", len(article.links), MAX_LINKS)
    over("authors", len(article.authors), MAX_AUTHORS)
    over("tags", len(article.tags), MAX_TAGS)
    form = article.comment_form
    if form is not None:
        over("form fields", len(form.fields), MAX_FORM_FIELDS)
        over("hidden fields", len(form.hidden), MAX_HIDDEN_FIELDS)
    for path, value in _strings(article):
        if path.rsplit(".", 1)[-1] in ("share_url", "canonical_url", "shortlink", "image", "href", "action"):
            over(f"{path} characters", len(value), MAX_URL_CHARS)
        elif path != "body_text":
            over(f"{path} characters", len(value), MAX_TEXT_CHARS)
    return problems


def type_problems(article: Article) -> list[Problem]:
    """Every field holds what models.py declares: str fields a str, lists their items..."""
    problems = []

    def check(value: Any, path: str) -> None:
        hints = typing.get_type_hints(type(value))
        for field in dataclasses.fields(value):
            item = getattr(value, field.name)
            if not _conforms(item, hints[field.name]):
                problems.append(Problem(f"{path}{field.name} is not {hints[field.name]}", repr(item)[:80]))
            for child in item if isinstance(item, list) else [item]:
                if dataclasses.is_dataclass(child):
                    check(child, f"{path}{field.name}.")

    check(article, "")
    return problems


def shape_problems(article: Article) -> list[Problem]:
    """Link kinds from LINK_KINDS; comment form fields and hidden fields have names."""
    problems = [Problem("link kind not in LINK_KINDS", repr(link.kind)) for link in article.links
                if link.kind not in LINK_KINDS]
    form = article.comment_form
    if form is not None:
        problems += [Problem("form field without a name", repr(field)[:80]) for field in form.fields
                     if not isinstance(field.name, str) or not field.name.strip()]
        problems += [Problem("hidden field without a name", repr(name)) for name in form.hidden
                     if not isinstance(name, str) or not name.strip()]
    return problems


def url_problems(article: Article) -> list[Problem]:
    """Link hrefs and the share, canonical and short URLs are fetchable http(s) URLs (or None).

    Only meaningful when extract() was given an http(s) page URL: without one,
    relative links cannot be made absolute.
    """
    named = [("share_url", article.share_url), ("canonical_url", article.canonical_url),
             ("shortlink", article.shortlink)] + [(f"{link.kind} link", link.href) for link in article.links]
    problems = []
    for what, url in named:
        if not isinstance(url, str):  # None is fine; any other type is a type problem
            continue
        problem = check_url(url)
        if problem is not None:
            problems.append(Problem(f"{what}: {problem.message}", repr(url)[:80]))
    return problems


def text_problems(article: Article) -> list[Problem]:
    """Every string is valid Unicode: SQLite and a UTF-8 terminal both refuse lone surrogates."""
    problems = []
    for path, value in _strings(article):
        try:
            value.encode("utf-8")
        except UnicodeEncodeError as exc:
            problems.append(Problem(f"{path}: {exc.reason}", repr(value[max(0, exc.start - 10):exc.end + 10])))
    return problems


CHECKS = {
    "contract": contract_problems, "types": type_problems, "shape": shape_problems,
    "urls": url_problems, "text": text_problems,
}


def _strings(value: Any, path: str = "") -> Iterator[tuple[str, str]]:
    """(path, string) for every string inside an Article, dict keys included."""
    if isinstance(value, str):
        yield path, value
    elif dataclasses.is_dataclass(value):
        for field in dataclasses.fields(value):
            yield from _strings(getattr(value, field.name), f"{path}.{field.name}".lstrip("."))
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _strings(key, f"{path}.key")
            yield from _strings(item, f"{path}.value")
    elif isinstance(value, (list, tuple)):
        for item in value:
            yield from _strings(item, path)


def _conforms(value: Any, hint: Any) -> bool:
    """isinstance() for the annotations models.py uses: X | None, list[X], dict[K, V]."""
    origin = typing.get_origin(hint)
    if origin in (typing.Union, types.UnionType):
        return any(_conforms(value, option) for option in typing.get_args(hint))
    if origin is list:
        (item,) = typing.get_args(hint)
        return isinstance(value, list) and all(_conforms(entry, item) for entry in value)
    if origin is dict:
        key, item = typing.get_args(hint)
        return isinstance(value, dict) and all(_conforms(k, key) and _conforms(v, item) for k, v in value.items())
    if hint is type(None):
        return value is None
    if hint is typing.Any:
        return True
    return isinstance(value, hint)
