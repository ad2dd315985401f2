"""OParl objects for the planner's tests, as a crawl (graph/importing/oparl/crawl.py) holds
them: every object by its id, embedded ones too, with the compact JSON as received.

Two councils: Leverkusen's, whose paper 2017/1900 the curated data has (with another title
here), and Musterstadt's, a new municipality whose data has every quirk real systems have:
a consultation without a meeting, one whose meeting answers 404, the role "unbekannt", no
``authoritative``, consultations listed out of date order, and a Person who must never be
written anywhere.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from graph.importing.oparl.crawl import Crawl

OPARL = "https://schema.oparl.org/1.1/"
LEVERKUSEN = "https://ris.leverkusen.example/oparl"
MUSTERSTADT = "https://ris.musterstadt.example/oparl"
#: the name of the Person in Musterstadt's data: no file may contain it
PERSON_NAME = "Erika Mustermann-Geheim"


def obj(base: str, kind: str, path: str, **fields: Any) -> dict[str, Any]:
    return {"id": f"{base}/{path}", "type": OPARL + kind, **fields}


def compact(value: dict) -> bytes:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"), sort_keys=True).encode()


def make_crawl(
    body: dict,
    top: list[dict],
    organizations: list[str],
    *,
    missing: dict[str, str] | None = None,
    since: dt.datetime | None = None,
) -> Crawl:
    objects: dict[str, dict] = {}
    raw: dict[str, bytes] = {}

    def register(value: dict) -> None:
        objects[value["id"]] = value
        raw[value["id"]] = compact(value)
        for item in value.values():
            for inner in item if isinstance(item, list) else [item]:
                if isinstance(inner, dict) and "id" in inner:
                    register(inner)

    for value in top:
        register(value)
    return Crawl(
        system=None,
        body=body,
        objects=objects,
        raw=raw,
        organizations=organizations,
        missing=missing or {},
        since=since,
        requests=len(top),
        seconds_waiting=0.0,
    )


# -- Leverkusen --------------------------------------------------------------------------------


def leverkusen_objects(title: str = "Integrationskonzept der Stadt (Entwurf)") -> list[dict]:
    base = LEVERKUSEN
    council = obj(
        base,
        "Organization",
        "organization/1",
        name="Integrationsrat",
        classification="Beirat",
        organizationType="Gremium",
    )
    rat = obj(
        base,
        "Organization",
        "organization/2",
        name="Rat der Stadt Leverkusen",
        classification="Rat",
    )
    direction = obj(
        base,
        "Organization",
        "organization/9",
        name="Dezernat III",
        organizationType="Verwaltungsbereich",
    )
    item = obj(
        base,
        "AgendaItem",
        "agendaitem/1",
        meeting=f"{base}/meeting/1",
        result="zur Kenntnis genommen",
        public=True,
    )
    meeting = obj(
        base,
        "Meeting",
        "meeting/1",
        name="12. Sitzung des Integrationsrates",
        start="2017-11-14T17:00:00+01:00",
        organization=[council["id"]],
        agendaItem=[item],
    )
    decision = obj(
        base,
        "Meeting",
        "meeting/2",
        name="Ratssitzung",
        start="2017-12-18T15:00:00+01:00",
        organization=[rat["id"]],
    )
    paper = obj(
        base,
        "Paper",
        "paper/1900",
        reference="2017/1900",
        name=title,
        paperType="Vorlage",
        date="2017-10-27",
        underDirectionOf=[direction["id"]],
        mainFile=obj(
            base, "File", "file/1", name="Vorlage 2017/1900", accessUrl=f"{base}/file/1.pdf"
        ),
        consultation=[
            obj(
                base,
                "Consultation",
                "consultation/1",
                meeting=meeting["id"],
                agendaItem=item["id"],
                organization=[council["id"]],
                role="Beratung",
                authoritative=False,
            ),
            obj(
                base,
                "Consultation",
                "consultation/2",
                meeting=decision["id"],
                organization=[rat["id"]],
                role="Entscheidung",
                authoritative=True,
            ),
        ],
    )
    return [council, rat, direction, meeting, decision, paper]


def leverkusen_crawl(title: str = "Integrationskonzept der Stadt (Entwurf)") -> Crawl:
    body = obj(LEVERKUSEN, "Body", "body/1", name="Stadt Leverkusen", ags="05316000")
    return make_crawl(body, leverkusen_objects(title), [f"{LEVERKUSEN}/organization/1"])


# -- Musterstadt -------------------------------------------------------------------------------


def musterstadt_body(**fields: Any) -> dict:
    values = {"name": "Stadt Musterstadt", "ags": "05999000", **fields}
    return obj(MUSTERSTADT, "Body", "body/1", **{k: v for k, v in values.items() if v})


def musterstadt_objects() -> list[dict]:
    base = MUSTERSTADT
    council = obj(
        base,
        "Organization",
        "organization/10",
        name="Integrationsrat",
        organizationType="Gremium",
        membership=[f"{base}/membership/1"],
    )
    committee = obj(
        base,
        "Organization",
        "organization/11",
        name="Ausschuss für Schule und Bildung",
        classification="Ausschuss",
    )
    round_table = obj(
        base,
        "Organization",
        "organization/12",
        name="Runder Tisch Vielfalt",
        organizationType="Gremium",
    )
    office = obj(
        base,
        "Organization",
        "organization/20",
        name="Amt für Integration",
        organizationType="Verwaltungsbereich",
    )
    person = obj(base, "Person", "person/1", name=PERSON_NAME, email="geheim@example.org")
    item = obj(
        base,
        "AgendaItem",
        "agendaitem/5",
        meeting=f"{base}/meeting/5",
        result="einstimmig empfohlen",
        public=True,
    )
    # names its consultation, which does not name it: some systems link only this way
    adjourned = obj(
        base,
        "AgendaItem",
        "agendaitem/6",
        meeting=f"{base}/meeting/5",
        consultation=f"{base}/consultation/9",
        result="vertagt",
    )
    first = obj(
        base,
        "Meeting",
        "meeting/5",
        name="3. Sitzung des Integrationsrates",
        start="2024-03-05T17:00:00+01:00",
        organization=[council["id"]],
        agendaItem=[item, adjourned],
    )
    schooling = obj(
        base,
        "Meeting",
        "meeting/6",
        name="Schulausschuss",
        start="2024-02-01T16:00:00+01:00",
        organization=[committee["id"]],
    )
    paper = obj(
        base,
        "Paper",
        "paper/100",
        reference="VO/2024/100",
        name="Sprachförderung an Grundschulen",
        paperType="Beantwortung einer Anfrage",
        date="2024-01-15",
        underDirectionOf=[office["id"]],
        originatorPerson=[person["id"]],
        auxiliaryFile=[
            obj(
                base,
                "File",
                "file/7",
                name="Anlage Statistik",
                accessUrl=f"{base}/file/7.pdf",
                text="nie übernommen",
            )
        ],
        consultation=[
            # listed out of date order: the council (5 March) before the committee (1 Feb)
            obj(
                base,
                "Consultation",
                "consultation/1",
                meeting=first["id"],
                agendaItem=item["id"],
                organization=[council["id"]],
                role="Vorberatung",
                authoritative=False,
            ),
            obj(
                base,
                "Consultation",
                "consultation/2",
                meeting=schooling["id"],
                organization=[committee["id"]],
                role="unbekannt",
            ),
            # no meeting at all
            obj(base, "Consultation", "consultation/3", organization=[round_table["id"]]),
            # its meeting answers 404
            obj(
                base,
                "Consultation",
                "consultation/4",
                meeting=f"{base}/meeting/404",
                organization=[council["id"]],
                role="Kenntnisnahme",
                authoritative=False,
            ),
        ],
    )
    other = obj(
        base,
        "Paper",
        "paper/101",
        reference="VO/2024/101",
        name="Bericht Integrationsmonitoring",
        paperType="Niederschrift",
        consultation=[
            obj(
                base,
                "Consultation",
                "consultation/9",
                meeting=first["id"],
                organization=[council["id"]],
                role="Kenntnisnahme",
                authoritative=False,
            )
        ],
    )
    return [council, committee, round_table, office, person, first, schooling, paper, other]


def musterstadt_crawl(**body_fields: Any) -> Crawl:
    return make_crawl(
        musterstadt_body(**body_fields),
        musterstadt_objects(),
        [f"{MUSTERSTADT}/organization/10"],
        missing={f"{MUSTERSTADT}/meeting/404": "HTTP 404"},
    )
