"""Issue 16, steering structures and comparison: answers that were wrong on the real cities.

Empty answers say why (concept-changes), the Vergleich page says what `compare` says, and
every steering structure is a body (Leverkusen's Fachgruppe Integration).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from graph.cli import main
from graph.queries import run_named_query
from graph.results import plain
from graph.store import Store
from webapp import create_app

NO_FIELDS = "die vorige Fassung nennt keine Handlungsfelder"


@pytest.fixture
def store(any_store: Store) -> Store:
    return any_store


@pytest.fixture(scope="module")
def client(store_path: Path):
    return create_app({"STORE": str(store_path), "TESTING": True}).test_client()


def answer(store: Store, queries, name: str, **values: str) -> list[dict[str, str]]:
    result = run_named_query(store, queries[name], values)
    return [{v: plain(row[i]) for i, v in enumerate(result.variables)} for row in result.rows]


# -- empty answers say why -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("municipality", "previous"),
    [
        ("oberhausen", "Kommunales Integrationskonzept Oberhausen"),
        ("leverkusen", "Integrationskonzept (Fassung vor der Fortschreibung 2016/2017)"),
    ],
)
def test_concept_changes_say_that_the_older_edition_lists_no_fields(
    store: Store, queries, municipality: str, previous: str
) -> None:
    found = answer(store, queries, "concept-changes", municipality=municipality)
    assert [(r["change"], r["previousLabel"], r["reason"]) for r in found] == [
        ("nicht vergleichbar", previous, NO_FIELDS)
    ]


def test_the_cli_table_says_why_there_is_no_change(runner) -> None:
    result = runner.invoke(main, ["query", "concept-changes", "--param", "municipality=oberhausen"])
    assert result.exit_code == 0, result.output
    assert NO_FIELDS in result.output
    assert "(1 Zeile)" in result.output


def test_the_query_page_says_why_there_is_no_change(client) -> None:
    page = client.get("/abfragen/concept-changes?municipality=leverkusen")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert NO_FIELDS in text and "Keine Ergebnisse." not in text


# -- the page says what the command says ---------------------------------------------------


def test_the_comparison_page_shows_the_counts_of_compare(embedded_store, queries, client) -> None:
    expected = {
        (str(row["reference"]), str(row["municipality"]).rsplit("/", 1)[-1]): (
            int(str(row["measureCount"])),
            int(str(row["actorCount"])),
        )
        for row in run_named_query(embedded_store, queries["compare"], {}).dicts()
    }
    assert any(measures > 0 and actors > 0 for measures, actors in expected.values())
    data = client.get("/vergleich.json").get_json()
    shown = {
        (ref["iri"], city): (
            figures["measures"],
            figures["actors"],
        )
        for ref in data["reference_fields"]
        for city, figures in ref["figures"].items()
    }
    assert shown == expected
    page = client.get("/vergleich").get_data(as_text=True)
    measures, actors = expected[("https://w3id.org/ikg/ref/action-field/bildung", "oberhausen")]
    assert f'data-measures="{measures}" data-actors="{actors}"' in page


def test_the_comparison_says_keine_angaben_where_nothing_is_recorded(client) -> None:
    """Leverkusen records no measures and no networks per field: its cells say so instead
    of a count of 0 that reads like a finding."""
    page = client.get("/vergleich").get_data(as_text=True)
    assert 'data-measures="0" data-actors="0">keine Angaben</span>' in page
    assert 'data-measures="0" data-actors="0">0 Maßnahmen' not in page
    assert "2 Maßnahmen · 2 Akteure" in page  # Oberhausen, Arbeitsmarkt und Lebensunterhalt


# -- every steering body is a body ---------------------------------------------------------

STEERING_FORMS = (
    "lenkungskreis",
    "steuerungsgruppe",
    "koordinierungsgruppe",
    "controllinggruppe",
    "fachgruppe",
    "verwaltungsarbeitskreis",
)


def test_every_steering_form_is_one_kind(store: Store) -> None:
    result = store.query(
        "PREFIX ikg: <https://w3id.org/ikg/ontology#> "
        "SELECT ?form ?kind WHERE { ?form ikg:formKind ?kind }"
    )
    kinds = {str(row[0]).rsplit("/", 1)[-1]: str(row[1]) for row in result.rows}
    assert {form: kinds.get(form) for form in STEERING_FORMS} == dict.fromkeys(
        STEERING_FORMS, "steuerung"
    )
    # an Arbeitskreis is a steering structure only where the sources place it in the
    # administration: the plain form stays a network
    assert kinds["arbeitskreis"] == "netzwerk"


def test_bodies_of_leverkusen_include_the_fachgruppe(store: Store, queries) -> None:
    found = {
        row["label"]: row for row in answer(store, queries, "bodies", municipality="leverkusen")
    }
    assert (
        found["Fachgruppe Integration"]["kindLabel"],
        found["Fachgruppe Integration"]["formLabel"],
    ) == (
        "Steuerungsstruktur",
        "Fachgruppe",
    )
    steering = [label for label, row in found.items() if row["kind"] == "steuerung"]
    assert steering == [
        "Steuerungsgruppe Integration",
        "Koordinierungsgruppe Integration",
        "Controllinggruppe Integrationskonzept",
        "Fachgruppe Integration",
    ]


def test_the_comparison_shows_steering_structures_with_members_parent_and_role(client) -> None:
    data = client.get("/vergleich.json").get_json()
    steering = {
        city: {item["label"]: item for item in groups["Steuerungsstrukturen"]}
        for city, groups in data["structures"].items()
    }
    fachgruppe = steering["leverkusen"]["Fachgruppe Integration"]
    assert fachgruppe["form"] == "Fachgruppe"
    assert fachgruppe["role"].startswith("Teil der Steuerungs- und Kommunikationsstruktur")
    assert {(m["label"], m["role"]) for m in fachgruppe["members"]} == {
        ("Stadt Leverkusen", "Mitglied (weitere Akteure aus der Verwaltung)"),
        ("Wohlfahrtsverbände", "Mitglied"),
        ("Integrationsrat", "Mitglied"),
        ("Weitere Institutionen", "Mitglied"),
    }
    assert fachgruppe["parent"] is None
    bildung = steering["oberhausen"]["Steuerungsgruppe der Regionalen Bildungslandschaft"]
    assert bildung["parent"]["label"] == "Regionale Bildungslandschaft"
    assert [(m["label"], m["role"]) for m in bildung["members"]] == [
        ("Bereich 2-6/Kommunales Integrationszentrum (KI)", "aktive Mitwirkung")
    ]
    assert {"Lenkungskreis Integration Oberhausen"} <= set(steering["oberhausen"])
    assert "Steuerungsgruppe" in {i["form"] for i in steering["offenburg"].values()}
    page = client.get("/vergleich").get_data(as_text=True)
    assert "Fachgruppe Integration" in page and "Rolle laut Quelle:" in page
    assert "Mitglied (weitere Akteure aus der Verwaltung)" in page
