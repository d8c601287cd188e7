"""Re-extraction: run the current extractor over the raw pages the archive kept.

No network: every page comes from `bodies`, decoded as it was when fetched
(the fetch's Content-Type, then BOM, meta and detection). Articles are rebuilt
in chunks, one transaction each, so an interrupted run leaves every article
either fully re-extracted or untouched, and running again finishes the job.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Iterable, Iterator

from ..encoding import decode_html
from ..extract import EXTRACTOR_VERSION, extract
from ..models import Article
from .store import Archive, Reextracted, StoredPage

# Articles per transaction: small enough that an interruption loses little work,
# large enough that commits are not the cost.
CHUNK_SIZE = 100

# Chunks of stored pages in, the same chunks out, in order, each with its pages' fresh
# articles (None: the page could not be extracted, and its article is left as it was).
# Extraction here by default; scraper/cluster extracts on Dask workers.
ChunkExtraction = Callable[[Iterable[list[StoredPage]]],
                           Iterator[tuple[list[StoredPage], list[Article | None]]]]


@dataclass
class ReextractReport:
    extractor_version: str
    articles: int = 0  # re-extracted
    changed: int = 0  # some extracted value differs from what was archived
    new_versions: int = 0  # of those, title or body differ: a version row was recorded
    without_body: int = 0  # no raw page kept, so left as they were
    superseded: int = 0  # refetched while this ran; the fresher row stands
    crashed: int = 0  # the process extracting the page died on it; left as they were

    @property
    def unchanged(self) -> int:
        return self.articles - self.changed


def extract_stored(page: StoredPage,
                   extractor: Callable[[str, str], Article] | None = None) -> Article:
    """A stored page extracted again, decoded with the charset it was served with."""
    if extractor is None:  # (the bytes: a UTF-8 page goes to the parser as it is)
        return extract(page.body, page.url, page.content_type)
    text, _ = decode_html(page.body, page.content_type)
    return extractor(text, page.url)


def reextract(archive: Archive, *, outdated_only: bool = False,
              extractor: Callable[[str, str], Article] | None = None,
              extractor_version: str | None = None, chunk_size: int | None = None,
              progress: Callable[[int, int], None] | None = None,
              extraction: ChunkExtraction | None = None) -> ReextractReport:
    """Rebuild articles, links and forms from stored pages.

    Args:
        outdated_only: skip articles already extracted by `extractor_version`
            (resumes an interrupted run after a version bump).
        extractor, extractor_version, chunk_size: default to this module's
            `extract`, `EXTRACTOR_VERSION` and `CHUNK_SIZE`, looked up per call.
        progress: called with (articles done, articles in total) after each chunk.
        extraction: where chunks are extracted (default: here, with `extractor`).
    """
    extractor = extractor or extract
    extractor_version = extractor_version or EXTRACTOR_VERSION
    chunk_size = chunk_size or CHUNK_SIZE
    extraction = extraction or (lambda chunks: (
        (chunk, [extract_stored(page, extractor) for page in chunk]) for chunk in chunks))
    ids = archive.article_ids(other_extractor_than=extractor_version if outdated_only else None)
    report = ReextractReport(extractor_version)

    def chunks() -> Iterator[list[StoredPage]]:
        for start in range(0, len(ids), chunk_size):
            pages = archive.stored_pages(ids[start:start + chunk_size])
            report.without_body += sum(page.body is None for page in pages)
            yield [page for page in pages if page.body is not None]

    done = 0
    for pages, articles in extraction(chunks()):
        report.crashed += articles.count(None)
        extractions = [(page, article) for page, article in zip(pages, articles)
                       if article is not None]
        for outcome in archive.save_reextraction(extractions, extractor_version):
            if outcome is Reextracted.SUPERSEDED:
                report.superseded += 1
                continue
            report.articles += 1
            report.changed += outcome in (Reextracted.CHANGED, Reextracted.NEW_VERSION)
            report.new_versions += outcome is Reextracted.NEW_VERSION
        done = min(done + chunk_size, len(ids))
        if progress is not None:
            progress(done, len(ids))
    return report
