"""The documentation names every setting, every source key and every command."""

from __future__ import annotations

import re

import pytest

from graph.importing.oparl.client import environment_variables as oparl_variables
from graph.settings import PROJECT_ROOT, environment_variables
from graph.sources.kinds import ALL_SPECS
from webapp.cli import main

README = (PROJECT_ROOT / "README.md").read_text(encoding="utf-8")
DATA_README = (PROJECT_ROOT / "data" / "README.md").read_text(encoding="utf-8")


@pytest.mark.parametrize("variable", environment_variables() + oparl_variables())
def test_every_setting_is_documented(variable: str) -> None:
    assert f"`{variable}`" in README


@pytest.mark.parametrize("key", sorted({field.name for spec in ALL_SPECS for field in spec.fields}))
def test_every_source_key_is_documented(key: str) -> None:
    # keys appear as `key`, or inside a record sketch such as `{member: <id>, role?: …}`
    assert re.search(rf"[`{{\s,]{re.escape(key)}[?`:,\s]", DATA_README), key


@pytest.mark.parametrize("command", sorted(main.commands))
def test_every_command_is_in_the_readme(command: str) -> None:
    assert f"ikg {command}" in README


def test_quick_start_scripts_exist_and_ci_runs_the_test_command() -> None:
    assert "scripts/start" in README and "scripts/test" in README
    ci = (PROJECT_ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert "scripts/test" in ci
