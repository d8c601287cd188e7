"""The archive's write path and its inverse: rows in, the same Article back out."""
from __future__ import annotations

import sqlite3
import textwrap

import pytest
import zstandard
from archiving import NEXT_URL, SEED_URL, archive_page, failed, fetched, next_article, seed
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from scraper.archive.schema import VIEWS
from scraper.archive.store import Archive, PackedBody, PageWrite
from scraper.extract import extract
from scraper.models import LINK_KINDS, Article, CommentForm, FetchResult, FormField, Link

text = st.text(st.characters(blacklist_categories=("Cs",)), max_size=40)
maybe_text = st.none() | text
fields = st.builds(FormField, name=text, type=st.sampled_from(["text", "email", "textarea"]),
                   label=maybe_text, required=st.booleans())
forms = st.builds(CommentForm, action=maybe_text, method=st.sampled_from(["post", "get"]),
                  fields=st.lists(fields, max_size=4),
                  hidden=st.dictionaries(text, text, max_size=3), notes=maybe_text,
                  submit=maybe_text, html_id=maybe_text, title=maybe_text)
articles = st.builds(
    Article, title=maybe_text, body_text=text, share_url=maybe_text,
    canonical_url=maybe_text, shortlink=maybe_text, authors=st.lists(text, max_size=3),
    published=maybe_text, modified=maybe_text, language=maybe_text, site_name=maybe_text,
    description=maybe_text, tags=st.lists(text, max_size=3), image=maybe_text,
    links=st.lists(st.builds(Link, kind=st.sampled_from(LINK_KINDS), href=text, title=maybe_text),
                   max_size=4),
    comment_form=st.none() | forms)


@pytest.fixture(scope="module")
def shared_archive(tmp_path_factory):
    with Archive(tmp_path_factory.mktemp("store") / "archive.db") as archive:
        yield archive


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(article=articles, page=st.integers(0, 10**9))
def test_an_article_reads_back_exactly_as_it_was_saved(shared_archive, article, page):
    article.url = f"{SEED_URL}?page={page}"
    saved = shared_archive.save(fetched(article.url, b"<html>page</html>"), article)
    assert shared_archive.article(saved.article_id) == article


def test_identical_bodies_are_stored_once_and_compressed(db_path):
    body = seed()
    with Archive(db_path) as archive:
        archive_page(archive, SEED_URL, body)
        archive_page(archive, SEED_URL + "?utm_source=x", body)
        [stored] = list(archive.db["bodies"].rows)
        assert archive.db["fetches"].count == 2
    assert stored["size"] == len(body)
    assert len(stored["html"]) < len(body) / 2
    assert stored["compression"] == "zstd"
    assert zstandard.ZstdDecompressor().decompress(stored["html"]) == body


def test_a_failed_fetch_is_kept_and_touches_no_article(db_path):
    with Archive(db_path) as archive:
        first = archive_page(archive, SEED_URL, seed())
        before = archive.article(first.article_id)
        saved = archive.save(failed(SEED_URL), None)
        assert saved.article_id is None
        assert archive.article(first.article_id) == before
        row = archive.db["fetches"].get(saved.fetch_id)
    assert (row["status"], row["error_kind"], row["body_sha256"]) == (404, "http_status", None)


def test_not_modified_marks_the_article_seen_and_keeps_its_content(db_path):
    with Archive(db_path) as archive:
        saved = archive_page(archive, SEED_URL, seed())
        archive.db["articles"].update(saved.article_id, {"last_seen": "2000-01-01T00:00:00+00:00"})
        unchanged = FetchResult(url=SEED_URL, final_url=SEED_URL, status=304, not_modified=True)
        archive.save(unchanged, Article(url=SEED_URL))  # even if a caller extracted the empty body
        row = archive.db["articles"].get(saved.article_id)
        assert row["last_seen"] > "2000-01-01T00:00:00+00:00"
        assert row["fetch_id"] == saved.fetch_id
        assert "Kolesnikov" in row["body_text"]
        assert archive.db["article_versions"].count == 1


def test_hosts_are_recorded_for_pages_and_not_for_local_files(db_path, tmp_path):
    page = tmp_path / "page.html"
    page.write_bytes(seed())
    with Archive(db_path) as archive:
        archive_page(archive, "https://Dennik-Sever.example:443/a/", seed())
        archive_page(archive, page.as_uri(), seed())
        hosts = [r["host"] for r in archive.db.query("select host from articles order by id")]
        fetch_hosts = [r["host"] for r in archive.db.query("select host from fetches order by id")]
    assert hosts == fetch_hosts == ["dennik-sever.example", None]


def test_full_text_search_follows_updates(db_path):
    with Archive(db_path) as archive:
        archive_page(archive, SEED_URL, seed())
        search = lambda word: [r["url"] for r in archive.db["articles"].search(word)]  # noqa: E731
        assert search("Kolesnikov") == [SEED_URL]
        archive_page(archive, SEED_URL, seed(("Kolesnikov", "Kolesnikovovi")))
        assert search("Kolesnikov") == []
        assert search("Kolesnikovovi") == [SEED_URL]
        assert search("namornikov") == search("NÁMORNÍKOV") == [SEED_URL]  # folded
        archive.db.execute("insert into articles_fts(articles_fts) values('integrity-check')")


def test_opening_a_current_archive_writes_nothing(db_path):
    Archive(db_path).close()
    writer = sqlite3.connect(db_path, isolation_level=None)
    writer.execute("begin immediate")  # a batch holding the write lock
    try:
        with Archive(db_path, lock_timeout=0.2) as reader:
            assert reader.db["articles"].count == 0
    finally:
        writer.execute("rollback")
        writer.close()


def test_views_are_recreated_when_their_declaration_changes(db_path):
    Archive(db_path).close()
    conn = sqlite3.connect(db_path)
    conn.execute("drop view sites")
    conn.execute("create view sites as select 1 as stale")
    conn.execute("drop view changed_articles")
    conn.commit()
    conn.close()
    with Archive(db_path) as archive:
        for name, sql in VIEWS.items():
            assert archive.db[name].schema == f'CREATE VIEW "{name}" AS {textwrap.dedent(sql).strip()}'


def test_a_page_sqlite_refuses_is_refused_alone_and_search_stays_in_sync(db_path):
    pages = [seed(), seed(("Kolesnikov", "Kolesnikov ml.")), next_article()]
    urls = [SEED_URL, SEED_URL + "?v=2", NEXT_URL]
    recorded = []
    with Archive(db_path) as archive:
        writes = [PageWrite(fetched(url, body), extract(body.decode("utf-8"), url),
                            also=lambda db, saved, url=url: recorded.append(url))
                  for url, body in zip(urls, pages)]
        # the second page's body is made too big for this connection's limit
        writes[1].packed = PackedBody("0" * 64, b"x" * 2_000_000, 2_000_000)
        archive.db.conn.setlimit(sqlite3.SQLITE_LIMIT_LENGTH, 1_000_000)
        first, refused, third = archive.save_batch(writes)
        assert isinstance(refused, sqlite3.DataError)
        assert first.created and third.created and recorded[-2:] == [SEED_URL, NEXT_URL]
        assert archive.db["articles"].count == archive.db["fetches"].count == 2
        search = [r["url"] for r in archive.db["articles"].search("Kolesnikov")]
        assert search == [SEED_URL]
        archive.db.execute("insert into articles_fts(articles_fts) values('integrity-check')")



def test_a_prepared_page_is_stored_as_the_article_it_came_from_would_be(tmp_path):
    """The word count and digest worked out in the extraction process are the ones the
    archive would have worked out itself."""
    from scraper.crawl.writer import Finished, prepare

    def columns(path, url):
        with Archive(path) as archive:
            return archive.db.execute(
                "select word_count, content_sha256, body_text from articles where url = ?",
                [url]).fetchone()

    result = fetched(SEED_URL, seed())
    prepared = prepare(Finished(SEED_URL, result))
    assert prepared.counted is not None
    with Archive(tmp_path / "prepared.db") as archive:
        archive.save_batch([PageWrite(prepared.finished.result, prepared.article, None,
                                      prepared.packed, prepared.counted)])
    with Archive(tmp_path / "direct.db") as archive:
        archive.save(result, prepared.article)
    stored = columns(tmp_path / "prepared.db", SEED_URL)
    assert stored == columns(tmp_path / "direct.db", SEED_URL)
    assert stored[0] == len(prepared.article.body_text.split()) > 0
