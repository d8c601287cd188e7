"""Re-extraction: run the current extractor over the raw pages the archive kept.

No network: every page comes from `bodies`, decoded as it was when fetched
(the fetch's Content-Type, then BOM, meta and detection). Articles are rebuilt
in chunks, one transaction each, so an interrupted run leaves every article
either fully re-extracted or untouched, and running again finishes the job.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from ..encoding import decode_html
from ..extract import EXTRACTOR_VERSION, extract
from ..models import Article
from .store import Archive, Reextracted

# Articles per transaction: small enough that an interruption loses little work,
# large enough that commits are not the cost.
CHUNK_SIZE = 100


@dataclass
class ReextractReport:
    extractor_version: str
    articles: int = 0  # re-extracted
    changed: int = 0  # some extracted value differs from what was archived
    new_versions: int = 0  # of those, title or body differ: a version row was recorded
    without_body: int = 0  # no raw page kept, so left as they were
    superseded: int = 0  # refetched while this ran; the fresher row stands

    @property
    def unchanged(self) -> int:
        return self.articles - self.changed


def reextract(archive: Archive, *, outdated_only: bool = False,
              extractor: Callable[[str, str], Article] | None = None,
              extractor_version: str | None = None, chunk_size: int | None = None,
              progress: Callable[[int, int], None] | None = None) -> ReextractReport:
    """Rebuild articles, links and forms from stored pages.

    Args:
        outdated_only: skip articles already extracted by `extractor_version`
            (resumes an interrupted run after a version bump).
        extractor, extractor_version, chunk_size: default to this module's
            `extract`, `EXTRACTOR_VERSION` and `CHUNK_SIZE`, looked up per call.
        progress: called with (articles done, articles in total) after each chunk.
    """
    extractor = extractor or extract
    extractor_version = extractor_version or EXTRACTOR_VERSION
    chunk_size = chunk_size or CHUNK_SIZE
    ids = archive.article_ids(other_extractor_than=extractor_version if outdated_only else None)
    report = ReextractReport(extractor_version)
    for start in range(0, len(ids), chunk_size):
        extractions = []
        for page in archive.stored_pages(ids[start:start + chunk_size]):
            if page.body is None:
                report.without_body += 1
                continue
            text, _ = decode_html(page.body, page.content_type)
            extractions.append((page, extractor(text, page.url)))
        for outcome in archive.save_reextraction(extractions, extractor_version):
            if outcome is Reextracted.SUPERSEDED:
                report.superseded += 1
                continue
            report.articles += 1
            report.changed += outcome in (Reextracted.CHANGED, Reextracted.NEW_VERSION)
            report.new_versions += outcome is Reextracted.NEW_VERSION
        if progress is not None:
            progress(min(start + chunk_size, len(ids)), len(ids))
    return report
