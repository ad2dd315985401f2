"""OParl objects → record values (graph/importing/oparl/records.py): the words real council
information systems use, mapped onto the model; ids and cached file names that stay stable."""

from __future__ import annotations

import doctest

import pytest

from graph.importing.oparl import records
from graph.namespaces import ID_PATTERN
from graph.sources import read_sources, schema
from graph.sources.fields import URL_PATTERN
from tests.conftest import DATA_DIR

#: paperType values seen in ALLRIS, SessionNet, SD.NET and Somacos systems
REAL_PAPER_TYPES = {
    "Beschlussvorlage": "Beschlussvorlage",
    "Vorlage zur Beschlussfassung": "Beschlussvorlage",
    "Mitteilungsvorlage": "Mitteilungsvorlage",
    "Mitteilung der Verwaltung": "Mitteilungsvorlage",
    "Informationsvorlage": "Informationsvorlage",
    "Antrag": "Antrag",
    "Änderungsantrag": "Antrag",
    "Antrag der Fraktion": "Antrag",
    "Anfrage": "Anfrage",
    "Kleine Anfrage": "Anfrage",
    "Beantwortung einer Anfrage": "Beantwortung einer Anfrage",
    "Antwort auf Anfrage": "Beantwortung einer Anfrage",
    "Stellungnahme der Verwaltung": "Stellungnahme",
    "Berichtsvorlage": "Bericht",
    "Drucksache": "Drucksache",
    "Verwaltungsvorlage": "Vorlage",
}


@pytest.mark.parametrize(("given", "expected"), REAL_PAPER_TYPES.items())
def test_real_paper_types_map_onto_the_models_types(given: str, expected: str) -> None:
    assert records.paper_type(given) == (expected, True)
    assert expected in schema.PAPER_TYPES


@pytest.mark.parametrize("given", [None, "", "Niederschrift", 17])
def test_an_unknown_paper_type_is_the_documented_default_and_said_so(given) -> None:
    assert records.paper_type(given) == (records.DEFAULT_PAPER_TYPE, False)


@pytest.mark.parametrize(
    ("organization", "form"),
    [
        ({"name": "Rat der Stadt", "classification": "Rat"}, "rat"),
        ({"name": "Gemeinderat"}, "rat"),
        ({"name": "Integrationsrat", "classification": "Beirat"}, "integrationsrat"),
        ({"name": "Migrationsbeirat"}, "integrationsbeirat"),
        ({"name": "Ausschuss für Integration und Migration"}, "ausschuss"),
        ({"name": "Ratsausschuss Finanzen"}, "ausschuss"),
        ({"name": "Bezirksvertretung Mitte"}, "bezirksvertretung"),
        ({"name": "Ortschaftsrat Nord"}, "bezirksvertretung"),
    ],
)
def test_committee_forms_come_from_the_systems_words(organization: dict, form: str) -> None:
    assert records.body_form(organization) == (form, True)


def test_every_form_the_import_gives_is_a_form_of_its_kind() -> None:
    forms = {
        form.id: form.values["kind"]
        for form in read_sources(DATA_DIR, only=set()).reference.organisation_forms
    }
    for _, form in records._BODY_FORM_WORDS:
        assert form is None or forms[form] == "gremium", form
    for _, form in records._UNIT_FORM_WORDS:
        assert forms[form] == "verwaltung", form
    assert forms[records.DEFAULT_BODY_FORM] == "gremium"
    assert forms[records.DEFAULT_UNIT_FORM] == "verwaltung"


def test_an_advisory_council_of_another_kind_is_no_council() -> None:
    assert records.body_form({"name": "Seniorenbeirat", "classification": "Beirat"}) == (
        records.DEFAULT_BODY_FORM,
        False,
    )


@pytest.mark.parametrize(
    "oparl_id",
    [
        "https://ris.example.de/oparl/paper/749",
        "https://ris.example.de/oparl/paper/749?body=1",
        "https://ris.example.de/../../etc/passwd",
        "https://ris.example.de/",
        "https://ris.example.de/oparl/" + "x" * 500,
        "https://ris.example.de/oparl/Vorlage%20Ä%2F1",
    ],
)
def test_cached_file_names_are_safe_and_stable(oparl_id: str) -> None:
    name = records.cached_file(oparl_id)
    assert name == records.cached_file(oparl_id)
    folder, _, file = name.partition("/")
    assert folder == "oparl" and "/" not in file and ".." not in file
    assert file.endswith(".json") and len(file) < 60
    assert all(char.isalnum() or char in "-." for char in file)


def test_two_ids_never_share_a_cached_file() -> None:
    first = records.cached_file("https://ris.example.de/oparl/paper/749")
    second = records.cached_file("https://ris.example.de/oparl/paper/749?body=1")
    assert first != second


def test_paper_ids_are_the_curated_ones() -> None:
    # data/leverkusen/papers.yaml and data/offenburg/papers.yaml write them so
    assert records.paper_id("2017/1900") == "paper-2017-1900"
    assert records.paper_id("168/20") == "paper-168-20"
    assert ID_PATTERN.match(records.paper_id("A" * 200 + "/1"))


def test_meeting_days_are_the_days_the_system_wrote() -> None:
    assert str(records.day("2024-03-05T23:30:00-01:00")) == "2024-03-05"
    assert records.day("2024-02-30") is None
    assert records.day(None) is None


def test_files_are_links_never_contents() -> None:
    paper = {
        "mainFile": {
            "name": "Vorlage",
            "accessUrl": "https://ris.example.de/f/1.pdf",
            "text": "Volltext",
        },
        "auxiliaryFile": ["https://ris.example.de/oparl/file/2", {"name": "ohne Adresse"}],
    }
    objects = {
        "https://ris.example.de/oparl/file/2": {
            "fileName": "anlage.pdf",
            "downloadUrl": "https://ris.example.de/f/2.pdf",
        }
    }
    assert records.file_links(paper, objects) == [
        {"name": "Vorlage", "url": "https://ris.example.de/f/1.pdf"},
        {"name": "anlage.pdf", "url": "https://ris.example.de/f/2.pdf"},
    ]


def test_file_addresses_with_spaces_are_kept_encoded_and_broken_ones_left_out() -> None:
    # real systems name files as they were uploaded; a broken address must not fail the import
    paper = {
        "mainFile": {
            "name": "Anlage 1",
            "accessUrl": "https://ris.example.de/f/Anlage 1 (neu).pdf",
        },
        "auxiliaryFile": [
            {"name": "Skript", "accessUrl": "javascript:alert(1)"},
            {"name": "Kaputt", "accessUrl": "http://[::1"},
        ],
    }
    links = records.file_links(paper, {})
    assert links == [{"name": "Anlage 1", "url": "https://ris.example.de/f/Anlage%201%20(neu).pdf"}]
    assert URL_PATTERN.match(links[0]["url"])


def test_the_ags_comes_from_the_rgs_where_the_body_gives_none() -> None:
    assert records.ags_of({"rgs": "053150000000"}) == "05315000"
    assert records.state_of({"rgs": "053150000000"}) == "Nordrhein-Westfalen"
    assert records.ags_of({"ags": "5315000"}) is None


def test_the_modules_examples_run() -> None:
    result = doctest.testmod(records)
    assert result.attempted and not result.failed
