"""The example city 'beispielstadt': built beside the real data by `ikg build --with-example`
through the real reader, marked as fictional on every page that shows it, and left out of
comparisons unless asked for."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pyoxigraph as ox
import pytest
from click.testing import CliRunner

from graph.cli import main
from graph.generator import EXAMPLE_SLUG
from graph.namespaces import municipality_graph
from graph.queries import run_named_query
from graph.results import plain
from graph.store import EmbeddedStore
from graph.store.builds import write_store
from tests.browsing import needs_chromium
from tests.conftest import DATA_DIR, FIXTURES
from tests.serving import serve
from webapp import create_app

# nearly every test here needs the example city built beside the real data
pytestmark = pytest.mark.slow

NOTICE = "Fiktive Beispieldaten – keine echte Kommune."
REAL = ("leverkusen", "oberhausen", "offenburg")


@pytest.fixture(scope="module")
def example_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The three cities and the example city, built by the command scripts/start runs."""
    store_path = tmp_path_factory.mktemp("example") / "store"
    result = CliRunner().invoke(main, ["build", "--with-example", "--store", str(store_path)])
    assert result.exit_code == 0, result.output
    assert EXAMPLE_SLUG in result.output
    return store_path


@pytest.fixture(scope="module")
def store(example_store: Path) -> EmbeddedStore:
    return EmbeddedStore(example_store)


@pytest.fixture(scope="module")
def client(example_store: Path):
    return create_app({"STORE": str(example_store), "TESTING": True}).test_client()


def html(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return response.get_data(as_text=True)


def compared(store: EmbeddedStore, queries, **values: str) -> set[str]:
    result = run_named_query(store, queries["compare"], values)
    column = result.variables.index("municipality")
    return {str(row[column]).rsplit("/", 1)[-1] for row in result.rows}


# -- the build ----------------------------------------------------------------------------


def test_the_example_city_is_built_beside_the_real_data(store: EmbeddedStore) -> None:
    graphs = set(store.named_graphs())
    for slug in (*REAL, EXAMPLE_SLUG):
        assert municipality_graph(slug) in graphs
    flags = {
        str(row[0]).rsplit("/", 1)[-1]: row[1].toPython()
        for row in store.query(
            "SELECT ?m ?f WHERE { ?m a ikg:Municipality ; ikg:fictional ?f }"
        ).rows
    }
    assert flags == {"beispielstadt": True, "leverkusen": False, "oberhausen": False,
                     "offenburg": False}  # fmt: skip
    msos = store.query(
        """SELECT (COUNT(DISTINCT ?a) AS ?n) WHERE {
             GRAPH <https://w3id.org/ikg/graph/beispielstadt> {
               ?a org:classification <https://w3id.org/ikg/ref/actor-type/mso> } }"""
    ).rows
    assert 45 <= int(msos[0][0].toPython()) <= 55


def test_the_data_folder_is_left_untouched(example_store: Path) -> None:
    assert not (DATA_DIR / EXAMPLE_SLUG).exists()
    assert not any(path.is_symlink() for path in DATA_DIR.iterdir())


def test_errors_in_real_data_name_the_real_file(data_copy: Path) -> None:
    """The real folders are linked into the temporary folder; a message still names data/."""
    partners = data_copy / "oberhausen" / "partner-municipalities.yaml"
    partners.write_text(
        partners.read_text(encoding="utf-8").replace("label: Bochum", "label: [Bochum]", 1),
        encoding="utf-8",
    )
    result = CliRunner().invoke(main, ["validate", "--with-example", "--data", str(data_copy)])
    assert result.exit_code == 1
    assert re.search(
        r"data/oberhausen/partner-municipalities\.yaml:\d+: \[bochum\]", result.output
    ), result.output
    assert "ikg-beispielstadt" not in result.output


# -- comparisons: without fictional municipalities unless asked ----------------------------


def test_compare_leaves_out_fictional_municipalities_by_default(store, queries) -> None:
    assert compared(store, queries) == set(REAL)
    assert compared(store, queries, fictional="nein") == set(REAL)


def test_compare_includes_them_when_asked(store, queries) -> None:
    assert compared(store, queries, fictional="ja") == {*REAL, EXAMPLE_SLUG}
    assert compared(store, queries, municipalities="beispielstadt,oberhausen") == {
        EXAMPLE_SLUG,
        "oberhausen",
    }


def test_compare_counts_the_example_citys_measures(store, queries) -> None:
    result = run_named_query(store, queries["compare"], {"municipalities": EXAMPLE_SLUG})
    count = result.variables.index("measureCount")
    total = sum(int(plain(row[count])) for row in result.rows)
    assert total >= 120  # every measure counts for at least one reference field


def test_comparison_page_hides_fictional_municipalities_until_asked(client) -> None:
    page = html(client, "/vergleich")
    assert "Stadt Beispielstadt</a>" not in page.split('id="fiktiv-ausgeblendet"')[0]
    assert 'id="fiktiv-ausgeblendet"' in page and 'href="/vergleich?fiktiv=1"' in page
    assert NOTICE not in page
    data = client.get("/vergleich.json").get_json()
    assert [c["slug"] for c in data["municipalities"]] == ["leverkusen", "oberhausen", "offenburg"]
    assert data["fictional_hidden"] == [{"slug": EXAMPLE_SLUG, "label": "Stadt Beispielstadt"}]

    shown = html(client, "/vergleich?fiktiv=1")
    assert NOTICE in shown
    assert re.search(r"Stadt Beispielstadt</a> <span class=\"badge\">fiktiv</span>", shown)
    data = client.get("/vergleich.json?fiktiv=1").get_json()
    assert EXAMPLE_SLUG in [c["slug"] for c in data["municipalities"]]


def test_comparison_page_names_a_bad_fictional_parameter(client) -> None:
    response = client.get("/vergleich.json?fiktiv=vielleicht")
    assert response.status_code == 400
    assert "fiktiv" in response.get_data(as_text=True)


# -- the notice ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "/kommune/beispielstadt",
        "/kommune/beispielstadt/netzwerk",
        "/kommune/beispielstadt/abdeckung",
        "/kommune/beispielstadt/zustaendigkeiten",
        "/kommune/beispielstadt/ki",
        "/kommune/beispielstadt/integrationsrat",
    ],
)
def test_every_page_of_the_example_city_carries_the_notice(client, url: str) -> None:
    page = html(client, url)
    assert NOTICE in page
    assert "Stadt Beispielstadt ist erfunden" in page


def test_a_paper_of_the_example_city_carries_the_notice(client, store) -> None:
    [row] = store.query(
        """SELECT ?p WHERE { ?p a ikg:Paper ;
             ikg:municipality <https://w3id.org/ikg/id/beispielstadt> } ORDER BY ?p LIMIT 1"""
    ).rows
    paper_id = str(row[0]).rsplit("/", 1)[-1]
    assert NOTICE in html(client, f"/vorlage/beispielstadt/{paper_id}")


@pytest.mark.parametrize(
    "url",
    [
        "/kommune/oberhausen",
        "/kommune/oberhausen/netzwerk",
        "/kommune/oberhausen/abdeckung",
        "/kommune/oberhausen/ki",
        "/vorlage/leverkusen/paper-2017-1900",
        "/suche?q=Oberhausen",
    ],
)
def test_pages_of_real_cities_carry_no_notice(client, url: str) -> None:
    page = html(client, url)
    assert NOTICE not in page
    assert "fiktiv-hinweis" not in page


def test_the_start_page_lists_the_example_city_apart(client) -> None:
    page = html(client, "/")
    assert NOTICE in page
    real, _, fictional = page.partition('id="fiktive-kommunen"')
    assert 'href="/kommune/oberhausen"' in real and 'href="/kommune/beispielstadt"' not in real
    assert 'href="/kommune/beispielstadt"' in fictional and "fiktiv</span>" in fictional
    assert "3 Kommunen" in real  # the lead counts the real ones
    data = client.get("/index.json").get_json()
    assert [c["slug"] for c in data["municipalities"]] == list(REAL)
    assert [c["slug"] for c in data["fictional_municipalities"]] == [EXAMPLE_SLUG]


def test_search_marks_hits_in_the_example_city(client) -> None:
    page = html(client, "/suche?q=Kulturverein")
    assert NOTICE in page
    assert re.search(r"beispielstadt <span class=\"badge\">fiktiv</span>", page)
    hits = client.get("/suche.json?q=Kulturverein").get_json()["results"]
    assert hits and all(hit["fictional"] == (hit["municipality"] == EXAMPLE_SLUG) for hit in hits)


def test_pages_over_all_municipalities_say_the_graph_holds_fictional_data(client) -> None:
    for url in ("/netzwerk?fiktiv=1", "/abfragen/compare?fictional=ja"):
        assert NOTICE in html(client, url), url


# -- hostile names stay text in the notice -------------------------------------------------


@pytest.fixture(scope="module")
def hostile_client(tmp_path_factory: pytest.TempPathFactory):
    quads = ox.parse((FIXTURES / "hostile" / "hostile.trig").read_bytes(), format=ox.RdfFormat.TRIG)
    path = tmp_path_factory.mktemp("hostile-fictional") / "store"
    write_store(path, [ox.serialize(quads, format=ox.RdfFormat.N_QUADS)])
    return create_app({"STORE": str(path), "TESTING": True}).test_client()


@pytest.mark.parametrize("url", ["/kommune/hostile", "/vergleich?fiktiv=1", "/vergleich", "/"])
def test_the_notice_shows_a_hostile_name_as_text(hostile_client, url: str) -> None:
    """The hostile fixture city is fictional: its name appears in the notice, escaped."""
    page = html(hostile_client, url)
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


# -- in a real browser ----------------------------------------------------------------------


@pytest.fixture(scope="module")
def served(example_store: Path) -> Iterator[str]:
    with serve({"STORE": str(example_store)}, page_threads=2) as running:
        yield running.base


@needs_chromium
def test_the_notice_is_visible_in_a_browser(page, served: str) -> None:
    page.goto(f"{served}/kommune/beispielstadt")
    notice = page.locator("#fiktiv-hinweis")
    assert notice.is_visible()
    box = notice.bounding_box()
    assert box is not None and box["y"] < 400  # near the top, not below the fold
    page.goto(f"{served}/kommune/oberhausen")
    assert page.locator("#fiktiv-hinweis").count() == 0
