"""The OParl crawl against a real server on loopback (tests/oparl_server.py): what it reads,
what it never reads, and how it stops when the server fails."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime

import pytest

from graph.importing.oparl.client import ClientSettings, OParlError
from graph.importing.oparl.crawl import Crawl, compact, crawl, type_of
from tests.oparl_server import OParlServer, generated_site, musterstadt, serve

pytestmark = pytest.mark.server

#: no pauses, one quick retry: the tests stay within seconds
FAST = ClientSettings(timeout=2.0, retries=1, backoff=0.0, delay=0.0)
PERSON_NAME = "Mustermann-Geheim"


@pytest.fixture
def server() -> Iterator[OParlServer]:
    yield from serve(OParlServer(musterstadt()))


def read(server: OParlServer, path: str = "/oparl/system", **options) -> Crawl:
    settings = options.pop("settings", FAST)
    return crawl(server.url(path), settings=settings, **options)


def ids(result: Crawl, short_type: str) -> set[str]:
    return {obj["id"].rsplit("/oparl/", 1)[1] for obj in result.of_type(short_type)}


def test_a_system_is_crawled_to_the_whole_beratungsfolge(server: OParlServer) -> None:
    result = read(server)
    assert result.system is not None and result.body["name"] == "Stadt Musterstadt"
    assert result.organizations == [server.url("/oparl/organization/2")]
    assert ids(result, "Meeting") == {
        # the Integrationsrat's own, and those of the other bodies its papers went through
        *("meeting/11", "meeting/12", "meeting/13"),
        *("meeting/21", "meeting/31", "meeting/51"),
    }
    assert ids(result, "Paper") == {"paper/101", "paper/102", "paper/103"}
    assert {"consultation/1011", "consultation/1021", "consultation/1023"} <= ids(
        result, "Consultation"
    )
    # every organisation the list has, the unit a paper names among them
    assert ids(result, "Organization") == {f"organization/{n}" for n in (1, 2, 3, 4, 5)}
    # agenda items (with their results) embedded in the meetings are registered by their id
    assert result.objects[server.url("/oparl/agendaitem/21-1")]["result"] == "beschlossen"
    assert result.missing == {server.url("/oparl/organization/99"): "HTTP 404"}
    assert result.since is None and result.requests == len(server.requested)


def test_persons_memberships_and_files_are_never_read(server: OParlServer) -> None:
    result = read(server)
    assert not [path for path in server.requested if "/person" in path or "/membership" in path]
    assert not [path for path in server.requested if "/file/" in path]
    assert not [obj for obj in result.objects.values() if type_of(obj) in ("Person", "Membership")]
    # meeting 12 embeds a Person as a participant: the participants are not kept at all
    meeting = result.objects[server.url("/oparl/meeting/12")]
    assert "participant" not in meeting
    assert not [key for key, raw in result.raw.items() if PERSON_NAME.encode() in raw]
    # the files' metadata stays, embedded in the paper
    paper = result.objects[server.url("/oparl/paper/101")]
    assert paper["mainFile"]["accessUrl"].endswith("/file/1011/access.pdf")


def test_the_raw_json_is_compact_and_is_the_object(server: OParlServer) -> None:
    result = read(server)
    assert set(result.raw) == set(result.objects)
    for identifier, raw in result.raw.items():
        assert raw == compact(result.objects[identifier])
        assert b"\n" not in raw and b'": ' not in raw
    assert json.loads(result.raw[server.url("/oparl/paper/102")])["reference"] == "V/2025/0102"


def test_a_body_url_is_crawled_without_its_system(server: OParlServer) -> None:
    result = read(server, "/oparl/body/1")
    assert result.system is None
    assert ids(result, "Paper") == {"paper/101", "paper/102", "paper/103"}
    assert "/oparl/system" not in server.requested


def test_oparl_1_0_is_read_as_1_1(server: OParlServer) -> None:
    server.version = "1.0"
    result = read(server)
    assert result.body["type"] == "https://schema.oparl.org/1.0/Body"
    assert ids(result, "Paper") == {"paper/101", "paper/102", "paper/103"}


def test_lists_are_read_page_by_page(server: OParlServer) -> None:
    read(server)
    pages = [path for path in server.requested if path.startswith("/oparl/body/1/organizations")]
    # five organisations, two a page
    assert pages == [
        "/oparl/body/1/organizations",
        "/oparl/body/1/organizations?page=2",
        "/oparl/body/1/organizations?page=3",
    ]


def test_an_embedded_list_is_read_as_well_as_a_paged_one(server: OParlServer) -> None:
    body = server.site.objects["/oparl/body/1"]
    body["organization"] = [
        server.site.objects["/oparl/organization/1"],
        "{base}/oparl/organization/2",
    ]
    result = read(server, "/oparl/body/1")
    assert result.organizations == [server.url("/oparl/organization/2")]
    assert ids(result, "Paper") == {"paper/101", "paper/102", "paper/103"}


def test_an_organization_without_a_meeting_list_gets_its_meetings_from_the_body(
    server: OParlServer,
) -> None:
    result = read(server, organizations=["Ausschuss für Schule und Bildung"])
    assert result.organizations == [server.url("/oparl/organization/5")]
    assert "/oparl/body/1/meetings" in server.requested
    assert ids(result, "Paper") == {"paper/102"}


def test_organizations_are_chosen_by_id_or_name(server: OParlServer) -> None:
    result = read(server, organizations=[server.url("/oparl/organization/1"), "integrationsrat"])
    assert result.organizations == [
        server.url("/oparl/organization/1"),
        server.url("/oparl/organization/2"),
    ]


def test_an_unknown_organization_is_refused_with_the_names_there_are(
    server: OParlServer,
) -> None:
    with pytest.raises(OParlError) as refused:
        read(server, organizations=["Seniorenbeirat"])
    assert "--organization Seniorenbeirat" in str(refused.value)
    assert "Integrationsrat der Stadt Musterstadt" in str(refused.value)


def test_no_integration_body_is_an_error_that_lists_the_organizations(
    server: OParlServer,
) -> None:
    server.site.objects["/oparl/organization/2"].update(name="Beirat", shortName="Beirat")
    with pytest.raises(OParlError) as refused:
        read(server)
    message = str(refused.value)
    assert "kein Gremium nennt Integration oder Migration" in message
    assert "Rat der Stadt Musterstadt" in message and "--organization" in message
    # the Kommunales Integrationszentrum is an office, never chosen by default
    assert "Kommunales Integrationszentrum" in message


def test_a_system_with_several_bodies_needs_body(server: OParlServer) -> None:
    second = dict(server.site.objects["/oparl/body/1"], id="{base}/oparl/body/2")
    second["name"] = "Landkreis Musterland"
    server.add("/oparl/body/2", second, into="/oparl/bodies")
    with pytest.raises(OParlError) as refused:
        read(server)
    assert "2 Körperschaften" in str(refused.value)
    assert "Landkreis Musterland" in str(refused.value) and "--body" in str(refused.value)
    assert read(server, body="Stadt Musterstadt").body["id"] == server.url("/oparl/body/1")


def test_a_url_that_is_neither_system_nor_body_is_refused(server: OParlServer) -> None:
    with pytest.raises(OParlError, match="weder ein OParl-System noch eine Körperschaft"):
        read(server, "/oparl/paper/101")


def test_a_re_run_asks_only_for_what_changed(server: OParlServer) -> None:
    since = datetime.now(UTC).replace(microsecond=0)
    server.change("/oparl/paper/102", name="Sprachkurse für Neuzugewanderte (geändert)")
    result = read(server, since=since)
    assert result.since == since
    listed = [path for path in server.requested if "modified_since" in path]
    assert any(path.startswith("/oparl/organization/2/meetings?") for path in listed)
    assert any(path.startswith("/oparl/body/1/papers?") for path in listed)
    # nothing else changed: no meeting comes back, the changed paper does (from the paper list)
    assert ids(result, "Meeting") == {"meeting/12", "meeting/51"}
    assert "paper/101" not in ids(result, "Paper") and "paper/102" in ids(result, "Paper")


def test_a_deleted_object_is_passed_on(server: OParlServer) -> None:
    since = datetime.now(UTC).replace(microsecond=0)
    server.delete("/oparl/paper/103")
    result = read(server, since=since)
    paper = result.objects[server.url("/oparl/paper/103")]
    assert paper["deleted"] is True
    # a deleted object is not followed further
    assert "/oparl/meeting/13" not in server.requested


# -- faults -------------------------------------------------------------------------------------


def test_a_server_that_fails_mid_crawl_stops_it(server: OParlServer) -> None:
    server.status["/oparl/body/1/organizations?page=2"] = 500
    with pytest.raises(OParlError) as stopped:
        read(server)
    message = str(stopped.value)
    assert server.url("/oparl/body/1/organizations?page=2") in message
    assert "HTTP 500" in message and "auch nach 2 Versuchen" in message
    # tried once more (FAST.retries), then given up
    assert server.requested.count("/oparl/body/1/organizations?page=2") == 2


def test_a_busy_answer_is_tried_again(server: OParlServer) -> None:
    server.status["/oparl/paper/101"] = [503, 503]
    settings = replace(FAST, retries=2, backoff=0.01)
    result = read(server, settings=settings)
    assert "paper/101" in ids(result, "Paper")
    assert server.requested.count("/oparl/paper/101") == 3


def test_a_slow_answer_times_out(server: OParlServer) -> None:
    server.delays["/oparl/paper/101"] = 3.0
    settings = replace(FAST, timeout=0.5, retries=1)
    began = time.monotonic()
    with pytest.raises(OParlError) as stopped:
        read(server, settings=settings)
    assert time.monotonic() - began < 2.5
    message = str(stopped.value)
    assert server.url("/oparl/paper/101") in message
    assert "keine Antwort binnen 0.5 s" in message


def test_broken_json_stops_the_crawl(server: OParlServer) -> None:
    server.broken.add("/oparl/meeting/21")
    with pytest.raises(OParlError) as stopped:
        read(server)
    assert server.url("/oparl/meeting/21") in str(stopped.value)
    assert "nicht mit JSON" in str(stopped.value)
    # not asked again: a broken answer is no busy server
    assert server.requested.count("/oparl/meeting/21") == 1


def test_an_answer_larger_than_the_cap_stops_the_crawl(server: OParlServer) -> None:
    with pytest.raises(OParlError, match="mehr als 2000 Bytes"):
        read(server, settings=replace(FAST, max_bytes=2000))


def test_a_404_for_a_list_page_stops_the_crawl(server: OParlServer) -> None:
    server.status["/oparl/organization/2/meetings"] = 404
    with pytest.raises(OParlError) as stopped:
        read(server)
    assert server.url("/oparl/organization/2/meetings") in str(stopped.value)
    assert "HTTP 404" in str(stopped.value)


def test_a_redirect_within_the_server_is_followed_one_elsewhere_not(
    server: OParlServer,
) -> None:
    server.redirects["/oparl/start"] = "{base}/oparl/system"
    assert read(server, "/oparl/start").system is not None
    server.redirects["/oparl/elsewhere"] = "http://127.0.0.2:9/oparl/system"
    with pytest.raises(OParlError, match="einen anderen Server"):
        read(server, "/oparl/elsewhere")


def test_a_reference_to_another_server_is_missing_not_read(server: OParlServer) -> None:
    paper = server.site.objects["/oparl/paper/103"]
    paper["underDirectionOf"] = ["http://127.0.0.2:9/oparl/organization/7"]
    result = read(server)
    assert "anderen Server" in result.missing["http://127.0.0.2:9/oparl/organization/7"]


def test_a_larger_site_is_read_whole() -> None:
    site = generated_site(10, 3)
    site.page_size = 4
    for server in serve(OParlServer(site)):
        result = read(server)
        generated = {name for name in ids(result, "Paper") if name.startswith("gen/")}
        assert len(generated) == 30
        # every paper's consultations in the three bodies, with their meetings
        assert len([name for name in ids(result, "Meeting") if name.startswith("gen/")]) == 30


def test_contact_persons_addresses_and_file_texts_are_never_kept() -> None:
    # what real council systems put beside the papers: the Body's contact, a file's extracted
    # text, keywords, a meeting place's address — none of it may reach data/<slug>/oparl/
    site = musterstadt()
    paper = site.objects["/oparl/paper/101"]
    paper["mainFile"]["text"] = "Volltext: Frau Erika Beispiel, Tel. 0171 1234567"
    paper["keyword"] = ["Familie Beispiel, Hauptstr. 5"]
    paper["originatorPerson"] = ["{base}/oparl/person/erika-beispiel"]
    paper["location"] = [
        {
            "id": "{base}/oparl/location/7",
            "type": "https://schema.oparl.org/1.1/Location",
            "description": "Wohnung Beispiel, Hauptstr. 5",
            "streetAddress": "Hauptstr. 5",
            "locality": "Musterstadt",
        }
    ]
    site.objects["/oparl/body/1"]["contactName"] = "Herr Ris-Betreuer"
    site.objects["/oparl/body/1"]["contactEmail"] = "ris@musterstadt.example"
    for server in serve(OParlServer(site)):
        result = read(server)
        cached = b"".join(result.raw.values()) + json.dumps(result.objects).encode()
        for personal in (
            "Erika Beispiel",
            "0171 1234567",
            "Familie Beispiel",
            "erika-beispiel",
            "Hauptstr",
            "Ris-Betreuer",
            "ris@musterstadt",
        ):
            assert personal.encode() not in cached, personal
        # what the import uses stays: the file's name and address, the place's town
        kept = result.objects[server.url("/oparl/paper/101")]
        assert kept["mainFile"]["accessUrl"].endswith("/file/1011/access.pdf")
        assert kept["location"][0]["locality"] == "Musterstadt"


def test_odd_reference_urls_are_counted_as_missing_not_a_crash() -> None:
    # real systems leave spaces and umlauts in URLs, and now and then a broken one
    site = musterstadt()
    consultation = site.objects["/oparl/paper/101"]["consultation"][0]
    consultation["organization"] = [
        *consultation["organization"],
        "{base}/oparl/organization/Ausschuss für Soziales",
        "http://[::1",
    ]
    for server in serve(OParlServer(site)):
        result = read(server)
        # the umlaut and the spaces were sent percent-encoded; the server has no such object
        assert "/oparl/organization/Ausschuss%20f%C3%BCr%20Soziales" in server.requested
        assert result.missing[server.url("/oparl/organization/Ausschuss für Soziales")] == (
            "HTTP 404"
        )
        assert result.missing["http://[::1"] == "keine gültige http(s)-Adresse"
        assert ids(result, "Paper") == {"paper/101", "paper/102", "paper/103"}
