"""`scrape url` end to end: a real loopback server, the real CLI, a real SQLite file."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from sqlite_utils import Database

SEED = "wp-slovak-seed.html"
# The sqlite-utils command installed beside this Python, whether or not a venv is activated.
SQLITE_UTILS = str(Path(sys.executable).parent / "sqlite-utils")


def scrape(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "scraper", *args],
                          capture_output=True, text=True, timeout=120)


def test_seed_page_lands_in_every_table(server, db_path):
    url = server.serve_file("/2025/05/ponorka-kursk-co-sa-stalo/", SEED)
    result = scrape("url", url, "--db", str(db_path), "--json")
    assert result.returncode == 0, result.stderr
    record = json.loads(result.stdout)
    assert record["url"] == url
    assert record["title"] == "Ponorka Kursk: čo sa stalo v Barentsovom mori"
    assert record["extraction_method"] == "content"

    db = Database(db_path)
    [article] = list(db["articles"].rows)
    assert article["extraction_method"] == "content"
    assert article["share_url"] == "https://dennik-sever.example/2025/05/ponorka-kursk-co-sa-stalo/"
    assert article["shortlink"] == "https://dennik-sever.example/?p=48213"
    assert "Kolesnikov" in article["body_text"]
    links = list(db.query("select kind, href, title from links order by position"))
    prev = [l for l in links if l["kind"] == "prev"]
    nxt = [l for l in links if l["kind"] == "next"]
    assert prev == [{"kind": "prev", "href": "https://dennik-sever.example/2025/05/ekonomika-rast-hdp/",
                     "title": "Ekonomika rastie rýchlejšie, než čakali analytici"}]
    assert nxt == [{"kind": "next", "href": "https://dennik-sever.example/2025/05/nobelova-cena-literatura/",
                    "title": "Nobelova cena za literatúru: favoriti tohto roka"}]
    related = [l["title"] for l in links if l["kind"] == "related"]
    assert related == ["Jadrové ponorky v Baltskom mori: nové napätie",
                       "Tragédia ponorky Thresher po šesťdesiatich rokoch",
                       "Severná flotila dnes: čo zostalo z jej sily"]

    [form] = list(db["comment_forms"].rows)
    assert form["action"] == "https://dennik-sever.example/wp-comments-post.php"
    assert form["method"] == "post"
    assert form["notes"] == ("Vaša e-mailová adresa nebude zverejnená. "
                             "Vyžadované polia sú označené *")
    fields = {f["name"]: f for f in db.query(
        "select * from form_fields where form_id = ? order by position", [form["id"]])}
    visible = [name for name, f in fields.items() if not f["hidden"]]
    assert visible == ["comment", "author", "email", "url", "wp-comment-cookies-consent"]
    assert {n: fields[n]["required"] for n in visible} == {
        "comment": 1, "author": 1, "email": 1, "url": 0, "wp-comment-cookies-consent": 0}
    assert fields["comment"]["label"] == "Komentár"
    assert fields["comment_post_ID"]["value"] == "48213"
    assert fields["comment_post_ID"]["hidden"] == 1
    assert "ak_hp_textarea" not in fields  # Akismet's honeypot is not a field


def test_same_url_twice_keeps_one_article(server, db_path):
    url = server.serve_file("/a/", SEED)
    for _ in range(2):
        assert scrape("url", url, "--db", str(db_path)).returncode == 0
    db = Database(db_path)
    assert db["articles"].count == 1
    assert db["fetches"].count == 2
    assert db["links"].count == len(list(db.query("select distinct kind, href from links")))
    assert db["comment_forms"].count == 1


def test_full_text_search_finds_the_article(server, db_path):
    url = server.serve_file("/a/", SEED)
    assert scrape("url", url, "--db", str(db_path)).returncode == 0
    found = subprocess.run([SQLITE_UTILS, "search", str(db_path), "articles", "Kursk", "-c", "url"],
                           capture_output=True, text=True, timeout=60)
    assert found.returncode == 0, found.stderr
    assert json.loads(found.stdout) == [{"url": url}]


def test_rich_summary_shows_the_parts(server, db_path):
    url = server.serve_file("/a/", SEED)
    result = scrape("url", url, "--db", str(db_path))
    assert result.returncode == 0, result.stderr
    out = result.stdout
    for expected in ("Ponorka Kursk", "https://dennik-sever.example/2025/05/ponorka-kursk-co-sa-stalo/",
                     "Ekonomika rastie", "Nobelova cena", "comment", "email", "Komentár"):
        assert expected in out


def test_a_page_saved_from_the_browser_keeps_its_links_where_it_lived(tmp_path, db_path):
    from test_parts import SAVED_FROM, SAVED_POST

    saved = tmp_path / "keepers.html"
    saved.write_text(SAVED_POST.format(
        note=f"<!-- saved from url=({len(SAVED_FROM):04d}){SAVED_FROM} -->", head=""))
    result = scrape("url", str(saved), "--db", str(db_path), "--json")
    assert result.returncode == 0, result.stderr
    record = json.loads(result.stdout)
    assert record["url"] == saved.resolve().as_uri()
    assert record["share_url"] == SAVED_FROM
    db = Database(db_path)
    assert list(db.query("select kind, href from links order by position")) == [
        {"kind": "prev", "href": "https://tidewater.example/2026/04/causeway-reopens/"},
        {"kind": "next", "href": "https://tidewater.example/2026/04/seal-pups-counted/"}]
    [form] = list(db["comment_forms"].rows)
    assert form["action"] == "https://tidewater.example/wp-comments-post.php"
