"""A paper imported from a council information system, as the viewer and the named query show
it: the Beratungsfolge by meeting date with unknown dates last ("Datum unbekannt"), the role
"unbekannt" as such, a missing authoritative as "keine Angaben" — on both store kinds."""

from __future__ import annotations

import re
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from graph.build import build
from graph.importing.oparl.plan import plan_import
from graph.queries import load_queries, run_named_query
from graph.results import plain
from graph.sources import read_sources
from graph.store import EmbeddedStore, RemoteStore, Store
from graph.store.push import PushTarget, push
from tests.conftest import DATA_DIR, QUERIES_DIR
from tests.oparl_objects import musterstadt_crawl
from tests.sparql_server import oxigraph_server
from webapp import create_app

PAPER_PAGE = "/vorlage/musterstadt/paper-vo-2024-100"
#: the Beratungsfolge by date: (listed at, body, date, role, authoritative)
EXPECTED = [
    ("2", "Ausschuss für Schule und Bildung", "01.02.2024", "unbekannt", ""),
    ("1", "Integrationsrat", "05.03.2024", "Vorberatung", "nein"),
    ("3", "Runder Tisch Vielfalt", "", "unbekannt", ""),
    ("4", "Integrationsrat", "", "Kenntnisnahme", "nein"),
]


@pytest.fixture(scope="module")
def imported_store_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Musterstadt imported from its council system (tests/oparl_objects.py) and built."""
    root = tmp_path_factory.mktemp("imported")
    data = root / "data"
    shutil.copytree(DATA_DIR / "reference", data / "reference")
    reference = read_sources(DATA_DIR, only=set()).reference
    plan_import(musterstadt_crawl(), data / "musterstadt", reference, slug="musterstadt").apply()
    store_path = root / "store"
    build(data, store_path)  # the shapes accept the imported records, gaps and all
    return store_path


@pytest.fixture(scope="module")
def imported_oxigraph(
    tmp_path_factory: pytest.TempPathFactory, imported_store_path: Path
) -> Iterator[RemoteStore]:
    with oxigraph_server(tmp_path_factory.mktemp("imported-oxigraph")) as server:
        target = PushTarget(server.query_url, server.update_url, timeout_seconds=60)
        push(EmbeddedStore(imported_store_path), target)
        yield RemoteStore(server.query_url, timeout_seconds=30)


@pytest.fixture(params=["embedded", "oxigraph"])
def imported_store(request: pytest.FixtureRequest, imported_store_path: Path) -> Store:
    if request.param == "embedded":
        return EmbeddedStore(imported_store_path)
    return request.getfixturevalue("imported_oxigraph")


def test_the_named_query_lists_the_consultations_by_date_unknown_last(
    imported_store: Store,
) -> None:
    query = load_queries(QUERIES_DIR)["consultations"]
    result = run_named_query(imported_store, query, {"paper": "VO/2024/100"})
    positions = [
        result.variables.index(name)
        for name in ("order", "bodyLabel", "date", "role", "authoritative")
    ]
    assert [tuple(plain(row[p]) for p in positions) for row in result.rows] == EXPECTED


def test_the_paper_page_shows_the_beratungsfolge_by_date(imported_store_path: Path) -> None:
    client = create_app({"STORE": str(imported_store_path), "TESTING": True}).test_client()
    data = client.get(PAPER_PAGE + ".json").get_json()
    steps = data["consultations"]
    assert [(s["order"], s["body"]["label"], s["role"]) for s in steps] == [
        (int(order), body, role) for order, body, _, role, _ in EXPECTED
    ]
    assert [s["position"] for s in steps] == [1, 2, 3, 4]
    assert [s["authoritative"] for s in steps] == [None, False, None, False]
    assert steps[1]["result"] == "einstimmig empfohlen"

    html = client.get(PAPER_PAGE).get_data(as_text=True)
    items = re.findall(r"<li class=\"[^\"]*\">(.*?)</li>", html, flags=re.S)
    assert len(items) == 4
    assert "01.02.2024" in items[0] and "05.03.2024" in items[1]
    for item in items[2:]:
        assert "Datum unbekannt" in item
    assert "Rolle unbekannt" in items[0] and "Rolle unbekannt" in items[2]
    assert "entscheidet: keine Angaben" in items[0] and "entscheidet: keine Angaben" in items[2]
    assert "keine Angaben" not in items[1] and "berät (entscheidet nicht)" in items[1]


def test_the_papers_profile_links_its_files_never_their_contents(
    imported_store_path: Path,
) -> None:
    client = create_app({"STORE": str(imported_store_path), "TESTING": True}).test_client()
    html = client.get("/kommune/musterstadt/paper-vo-2024-100").get_data(as_text=True)
    assert re.search(
        r"<dt>Datei</dt>\s*<dd>\s*<a href=\"[^\"]+/file/1\">Anlage Statistik</a>", html
    )
    file_page = client.get("/kommune/musterstadt/paper-vo-2024-100/file/1").get_data(as_text=True)
    assert "https://ris.musterstadt.example/oparl/file/7.pdf" in file_page
    assert "nie übernommen" not in html + file_page  # the file's text stays in the system
