"""The inferred graphs: each rule on a tiny hand-made graph with a known answer, then the real
data — inferred facts in their own graph per municipality, never in the stated one, feeding
coverage exactly as coverage.rq's former rule did, and marked in the viewer."""

from __future__ import annotations

import shutil
from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import Graph, URIRef
from rdflib.compare import isomorphic

from graph.build import PreparedGraphs, build, prepare
from graph.inference import REASONS, RULES, describe_inferred_graph, materialise
from graph.mapping import ONTOLOGY_FILE
from graph.namespaces import (
    GRAPH,
    ID,
    IKG,
    ONTOLOGY_GRAPH,
    ORG,
    PREFIXES,
    PROV,
    RDF,
    REFERENCE_GRAPH,
    inferred_graph,
    municipality_graph,
    short_id,
    slug_of_graph,
    slug_of_inferred_graph,
)
from graph.queries import page_query
from graph.store import EmbeddedStore
from tests.conftest import DATA_DIR, FIXTURES, QUERIES_DIR, SEEDS_DIR
from webapp import create_app

#: what a profile page reads about an entry (queries/pages/profile-outgoing.rq)
OUTGOING = page_query(QUERIES_DIR, "profile-outgoing").text

PREAMBLE = """
@prefix ikg:  <https://w3id.org/ikg/ontology#> .
@prefix org:  <http://www.w3.org/ns/org#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix id:   <https://w3id.org/ikg/id/> .
@prefix ref:  <https://w3id.org/ikg/ref/> .
"""

#: the predicates only rules conclude; none of them may be stated
INFERRED_PREDICATES = (
    IKG.takesPartIn,
    ORG.memberOf,
    ORG.hasMember,
    ORG.transitiveSubOrganizationOf,
)


@pytest.fixture(scope="module")
def context() -> Graph:
    """What the build reasons against: the ontology plus the reference schemes."""
    return Graph().parse(ONTOLOGY_FILE) + Graph().parse(FIXTURES / "ontology" / "reference.ttl")


def stated(turtle: str) -> Graph:
    return Graph().parse(data=PREAMBLE + turtle, format="turtle")


def node(local: str) -> URIRef:
    return ID[f"stadt/{local}"]


def pairs(graph: Graph, predicate: URIRef) -> set[tuple[str, str]]:
    return {
        (str(s).rsplit("/", 1)[-1], str(o).rsplit("/", 1)[-1])
        for s, o in graph.subject_objects(predicate)
    }


# -- each rule on a tiny graph ------------------------------------------------------------------


def test_a_chain_of_units_belongs_to_the_city(context: Graph) -> None:
    data = stated("""
        id:stadt a ikg:Municipality .
        id:stadt\\/dezernat a org:OrganizationalUnit ; org:unitOf id:stadt .
        id:stadt\\/bereich a org:OrganizationalUnit ; org:subOrganizationOf id:stadt\\/dezernat .
        id:stadt\\/team a org:OrganizationalUnit ; org:subOrganizationOf id:stadt\\/bereich .
    """)
    inferred = materialise(data, context)
    assert pairs(inferred, ORG.transitiveSubOrganizationOf) == {
        ("dezernat", "stadt"),
        ("bereich", "dezernat"),
        ("bereich", "stadt"),
        ("team", "bereich"),
        ("team", "dezernat"),
        ("team", "stadt"),
    }


def test_lead_and_partner_of_a_measure_take_part_in_its_field(context: Graph) -> None:
    data = stated("""
        id:stadt\\/f a ikg:ActionField ; ikg:municipality id:stadt .
        id:stadt\\/g a ikg:ActionField ; ikg:municipality id:stadt .
        id:stadt\\/m a ikg:Measure ; ikg:municipality id:stadt ; ikg:actionField id:stadt\\/f ;
            ikg:lead id:stadt\\/ki ; ikg:partner id:stadt\\/awo , id:stadt\\/mso .
    """)
    assert pairs(materialise(data, context), IKG.takesPartIn) == {
        ("ki", "f"),
        ("awo", "f"),
        ("mso", "f"),
    }


def test_a_network_member_takes_part_in_the_networks_field(context: Graph) -> None:
    data = stated("""
        id:stadt\\/f a ikg:ActionField ; ikg:municipality id:stadt .
        id:stadt\\/ak a org:OrganizationalCollaboration ; ikg:municipality id:stadt ;
            ikg:actionField id:stadt\\/f .
        id:stadt\\/ak\\/1 a org:Membership ; org:member id:stadt\\/mso ;
            org:organization id:stadt\\/ak .
        id:stadt\\/ag a org:OrganizationalCollaboration ; ikg:municipality id:stadt .
        id:stadt\\/ag\\/1 a org:Membership ; org:member id:stadt\\/awo ;
            org:organization id:stadt\\/ag .
    """)
    inferred = materialise(data, context)
    assert pairs(inferred, IKG.takesPartIn) == {("mso", "f")}  # ag works on no field
    assert pairs(inferred, ORG.memberOf) == {("mso", "ak"), ("awo", "ag")}
    assert pairs(inferred, ORG.hasMember) == {("ak", "mso"), ("ag", "awo")}


@pytest.mark.parametrize("match", ["exactMatch", "closeMatch", "broadMatch", "narrowMatch"])
def test_a_measure_in_a_reference_field_counts_for_every_field_mapped_to_it(
    context: Graph, match: str
) -> None:
    data = stated(f"""
        id:stadt\\/f a ikg:ActionField ; ikg:municipality id:stadt ;
            skos:{match} ref:action-field\\/bildung .
        id:stadt\\/other a ikg:ActionField ; ikg:municipality id:stadt ;
            skos:exactMatch ref:action-field\\/wohnen .
        id:stadt\\/m a ikg:Measure ; ikg:municipality id:stadt ;
            ikg:actionField ref:action-field\\/bildung ; ikg:lead id:stadt\\/ki .
        # a measure of another municipality in the same reference field does not count
        id:nachbar\\/m a ikg:Measure ; ikg:municipality id:nachbar ;
            ikg:actionField ref:action-field\\/bildung ; ikg:lead id:nachbar\\/ki .
    """)
    assert pairs(materialise(data, context), IKG.takesPartIn) == {("ki", "f")}


def test_classes_follow_from_stated_types_and_from_the_classification(context: Graph) -> None:
    data = stated("""
        id:stadt\\/rat a ikg:PoliticalBody .
        id:stadt\\/amt a org:Organization ;
            org:classification ref:actor-type\\/kommunalverwaltung .
        id:stadt\\/beirat org:classification ref:actor-type\\/politisches-gremium .
        id:stadt\\/mso a org:Organization ; org:classification ref:actor-type\\/mso .
    """)
    inferred = materialise(data, context)

    def types(local: str) -> set[URIRef]:
        return set(inferred.objects(node(local), RDF.type))

    foaf_agent = URIRef("http://xmlns.com/foaf/0.1/Agent")
    assert types("rat") == {ORG.Organization, foaf_agent}
    assert types("amt") == {ORG.OrganizationalUnit, foaf_agent}
    assert types("beirat") == {IKG.PoliticalBody, ORG.Organization, foaf_agent}
    assert types("mso") == {foaf_agent}


def test_what_is_stated_is_never_inferred_again(context: Graph) -> None:
    data = stated("""
        id:stadt\\/ki a org:OrganizationalUnit , org:Organization ; org:unitOf id:stadt ;
            org:transitiveSubOrganizationOf id:stadt .
    """)
    inferred = materialise(data, context)
    assert not set(inferred) & set(data)
    assert (node("ki"), ORG.transitiveSubOrganizationOf, ID["stadt"]) not in inferred


def test_every_rule_says_why_in_german() -> None:
    assert {predicate for rule in RULES for predicate in rule.predicates} == set(REASONS)
    for predicate in INFERRED_PREDICATES:
        assert REASONS[predicate].startswith("Erschlossen")


def test_inferred_graphs_are_named_per_municipality_and_describe_themselves() -> None:
    graph = inferred_graph("oberhausen")
    assert graph == GRAPH["inferred/oberhausen"]
    assert slug_of_inferred_graph(graph) == "oberhausen"
    assert slug_of_graph(graph) is None  # not a graph of stated facts
    assert slug_of_graph(municipality_graph("oberhausen")) == "oberhausen"
    assert slug_of_inferred_graph(municipality_graph("oberhausen")) is None
    description = describe_inferred_graph("oberhausen")
    assert (graph, RDF.type, IKG.InferredGraph) in description
    assert set(description.objects(graph, PROV.wasDerivedFrom)) == {
        municipality_graph("oberhausen"),
        ONTOLOGY_GRAPH,
        REFERENCE_GRAPH,
    }


# -- the real data, as built --------------------------------------------------------------------

SLUGS = ("leverkusen", "oberhausen", "offenburg")


@pytest.fixture(scope="module")
def prepared() -> PreparedGraphs:
    return prepare(DATA_DIR, SEEDS_DIR)


def graph_in_store(store: EmbeddedStore, graph: URIRef) -> Graph:
    return Graph().parse(data=store.dump(ox.RdfFormat.N_TRIPLES, graph), format="nt")


@pytest.mark.parametrize("slug", SLUGS)
def test_each_municipality_has_its_inferred_graph_apart_from_its_stated_one(
    store: EmbeddedStore, prepared: PreparedGraphs, slug: str
) -> None:
    stated_graph = graph_in_store(store, municipality_graph(slug))
    inferred = graph_in_store(store, inferred_graph(slug))
    assert isomorphic(stated_graph, prepared.graphs[municipality_graph(slug)])
    assert (inferred_graph(slug), RDF.type, IKG.InferredGraph) in inferred
    assert not set(stated_graph) & set(inferred)
    for predicate in INFERRED_PREDICATES:
        assert not any(stated_graph.triples((None, predicate, None)))
    # superclasses of the stated types: every political body is an organisation
    bodies = set(stated_graph.subjects(RDF.type, IKG.PoliticalBody))
    assert bodies and all((b, RDF.type, ORG.Organization) in inferred for b in bodies)


def test_no_inferred_fact_is_stated_in_any_graph(store: EmbeddedStore) -> None:
    repeated = store.query(
        """SELECT ?s ?p ?o WHERE {
             GRAPH ?inferred { ?s ?p ?o } ?inferred a ikg:InferredGraph .
             GRAPH ?stated { ?s ?p ?o }
             FILTER NOT EXISTS { ?stated a ikg:InferredGraph }
           }"""
    )
    assert repeated.rows == []


#: how queries/coverage.rq derived participation from the stated facts before it read
#: ikg:takesPartIn (the rule must give exactly these pairs)
FORMER_COVERAGE_RULE = """
SELECT DISTINCT ?actor ?field WHERE {
  {
    SELECT ?field ?target ?fieldMunicipality WHERE {
      ?field a ikg:ActionField ; ikg:municipality ?fieldMunicipality .
      { ?field a ikg:ActionField . BIND (?field AS ?target) }
      UNION { ?field skos:exactMatch|skos:closeMatch|skos:broadMatch|skos:narrowMatch ?target }
    }
  }
  {
    SELECT ?target ?fieldMunicipality ?actor WHERE {
      {
        ?measure ikg:actionField ?target ; ikg:municipality ?fieldMunicipality ;
                 a ikg:Measure ; ikg:lead|ikg:partner ?actor .
      } UNION {
        ?network ikg:actionField ?target ; ikg:municipality ?fieldMunicipality ;
                 a org:OrganizationalCollaboration .
        ?membership org:organization ?network ; org:member ?actor .
      }
    }
  }
}"""


def test_takes_part_in_is_exactly_what_coverage_used_to_derive(store: EmbeddedStore) -> None:
    former = {tuple(map(str, row)) for row in store.query(FORMER_COVERAGE_RULE).rows}
    inferred = {
        tuple(map(str, row))
        for row in store.query(
            """SELECT ?actor ?field WHERE {
                 GRAPH ?g { ?actor ikg:takesPartIn ?field } ?g a ikg:InferredGraph }"""
        ).rows
    }
    assert len(former) > 30  # Oberhausen's measures and networks
    assert inferred == former


#: how queries/compare.rq counted measures and actors per reference field and municipality
#: over all graphs before it read the figures of the build (the rule must give these counts)
FORMER_COMPARE_COUNTS = """
SELECT ?reference ?municipality (COUNT(DISTINCT ?measure) AS ?measures)
       (COUNT(DISTINCT ?actor) AS ?actors)
WHERE {
  {
    SELECT ?target ?reference WHERE {
      { ?target a ikg:ReferenceActionField . BIND (?target AS ?reference) }
      UNION {
        ?target skos:exactMatch|skos:closeMatch|skos:broadMatch|skos:narrowMatch ?reference .
        ?reference a ikg:ReferenceActionField .
      }
    }
  }
  {
    ?measure ikg:actionField ?target ; ikg:municipality ?municipality ; a ikg:Measure .
    OPTIONAL { ?measure ikg:lead|ikg:partner ?actor . FILTER (ikg:localPartner(?actor)) }
  } UNION {
    ?network ikg:actionField ?target ; ikg:municipality ?municipality ;
             a org:OrganizationalCollaboration .
    ?membership org:organization ?network ; org:member ?actor .
    FILTER (ikg:localPartner(?actor))
  }
}
GROUP BY ?reference ?municipality"""
# the actors compare counts since issue 16, as coverage counts them: local, with an actor type
# (not a network or project), not a municipality (a partner city of a cooperation)
LOCAL_PARTNER = """EXISTS { ?actor org:classification ?type . ?type skos:inScheme ref:actor-type }
  && NOT EXISTS { ?actor org:classification <https://w3id.org/ikg/ref/actor-type/kommune> }"""
FORMER_COMPARE_COUNTS = FORMER_COMPARE_COUNTS.replace("ikg:localPartner(?actor)", LOCAL_PARTNER)


def test_reference_field_figures_are_what_compare_used_to_count(store: EmbeddedStore) -> None:
    """One node per municipality and reference field, in the municipality's inferred graph,
    with the counts compare computed at every request (since issue 16: local actors with a
    type, as coverage counts them); 0 where it counted nothing."""
    former = {
        (str(reference), str(municipality)): (int(measures), int(actors))
        for reference, municipality, measures, actors in store.query(FORMER_COMPARE_COUNTS).rows
    }
    figures = store.query(
        """SELECT ?g ?reference ?municipality ?measures ?actors WHERE {
             GRAPH ?g {
               ?figures a ikg:ReferenceFieldFigures ; ikg:figuresOf ?municipality ;
                        ikg:referenceField ?reference ;
                        ikg:measureCount ?measures ; ikg:actorCount ?actors .
             }
           }"""
    ).rows
    assert {str(g) for g, *_ in figures} == {str(inferred_graph(slug)) for slug in SLUGS}
    # each in its own municipality's inferred graph
    assert all(g == inferred_graph(short_id(m)) for g, _, m, *_ in figures)
    counted = {
        (str(reference), str(municipality)): (int(measures), int(actors))
        for _, reference, municipality, measures, actors in figures
    }
    references = {
        str(r) for (r,) in store.query("SELECT ?r WHERE { ?r a ikg:ReferenceActionField }").rows
    }
    assert len(counted) == len(figures) == len(references) * len(SLUGS)
    assert {key: value for key, value in counted.items() if value != (0, 0)} == former
    assert sum(measures for measures, _ in counted.values()) > 20


def test_start_page_counts_only_the_stated_outside_actors(store_path, built) -> None:
    """Regression: inferred superclasses made every unit, body and network an org:Organization
    and the start page counted them as actors."""
    client = create_app({"STORE": str(store_path), "TESTING": True}).test_client()
    page = client.get("/index.json").get_json()
    counts = {m["slug"]: m["counts"]["actors"] for m in page["municipalities"]}
    summary = built[1]
    assert counts == {slug: summary.entities[slug]["Akteure"] for slug in SLUGS}


# -- the viewer marks inferred facts ------------------------------------------------------------


def test_profile_marks_inferred_facts_and_says_why(store_path) -> None:
    client = create_app({"STORE": str(store_path), "TESTING": True}).test_client()
    data = client.get("/kommune/oberhausen/ki.json").get_json()
    facts = data["facts"]
    fields = facts["wirkt mit im Handlungsfeld"]
    labels = {f["label"] for f in fields}
    assert {"Gesellschaftliche Teilhabe", "Bildung und Qualifikation"} <= labels
    assert all(f["inferred"] and f["reason"] == REASONS[IKG.takesPartIn] for f in fields)
    assert {f["label"] for f in facts["gehört zu (über Untergliederungen)"]} == {
        "Dezernat 3/Familie, Bildung, Soziales",
        "Stadt Oberhausen",
    }
    stated_facts = [v for name, values in facts.items() for v in values if not v.get("inferred")]
    assert stated_facts and not any("reason" in v for v in stated_facts)

    html = client.get("/kommune/oberhausen/ki").get_data(as_text=True)
    marker = f'<span class="inferred" title="{REASONS[IKG.takesPartIn]}" data-inferred="true">'
    assert html.count(marker) == len(fields)
    assert "erschlossen</span>" in html


def test_a_field_lists_who_takes_part_as_inferred(store_path) -> None:
    client = create_app({"STORE": str(store_path), "TESTING": True}).test_client()
    fields = client.get("/kommune/oberhausen/ki.json").get_json()["facts"][
        "wirkt mit im Handlungsfeld"
    ]
    field_url = next(f["url"] for f in fields if f["label"] == "Gesellschaftliche Teilhabe")
    field = client.get(f"{field_url}.json").get_json()
    participants = field["mentioned_by"]["Mitwirkende"]
    assert "Oberhausener Migrantenselbstorganisationen" in {p["label"] for p in participants}
    assert all(p["inferred"] for p in participants)
    # a stated relation on the same page carries no marker
    assert not any(
        item.get("inferred")
        for name, items in field["mentioned_by"].items()
        if name != "Mitwirkende"
        for item in items
    )


def test_only_facts_held_by_inferred_graphs_alone_are_marked() -> None:
    """The profile's query: a fact also stated, or in no named graph, is not inferred."""
    trig = """
    @prefix ikg: <https://w3id.org/ikg/ontology#> .
    @prefix id:  <https://w3id.org/ikg/id/> .
    <https://w3id.org/ikg/graph/stadt> { id:a ikg:partner id:both . }
    <https://w3id.org/ikg/graph/inferred/stadt> {
      <https://w3id.org/ikg/graph/inferred/stadt> a ikg:InferredGraph .
      id:a ikg:partner id:both . id:a ikg:takesPartIn id:only-inferred .
    }
    id:a ikg:lead id:default-graph .
    """
    store = ox.Store()
    store.load(trig.encode(), format=ox.RdfFormat.TRIG)
    rows = store.query(
        OUTGOING,
        prefixes=PREFIXES,
        use_default_graph_as_union=False,
        substitutions={ox.Variable("e"): ox.NamedNode(str(ID["a"]))},
        default_graph=[ox.DefaultGraph(), *store.named_graphs()],
    )
    marked = {row["o"].value.rsplit("/", 1)[-1]: row["inferred"].value for row in rows}
    assert marked == {"both": "false", "only-inferred": "true", "default-graph": "false"}


def test_a_rebuild_of_one_municipality_renews_only_its_inferred_graph(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Inferred graphs are per municipality, so an incremental build replaces just the changed
    one's (the rules route keeps this test quick; the inferences are the same either way)."""
    monkeypatch.setenv("IKG_HERMIT_LIMIT", "-1")
    data = tmp_path / "data"
    shutil.copytree(DATA_DIR / "reference", data / "reference")
    shutil.copytree(DATA_DIR / "leverkusen", data / "leverkusen")
    shutil.copytree(FIXTURES / "sources" / "teststadt", data / "teststadt")
    store_path = tmp_path / "store"
    build(data, store_path)
    before = {
        slug: graph_in_store(EmbeddedStore(store_path), inferred_graph(slug))
        for slug in ("leverkusen", "teststadt")
    }
    awo, field = ID["teststadt/awo"], ID["teststadt/hf-sprache"]
    assert (awo, IKG.takesPartIn, field) in before["teststadt"]

    measures = data / "teststadt" / "measures.yaml"
    text = measures.read_text(encoding="utf-8")
    measures.write_text(text.replace("[mso-verein, awo]", "[mso-verein]"), encoding="utf-8")
    summary = build(data, store_path)

    assert not summary.full and summary.rebuilt == ["teststadt"]
    store = EmbeddedStore(store_path)
    after = graph_in_store(store, inferred_graph("teststadt"))
    assert (awo, IKG.takesPartIn, field) not in after
    assert (ID["teststadt/mso-verein"], IKG.takesPartIn, field) in after
    assert isomorphic(graph_in_store(store, inferred_graph("leverkusen")), before["leverkusen"])
