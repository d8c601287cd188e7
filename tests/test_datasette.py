"""`datasette archive.db` works with no configuration: tables, foreign-key labels, views, search."""
from __future__ import annotations

import asyncio
import json
import subprocess
import sys
from pathlib import Path

import pytest
from datasette.app import Datasette

from archiving import NEXT_TITLE, SEED_TITLE, SEED_URL, sample_archive

DATASETTE = str(Path(sys.executable).parent / "datasette")


@pytest.fixture
def archive_db(db_path):
    return sample_archive(db_path)


def get_all(db_path: Path, *paths: str) -> list:
    """Responses from Datasette's own test client, for the archive opened as `datasette` would."""
    async def fetch():
        datasette = Datasette([str(db_path)])
        await datasette.invoke_startup()
        return [await datasette.client.get(path) for path in paths]
    return asyncio.run(fetch())


def test_articles_table_page_and_full_text_search(archive_db):
    page, found, folded, label = get_all(
        archive_db,
        "/archive/articles",
        "/archive/articles.json?_search=Kolesnikov&_shape=array",
        "/archive/articles.json?_search=literaturu&_shape=array",  # folds: literatúru
        "/archive/links.json?_shape=array&_labels=on&kind=next&article_id=1")
    assert page.status_code == 200
    assert SEED_TITLE in page.text
    assert 'name="_search"' in page.text  # Datasette found the FTS table: a search box
    assert [row["url"] for row in found.json()] == [SEED_URL]
    assert [row["title"] for row in folded.json()] == [NEXT_TITLE]
    # declared foreign keys: a link row names its article by title
    [link] = label.json()
    assert link["article_id"] == {"value": 1, "label": SEED_TITLE}


def test_views_browse_like_tables(archive_db):
    navigation, sites = get_all(archive_db, "/archive/article_navigation.json?_shape=array",
                                "/archive/sites.json?_shape=array")
    assert [row["next_title"] for row in navigation.json()][:1] == [NEXT_TITLE]
    assert sites.json()[0]["host"] == "dennik-sever.example"


def test_the_datasette_command_serves_the_archive(archive_db):
    result = subprocess.run([DATASETTE, str(archive_db), "--get",
                             "/archive/articles.json?_search=Kursk&_shape=array"],
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert SEED_TITLE in [row["title"] for row in json.loads(result.stdout)]
