"""The console script `ikg`: every command answers --help, an IkgError becomes its message and
exit code in one place, and a wrong command line is a click usage error (exit 2)."""

from __future__ import annotations

import subprocess
import sys
import tomllib

import click
import pytest
from click.testing import CliRunner

from graph.cli import main as library_commands
from graph.errors import IkgError, SourceError, ValidationError
from graph.settings import PROJECT_ROOT
from webapp.cli import main


def test_the_console_script_is_the_library_with_serve() -> None:
    project = tomllib.loads((PROJECT_ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    assert project["project"]["scripts"]["ikg"] == "webapp.cli:main"
    assert set(main.commands) == {*library_commands.commands, "serve"}
    assert "serve" not in library_commands.commands  # graph/ holds no web app


@pytest.mark.parametrize("command", sorted(main.commands))
def test_every_command_answers_help(command: str) -> None:
    result = CliRunner().invoke(main, [command, "--help"], prog_name="ikg")
    assert result.exit_code == 0, result.output
    assert result.output.startswith(f"Usage: ikg {command} ")


def test_ikg_sparql_without_a_query_is_a_usage_error() -> None:
    result = CliRunner().invoke(main, ["sparql"], prog_name="ikg")
    assert result.exit_code == 2
    assert result.output.startswith("Usage: ikg sparql [OPTIONS] [SPARQL]")
    assert "Try 'ikg sparql --help' for help." in result.output
    assert "Error: Geben Sie genau eines an: einen Abfragetext oder -f DATEI." in result.output
    assert "Traceback" not in result.output


def test_ikg_sparql_with_a_text_and_a_file_is_a_usage_error(tmp_path) -> None:
    query = tmp_path / "frage.rq"
    query.write_text("ASK {}", encoding="utf-8")
    result = CliRunner().invoke(main, ["sparql", "ASK {}", "-f", str(query)])
    assert result.exit_code == 2 and "exactly one" in result.output


@pytest.mark.parametrize(
    ("error", "code"),
    [
        (IkgError("kaputt / broken"), 2),
        (ValidationError("nicht konform / does not conform"), 1),
    ],
)
def test_any_command_that_raises_an_ikg_error_ends_with_its_message_and_exit_code(
    error: IkgError, code: int
) -> None:
    """The handling sits in the group, so a command added later gets it without a try."""

    @click.command(name="probe")
    def probe() -> None:
        raise error

    result = CliRunner().invoke(main.with_commands(probe), ["probe"])
    assert result.exit_code == code
    assert result.output == f"Fehler: {error}\n"
    assert "probe" not in main.commands  # the console script's group stays as it is


def test_a_source_error_says_that_nothing_was_stored() -> None:
    @click.command(name="probe")
    def probe() -> None:
        raise SourceError([], exit_code=2)

    result = CliRunner().invoke(main.with_commands(probe), ["probe"])
    assert result.exit_code == 2
    assert "0 problems in the source data" in result.output
    assert "Nothing was stored; the previous store is unchanged." in result.output
    assert "Fehler:" not in result.output


def test_ikg_serve_without_a_store_says_to_build(tmp_path) -> None:
    """`ikg serve` is the web app's, and ends like every other command on a missing store."""
    result = subprocess.run(
        [sys.executable, "-m", "webapp.cli", "serve", "--store", str(tmp_path / "nichts")],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=PROJECT_ROOT,
    )
    assert result.returncode == 2
    assert result.stderr.startswith("Fehler: no store at") and "ikg build" in result.stderr
    assert "Traceback" not in result.stderr
