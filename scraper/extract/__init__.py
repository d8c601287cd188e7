"""Extraction: (HTML, page URL) -> Article. Pure: no I/O, no globals, one parse per page.

Each part lives in its own module and takes the parsed Document:
headline, metadata (authors, dates, language...), share (share/canonical/short URLs),
navigation (prev/next/related links), comment_form, and body last, because
the body pass prunes the tree it works on.
"""
from __future__ import annotations

import logging
from typing import Callable, TypeVar

from ..models import Article
from .body import extract_body
from .comment_form import extract_comment_form
from .document import Document, parse_document
from .headline import extract_headline
from .metadata import Metadata, extract_metadata
from .navigation import extract_links
from .share import ShareUrls, extract_share_urls

__all__ = ["extract", "EXTRACTOR_VERSION"]

# Bump when extraction output changes, so `scrape reextract` can tell old rows.
EXTRACTOR_VERSION = "2"

log = logging.getLogger(__name__)
T = TypeVar("T")


def extract(html: str | bytes, url: str | None = None) -> Article:
    """Extract an Article from a page. Never raises: a part that fails is left empty."""
    try:
        doc = parse_document(html, url)
    except Exception:  # the parser itself choked: nothing to extract
        log.warning("could not parse %s", url, exc_info=True)
        return Article(url=url)
    title = _part(extract_headline, doc, None)
    meta = _part(extract_metadata, doc, Metadata())
    share = _part(extract_share_urls, doc, ShareUrls())
    links = _part(extract_links, doc, [])
    form = _part(extract_comment_form, doc, None)
    body = _part(extract_body, doc, "")  # last: it prunes the tree
    return Article(
        url=url,
        title=title,
        body_text=body,
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
    )


def _part(function: Callable[[Document], T], doc: Document, default: T) -> T:
    try:
        return function(doc)
    except Exception:  # one broken part must not lose the others
        log.warning("%s failed on %s", function.__name__, doc.url, exc_info=True)
        return default
