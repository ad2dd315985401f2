"""The actors of a generated municipality: everyone outside the administration.

About 300 actors in the proportions of a large city's integration work: ~50 migrant
self-organisations (MSOs) of several communities spread over the districts, welfare
associations with their services, Jobcenter, schools, religious communities, clubs and
initiatives, Kitas and others. Each actor records the reference action fields it works on;
that decides which networks it joins and which measures it leads or supports.
"""

from __future__ import annotations

from graph.generator import vocabulary as words
from graph.generator.context import CityContext, Organisation, sources

MSO_EXTRA_FIELDS = (
    "kita-sprache",
    "bildung",
    "beratung",
    "interreligioeser-dialog",
    "gesundheit",
    "asyl-flucht",
    "kultur-freizeit-sport",
)

SCHOOL_KINDS = (
    ("Grundschule", 18, ("kita-sprache", "bildung")),
    ("Hauptschule", 2, ("bildung",)),
    ("Realschule", 4, ("bildung",)),
    ("Gesamtschule", 5, ("bildung", "arbeitsmarkt")),
    ("Gymnasium", 5, ("bildung",)),
    ("Förderschule", 2, ("bildung",)),
    ("Berufskolleg", 3, ("arbeitsmarkt", "bildung")),
)
CIVIL_COUNT = 100
OTHER_COUNT = 60
RELIGIOUS_COUNT = 20


def add_actors(ctx: CityContext) -> None:
    _msos(ctx)
    _welfare(ctx)
    city = ctx.label
    _actor(ctx, f"Jobcenter {city}", "jobcenter", "jobcenter", ("arbeitsmarkt", "beratung"))
    _actor(
        ctx,
        f"Agentur für Arbeit {city}",
        "arbeitsagentur",
        "arbeitsagentur",
        ("arbeitsmarkt", "bildung"),
    )
    _actor(
        ctx,
        f"Ausländerbehörde {city}",
        "auslaenderbehoerde",
        "auslaenderbehoerde",
        ("rechtliche-integration", "asyl-flucht"),
    )
    _schools(ctx)
    _religious(ctx)
    for pattern in words.UNIVERSITIES:
        _actor(
            ctx,
            pattern.format(c=city),
            "hochschule",
            "hochschule",
            ("bildung", "steuerung-vernetzung"),
        )
    for pattern, fields in words.INSTITUTES:
        _actor(ctx, pattern.format(c=city), "institut", "institut", fields)
    for pattern in words.FUNDERS:
        _actor(ctx, pattern.format(c=city), "foerdermittelgeber", "funder", ())
    _civil(ctx)
    _others(ctx)


def _actor(
    ctx: CityContext,
    label: str,
    actor_type: str,
    group: str,
    fields: tuple[str, ...],
    *,
    district: str | None = None,
    community: str | None = None,
    alt_label: str | None = None,
    part_of: str | None = None,
) -> Organisation:
    org_id = ctx.new_id(label)
    record: dict = {"id": org_id, "label": label}
    if alt_label:
        record["alt_labels"] = [alt_label]
    record["type"] = actor_type
    if part_of:
        record["part_of"] = part_of
    record["sources"] = sources()
    return ctx.add(
        Organisation(org_id, label, "actor", group, tuple(fields), district, community, record)
    )


def _combinations(ctx: CityContext, patterns: tuple) -> list:
    """Every (pattern, district) pairing, shuffled: names without repeats."""
    pairs = [(pattern, district) for pattern in patterns for district in ctx.districts]
    ctx.random.shuffle(pairs)
    return pairs


def _msos(ctx: CityContext) -> None:
    rng = ctx.random
    count = 48 + rng.randint(0, 4)
    for pattern in words.BRIDGING_MSO_PATTERNS:
        district = rng.choice(ctx.districts)
        fields = ("teilhabe-engagement", "steuerung-vernetzung", rng.choice(MSO_EXTRA_FIELDS))
        _actor(
            ctx,
            pattern.format(d=district),
            "mso",
            "mso",
            fields,
            district=district,
            community="verbindend",
        )
    pools = {
        community.key: _combinations(ctx, community.patterns) for community in words.COMMUNITIES
    }
    # Communities of different size: the first ones chosen are the larger ones.
    order = list(words.COMMUNITIES)
    rng.shuffle(order)
    ctx.communities = order
    weights = [6, 5, 4, 3, 2, 2][: len(order)]
    for _ in range(count - len(words.BRIDGING_MSO_PATTERNS)):
        community = rng.choices(order, weights=weights)[0]
        if not pools[community.key]:
            community = next(c for c in order if pools[c.key])
        pattern, district = pools[community.key].pop()
        extra = tuple(sorted(rng.sample(MSO_EXTRA_FIELDS, rng.randint(1, 2))))
        _actor(
            ctx,
            pattern.format(d=district),
            "mso",
            "mso",
            ("teilhabe-engagement", *extra),
            district=district,
            community=community.key,
        )
    msos = ctx.of_group("mso")
    for organisation in rng.sample(msos, 3 + rng.randint(0, 2)):
        organisation.isolated = True


def _welfare(ctx: CityContext) -> None:
    parents: list[Organisation] = []
    for pattern, alt_label, parent, fields in words.WELFARE:
        organisation = _actor(
            ctx,
            pattern.format(c=ctx.label),
            "wohlfahrtsverband",
            "welfare" if parent is None else "welfare-service",
            fields,
            alt_label=alt_label,
            part_of=None if parent is None else parents[parent].id,
        )
        if parent is None:
            parents.append(organisation)


def _schools(ctx: CityContext) -> None:
    rng = ctx.random
    names = list(words.SCHOOL_NAMES)
    for kind, count, fields in SCHOOL_KINDS:
        rng.shuffle(names)
        districts = list(ctx.districts)
        for number in range(count):
            district = rng.choice(ctx.districts)
            if districts and rng.random() < 0.5:
                label = f"{kind} {districts.pop(0)}"
            else:
                label = f"{names[number].replace(' ', '-')}-{kind}"
            _actor(ctx, label, "schule", "school", fields, district=district)
    _actor(
        ctx, f"Schulamt für die Stadt {ctx.label}", "schule", "school", ("bildung", "kita-sprache")
    )


def _religious(ctx: CityContext) -> None:
    rng = ctx.random
    for pattern in words.RELIGIOUS_CITYWIDE:
        _actor(
            ctx,
            pattern.format(c=ctx.label),
            "religionsgemeinschaft",
            "religious",
            ("interreligioeser-dialog", "teilhabe-engagement"),
        )
    pairs = _combinations(ctx, words.RELIGIOUS_PATTERNS)
    for pattern, district in pairs[: RELIGIOUS_COUNT - len(words.RELIGIOUS_CITYWIDE)]:
        label = pattern.format(d=district, s=rng.choice(words.SAINTS))
        fields = (
            "interreligioeser-dialog",
            rng.choice(("teilhabe-engagement", "asyl-flucht", "bildung", "beratung")),
        )
        _actor(ctx, label, "religionsgemeinschaft", "religious", fields, district=district)


def _civil(ctx: CityContext) -> None:
    for pattern, fields in words.CIVIL_CITYWIDE:
        _actor(ctx, pattern.format(c=ctx.label), "zivilgesellschaft", "civil", fields)
    sport = _combinations(ctx, words.SPORT_CLUBS)
    civil = _combinations(ctx, words.CIVIL_PATTERNS)
    remaining = CIVIL_COUNT - len(words.CIVIL_CITYWIDE)
    sport_count = remaining * 2 // 5
    for pattern, district in sport[:sport_count]:
        _actor(
            ctx,
            pattern.format(d=district),
            "zivilgesellschaft",
            "sport",
            ("kultur-freizeit-sport",),
            district=district,
        )
    for (pattern, fields), district in civil[: remaining - sport_count]:
        _actor(
            ctx, pattern.format(d=district), "zivilgesellschaft", "civil", fields, district=district
        )


def _others(ctx: CityContext) -> None:
    rng = ctx.random
    for pattern, fields in words.OTHER_CITYWIDE:
        _actor(ctx, pattern.format(c=ctx.label), "sonstige", "other", fields)
    for district in ctx.districts:
        _actor(
            ctx,
            f"Quartiersmanagement {district}",
            "sonstige",
            "quarter",
            ("wohnen", "teilhabe-engagement"),
            district=district,
        )
    kitas = [f"Kita {flower}" for flower in words.FLOWERS]
    kitas += [f"Familienzentrum {district}" for district in ctx.districts]
    kitas += [f"Evangelische Kita {district}" for district in ctx.districts]
    kitas += [f"Katholische Kita St. {saint}" for saint in words.SAINTS]
    rng.shuffle(kitas)
    others = OTHER_COUNT - len(words.OTHER_CITYWIDE) - len(ctx.districts)
    kita_count = others * 3 // 4
    for label in kitas[:kita_count]:
        _actor(
            ctx, label, "sonstige", "kita", ("kita-sprache",), district=rng.choice(ctx.districts)
        )
    firms = _combinations(ctx, words.FIRM_PATTERNS)
    for (pattern, fields), district in firms[: others - kita_count]:
        _actor(ctx, pattern.format(d=district), "sonstige", "other", fields, district=district)
