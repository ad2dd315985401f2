"""The viewer in a real browser (Debian's chromium via Playwright) against a real waitress
server on a free loopback port."""

from __future__ import annotations

import json
import tempfile
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.browsing import needs_chromium
from tests.serving import serve

pytestmark = needs_chromium


@pytest.fixture(scope="module")
def base_url(store_path: Path) -> Iterator[str]:
    with serve({"STORE": str(store_path)}) as served:
        yield served.base


def fetch_json(url: str) -> dict:
    with urllib.request.urlopen(url) as response:  # noqa: S310 - our own loopback server
        return json.load(response)


def open_network(page, url: str) -> int:
    page.goto(url)
    page.wait_for_selector("#network[data-ready=true]", timeout=20_000)
    assert page.locator("#network canvas").count() == 1
    return int(page.get_attribute("#network", "data-node-count"))


def test_network_draws_the_expected_nodes_and_filters_change_them(page, base_url):
    expected = fetch_json(f"{base_url}/kommune/oberhausen/netzwerk.json")
    assert (
        open_network(page, f"{base_url}/kommune/oberhausen/netzwerk") == len(expected["nodes"]) > 20
    )
    page.select_option("select[name=typ]", "mso")
    page.click("form.filters button[type=submit]")
    page.wait_for_url("**/netzwerk?typ=mso**")
    page.wait_for_selector("#network[data-ready=true]", timeout=20_000)
    filtered = int(page.get_attribute("#network", "data-node-count"))
    wanted = fetch_json(f"{base_url}/kommune/oberhausen/netzwerk.json?typ=mso")
    assert filtered == len(wanted["nodes"]) < len(expected["nodes"])
    assert page.recorder.foreign(base_url) == []
    assert page.recorder.errors == []


def test_search_focuses_a_node_and_clicking_it_opens_the_profile(page, base_url):
    open_network(page, f"{base_url}/kommune/oberhausen/netzwerk")
    page.fill("#node-search", "Integrationsrat")
    page.click("#node-search-button")
    focused = page.get_attribute("#network", "data-focused-node")
    assert focused and "/oberhausen/" in focused and "integrationsrat" in focused
    assert "Gefunden" in page.inner_text("#network-status")
    point = page.evaluate(
        """(id) => {
          const net = window.ikgNetwork;
          const dom = net.canvasToDOM(net.getPositions([id])[id]);
          const box = document.querySelector('#network canvas').getBoundingClientRect();
          return {x: box.left + dom.x, y: box.top + dom.y};
        }""",
        focused,
    )
    page.mouse.click(point["x"], point["y"])
    page.wait_for_url(lambda url: "/netzwerk" not in url, timeout=10_000)
    nodes = fetch_json(f"{base_url}/kommune/oberhausen/netzwerk.json")["nodes"]
    assert page.url == base_url + next(n["url"] for n in nodes if n["id"] == focused)
    assert page.locator("h1").inner_text()
    assert page.recorder.foreign(base_url) == []


def test_png_export_downloads_an_image(page, base_url):
    open_network(page, f"{base_url}/kommune/oberhausen/netzwerk")
    with page.expect_download() as download:
        page.click("#download-png")
    assert download.value.suggested_filename == "netzwerk-oberhausen.png"
    assert Path(download.value.path()).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_coverage_matrix_shows_a_gap_the_data_has(page, base_url):
    data = fetch_json(f"{base_url}/kommune/oberhausen/abdeckung.json")
    gap = data["gaps"][0]
    page.goto(f"{base_url}/kommune/oberhausen/abdeckung")
    cell = page.locator(f'td[data-field="{gap["field"]}"][data-type="{gap["type"]}"]')
    assert cell.get_attribute("data-gap") == "true"
    assert "—" in cell.inner_text() and "Lücke" in cell.text_content()
    cell.locator("a").click()
    page.wait_for_url("**feld=**")
    assert "Lücke:" in page.inner_text("#auswahl")
    assert page.recorder.foreign(base_url) == []


@pytest.mark.parametrize(
    "path",
    [
        "/",
        "/kommune/oberhausen",
        "/netzwerk",
        "/kommune/oberhausen/zustaendigkeiten",
        "/vergleich",
        "/vorlage/leverkusen/paper-2017-1900",
        "/kommune/oberhausen/ki",
        "/abfragen/action-fields?municipality=oberhausen",
        "/suche?q=Rat",
    ],
)
def test_pages_only_ask_their_own_server(page, base_url, path):
    page.goto(base_url + path)
    page.wait_for_load_state("networkidle")
    assert page.recorder.requests, "the page loaded"
    assert page.recorder.foreign(base_url) == []
    assert page.recorder.errors == []


# -- hostile names in the browser -----------------------------------------------------


@pytest.fixture(scope="module")
def hostile_url(tmp_path_factory) -> Iterator[str]:
    import pyoxigraph as ox

    from graph.store.builds import write_store

    source = Path(__file__).parent / "fixtures" / "hostile" / "hostile.trig"
    path = tmp_path_factory.mktemp("hostile-browser") / "store"
    quads = ox.parse(source.read_bytes(), format=ox.RdfFormat.TRIG)
    write_store(path, ox.serialize(quads, format=ox.RdfFormat.N_QUADS))
    with serve({"STORE": str(path)}) as served:
        yield served.base


@pytest.mark.parametrize(
    "path",
    [
        "/",
        "/kommune/hostile",
        "/kommune/hostile/netzwerk",
        "/kommune/hostile/abdeckung",
        "/kommune/hostile/zustaendigkeiten",
        "/vergleich",
        "/vorlage/hostile/vorlage",
        "/kommune/hostile/ki",
        "/kommune/hostile/netz",
        "/suche?q=script",
    ],
)
def test_no_dialog_fires_for_hostile_names(page, hostile_url, path):
    page.goto(hostile_url + path)
    if "netzwerk" in path:
        page.wait_for_selector("#network[data-ready=true]", timeout=20_000)
        box = page.locator("#network canvas").bounding_box()
        for dx in range(0, int(box["width"]), 60):  # hover across: tooltips appear
            page.mouse.move(box["x"] + dx, box["y"] + box["height"] / 2)
    page.wait_for_timeout(300)
    assert page.recorder.dialogs == []
    assert page.locator("img[src=x]").count() == 0
    assert page.recorder.foreign(hostile_url) == []


def test_focus_fades_everything_outside_the_neighbourhood(page, base_url):
    path = "/kommune/oberhausen/netzwerk?fokus=oberhausen/ki&umkreis=1"
    expected = fetch_json(base_url + path.replace("netzwerk?", "netzwerk.json?"))["focus"]
    drawn = open_network(page, base_url + path)
    highlighted = int(page.get_attribute("#network", "data-highlighted-count"))
    assert highlighted == expected["highlighted"] < drawn
    assert "Umgebung von" in page.text_content("#network-status")
    page.screenshot(path=str(Path(tempfile.gettempdir()) / "ikg-focus.png"))
