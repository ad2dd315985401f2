"""Fifteen networks and working groups of a generated municipality, and who is in them.

The memberships are made so that a network analysis has something to find: MSOs cluster in
the network of their community and of their district (communities), a few MSOs of no single
community sit in several of them (brokers), and a few MSOs are in none (isolated). Other
actors join the working groups of the fields they work on, 0–3 each.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from graph.generator.context import CityContext, Organisation, sources

#: how many networks an actor outside the MSOs joins, by group: weights for 0, 1, 2, 3
MEMBERSHIP_WEIGHTS = {
    "welfare": (0, 2, 4, 4),
    "welfare-service": (1, 4, 3, 1),
    "jobcenter": (0, 1, 2, 2),
    "arbeitsagentur": (0, 2, 2, 1),
    "auslaenderbehoerde": (0, 2, 2, 0),
    "school": (3, 5, 2, 0),
    "religious": (2, 5, 3, 0),
    "sport": (3, 5, 2, 0),
    "civil": (3, 5, 2, 0),
    "quarter": (0, 1, 2, 1),
    "kita": (4, 5, 1, 0),
    "other": (3, 4, 2, 0),
    "institut": (2, 4, 2, 0),
    "hochschule": (2, 3, 1, 0),
    "funder": (8, 2, 0, 0),
}

#: topic networks: key → (label, form, themes, reference fields that draw members)
TOPICS = (
    (
        "ak-migration",
        "Arbeitskreis Migration und Flucht",
        "arbeitskreis",
        ("flucht", "beratung", "aufenthalt"),
        ("asyl-flucht", "beratung", "rechtliche-integration"),
    ),
    (
        "ak-sprache-bildung",
        "Arbeitskreis Sprache und Bildung",
        "arbeitskreis",
        ("sprache", "bildung"),
        ("kita-sprache", "bildung"),
    ),
    (
        "netzwerk-arbeit",
        "Netzwerk Arbeit und Ausbildung",
        "netzwerk",
        ("arbeit",),
        ("arbeitsmarkt",),
    ),
    (
        "gesundheitsnetzwerk",
        "Gesundheitsnetzwerk Migration",
        "netzwerk",
        ("gesundheit",),
        ("gesundheit", "pflege-alter"),
    ),
    (
        "buendnis-sport",
        "Bündnis Integration durch Sport",
        "buendnis",
        ("kultur",),
        ("kultur-freizeit-sport",),
    ),
    (
        "runder-tisch-religionen",
        "Runder Tisch der Religionen",
        "initiative",
        ("dialog",),
        ("interreligioeser-dialog",),
    ),
)


@dataclass
class Network:
    id: str
    label: str
    form: str
    themes: tuple[str, ...]
    draws: tuple[str, ...] = ()
    district: str | None = None
    community: str | None = None
    since: dt.date | None = None
    #: (organisation id, role), the leading role first
    members: list[tuple[str, str]] = field(default_factory=list)

    def join(self, organisation: Organisation, role: str = "Mitglied") -> None:
        if all(member != organisation.id for member, _ in self.members):
            self.members.append((organisation.id, role))
            organisation.networks.append(self.id)


def add_networks(ctx: CityContext) -> list[Network]:
    city = ctx.label
    org = ctx.by_id
    steering = Network(
        "lenkungskreis-integration", "Lenkungskreis Integration", "lenkungskreis", ("steuerung",)
    )
    mso_network = Network(
        ctx.new_id(f"MSO-Netzwerk {city}"), f"MSO-Netzwerk {city}", "netzwerk", ("teilhabe",)
    )
    ctx.used_ids.add(steering.id)
    topics = []
    for key, label, form, themes, draws in TOPICS:
        ctx.used_ids.add(key)
        topics.append(Network(key, label, form, themes, draws))
    district_networks = []
    for district in ctx.districts[:4]:
        label = f"Stadtteilnetzwerk {district}"
        district_networks.append(
            Network(ctx.new_id(label), label, "netzwerk", ("wohnen", "teilhabe"), district=district)
        )
    # the three largest communities have a network of their own
    community_networks = [
        Network(
            ctx.new_id(c.network_label),
            c.network_label,
            c.network_form,
            ("teilhabe", "kultur"),
            community=c.key,
        )
        for c in ctx.communities[:3]
    ]
    networks = [steering, *topics, mso_network, *district_networks, *community_networks]

    steering.join(org("dezernat-soziales"), "Vorsitz")
    steering.join(org("ki"), "Geschäftsführung")
    for member in ("integrationsrat", "fb-soziales", "fb-schule", "fb-jugend"):
        steering.join(org(member))
    for welfare in ctx.of_group("welfare")[:3]:
        steering.join(welfare)
    steering.join(ctx.of_group("jobcenter")[0])
    mso_network.join(org("ki"), "Koordination")
    mso_network.join(org("integrationsrat"))
    leads = {
        "ak-migration": (org("ki"), "Moderation"),
        "ak-sprache-bildung": (org("fb-schule"), "Federführung"),
        "netzwerk-arbeit": (ctx.of_group("jobcenter")[0], "Federführung"),
        "gesundheitsnetzwerk": (org("gesundheitsamt"), "Federführung"),
        "buendnis-sport": (org("sportamt"), "Geschäftsführung"),
        "runder-tisch-religionen": (ctx.of_group("religious")[0], "Moderation"),
    }
    for topic in topics:
        lead, role = leads[topic.id]
        topic.join(lead, role)
    for network in district_networks:
        quarter = next(o for o in ctx.of_group("quarter") if o.district == network.district)
        network.join(quarter, "Federführung")
        network.join(org("stadtplanung"))
    _msos_join(ctx, mso_network, district_networks, community_networks, topics)
    _others_join(ctx, topics, district_networks)
    for network in networks:
        if ctx.chance(0.5):
            network.since = dt.date(ctx.random.randint(2008, 2019), ctx.random.randint(1, 12), 1)
    return networks


def _msos_join(
    ctx: CityContext,
    mso_network: Network,
    district_networks: list[Network],
    community_networks: list[Network],
    topics: list[Network],
) -> None:
    by_district = {n.district: n for n in district_networks}
    by_community = {n.community: n for n in community_networks}
    by_topic = {n.id: n for n in topics}
    first_in_community: set[str] = set()
    for mso in ctx.of_group("mso"):
        if mso.isolated:
            continue
        wanted: list[tuple[Network, str]] = []
        community = by_community.get(mso.community)
        if community is not None and (ctx.chance(0.85) or mso.community not in first_in_community):
            role = "Sprecherrolle" if mso.community not in first_in_community else "Mitglied"
            first_in_community.add(mso.community or "")
            wanted.append((community, role))
        district = by_district.get(mso.district)
        if mso.community == "verbindend":
            # bridging MSOs: the MSO network and two district networks – brokers
            wanted.append((mso_network, "Mitglied"))
            others = ctx.random.sample([n for n in district_networks if n is not district], 2)
            wanted.append((district or others[1], "Mitglied"))
            wanted.append((others[0], "Mitglied"))
        else:
            if district is not None and ctx.chance(0.7):
                wanted.append((district, "Mitglied"))
            if ctx.chance(0.2):
                wanted.append((mso_network, "Mitglied"))
            if "interreligioeser-dialog" in mso.fields and ctx.chance(0.3):
                wanted.append((by_topic["runder-tisch-religionen"], "Mitglied"))
        if not wanted:
            # only the chosen few are isolated; every other MSO is in some network
            wanted.append((district or community or mso_network, "Mitglied"))
        for network, role in wanted[:3]:
            network.join(mso, role)


def _others_join(ctx: CityContext, topics: list[Network], district_networks: list[Network]) -> None:
    by_district = {n.district: n for n in district_networks}
    for organisation in ctx.organisations:
        weights = MEMBERSHIP_WEIGHTS.get(organisation.group)
        if weights is None:
            continue
        count = ctx.random.choices(range(4), weights=weights)[0] - len(organisation.networks)
        candidates = [t for t in topics if set(t.draws) & set(organisation.fields)]
        district = by_district.get(organisation.district)
        if district is not None:
            candidates.append(district)
        candidates = [c for c in candidates if c.id not in organisation.networks]
        for network in ctx.random.sample(candidates, max(0, min(count, len(candidates)))):
            network.join(organisation)


def network_records(ctx: CityContext, networks: list[Network]) -> list[dict]:
    records = []
    for network in networks:
        record: dict = {"id": network.id, "label": network.label, "form": network.form}
        record["action_fields"] = sorted({ctx.field_ref(theme) for theme in network.themes})
        if network.since is not None:
            record["from"] = network.since
        record["members"] = [
            {"member": member, "role": role, "sources": sources()}
            for member, role in network.members
        ]
        record["sources"] = sources()
        records.append(record)
    return records
