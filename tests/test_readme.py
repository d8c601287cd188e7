"""The README's archive examples run as written, against an archive built from fixtures.

Every sqlite-utils and datasette line in a bash block, and every `scrape show`,
`export`, `stats` and `reextract` line, runs in a shell in a folder holding
`archive.db`. (`scrape url` examples fetch from the web; their behaviour is
covered against the loopback server in test_cli_url.py.)
"""
from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import pytest

from archiving import SEED_TITLE, sample_archive

README = Path(__file__).parent.parent / "README.md"
BIN = Path(sys.executable).parent  # scrape, sqlite-utils and datasette from this environment
ARCHIVE_EXAMPLE = re.compile(r"(sqlite-utils|datasette) |scrape (show|export|stats|reextract)\b")
# The examples the archive's design promised, in the README word for word.
PROMISED = ['sqlite-utils search archive.db articles "Kursk"',
            'sqlite-utils query archive.db "select * from article_navigation"',
            "datasette archive.db",
            "scrape reextract",
            "scrape export --format jsonl > a.jsonl",
            "scrape stats"]


def examples() -> list[str]:
    blocks = re.findall(r"```bash\n(.*?)```", README.read_text("utf-8"), re.DOTALL)
    lines = [line.strip() for block in blocks for line in block.splitlines()]
    # the discovery section's queries need a discovery's archive: test_discover.py runs them
    return [line for line in lines if ARCHIVE_EXAMPLE.match(line)
            and "discovered_urls" not in line]


def test_the_promised_examples_are_in_the_readme():
    found = examples()
    assert [line for line in PROMISED if line not in found] == []
    assert any(line.startswith("scrape show ") for line in found)


@dataclass
class Ran:
    result: subprocess.CompletedProcess
    made: set[str]  # files the example created next to the archive


def run_example(line: str, folder: Path, template: Path) -> Ran:
    folder.mkdir()
    shutil.copy(template, folder / "archive.db")
    command = line
    if line.startswith("datasette "):  # ask the server one question instead of serving forever
        command += " --get '/archive/articles.json?_search=Kursk&_shape=array'"
    env = {**os.environ, "PATH": f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}"}
    result = subprocess.run(["bash", "-c", command], cwd=folder, env=env,
                            capture_output=True, text=True, timeout=60)
    made = {p.name for p in folder.iterdir()} - {"archive.db", "archive.db-wal", "archive.db-shm"}
    return Ran(result, made)


@pytest.fixture(scope="module")
def ran(tmp_path_factory) -> dict[str, Ran]:
    """Every example, each in its own folder with its own copy of the sample archive.

    They run side by side: each is a process start or two, and one after another
    they would cost the suite more than everything else in this area.
    """
    root = tmp_path_factory.mktemp("readme")
    template = sample_archive(root / "archive.db")
    lines = examples()
    with ThreadPoolExecutor(max_workers=os.cpu_count() or 2) as pool:
        done = pool.map(run_example, lines, [root / f"example-{n}" for n in range(len(lines))],
                        [template] * len(lines))
        return dict(zip(lines, done))


@pytest.mark.parametrize("line", examples())
def test_example_runs_as_written(line, ran):
    result, made = ran[line].result, ran[line].made
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    assert result.stdout.strip() or made, "the example printed and wrote nothing"
    if line.startswith(("sqlite-utils query", "sqlite-utils search", "datasette")):
        assert json.loads(result.stdout), "the example found no rows in the sample archive"
    if line.startswith("datasette"):
        assert SEED_TITLE in [row["title"] for row in json.loads(result.stdout)]
