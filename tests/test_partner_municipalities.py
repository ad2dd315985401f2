"""Issue 16: the eight Ruhr cities of Integration.Interkommunal are municipalities in a
cooperation of municipalities, not actors of Oberhausen, and the comparison can use them.

Oberhausen's sources name seven partner cities (data/oberhausen/partner-municipalities.yaml).
Each is an ikg:PartnerMunicipality at its own municipality IRI; it is no local actor (not in
Oberhausen's analysis, counts or coverage), it is compared as a member of its cooperation, and
its page says the graph holds no data of its own.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from graph.analysis import analyse
from graph.namespaces import entity_iri, municipality_iri
from graph.queries import run_named_query
from graph.results import plain
from graph.store import Store
from webapp import create_app

PARTNERS = {
    "bochum": "Bochum",
    "dortmund": "Dortmund",
    "duisburg": "Duisburg",
    "essen": "Essen",
    "gelsenkirchen": "Gelsenkirchen",
    "herne": "Herne",
    "muelheim-an-der-ruhr": "Mülheim an der Ruhr",
}
REAL = {"oberhausen", "offenburg", "leverkusen"}
COOPERATION = "oberhausen/integration-interkommunal"


@pytest.fixture
def store(any_store: Store) -> Store:
    return any_store


@pytest.fixture(scope="module")
def client(store_path: Path):
    return create_app({"STORE": str(store_path), "TESTING": True}).test_client()


def answer(store: Store, queries, name: str, **values: str) -> list[dict[str, str]]:
    result = run_named_query(store, queries[name], values)
    return [{v: plain(row[i]) for i, v in enumerate(result.variables)} for row in result.rows]


def test_the_partner_cities_are_municipalities_at_their_own_iri(store: Store) -> None:
    rows = store.query(
        "SELECT ?m ?label ?namedBy WHERE { ?m a ikg:PartnerMunicipality , ikg:Municipality ; "
        "skos:prefLabel ?label ; ikg:municipality ?namedBy . "
        "FILTER NOT EXISTS { ?m ikg:fictional ?fictional } }",
        {"namedBy": municipality_iri("oberhausen")},
    ).rows
    assert {str(m): str(label) for m, label, _ in rows} == {
        str(municipality_iri(slug)): label for slug, label in PARTNERS.items()
    }
    members = store.query(
        "SELECT ?member ?cooperation WHERE { ?membership org:organization ?cooperation ; "
        "org:member ?member . ?member a ikg:Municipality }",
        {"cooperation": entity_iri(*COOPERATION.split("/"))},
    ).rows
    assert {str(m) for m, _ in members} == {
        str(municipality_iri(slug)) for slug in (*PARTNERS, "oberhausen")
    }


def test_no_partner_city_is_an_actor_of_oberhausen(store: Store) -> None:
    analysis = analyse(store, "oberhausen")
    analysed = {a.iri for a in analysis.actors}
    assert not analysed & {str(municipality_iri(slug)) for slug in PARTNERS}
    assert not {a.label for a in analysis.actors} & set(PARTNERS.values())
    # every actor analysed is Oberhausen's own (the city itself or one of its entities)
    assert all(a.iri.startswith(str(municipality_iri("oberhausen"))) for a in analysis.actors)


def test_compare_lists_only_municipalities_with_their_own_data_by_default(
    store: Store, queries
) -> None:
    rows = answer(store, queries, "compare")
    assert {r["municipality"].rsplit("/", 1)[-1] for r in rows} == REAL
    assert not any(r["note"] for r in rows)


def test_compare_sets_a_cooperations_members_side_by_side(store: Store, queries) -> None:
    rows = answer(store, queries, "compare", cooperation="Integration.Interkommunal")
    by_city: dict[str, list[dict[str, str]]] = {}
    for row in rows:
        by_city.setdefault(row["municipality"].rsplit("/", 1)[-1], []).append(row)
    assert set(by_city) == {*PARTNERS, "oberhausen"}
    for slug in PARTNERS:
        # no figures for a city whose data the graph does not hold: no made-up 0
        assert all(r["note"] == "keine eigenen Daten im Graphen" for r in by_city[slug])
        assert all(r["measureCount"] == "" and r["actorCount"] == "" for r in by_city[slug])
    oberhausen = by_city["oberhausen"]
    assert not any(r["note"] for r in oberhausen)
    assert sum(int(r["measureCount"]) for r in oberhausen) > 0
    # the same figures as compare gives Oberhausen alone
    alone = answer(store, queries, "compare", municipalities="oberhausen")
    assert [(r["reference"], r["measureCount"], r["actorCount"]) for r in oberhausen] == [
        (r["reference"], r["measureCount"], r["actorCount"]) for r in alone
    ]


def test_the_start_page_and_the_municipality_list_keep_to_own_data(client) -> None:
    listed = {c["slug"] for c in client.get("/index.json").get_json()["municipalities"]}
    assert listed == REAL
    counts = client.get("/kommune/oberhausen.json").get_json()
    partners = counts["sections"]["Partnerkommune"]
    assert sorted(p["label"] for p in partners) == sorted(PARTNERS.values())
    assert all(
        p["url"] == f"/kommune/{slug}"
        for p, slug in zip(sorted(partners, key=lambda p: p["url"]), sorted(PARTNERS), strict=True)
    )


def test_a_partner_citys_page_says_it_has_no_data_of_its_own(client) -> None:
    page = client.get("/kommune/bochum")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert "keine eigenen Daten im Graphen" in text
    data = client.get("/kommune/bochum.json").get_json()
    assert data["label"] == "Bochum"
    [named_by] = data["named_by"]
    assert named_by["url"] == "/kommune/oberhausen"
    assert {m["label"] for m in named_by["memberships"]} >= {
        "Städtekooperation Integration.Interkommunal"
    }
    # a municipality no one names is still unknown
    assert client.get("/kommune/atlantis").status_code == 404


def test_the_comparison_page_lists_the_cooperation_and_links_its_comparison(client) -> None:
    data = client.get("/vergleich.json").get_json()
    [cooperation] = [
        c
        for c in data["cooperations"]
        if c["label"] == "Städtekooperation Integration.Interkommunal"
    ]
    assert cooperation["id"] == COOPERATION
    without = {m["label"] for m in cooperation["members"] if not m["has_data"]}
    assert without == set(PARTNERS.values())
    assert [m["label"] for m in cooperation["members"] if m["has_data"]] == ["Stadt Oberhausen"]
    page = client.get("/vergleich").get_data(as_text=True)
    assert f"/abfragen/compare?cooperation={COOPERATION.replace('/', '%2F')}" in page or (
        f"/abfragen/compare?cooperation={COOPERATION}" in page
    )
    # the comparison's columns stay the municipalities with their own data
    assert {c["slug"] for c in data["municipalities"]} == REAL
