"""What follows from the stated facts, by rules: the inferred graphs and the rule-based check.

Two jobs, both SPARQL on an in-memory pyoxigraph store (``RuleStore``, one per municipality,
loaded once for both), so they stay fast at any size — a reasoner is needed for neither:

- ``RuleStore.inferred()`` (or ``materialise``): the inferences users need, for one
  municipality's graph with the ontology and reference schemes as context. Each rule in
  ``RULES`` is one SPARQL update; what the municipality already states is dropped, so an
  inferred graph holds only facts that are not stated.
- ``RuleStore.clashes()`` (or ``find_clashes``): the consistency check the build uses above
  ``IKG_HERMIT_LIMIT`` (graph/reasoning.py decides), for the axioms ontology/ikg.ttl has:
  disjoint classes (after typing every node by its stated classes, the domains and ranges of
  its properties, inverse properties, ``owl:hasValue`` restrictions and superclasses, unions
  included), functional properties with two values known to differ, disjoint properties.
  Sound: whatever it finds, HermiT finds too. ``RULE_CHECKED_AXIOMS`` lists the OWL terms it
  understands; a test fails when the ontology uses one beyond them.

Datatype ranges are left to the SHACL shapes, as for HermiT (graph/reasoning.py).

The store's graphs, written ``rules:…`` in the SPARQL below, live only in that scratch store:
``rules:stated`` (the municipality's facts), ``rules:context``, ``rules:inferred`` (what the
rules conclude) and ``rules:derived`` (what the check derives: types, disjoint pairs).
"""

from __future__ import annotations

from dataclasses import dataclass

import pyoxigraph as ox
from rdflib import Graph, URIRef

from graph.namespaces import (
    GRAPH,
    IKG,
    ONTOLOGY_GRAPH,
    ORG,
    OWL,
    PREFIXES,
    PROV,
    RDF,
    RDFS,
    REF,
    REFERENCE_GRAPH,
    inferred_graph,
    municipality_graph,
)
from graph.store.interface import from_oxigraph

_SCRATCH = str(GRAPH["rules/"])
_PREFIXES = {**PREFIXES, "rules": _SCRATCH}
_STATED = ox.NamedNode(_SCRATCH + "stated")
_CONTEXT = ox.NamedNode(_SCRATCH + "context")
_INFERRED = ox.NamedNode(_SCRATCH + "inferred")
_DERIVED = ox.NamedNode(_SCRATCH + "derived")


@dataclass(frozen=True)
class Rule:
    """One inference: what it concludes, why (in German, for the viewer), and when."""

    name: str
    #: the predicates of the triples it concludes
    predicates: tuple[URIRef, ...]
    #: why a fact of this kind holds, as the viewer says it next to the fact
    reason: str
    #: the triples it concludes (a SPARQL template) …
    conclusion: str
    #: … wherever this SPARQL pattern matches the stated facts (GRAPH rules:context for the
    #: ontology and reference schemes)
    condition: str

    @property
    def update(self) -> str:
        return (
            f"INSERT {{ GRAPH rules:inferred {{ {self.conclusion} }} }}\n"
            f"USING rules:stated USING NAMED rules:context\n"
            f"WHERE {{ {self.condition} }}"
        )


#: ?target ?reference: each reference field with itself and with every field of the
#: municipality mapped to it (the fields a measure or network may name to count for it)
_REFERENCE_TARGETS = """{
                SELECT ?target ?reference WHERE {
                  {
                    GRAPH rules:context { ?target a ikg:ReferenceActionField }
                    BIND (?target AS ?reference)
                  }
                  UNION {
                    ?target skos:exactMatch|skos:closeMatch|skos:broadMatch|skos:narrowMatch
                            ?reference .
                  }
                }
              }"""

RULES: tuple[Rule, ...] = (
    Rule(
        name="class-membership",
        predicates=(RDF.type,),
        reason=(
            "Erschlossen: folgt aus einer genannten Art und den Oberklassen der Ontologie "
            "(z. B. ist jedes Gremium eine Organisation) oder aus der Einordnung "
            "(Akteurstyp Kommunalverwaltung → Verwaltungseinheit, politisches Gremium → "
            "Gremium)."
        ),
        conclusion="?node a ?super",
        condition="""
          { ?node a ?class }
          UNION {
            GRAPH rules:context {
              ?restriction owl:onProperty ?property ; owl:hasValue ?value ;
                           rdfs:subClassOf ?class .
            }
            ?node ?property ?value .
          }
          GRAPH rules:context { ?class rdfs:subClassOf* ?super }
          FILTER (isIRI(?super) && ?super != owl:Thing)""",
    ),
    Rule(
        name="membership-shortcuts",
        predicates=(ORG.memberOf, ORG.hasMember),
        reason=(
            "Erschlossen aus einer Mitgliedschaft, die Mitglied und Netzwerk bzw. Gremium "
            "nennt (Mitglieder eines Netzwerks ↔ Netzwerke eines Mitglieds)."
        ),
        conclusion="?member org:memberOf ?organization . ?organization org:hasMember ?member",
        condition="?membership org:member ?member ; org:organization ?organization .",
    ),
    Rule(
        name="transitive-sub-organisation",
        predicates=(ORG.transitiveSubOrganizationOf,),
        reason=(
            "Erschlossen über eine Kette von Untergliederungen (z. B. Bereich → Dezernat → "
            "Stadt): was Teil eines Teils ist, ist auch Teil des Ganzen."
        ),
        conclusion="?part org:transitiveSubOrganizationOf ?whole",
        condition="?part (org:subOrganizationOf|org:unitOf)+ ?whole .",
    ),
    Rule(
        name="takes-part-in",
        predicates=(IKG.takesPartIn,),
        reason=(
            "Erschlossen: federführend oder Partner einer Maßnahme in diesem Handlungsfeld, "
            "oder Mitglied eines Netzwerks, das daran arbeitet – direkt oder über ein "
            "Referenz-Handlungsfeld, auf das das Feld abgebildet ist."
        ),
        # As queries/coverage.rq defined it before it read these facts: the field itself or
        # a reference field it is mapped to, in a measure or network of its own municipality.
        conclusion="?actor ikg:takesPartIn ?field",
        # Two sub-selects joined on target and municipality (as coverage.rq had them): the
        # work grows with the facts, not with measures times fields.
        condition="""
          {
            SELECT ?field ?target ?municipality WHERE {
              ?field a ikg:ActionField ; ikg:municipality ?municipality .
              # each branch binds ?field itself: a branch is evaluated before the join
              { ?field a ikg:ActionField . BIND (?field AS ?target) }
              UNION {
                ?field skos:exactMatch|skos:closeMatch|skos:broadMatch|skos:narrowMatch ?target
              }
            }
          }
          {
            SELECT ?target ?municipality ?actor WHERE {
              {
                ?measure a ikg:Measure ; ikg:municipality ?municipality ;
                         ikg:actionField ?target ; ikg:lead|ikg:partner ?actor .
              } UNION {
                ?network a org:OrganizationalCollaboration ; ikg:municipality ?municipality ;
                         ikg:actionField ?target .
                ?membership org:organization ?network ; org:member ?actor .
              }
            }
          }""",
    ),
    Rule(
        name="reference-field-figures",
        # (their rdf:type ikg:ReferenceFieldFigures too, which REASONS explains by the first rule)
        predicates=(IKG.figuresOf, IKG.referenceField, IKG.measureCount, IKG.actorCount),
        reason=(
            "Erschlossen: gezählt aus den Maßnahmen der Kommune zu diesem Referenz-Handlungsfeld "
            "(direkt oder über ein eigenes Feld, das darauf abgebildet ist), ihren "
            "Federführenden und Partnern und den Mitgliedern der Netzwerke zu dem Feld."
        ),
        # Counted per municipality at build time, as queries/compare.rq counted them over all
        # municipalities at every request (2.3 s for a hundred): comparing reads the figures.
        conclusion="""
          ?figures a ikg:ReferenceFieldFigures ; ikg:figuresOf ?municipality ;
                   ikg:referenceField ?reference ;
                   ikg:measureCount ?measureCount ; ikg:actorCount ?actorCount .""",
        condition="""
          # the municipalities with their own data (a partner municipality states no
          # ikg:fictional): the others record nothing to count
          ?municipality a ikg:Municipality ; ikg:fictional ?fictional .
          GRAPH rules:context { ?reference a ikg:ReferenceActionField }
          OPTIONAL {
            SELECT ?reference (COUNT(DISTINCT ?measure) AS ?measures) WHERE {
              """
        + _REFERENCE_TARGETS
        + """
              ?measure ikg:actionField ?target ; a ikg:Measure .
            }
            GROUP BY ?reference
          }
          OPTIONAL {
            SELECT ?reference (COUNT(DISTINCT ?actor) AS ?actors) WHERE {
              """
        + _REFERENCE_TARGETS
        + """
              {
                ?measure ikg:actionField ?target ; a ikg:Measure ; ikg:lead|ikg:partner ?actor .
              } UNION {
                ?network ikg:actionField ?target ; a org:OrganizationalCollaboration .
                ?membership org:organization ?network ; org:member ?actor .
              }
              # the actors coverage counts: local, with an actor type; a network or project
              # has none, and a municipality (a partner city of a cooperation) is no local
              # partner (README, "What coverage and gaps count")
              ?actor org:classification ?actorType .
              FILTER (STRSTARTS(STR(?actorType), '"""
        + str(REF)
        + """actor-type/'))
              FILTER NOT EXISTS { ?actor org:classification <"""
        + str(REF)
        + """actor-type/kommune> }
            }
            GROUP BY ?reference
          }
          BIND (COALESCE(?measures, 0) AS ?measureCount)
          BIND (COALESCE(?actors, 0) AS ?actorCount)
          BIND (IRI(CONCAT(STR(?municipality), "/kennzahlen/",
                           REPLACE(STR(?reference), "^.*/", ""))) AS ?figures)""",
    ),
)

#: The predicates whose facts only rules conclude, with why (see Rule.reason).
REASONS: dict[URIRef, str] = {
    predicate: rule.reason for rule in RULES for predicate in rule.predicates
}

#: The OWL terms of the ontology that the rule-based check takes into account (a test
#: compares them with those ontology/ikg.ttl uses).
RULE_CHECKED_AXIOMS = frozenset(
    {
        OWL.Class,
        OWL.ObjectProperty,
        OWL.DatatypeProperty,
        OWL.AnnotationProperty,
        OWL.Ontology,
        OWL.Restriction,
        OWL.AllDisjointClasses,
        OWL.disjointWith,
        OWL.members,
        OWL.unionOf,
        OWL.onProperty,
        OWL.hasValue,
        OWL.inverseOf,
        OWL.FunctionalProperty,
        OWL.propertyDisjointWith,
        OWL.versionInfo,
        OWL.differentFrom,
        # no consequence for consistency with these axioms: transitive, symmetric and chained
        # properties have no disjoint partner, and their domains and ranges are those of the
        # properties they are made from
        OWL.TransitiveProperty,
        OWL.SymmetricProperty,
        OWL.propertyChainAxiom,
        RDFS.subClassOf,
        RDFS.subPropertyOf,
        RDFS.domain,
        RDFS.range,
    }
)

#: What the check derives, in order, each into rules:derived from everything so far:
#: (what, where).
_DERIVATIONS = (
    # two classes are disjoint: stated either way round, or both members of one
    # owl:AllDisjointClasses
    (
        "?a rules:disjoint ?b . ?b rules:disjoint ?a",
        """
        { ?a owl:disjointWith ?b }
        UNION {
          ?axiom a owl:AllDisjointClasses ; owl:members ?list .
          ?list rdf:rest*/rdf:first ?a .
          ?list rdf:rest*/rdf:first ?b .
          FILTER (?a != ?b)
        }""",
    ),
    # a union of classes is a subclass of every class all its members are subclasses of
    (
        "?union rdfs:subClassOf ?super",
        """
        ?union owl:unionOf ?list .
        ?list rdf:first ?first .
        ?first rdfs:subClassOf* ?super .
        FILTER NOT EXISTS {
          ?list rdf:rest*/rdf:first ?member .
          FILTER NOT EXISTS { ?member rdfs:subClassOf* ?super }
        }""",
    ),
    # x p y makes x an instance of p's domain and of the range of p's inverse, and so for
    # every property p is a subproperty of (a zero-length path here would visit every node
    # of the data, so the branches say it twice)
    (
        "?p rules:subjectType ?class",
        """
        { ?p rdfs:domain ?class }
        UNION { ?q rdfs:domain ?class . ?p rdfs:subPropertyOf+ ?q }
        UNION { ?p owl:inverseOf|^owl:inverseOf ?inverse . ?inverse rdfs:range ?class }
        UNION {
          ?q owl:inverseOf|^owl:inverseOf ?inverse . ?inverse rdfs:range ?class .
          ?p rdfs:subPropertyOf+ ?q .
        }""",
    ),
    # … and y an instance of p's range and of the domain of p's inverse
    (
        "?p rules:objectType ?class",
        """
        { ?p rdfs:range ?class }
        UNION { ?q rdfs:range ?class . ?p rdfs:subPropertyOf+ ?q }
        UNION { ?p owl:inverseOf|^owl:inverseOf ?inverse . ?inverse rdfs:domain ?class }
        UNION {
          ?q owl:inverseOf|^owl:inverseOf ?inverse . ?inverse rdfs:domain ?class .
          ?p rdfs:subPropertyOf+ ?q .
        }""",
    ),
    # every node's classes, and their superclasses
    (
        "?node a ?super",
        """
        {
          # each node and class once, before the superclasses are looked up
          SELECT DISTINCT ?node ?class WHERE {
            { ?node a ?class }
            UNION { ?p rules:subjectType ?class . ?node ?p ?value }
            UNION { ?p rules:objectType ?class . ?subject ?p ?node . FILTER (!isLiteral(?node)) }
            UNION {
              ?restriction owl:onProperty ?p ; owl:hasValue ?value ; rdfs:subClassOf ?class .
              ?node ?p ?value .
            }
          }
        }
        ?class rdfs:subClassOf* ?super .
        FILTER (isIRI(?super))""",
    ),
)

_CLASH_QUERIES = {
    "disjoint-classes": """
    SELECT DISTINCT ?node ?a ?b WHERE {
      GRAPH rules:derived { ?node a ?a . ?node a ?b . ?a rules:disjoint ?b . }
      FILTER (STR(?a) < STR(?b))
    }""",
    "functional-property": """
    SELECT DISTINCT ?node ?p ?first ?second WHERE {
      ?p a owl:FunctionalProperty .
      ?node ?p ?first , ?second .
      FILTER (!sameTerm(?first, ?second))
      {
        FILTER (isLiteral(?first) && isLiteral(?second) && COALESCE(?first != ?second, true))
      } UNION {
        ?first owl:differentFrom|^owl:differentFrom ?second .
      } UNION {
        GRAPH rules:derived { ?first a ?a . ?second a ?b . ?a rules:disjoint ?b . }
      }
    }""",
    "disjoint-properties": """
    SELECT DISTINCT ?node ?p ?q ?value WHERE {
      ?p owl:propertyDisjointWith ?q .
      ?subP rdfs:subPropertyOf* ?p .
      ?subQ rdfs:subPropertyOf* ?q .
      ?node ?subP ?value .
      ?node ?subQ ?value .
    }""",
    "nothing": """
    SELECT DISTINCT ?node WHERE {
      { GRAPH rules:derived { ?node a owl:Nothing } }
      UNION { ?node owl:differentFrom ?node }
    }""",
}


@dataclass(frozen=True)
class Clash:
    """One way the data contradicts the ontology, with the nodes involved."""

    #: "disjoint-classes", "functional-property", "disjoint-properties" or "nothing"
    kind: str
    entities: tuple[str, ...]
    #: the clash in one line, IRIs written out
    text: str


class RuleStore:
    """One municipality's stated facts and their context (the ontology plus the reference
    schemes) in an in-memory store, loaded once for both jobs of the rules."""

    def __init__(self, stated: Graph, context: Graph) -> None:
        self._store = ox.Store()
        # N-Triples text is the quickest way from rdflib into pyoxigraph
        for graph, target in ((stated, _STATED), (context, _CONTEXT)):
            self._store.load(
                graph.serialize(format="nt", encoding="utf-8"),
                format=ox.RdfFormat.N_TRIPLES,
                to_graph=target,
            )

    def inferred_triples(self) -> list[ox.Triple]:
        """Every rule's conclusions that the stated facts do not state already (pyoxigraph
        triples: the build writes them as they are, without a detour through rdflib)."""
        for rule in RULES:
            self._store.update(rule.update, prefixes=_PREFIXES)
        return list(
            self._store.query(
                """CONSTRUCT { ?s ?p ?o } WHERE {
                     GRAPH rules:inferred { ?s ?p ?o }
                     FILTER NOT EXISTS { GRAPH rules:stated { ?s ?p ?o } }
                   }""",
                prefixes=_PREFIXES,
            )
        )

    def inferred(self) -> Graph:
        """inferred_triples as an rdflib graph."""
        inferred = Graph()
        for triple in self.inferred_triples():
            inferred.add(
                (
                    from_oxigraph(triple.subject),  # type: ignore[arg-type]
                    from_oxigraph(triple.predicate),  # type: ignore[arg-type]
                    from_oxigraph(triple.object),  # type: ignore[arg-type]
                )
            )
        return inferred

    def clashes(self) -> list[Clash]:
        """Everything in the stated facts that contradicts the ontology, by rules (module
        docstring); an empty list means the rules found nothing."""
        using = "USING rules:stated USING rules:context USING rules:derived"
        for conclusion, condition in _DERIVATIONS:
            self._store.update(
                f"INSERT {{ GRAPH rules:derived {{ {conclusion} }} }} {using} "
                f"WHERE {{ {condition} }}",
                prefixes=_PREFIXES,
            )
        everything = [_STATED, _CONTEXT, _DERIVED]
        clashes: list[Clash] = []
        for kind, query in _CLASH_QUERIES.items():
            solutions = self._store.query(query, prefixes=_PREFIXES, default_graph=everything)
            for solution in solutions:
                clash = _clash(kind, solution)
                if clash not in clashes:
                    clashes.append(clash)
        return clashes


def materialise(stated: Graph, context: Graph) -> Graph:
    """Every rule's conclusions from one municipality's stated facts that it does not state.

    ``context`` is the ontology plus the reference schemes. The result holds only the
    inferred triples (``describe_inferred_graph`` adds the graph's own description).
    """
    return RuleStore(stated, context).inferred()


def find_clashes(data: Graph, context: Graph) -> list[Clash]:
    """Everything in ``data`` that contradicts the ontology in ``context``, by rules.

    ``context`` is the ontology (plus, in the build, the reference schemes). An empty list
    means the rules found nothing; they understand the axioms in RULE_CHECKED_AXIOMS.
    """
    return RuleStore(data, context).clashes()


def describe_inferred_graph(slug: str) -> Graph:
    """The inferred graph's statement about itself: an ikg:InferredGraph, derived from the
    municipality's graph, the ontology and the reference schemes."""
    description = Graph()
    graph_iri = inferred_graph(slug)
    description.add((graph_iri, RDF.type, IKG.InferredGraph))
    for source in (municipality_graph(slug), ONTOLOGY_GRAPH, REFERENCE_GRAPH):
        description.add((graph_iri, PROV.wasDerivedFrom, source))
    return description


def _clash(kind: str, solution: ox.QuerySolution) -> Clash:
    node = solution["node"].value
    if kind == "disjoint-classes":
        a, b = solution["a"].value, solution["b"].value
        return Clash(kind, (node,), f"<{node}> a <{a}> , <{b}> — disjoint classes")
    if kind == "functional-property":
        # each pair comes in both orders; one order makes them one clash
        first, second = sorted((solution["first"], solution["second"]), key=str)
        entities = tuple(
            [node] + [term.value for term in (first, second) if isinstance(term, ox.NamedNode)]
        )
        return Clash(
            kind,
            entities,
            f"<{node}> <{solution['p'].value}> {first} , {second} — a functional property "
            "with two values that differ",
        )
    if kind == "disjoint-properties":
        value = solution["value"]
        entities = (node, value.value) if isinstance(value, ox.NamedNode) else (node,)
        return Clash(
            kind,
            entities,
            f"<{node}> <{solution['p'].value}> {value} ; <{solution['q'].value}> {value} — "
            "disjoint properties with the same value",
        )
    return Clash(
        kind, (node,), f"<{node}> can have no instance (owl:Nothing or differentFrom itself)"
    )


__all__ = [
    "REASONS",
    "RULES",
    "RULE_CHECKED_AXIOMS",
    "Clash",
    "Rule",
    "RuleStore",
    "describe_inferred_graph",
    "find_clashes",
    "materialise",
]
