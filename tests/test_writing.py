"""Writing source YAML (graph/sources/writing.py): the generator's files, and records added to
or replaced in a hand-written file without touching any other byte of it."""

from __future__ import annotations

import difflib
import doctest
import os
import shutil
from pathlib import Path

import pytest

from graph.generator import city
from graph.sources import kinds, read_sources, writing
from graph.sources.loader import parse_yaml
from graph.sources.writing import WriteError, write_records
from tests.conftest import DATA_DIR

OFFICE = {"office": "ki", "date": "2025-01-01"}


@pytest.fixture
def data(tmp_path: Path) -> Path:
    """The built-in data, writable."""
    folder = tmp_path / "data"
    shutil.copytree(DATA_DIR, folder, ignore=shutil.ignore_patterns("README.md"))
    return folder


def records_of(path: Path, key: str) -> list[dict]:
    return writing._plain(parse_yaml(path.read_text(encoding="utf-8")).get(key) or [])


def changed_lines(before: str, after: str) -> list[str]:
    return [
        line
        for line in difflib.unified_diff(before.splitlines(), after.splitlines(), lineterm="")
        if line[:1] in "+-" and not line.startswith(("+++", "---"))
    ]


def test_the_examples_run() -> None:
    result = doctest.testmod(writing)
    assert result.attempted and not result.failed


def test_the_generator_writes_through_this_module() -> None:
    assert city.new_file is writing.new_file


@pytest.mark.parametrize(
    "path", sorted(DATA_DIR.glob("*/*.yaml")), ids=lambda p: f"{p.parent.name}/{p.name}"
)
def test_writing_a_hand_written_files_records_again_changes_no_byte(path: Path, data: Path) -> None:
    copy = data / path.parent.name / path.name
    for kind in kinds.KIND_OF_FILE.get(path.name, ()):
        records = records_of(copy, kind.key or "")
        assert write_records(copy.parent, kind, records) is False
    assert copy.read_bytes() == path.read_bytes()


def test_a_changed_record_changes_only_its_changed_keys(data: Path) -> None:
    path = data / "oberhausen" / "measures.yaml"
    before = path.read_text(encoding="utf-8")
    record = records_of(path, "measures")[1]
    record["label"] += " (Fortsetzung)"
    record["status"] = "abgeschlossen"
    assert write_records(path.parent, kinds.MEASURE, [record]) is True
    after = path.read_text(encoding="utf-8")
    old_label = record["label"].removesuffix(" (Fortsetzung)")
    assert sorted(changed_lines(before, after)) == sorted(
        [
            f"-    label: {old_label}",
            "-    status: laufend",
            f"+    label: {record['label']}",
            "+    status: abgeschlossen",
        ]
    )
    # its folded description and the comment above its action fields are as they were
    assert before.count("description: >-") == after.count("description: >-")
    assert "# Beratungsangebot mit dem Ziel" in after
    assert records_of(path, "measures")[1] == record
    read_sources(data, only={"oberhausen"})


def test_a_new_record_is_added_after_the_last_and_a_rerun_makes_no_diff(data: Path) -> None:
    path = data / "oberhausen" / "funding.yaml"
    before = path.read_text(encoding="utf-8")
    new = {
        "sources": [OFFICE],
        "funder": "bamf",
        "id": "f-neu",
        "programme": "Integrationskurse: Träger",  # a colon: written in quotes
    }
    assert write_records(path.parent, "funding", [new]) is True
    after = path.read_text(encoding="utf-8")
    assert after.startswith(before.rstrip("\n"))
    assert after.endswith(
        "  - id: f-neu\n"
        "    funder: bamf\n"
        '    programme: "Integrationskurse: Träger"\n'
        "    sources:\n"
        "      - {office: ki, date: 2025-01-01}\n"
    )
    assert write_records(path.parent, "funding", [new]) is False
    assert path.read_text(encoding="utf-8") == after
    funding = read_sources(data, only={"oberhausen"}).municipality("oberhausen").index["f-neu"]
    assert funding.values["programme"] == "Integrationskurse: Träger"


def test_a_file_that_does_not_exist_is_written_new(data: Path) -> None:
    folder = data / "leverkusen"
    assert not (folder / "funding.yaml").exists()
    funding = {"id": "f-1", "funder": "leverkusen", "sources": [OFFICE]}
    assert write_records(folder, "funding", [funding], comment="Förderungen") is True
    assert (
        (folder / "funding.yaml")
        .read_text(encoding="utf-8")
        .startswith("# Förderungen\nfunding:\n  - id: f-1\n")
    )


def test_a_flow_list_is_written_as_a_block_with_its_records_kept(tmp_path: Path) -> None:
    (tmp_path / "events.yaml").write_text("# leer\nevents: []\n", encoding="utf-8")
    event = {"id": "e-1", "label": "Konferenz", "type": "Konferenz", "sources": [OFFICE]}
    assert write_records(tmp_path, "event", [event]) is True
    assert (tmp_path / "events.yaml").read_text(encoding="utf-8") == (
        "# leer\nevents:\n  - id: e-1\n    label: Konferenz\n    type: Konferenz\n"
        "    sources:\n      - {office: ki, date: 2025-01-01}\n"
    )


def test_a_key_the_kind_does_not_have_is_refused(tmp_path: Path) -> None:
    with pytest.raises(WriteError, match="'lable'"):
        write_records(tmp_path, "event", [{"id": "e-1", "lable": "x"}])
    with pytest.raises(WriteError, match="id of its own"):
        write_records(tmp_path, "event", [{"id": "e-1"}, {"id": "e-1"}])
    with pytest.raises(WriteError):
        write_records(tmp_path, "membership", [{"member": "ki"}])
    assert not (tmp_path / "events.yaml").exists()


def test_written_files_keep_their_mode_and_new_ones_are_readable_by_others(tmp_path: Path) -> None:
    # a data folder colleagues share: mkstemp's own mode (0600) would lock them out
    kept = tmp_path / "kept.yaml"
    kept.write_text("a: 1\n")
    kept.chmod(0o640)
    writing.replace_file(kept, b"a: 2\n")
    assert kept.read_bytes() == b"a: 2\n" and kept.stat().st_mode & 0o777 == 0o640
    old_umask = os.umask(0o022)
    try:
        fresh = tmp_path / "fresh.yaml"
        writing.replace_file(fresh, b"b: 1\n")
    finally:
        os.umask(old_umask)
    assert fresh.stat().st_mode & 0o777 == 0o644
