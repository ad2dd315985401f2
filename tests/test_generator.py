"""The generator of fictional municipalities: deterministic, in the real source format, built by
the real build, with the shape the benchmarks and the network analysis rely on, marked
fictional throughout, and never written into data/."""

from __future__ import annotations

import filecmp
from pathlib import Path

import pytest

from graph.build import build
from graph.cli import main
from graph.errors import SourceError
from graph.generator import (
    EXAMPLE_SLUG,
    GeneratorError,
    check_target,
    write_example_city,
    write_generated_data,
)
from graph.namespaces import actor_type_iri, municipality_graph
from graph.sources import read_sources
from graph.sources.schema import FICTIONAL_DOCUMENT_KIND
from graph.store import EmbeddedStore
from tests.conftest import DATA_DIR, SEEDS_DIR

SLUGS = ["musterstadt-001", "musterstadt-002"]


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("generated") / "data"
    assert write_generated_data(folder, municipalities=2, seed=1) == SLUGS
    return folder


@pytest.fixture(scope="module")
def built(generated: Path, tmp_path_factory: pytest.TempPathFactory):
    """The two generated municipalities through the real build, with the seeds folder in
    place (so documents are checked as for real data)."""
    store_path = tmp_path_factory.mktemp("generated-store") / "store"
    summary = build(generated, store_path, seeds_dir=SEEDS_DIR)
    return summary, EmbeddedStore(store_path)


@pytest.fixture(scope="module")
def store(built) -> EmbeddedStore:
    return built[1]


#: the municipalities' own graphs: what the data states, not what the build infers from it
STATED = f'FILTER (STRSTARTS(STR(?g), "{municipality_graph("musterstadt-")}"))'


def stated(pattern: str) -> str:
    """A graph pattern matched within one stated graph (inferred graphs left out)."""
    return f"GRAPH ?g {{ {pattern} }} {STATED}"


def per_municipality(store: EmbeddedStore, select: str, pattern: str) -> dict[str, int]:
    """slug → count, for ``SELECT ?m (COUNT(…) AS ?n)`` over a stated pattern binding ?m."""
    sparql = f"{select} WHERE {{ {stated(pattern)} }} GROUP BY ?m"
    return {
        str(row[0]).rsplit("/", 1)[-1]: int(row[1].toPython()) for row in store.query(sparql).rows
    }


def same_tree(left: Path, right: Path) -> bool:
    comparison = filecmp.dircmp(left, right)
    if comparison.left_only or comparison.right_only or comparison.funny_files:
        return False
    _, mismatch, errors = filecmp.cmpfiles(left, right, comparison.common_files, shallow=False)
    if mismatch or errors:
        return False
    return all(same_tree(left / sub, right / sub) for sub in comparison.common_dirs)


# -- determinism -------------------------------------------------------------------------


def test_the_same_seed_writes_the_same_bytes(tmp_path: Path, generated: Path) -> None:
    again = tmp_path / "again"
    write_generated_data(again, municipalities=2, seed=1)
    assert same_tree(generated, again)
    first, second = tmp_path / "e1", tmp_path / "e2"
    write_example_city(first)
    write_example_city(second)
    assert same_tree(first, second)


def test_another_seed_writes_other_data(tmp_path: Path, generated: Path) -> None:
    other = tmp_path / "other"
    write_generated_data(other, municipalities=2, seed=2)
    for slug in SLUGS:
        assert (other / slug / "actors.yaml").read_bytes() != (
            generated / slug / "actors.yaml"
        ).read_bytes()


def test_a_municipality_does_not_depend_on_how_many_are_generated(
    tmp_path: Path, generated: Path
) -> None:
    alone = tmp_path / "one"
    write_generated_data(alone, municipalities=1, seed=1)
    assert same_tree(alone / SLUGS[0], generated / SLUGS[0])


# -- the real build ------------------------------------------------------------------------


def test_generated_data_builds_and_validates(built, generated: Path) -> None:
    summary, store = built
    assert sorted(summary.entities) == SLUGS
    assert (generated / "reference" / "action-fields.yaml").read_bytes() == (
        DATA_DIR / "reference" / "action-fields.yaml"
    ).read_bytes()
    for slug in SLUGS:
        triples = store.graph_size(municipality_graph(slug))
        # the estimate was ~8,000; full provenance of every record makes it more
        assert 8_000 <= triples <= 14_000, (slug, triples)


def test_counts_are_in_the_stated_ranges(store: EmbeddedStore) -> None:
    mso = actor_type_iri("mso")
    count = "SELECT ?m (COUNT(DISTINCT ?x) AS ?n)"
    actors = per_municipality(store, count, "?x a org:Organization ; ikg:municipality ?m")
    msos = per_municipality(store, count, f"?x org:classification <{mso}> ; ikg:municipality ?m")
    networks = per_municipality(
        store, count, "?x a org:OrganizationalCollaboration ; ikg:municipality ?m"
    )
    fields = per_municipality(
        store,
        count,
        """?e a ikg:ConceptEdition ; ikg:municipality ?m .
           FILTER NOT EXISTS { ?newer dcterms:replaces ?e }
           ?x skos:inScheme ?e ;
              skos:exactMatch|skos:closeMatch|skos:broadMatch|skos:narrowMatch ?reference .
           FILTER (STRSTARTS(STR(?reference), "https://w3id.org/ikg/ref/action-field/"))""",
    )
    goals = per_municipality(store, count, "?x a ikg:Goal ; ikg:municipality ?m")
    measures = per_municipality(store, count, "?x a ikg:Measure ; ikg:municipality ?m")
    for slug in SLUGS:
        assert 280 <= actors[slug] <= 320, actors
        assert 45 <= msos[slug] <= 55, msos
        assert networks[slug] == 15, networks
        assert fields[slug] == 10, fields
        assert goals[slug] == 30, goals
        assert measures[slug] == 120, measures


def test_every_measure_has_one_lead_and_one_to_four_partners(store: EmbeddedStore) -> None:
    rows = store.query(
        f"""SELECT ?x (COUNT(DISTINCT ?lead) AS ?leads) (COUNT(DISTINCT ?partner) AS ?partners)
            WHERE {{ {
            stated("?x a ikg:Measure ; ikg:lead ?lead . OPTIONAL { ?x ikg:partner ?partner }")
        } }}
            GROUP BY ?x"""
    ).rows
    assert len(rows) == 240
    assert {int(row[1].toPython()) for row in rows} == {1}
    partners = {int(row[2].toPython()) for row in rows}
    assert partners <= {1, 2, 3, 4} and {1, 4} <= partners


def test_actors_have_up_to_three_memberships_and_some_none(store: EmbeddedStore) -> None:
    rows = store.query(
        f"""SELECT ?a (COUNT(DISTINCT ?membership) AS ?n) WHERE {{
              {
            stated(
                "?a a org:Organization . OPTIONAL { ?membership a org:Membership ; org:member ?a }"
            )
        } }}
            GROUP BY ?a"""
    ).rows
    counts = [int(row[1].toPython()) for row in rows]
    assert len(counts) > 500
    assert max(counts) == 3
    assert 0 < counts.count(0) < len(counts) / 2  # some, not most


def test_papers_have_consultations(store: EmbeddedStore) -> None:
    papers = per_municipality(
        store,
        "SELECT ?m (COUNT(DISTINCT ?p) AS ?n)",
        "?p a ikg:Paper ; ikg:municipality ?m . ?c ikg:paper ?p ; a ikg:Consultation",
    )
    assert all(papers[slug] >= 5 for slug in SLUGS), papers


def test_labels_are_german_with_umlauts(store: EmbeddedStore) -> None:
    for letter in "äöüÄÖÜß":
        rows = per_municipality(
            store,
            "SELECT ?m (COUNT(DISTINCT ?e) AS ?n)",
            f"?e skos:prefLabel ?label ; ikg:municipality ?m . "
            f'FILTER (CONTAINS(STR(?label), "{letter}"))',
        )
        assert all(rows.get(slug, 0) > 0 for slug in SLUGS), letter


# -- marked fictional ----------------------------------------------------------------------


def test_every_municipality_and_every_source_is_fictional(store: EmbeddedStore) -> None:
    flags = store.query(
        "SELECT ?m ?f WHERE { ?m a ikg:Municipality . OPTIONAL { ?m ikg:fictional ?f } }"
    ).rows
    assert len(flags) == 2
    assert all(row[1] is not None and row[1].toPython() is True for row in flags)
    kinds = store.query(
        f"""SELECT ?kind (COUNT(DISTINCT ?e) AS ?n) WHERE {{
              {stated("?e prov:wasDerivedFrom ?doc . ?doc ikg:documentType ?kind")} }}
            GROUP BY ?kind"""
    ).rows
    assert [str(row[0]) for row in kinds] == [FICTIONAL_DOCUMENT_KIND]
    assert int(kinds[0][1].toPython()) > 1_000
    unsourced = store.query(
        f"""SELECT (COUNT(DISTINCT ?e) AS ?n) WHERE {{
              {
            stated(
                "?e ikg:municipality ?m ; a ?type . "
                "FILTER (?type IN (org:Organization, ikg:Measure, org:Membership, "
                "ikg:Goal)) FILTER NOT EXISTS { ?e prov:wasDerivedFrom ?doc }"
            )
        } }}"""
    ).rows
    assert int(unsourced[0][0].toPython()) == 0


def test_a_real_municipality_may_not_cite_a_fictional_document(data_copy: Path) -> None:
    meta = data_copy / "oberhausen" / "municipality.yaml"
    text = meta.read_text(encoding="utf-8")
    meta.write_text(
        text.replace("kind: Webseite", f'kind: "{FICTIONAL_DOCUMENT_KIND}"', 1), encoding="utf-8"
    )
    with pytest.raises(SourceError) as caught:
        read_sources(data_copy)
    [problem] = caught.value.problems
    assert problem.file == "data/oberhausen/municipality.yaml"
    assert problem.record_id == "ki-webseite"
    assert "fictional: true" in problem.message


# -- a network worth analysing -------------------------------------------------------------


def test_a_few_msos_are_isolated_and_a_few_bridge_groups(store: EmbeddedStore) -> None:
    mso = actor_type_iri("mso")
    isolated = per_municipality(
        store,
        "SELECT ?m (COUNT(DISTINCT ?a) AS ?n)",
        f"""?a org:classification <{mso}> ; ikg:municipality ?m .
            FILTER NOT EXISTS {{ ?membership org:member ?a }}
            FILTER NOT EXISTS {{ ?measure ikg:lead|ikg:partner ?a }}""",
    )
    in_networks = store.query(
        f"""SELECT ?a ?m (COUNT(DISTINCT ?network) AS ?networks) WHERE {{
              {
            stated(
                f"?a org:classification <{mso}> ; ikg:municipality ?m . "
                "?membership org:member ?a ; org:organization ?network"
            )
        } }}
            GROUP BY ?a ?m"""
    ).rows
    brokers: dict[str, int] = {}
    for _, city, networks in in_networks:
        if int(networks.toPython()) >= 3:
            brokers[str(city).rsplit("/", 1)[-1]] = brokers.get(str(city).rsplit("/", 1)[-1], 0) + 1
    for slug in SLUGS:
        assert 3 <= isolated.get(slug, 0) <= 5, isolated
        assert brokers.get(slug, 0) >= 5, brokers


def test_msos_cluster_in_the_networks_of_their_community(store: EmbeddedStore) -> None:
    """The three community networks (language/origin, led by an MSO's "Sprecherrolle") of each
    municipality hold MSOs and no one else."""
    mso = actor_type_iri("mso")
    msos = {
        str(row[0])
        for row in store.query(
            f"SELECT ?a WHERE {{ {stated(f'?a org:classification <{mso}>')} }}"
        ).rows
    }
    rows = store.query(
        f"""SELECT ?network ?member WHERE {{
              {
            stated(
                '?speaker org:organization ?network ; ikg:roleLabel "Sprecherrolle"@de . '
                "?membership a org:Membership ; org:organization ?network ; "
                "org:member ?member"
            )
        } }}"""
    ).rows
    members: dict[str, set[str]] = {}
    for network, member in rows:
        members.setdefault(str(network), set()).add(str(member))
    assert len(members) == 6  # three per municipality
    for network, everyone in members.items():
        assert len(everyone) >= 2 and everyone <= msos, network


# -- never into data/ ----------------------------------------------------------------------


def test_the_generator_refuses_the_data_folder(tmp_path: Path) -> None:
    before = sorted(path.name for path in DATA_DIR.iterdir())
    for target in (DATA_DIR, DATA_DIR / "generiert", DATA_DIR.parent):
        with pytest.raises(GeneratorError, match="curated data folder"):
            write_generated_data(target, municipalities=1)
        with pytest.raises(GeneratorError, match="curated data folder"):
            write_example_city(target)
    assert sorted(path.name for path in DATA_DIR.iterdir()) == before
    assert not (DATA_DIR / EXAMPLE_SLUG).exists()
    check_target(tmp_path / "new")  # a new folder is fine


def test_ikg_generate_writes_a_data_folder(tmp_path: Path) -> None:
    from click.testing import CliRunner

    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["generate", "--municipalities", "2", "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "2 fiktive Kommunen" in result.output
    assert sorted(path.name for path in out.iterdir()) == [*SLUGS, "reference"]
    assert read_sources(out).municipality(SLUGS[1]).fictional


def test_ikg_generate_refuses_data_and_a_non_empty_folder(tmp_path: Path) -> None:
    from click.testing import CliRunner

    runner = CliRunner()
    before = sorted(path.name for path in DATA_DIR.iterdir())
    for target in (DATA_DIR, DATA_DIR / "x"):
        result = runner.invoke(main, ["generate", "-n", "1", "--out", str(target), "--force"])
        assert result.exit_code == 2
        assert "curated data folder" in result.output
    assert sorted(path.name for path in DATA_DIR.iterdir()) == before

    busy = tmp_path / "busy"
    busy.mkdir()
    (busy / "notiz.txt").write_text("meins", encoding="utf-8")
    result = runner.invoke(main, ["generate", "-n", "1", "--out", str(busy)])
    assert result.exit_code == 2
    assert "not empty" in result.output and "--force" in result.output
    assert sorted(path.name for path in busy.iterdir()) == ["notiz.txt"]
    result = runner.invoke(main, ["generate", "-n", "1", "--out", str(busy), "--force"])
    assert result.exit_code == 0, result.output
    assert sorted(path.name for path in busy.iterdir()) == ["musterstadt-001", "notiz.txt",
                                                            "reference"]  # fmt: skip
    assert (busy / "notiz.txt").read_text(encoding="utf-8") == "meins"


def test_generated_slugs_are_clearly_fictional(generated: Path) -> None:
    data = read_sources(generated)
    for municipality in data.municipalities:
        assert municipality.slug.startswith("musterstadt-")
        assert municipality.label.startswith("Stadt Musterstadt ")
        [document] = municipality.record.children("documents")
        assert document.values["kind"] == FICTIONAL_DOCUMENT_KIND
        assert "fiktiv" in document.values["title"]


def test_store_holds_only_generated_graphs(store: EmbeddedStore) -> None:
    graphs = {str(graph) for graph in store.named_graphs()}
    assert {str(municipality_graph(slug)) for slug in SLUGS} <= graphs
    assert str(municipality_graph("oberhausen")) not in graphs
