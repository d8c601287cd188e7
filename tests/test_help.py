"""Every command's --help: at least one example, each of which parses, and every
option that takes a value shows its default."""
from __future__ import annotations

import re
import shlex

import pytest
import typer.main
from typer.testing import CliRunner

from scraper.cli import app

ROOT = typer.main.get_command(app)
COMMANDS = [()] + [(name,) for name in ROOT.commands]


def help_text(path: tuple[str, ...]) -> str:
    result = CliRunner().invoke(app, [*path, "--help"], env={"COLUMNS": "100"})
    assert result.exit_code == 0, result.output
    return result.stdout


def examples(text: str) -> list[str]:
    """The example command lines: what follows 'Examples:', without the comments."""
    assert "Examples:" in text
    lines = text.split("Examples:", 1)[1].splitlines()
    found = [line.strip().split("  #", 1)[0].strip() for line in lines]
    return [line for line in found if "scrape " in line]


def option_rows(text: str) -> dict[str, str]:
    """Each option's row of the help's table (a row spans lines when its help wraps)."""
    rows: dict[str, str] = {}
    current = None
    for line in text.splitlines():
        start = re.match(r"[│|] (--[\w-]+)", line)
        if start:
            current = start.group(1)
            rows[current] = ""
        elif not line.startswith(("│", "|")):
            current = None
        if current:
            rows[current] += line
    return rows


@pytest.mark.parametrize("path", COMMANDS, ids=lambda p: " ".join(p) or "scrape")
def test_help_has_examples_that_parse(path):
    lines = examples(help_text(path))
    assert lines, "no example"
    if path:
        assert any(line.split("|")[-1].split()[:2] == ["scrape", path[0]] for line in lines)
    for line in lines:
        words = shlex.split(line.split("|")[-1].split(" > ")[0])
        assert words[0] == "scrape"
        if "--help" in words:
            continue
        command = ROOT.commands[words[1]]
        command.make_context(words[1], words[2:])  # raises on an unknown option or bad value


@pytest.mark.parametrize("path", COMMANDS, ids=lambda p: " ".join(p) or "scrape")
def test_examples_fit_an_80_column_terminal(path):
    epilog = (ROOT.commands[path[0]] if path else ROOT).epilog
    assert [line for line in epilog.splitlines() if len(line) > 76] == []


@pytest.mark.parametrize("path", [p for p in COMMANDS if p], ids=" ".join)
def test_help_shows_every_default(path):
    rows = option_rows(help_text(path))
    taking_values = [param for param in ROOT.commands[path[0]].params
                     if param.param_type_name == "option" and not param.is_flag]  # flags: off
    assert taking_values  # every command has --db at least
    for param in taking_values:
        name = next(opt for opt in param.opts if opt.startswith("--"))
        assert "[default:" in rows[name], f"{name} shows no default"
