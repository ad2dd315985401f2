"""Records from any origin pass the checks the YAML reader uses (graph/sources/checks.py):
an importer's problems read like a file's, naming the URL or the table and row."""

from __future__ import annotations

import doctest
import shutil
from pathlib import Path

import pytest

from graph.errors import SourceError
from graph.sources import RawRecord, Ref, check_records, checks, kinds, read_sources
from graph.sources.records import Municipality, ReferenceSchemes
from tests.conftest import DATA_DIR, FIXTURES

ORIGIN = "https://ris.teststadt.example/oparl/paper/7"
TABLE = "tabellen/massnahmen.xlsx, Blatt 2024"


@pytest.fixture
def data(tmp_path: Path) -> Path:
    folder = tmp_path / "data"
    shutil.copytree(DATA_DIR / "reference", folder / "reference")
    shutil.copytree(FIXTURES / "sources" / "teststadt", folder / "teststadt")
    return folder


@pytest.fixture
def teststadt(data: Path) -> tuple[Municipality, ReferenceSchemes]:
    read = read_sources(data)
    return read.municipality("teststadt"), read.reference


def measure(**changes: object) -> dict:
    values = {
        "id": "lernpaten",
        "label": "Lernpatenschaften",
        "lead": "ki",
        "partners": ["awo"],
        "action_fields": ["hf-sprache"],
        "status": "geplant",
        "sources": [{"office": "ki", "date": "2024-04-02"}],
    }
    values.update(changes)
    return values


def test_the_examples_run() -> None:
    result = doctest.testmod(checks)
    assert result.attempted and not result.failed


def test_an_imported_record_is_checked_and_its_references_resolved(teststadt) -> None:
    municipality, reference = teststadt
    report = check_records(
        [RawRecord(kinds.MEASURE, measure(), TABLE, 5)],
        municipality=municipality,
        reference=reference,
    )
    assert report.ok, report.problems
    (record,) = report.records
    assert record.values["lead"] == Ref("unit", "ki")
    assert record.values["partners"] == [Ref("actor", "awo")]
    assert (record.file, record.line) == (TABLE, 5)


def test_an_imported_records_problems_name_its_origin_and_row(teststadt) -> None:
    municipality, reference = teststadt
    report = check_records(
        [
            RawRecord(kinds.MEASURE, measure(lead="kii", status="bald"), TABLE, 5),
            RawRecord(
                kinds.MEASURE,
                measure(id="x", sources=[{"office": "awo", "date": "2024-04-02"}]),
                ORIGIN,
            ),
        ],
        municipality=municipality,
        reference=reference,
    )
    assert {(p.file, p.line) for p in report.problems} == {(TABLE, 5), (ORIGIN, None)}
    lead = next(p for p in report.problems if "'lead' names 'kii'" in p.message)
    assert (lead.file, lead.line, lead.record_id) == (TABLE, 5, "lernpaten")
    assert "did you mean 'ki'" in lead.hint
    assert any("'status'" in p.message and p.line == 5 for p in report.problems)
    office = next(p for p in report.problems if "office" in p.message)
    assert (office.file, office.line, office.record_id) == (ORIGIN, None, "x")
    assert str(office).startswith(f"{ORIGIN}: [x] ")
    with pytest.raises(SourceError) as raised:
        report.raise_for_problems()
    assert raised.value.exit_code == 1


def test_a_problem_reads_the_same_from_a_file_and_from_an_importer(data: Path, teststadt) -> None:
    municipality, reference = teststadt
    path = data / "teststadt" / "measures.yaml"
    path.write_text(
        path.read_text(encoding="utf-8").replace("    lead: ki\n", "    lead: kii\n"), "utf-8"
    )
    with pytest.raises(SourceError) as raised:
        read_sources(data)
    (from_file,) = raised.value.problems
    sprachcafe = measure(
        id="sprachcafe",
        label="Sprachcafé",
        lead="kii",
        partners=["mso-verein", "awo"],
        status="laufend",
    )
    report = check_records(
        [RawRecord(kinds.MEASURE, sprachcafe, ORIGIN)],
        municipality=municipality,
        reference=reference,
    )
    (imported,) = report.problems
    assert (imported.message, imported.hint, imported.record_id) == (
        from_file.message,
        from_file.hint,
        from_file.record_id,
    )
    assert (from_file.file, imported.file) == ("data/teststadt/measures.yaml", ORIGIN)


def test_an_import_run_again_replaces_its_records_and_an_id_of_another_kind_is_a_duplicate(
    teststadt,
) -> None:
    municipality, reference = teststadt
    again = measure(id="sprachcafe", label="Sprachcafé (neu)")
    report = check_records(
        [RawRecord(kinds.MEASURE, again, ORIGIN)], municipality=municipality, reference=reference
    )
    assert report.ok, report.problems
    clash = measure(id="awo")
    report = check_records(
        [RawRecord(kinds.MEASURE, clash, ORIGIN)], municipality=municipality, reference=reference
    )
    (problem,) = report.problems
    assert "duplicate id 'awo'" in problem.message
    assert "data/teststadt/actors.yaml:8" in problem.message
    # the municipality as read stays as it was
    assert [m.values["label"] for m in municipality.of_kind("measure")] == ["Sprachcafé"]


def test_records_of_one_import_may_name_each_other(teststadt) -> None:
    municipality, reference = teststadt
    goal = {
        "id": "ziel-lesen",
        "label": "Lesen fördern",
        "level": "Ziel",
        "sources": [{"office": "ki", "date": "2024-04-02"}],
    }
    report = check_records(
        [
            RawRecord(kinds.MEASURE, measure(goals=["ziel-lesen"]), TABLE, 3),
            RawRecord(kinds.GOAL, goal, TABLE, 4),
        ],
        municipality=municipality,
        reference=reference,
    )
    assert report.ok, report.problems
    assert report.records[0].values["goals"] == [Ref("goal", "ziel-lesen")]


def test_files_an_import_cites_are_checked_in_the_municipalitys_folder(
    data: Path, teststadt
) -> None:
    municipality, reference = teststadt
    cited = measure(sources=[{"oparl": ORIGIN, "file": "oparl/paper-7.json"}])
    raw = [RawRecord(kinds.MEASURE, cited, ORIGIN)]
    assert check_records(raw, municipality=municipality, reference=reference).ok
    report = check_records(
        raw, municipality=municipality, reference=reference, folder=data / "teststadt"
    )
    (problem,) = report.problems
    assert "paper-7.json" in problem.message and problem.file == ORIGIN


def test_the_reader_checks_each_municipality_through_the_same_checks(
    data: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    finished: list[str] = []
    original = checks.RecordChecks.finish

    def finish(self: checks.RecordChecks):
        finished.append(self.slug)
        return original(self)

    monkeypatch.setattr(checks.RecordChecks, "finish", finish)
    read_sources(data)
    assert finished == ["teststadt"]
