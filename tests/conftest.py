"""Shared fixtures: the built-in data built once per test session into a real on-disk store."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner
from rdflib import Graph

from graph.build import BuildSummary, build, prepare
from graph.namespaces import ONTOLOGY_GRAPH
from graph.queries import NamedQuery, load_queries
from graph.settings import PROJECT_ROOT, Settings
from graph.store import EmbeddedStore

DATA_DIR = PROJECT_ROOT / "data"
QUERIES_DIR = PROJECT_ROOT / "queries"
SEEDS_DIR = Settings().seeds_dir
FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture(scope="session")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, BuildSummary]:
    """The three cities' data built once into a store on disk."""
    store_path = tmp_path_factory.mktemp("store") / "store"
    summary = build(DATA_DIR, store_path, seeds_dir=SEEDS_DIR)
    return store_path, summary


@pytest.fixture(scope="session")
def real_data() -> Graph:
    """The cities' data mapped and SHACL-validated as the build does, all graphs but the
    ontology's in one graph (raises SourceError on any violation)."""
    prepared = prepare(DATA_DIR, SEEDS_DIR)
    union = Graph()
    for graph_iri, graph in prepared.graphs.items():
        if graph_iri != ONTOLOGY_GRAPH:
            union += graph
    return union


@pytest.fixture(scope="session")
def store_path(built: tuple[Path, BuildSummary]) -> Path:
    return built[0]


@pytest.fixture(scope="session")
def store(store_path: Path) -> EmbeddedStore:
    return EmbeddedStore(store_path)


@pytest.fixture(scope="session")
def queries() -> dict[str, NamedQuery]:
    return load_queries(QUERIES_DIR)


@pytest.fixture
def runner(monkeypatch: pytest.MonkeyPatch, store_path: Path) -> CliRunner:
    """A CLI runner whose `ikg` uses the session's store unless told otherwise."""
    monkeypatch.setenv("IKG_STORE", str(store_path))
    return CliRunner()


@pytest.fixture
def data_copy(tmp_path: Path) -> Path:
    """A writable copy of data/ for tests that break it on purpose."""
    target = tmp_path / "data"
    shutil.copytree(DATA_DIR, target)
    return target
