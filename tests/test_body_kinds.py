"""The body on the kinds of pages beyond news: each kind on a page written like real ones.

Every fixture is made up, modelled on the markup of a common template (WordPress themes
and page builders, TYPO3 news, recipe plugins, forum software...), with its furniture.
"""
from __future__ import annotations

from pathlib import Path

from scraper.extract import extract

FIXTURES = Path(__file__).parent / "fixtures"


def article_of(name: str, url: str = "https://site.example/page/"):
    return extract((FIXTURES / name).read_text(encoding="utf-8"), url)


def test_a_page_builder_page_whose_every_block_is_a_widget():
    body = article_of("body-page-builder.html").body_text
    assert body.startswith("Where we come from\n\nThe association was founded in 1952")
    assert "paired with an experienced gardener" in body
    assert body.endswith("harvest them before the summer holidays.")
    for furniture in ("Apply for a plot", "Contact", "Imprint"):
        assert furniture not in body
