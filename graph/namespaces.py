"""The only place where IRIs and prefixes are written.

Entity IRIs are derived from the municipality slug and the id in the source data, so a rebuild
gives the same IRIs and links from outside keep working.
"""

from __future__ import annotations

import re
import unicodedata
from urllib.parse import quote

from rdflib import URIRef
from rdflib.namespace import (
    DCTERMS,
    ORG,
    OWL,
    PROV,
    RDF,
    RDFS,
    SKOS,
    TIME,
    XSD,
    DefinedNamespace,
    Namespace,
)

BASE = "https://w3id.org/ikg/"

SH = Namespace("http://www.w3.org/ns/shacl#")
M8G = Namespace("http://data.europa.eu/m8g/")
#: where OParl names its types, every version below it: https://schema.oparl.org/1.1/Paper
OPARL_SCHEMA = "https://schema.oparl.org/"
OPARL = Namespace(OPARL_SCHEMA + "1.1/")
#: the XML namespace of the SPARQL Query Results XML Format (not an RDF vocabulary)
SPARQL_RESULTS_XML = "http://www.w3.org/2005/sparql-results#"


class IKG(DefinedNamespace):
    """Our own terms: only where no standard term fits (see ontology/ikg.ttl).

    Closed: a typo such as ``IKG.lede`` raises instead of minting a new IRI.
    """

    _NS = Namespace(BASE + "ontology#")
    _fail = True

    # classes
    Municipality: URIRef
    PartnerMunicipality: URIRef
    PoliticalBody: URIRef
    IntegrationConcept: URIRef
    ConceptEdition: URIRef
    ActionField: URIRef
    ReferenceActionField: URIRef
    Goal: URIRef
    Indicator: URIRef
    Measure: URIRef
    Responsibility: URIRef
    Funding: URIRef
    Paper: URIRef
    Consultation: URIRef
    PaperFile: URIRef
    Event: URIRef
    SourceDocument: URIRef
    Source: URIRef
    OParlObject: URIRef
    TableRow: URIRef
    OfficeStatement: URIRef
    InferredGraph: URIRef
    ReferenceFieldFigures: URIRef
    # organisations
    municipality: URIRef
    officialKey: URIRef
    state: URIRef
    fictional: URIRef
    collective: URIRef
    countText: URIRef
    # memberships, responsibilities
    roleLabel: URIRef
    agent: URIRef
    responsibleFor: URIRef
    # concepts and fields
    status: URIRef
    adoptedBy: URIRef
    newInEdition: URIRef
    crossCutting: URIRef
    referenceGroup: URIRef
    formKind: URIRef
    actionField: URIRef
    level: URIRef
    indicatorFor: URIRef
    # measures, funding
    lead: URIRef
    partner: URIRef
    goal: URIRef
    targetGroup: URIRef
    funder: URIRef
    fundedOrganisation: URIRef
    fundedActivity: URIRef
    programme: URIRef
    # papers and consultations
    paperType: URIRef
    underDirectionOf: URIRef
    concerns: URIRef
    paper: URIRef
    body: URIRef
    authoritative: URIRef
    public: URIRef
    order: URIRef
    result: URIRef
    # events
    eventType: URIRef
    organiser: URIRef
    participant: URIRef
    # time and provenance
    dateText: URIRef
    passage: URIRef
    fileName: URIRef
    documentType: URIRef
    sheet: URIRef
    rowNumber: URIRef
    # inferred only (graph/inference.py)
    takesPartIn: URIRef
    figuresOf: URIRef
    referenceField: URIRef
    measureCount: URIRef
    actorCount: URIRef


ID = Namespace(BASE + "id/")
REF = Namespace(BASE + "ref/")
GRAPH = Namespace(BASE + "graph/")
#: Pellet's explanations (graph/reasoning.py) name data nodes by aliases below this namespace.
EXPLAIN = Namespace(BASE + "explain#")

#: A municipality slug, or one segment of an entity id: what may stand in an IRI below ID.
#: The reader holds source data to it, and the queries and the viewer hold a value to it
#: before taking it for an id.
ID_PATTERN = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,78}[a-z0-9])?$")

ONTOLOGY_GRAPH = GRAPH["ontology"]
REFERENCE_GRAPH = GRAPH["reference"]
#: The folder of the inferred graphs: one per municipality, ``inferred_graph(slug)``.
INFERRED_GRAPH = GRAPH["inferred"]
#: Where `ikg push` uploads a large graph in chunks before moving it into place in one step.
STAGING_GRAPHS = GRAPH["staging/"]

ACTION_FIELD_SCHEME = REF["action-field"]
ACTOR_TYPE_SCHEME = REF["actor-type"]
ORGANISATION_FORM_SCHEME = REF["organisation-form"]

PREFIXES: dict[str, str] = {
    "ikg": str(IKG._NS),
    "org": str(ORG),
    "skos": str(SKOS),
    "prov": str(PROV),
    "dcterms": str(DCTERMS),
    "time": str(TIME),
    "rdf": str(RDF),
    "rdfs": str(RDFS),
    "owl": str(OWL),
    "xsd": str(XSD),
    "sh": str(SH),
    "m8g": str(M8G),
    "id": str(ID),
    "ref": str(REF),
    "graph": str(GRAPH),
}


def slugify(text: str) -> str:
    """Free text as an IRI-safe id: 'Türkischer Elternverein Südstadt' →
    'tuerkischer-elternverein-suedstadt'; '' when nothing of it is left.

    >>> slugify("Federführung")
    'federfuehrung'
    >>> slugify("–")
    ''
    """
    text = text.lower()
    for umlaut, replacement in (("ä", "ae"), ("ö", "oe"), ("ü", "ue"), ("ß", "ss")):
        text = text.replace(umlaut, replacement)
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", text).strip("-")


def municipality_graph(slug: str) -> URIRef:
    """The named graph that holds one municipality's stated facts."""
    return GRAPH[slug]


def inferred_graph(slug: str) -> URIRef:
    """The named graph that holds what follows from one municipality's stated facts (an
    ikg:InferredGraph, built by graph/inference.py; never mixed with the stated facts)."""
    return URIRef(f"{INFERRED_GRAPH}/{slug}")


def slug_of_inferred_graph(graph: URIRef) -> str | None:
    """The municipality slug of an inferred graph, or None for every other graph."""
    prefix = f"{INFERRED_GRAPH}/"
    text = str(graph)
    return text[len(prefix) :] if text.startswith(prefix) else None


def municipality_iri(slug: str) -> URIRef:
    """The municipality as an organisation."""
    return ID[slug]


def entity_iri(slug: str, local_id: str) -> URIRef:
    """Any entity of a municipality's source data, by its id there."""
    return ID[f"{slug}/{local_id}"]


def short_id(iri: str) -> str:
    """The inverse of entity_iri: '…/id/oberhausen/ki' → 'oberhausen/ki'; any other IRI
    (a reference term) → its last segment."""
    text = str(iri)
    if text.startswith(str(ID)):
        return text[len(str(ID)) :]
    return text.rsplit("/", 1)[-1]


def action_field_reference_iri(field_id: str) -> URIRef:
    return REF[f"action-field/{field_id}"]


def actor_type_iri(type_id: str) -> URIRef:
    return REF[f"actor-type/{type_id}"]


def organisation_form_iri(form_id: str) -> URIRef:
    return REF[f"organisation-form/{form_id}"]


def role_iri(slug: str, role_key: str) -> URIRef:
    """A role (org:Role) as a municipality's data names it, e.g. "Federführung"."""
    return ID[f"{slug}/role/{role_key}"]


def table_row_iri(slug: str, file: str, sheet: str | None, row: int) -> URIRef:
    """A row of a table a municipality's data cites: its file, sheet (of a workbook) and
    row, each percent-encoded, below the municipality's table sources."""
    parts = [quote(file, safe=""), *([quote(sheet, safe="")] if sheet is not None else [])]
    return ID[f"{slug}/table/{'/'.join(parts)}/{row}"]


def office_statement_iri(slug: str, unit_id: str, date: str) -> URIRef:
    """What a unit of the administration stated on one day (an ISO date)."""
    return ID[f"{slug}/{unit_id}/statement/{date}"]


def sub_iri(parent: URIRef, *parts: str | int) -> URIRef:
    """A node that only exists as part of another (a membership, a citation, a period)."""
    return URIRef(str(parent) + "/" + "/".join(str(part) for part in parts))


def slug_of_graph(graph: URIRef) -> str | None:
    """The municipality slug of a municipality graph (stated facts), or None for the other
    graphs, inferred graphs included (see slug_of_inferred_graph)."""
    text = str(graph)
    if not text.startswith(str(GRAPH)):
        return None
    name = text[len(str(GRAPH)) :]
    if name in {"ontology", "reference", "inferred"} or text.startswith(
        (str(STAGING_GRAPHS), f"{INFERRED_GRAPH}/")
    ):
        return None
    return name


def is_project_graph(graph: URIRef) -> bool:
    """True for the named graphs this project writes (a shared server may hold others)."""
    return str(graph).startswith(str(GRAPH))


def staging_graph(target: URIRef, push_id: str) -> URIRef:
    """The temporary graph one push fills for ``target``: ``…/graph/staging/<push_id>/<name>``.

    Under the project's namespace, so a later push finds and removes one left behind.
    """
    if not is_project_graph(target):
        raise ValueError(f"{target} is not one of the project's graphs")
    return URIRef(f"{STAGING_GRAPHS}{push_id}/{str(target)[len(str(GRAPH)) :]}")


__all__ = [
    "ACTION_FIELD_SCHEME",
    "ACTOR_TYPE_SCHEME",
    "BASE",
    "DCTERMS",
    "EXPLAIN",
    "GRAPH",
    "ID",
    "ID_PATTERN",
    "IKG",
    "INFERRED_GRAPH",
    "M8G",
    "ONTOLOGY_GRAPH",
    "OPARL",
    "OPARL_SCHEMA",
    "ORG",
    "ORGANISATION_FORM_SCHEME",
    "OWL",
    "PREFIXES",
    "PROV",
    "RDF",
    "RDFS",
    "REF",
    "REFERENCE_GRAPH",
    "SH",
    "SKOS",
    "SPARQL_RESULTS_XML",
    "STAGING_GRAPHS",
    "TIME",
    "XSD",
]
