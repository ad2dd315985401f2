"""The integration concept of a generated municipality and the work done under it.

Two editions (the current one with ten action fields mapped to the reference scheme, and the
one it replaced, with some fields renamed, dropped or added), 30 goals, 120 measures with a
lead and 1–4 partners, council papers with their Beratungsfolge, a few fundings and events.
Partners are drawn first from the lead's fellow network members, so that measures and networks
tell a consistent story.
"""

from __future__ import annotations

import datetime as dt
import string
from dataclasses import dataclass

from graph.generator.context import CityContext, Organisation, sources
from graph.generator.themes import CORE, TARGET_GROUPS, THEMES, Theme

FIELD_COUNT = 10
MEASURES_PER_FIELD = 12
GOAL_LEVELS = ("Leitziel", "Strategisches Ziel", "Ziel")
#: who leads measures more often than others
LEAD_WEIGHTS = {"unit": 2.0, "welfare": 3.0, "welfare-service": 3.0, "mso": 1.5}
PARTNER_COUNTS = ((1, 25), (2, 35), (3, 25), (4, 15))
STATUSES = (("laufend", 55), ("geplant", 20), ("abgeschlossen", 20), ("unbekannt", 5))


@dataclass
class Editions:
    previous_id: str
    previous_year: int
    previous_date: dt.date
    current_id: str
    current_year: int
    current_date: dt.date


def choose_themes(ctx: CityContext) -> None:
    """The ten action fields of the current edition (the core ones and five of the rest)."""
    rest = [theme for theme in THEMES if theme.key not in CORE]
    chosen = set(CORE) | {t.key for t in ctx.random.sample(rest, FIELD_COUNT - len(CORE))}
    ctx.themes = [theme for theme in THEMES if theme.key in chosen]
    for letter, theme in zip(string.ascii_lowercase, ctx.themes, strict=False):
        ctx.field_ids[theme.key] = f"hf-{letter}"
        ctx.used_ids.add(f"hf-{letter}")


def plan_editions(ctx: CityContext) -> Editions:
    rng = ctx.random
    previous_year, current_year = rng.randint(2012, 2016), rng.randint(2020, 2024)
    editions = Editions(
        previous_id=f"ik-{previous_year}",
        previous_year=previous_year,
        previous_date=dt.date(previous_year, rng.randint(2, 12), rng.randint(1, 28)),
        current_id=f"ik-{current_year}",
        current_year=current_year,
        current_date=dt.date(current_year, rng.randint(2, 12), rng.randint(1, 28)),
    )
    ctx.used_ids.update({editions.previous_id, editions.current_id, "integrationskonzept"})
    return editions


def concept_records(ctx: CityContext, editions: Editions, papers: dict[str, str]) -> list[dict]:
    rng = ctx.random
    kept = rng.sample(ctx.themes, 6)
    dropped = rng.sample([t for t in THEMES if t not in ctx.themes], 2)
    previous_themes = [t for t in THEMES if t in kept or t in dropped]
    previous_fields = []
    for number, theme in enumerate(previous_themes, start=1):
        label = theme.previous_label if rng.random() < 0.5 else theme.label
        previous_fields.append(
            _field(ctx.new_id(f"hf-{editions.previous_year}-{number}"), label, str(number), theme)
        )
    current_fields = []
    for theme in ctx.themes:
        letter = ctx.field_ids[theme.key].removeprefix("hf-").upper()
        current_fields.append(
            _field(ctx.field_ids[theme.key], theme.label, letter, theme, new=theme not in kept)
        )
    previous = {
        "id": editions.previous_id,
        "label": f"Integrationskonzept der Stadt {ctx.label} ({editions.previous_year})",
        "date": editions.previous_date,
        "status": "beschlossen",
        "adopted_by": papers["previous"],
        "action_fields": previous_fields,
        "sources": sources(),
    }
    current = {
        "id": editions.current_id,
        "label": f"Integrationskonzept der Stadt {ctx.label} ({editions.current_year})",
        "alt_labels": [f"Fortschreibung des Integrationskonzepts {editions.current_year}"],
        "date": editions.current_date,
        "status": "beschlossen",
        "replaces": editions.previous_id,
        "adopted_by": papers["current"],
        "responsible": [
            {"actor": "ki", "role": "Federführung", "sources": sources()},
            {"actor": "integrationsrat", "role": "Politische Begleitung", "sources": sources()},
            {"actor": "lenkungskreis-integration", "role": "Steuerung", "sources": sources()},
        ],
        "action_fields": current_fields,
        "sources": sources(),
    }
    return [
        {
            "id": "integrationskonzept",
            "label": f"Integrationskonzept der Stadt {ctx.label}",
            "sources": sources(),
            "editions": [previous, current],
        }
    ]


def _field(field_id: str, label: str, notation: str, theme: Theme, *, new: bool = False) -> dict:
    record: dict = {"id": field_id, "label": label, "notation": notation}
    if new:
        record["new"] = True
    if theme.cross_cutting:
        record["cross_cutting"] = True
    record["matches"] = {kind: list(fields) for kind, fields in theme.matches}
    record["sources"] = sources()
    return record


def goal_records(ctx: CityContext, editions: Editions) -> tuple[list[dict], dict[str, list[str]]]:
    """Three goals per action field: a Leitziel and two below it; and the goal ids by theme."""
    records, by_theme = [], {}
    candidates = [o for o in ctx.organisations if o.kind == "unit" and o.fields]
    for theme in ctx.themes:
        field_id = ctx.field_ids[theme.key]
        letter = field_id.removeprefix("hf-").upper()
        by_theme[theme.key] = []
        for number, (level, label) in enumerate(zip(GOAL_LEVELS, theme.goals, strict=True), 1):
            goal_id = ctx.new_id(f"ziel-{letter}-{number}")
            record: dict = {
                "id": goal_id,
                "label": label,
                "notation": f"{letter}.{number}",
                "level": level,
                "edition": editions.current_id,
                "action_fields": [field_id],
            }
            fitting = [o for o in candidates if set(o.fields) & set(theme.reference_fields)]
            if level != "Leitziel" and fitting and ctx.chance(0.4):
                record["responsible"] = [
                    {
                        "actor": ctx.random.choice(fitting).id,
                        "role": "Zielverantwortung",
                        "sources": sources(),
                    }
                ]
            record["sources"] = sources()
            records.append(record)
            by_theme[theme.key].append(goal_id)
    return records, by_theme


def measure_records(
    ctx: CityContext, editions: Editions, goals: dict[str, list[str]]
) -> list[dict]:
    rng = ctx.random
    active = [
        o for o in ctx.organisations if o.kind in ("unit", "actor") and o.fields and not o.isolated
    ]
    members_of: dict[str, set[str]] = {}
    for organisation in active:
        for network in organisation.networks:
            members_of.setdefault(network, set()).add(organisation.id)
    labels: set[str] = set()
    records = []
    for theme in ctx.themes:
        wanted = set(theme.reference_fields)
        fitting = [o for o in active if not wanted.isdisjoint(o.fields)]
        phrases = list(theme.measures)
        rng.shuffle(phrases)
        for number in range(MEASURES_PER_FIELD):
            label = _measure_label(ctx, phrases[number % len(phrases)], labels)
            lead = rng.choices(fitting, weights=[_lead_weight(o) for o in fitting])[0]
            partners = _partners(ctx, lead, fitting, active, members_of)
            record: dict = {"id": ctx.new_id(label, "m-"), "label": label, "lead": lead.id}
            if partners:
                record["partners"] = [p.id for p in partners]
            record["action_fields"] = [ctx.field_ids[theme.key]]
            record["goals"] = [rng.choice(goals[theme.key][1:])]
            record["edition"] = editions.current_id
            status = rng.choices([s for s, _ in STATUSES], weights=[w for _, w in STATUSES])[0]
            record["status"] = status
            record.update(_period(ctx, status, editions))
            record["sources"] = sources()
            records.append(record)
    return records


MONTHS = (
    "Januar",
    "Februar",
    "März",
    "April",
    "Mai",
    "Juni",
    "Juli",
    "August",
    "September",
    "Oktober",
    "November",
    "Dezember",
)


def _period(ctx: CityContext, status: str, editions: Editions) -> dict:
    """Exact dates where a document would give them, else the vague wording it would use."""
    if status == "unbekannt":
        return {}
    start = editions.current_date + dt.timedelta(days=ctx.random.randint(-400, 700))
    if status == "abgeschlossen":
        return {"from": start, "until": start + dt.timedelta(days=ctx.random.randint(90, 900))}
    if ctx.chance(0.5):
        return {"from": start}
    if status == "geplant":
        return {"when": f"ab {MONTHS[start.month - 1]} {start.year}"}
    return {"when": f"seit {start.year}"}


def _measure_label(ctx: CityContext, phrase: str, labels: set[str]) -> str:
    for _ in range(50):
        if ctx.chance(0.5):
            label = f"{phrase} {ctx.random.choice(TARGET_GROUPS)}"
        else:
            label = f"{phrase} im Stadtteil {ctx.random.choice(ctx.districts)}"
        if label not in labels:
            labels.add(label)
            return label
    number = 2
    while f"{phrase} ({number})" in labels:
        number += 1
    labels.add(f"{phrase} ({number})")
    return f"{phrase} ({number})"


def _lead_weight(organisation: Organisation) -> float:
    if organisation.id == "ki":
        return 6.0
    return LEAD_WEIGHTS.get(
        organisation.kind if organisation.kind == "unit" else organisation.group, 1.0
    )


def _partners(
    ctx: CityContext,
    lead: Organisation,
    fitting: list[Organisation],
    active: list[Organisation],
    members_of: dict[str, set[str]],
) -> list[Organisation]:
    rng = ctx.random
    count = rng.choices([c for c, _ in PARTNER_COUNTS], weights=[w for _, w in PARTNER_COUNTS])[0]
    fellows = set().union(*(members_of.get(n, set()) for n in lead.networks))
    close = [o for o in fitting if o.id in fellows and o is not lead]
    rest = [o for o in fitting if o.id not in fellows and o is not lead]
    chosen: list[Organisation] = []
    for _ in range(count):
        pool = close if close and rng.random() < 0.6 else rest or close
        pool = [o for o in pool if o not in chosen]
        if not pool:
            pool = [o for o in active if o is not lead and o not in chosen]
        chosen.append(rng.choice(pool))
    return chosen
