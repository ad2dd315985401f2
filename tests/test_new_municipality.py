"""`ikg new`: a new municipality's folder that `ikg validate` and `ikg build` take as it is."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from graph.cli import main
from graph.settings import PROJECT_ROOT
from graph.sources import kinds
from graph.sources.loader import parse_yaml


def run(*args: str | Path):
    return CliRunner().invoke(main, [str(arg) for arg in args])


@pytest.fixture
def data(tmp_path: Path) -> Path:
    folder = tmp_path / "data"
    shutil.copytree(PROJECT_ROOT / "data" / "reference", folder / "reference")
    return folder


def test_new_writes_every_file_of_the_registry_and_validates(data: Path) -> None:
    result = run(
        "new", "musterstadt", "--name", "Stadt Musterstadt", "--ags", "05999000", "--data", data
    )
    assert result.exit_code == 0, result.output
    folder = data / "musterstadt"
    assert {path.name for path in folder.glob("*.yaml")} == {
        "municipality.yaml",
        *kinds.KIND_OF_FILE,
    }
    meta = parse_yaml((folder / "municipality.yaml").read_text(encoding="utf-8"))
    assert meta["label"] == "Stadt Musterstadt"
    assert meta["ags"] == "05999000"
    assert meta["state"] == "Nordrhein-Westfalen"  # from the AGS's first two digits
    goals = (folder / "goals.yaml").read_text(encoding="utf-8")
    assert goals.startswith("#") and "goals: []" in goals and "indicators: []" in goals
    validated = run("validate", "--data", data)
    assert validated.exit_code == 0, validated.output
    assert "musterstadt" in validated.output and "Die Daten sind gültig" in validated.output


def test_build_shows_the_new_municipality(data: Path, tmp_path: Path) -> None:
    assert (
        run(
            "new", "neustadt", "--name", "Gemeinde Neustadt", "--state", "Hessen", "--data", data
        ).exit_code
        == 0
    )
    result = run("build", "--data", data, "--store", tmp_path / "store")
    assert result.exit_code == 0, result.output
    header = result.output.splitlines()[0]
    assert header.split() == ["neustadt"]
    assert "Quelldokumente" in result.output


def test_an_existing_folder_is_refused_and_left_alone(data: Path) -> None:
    assert (
        run(
            "new", "musterstadt", "--name", "Stadt Musterstadt", "--state", "Bayern", "--data", data
        ).exit_code
        == 0
    )
    before = (data / "musterstadt" / "municipality.yaml").read_bytes()
    result = run(
        "new", "musterstadt", "--name", "Stadt Anders", "--state", "Bayern", "--data", data
    )
    assert result.exit_code == 2
    assert str(data / "musterstadt") in result.output and "gibt es schon" in result.output
    assert "Traceback" not in result.output
    assert (data / "musterstadt" / "municipality.yaml").read_bytes() == before


@pytest.mark.parametrize("slug", ["Musterstadt", "muster stadt", "muster-", "müllheim"])
def test_a_slug_that_is_no_id_is_refused(data: Path, slug: str) -> None:
    result = run("new", slug, "--name", "Stadt X", "--state", "Bayern", "--data", data)
    assert result.exit_code == 2
    assert f"'{slug}' ist kein Kürzel" in result.output
    assert [path.name for path in data.iterdir()] == ["reference"]


def test_a_state_is_needed_and_must_fit_the_ags(data: Path) -> None:
    missing = run("new", "x", "--name", "Stadt X", "--data", data)
    assert missing.exit_code == 2 and "--state" in missing.output
    wrong = run(
        "new", "x", "--name", "Stadt X", "--ags", "05999000", "--state", "Bayern", "--data", data
    )
    assert wrong.exit_code == 2 and "passt nicht zu --ags" in wrong.output
    bad = run("new", "x", "--name", "Stadt X", "--ags", "5999", "--data", data)
    assert bad.exit_code == 2 and "8 Ziffern" in bad.output
    unknown = run("new", "x", "--name", "Stadt X", "--state", "Narnia", "--data", data)
    assert unknown.exit_code == 2 and "'Narnia' ist kein Land" in unknown.output
    assert "Nordrhein-Westfalen" in unknown.output
    assert not (data / "x").exists()


def test_a_data_folder_without_reference_schemes_is_refused(tmp_path: Path) -> None:
    result = run("new", "x", "--name", "Stadt X", "--state", "Bayern", "--data", tmp_path)
    assert result.exit_code == 2
    assert f"{tmp_path} hat keinen Ordner reference/" in result.output
    assert not (tmp_path / "x").exists()
