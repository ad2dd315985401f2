"""Issue 16, gaps and coverage: "no data" is not a gap, only gap types are gap columns, and
no network or project is counted as an actor "ohne Typ" — on the real cities, on every kind
of store (conftest.STORE_KINDS) for the named queries.

Leverkusen's Vorlage 2017/1900 and Offenburg's Drucksache 168/20 name no one per field;
Oberhausen's Aktionsplan names the KI in all six fields and MSOs in one."""

from __future__ import annotations

import re

import pytest

from graph.queries import NamedQuery, run_named_query
from graph.settings import PROJECT_ROOT
from graph.store import Store
from webapp import create_app

QUERIES_DIR = PROJECT_ROOT / "queries"
NO_DATA = "keine Angaben"


@pytest.fixture
def store(any_store: Store) -> Store:
    return any_store


def answer(store: Store, queries: dict[str, NamedQuery], name: str, **values: str) -> list:
    return run_named_query(
        store, queries[name], {k.replace("_", "-"): v for k, v in values.items()}
    ).dicts()


def text(value: object) -> str | None:
    return None if value is None else str(value)


@pytest.mark.parametrize("slug", ["leverkusen", "offenburg"])
def test_fields_nobody_is_named_for_say_keine_angaben_not_gap(store, queries, slug) -> None:
    coverage = answer(store, queries, "coverage", municipality=slug)
    assert coverage and {text(r["note"]) for r in coverage} == {NO_DATA}
    gaps = answer(store, queries, "gaps", municipality=slug)
    assert gaps and {text(r["finding"]) for r in gaps} == {NO_DATA}


def test_a_real_gap_is_still_a_gap(store, queries) -> None:
    gaps = answer(store, queries, "gaps", municipality="oberhausen")
    assert {text(r["finding"]) for r in gaps} == {"Lücke"}
    assert [text(r["label"]) for r in gaps] == [
        "Bildung und Qualifikation",
        "Wirtschaft, Ausbildung und Arbeit",
        "Gesundheit und Pflege",
        "Stadtentwicklung und Wohnen",
        "Beratung und Unterstützung",
    ]
    coverage = answer(store, queries, "coverage", municipality="oberhausen")
    assert {text(r["note"]) for r in coverage} == {None}


def test_a_funder_or_municipality_missing_is_no_gap(store, queries) -> None:
    for actor_type in ("foerdermittelgeber", "kommune", "Kommunalverwaltung"):
        rows = answer(store, queries, "gaps", municipality="oberhausen", actor_type=actor_type)
        assert "Lücke" not in {text(r["finding"]) for r in rows}, actor_type
    cities = answer(store, queries, "gaps", municipality="oberhausen", actor_type="Kommune")
    assert cities and {text(r["finding"]) for r in cities} == {"kein Lückentyp"}


def test_coverage_counts_typed_actors_only_never_ohne_typ(store, queries) -> None:
    for slug in ("oberhausen", "offenburg", "leverkusen"):
        coverage = answer(store, queries, "coverage", municipality=slug)
        assert "ohne Typ" not in {text(r["typeLabel"]) for r in coverage}, slug
        assert all(r["typeLabel"] is not None for r in coverage if int(r["actorCount"]))
    counted = " ".join(
        str(r["actorIris"] or "")
        for r in answer(store, queries, "coverage", municipality="oberhausen")
    )
    # networks and project groups lead measures, but they are not actors of the coverage
    for network in ("mso-kernteam", "mso-projekt", "pg-interkulturelle-grundschule"):
        assert f"/oberhausen/{network}" not in counted, network
    assert "/oberhausen/msos" in counted  # the MSOs they bring together are


def gap_type_list(path: str) -> list[str]:
    text = (QUERIES_DIR / path).read_text(encoding="utf-8")
    listed = text.split("IN (", 1)[1].split(")", 1)[0]
    return re.findall(r"actor-type/([a-z-]+)>", listed)


def test_the_gap_types_are_one_list() -> None:
    gap_types = gap_type_list("gaps.rq")
    assert "mso" in gap_types and "foerdermittelgeber" not in gap_types
    assert "kommune" not in gap_types
    assert gap_type_list("pages/coverage-actor-types.rq") == gap_types


@pytest.fixture(scope="module")
def client(store_path):
    return create_app({"STORE": str(store_path), "TESTING": True}).test_client()


def test_leverkusen_abdeckung_says_keine_angaben_not_fifty_gaps(client) -> None:
    data = client.get("/kommune/leverkusen/abdeckung.json").get_json()
    assert data["gaps"] == []
    assert data["note"] == NO_DATA
    assert {row["note"] for row in data["rows"]} == {NO_DATA}
    assert len(data["fields_without_data"]) == len(data["rows"]) == 10
    html = client.get("/kommune/leverkusen/abdeckung").get_data(as_text=True)
    assert 'data-gap="true"' not in html and "<strong>Keine Angaben:</strong>" in html
    assert "0 Lücken" in html and "10 von 10 Handlungsfeldern ohne Angaben" in html
    selected = client.get(
        "/kommune/leverkusen/abdeckung",
        query_string={"feld": "hf-a", "typ": data["columns"][0]["type"]},
    ).get_data(as_text=True)
    assert (
        "<strong>Keine Angaben:</strong>" in selected and "<strong>Lücke:</strong>" not in selected
    )


def test_oberhausen_abdeckung_gap_columns_and_no_ohne_typ(client) -> None:
    data = client.get("/kommune/oberhausen/abdeckung.json").get_json()
    columns = {c["type"]: c["gap_type"] for c in data["columns"]}
    assert "ohne Typ" not in columns
    # the administration is counted where it takes part, never a gap column; partner cities
    # are no local actors at all
    assert columns["Migrantenselbstorganisation"] is True
    assert columns["Kommunalverwaltung"] is False and "Kommune" not in columns
    assert {gap["type"] for gap in data["gaps"]} <= {t for t, gap in columns.items() if gap}
    assert len(data["gaps"]) == 15 and data["note"] is None
    html = client.get("/kommune/oberhausen/abdeckung").get_data(as_text=True)
    assert "keine Angaben" in html  # the sentence that tells a gap from no data
    assert 'id="luecke-oder-keine-angaben"' in html


RUHR_PARTNERS = ("bochum", "dortmund", "duisburg", "essen", "gelsenkirchen", "herne")


def test_only_local_actors_cover_a_field_not_the_ruhr_partner_cities(store, queries) -> None:
    coverage = answer(store, queries, "coverage", municipality="oberhausen")
    counted = " ".join(str(r["actorIris"] or "") for r in coverage)
    for city in (*RUHR_PARTNERS, "muelheim-an-der-ruhr"):
        assert f"/oberhausen/{city} " not in f"{counted} ", city
    assert "Kommune" not in {text(r["typeLabel"]) for r in coverage}
    work = {
        text(r["typeLabel"]): int(r["actorCount"])
        for r in coverage
        if text(r["label"]) == "Wirtschaft, Ausbildung und Arbeit"
    }
    assert work == {"Kommunalverwaltung": 2}  # the KI and the Fachverwaltung of the Aktionsplan
    gaps = answer(store, queries, "gaps", municipality="oberhausen")
    by_field = {text(r["label"]): int(r["otherActors"]) for r in gaps}
    assert by_field["Wirtschaft, Ausbildung und Arbeit"] == 2  # not 10 with the eight cities
