"""The profile pages show every kind of source as what it is: a document with its passage, an
object of the council information system (linked there), a table row, a statement of the
office. Built from the provenance fixture by the real build, read through the viewer."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from graph.build import build
from tests.test_provenance import OPARL_SOURCE, PAPER_URL, cite, data  # noqa: F401 - fixture
from webapp import create_app

# each test builds the provenance fixture (a HermiT check included)
pytestmark = pytest.mark.slow


@pytest.fixture
def client(data: Path, tmp_path: Path):  # noqa: F811 - the fixture imported above
    cite(data, "papers.yaml", "Vorlage 2024/0001", OPARL_SOURCE)
    cite(data, "actors.yaml", "AWO", "{table: tabellen/kita.csv, row: 3}")
    cite(data, "measures.yaml", "Sprachcafé", "{office: ki, date: 2024-03-01}")
    cite(data, "networks.yaml", "Mitglied", "{table: tabellen/kita.csv, row: 2}")
    store = tmp_path / "store"
    build(data, store, seeds_dir=None)
    app = create_app({"STORE": str(store), "TESTING": True})
    return app.test_client()


def sources_section(html: str) -> str:
    start = html.index("<h2>Quellen</h2>")
    return html[start : html.index("</main>", start)] if "</main>" in html else html[start:]


def test_an_oparl_object_links_to_the_council_information_system(client):
    page = client.get("/kommune/teststadt/vorlage-2024-0001")
    assert page.status_code == 200
    section = sources_section(page.get_data(as_text=True))
    link = re.search(r'<a href="([^"]+)" rel="noopener noreferrer">([^<]+)</a>', section)
    assert link and link.group(1) == PAPER_URL
    assert link.group(2) == "Vorlage im Ratsinformationssystem: Integrationskonzept 2024"
    assert "Objekt des Ratsinformationssystems; gespeicherte Kopie: oparl/paper-1.json" in section
    assert "<blockquote" not in section.split("Integrationskonzept 2024")[1].split("</div>")[0]


def test_a_table_row_and_an_office_statement_are_named_without_a_passage(client):
    awo = sources_section(client.get("/kommune/teststadt/awo").get_data(as_text=True))
    assert "Tabelle tabellen/kita.csv, Zeile 3" in awo
    measure = sources_section(client.get("/kommune/teststadt/sprachcafe").get_data(as_text=True))
    assert re.search(
        r"Angabe von Kommunales Integrationszentrum \(KI\) Teststadt vom "
        r"0?1\. ?(März|03\.) ?2024",
        measure,
    ), measure


def test_a_document_keeps_its_passage(client):
    section = sources_section(client.get("/kommune/teststadt/ki").get_data(as_text=True))
    assert '<blockquote class="passage">' in section


def test_a_membership_cited_by_a_table_row_shows_it(client):
    html = client.get("/kommune/teststadt/ak-integration").get_data(as_text=True)
    assert "Quelle: " in html
    row = html[html.index("Tabelle tabellen/kita.csv, Zeile 2") - 400 :]
    assert "Tabelle tabellen/kita.csv, Zeile 2</a></div>" in row or (
        "Tabelle tabellen/kita.csv, Zeile 2</div>" in row
    )
    assert "Zeile 2</a>: „" not in html and "Zeile 2: „" not in html  # no empty quote marks


def test_the_actor_query_lists_a_source_that_is_not_a_document(client):
    answer = client.get("/abfragen/actor?actor=teststadt/awo&format=json").get_json()
    values = [
        (row["aspect"]["value"], row["value"]["value"])
        for row in answer["results"]["bindings"]
        if "aspect" in row and "value" in row
    ]
    assert ("Quelle", "Tabelle tabellen/kita.csv, Zeile 3") in values
