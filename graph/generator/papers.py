"""Council papers of a generated municipality with their Beratungsfolge, fundings and events."""

from __future__ import annotations

import datetime as dt

from graph.generator.concept import Editions
from graph.generator.context import CityContext, sources

#: a consultation step: (body id, role, authoritative)
Step = tuple[str, str, bool]


def paper_records(ctx: CityContext, editions: Editions) -> tuple[list[dict], dict[str, str]]:
    """The papers, and which of them adopted the previous and the current edition."""
    rng = ctx.random
    district_body = next(o for o in ctx.organisations if o.group == "body" and o.district)
    later = editions.current_year + 1
    adopt: list[Step] = [
        ("integrationsrat", "Beratung", False),
        ("ausschuss-soziales", "Vorberatung", False),
        ("hauptausschuss", "Vorberatung", False),
        ("rat", "Entscheidung", True),
    ]
    plans = [
        (
            "previous",
            f"Integrationskonzept der Stadt {ctx.label}",
            "Beschlussvorlage",
            editions.previous_date,
            ["dezernat-soziales"],
            editions.previous_id,
            [adopt[0], adopt[1], adopt[3]],
        ),
        (
            "current",
            f"Fortschreibung des Integrationskonzepts der Stadt {ctx.label}",
            "Beschlussvorlage",
            editions.current_date,
            ["dezernat-soziales", "ki"],
            editions.current_id,
            [
                adopt[0],
                ("jugendhilfeausschuss", "Beratung", False),
                ("schulausschuss", "Beratung", False),
                *adopt[1:],
            ],
        ),
        (
            "report",
            f"Bericht zur Umsetzung des Integrationskonzepts {later}",
            "Mitteilungsvorlage",
            dt.date(later, rng.randint(3, 11), rng.randint(1, 28)),
            ["ki"],
            editions.current_id,
            [
                ("integrationsrat", "Kenntnisnahme", False),
                ("ausschuss-soziales", "Kenntnisnahme", False),
            ],
        ),
        (
            "mso-funding",
            "Förderrichtlinie für Migrantenselbstorganisationen",
            "Beschlussvorlage",
            _some_day(ctx, editions.current_year),
            ["ki"],
            None,
            [("integrationsrat", "Beratung", False), ("ausschuss-soziales", "Entscheidung", True)],
        ),
        (
            "district",
            f"Einrichtung des Stadtteilnetzwerks {district_body.district}",
            "Drucksache",
            _some_day(ctx, editions.current_year - 1),
            ["stadtplanung"],
            None,
            [(district_body.id, "Beratung", False), ("ausschuss-soziales", "Entscheidung", True)],
        ),
        (
            "refugees",
            f"Sachstand Unterbringung und Integration Geflüchteter {later}",
            "Mitteilungsvorlage",
            _some_day(ctx, later),
            ["fb-soziales"],
            None,
            [
                ("integrationsrat", "Kenntnisnahme", False),
                ("ausschuss-soziales", "Kenntnisnahme", False),
                ("rat", "Kenntnisnahme", False),
            ],
        ),
        (
            "language",
            "Sprachförderung in Kindertageseinrichtungen",
            "Vorlage",
            _some_day(ctx, editions.current_year),
            ["fb-jugend"],
            None,
            [
                ("integrationsrat", "Beratung", False),
                ("jugendhilfeausschuss", "Entscheidung", True),
            ],
        ),
    ]
    records, ids, numbers = [], {}, set()
    for key, title, paper_type, decided, directors, concerns, steps in plans:
        number = f"{decided.year}/{rng.randint(100, 2999):04d}"
        while number in numbers:
            number = f"{decided.year}/{rng.randint(100, 2999):04d}"
        numbers.add(number)
        paper_id = ctx.new_id(f"vorlage-{number}")
        ids[key] = paper_id
        # the deciding meeting is on the given day; the earlier ones lead up to it
        dates = [decided]
        for _ in steps[1:]:
            dates.insert(0, dates[0] - dt.timedelta(days=rng.randint(5, 21)))
        record: dict = {
            "id": paper_id,
            "reference": number,
            "title": title,
            "type": paper_type,
            "date": dates[0] - dt.timedelta(days=rng.randint(10, 30)),
            "under_direction_of": directors,
        }
        if concerns:
            record["concerns"] = concerns
        record["consultations"] = [
            _consultation(body, role, authoritative, date)
            for (body, role, authoritative), date in zip(steps, dates, strict=True)
        ]
        record["sources"] = sources()
        records.append(record)
    return records, ids


def _consultation(body: str, role: str, authoritative: bool, date: dt.date) -> dict:
    record: dict = {
        "body": body,
        "date": date,
        "role": role,
        "authoritative": authoritative,
        "public": True,
    }
    if role == "Entscheidung":
        record["result"] = "beschlossen"
    elif role == "Kenntnisnahme":
        record["result"] = "zur Kenntnis genommen"
    record["sources"] = sources()
    return record


def _some_day(ctx: CityContext, year: int) -> dt.date:
    return dt.date(year, ctx.random.randint(1, 12), ctx.random.randint(1, 28))


def funding_records(ctx: CityContext, measures: list[dict], mso_network: str) -> list[dict]:
    rng = ctx.random
    funders = [o.id for o in ctx.of_group("funder")]
    by_field: dict[str, list[str]] = {}
    for measure in measures:
        by_field.setdefault(measure["action_fields"][0], []).append(measure["id"])
    mbe = next(o.id for o in ctx.of_group("welfare-service"))
    plans = [
        (funders[2], {"recipient": "ki"}, "Förderung Kommunaler Integrationszentren"),
        (funders[0], {"measure": mso_network}, "Netzwerkförderung"),
        (
            funders[1],
            {"measure": rng.choice(by_field[ctx.field_ids["teilhabe"]])},
            "Stiftungsfonds Zusammenleben",
        ),
        (funders[3], {"recipient": mbe}, "Migrationsberatung"),
        (
            ctx.of_group("jobcenter")[0].id,
            {"measure": rng.choice(by_field[ctx.field_ids["arbeit"]])},
            "Eingliederungsleistungen",
        ),
    ]
    records = []
    for number, (funder, target, programme) in enumerate(plans, start=1):
        start = dt.date(rng.randint(2018, 2023), rng.randint(1, 12), 1)
        records.append(
            {
                "id": ctx.new_id(f"foerderung-{number}"),
                "funder": funder,
                **target,
                "programme": programme,
                "from": start,
                "until": dt.date(start.year + rng.randint(1, 4), 12, 31),
                "sources": sources(),
            }
        )
    return records


def event_records(ctx: CityContext, editions: Editions) -> list[dict]:
    rng = ctx.random
    msos = sorted(o.id for o in ctx.of_group("mso") if not o.isolated)
    # Taking part in one event ties everyone there (graph.analysis): the conference brings
    # together the bridging MSOs, whom the networks make brokers, rather than a random dozen
    # that would tie the communities to each other at random.
    bridging = sorted(
        o.id for o in ctx.of_group("mso") if o.community == "verbindend" and not o.isolated
    )
    welfare = [o.id for o in ctx.of_group("welfare")]
    year = editions.current_year - 1
    plans = [
        (f"Integrationskonferenz {year}", "Konferenz", bridging + welfare),
        (
            f"Werkstattgespräch „{ctx.themes[0].label}“",
            "Workshop",
            sorted(rng.sample(msos, 5)) + welfare[:2],
        ),
        # those who answer a survey do not meet: the KI runs it, with no participants
        ("Befragung der Migrantenselbstorganisationen", "Befragung", []),
    ]
    records = []
    for label, event_type, participants in plans:
        record = {
            "id": ctx.new_id(label),
            "label": label,
            "type": event_type,
            "date": _some_day(ctx, year),
            "organiser": ["ki"],
            "participants": participants,
            "part_of": editions.current_id,
            "sources": sources(),
        }
        if not participants:
            del record["participants"]
        records.append(record)
    return records
