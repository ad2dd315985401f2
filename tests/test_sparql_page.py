"""The SPARQL query page in a real browser (Debian's chromium via Playwright) against a real
waitress server: pick a named example, run it, see its rows; errors and hostile names."""

from __future__ import annotations

import csv
import io
import json
import urllib.parse
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


@pytest.fixture(scope="module")
def hostile_url(tmp_path_factory) -> Iterator[str]:
    import pyoxigraph as ox

    from graph.store.builds import write_store

    source = Path(__file__).parent / "fixtures" / "hostile" / "hostile.trig"
    path = tmp_path_factory.mktemp("hostile-sparql") / "store"
    quads = ox.parse(source.read_bytes(), format=ox.RdfFormat.TRIG)
    write_store(path, [ox.serialize(quads, format=ox.RdfFormat.N_QUADS)])
    with serve({"STORE": str(path)}) as served:
        yield served.base


def ask(base_url: str, query: str) -> dict:
    """The same query through the endpoint, as a program asks it."""
    url = f"{base_url}/sparql?" + urllib.parse.urlencode({"query": query})
    request = urllib.request.Request(url, headers={"Accept": "application/sparql-results+json"})
    with urllib.request.urlopen(request) as response:  # noqa: S310 - our own loopback server
        return json.load(response)


def run(page) -> None:
    page.click("#sparql-run")
    page.wait_for_selector("#sparql-summary, #sparql-status .error-message", timeout=20_000)


def test_a_named_example_runs_and_shows_its_rows(page, base_url):
    page.goto(f"{base_url}/sparql")
    page.click("header.site nav >> text=SPARQL")  # the nav link leads here
    page.wait_for_url(f"{base_url}/sparql")
    page.select_option("#sparql-example", "action-fields")
    query = page.input_value("#sparql-query")
    assert query.startswith("# Handlungsfelder einer Kommune")
    assert "VALUES (?municipality" in query and "leverkusen" in query
    run(page)
    expected = ask(base_url, query)["results"]["bindings"]
    assert len(expected) == 10  # Leverkusen's ten action fields, as the README says
    rows = page.locator("#sparql-result tbody tr")
    assert rows.count() == len(expected)
    labels = page.locator("#sparql-result tbody").inner_text()
    assert all(b["label"]["value"] in labels for b in expected)
    assert page.inner_text("#sparql-summary").startswith("10 Zeilen")
    assert "query=" in page.url  # the address shows the query, to share or reload
    csv_link = page.locator("#sparql-downloads a[data-format=csv]")
    assert csv_link.get_attribute("download") == "ergebnis.csv"
    with urllib.request.urlopen(base_url + csv_link.get_attribute("href")) as response:  # noqa: S310
        rows_csv = list(csv.reader(io.StringIO(response.read().decode("utf-8"))))
    assert len(rows_csv) == 1 + len(expected) and "label" in rows_csv[0]
    assert page.recorder.errors == []
    assert page.recorder.foreign(base_url) == []


def test_ask_and_construct_show_their_answers(page, base_url):
    page.goto(f"{base_url}/sparql")
    page.fill("#sparql-query", "ASK { ?m a ikg:Municipality ; skos:prefLabel 'x' }")
    run(page)
    assert "nein (false)" in page.inner_text("#sparql-summary")
    page.fill(
        "#sparql-query", "CONSTRUCT { ?m a ikg:Municipality } WHERE { ?m a ikg:Municipality }"
    )
    page.click("#sparql-run")
    page.wait_for_selector("#sparql-result pre.sparql-graph")
    assert "ikg:Municipality" in page.inner_text("#sparql-result pre")
    assert page.locator("#sparql-downloads a[data-format=turtle]").count() == 1
    assert page.recorder.errors == []


def test_errors_and_refusals_are_shown_in_the_page(page, base_url):
    page.goto(f"{base_url}/sparql")
    page.fill("#sparql-query", "SELECT ?x WHERE { ?x ikg:label }")
    run(page)
    alert = page.inner_text("#sparql-status [role=alert]")
    assert alert.startswith("Fehler (400)") and "syntax error" in alert
    page.fill("#sparql-query", "DROP ALL")
    run(page)
    assert "Fehler (403)" in page.inner_text("#sparql-status [role=alert]")
    assert "schreibgeschützt" in page.inner_text("#sparql-status [role=alert]")
    assert page.locator("#sparql-result table").count() == 0
    assert page.recorder.foreign(base_url) == []


def test_the_page_works_without_javascript(browser, base_url):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(f"{base_url}/sparql")
    page.select_option("#sparql-example", "bodies")
    page.click("#sparql-example-load")
    page.wait_for_url("**beispiel=bodies**")
    assert page.input_value("#sparql-query").startswith("# ")
    page.click("#sparql-run")
    page.wait_for_url("**query=**")
    assert page.locator("#sparql-result tbody tr").count() > 0
    context.close()


def test_hostile_names_stay_text(page, hostile_url):
    page.goto(f"{hostile_url}/sparql")
    page.fill("#sparql-query", "SELECT ?label WHERE { ?s skos:prefLabel ?label } ORDER BY ?label")
    run(page)
    cells = page.locator("#sparql-result tbody").inner_text()
    assert "<script>alert(1)</script>" in cells and "<img src=x onerror=alert(1)>" in cells
    page.wait_for_timeout(300)
    assert page.recorder.dialogs == []
    assert page.locator("#sparql-result img, #sparql-result script, #sparql-result b").count() == 0
    # the same through the server-rendered page (a GET with the query)
    query = urllib.parse.urlencode({"query": "SELECT ?label WHERE { ?s skos:prefLabel ?label }"})
    page.goto(f"{hostile_url}/sparql?{query}")
    assert "{{ 7*7 }}" in page.locator("#sparql-result tbody").inner_text()
    assert page.locator("#sparql-result img, #sparql-result script").count() == 0
    page.wait_for_timeout(300)
    assert page.recorder.dialogs == []
    assert page.recorder.foreign(hostile_url) == []
