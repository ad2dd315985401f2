"""The kinds of record: one table that the reader, the mapping, the build and the viewer read.

Each kind is declared once: the spec of its fields (graph/sources/schema.py), the class its
entities get in the graph, its German names (singular as the viewer names one entity, plural
as the build's summary counts them), its English name (for the reader's messages) and the file
and key its records are written under. The mapping function of a kind registers itself in
graph/mapping.py (``@maps(kinds.UNIT)``); tests/test_kinds.py fails when a kind has no mapper,
or when the German name of an ``ikg:`` class differs from its ``rdfs:label@de`` in
ontology/ikg.ttl.

Adding a kind of entity: its spec in schema.py and its row here, its mapping function, its
shape in ontology/shapes.ttl, its section in data/README.md.

>>> UNIT.file, UNIT.key, UNIT.plural
('administration.yaml', 'units', 'Verwaltungseinheiten')
>>> KIND_OF_FILE["goals.yaml"]
(GOAL, INDICATOR)
"""

from __future__ import annotations

from dataclasses import dataclass

from rdflib import URIRef

from graph.namespaces import IKG, ORG
from graph.sources import schema
from graph.sources.schema import RecordSpec

#: data/reference/, where the reference schemes' files are
REFERENCE_FOLDER = "reference"


@dataclass(frozen=True, eq=False)  # each kind is one object: compared and hashed by identity
class Kind:
    """One kind of record."""

    spec: RecordSpec
    #: the class its entities have in the graph, and are named by in the viewer; None for the
    #: concepts of a reference scheme that have no class of their own (plain skos:Concept)
    rdf_class: URIRef | None
    #: German, as the viewer names one entity of the kind and the build counts them
    singular: str
    plural: str
    #: English, as the reader's messages name it ("… which is a political body")
    english: str
    #: the file its records are written in: in data/<slug>/, or data/reference/ for the
    #: reference schemes; None for nested kinds, which are in the file of the record that
    #: holds them
    file: str | None
    #: the key its records are listed under (in the record holding them, for nested kinds)
    key: str | None
    #: more specific classes some of its entities have instead (an actor that is another
    #: municipality is an org:FormalOrganization), named as the kind is
    subclasses: tuple[URIRef, ...] = ()
    #: the kind whose records hold its records (a membership in a network): that kind's
    #: mapper maps them; None for the records at the top of a file
    part_of: tuple[str, ...] = ()
    #: organisation forms (data/reference/organisation-forms.yaml, `kind`) its `form` may name
    form_kinds: tuple[str, ...] = ()
    #: counted in the build's summary (``ikg build``: entities per municipality)
    counted: bool = False
    #: in data/reference/, shared by all municipalities
    reference: bool = False

    def __repr__(self) -> str:
        return self.name.upper().replace("-", "_")

    @property
    def name(self) -> str:
        """The kind as records and references name it: "unit", "action-field" …"""
        return self.spec.kind

    @property
    def nested(self) -> bool:
        return bool(self.part_of)


MUNICIPALITY = Kind(
    schema.MUNICIPALITY,
    IKG.Municipality,
    "Kommune",
    "Kommunen",
    "municipality",
    schema.MUNICIPALITY_FILE,
    None,
)
PARTNER_MUNICIPALITY = Kind(
    schema.PARTNER_MUNICIPALITY,
    IKG.PartnerMunicipality,
    "Partnerkommune",
    "Partnerkommunen",
    "partner municipality",
    "partner-municipalities.yaml",
    "municipalities",
    counted=True,
)
UNIT = Kind(
    schema.UNIT,
    ORG.OrganizationalUnit,
    "Verwaltungseinheit",
    "Verwaltungseinheiten",
    "administrative unit",
    "administration.yaml",
    "units",
    form_kinds=("verwaltung",),
    counted=True,
)
BODY = Kind(
    schema.BODY,
    IKG.PoliticalBody,
    "Gremium",
    "Gremien",
    "political body",
    "bodies.yaml",
    "bodies",
    form_kinds=("gremium",),
    counted=True,
)
NETWORK = Kind(
    schema.NETWORK,
    ORG.OrganizationalCollaboration,
    "Netzwerk",
    "Netzwerke",
    "network",
    "networks.yaml",
    "networks",
    form_kinds=("netzwerk", "steuerung"),
    counted=True,
)
MEMBERSHIP = Kind(
    schema.MEMBER,
    ORG.Membership,
    "Mitgliedschaft",
    "Mitgliedschaften",
    "membership",
    None,
    "members",
    part_of=("network",),
    counted=True,
)
CONCEPT = Kind(
    schema.CONCEPT,
    IKG.IntegrationConcept,
    "Integrationskonzept",
    "Integrationskonzepte",
    "integration concept",
    "concepts.yaml",
    "concepts",
)
EDITION = Kind(
    schema.EDITION,
    IKG.ConceptEdition,
    "Konzeptfassung",
    "Konzeptfassungen",
    "concept edition",
    None,
    "editions",
    part_of=("concept",),
    counted=True,
)
ACTION_FIELD = Kind(
    schema.ACTION_FIELD,
    IKG.ActionField,
    "Handlungsfeld",
    "Handlungsfelder",
    "action field",
    None,
    "action_fields",
    part_of=("edition",),
    counted=True,
)
GOAL = Kind(
    schema.GOAL,
    IKG.Goal,
    "Ziel",
    "Ziele",
    "goal",
    "goals.yaml",
    "goals",
    counted=True,
)
INDICATOR = Kind(
    schema.INDICATOR,
    IKG.Indicator,
    "Indikator",
    "Indikatoren",
    "indicator",
    "goals.yaml",
    "indicators",
    counted=True,
)
MEASURE = Kind(
    schema.MEASURE,
    IKG.Measure,
    "Maßnahme",
    "Maßnahmen",
    "measure",
    "measures.yaml",
    "measures",
    counted=True,
)
RESPONSIBILITY = Kind(
    schema.RESPONSIBILITY,
    IKG.Responsibility,
    "Zuständigkeit",
    "Zuständigkeiten",
    "responsibility",
    None,
    "responsible",
    # a measure's lead and a paper's under_direction_of are responsibilities as well
    part_of=("edition", "goal", "indicator"),
)
FUNDING = Kind(
    schema.FUNDING,
    IKG.Funding,
    "Förderung",
    "Förderungen",
    "funding relation",
    "funding.yaml",
    "funding",
    counted=True,
)
PAPER = Kind(
    schema.PAPER,
    IKG.Paper,
    "Vorlage",
    "Vorlagen",
    "council paper",
    "papers.yaml",
    "papers",
    counted=True,
)
CONSULTATION = Kind(
    schema.CONSULTATION,
    IKG.Consultation,
    "Beratung",
    "Beratungen",
    "consultation",
    None,
    "consultations",
    part_of=("paper",),
    counted=True,
)
PAPER_FILE = Kind(
    schema.PAPER_FILE,
    IKG.PaperFile,
    "Datei",
    "Dateien",
    "file of a council paper",
    None,
    "files",
    part_of=("paper",),
)
EVENT = Kind(
    schema.EVENT,
    IKG.Event,
    "Ereignis",
    "Ereignisse",
    "event",
    "events.yaml",
    "events",
    counted=True,
)
DOCUMENT = Kind(
    schema.DOCUMENT,
    IKG.SourceDocument,
    "Quelldokument",
    "Quelldokumente",
    "source document",
    None,
    "documents",
    part_of=("municipality",),
    counted=True,
)
# After every kind whose class is more specific: the viewer names an entity by the first of
# its classes in this table, and units, bodies and networks are organisations too.
ACTOR = Kind(
    schema.ACTOR,
    ORG.Organization,
    "Organisation",
    "Organisationen",
    "actor",
    "actors.yaml",
    "actors",
    subclasses=(ORG.FormalOrganization,),
)
REFERENCE_FIELD = Kind(
    schema.REFERENCE_FIELD,
    IKG.ReferenceActionField,
    "Referenz-Handlungsfeld",
    "Referenz-Handlungsfelder",
    "reference action field",
    "action-fields.yaml",
    "fields",
    reference=True,
)
ACTOR_TYPE = Kind(
    schema.ACTOR_TYPE,
    None,
    "Akteurstyp",
    "Akteurstypen",
    "actor type",
    "actor-types.yaml",
    "types",
    reference=True,
)
ORGANISATION_FORM = Kind(
    schema.ORGANISATION_FORM,
    None,
    "Organisationsform",
    "Organisationsformen",
    "organisation form",
    "organisation-forms.yaml",
    "forms",
    reference=True,
)

#: every kind, in the order the build counts them and the viewer names entities
KINDS: tuple[Kind, ...] = (
    # a partner municipality is an ikg:Municipality too, and named by its more specific class
    PARTNER_MUNICIPALITY,
    MUNICIPALITY,
    UNIT,
    BODY,
    NETWORK,
    MEMBERSHIP,
    CONCEPT,
    EDITION,
    ACTION_FIELD,
    GOAL,
    INDICATOR,
    MEASURE,
    RESPONSIBILITY,
    FUNDING,
    PAPER,
    CONSULTATION,
    PAPER_FILE,
    EVENT,
    DOCUMENT,
    ACTOR,
    REFERENCE_FIELD,
    ACTOR_TYPE,
    ORGANISATION_FORM,
)
BY_NAME: dict[str, Kind] = {kind.name: kind for kind in KINDS}

#: the kinds whose records stand at the top of a municipality's file, each mapped by its own
#: mapper, in file order: municipality.yaml first
TOP_LEVEL: tuple[Kind, ...] = (
    MUNICIPALITY,
    *(
        kind
        for kind in KINDS
        if not kind.nested and not kind.reference and kind is not MUNICIPALITY
    ),
)
#: the reference schemes, in data/reference/
REFERENCE_KINDS: tuple[Kind, ...] = tuple(kind for kind in KINDS if kind.reference)


def _files(kinds: tuple[Kind, ...]) -> dict[str, tuple[Kind, ...]]:
    files: dict[str, tuple[Kind, ...]] = {}
    for kind in kinds:
        assert kind.file is not None, kind
        files[kind.file] = (*files.get(kind.file, ()), kind)
    return files


#: the files of a municipality folder besides municipality.yaml: file name → its kinds
KIND_OF_FILE: dict[str, tuple[Kind, ...]] = _files(
    tuple(kind for kind in TOP_LEVEL if kind is not MUNICIPALITY)
)
#: data/reference/: file name → its kind
REFERENCE_FILES: dict[str, Kind] = {
    file: kinds[0] for file, kinds in _files(REFERENCE_KINDS).items()
}
#: every spec of a record, nested or not, and the reference schemes' heading
ALL_SPECS: tuple[RecordSpec, ...] = (*(kind.spec for kind in KINDS), schema.SCHEME)


def english_name(kind: str) -> str:
    """The English name of a kind, or of a pseudo-kind a reference may point to."""
    known = BY_NAME.get(kind)
    return known.english if known is not None else kind
