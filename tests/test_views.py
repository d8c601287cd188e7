"""The views: common questions answered in one select, on an archive built from fixtures."""
from __future__ import annotations

import pytest
from sqlite_utils import Database

from archiving import (MISSING_URL, NEXT_TITLE, NEXT_URL, SEED_TITLE, SEED_URL, archive_page,
                       failed, sample_archive, seed)
from scraper.archive.schema import VIEWS
from scraper.archive.store import Archive

RELATED_URL = "https://dennik-sever.example/2025/02/severna-flotila-dnes/"
RELATED_TITLE = "Severná flotila dnes: čo zostalo z jej sily"


@pytest.fixture
def db(db_path) -> Database:
    sample_archive(db_path)
    with Archive(db_path) as archive:
        archive_page(archive, RELATED_URL, seed((SEED_TITLE, RELATED_TITLE)))
        archive.save(failed(SEED_URL, 503), None)
    return Database(db_path)


def rows(db: Database, sql: str, params: list | None = None) -> list[dict]:
    return list(db.query(sql, params or []))


def test_every_declared_view_exists_and_runs_on_an_empty_archive(db_path):
    Archive(db_path).close()
    db = Database(db_path)
    assert set(db.view_names()) == set(VIEWS)
    for name in VIEWS:
        assert rows(db, f"select * from [{name}]") == []


def test_article_navigation(db):
    [seed_row] = rows(db, "select * from article_navigation where url = ?", [SEED_URL])
    assert seed_row == {
        "article_id": 1, "url": SEED_URL, "title": SEED_TITLE,
        "prev_title": "Ekonomika rastie rýchlejšie, než čakali analytici",
        "prev_url": "https://dennik-sever.example/2025/05/ekonomika-rast-hdp/",
        "next_title": NEXT_TITLE, "next_url": NEXT_URL}
    assert len(rows(db, "select * from article_navigation")) == db["articles"].count


def test_related_links_in_page_order_with_the_archived_ones_marked(db):
    related = rows(db, "select position, title, url, archived_article_id from related_links "
                       "where article_id = 1 order by position")
    assert [r["position"] for r in related] == [1, 2, 3]
    assert [r["title"] for r in related] == ["Jadrové ponorky v Baltskom mori: nové napätie",
                                             "Tragédia ponorky Thresher po šesťdesiatich rokoch",
                                             RELATED_TITLE]
    assert [r["archived_article_id"] for r in related] == [None, None, 3]


def test_comment_forms_overview(db):
    [form] = rows(db, "select * from comment_forms_overview where article_id = 1")
    assert form["article_title"] == SEED_TITLE
    assert (form["action"], form["method"]) == (
        "https://dennik-sever.example/wp-comments-post.php", "post")
    assert form["fields"] == "comment, author, email, url, wp-comment-cookies-consent"
    assert form["required_fields"] == "comment, author, email"
    assert form["hidden_fields"] == "comment_post_ID, comment_parent, akismet_comment_nonce, ak_js"
    assert form["submit"] == "Uverejniť komentár"


def test_failed_fetches_newest_first_with_the_archived_copy(db):
    assert rows(db, "select url, status, reason, attempts, archived_article_id "
                    "from failed_fetches") == [
        {"url": SEED_URL, "status": 503, "reason": "http_status", "attempts": 1,
         "archived_article_id": 1},
        {"url": MISSING_URL, "status": 404, "reason": "http_status", "attempts": 1,
         "archived_article_id": None}]


def test_sites(db, db_path, tmp_path):
    local = tmp_path / "page.html"
    local.write_bytes(seed())
    with Archive(db_path) as archive:
        archive_page(archive, local.as_uri(), seed())
    assert rows(db, "select host, articles, fetches, failed_fetches from sites") == [
        {"host": "dennik-sever.example", "articles": 3, "fetches": 6, "failed_fetches": 2},
        {"host": None, "articles": 1, "fetches": 1, "failed_fetches": 0}]
    [site] = rows(db, "select * from sites where host is not null")
    assert site["first_fetch"] <= site["last_fetch"]


def test_article_history_and_changed_articles(db):
    history = rows(db, "select article_id, version, cause, old_sha256 is null as first "
                       "from article_history order by article_id, version")
    assert history == [
        {"article_id": 1, "version": 1, "cause": "fetch", "first": 1},
        {"article_id": 1, "version": 2, "cause": "fetch", "first": 0},
        {"article_id": 2, "version": 1, "cause": "fetch", "first": 1},
        {"article_id": 3, "version": 1, "cause": "fetch", "first": 1}]
    assert rows(db, "select article_id, title, changes from changed_articles") == [
        {"article_id": 1, "title": SEED_TITLE, "changes": 1}]
