"""The named queries on the built-in data; expected answers come from the source documents.

000–002: Oberhausen (Vorhabenliste 2019, Integrationsrat 1. 7. 2025, Webseite des KI),
003: Offenburg (Drucksache 168/20), 004: Leverkusen (Vorlage 2017/1900).
"""

from __future__ import annotations

import csv
import io
import json
import re

import pytest

from graph.cli import main
from graph.queries import NamedQuery, run_named_query
from graph.result_formats import render
from graph.results import plain
from graph.store import QueryResult, Store

QUERY_NAMES = {
    "action-fields",
    "responsibilities",
    "coverage",
    "gaps",
    "members",
    "memberships",
    "actor",
    "consultations",
    "compare",
    "concept-changes",
    "bodies",
}


@pytest.fixture
def store(any_store: Store) -> Store:
    """Every test here runs on each kind of store (conftest.STORE_KINDS): the embedded one
    and a real SPARQL server must give the same answers."""
    return any_store


def run(store: Store, queries: dict[str, NamedQuery], name: str, **values: str) -> QueryResult:
    return run_named_query(
        store, queries[name], {k.replace("_", "-"): v for k, v in values.items()}
    )


def column(result: QueryResult, variable: str) -> list[str]:
    position = result.variables.index(variable)
    return [plain(row[position]) for row in result.rows]


def rows(result: QueryResult, *variables: str) -> list[tuple[str, ...]]:
    positions = [result.variables.index(v) for v in variables]
    return [tuple(plain(row[p]) for p in positions) for row in result.rows]


def example_values(query: NamedQuery) -> dict[str, str]:
    return {p.name: p.example for p in query.parameters if p.example is not None}


# -- the files themselves -----------------------------------------------------------------


def test_every_named_query_of_the_interface_exists(queries: dict[str, NamedQuery]) -> None:
    assert set(queries) == QUERY_NAMES


@pytest.mark.parametrize("name", sorted(QUERY_NAMES))
def test_header_is_complete(queries: dict[str, NamedQuery], name: str) -> None:
    query = queries[name]
    assert query.title_de and query.title_en
    assert len(query.description) > 80
    for parameter in query.parameters:
        assert parameter.example, f"{name}: parameter {parameter.name} has no example"
        assert parameter.description, f"{name}: parameter {parameter.name} has no description"
    assert re.search(r"^ORDER BY ", query.text, re.MULTILINE), f"{name} has no ORDER BY"


@pytest.mark.parametrize("name", sorted(QUERY_NAMES))
def test_every_column_has_a_german_heading_or_is_hidden(
    store: Store, queries: dict[str, NamedQuery], name: str
) -> None:
    query = queries[name]
    result = run_named_query(store, query, example_values(query))
    assert result.variables
    for variable in result.variables:
        assert variable in query.columns, f"{name}: column {variable} has no heading"
    for parameter in query.parameters:
        assert query.columns.get(parameter.variable) == "-", (
            f"{name}: the bound parameter {parameter.variable} must be projected and hidden"
        )


@pytest.mark.parametrize("name", sorted(QUERY_NAMES))
def test_example_answers_something(store: Store, queries: dict[str, NamedQuery], name: str) -> None:
    query = queries[name]
    assert run_named_query(store, query, example_values(query)).rows


# -- action-fields -------------------------------------------------------------------------

OFFENBURG_NEW_FIELDS = {
    "Ausbildung, Beschäftigung und Arbeit/Betriebe",
    "Pflege und Altern",
    "Interreligiöser Dialog - Miteinander der Religionen",
    "Zusammenarbeit der Migrantenorganisationen und der Stadt Offenburg",
    "Interkulturelle Öffnung der Verwaltung",
}


def test_offenburg_has_eleven_fields_five_of_them_new(store, queries) -> None:
    result = run(store, queries, "action-fields", municipality="offenburg")
    labels = column(result, "label")
    assert len(labels) == 11
    assert "Sprache" in labels and "Freizeit und Sport" in labels
    new = {label for label, is_new in rows(result, "label", "new") if is_new == "ja"}
    assert new == OFFENBURG_NEW_FIELDS


def test_leverkusen_has_eight_lettered_and_two_cross_cutting_fields(store, queries) -> None:
    result = run(store, queries, "action-fields", municipality="leverkusen")
    assert len(result.rows) == 10
    lettered = [
        (n, label) for n, label, _ in rows(result, "notation", "label", "crossCutting") if n
    ]
    assert [n for n, _ in lettered] == list("ABCDEFGH")
    assert ("A", "Sprache/Sprachförderung") in lettered
    assert ("H", "Altern in der Migrationsgesellschaft/Senioren") in lettered
    cross = {label for label, c in rows(result, "label", "crossCutting") if c == "ja"}
    assert cross == {
        "Gesamtstädtische Steuerung und Kommunikation",
        "Interkulturelle Öffnung der Verwaltung",
    }


def test_oberhausen_has_the_six_fields_of_2025(store, queries) -> None:
    result = run(store, queries, "action-fields", municipality="oberhausen")
    assert column(result, "label") == [
        "Gesellschaftliche Teilhabe",
        "Bildung und Qualifikation",
        "Wirtschaft, Ausbildung und Arbeit",
        "Gesundheit und Pflege",
        "Stadtentwicklung und Wohnen",
        "Beratung und Unterstützung",
    ]
    gesundheit = dict(rows(result, "label", "references"))["Gesundheit und Pflege"]
    assert "Gesundheit" in gesundheit and "Pflege und Alter" in gesundheit


# -- responsibilities ----------------------------------------------------------------------


def test_leverkusen_paper_and_concept_are_led_by_dezernat_iii(store, queries) -> None:
    result = run(store, queries, "responsibilities", municipality="leverkusen")
    found = set(rows(result, "kind", "thingLabel", "agentLabel", "role"))
    assert (
        "Vorlage",
        "Integrationskonzept Stadt Leverkusen",
        "Dezernat für Bürger, Umwelt und Soziales",
        "Federführung",
    ) in found
    edition_leads = {
        agent
        for kind, thing, agent, role in found
        if kind == "Konzeptfassung" and role == "Federführung"
    }
    # „Unter Federführung des Dezernats III mit dem Kommunalen Integrationszentrum“
    assert edition_leads == {
        "Dezernat für Bürger, Umwelt und Soziales",
        "Kommunales Integrationszentrum",
    }


def test_oberhausen_ki_steers_the_2025_concept(store, queries) -> None:
    result = run(store, queries, "responsibilities", municipality="oberhausen")
    found = set(rows(result, "thingLabel", "agentLabel", "role"))
    # „Das Kommunale Integrationszentrum ist insgesamt für die Umsetzung und Steuerung zuständig.“
    assert (
        "Handlungskonzept Integration in Oberhausen",
        "Bereich 2-6/Kommunales Integrationszentrum (KI)",
        "Umsetzung und Steuerung",
    ) in found
    assert (
        "Kommunales Integrationskonzept Oberhausen",
        "Integrationsrat",
        "Politische Begleitung",
    ) in found
    kinds = column(result, "kind")
    assert kinds == sorted(
        kinds, key=["Konzeptfassung", "Ziel", "Indikator", "Maßnahme", "Vorlage"].index
    )


def test_offenburg_paper_is_led_by_fachbereich_9(store, queries) -> None:
    result = run(store, queries, "responsibilities", municipality="offenburg")
    assert ("Vorlage", "Fachbereich 9, Familien, Schulen und Soziales", "Federführung") in set(
        rows(result, "kind", "agentLabel", "role")
    )


def test_responsibilities_for_one_field(store, queries) -> None:
    everything = run(store, queries, "responsibilities", municipality="oberhausen")
    result = run(
        store,
        queries,
        "responsibilities",
        municipality="oberhausen",
        field="Bildung und Qualifikation",
    )
    things = set(column(result, "thingLabel"))
    assert "Aktionsplan zum Handlungskonzept Integration" in things
    assert "Standards für die „Interkulturelle Grundschule“" in things  # via reference Bildung
    assert "Beratung von Mädchen und Frauen" not in things
    assert "Kommunales Integrationskonzept Oberhausen" not in things
    assert 0 < len(result.rows) < len(everything.rows)


# -- coverage and gaps ---------------------------------------------------------------------


def test_coverage_counts_local_actors_not_the_partner_cities_and_the_msos_for_participation(
    store, queries
) -> None:
    result = run(store, queries, "coverage", municipality="oberhausen")
    by_key = {
        (f, t): (n, actors)
        for f, t, n, actors in rows(result, "label", "typeLabel", "actorCount", "actors")
    }
    # Integration.Interkommunal (eight Ruhr cities) works on recruiting trainees → Arbeitsmarkt,
    # to which „Wirtschaft, Ausbildung und Arbeit“ is mapped; the partner cities are members of
    # the cooperation, not local actors of the field (issue 16).
    assert ("Wirtschaft, Ausbildung und Arbeit", "Kommune") not in by_key
    count, actors = by_key[("Gesellschaftliche Teilhabe", "Migrantenselbstorganisation")]
    assert count == "1" and actors == "Oberhausener Migrantenselbstorganisationen"
    assert {f for f, _ in by_key} == set(
        column(run(store, queries, "action-fields", municipality="oberhausen"), "label")
    )


def test_coverage_lists_fields_without_participants_with_zero(store, queries) -> None:
    result = run(store, queries, "coverage", municipality="offenburg")
    assert len(result.rows) == 11
    assert set(column(result, "actorCount")) == {"0"}


def test_gaps_for_msos_in_oberhausen(store, queries) -> None:
    result = run(store, queries, "gaps", municipality="oberhausen")
    labels = column(result, "label")
    assert "Gesellschaftliche Teilhabe" not in labels
    assert labels == [
        "Bildung und Qualifikation",
        "Wirtschaft, Ausbildung und Arbeit",
        "Gesundheit und Pflege",
        "Stadtentwicklung und Wohnen",
        "Beratung und Unterstützung",
    ]
    assert set(column(result, "typeLabel")) == {"Migrantenselbstorganisation"}


def test_gaps_in_leverkusen_say_keine_angaben_in_every_field(store, queries) -> None:
    # Vorlage 2017/1900 names no one per field: no data, not a gap (issue 16).
    result = run(store, queries, "gaps", municipality="leverkusen")
    assert len(result.rows) == 10
    assert set(column(result, "finding")) == {"keine Angaben"}


def test_gaps_for_another_actor_type(store, queries) -> None:
    by_name = run(store, queries, "gaps", municipality="oberhausen", actor_type="Kommune")
    by_id = run(store, queries, "gaps", municipality="oberhausen", actor_type="kommune")
    assert by_name.rows == by_id.rows
    # a municipality is no local actor and no gap type (issue 16)
    assert set(column(by_id, "finding")) == {"kein Lückentyp"}
    administration = run(
        store, queries, "gaps", municipality="oberhausen", actor_type="kommunalverwaltung"
    )
    assert administration.rows == []  # the KI leads the Aktionsplan in all six fields


# -- members and memberships ---------------------------------------------------------------

RUHR_CITIES = {
    "Bochum",
    "Dortmund",
    "Duisburg",
    "Essen",
    "Gelsenkirchen",
    "Herne",
    "Stadt Oberhausen",
    "Mülheim an der Ruhr",
}


def test_the_eight_cities_of_integration_interkommunal(store, queries) -> None:
    result = run(store, queries, "members", network="Integration.Interkommunal")
    cities = {m for m, t in rows(result, "memberLabel", "typeLabel") if t == "Kommune"}
    assert cities == RUHR_CITIES
    assert "Bereich 2-6/Kommunales Integrationszentrum (KI)" in column(result, "memberLabel")


def test_cities_joined_vielfalt_verbindet_on_9_july_2013(store, queries) -> None:
    result = run(store, queries, "members", network="vielfalt-verbindet")
    joined = {m for m, start in rows(result, "memberLabel", "start") if start == "09.07.2013"}
    assert joined == RUHR_CITIES
    assert ("Ministerium für Arbeit, Integration und Soziales", "Träger") in set(
        rows(result, "memberLabel", "role")
    )


def test_offenburg_steering_group_has_sixteen_members(store, queries) -> None:
    result = run(store, queries, "members", network="Steuerungsgruppe", municipality="offenburg")
    members = column(result, "memberLabel")
    assert len(members) == 16
    assert {"Jobcenter", "Hochschule Offenburg", "Migrantenorganisationen"} <= set(members)


def test_members_of_a_committee_named_in_two_cities(store, queries) -> None:
    result = run(store, queries, "members", network="Controllinggruppe Integrationskonzept")
    assert set(column(result, "memberLabel")) == {
        "Stadt Leverkusen",
        "Wohlfahrtsverbände",
        "Integrationsrat",
        "Weitere Institutionen",
    }


def test_networks_the_ki_oberhausen_works_in(store, queries) -> None:
    result = run(store, queries, "memberships", actor="Kommunales Integrationszentrum Oberhausen")
    # Webseite: „wirkt das KI auf lokaler Ebene aktiv mit in …“ and the regional examples;
    # Integrationsrat 2025: „In den Sozialkonferenzen der Verwaltung … auch ein Partner“.
    assert set(column(result, "networkLabel")) == {
        "Steuerungsgruppe der Regionalen Bildungslandschaft",
        "AG Chancengleichheit",
        "Fach-AK Integration",
        "AK Flüchtlinge",
        "Kein Kind zurücklassen",
        "Lesen erLeben",
        "Kinderakademie",
        "Städtekooperation Integration.Interkommunal",
        "Verbund der Kommunalen Integrationszentren / NRW",
        "Sozialkonferenzen der Verwaltung",
    }
    assert ("AG Chancengleichheit", "aktive Mitwirkung") in set(
        rows(result, "networkLabel", "role")
    )


def test_memberships_of_a_city(store, queries) -> None:
    result = run(store, queries, "memberships", actor="bochum")
    assert set(column(result, "networkLabel")) == {
        "Städtekooperation Integration.Interkommunal",
        "Landesinitiative „Vielfalt verbindet“",
    }


# -- actor ---------------------------------------------------------------------------------


def test_profile_of_the_ki_oberhausen(store, queries) -> None:
    result = run(store, queries, "actor", actor="Kommunales Integrationszentrum Oberhausen")
    facts = set(rows(result, "aspect", "value"))
    assert ("Akteurstyp", "Kommunalverwaltung") in facts
    assert ("Teil von", "Dezernat 3/Familie, Bildung, Soziales") in facts
    assert ("Mitglied in", "AG Chancengleichheit") in facts
    assert ("Leitet Maßnahme", "Netzwerkarbeit") in facts
    assert ("Zuständig für", "Handlungskonzept Integration in Oberhausen") in facts
    assert ("Handlungsfeld", "Gesellschaftliche Teilhabe") in facts
    assert ("Quelle", "Webseite des Kommunalen Integrationszentrums Oberhausen") in facts
    aspects = column(result, "aspect")
    assert aspects.index("Name") == 0 and aspects[-1] == "Quelle"


def test_profile_shows_funding_both_ways(store, queries) -> None:
    bamf = set(rows(run(store, queries, "actor", actor="BAMF"), "aspect", "detail"))
    assert ("Förderung", "fördert") in bamf
    project = set(rows(run(store, queries, "actor", actor="MSO-Projekt"), "aspect", "detail"))
    assert ("Förderung", "wird gefördert") in project


def test_profile_of_a_partner(store, queries) -> None:
    result = run(store, queries, "actor", actor="Oberhausener Migrantenselbstorganisationen")
    facts = set(rows(result, "aspect", "value"))
    assert ("Akteurstyp", "Migrantenselbstorganisation") in facts
    assert ("Partner in Maßnahme", "Kooperation mit Migrantenselbstorganisationen") in facts
    assert ("Sammelakteur", "ja") in facts


# -- consultations -------------------------------------------------------------------------

LEVERKUSEN_CONSULTATIONS = [
    ("1", "Integrationsrat", "14.11.2017", "Beratung"),
    ("2", "Kinder- und Jugendhilfeausschuss", "16.11.2017", "Beratung"),
    ("3", "Ausschuss für Soziales, Gesundheit und Senioren", "20.11.2017", "Beratung"),
    ("4", "Schulausschuss", "20.11.2017", "Beratung"),
    ("5", "Bezirksvertretung für den Stadtbezirk I", "27.11.2017", "Beratung"),
    ("6", "Bezirksvertretung für den Stadtbezirk II", "28.11.2017", "Beratung"),
    ("7", "Bezirksvertretung für den Stadtbezirk III", "30.11.2017", "Beratung"),
    ("8", "Finanz- und Rechtsausschuss", "04.12.2017", "Beratung"),
    ("9", "Rat der Stadt Leverkusen", "18.12.2017", "Entscheidung"),
]


def test_the_nine_consultations_of_vorlage_2017_1900(store, queries) -> None:
    result = run(store, queries, "consultations", paper="2017/1900")
    assert rows(result, "order", "bodyLabel", "date", "role") == LEVERKUSEN_CONSULTATIONS
    assert column(result, "authoritative") == ["nein"] * 8 + ["ja"]
    assert set(column(result, "public")) == {"ja"}
    last = result.dicts()[-1]
    assert str(last["date"]) == "2017-12-18"


def test_the_consultations_of_drucksache_168_20(store, queries) -> None:
    result = run(store, queries, "consultations", paper="168/20")
    assert rows(result, "bodyLabel", "date", "public") == [
        ("Integrationsbeirat", "04.11.2020", "ja"),
        ("Ausschuss für Familie und Jugend", "18.11.2020", "ja"),
        ("Gemeinderat", "14.12.2020", "ja"),
    ]
    assert column(result, "role")[-1] == "Entscheidung"


def test_a_paper_found_by_words_of_its_title(store, queries) -> None:
    result = run(store, queries, "consultations", paper="Weiterentwicklung Integrationskonzeptes")
    assert column(result, "reference")[0] == "168/20"


def test_a_council_decision_without_public_flag(store, queries) -> None:
    result = run(store, queries, "consultations", paper="B/16/2072-02")
    assert rows(result, "bodyLabel", "date", "public", "result") == [
        ("Rat der Stadt Oberhausen", "19.12.2016", "", "beschlossen (Ratsbeschluss)")
    ]


# -- compare -------------------------------------------------------------------------------


def test_compare_all_municipalities(store, queries) -> None:
    result = run(store, queries, "compare")
    assert len(result.rows) == 15 * 3
    by_key = {
        (r, m): (f, n, a)
        for r, m, f, n, a in rows(
            result,
            "referenceLabel",
            "municipalityLabel",
            "cityFields",
            "measureCount",
            "actorCount",
        )
    }
    assert by_key[("Gesundheit", "Stadt Leverkusen")] == ("= E Gesundheit", "0", "0")
    assert by_key[("Pflege und Alter", "Stadt Offenburg")][0] == "= Pflege und Altern"
    fields, measures, actors = by_key[("Teilhabe und Engagement", "Stadt Oberhausen")]
    assert fields == "⊃ Gesellschaftliche Teilhabe"
    # local actors with a type only (issue 16): the eight partner cities of
    # Integration.Interkommunal counted here before (10)
    assert int(measures) >= 5 and int(actors) == 5
    assert by_key[("Kriminalität", "Stadt Offenburg")] == ("", "0", "0")


def test_compare_selected_municipalities(store, queries) -> None:
    result = run(store, queries, "compare", municipalities="offenburg, leverkusen")
    assert set(column(result, "municipalityLabel")) == {"Stadt Offenburg", "Stadt Leverkusen"}
    assert len(result.rows) == 30


def test_compare_of_named_municipalities_reads_their_graphs_and_answers_as_over_all(
    store, queries
) -> None:
    """Named municipalities are compared on their own graphs (and the reference schemes):
    the answer is the part of the comparison over all graphs that concerns them."""
    from graph.namespaces import REFERENCE_GRAPH, inferred_graph, municipality_graph
    from graph.queries import bind_parameters, dataset_of

    compare = queries["compare"]
    named = bind_parameters(store, compare, {"municipalities": "offenburg,leverkusen"})
    # the inferred graphs for the figures the build counted (ikg:ReferenceFieldFigures)
    assert dataset_of(compare, named) == [
        REFERENCE_GRAPH,
        municipality_graph("offenburg"),
        municipality_graph("leverkusen"),
        inferred_graph("offenburg"),
        inferred_graph("leverkusen"),
    ]
    assert dataset_of(compare, bind_parameters(store, compare, {})) is None

    columns = ("referenceLabel", "municipalityLabel", "cityFields", "measureCount", "actorCount")
    over_all = rows(run(store, queries, "compare"), *columns)
    for slug, label in (("offenburg", "Stadt Offenburg"), ("oberhausen", "Stadt Oberhausen")):
        alone = rows(run(store, queries, "compare", municipalities=slug), *columns)
        assert len(alone) == 15
        assert alone == [row for row in over_all if row[1] == label]
    # measures and actors counted in the municipality's own graph
    assert any(int(row[3]) > 0 and int(row[4]) > 0 for row in alone)


# -- concept-changes -----------------------------------------------------------------------


def test_concept_changes_read_the_municipalitys_graph_and_answer_as_over_all(
    store, queries
) -> None:
    """``dataset: municipality``: the query reads the stated graph of the municipality it is
    asked about and the reference schemes, and answers as it does over all graphs."""
    from graph.namespaces import REFERENCE_GRAPH, municipality_graph
    from graph.queries import bind_parameters, dataset_of

    changes = queries["concept-changes"]
    assert changes.dataset == "municipality"
    answered = 0
    for slug in ("leverkusen", "oberhausen", "offenburg"):
        bound = bind_parameters(store, changes, {"municipality": slug})
        assert dataset_of(changes, bound) == [REFERENCE_GRAPH, municipality_graph(slug)]
        over_all = store.query(changes.text, bound)
        alone = run(store, queries, "concept-changes", municipality=slug)
        assert alone.rows == over_all.rows
        answered += len(alone.rows)
    assert answered >= len(OFFENBURG_NEW_FIELDS)


def test_offenburg_added_five_fields_in_2020(store, queries) -> None:
    result = run(store, queries, "concept-changes", municipality="offenburg")
    # the 2006 concept lists no fields: the first row says so, the five marked ones follow
    assert column(result, "change") == ["nicht vergleichbar"] + ["hinzugefügt"] * 5
    assert set(column(result, "newLabel")[1:]) == OFFENBURG_NEW_FIELDS
    assert set(column(result, "previousLabel")) == {"Integrationskonzept 2006"}


@pytest.mark.parametrize("municipality", ["leverkusen", "oberhausen"])
def test_no_changes_where_the_previous_edition_lists_no_fields(
    store, queries, municipality: str
) -> None:
    # Neither the earlier Leverkusen concept nor the KIKO names fields, and the newer
    # editions mark none as new: the one row says why there is nothing to compare.
    result = run(store, queries, "concept-changes", municipality=municipality)
    assert rows(result, "change", "reason") == [
        ("nicht vergleichbar", "die vorige Fassung nennt keine Handlungsfelder")
    ]


# -- bodies --------------------------------------------------------------------------------


def test_bodies_of_leverkusen(store, queries) -> None:
    result = run(store, queries, "bodies", municipality="leverkusen")
    found = dict(rows(result, "label", "parentLabel"))
    assert found["Rat der Stadt Leverkusen"] == "Stadt Leverkusen"
    assert found["Integrationsrat"] == "Stadt Leverkusen"
    for committee in (
        "Kinder- und Jugendhilfeausschuss",
        "Ausschuss für Soziales, Gesundheit und Senioren",
        "Schulausschuss",
        "Finanz- und Rechtsausschuss",
    ):
        assert found[committee] == "Rat der Stadt Leverkusen"
    for district in ("I", "II", "III"):
        assert f"Bezirksvertretung für den Stadtbezirk {district}" in found
    assert {
        "Steuerungsgruppe Integration",
        "Koordinierungsgruppe Integration",
        "Controllinggruppe Integrationskonzept",
    } <= set(found)
    # part of the steering structure (Vorlage 2017/1900, Punkt 4), whatever the city calls it
    assert "Fachgruppe Integration" in found
    assert column(result, "label")[0] == "Rat der Stadt Leverkusen"
    assert column(result, "kindLabel")[-1] == "Steuerungsstruktur"


def test_bodies_of_oberhausen_include_the_verwaltungsvorstand(store, queries) -> None:
    labels = column(run(store, queries, "bodies", municipality="oberhausen"), "label")
    assert {
        "Rat der Stadt Oberhausen",
        "Integrationsrat",
        "Verwaltungsvorstand",
        "Lenkungskreis Integration Oberhausen",
    } <= set(labels)


# -- output formats and order --------------------------------------------------------------

TERM_TYPES = {"uri", "literal", "bnode"}


@pytest.mark.parametrize("name", sorted(QUERY_NAMES))
def test_json_is_sparql_results_json(runner, queries, name: str) -> None:
    query = queries[name]
    arguments = ["query", name, "--format", "json"]
    for key, value in example_values(query).items():
        arguments += ["--param", f"{key}={value}"]
    outcome = runner.invoke(main, arguments)
    assert outcome.exit_code == 0, outcome.output
    document = json.loads(outcome.output)
    assert set(document) == {"head", "results"}
    variables = document["head"]["vars"]
    assert isinstance(variables, list) and all(isinstance(v, str) for v in variables)
    assert isinstance(document["results"]["bindings"], list)
    for binding in document["results"]["bindings"]:
        for variable, term in binding.items():
            assert variable in variables
            assert term["type"] in TERM_TYPES and isinstance(term["value"], str)
            assert set(term) <= {"type", "value", "xml:lang", "datatype"}
            assert not ("xml:lang" in term and "datatype" in term)


@pytest.mark.parametrize("name", sorted(QUERY_NAMES))
def test_csv_parses_and_table_has_german_headings(store, queries, name: str) -> None:
    query = queries[name]
    result = run_named_query(store, query, example_values(query))
    parsed = list(csv.reader(io.StringIO(render(result, "csv"))))
    assert parsed[0] == result.variables
    assert len(parsed) == len(result.rows) + 1
    assert all(len(line) == len(result.variables) for line in parsed)
    table = render(result, "table", query.columns)
    header = table.splitlines()[0]
    for variable in result.variables:
        heading = query.columns[variable]
        if heading != "-":
            assert heading in header
    assert (
        table.splitlines()[-1]
        == f"({len(result.rows)} Zeile{'n' if len(result.rows) != 1 else ''})"
    )


@pytest.mark.parametrize("name", sorted(QUERY_NAMES))
def test_rows_come_in_the_same_order_every_time(store, queries, name: str) -> None:
    query = queries[name]
    first = run_named_query(store, query, example_values(query))
    for _ in range(2):
        assert run_named_query(store, query, example_values(query)).rows == first.rows


def test_table_through_the_cli(runner) -> None:
    outcome = runner.invoke(main, ["query", "consultations", "--param", "paper=168/20"])
    assert outcome.exit_code == 0, outcome.output
    lines = outcome.output.splitlines()
    assert lines[0].split() == [
        "Nr.",
        "Gremium",
        "Datum",
        "Zeitangabe",
        "Rolle",
        "Entscheidet",
        "Öffentlich",
        "Ergebnis",
    ]
    assert "Gemeinderat" in lines[-2] and lines[-1] == "(3 Zeilen)"


# -- the CLI's list and help ---------------------------------------------------------------


def test_list_names_every_query(runner) -> None:
    outcome = runner.invoke(main, ["query", "--list"])
    assert outcome.exit_code == 0
    listed = {line.split()[0] for line in outcome.output.splitlines() if line.strip()}
    assert listed == QUERY_NAMES


def test_list_as_json(runner) -> None:
    outcome = runner.invoke(main, ["query", "--list", "--format", "json"])
    described = {q["name"]: q for q in json.loads(outcome.output)}
    assert set(described) == QUERY_NAMES
    gaps = {p["name"]: p for p in described["gaps"]["parameters"]}
    assert gaps["actor-type"]["default"] == "mso" and gaps["actor-type"]["required"] is False


@pytest.mark.parametrize("name", sorted(QUERY_NAMES))
def test_help_of_each_query(runner, queries, name: str) -> None:
    outcome = runner.invoke(main, ["query", name, "--help"])
    assert outcome.exit_code == 0, outcome.output
    assert queries[name].title_de in outcome.output
    for parameter in queries[name].parameters:
        assert f"--param {parameter.name}=" in outcome.output
