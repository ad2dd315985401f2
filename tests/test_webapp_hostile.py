"""Names and texts that are markup or template syntax are shown as text on every page.

The YAML reader rejects markup on purpose, so this test writes RDF straight into a store.
"""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest

from graph.store.builds import write_store
from webapp import create_app

HOSTILE = Path(__file__).parent / "fixtures" / "hostile" / "hostile.trig"

RAW = ["<script>alert(1)</script>", "<img src=x onerror=alert(1)>", "<b>", "<i>x</i>"]
EVALUATED = ["Rat 49 Ende", "Amt 49 Ende", "Land 49 Ende", "Fassung 49 Ende", "Ergebnis 49 Ende"]

PAGES = [
    "/",
    "/kommune/hostile",
    "/suche?q=script",
    "/suche?q=7*7",
    "/netzwerk",
    "/kommune/hostile/netzwerk",
    "/kommune/hostile/netzwerk?typ=mso",
    "/kommune/hostile/abdeckung",
    "/kommune/hostile/abdeckung?feld=feld&typ=MSO+<img+src%3Dx+onerror%3Dalert(1)>",
    "/kommune/hostile/zustaendigkeiten",
    "/kommune/hostile/zustaendigkeiten?q=<script>",
    "/vergleich",
    "/vorlage/hostile/vorlage",
    "/abfragen/action-fields?municipality=hostile",
    "/abfragen/coverage?municipality=hostile",
    "/referenz/action-field/bildung",
    "/referenz/actor-type/mso",
]

ENTITIES = [
    "doc",
    "ki",
    "mso",
    "rat",
    "netz",
    "netz-member-mso",
    "konzept",
    "fassung",
    "feld",
    "massnahme",
    "massnahme-responsibility-1",
    "vorlage",
    "vorlage-consultation-1",
]


@pytest.fixture(scope="module")
def hostile_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    quads = ox.parse(HOSTILE.read_bytes(), format=ox.RdfFormat.TRIG)
    path = tmp_path_factory.mktemp("hostile") / "store"
    write_store(path, ox.serialize(quads, format=ox.RdfFormat.N_QUADS))
    return path


@pytest.fixture(scope="module")
def client(hostile_store):
    return create_app({"STORE": str(hostile_store), "TESTING": True}).test_client()


def all_pages() -> list[str]:
    return PAGES + [f"/kommune/hostile/{entity}" for entity in ENTITIES]


def assert_inert(html: str) -> None:
    for raw in RAW:
        assert raw not in html, raw
    for evaluated in EVALUATED:
        assert evaluated not in html, evaluated


@pytest.mark.parametrize("url", all_pages())
def test_hostile_names_are_text_on_every_page(client, url):
    response = client.get(url)
    assert response.status_code == 200, response.data[:300]
    assert_inert(response.get_data(as_text=True))


@pytest.mark.parametrize("url", all_pages())
def test_hostile_names_are_plain_strings_in_json(client, url):
    path, _, query = url.partition("?")
    path = "/index" if path == "/" else path
    response = client.get(path + ".json", query_string=query)
    assert response.status_code == 200
    assert response.is_json
    text = response.get_data(as_text=True)
    for evaluated in EVALUATED:
        assert evaluated not in text


def test_escaped_forms_are_shown(client):
    html = client.get("/kommune/hostile").get_data(as_text=True)
    assert "Verein &lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "Netz &lt;img src=x onerror=alert(1)&gt; Netz" in html
    assert "Rat {{ 7*7 }} Ende" in html
    assert "&#34;Anführung&#34; &amp; &#39;Apostroph&#39;" in html
    profile = client.get("/kommune/hostile/ki").get_data(as_text=True)
    assert "Zitat &lt;script&gt;alert(1)&lt;/script&gt; &#34;und&#34; {{ 7*7 }}" in profile


def test_the_diagram_data_is_escaped_json(client):
    html = client.get("/kommune/hostile/netzwerk").get_data(as_text=True)
    start = html.index('<script type="application/json" id="network-data">')
    block = html[start : html.index("</script>", start)]
    assert "\\u003cscript\\u003ealert(1)\\u003c/script\\u003e" in block
    assert "\\u003cimg src=x onerror=alert(1)\\u003e" in block
    assert "Rat {{ 7*7 }} Ende" in block


def test_graphml_escapes_names(client):
    text = client.get("/kommune/hostile/netzwerk.graphml").get_data(as_text=True)
    assert "<script>" not in text and "&lt;script&gt;alert(1)&lt;/script&gt;" in text
