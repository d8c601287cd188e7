"""Extraction: (HTML, page URL) -> Article. Pure: no I/O, no globals, one parse per page.

Each part lives in its own module and takes the parsed Document:
headline, metadata (authors, dates, language...), share (share/canonical/short URLs),
navigation (prev/next/related links), comment_form, and body last, because
the body pass prunes the tree it works on.
"""
from __future__ import annotations

import logging
import re
import unicodedata
from dataclasses import replace
from typing import Callable, TypeVar
from urllib.parse import quote

from ..controls import CONTROLS, without_controls
from ..models import Article, CommentForm
from ..urls import redact
from .body import extract_body
from .comment_form import extract_comment_form
from .document import Document, parse_document
from .fallback import Body
from .headline import extract_headline
from .metadata import Metadata, extract_metadata
from .navigation import extract_links
from .share import ShareUrls, extract_share_urls

__all__ = ["extract", "EXTRACTOR_VERSION"]

# Bump when extraction output changes, so `scrape reextract` can tell old rows.
EXTRACTOR_VERSION = "5"

log = logging.getLogger(__name__)
T = TypeVar("T")


def extract(html: str | bytes, url: str | None = None, content_type: str | None = None) -> Article:
    """Extract an Article from a page: its text, or its bytes as fetched, decoded by their
    charset (which `content_type`, the Content-Type header they came with, may name; see
    encoding.py). Never raises: a part that fails is left empty."""
    try:
        doc = parse_document(html, url, content_type)
    except Exception:  # the parser itself choked: nothing to extract
        log.warning("could not parse %s", url, exc_info=True)
        return Article(url=redact(url) if url else url)
    title = _part(extract_headline, doc, None)
    meta = _part(extract_metadata, doc, Metadata())
    share = _part(extract_share_urls, doc, ShareUrls())
    links = _part(extract_links, doc, [])
    form = _part(extract_comment_form, doc, None)
    body = _part(extract_body, doc, Body("", "none"))  # last: it prunes the tree
    return _bounded(Article(
        url=doc.url,
        title=title,
        body_text=body.text,
        extraction_method=body.method,
        share_url=share.share_url,
        canonical_url=share.canonical_url,
        shortlink=share.shortlink,
        authors=meta.authors,
        published=meta.published,
        modified=meta.modified,
        language=meta.language,
        site_name=meta.site_name,
        description=meta.description,
        tags=meta.tags,
        image=meta.image,
        links=links,
        comment_form=form,
    ))


def _part(function: Callable[[Document], T], doc: Document, default: T) -> T:
    try:
        return function(doc)
    except Exception:  # one broken part must not lose the others
        log.warning("%s failed on %s", function.__name__, doc.url, exc_info=True)
        return default


# What one page may put in the archive: far above any real article, low enough
# that a pathological page (a million links, a megabyte title) cannot bloat it.
# Documented in the README under "Limits"; applied once, after the parts return.
MAX_BODY_CHARS = 1_000_000
MAX_TEXT_CHARS = 2_000  # each title, author, tag, date, label, link title, note, hidden value...
MAX_URL_CHARS = 8_192  # longer URLs are dropped, not cut: a cut URL points somewhere else
MAX_LINKS = 10_000
MAX_AUTHORS = 1_000
MAX_TAGS = 1_000
MAX_FORM_FIELDS = 1_000
MAX_HIDDEN_FIELDS = 1_000


def _bounded(article: Article) -> Article:
    """`article` within the caps above: text cut, lists shortened, over-long URLs dropped."""
    links = [replace(link, href=_url(link.href), title=_text(link.title)) for link in article.links[:MAX_LINKS]]
    return replace(
        article,
        title=_text(article.title),
        body_text=_text(article.body_text, MAX_BODY_CHARS),
        share_url=_url(article.share_url),
        canonical_url=_url(article.canonical_url),
        shortlink=_url(article.shortlink),
        authors=[_text(author) for author in article.authors[:MAX_AUTHORS]],
        published=_text(article.published),
        modified=_text(article.modified),
        language=_text(article.language),
        site_name=_text(article.site_name),
        description=_text(article.description),
        tags=[_text(tag) for tag in article.tags[:MAX_TAGS]],
        image=_url(article.image),
        links=[link for link in links if link.href is not None],
        comment_form=_bounded_form(article.comment_form),
    )


def _bounded_form(form: CommentForm | None) -> CommentForm | None:
    if form is None:
        return None
    hidden = list(form.hidden.items())[:MAX_HIDDEN_FIELDS]
    return replace(
        form,
        action=_url(form.action),
        method=_text(form.method),
        # Names and values are what the form sends back: kept as the page wrote them.
        fields=[replace(field, name=_text(field.name, nfc=False), type=_text(field.type),
                        label=_text(field.label)) for field in form.fields[:MAX_FORM_FIELDS]],
        hidden={_text(name, nfc=False): _text(value, nfc=False) for name, value in hidden},
        notes=_text(form.notes),
        submit=_text(form.submit),
        html_id=_text(form.html_id),
        title=_text(form.title),
    )


_SOFT_HYPHEN = "\u00ad"


def _text(value: T, limit: int = MAX_TEXT_CHARS, nfc: bool = True) -> T:
    """A text cut to `limit`, valid Unicode, and in NFC: a page may write "é" as "e" and a
    combining accent, which full-text search and comparisons take for another word."""
    # Only strings are cut; a value of the wrong type is the part's bug, left for the tests to see.
    # Control characters leave a reader's text: no browser shows them, and in a terminal they
    # are commands (see controls.py). The page itself is archived as it came, and names and
    # values a server compares byte for byte (nfc=False) are kept exact.
    if not isinstance(value, str):
        return value
    try:
        data: bytes | None = value.encode("utf-8")
    except UnicodeEncodeError:  # a lone surrogate
        data = None
    if nfc and (data is None or _may_hold_controls(data)):
        value = without_controls(value)  # type: ignore[assignment]
        # A soft hyphen marks where a browser may break a word at a line's end, and is
        # shown only there: kept, it splits the word for search ('Wei\xadne').
        if _SOFT_HYPHEN in value:
            value = value.replace(_SOFT_HYPHEN, "")  # type: ignore[assignment]
    if nfc and not unicodedata.is_normalized("NFC", value):
        value = unicodedata.normalize("NFC", value)  # type: ignore[assignment]
        data = None
    if len(value) > limit:
        value = value[:limit].rstrip()  # type: ignore[assignment]
    return value if data is not None else _valid_unicode(value)  # type: ignore[return-value]


# In UTF-8, a C0 control (but tab and newline) and DEL are one byte of their own, and a C1
# control (U+0080-U+009F) and the soft hyphen (U+00AD) are C2 and one byte more: looking
# for these bytes is several times cheaper than the regex that removes them, which the
# body's text (kilobytes, almost never holding one) is spared.
_C0_BYTES = bytes(range(0x09)) + bytes(range(0x0b, 0x20)) + b"\x7f"
_C1_OR_SOFT_HYPHEN = re.compile(b"\xc2[\x80-\x9f\xad]")


def _may_hold_controls(data: bytes) -> bool:
    """Whether a text's UTF-8 holds a control character or a soft hyphen."""
    return len(data.translate(None, _C0_BYTES)) != len(data) or (
        b"\xc2" in data and _C1_OR_SOFT_HYPHEN.search(data) is not None)


def _valid_unicode(text: str) -> str:
    """Lone surrogates (JSON's \\ud800) cannot be stored or printed as UTF-8: replace them."""
    try:
        text.encode("utf-8")
        return text
    except UnicodeEncodeError:
        return text.encode("utf-8", "replace").decode("utf-8")


def _url(value: T) -> T | None:
    if isinstance(value, str):
        if len(value) > MAX_URL_CHARS:
            return None
        # A control character in a URL is requested percent-encoded, as browsers and the
        # HTTP client do: stored so, the URL is the same and no terminal obeys it.
        return _valid_unicode(CONTROLS.sub(lambda m: quote(m.group()), value))  # type: ignore[return-value]
    return value
