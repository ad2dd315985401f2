"""Incremental builds: after a change to one municipality's files only that municipality is
read, mapped and checked again; the store that results equals a full build's; anything shared
changing means a full rebuild; a failed rebuild leaves the previous store as it was."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import Graph
from rdflib.compare import isomorphic

from graph.build import BuildSummary, build, prepare
from graph.cli import main
from graph.errors import SourceError
from graph.manifest import MANIFEST_NAME, Manifest
from graph.namespaces import ONTOLOGY_GRAPH, municipality_graph
from graph.store import EmbeddedStore
from tests.conftest import DATA_DIR, FIXTURES, SEEDS_DIR

# every test here builds, most of them twice
pytestmark = pytest.mark.slow

CITIES = ["leverkusen", "oberhausen", "offenburg"]


def quads_without_blank_nodes(store_path: Path) -> set[str]:
    """Every quad of a build; the ontology's blank nodes (OWL axioms) are compared apart."""
    store = ox.Store.read_only(str(store_path.resolve()))
    return {
        str(quad)
        for quad in store
        if not any(isinstance(term, ox.BlankNode) for term in (quad.subject, quad.object))
    }


def ontology_graph(store_path: Path) -> Graph:
    dump = EmbeddedStore(store_path).dump(ox.RdfFormat.N_TRIPLES, ONTOLOGY_GRAPH)
    return Graph().parse(data=dump, format="nt")


def assert_equals_full_build(data: Path, store_path: Path, tmp_path: Path) -> BuildSummary:
    full_path = tmp_path / "full" / "store"
    full = build(data, full_path, seeds_dir=SEEDS_DIR)
    assert full.full
    assert quads_without_blank_nodes(store_path) == quads_without_blank_nodes(full_path)
    assert isomorphic(ontology_graph(store_path), ontology_graph(full_path))
    assert set(EmbeddedStore(store_path).named_graphs()) == set(
        EmbeddedStore(full_path).named_graphs()
    )
    return full


def graph_bytes(store_path: Path, slug: str) -> bytes:
    return EmbeddedStore(store_path).dump(ox.RdfFormat.N_TRIPLES, municipality_graph(slug))


def rename_first_actor(data: Path, slug: str, new_label: str) -> None:
    path = data / slug / "actors.yaml"
    lines = path.read_text(encoding="utf-8").splitlines()
    index = next(i for i, line in enumerate(lines) if line.strip().startswith("label:"))
    indent = lines[index][: len(lines[index]) - len(lines[index].lstrip())]
    lines[index] = f"{indent}label: {new_label}"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


@pytest.fixture
def built_copy(data_copy: Path, tmp_path: Path) -> Path:
    """data/ copied and built once into tmp_path/store (a full build)."""
    summary = build(data_copy, tmp_path / "store", seeds_dir=SEEDS_DIR)
    assert summary.full and summary.rebuilt == CITIES
    return tmp_path / "store"


def test_a_change_to_one_municipality_rebuilds_only_it(
    data_copy: Path, built_copy: Path, tmp_path: Path
) -> None:
    before = {slug: graph_bytes(built_copy, slug) for slug in CITIES}
    rename_first_actor(data_copy, "offenburg", "Geänderter Verein Offenburg e. V.")

    summary = build(data_copy, built_copy, seeds_dir=SEEDS_DIR)

    assert not summary.full
    assert summary.rebuilt == ["offenburg"] and summary.removed == []
    assert sorted(summary.entities) == CITIES
    for slug in ("leverkusen", "oberhausen"):
        assert graph_bytes(built_copy, slug) == before[slug]
    assert graph_bytes(built_copy, "offenburg") != before["offenburg"]
    assert "Geänderter Verein".encode() in graph_bytes(built_copy, "offenburg")
    full = assert_equals_full_build(data_copy, built_copy, tmp_path)
    assert summary.entities == full.entities
    assert summary.triples_per_graph == full.triples_per_graph


def test_nothing_changed_rebuilds_nothing_but_still_makes_a_build(built_copy: Path) -> None:
    first = built_copy.resolve()
    summary = build(DATA_DIR, built_copy, seeds_dir=SEEDS_DIR)
    assert not summary.full and summary.rebuilt == [] and summary.removed == []
    assert built_copy.resolve() != first
    assert quads_without_blank_nodes(built_copy) == quads_without_blank_nodes(first)
    assert sum(summary.triples_per_graph.values()) == EmbeddedStore(built_copy).quad_count()


def test_a_reference_change_rebuilds_everything(data_copy: Path, built_copy: Path) -> None:
    path = data_copy / "reference" / "action-fields.yaml"
    path.write_text(path.read_text(encoding="utf-8") + "# eine Anmerkung\n", encoding="utf-8")
    summary = build(data_copy, built_copy, seeds_dir=SEEDS_DIR)
    assert summary.full and summary.rebuilt == CITIES


def test_full_forces_a_full_rebuild_and_the_cli_says_what_it_rebuilt(
    data_copy: Path, built_copy: Path, runner
) -> None:
    assert build(data_copy, built_copy, seeds_dir=SEEDS_DIR, full=True).rebuilt == CITIES

    rename_first_actor(data_copy, "leverkusen", "Ein neuer Name")
    arguments = ["build", "--data", str(data_copy), "--store", str(built_copy)]
    result = runner.invoke(main, arguments)
    assert result.exit_code == 0, result.output
    assert "Neu aufgebaut: leverkusen; entfernt: –; unverändert übernommen: 2" in result.output

    result = runner.invoke(main, [*arguments, "--full"])
    assert result.exit_code == 0, result.output
    assert "Neu aufgebaut" not in result.output
    manifest = Manifest.read(built_copy.resolve())
    assert manifest is not None and sorted(manifest.municipalities) == CITIES


def test_a_failed_incremental_build_leaves_the_previous_store_untouched(
    data_copy: Path, built_copy: Path, tmp_path: Path
) -> None:
    target = os.readlink(built_copy)
    quads = quads_without_blank_nodes(built_copy)
    builds = sorted((tmp_path / "store.builds").iterdir())
    # a YAML syntax error in one municipality's file
    path = data_copy / "oberhausen" / "actors.yaml"
    path.write_text(
        path.read_text(encoding="utf-8").replace("label:", "label: [kaputt", 1), encoding="utf-8"
    )

    with pytest.raises(SourceError) as failure:
        build(data_copy, built_copy, seeds_dir=SEEDS_DIR)

    assert "data/oberhausen/actors.yaml" in str(failure.value)
    assert os.readlink(built_copy) == target
    assert quads_without_blank_nodes(built_copy) == quads
    assert sorted((tmp_path / "store.builds").iterdir()) == builds


def test_a_deleted_municipality_folder_removes_its_graphs(
    data_copy: Path, built_copy: Path, tmp_path: Path
) -> None:
    shutil.rmtree(data_copy / "offenburg")
    summary = build(data_copy, built_copy, seeds_dir=SEEDS_DIR)
    assert not summary.full and summary.rebuilt == [] and summary.removed == ["offenburg"]
    assert municipality_graph("offenburg") not in EmbeddedStore(built_copy).named_graphs()
    assert sorted(summary.entities) == ["leverkusen", "oberhausen"]
    assert_equals_full_build(data_copy, built_copy, tmp_path)


def test_a_new_municipality_folder_is_added(data_copy: Path, tmp_path: Path) -> None:
    # the fixture town cites documents that are not among the seeds: no seeds folder here
    store_path = tmp_path / "store"
    build(data_copy, store_path)
    shutil.copytree(FIXTURES / "sources" / "teststadt", data_copy / "teststadt")
    summary = build(data_copy, store_path)
    assert not summary.full and summary.rebuilt == ["teststadt"]
    assert EmbeddedStore(store_path).graph_size(municipality_graph("teststadt")) > 0
    full_path = tmp_path / "full" / "store"
    build(data_copy, full_path)
    assert quads_without_blank_nodes(store_path) == quads_without_blank_nodes(full_path)


def test_a_reader_of_the_previous_build_keeps_seeing_it(data_copy: Path, built_copy: Path) -> None:
    reader = EmbeddedStore(built_copy)
    count = reader.graph_size(municipality_graph("offenburg"))
    shutil.rmtree(data_copy / "offenburg")
    build(data_copy, built_copy, seeds_dir=SEEDS_DIR)
    assert reader.graph_size(municipality_graph("offenburg")) == count
    assert EmbeddedStore(built_copy).graph_size(municipality_graph("offenburg")) == 0


def test_a_vanished_source_document_is_noticed_although_its_folder_did_not_change(
    tmp_path: Path, data_copy: Path
) -> None:
    seeds = tmp_path / "seeds"
    shutil.copytree(SEEDS_DIR, seeds)
    store_path = tmp_path / "store"
    build(data_copy, store_path, seeds_dir=seeds)
    manifest = Manifest.read(store_path.resolve())
    assert manifest is not None
    document = manifest.municipalities["leverkusen"].documents[0]
    (seeds / document).unlink()
    with pytest.raises(SourceError) as failure:
        build(data_copy, store_path, seeds_dir=seeds)
    assert f"source document file '{document}' not found" in str(failure.value)


def test_a_build_without_manifest_is_rebuilt_in_full(built_copy: Path) -> None:
    (built_copy.resolve() / MANIFEST_NAME).unlink()
    assert build(DATA_DIR, built_copy, seeds_dir=SEEDS_DIR).full


def test_worker_processes_prepare_the_same_graphs_as_one_process() -> None:
    alone = prepare(DATA_DIR, SEEDS_DIR, workers=1)
    pooled = prepare(DATA_DIR, SEEDS_DIR, workers=2)
    assert [m.slug for m in pooled.municipalities] == CITIES
    for one, other in zip(alone.municipalities, pooled.municipalities, strict=True):
        assert one.nquads.keys() == other.nquads.keys()
        for graph, nquads in one.nquads.items():
            assert sorted(nquads.splitlines()) == sorted(other.nquads[graph].splitlines())
        assert one.entities == other.entities
