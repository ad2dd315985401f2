"""The source reader: a valid fixture city reads cleanly; every kind of bad input is answered
with a message that names file, line and id, and a non-zero exit code."""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path

import pytest

from graph.errors import SourceError
from graph.sources import Ref, read_sources
from tests.conftest import DATA_DIR, FIXTURES
from tests.editing import line_of, replace

TESTSTADT = FIXTURES / "sources" / "teststadt"


@pytest.fixture
def fixture_data(tmp_path: Path) -> Path:
    """data/reference plus the small fictional city 'teststadt', writable."""
    data = tmp_path / "data"
    shutil.copytree(DATA_DIR / "reference", data / "reference")
    shutil.copytree(TESTSTADT, data / "teststadt")
    return data


def test_fixture_city_reads_with_resolved_references(fixture_data: Path) -> None:
    data = read_sources(fixture_data)
    city = data.municipality("teststadt")
    measure = city.index["sprachcafe"]
    assert measure.values["lead"] == Ref("unit", "ki")
    assert measure.values["partners"] == [Ref("actor", "mso-verein"), Ref("actor", "awo")]
    assert measure.values["action_fields"] == [Ref("action-field", "hf-sprache")]
    field = city.index["hf-sprache"]
    assert field.values["matches"] == {"broad": [Ref("reference-field", "kita-sprache")]}
    member = city.index["ak-integration"].children("members")[1]
    assert member.values["when"] == "seit 2021"
    # quotes, ampersands and braces are plain text, kept as written
    assert city.index["mso-verein"].values["label"].endswith('"Brücke" e. V. & Freunde {{ Test }}')


def test_the_built_in_data_reads_without_problems() -> None:
    data = read_sources(DATA_DIR)
    assert {m.slug for m in data.municipalities} == {"leverkusen", "oberhausen", "offenburg"}


@dataclass(frozen=True)
class BadInput:
    """One broken file: the edit that breaks it and what the message must say."""

    name: str
    file: str
    old: str
    new: str
    message: str
    line_text: str | None  # the text on the line the message must name
    exit_code: int = 1


BAD_INPUTS = [
    BadInput(
        "yaml-syntax-error",
        "actors.yaml",
        "    type: wohlfahrtsverband",
        "    type: [wohlfahrtsverband",
        "YAML syntax error",
        None,
        exit_code=2,
    ),
    BadInput(
        "dangling-reference",
        "measures.yaml",
        "partners: [mso-verein, awo]",
        "partners: [mso-verein, caritas]",
        "'partners' names 'caritas', but no",
        "partners: [mso-verein, caritas]",
    ),
    BadInput(
        "reference-to-wrong-kind",
        "measures.yaml",
        "lead: ki",
        "lead: sprachcafe",
        "'lead' names 'sprachcafe', which is a measure",
        "lead: sprachcafe",
    ),
    BadInput(
        "duplicate-id",
        "actors.yaml",
        "  - id: awo",
        "  - id: mso-verein",
        "duplicate id 'mso-verein'",
        "  - id: mso-verein\n    label: Arbeiterwohlfahrt",
    ),
    BadInput(
        "invalid-date",
        "measures.yaml",
        "from: 2023-05-01",
        "from: 2023-13-45",
        "'from' is not a valid date: '2023-13-45'",
        "from: 2023-13-45",
    ),
    BadInput(
        "vague-date-in-date-field",
        "papers.yaml",
        "date: 2024-01-15",
        "date: Ende 2023",
        "'date' is not a valid date",
        "date: Ende 2023",
    ),
    BadInput(
        "missing-required-field",
        "actors.yaml",
        "    label: Arbeiterwohlfahrt Teststadt\n",
        "",
        "required key 'label' is missing",
        "  - id: awo",
    ),
    BadInput(
        "unknown-key",
        "actors.yaml",
        "    label: Arbeiterwohlfahrt Teststadt",
        "    label: Arbeiterwohlfahrt Teststadt\n    descripton: Ein Wohlfahrtsverband",
        "unknown key 'descripton'",
        "descripton:",
    ),
    BadInput(
        "measure-without-lead",
        "measures.yaml",
        "    lead: ki\n",
        "",
        "required key 'lead' is missing",
        "  - id: sprachcafe",
    ),
    BadInput(
        "measure-with-two-leads",
        "measures.yaml",
        "lead: ki",
        "lead: [ki, awo]",
        "'lead' must be exactly one id",
        "lead: [ki, awo]",
    ),
    BadInput(
        "measure-without-action-field",
        "measures.yaml",
        "action_fields: [hf-sprache]",
        "action_fields: []",
        "'action_fields' must name at least one id",
        "action_fields: []",
    ),
    BadInput(
        "control-character-in-name",
        "actors.yaml",
        "label: Arbeiterwohlfahrt Teststadt",
        'label: "Arbeiterwohlfahrt\\u0007 Teststadt"',
        "contains the control character U+0007",
        'label: "Arbeiterwohlfahrt',
    ),
    BadInput(
        "bidi-override-in-name",
        "actors.yaml",
        "label: Arbeiterwohlfahrt Teststadt",
        'label: "Arbeiterwohlfahrt \\u202eTeststadt"',
        "control character U+202E",
        'label: "Arbeiterwohlfahrt',
    ),
    BadInput(
        "markup-in-name",
        "actors.yaml",
        "label: Arbeiterwohlfahrt Teststadt",
        "label: <script>alert(1)</script> Teststadt",
        "'label' contains markup",
        "label: <script>",
    ),
    BadInput(
        "undeclared-source-document",
        "actors.yaml",
        "        passage: AWO",
        "        passage: AWO\n      - doc: zeitungsartikel\n        passage: AWO",
        "source names document 'zeitungsartikel', which is not declared",
        "  - id: awo",
    ),
    BadInput(
        "unknown-actor-type",
        "actors.yaml",
        "type: wohlfahrtsverband",
        "type: wohlfahrtverband",
        "did you mean 'wohlfahrtsverband'",
        "type: wohlfahrtverband",
    ),
    BadInput(
        "form-of-the-wrong-kind",
        "bodies.yaml",
        "form: integrationsrat",
        "form: arbeitskreis",
        "form 'arbeitskreis' does not fit a political body",
        "  - id: integrationsrat",
    ),
    BadInput(
        "period-ends-before-it-starts",
        "networks.yaml",
        "from: 2020-01-01",
        "from: 2020-01-01\n        until: 2019-12-31",
        "'until' (2019-12-31) is before 'from' (2020-01-01)",
        "      - member: ki",
    ),
    BadInput(
        "match-to-unknown-reference-field",
        "concepts.yaml",
        "matches: {close: [arbeitsmarkt]}",
        "matches: {close: [arbeit]}",
        "no reference action field has that id",
        "matches: {close: [arbeit]}",
    ),
    BadInput(
        "duplicate-key-in-record",
        "actors.yaml",
        "    type: wohlfahrtsverband",
        "    type: wohlfahrtsverband\n    type: sonstige",
        "key 'type' appears twice",
        "    type: sonstige",
        exit_code=2,
    ),
    BadInput(
        "consultation-without-date",
        "papers.yaml",
        "        date: 2024-02-01\n",
        "        when: Anfang Februar\n",
        "required key 'date' is missing",
        "      - body: integrationsrat",
    ),
    BadInput(
        "ags-without-quotes",
        "municipality.yaml",
        'ags: "09999999"',
        "ags: 12345678",
        "8-digit Amtlicher Gemeindeschlüssel in quotes",
        "ags: 12345678",
    ),
    BadInput(
        "id-does-not-match-folder",
        "municipality.yaml",
        "id: teststadt",
        "id: teststadt-nord",
        "does not match the folder name 'teststadt'",
        "id: teststadt-nord",
    ),
]


@pytest.mark.parametrize("case", BAD_INPUTS, ids=[case.name for case in BAD_INPUTS])
def test_bad_input_names_file_line_and_fix(fixture_data: Path, case: BadInput) -> None:
    path = fixture_data / "teststadt" / case.file
    replace(path, case.old, case.new)
    with pytest.raises(SourceError) as raised:
        read_sources(fixture_data)
    error = raised.value
    assert error.exit_code == case.exit_code
    matching = [p for p in error.problems if case.message in str(p)]
    assert matching, f"no problem says {case.message!r}: {error}"
    problem = matching[0]
    assert problem.file == f"data/teststadt/{case.file}"
    if case.line_text is not None:
        first_line = case.line_text.split("\n")[0]
        expected = line_of(path, first_line)
        if "\n" in case.line_text:  # the second occurrence: a duplicate
            lines = path.read_text(encoding="utf-8").splitlines()
            second = case.line_text.split("\n")[1]
            expected = next(
                n for n in range(1, len(lines)) if lines[n - 1] == first_line and second in lines[n]
            )
        assert problem.line == expected, str(problem)
    assert problem.hint, f"no advice on what to do: {problem}"


def test_every_problem_is_reported_at_once(fixture_data: Path) -> None:
    replace(fixture_data / "teststadt" / "measures.yaml", "from: 2023-05-01", "from: 2023-02-30")
    replace(fixture_data / "teststadt" / "actors.yaml", "type: mso", "typ: mso")
    with pytest.raises(SourceError) as raised:
        read_sources(fixture_data)
    messages = [str(problem) for problem in raised.value.problems]
    assert any("not a valid date" in m for m in messages)
    assert any("unknown key 'typ'" in m for m in messages)
    assert any("required key 'type' is missing" in m for m in messages)


def test_municipality_folder_without_metadata(fixture_data: Path) -> None:
    (fixture_data / "neustadt").mkdir()
    shutil.copy(TESTSTADT / "actors.yaml", fixture_data / "neustadt" / "actors.yaml")
    with pytest.raises(SourceError) as raised:
        read_sources(fixture_data)
    (problem,) = raised.value.problems
    assert problem.file == "data/neustadt"
    assert "no municipality.yaml" in problem.message


def test_empty_data_folder(tmp_path: Path) -> None:
    data = tmp_path / "data"
    shutil.copytree(DATA_DIR / "reference", data / "reference")
    with pytest.raises(SourceError) as raised:
        read_sources(data)
    assert "no municipality folders found" in str(raised.value)


def test_missing_data_folder_is_a_load_error(tmp_path: Path) -> None:
    with pytest.raises(SourceError) as raised:
        read_sources(tmp_path / "nowhere")
    assert raised.value.exit_code == 2
    assert "does not exist" in str(raised.value)


def test_unknown_file_is_named_with_a_suggestion(fixture_data: Path) -> None:
    shutil.copy(TESTSTADT / "actors.yaml", fixture_data / "teststadt" / "actor.yaml")
    with pytest.raises(SourceError) as raised:
        read_sources(fixture_data)
    (problem,) = raised.value.problems
    assert problem.file == "data/teststadt/actor.yaml"
    assert "did you mean actors.yaml" in problem.hint


def test_file_that_is_not_utf8(fixture_data: Path) -> None:
    path = fixture_data / "teststadt" / "actors.yaml"
    path.write_bytes(
        path.read_text(encoding="utf-8").replace("Brücke", "Br\xfccke").encode("latin-1")
    )
    with pytest.raises(SourceError) as raised:
        read_sources(fixture_data)
    assert "is not UTF-8" in str(raised.value)


def test_source_document_file_must_exist_when_seeds_are_present(
    fixture_data: Path, tmp_path: Path
) -> None:
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    with pytest.raises(SourceError) as raised:
        read_sources(fixture_data, seeds)
    assert "source document file 'vorlage-1.txt' not found" in str(raised.value)
    (seeds / "vorlage-1.txt").write_text("Vorlage", encoding="utf-8")
    assert read_sources(fixture_data, seeds).municipality("teststadt")
