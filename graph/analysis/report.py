"""The network analysis of one municipality, as a value: what `ikg analyse` prints and the
viewer's panel shows.

Actors are measured in the actor graph (tied by shared networks, measures, fundings and events,
or the kinds a call names), networks in the membership graph (actors and networks), action
fields by the MSOs that reach them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from rdflib import Literal

from graph.analysis.measures import (
    articulation_points,
    betweenness,
    brokers,
    communities,
    degree_centrality,
    eigenvector,
    isolated,
)
from graph.analysis.projection import (
    DEFAULT_TIES,
    TIE_KINDS,
    MunicipalityNetwork,
    actor_graph,
    membership_graph,
    read_network,
    tie_kinds,
)
from graph.analysis.reach import FieldReach, field_reach
from graph.namespaces import municipality_iri, short_id
from graph.results import to_csv, to_table
from graph.store import QueryResult, Store

MSO = "mso"


@dataclass
class ActorMeasures:
    iri: str
    label: str
    type: str
    type_label: str
    collective: bool
    networks: int
    measures: int
    #: how many other actors it is tied to, and through how many shared groups (networks,
    #: measures, fundings, events: the kinds counted)
    ties: int
    strength: int
    degree_centrality: float
    betweenness: float
    eigenvector: float
    community: int | None
    broker: bool
    articulation_point: bool
    isolated: bool


@dataclass
class NetworkMeasures:
    iri: str
    label: str
    committee: bool
    members: int
    msos: int
    betweenness: float


@dataclass
class Analysis:
    slug: str
    actors: list[ActorMeasures]
    networks: list[NetworkMeasures]
    fields: list[FieldReach]
    #: community number → actor IRIs
    communities: dict[int, list[str]] = field(default_factory=dict)
    ties: int = 0
    measures: int = 0
    #: the kinds of tie counted (keys of TIE_KINDS)
    tie_kinds: tuple[str, ...] = DEFAULT_TIES

    def actor(self, iri: str) -> ActorMeasures:
        return next(a for a in self.actors if a.iri == iri)

    @property
    def brokers(self) -> list[ActorMeasures]:
        """Highest betweenness first."""
        return sorted((a for a in self.actors if a.broker), key=lambda a: (-a.betweenness, a.label))

    @property
    def isolated(self) -> list[ActorMeasures]:
        return [a for a in self.actors if a.isolated]

    @property
    def isolated_msos(self) -> list[ActorMeasures]:
        return [a for a in self.isolated if a.type == MSO]

    @property
    def msos(self) -> list[ActorMeasures]:
        return [a for a in self.actors if a.type == MSO]

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON: ids are the short ids of the viewer's URLs ('oberhausen/ki')."""
        return {
            "municipality": self.slug,
            "tie_kinds": [{"kind": kind, "label": TIE_KINDS[kind]} for kind in self.tie_kinds],
            "counts": {
                "actors": len(self.actors),
                "msos": len(self.msos),
                "networks": len(self.networks),
                "measures": self.measures,
                "ties": self.ties,
                "communities": len(self.communities),
                "brokers": len(self.brokers),
                "isolated": len(self.isolated),
                "isolated_msos": len(self.isolated_msos),
            },
            "brokers": [_actor_ref(a) | _broker_reasons(a) for a in self.brokers],
            "isolated_msos": [_actor_ref(a) for a in self.isolated_msos],
            "isolated": [_actor_ref(a) for a in self.isolated],
            "communities": [
                {"number": number, "actors": [short_id(iri) for iri in members]}
                for number, members in self.communities.items()
            ],
            "actors": [
                {"id": short_id(a.iri), "iri": a.iri}
                | {key: value for key, value in vars(a).items() if key != "iri"}
                for a in self.actors
            ],
            "networks": [
                {"id": short_id(n.iri), "iri": n.iri}
                | {key: value for key, value in vars(n).items() if key != "iri"}
                for n in self.networks
            ],
            "action_fields": [
                {
                    "id": short_id(f.iri),
                    "iri": f.iri,
                    "notation": f.notation,
                    "label": f.label,
                    "msos": f.count,
                    "via_measures": len(f.via_measures),
                    "via_networks": len(f.via_networks),
                    "mso_ids": sorted(short_id(iri) for iri in f.actors),
                }
                for f in self.fields
            ],
        }


def analyse(
    store: Store, slug: str, ties: tuple[str, ...] | list[str] | str | None = None
) -> Analysis:
    """Read one municipality from the store and measure it, counting the kinds of tie named in
    ``ties`` (see projection.tie_kinds; every kind by default).

    Raises NotFoundError (listing the known municipalities) for an unknown ``slug``, ValueError
    for an unknown kind of tie.
    """
    kinds = tie_kinds(ties)
    data = read_network(store, slug)
    return analyse_network(data, field_reach(store, data), ties=kinds)


def analyse_network(
    data: MunicipalityNetwork,
    fields: list[FieldReach],
    ties: tuple[str, ...] | list[str] | str | None = None,
) -> Analysis:
    kinds = tie_kinds(ties)
    actors = actor_graph(data, kinds)
    between = betweenness(actors)
    degree = degree_centrality(actors)
    eigen = eigenvector(actors)
    community = communities(actors)
    cut = set(articulation_points(actors))
    # The municipality's own organisation stands for the administration as a whole (the
    # sources name it where they name no unit); that it lies between others tells no one whom
    # to keep informed, so it is measured like every actor but never listed as a broker.
    city = str(municipality_iri(data.slug))
    found = {iri: why for iri, why in brokers(actors, centrality=between).items() if iri != city}
    alone = set(isolated(actors))
    rows = [
        ActorMeasures(
            iri=iri,
            label=actor.label,
            type=actor.type,
            type_label=actor.type_label,
            collective=actor.collective,
            networks=len(data.networks_of(iri)),
            measures=len(data.measures_of(iri)),
            ties=actors.degree(iri),
            strength=int(actors.degree(iri, weight="weight")),
            degree_centrality=degree[iri],
            betweenness=between[iri],
            eigenvector=eigen[iri],
            community=community[iri],
            broker=iri in found,
            articulation_point=iri in cut,
            isolated=iri in alone,
        )
        for iri, actor in data.actors.items()
    ]
    rows.sort(key=lambda a: (-a.betweenness, -a.ties, a.label.casefold(), a.iri))
    numbered: dict[int, list[str]] = {}
    for iri, number in sorted(community.items(), key=lambda item: str(item[0])):
        if number is not None:
            numbered.setdefault(number, []).append(iri)
    return Analysis(
        slug=data.slug,
        actors=rows,
        networks=_network_measures(data),
        fields=fields,
        communities=dict(sorted(numbered.items())),
        ties=actors.number_of_edges(),
        measures=len(data.measures),
        tie_kinds=kinds,
    )


def _network_measures(data: MunicipalityNetwork) -> list[NetworkMeasures]:
    graph = membership_graph(data)
    between = betweenness(graph)
    rows = [
        NetworkMeasures(
            iri=iri,
            label=network.label,
            committee=network.committee,
            members=graph.degree(iri),
            msos=sum(1 for m in graph.neighbors(iri) if graph.nodes[m].get("type") == MSO),
            betweenness=between[iri],
        )
        for iri, network in data.networks.items()
    ]
    return sorted(rows, key=lambda n: (-n.betweenness, -n.members, n.label.casefold(), n.iri))


def _actor_ref(actor: ActorMeasures) -> dict[str, Any]:
    return {
        "id": short_id(actor.iri),
        "iri": actor.iri,
        "label": actor.label,
        "type": actor.type,
        "type_label": actor.type_label,
    }


def _broker_reasons(actor: ActorMeasures) -> dict[str, Any]:
    return {
        "betweenness": actor.betweenness,
        "articulation_point": actor.articulation_point,
        "reasons": broker_reasons(actor),
    }


def broker_reasons(actor: ActorMeasures) -> list[str]:
    """Why an actor is listed as a broker, in German."""
    reasons = []
    if actor.articulation_point:
        reasons.append("Gelenkstelle: ohne ihn zerfällt das Netz")
    if actor.betweenness > 0:
        reasons.append(f"Vermittlung {actor.betweenness:.3f}")
    return reasons


# --- output for the command line -------------------------------------------------------------

ACTOR_COLUMNS = {
    "id": "Kennung",
    "label": "Akteur",
    "type": "Typ",
    "networks": "Netzwerke",
    "measures": "Maßnahmen",
    "ties": "Verbunden mit",
    "degree_centrality": "Grad",
    "betweenness": "Vermittlung",
    "eigenvector": "Eigenvektor",
    "community": "Gemeinschaft",
    "broker": "Vermittler",
    "articulation_point": "Gelenkstelle",
    "isolated": "Isoliert",
}


def actor_rows(analysis: Analysis) -> QueryResult:
    """One row per actor with every measure (the CSV output)."""
    rows = []
    for a in analysis.actors:
        rows.append(
            (
                short_id(a.iri),
                a.label + (" (Sammelakteur)" if a.collective else ""),
                a.type,
                a.networks,
                a.measures,
                a.ties,
                round(a.degree_centrality, 4),
                round(a.betweenness, 4),
                round(a.eigenvector, 4),
                "" if a.community is None else a.community,
                a.broker,
                a.articulation_point,
                a.isolated,
            )
        )
    return _result(list(ACTOR_COLUMNS), rows)


def render_table(analysis: Analysis) -> str:
    """The analysis as text for the terminal, in sections."""
    counts = analysis.to_dict()["counts"]
    lines = [
        f"Netzwerkanalyse {analysis.slug}: {counts['actors']} Akteure (davon {counts['msos']} "
        f"MSOs), {counts['networks']} Netzwerke und Gremien, {counts['measures']} Maßnahmen, "
        f"{counts['ties']} Verbindungen zwischen Akteuren, {counts['communities']} "
        "Gemeinschaften.",
        "Verbindungen gezählt aus: "
        + "; ".join(TIE_KINDS[kind] for kind in analysis.tie_kinds)
        + " (nicht: Teil der Verwaltung, Beratung derselben Vorlage).",
        "",
        "Vermittler (hohe Vermittlung oder Gelenkstelle; die Kommune selbst steht für die "
        "ganze Verwaltung und zählt nicht als Vermittler):",
    ]
    lines += _section(
        ["label", "type", "betweenness", "reasons"],
        [
            (a.label, a.type, round(a.betweenness, 3), "; ".join(broker_reasons(a)))
            for a in analysis.brokers
        ],
        {"label": "Akteur", "type": "Typ", "betweenness": "Vermittlung", "reasons": "Warum"},
    )
    lines += [
        "",
        "Isolierte MSOs (mit keinem anderen Akteur auf eine der gezählten Arten verbunden):",
    ]
    lines += _section(
        ["id", "label"],
        [(short_id(a.iri), a.label) for a in analysis.isolated_msos],
        {"id": "Kennung", "label": "MSO"},
    )
    lines += ["", f"Handlungsfelder: wie viele der {counts['msos']} MSOs sie erreichen:"]
    lines += _section(
        ["label", "msos", "measures", "networks"],
        [
            (
                f"{f.notation} {f.label}" if f.notation else f.label,
                f.count,
                len(f.via_measures),
                len(f.via_networks),
            )
            for f in analysis.fields
        ],
        {
            "label": "Handlungsfeld",
            "msos": "MSOs",
            "measures": "über Maßnahmen",
            "networks": "über Netzwerke",
        },
    )
    lines += ["", "Netzwerke und Gremien:"]
    lines += _section(
        ["label", "members", "msos", "betweenness"],
        [(n.label, n.members, n.msos, round(n.betweenness, 3)) for n in analysis.networks],
        {
            "label": "Netzwerk / Gremium",
            "members": "Mitglieder",
            "msos": "MSOs",
            "betweenness": "Vermittlung",
        },
    )
    lines += ["", "Akteure:"]
    lines.append(to_table(actor_rows(analysis), ACTOR_COLUMNS))
    return "\n".join(lines)


def render(analysis: Analysis, output_format: str) -> str:
    if output_format == "json":
        import json

        return json.dumps(analysis.to_dict(), ensure_ascii=False, indent=2)
    if output_format == "csv":
        return to_csv(actor_rows(analysis))
    return render_table(analysis)


def _section(variables: list[str], rows: list[tuple], columns: dict[str, str]) -> list[str]:
    if not rows:
        return ["  (keine)"]
    return [to_table(_result(variables, rows), columns)]


def _result(variables: list[str], rows: list[tuple]) -> QueryResult:
    return QueryResult(
        variables=variables,
        rows=[tuple(Literal(value) for value in row) for row in rows],
    )
