"""One municipality's ties, read from a store and projected into networkx.

Who counts as what:

- an **actor** is an organisation of the municipality with an actor type (``org:classification``
  in the actor-type scheme): associations, MSOs, units of the administration, partner cities,
  political bodies that are members somewhere;
- a **network** is an ``org:OrganizationalCollaboration`` of the municipality (networks,
  working and steering groups, cooperations), or a political body that has members (a
  committee such as an Integrationsrat with seats for organisations);
- a **measure** ties its lead and its partners (``ikg:lead``, ``ikg:partner``);
- a **funding** ties the funder to what it funds: the funded organisation, the lead and
  partners of a funded measure, the members of a funded project run as a network
  (``ikg:funder``, ``ikg:fundedOrganisation``, ``ikg:fundedActivity``);
- an **event** ties its organisers and participants (``ikg:organiser``, ``ikg:participant``).

Which of these kinds tie actors is a choice (TIE_KINDS, DEFAULT_TIES): every kind by default.
Not a tie: consulting the same paper (a Beratungsfolge is procedure, not cooperation), and a
unit's place in the administration (``org:subOrganizationOf``): the city would otherwise be
central by hierarchy alone. Parts are read for the diagram, which draws them as context.

Two graphs come out of that: the two-mode membership graph (actors and networks, an edge per
membership) and the actor graph (actors only; an edge where two actors share a network, a
measure, a funding or an event, weighted by how many they share). A network that is itself a
member of another network, or leads a measure, is not an actor: it has no type, and the ties
through it are those of its own members.

The same read carries what the viewer's diagram draws beyond that (webapp/network_graph.py):
the roles of the memberships, every member and political body whether or not it is an actor
here, the parts of organisations and the action fields of the networks — so the diagram and
the analysis stand on one reading of the network.

Every value is bound into the SPARQL text as an RDF term (and projected, so that pyoxigraph
substitutes it), never pasted.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from itertools import combinations

import networkx as nx

from graph.errors import NotFoundError
from graph.namespaces import inferred_graph, municipality_iri, short_id
from graph.queries import stated_dataset
from graph.store import Store

ACTORS = """
SELECT ?m ?actor ?label ?type ?typeLabel ?collective WHERE {
  ?actor ikg:municipality ?m ;
         skos:prefLabel ?label ;
         org:classification ?type .
  ?type skos:inScheme ref:actor-type .
  OPTIONAL { ?type skos:prefLabel ?typeLabel }
  OPTIONAL { ?actor ikg:collective ?collective }
  FILTER NOT EXISTS { ?actor a org:OrganizationalCollaboration }
  # another municipality (a partner in a cooperation) is drawn as a member, not analysed as
  # one of the municipality's actors
  FILTER NOT EXISTS { ?actor a ikg:PartnerMunicipality }
}
"""

# Committees count as networks only where organisations are their members.
NETWORKS = """
SELECT ?m ?network ?label ?committee WHERE {
  ?network ikg:municipality ?m ;
           skos:prefLabel ?label .
  {
    ?network a org:OrganizationalCollaboration .
    BIND (false AS ?committee)
  } UNION {
    ?network a ikg:PoliticalBody .
    FILTER EXISTS { ?membership a org:Membership ; org:organization ?network }
    BIND (true AS ?committee)
  }
}
"""

MEMBERSHIPS = """
SELECT ?m ?member ?network WHERE {
  ?membership a org:Membership ;
              ikg:municipality ?m ;
              org:member ?member ;
              org:organization ?network .
}
"""

MEASURES = """
SELECT ?m ?measure ?label ?actor ?lead WHERE {
  ?measure a ikg:Measure ;
           ikg:municipality ?m ;
           skos:prefLabel ?label .
  { ?measure ikg:lead ?actor . BIND (true AS ?lead) }
  UNION { ?measure ikg:partner ?actor . BIND (false AS ?lead) }
}
"""

# What a funding funds: an organisation, or an activity (a measure, or a project run as a
# network); resolved to actors in read_network.
FUNDINGS = """
SELECT ?m ?funding ?funder ?funded WHERE {
  ?funding a ikg:Funding ;
           ikg:municipality ?m ;
           ikg:funder ?funder .
  { ?funding ikg:fundedOrganisation ?funded } UNION { ?funding ikg:fundedActivity ?funded }
}
"""

EVENTS = """
SELECT ?m ?event ?actor WHERE {
  ?event a ikg:Event ;
         ikg:municipality ?m .
  { ?event ikg:organiser ?actor } UNION { ?event ikg:participant ?actor }
}
"""

#: kinds of tie between actors: name (as ``--ties`` and the URL take it) → German label
TIE_KINDS = {
    "membership": "gemeinsame Mitgliedschaft in Netzwerk oder Gremium",
    "measure": "gemeinsam getragene Maßnahme",
    "funding": "Förderung (Fördernde ↔ Geförderte)",
    "event": "gemeinsam veranstaltetes oder besuchtes Ereignis",
}

#: every kind counts unless a call says otherwise
DEFAULT_TIES: tuple[str, ...] = tuple(TIE_KINDS)

#: the attribute of an actor-graph edge that lists the groups of each kind
_TIE_ATTRIBUTE = {
    "membership": "networks",
    "measure": "measures",
    "funding": "fundings",
    "event": "events",
}

#: the diagram's edges carry the roles the sources name
ROLES = """
SELECT ?m ?member ?organisation ?role WHERE {
  ?membership a org:Membership ;
              ikg:municipality ?m ;
              org:member ?member ;
              org:organization ?organisation ;
              ikg:roleLabel ?role .
}
"""

# What the diagram draws besides the networks: every member of a membership and every
# political body, with its actor type if it has one and its own municipality (a member may
# have no type, or belong to another municipality).
DRAWN = """
SELECT ?m ?node ?label ?type ?typeLabel ?home ?body WHERE {
  {
    ?membership a org:Membership ; ikg:municipality ?m ; org:member ?node .
    BIND (false AS ?body)
  } UNION {
    ?node a ikg:PoliticalBody ; ikg:municipality ?m .
    BIND (true AS ?body)
  }
  ?node skos:prefLabel ?label .
  OPTIONAL {
    ?node org:classification ?type .
    ?type skos:inScheme ref:actor-type .
    OPTIONAL { ?type skos:prefLabel ?typeLabel }
  }
  OPTIONAL { ?node ikg:municipality ?home }
}
"""

PARTS = """
SELECT ?m ?part ?whole WHERE {
  ?part ikg:municipality ?m ;
        org:subOrganizationOf ?whole .
}
"""

NETWORK_FIELDS = """
SELECT ?m ?network ?field ?label WHERE {
  ?network a org:OrganizationalCollaboration ;
           ikg:municipality ?m ;
           ikg:actionField ?field .
  ?field skos:prefLabel ?label .
}
"""

MUNICIPALITIES = """
SELECT ?m ?fictional WHERE {
  # with their own data: a partner municipality states no ikg:fictional
  ?m a ikg:Municipality ; ikg:fictional ?fictional .
}
"""


@dataclass
class Actor:
    iri: str
    label: str
    #: id in the actor-type scheme, e.g. "mso"
    type: str
    type_label: str
    #: stands for a group the sources do not break down ("die etwa 50 MSOs")
    collective: bool = False


@dataclass
class Network:
    iri: str
    label: str
    committee: bool = False
    members: set[str] = field(default_factory=set)
    #: a committee's own actor type (id), e.g. "politisches-gremium"
    actor_type: str | None = None


@dataclass
class Organisation:
    """Drawn in the diagram, not measured here: a member without an actor type or of another
    municipality, a political body without members and without a type."""

    iri: str
    label: str
    #: id in the actor-type scheme, if it has one
    type: str | None = None
    type_label: str | None = None
    #: the slug of its own municipality, if it has one
    municipality: str | None = None


@dataclass
class Measure:
    iri: str
    label: str
    lead: str | None = None
    partners: set[str] = field(default_factory=set)

    @property
    def participants(self) -> set[str]:
        return self.partners | ({self.lead} if self.lead else set())


@dataclass
class Funding:
    iri: str
    funder: str
    #: the actors it reaches (see _funded_actors)
    funded: set[str] = field(default_factory=set)

    @property
    def participants(self) -> set[str]:
        return self.funded | {self.funder}


@dataclass
class MunicipalityNetwork:
    """What the projection reads: plain records, keyed by IRI."""

    slug: str
    actors: dict[str, Actor] = field(default_factory=dict)
    networks: dict[str, Network] = field(default_factory=dict)
    measures: dict[str, Measure] = field(default_factory=dict)
    fundings: dict[str, Funding] = field(default_factory=dict)
    #: event → its organisers and participants
    events: dict[str, set[str]] = field(default_factory=dict)
    #: every membership of the municipality as (member, organisation), also those in an
    #: organisation that is no network here
    memberships: list[tuple[str, str]] = field(default_factory=list)
    #: (member, organisation) → the roles the sources name for it, sorted
    roles: dict[tuple[str, str], list[str]] = field(default_factory=dict)
    #: the municipality's political bodies, with members or without
    bodies: set[str] = field(default_factory=set)
    #: members and bodies that are neither actors nor networks here (see Organisation)
    others: dict[str, Organisation] = field(default_factory=dict)
    #: (part, whole) for each org:subOrganizationOf of the municipality's organisations
    parts: list[tuple[str, str]] = field(default_factory=list)
    #: network → its action fields (IRI → label)
    network_fields: dict[str, dict[str, str]] = field(default_factory=dict)

    def networks_of(self, actor: str) -> list[str]:
        return sorted(n for n, network in self.networks.items() if actor in network.members)

    def measures_of(self, actor: str) -> list[str]:
        return sorted(m for m, measure in self.measures.items() if actor in measure.participants)


def known_slugs(store: Store, *, fictional: bool = True) -> list[str]:
    """The municipalities in the store; without the fictional ones (example city, generated
    data) when ``fictional`` is False."""
    return sorted(
        {
            short_id(str(m))
            for m, is_fictional in store.query(MUNICIPALITIES).rows
            if fictional or is_fictional is None or is_fictional.toPython() is not True
        }
    )


def read_network(store: Store, slug: str) -> MunicipalityNetwork:
    """Actors, networks, memberships and measures of one municipality, and what its diagram
    draws beyond them (the fields of MunicipalityNetwork below ``measures``).

    Raises NotFoundError naming the known municipalities when ``slug`` is not one of them.
    """
    known = known_slugs(store)
    if slug not in known:
        raise NotFoundError(
            f"keine Kommune '{slug[:60]}' im Graphen. Bekannt: {', '.join(known) or '(keine)'}."
        )
    bound = {"m": municipality_iri(slug)}
    # in the municipality's graphs only (stated, inferred: committees typed by their actor
    # type): over the union of all, the engine starts from every municipality's typed nodes,
    # and the first request for a network page at 400 municipalities ran > 120 s
    graphs = [*stated_dataset([slug]), inferred_graph(slug)]

    def select(sparql: str) -> list[tuple]:
        return store.query(sparql, bound, default_graphs=graphs, named_graphs=graphs).rows

    data = MunicipalityNetwork(slug=slug)
    # sorted, so that an entity with two labels or types is read the same way every time
    for row in sorted(select(ACTORS), key=_row_key):
        _m, iri, label, actor_type, type_label, collective = row
        data.actors.setdefault(
            str(iri),
            Actor(
                iri=str(iri),
                label=str(label),
                type=short_id(str(actor_type)),
                type_label=str(type_label) if type_label is not None else short_id(str(actor_type)),
                collective=collective is not None and collective.toPython() is True,
            ),
        )
    for _m, iri, label, committee in sorted(select(NETWORKS), key=_row_key):
        data.networks.setdefault(
            str(iri),
            Network(iri=str(iri), label=str(label), committee=committee.toPython() is True),
        )
    for iri, network in data.networks.items():
        # a committee with members is a network here, not an actor
        committee_as_actor = data.actors.pop(iri, None)
        if committee_as_actor is not None:
            network.actor_type = committee_as_actor.type
    for _m, member, network in sorted(select(MEMBERSHIPS), key=_row_key):
        data.memberships.append((str(member), str(network)))
        if str(network) in data.networks:
            data.networks[str(network)].members.add(str(member))
    for _m, iri, label, actor, lead in sorted(select(MEASURES), key=_row_key):
        measure = data.measures.setdefault(str(iri), Measure(iri=str(iri), label=str(label)))
        if lead.toPython() is True:
            measure.lead = str(actor)
        else:
            measure.partners.add(str(actor))
    for _m, iri, funder, funded in sorted(select(FUNDINGS), key=_row_key):
        funding = data.fundings.setdefault(str(iri), Funding(iri=str(iri), funder=str(funder)))
        funding.funded |= _funded_actors(data, str(funded))
    for _m, iri, actor in sorted(select(EVENTS), key=_row_key):
        data.events.setdefault(str(iri), set()).add(str(actor))
    _read_drawn(data, select)
    return data


def _funded_actors(data: MunicipalityNetwork, funded: str) -> set[str]:
    """Who a funding reaches: a funded measure's lead and partners, a funded project's (a
    network's) members, else the funded organisation itself."""
    if funded in data.measures:
        return data.measures[funded].participants
    if funded in data.networks:
        return set(data.networks[funded].members)
    return {funded}


def _read_drawn(data: MunicipalityNetwork, select: Callable[[str], list[tuple]]) -> None:
    """What only the diagram draws (see DRAWN, ROLES, PARTS, NETWORK_FIELDS)."""
    roles: dict[tuple[str, str], set[str]] = {}
    for _m, member, organisation, role in select(ROLES):
        roles.setdefault((str(member), str(organisation)), set()).add(str(role))
    data.roles = {pair: sorted(names) for pair, names in sorted(roles.items())}
    for _m, iri, label, actor_type, type_label, home, body in sorted(select(DRAWN), key=_row_key):
        if body.toPython() is True:
            data.bodies.add(str(iri))
        if str(iri) in data.actors or str(iri) in data.networks:
            continue
        known = data.others.get(str(iri))
        if known is None or (known.type is None and actor_type is not None):
            data.others[str(iri)] = Organisation(
                iri=str(iri),
                label=str(label) if known is None else known.label,
                type=None if actor_type is None else short_id(str(actor_type)),
                type_label=None if type_label is None else str(type_label),
                municipality=None if home is None else short_id(str(home)),
            )
    data.parts = sorted((str(part), str(whole)) for _m, part, whole in select(PARTS))
    for _m, network, field_iri, label in sorted(select(NETWORK_FIELDS), key=_row_key):
        data.network_fields.setdefault(str(network), {})[str(field_iri)] = str(label)


def _row_key(row: tuple) -> tuple[str, ...]:
    return tuple("" if value is None else str(value) for value in row)


def membership_graph(data: MunicipalityNetwork) -> nx.Graph:
    """The two-mode graph: every actor (``bipartite=0``, even one in no network) and every
    network (``bipartite=1``); an edge per membership. A network that is a member of another
    network is joined to it by an edge between two networks.

    >>> data = MunicipalityNetwork("x")
    >>> data.actors["a"] = Actor("a", "A", "mso", "MSO")
    >>> data.actors["b"] = Actor("b", "B", "mso", "MSO")
    >>> data.networks["n"] = Network("n", "N", members={"a"})
    >>> graph = membership_graph(data)
    >>> sorted(graph.edges), graph.nodes["n"]["bipartite"], graph.degree("b")
    ([('a', 'n')], 1, 0)
    """
    graph = nx.Graph(municipality=data.slug)
    for iri, actor in data.actors.items():
        graph.add_node(iri, **_actor_attributes(actor), bipartite=0)
    for iri, network in data.networks.items():
        graph.add_node(
            iri,
            label=network.label,
            kind="network",
            type="gremium" if network.committee else "netzwerk",
            type_label="Gremium" if network.committee else "Netzwerk / Arbeitskreis",
            bipartite=1,
        )
    for iri, network in data.networks.items():
        for member in sorted(network.members):
            if member in graph:
                role = "; ".join(data.roles.get((member, iri), []))
                graph.add_edge(member, iri, relation="membership", role=role)
    return graph


def tie_kinds(names: Iterable[str] | str | None) -> tuple[str, ...]:
    """The kinds of tie named (a list, or one text separated by commas), in TIE_KINDS order;
    DEFAULT_TIES for None or an empty text.

    Raises ValueError naming the unknown kind and the known ones.

    >>> tie_kinds("event, membership")
    ('membership', 'event')
    >>> tie_kinds(None) == DEFAULT_TIES
    True
    """
    if names is None:
        return DEFAULT_TIES
    if isinstance(names, str):
        names = [name.strip() for name in names.split(",") if name.strip()]
    names = [str(name).strip().casefold() for name in names]
    if not names:
        return DEFAULT_TIES
    unknown = [name for name in names if name not in TIE_KINDS]
    if unknown:
        known = ", ".join(TIE_KINDS)
        raise ValueError(
            f"unbekannte Art von Verbindung '{unknown[0][:40]}'; bekannt sind: {known} "
            f"(mehrere durch Komma getrennt). / unknown kind of tie '{unknown[0][:40]}'; "
            f"known: {known} (comma-separated)."
        )
    return tuple(kind for kind in TIE_KINDS if kind in names)


def actor_graph(data: MunicipalityNetwork, ties: Iterable[str] = DEFAULT_TIES) -> nx.Graph:
    """Actors only; two are tied when they share a group of one of the ``ties`` kinds (a
    network, a measure, a funding, an event). ``weight`` is how many they share; ``networks``,
    ``measures``, ``fundings`` and ``events`` list which. Parts of organisations never tie.

    >>> data = MunicipalityNetwork("x")
    >>> for name in "abc":
    ...     data.actors[name] = Actor(name, name.upper(), "mso", "MSO")
    >>> data.networks["n"] = Network("n", "N", members={"a", "b"})
    >>> data.measures["m"] = Measure("m", "M", lead="a", partners={"b", "c"})
    >>> graph = actor_graph(data)
    >>> graph.edges["a", "b"]["weight"], graph.edges["a", "b"]["networks"]
    (2, ['n'])
    >>> graph.edges["b", "c"]["weight"], graph.edges["b", "c"]["measures"]
    (1, ['m'])
    >>> actor_graph(data, ties=["membership"]).has_edge("b", "c")
    False
    """
    chosen = set(tie_kinds(list(ties)))
    groups = {
        "membership": ((n, net.members) for n, net in data.networks.items()),
        "measure": ((m, measure.participants) for m, measure in data.measures.items()),
        "funding": ((f, funding.participants) for f, funding in data.fundings.items()),
        "event": ((e, members) for e, members in data.events.items()),
    }
    graph = nx.Graph(municipality=data.slug, ties=tuple(k for k in TIE_KINDS if k in chosen))
    for iri, actor in data.actors.items():
        graph.add_node(iri, **_actor_attributes(actor))
    for kind, attribute in _TIE_ATTRIBUTE.items():
        if kind in chosen:
            _tie(graph, groups[kind], attribute)
    for _a, _b, tie in graph.edges(data=True):
        tie["weight"] = sum(len(tie[attribute]) for attribute in _TIE_ATTRIBUTE.values())
    return graph


def _tie(graph: nx.Graph, groups: Iterable[tuple[str, set[str]]], kind: str) -> None:
    for group, members in sorted(groups):
        actors = sorted(m for m in members if m in graph)
        for a, b in combinations(actors, 2):
            if not graph.has_edge(a, b):
                graph.add_edge(a, b, **{attribute: [] for attribute in _TIE_ATTRIBUTE.values()})
            graph.edges[a, b][kind].append(group)


def _actor_attributes(actor: Actor) -> dict[str, object]:
    return {
        "label": actor.label,
        "kind": "actor",
        "type": actor.type,
        "type_label": actor.type_label,
        "collective": actor.collective,
    }
