"""Which action fields the actors of a type (MSOs by default) reach.

"Takes part" means what the ``coverage`` query means: an actor takes part in a field when it
leads or partners a measure of the municipality in that field, or is a member of a network of
the municipality that works on it. A measure or network belongs to a field when it names the
field itself or a reference field the city field is mapped to (exact, close, broad or narrow
match). The fields are those of the municipality's current concept editions.

The build infers the same as ``ikg:takesPartIn``; this module reads the stated facts instead,
so that it knows the way each actor takes part (measure or network) and also works on a store
without inferred graphs.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from graph.analysis.projection import MunicipalityNetwork
from graph.namespaces import municipality_iri, short_id
from graph.store import Store

FIELDS = """
SELECT ?m ?field ?label ?notation ?position ?target WHERE {
  ?edition a ikg:ConceptEdition ;
           ikg:municipality ?m .
  FILTER NOT EXISTS { ?newer dcterms:replaces ?edition }
  ?field skos:inScheme ?edition ;
         skos:prefLabel ?label .
  OPTIONAL { ?field skos:notation ?notation }
  OPTIONAL { ?field ikg:order ?position }
  # each branch binds ?field itself: a branch is evaluated before it is joined
  { ?field a ikg:ActionField . BIND (?field AS ?target) }
  UNION { ?field skos:exactMatch|skos:closeMatch|skos:broadMatch|skos:narrowMatch ?target }
}
"""

PARTICIPATION = """
SELECT ?m ?target ?actor ?via ?measure WHERE {
  {
    ?via a ikg:Measure ;
         ikg:municipality ?m ;
         ikg:actionField ?target ;
         ikg:lead|ikg:partner ?actor .
    BIND (true AS ?measure)
  } UNION {
    ?via a org:OrganizationalCollaboration ;
         ikg:municipality ?m ;
         ikg:actionField ?target .
    ?membership org:organization ?via ;
                org:member ?actor .
    BIND (false AS ?measure)
  }
}
"""


@dataclass
class FieldReach:
    """One action field: which actors of the type reach it, and through what."""

    iri: str
    label: str
    notation: str | None
    position: int | None
    #: actor IRI → the measures and networks through which it takes part
    actors: dict[str, set[str]] = field(default_factory=dict)
    via_measures: set[str] = field(default_factory=set)
    via_networks: set[str] = field(default_factory=set)

    @property
    def count(self) -> int:
        return len(self.actors)


def field_reach(
    store: Store, data: MunicipalityNetwork, actor_type: str = "mso"
) -> list[FieldReach]:
    """Per action field of the current concept edition(s): the actors of ``actor_type`` (an id
    in the actor-type scheme) that take part in it, in the concept's order. Fields nobody of
    the type reaches are listed with no actors."""
    bound = {"m": municipality_iri(data.slug)}
    fields: dict[str, FieldReach] = {}
    targets: dict[str, set[str]] = defaultdict(set)
    for _m, iri, label, notation, position, target in store.query(FIELDS, bound).rows:
        fields.setdefault(
            str(iri),
            FieldReach(
                iri=str(iri),
                label=str(label),
                notation=None if notation is None else str(notation),
                position=None if position is None else int(position.toPython()),
            ),
        )
        targets[str(target)].add(str(iri))
    wanted = {iri for iri, actor in data.actors.items() if actor.type == actor_type}
    for _m, target, actor, via, is_measure in store.query(PARTICIPATION, bound).rows:
        if str(actor) not in wanted:
            continue
        for field_iri in targets.get(str(target), ()):
            reach = fields[field_iri]
            reach.actors.setdefault(str(actor), set()).add(str(via))
            if is_measure.toPython() is True:
                reach.via_measures.add(str(actor))
            else:
                reach.via_networks.add(str(actor))
    return sorted(
        fields.values(),
        key=lambda f: (
            f.position if f.position is not None else 10**6,
            f.notation or "",
            f.label.casefold(),
            short_id(f.iri),
        ),
    )
