"""Archives built from fixture pages without a network: what a successful fetch would store.

Tests that are about the archive, not about fetching, save pages through these
helpers; end-to-end tests go through the loopback server and the CLI instead.
"""
from __future__ import annotations

from pathlib import Path

from scraper.archive.store import Archive, Saved
from scraper.extract import extract
from scraper.encoding import decode_html
from scraper.models import FetchResult

FIXTURES = Path(__file__).parent / "fixtures"
SEED_URL = "https://dennik-sever.example/2025/05/ponorka-kursk-co-sa-stalo/"
SEED_TITLE = "Ponorka Kursk: čo sa stalo v Barentsovom mori"
# The seed's "next" link: the sample archive holds that article too.
NEXT_URL = "https://dennik-sever.example/2025/05/nobelova-cena-literatura/"
NEXT_TITLE = "Nobelova cena za literatúru: favoriti tohto roka"
MISSING_URL = "https://dennik-sever.example/2025/05/stiahnuty-clanok/"
HTML = "text/html; charset=utf-8"


def seed(*replacements: tuple[str, str]) -> bytes:
    """The seed page, with (old, new) text replacements applied everywhere."""
    text = (FIXTURES / "wp-slovak-seed.html").read_text("utf-8")
    for old, new in replacements:
        assert old in text, old
        text = text.replace(old, new)
    return text.encode("utf-8")


def edited_seed() -> bytes:
    """The seed after its newsroom corrected the body."""
    return seed(("Kolesnikov napísal", "Kolesnikov (1973 – 2000) napísal"))


def next_article() -> bytes:
    """A second article from the same site, shaped like the seed."""
    return seed((SEED_TITLE, NEXT_TITLE),
                ("Kapitán-poručík Dmitrij Kolesnikov", "Švédska akadémia tento rok"))


def fetched(url: str, body: bytes, content_type: str | None = HTML) -> FetchResult:
    text, encoding = decode_html(body, content_type)
    headers = {"content-type": content_type} if content_type else {}
    return FetchResult(url=url, final_url=url, status=200, headers=headers,
                       content_type=content_type, body=body, text=text, encoding=encoding,
                       elapsed_ms=5)


def failed(url: str, status: int = 404) -> FetchResult:
    return FetchResult(url=url, final_url=url, status=status, error=f"HTTP {status}",
                       error_kind="http_status", elapsed_ms=5)


def archive_page(archive: Archive, url: str, body: bytes, content_type: str | None = HTML) -> Saved:
    result = fetched(url, body, content_type)
    return archive.save(result, extract(result.text or "", url))


def sample_archive(path: Path) -> Path:
    """Two articles (the seed, archived twice with an edit in between), and one failure."""
    with Archive(path) as archive:
        archive_page(archive, SEED_URL, seed())
        archive_page(archive, NEXT_URL, next_article())
        archive_page(archive, SEED_URL, edited_seed())
        archive.save(failed(MISSING_URL), None)
    return path
