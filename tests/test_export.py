"""`scrape export`: JSONL as `scrape url --json`, CSV, Markdown files that stay in their folder."""
from __future__ import annotations

import csv
import io
import json
import os
import sys
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlite_utils import Database
from typer.testing import CliRunner

from archiving import NEXT_TITLE, NEXT_URL, SEED_TITLE, SEED_URL, archive_page, sample_archive, seed
from scraper.archive.queries import StoredArticle
from scraper.cli import app, main
from scraper.archive.export import article_markdown, markdown_file_name, markdown_text, write_markdown
from scraper.models import Article, Link
from scraper.archive.store import Archive


def run(*args: str):
    return CliRunner().invoke(app, list(args))


def run_main(capsys, monkeypatch, *args: str) -> tuple[int, str, str]:
    """The console entry point itself, which turns errors into one line and an exit code."""
    monkeypatch.setattr(sys, "argv", ["scrape", *args])
    with pytest.raises(SystemExit) as exit:
        main()
    out, err = capsys.readouterr()
    return exit.value.code, out, err


def export(db_path, *args: str) -> str:
    result = run("export", "--db", str(db_path), *args)
    assert result.exit_code == 0, result.output
    return result.stdout


@pytest.fixture
def archive_db(db_path):
    return sample_archive(db_path)


def test_jsonl_is_what_scrape_url_json_printed(server, db_path):
    url = server.serve_file("/2025/05/ponorka/", "wp-slovak-seed.html")
    scraped = run("url", url, "--db", str(db_path), "--json")
    assert scraped.exit_code == 0, scraped.output
    assert export(db_path, "--format", "jsonl") == scraped.stdout


def test_where_and_since_select_articles(archive_db):
    def titles(*args: str) -> list[str]:
        return [json.loads(line)["title"] for line in export(archive_db, *args).splitlines()]

    assert titles() == [SEED_TITLE, NEXT_TITLE]
    assert titles("--where", "title like 'Nobel%'") == [NEXT_TITLE]
    assert titles("--where", "id in (select article_id from tags where tag = 'ponorky')") == [
        SEED_TITLE, NEXT_TITLE]
    assert titles("--where", "language = 'sk-SK' -- a trailing comment is fine") == [
        SEED_TITLE, NEXT_TITLE]
    assert titles("--since", "2000-01-01") == [SEED_TITLE, NEXT_TITLE]
    assert titles("--since", "2999-01-01T00:00:00+02:00") == []
    assert titles("--since", "2000-01-01", "--where", f"url = '{NEXT_URL}'") == [NEXT_TITLE]


@pytest.mark.parametrize("args", [["--where", "no_such_column = 1"],
                                  ["--where", "1); drop table articles; --"],
                                  ["--where", "1 = 1; drop table articles"],
                                  ["--since", "2025-01-01' or '1'='1"],
                                  ["--since", "yesterday"],
                                  ["--format", "markdown"]])  # without --out
def test_bad_options_are_one_line_usage_errors_and_write_nothing(archive_db, tmp_path, args,
                                                                  capsys, monkeypatch):
    out = tmp_path / "out"
    code, stdout, stderr = run_main(capsys, monkeypatch, "export", "--db", str(archive_db), *args,
                                    *([] if "--format" in args else ["--out", str(out)]))
    assert code == 2
    assert stdout == "" and stderr.startswith("error: ") and stderr.count("\n") == 1
    assert not out.exists()
    assert Database(archive_db)["articles"].count == 2


def test_csv_has_one_row_per_article_and_defuses_formulas(db_path):
    with_formula = seed((SEED_TITLE, "=HYPERLINK(&quot;https://evil.example&quot;)"))
    with Archive(db_path) as archive:
        archive_page(archive, SEED_URL, with_formula)
        archive_page(archive, NEXT_URL, seed((SEED_TITLE, NEXT_TITLE)))
    rows = list(csv.DictReader(io.StringIO(export(db_path, "--format", "csv"))))
    assert [r["url"] for r in rows] == [SEED_URL, NEXT_URL]
    assert rows[0]["title"] == "'=HYPERLINK(\"https://evil.example\")"
    assert rows[1]["title"] == NEXT_TITLE
    assert rows[1]["tags"] == "Rusko; ponorky"
    assert rows[0]["next_url"] == NEXT_URL  # (the page at NEXT_URL does not link to itself)
    assert "\n\n" in rows[1]["body_text"] and "Kolesnikov" in rows[1]["body_text"]


def test_csv_to_a_file(archive_db, tmp_path):
    folder = tmp_path / ("a-folder-with-a-long-name-" * 4)  # the message is one line all the same
    folder.mkdir()
    out = folder / "a.csv"
    result = run("export", "--db", str(archive_db), "--format", "csv", "--out", str(out))
    assert result.exit_code == 0
    assert result.stderr == f"Exported 2 articles to {out}\n"
    assert len(list(csv.DictReader(out.open(encoding="utf-8", newline="")))) == 2


def test_markdown_writes_one_file_per_article(archive_db, tmp_path):
    folder = tmp_path / "md"
    result = run("export", "--db", str(archive_db), "--format", "markdown", "--out", str(folder))
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in folder.iterdir()) == [
        "1-ponorka-kursk-čo-sa-stalo-v-barentsovom-mori.md",
        "2-nobelova-cena-za-literatúru-favoriti-tohto-roka.md"]
    text = (folder / "1-ponorka-kursk-čo-sa-stalo-v-barentsovom-mori.md").read_text("utf-8")
    assert text.startswith(f'---\ntitle: "{SEED_TITLE}"\nurl: "{SEED_URL}"\n')
    assert f"\n# {SEED_TITLE}\n" in text
    assert "(1973 – 2000)" in text
    assert "\n12\\. augusta: dva výbuchy" in text  # not an ordered list
    assert f"- Next: [{NEXT_TITLE}](<{NEXT_URL}>)" in text


HOSTILE_TITLES = ["../../etc/x", "..", ".", "/etc/passwd", "C:\\Windows\\x", "a\x00b", "",
                  None, "con", "x" * 1000, "日本語のタイトル" * 40, "  --  ", "\u202eexe.md"]


@pytest.mark.parametrize("title", HOSTILE_TITLES)
def test_no_title_names_a_file_outside_the_folder(tmp_path, title):
    folder = tmp_path / "out"
    stored = StoredArticle(7, SEED_URL, SEED_URL, "2025-01-01", "2025-01-01", "1", None,
                           Article(url=SEED_URL, title=title, body_text="text"))
    assert write_markdown([stored], folder) == 1
    [written] = list(folder.iterdir())
    assert written.parent == folder and written.name.startswith("7-")
    assert list(tmp_path.iterdir()) == [folder]


@given(st.integers(1, 10**12), st.none() | st.text())
def test_file_names_are_always_plain_and_short(article_id, title):
    name = markdown_file_name(article_id, title)
    assert name.startswith(f"{article_id}-") and name.endswith(".md")
    assert not set(name) & {"/", "\\", "\x00", ":"}
    assert ".." not in name and len(name.encode("utf-8")) <= 255
    assert os.path.basename(name) == name and Path(name).name == name


def test_markdown_renders_page_text_as_text():
    article = Article(
        url=SEED_URL, title="<script>alert(1)</script> *bold*",
        body_text="# not a heading\n\n[click](javascript:alert(1))\n\n- not a list\n\n1) nor this",
        links=[Link("related", "javascript:alert(1)", "evil"),
               Link("related", "https://example.org/a b>c", "spaces")])
    text = article_markdown(StoredArticle(1, SEED_URL, None, "t", "t", "1", None, article))
    assert "# \\<script\\>alert(1)\\</script\\> \\*bold\\*" in text
    assert "\n\\# not a heading\n" in text
    assert "\\[click\\](javascript:alert(1))" in text
    assert "\n\\- not a list\n" in text and "\n1\\) nor this\n" in text
    assert "- Related: evil (javascript:alert(1))" in text  # not a link
    assert "- Related: [spaces](<https://example.org/a%20b%3Ec>)" in text


def test_markdown_text_keeps_ordinary_prose_readable():
    prose = "Rok 2000 – 12. augusta – bol (podľa TASS) tragický: 118 mŕtvych."
    assert markdown_text(prose) == prose
