"""Records → RDF: one function per kind of entity, one named graph per municipality.

Every entity gets a German label, the municipality whose data states it (ikg:municipality),
and its provenance: prov:wasDerivedFrom the source document plus a qualified prov:Derivation
that keeps the quoted passage. Parts of an entity (a membership, a consultation, a period)
get IRIs below the entity's own, so rebuilds give the same IRIs.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from rdflib import Graph, Literal, URIRef
from rdflib.term import Node

from graph.namespaces import (
    ACTION_FIELD_SCHEME,
    ACTOR_TYPE_SCHEME,
    DCTERMS,
    IKG,
    OPARL,
    ORG,
    ORGANISATION_FORM_SCHEME,
    PROV,
    RDF,
    SKOS,
    TIME,
    action_field_reference_iri,
    actor_type_iri,
    entity_iri,
    municipality_iri,
    office_statement_iri,
    organisation_form_iri,
    role_iri,
    slugify,
    sub_iri,
    table_row_iri,
)
from graph.settings import PROJECT_ROOT
from graph.sources import Municipality, Record, Ref, ReferenceSchemes, kinds
from graph.sources.kinds import Kind
from graph.sources.records import Citation, OParlCitation, Source, TableCitation

ONTOLOGY_FILE = PROJECT_ROOT / "ontology" / "ikg.ttl"
SHAPES_FILE = PROJECT_ROOT / "ontology" / "shapes.ttl"

#: German names of the OParl types a source may be (OParl 1.1); others keep their own name
OPARL_TYPE_NAMES = {
    "Paper": "Vorlage",
    "Meeting": "Sitzung",
    "AgendaItem": "Tagesordnungspunkt",
    "Consultation": "Beratung",
    "Body": "Körperschaft",
    "Organization": "Gremium",
    "File": "Datei",
    "Location": "Ort",
    "LegislativeTerm": "Wahlperiode",
    "System": "System",
}

MATCH_PROPERTIES = {
    "exact": SKOS.exactMatch,
    "close": SKOS.closeMatch,
    "broad": SKOS.broadMatch,
    "narrow": SKOS.narrowMatch,
}


def load_ontology(path: Path = ONTOLOGY_FILE) -> Graph:
    graph = Graph()
    graph.parse(path, format="turtle")
    return graph


def de(text: str) -> Literal:
    return Literal(text, lang="de")


def german_date(value: dt.date) -> str:
    return value.strftime("%d.%m.%Y")


# -- reference schemes -------------------------------------------------------------------


#: kind of reference scheme → its scheme's IRI and the IRI of one of its concepts
REFERENCE_SCHEMES: dict[Kind, tuple[URIRef, Callable[[str], URIRef]]] = {
    kinds.REFERENCE_FIELD: (ACTION_FIELD_SCHEME, action_field_reference_iri),
    kinds.ACTOR_TYPE: (ACTOR_TYPE_SCHEME, actor_type_iri),
    kinds.ORGANISATION_FORM: (ORGANISATION_FORM_SCHEME, organisation_form_iri),
}


def map_reference(reference: ReferenceSchemes) -> Graph:
    graph = Graph()
    for kind in kinds.REFERENCE_KINDS:
        scheme_iri, iri_of = REFERENCE_SCHEMES[kind]
        graph.add((scheme_iri, RDF.type, SKOS.ConceptScheme))
        scheme_record = reference.scheme_labels.get(kind.name)
        if scheme_record is not None:
            graph.add((scheme_iri, SKOS.prefLabel, de(scheme_record.values["label"])))
            _add_text(graph, scheme_iri, SKOS.definition, scheme_record.get("description"))
        for record in reference.of_kind(kind.name):
            concept = iri_of(record.id)
            graph.add((concept, RDF.type, SKOS.Concept))
            if kind is kinds.REFERENCE_FIELD:
                graph.add((concept, RDF.type, IKG.ReferenceActionField))
                graph.add((concept, IKG.referenceGroup, Literal(record.values["group"])))
            if kind is kinds.ORGANISATION_FORM:
                graph.add((concept, IKG.formKind, Literal(record.values["kind"])))
            graph.add((concept, SKOS.inScheme, scheme_iri))
            graph.add((concept, SKOS.topConceptOf, scheme_iri))
            graph.add((scheme_iri, SKOS.hasTopConcept, concept))
            graph.add((concept, SKOS.notation, Literal(record.id)))
            _labels(graph, concept, record)
            _add_text(graph, concept, SKOS.definition, record.get("description"))
    return graph


# -- a municipality --------------------------------------------------------------------


@dataclass(frozen=True)
class Location:
    """Where in the source files a node of the graph was stated."""

    file: str
    line: int
    record_id: str | None


@dataclass
class MappedMunicipality:
    slug: str
    graph: Graph
    #: node → the record it was mapped from, so validation can name file and line
    locations: dict[URIRef, Location] = dataclasses.field(default_factory=dict)


#: kind → the method of _MunicipalityMapper that maps a record of it (``@maps``); nested
#: kinds are mapped by the mapper of the kind that holds them
MAPPERS: dict[Kind, Callable[[_MunicipalityMapper, Record], None]] = {}


def maps(kind: Kind) -> Callable[[Callable[..., None]], Callable[..., None]]:
    """Register the decorated method as the mapper of ``kind`` (graph/sources/kinds.py)."""

    def register(method: Callable[..., None]) -> Callable[..., None]:
        if kind in MAPPERS:
            raise AssertionError(f"two mappers for the kind {kind.name}")
        MAPPERS[kind] = method
        return method

    return register


class _MunicipalityMapper:
    def __init__(self, municipality: Municipality) -> None:
        self.municipality = municipality
        self.slug = municipality.slug
        self.city = municipality_iri(self.slug)
        self.graph = Graph()
        self.locations: dict[URIRef, Location] = {}

    # helpers ---------------------------------------------------------------------------

    def iri(self, ref: Ref | str) -> URIRef:
        if isinstance(ref, str):
            return entity_iri(self.slug, ref)
        if ref.kind == kinds.MUNICIPALITY.name:
            return self.city
        if ref.kind == kinds.PARTNER_MUNICIPALITY.name:
            return municipality_iri(ref.id)
        kind = kinds.BY_NAME[ref.kind]
        if kind.reference:
            return REFERENCE_SCHEMES[kind][1](ref.id)
        return entity_iri(self.slug, ref.id)

    def label_of(self, ref: Ref) -> str:
        if ref.kind == "reference-field":
            return ref.id
        record = self.municipality.index[ref.id]
        return record.values.get("label") or record.values.get("title") or ref.id

    def add(self, subject: Node, predicate: URIRef, obj: Node | None) -> None:
        if obj is not None:
            self.graph.add((subject, predicate, obj))

    def entity(self, subject: URIRef, rdf_types: Iterable[URIRef], record: Record) -> None:
        """What every entity states: its types, municipality, labels and provenance."""
        for rdf_type in rdf_types:
            self.graph.add((subject, RDF.type, rdf_type))
        self.graph.add((subject, IKG.municipality, self.city))
        _labels(self.graph, subject, record)
        _add_text(self.graph, subject, DCTERMS.description, record.get("description"))
        self.cite(subject, record)

    def cite(self, subject: URIRef, record: Record) -> None:
        """The record's sources: prov:wasDerivedFrom each, and a prov:Derivation that keeps
        the quoted passage of a document."""
        self.locations.setdefault(subject, Location(record.file, record.line, record.id))
        for number, citation in enumerate(record.sources, start=1):
            source = self.source(citation, record)
            derivation = sub_iri(subject, "source", number)
            self.graph.add((subject, PROV.wasDerivedFrom, source))
            self.graph.add((subject, PROV.qualifiedDerivation, derivation))
            self.graph.add((derivation, RDF.type, PROV.Derivation))
            self.graph.add((derivation, PROV.entity, source))
            if isinstance(citation, Citation):
                self.graph.add((derivation, IKG.passage, de(citation.passage)))

    def source(self, citation: Source, record: Record) -> URIRef:
        """The node a citation derives from; a document's is described by map_document, the
        other kinds' here (their triples are the same however many records cite them)."""
        if isinstance(citation, Citation):
            return entity_iri(self.slug, citation.document)
        if isinstance(citation, OParlCitation):
            node = URIRef(citation.url)
            kind = OPARL_TYPE_NAMES.get(citation.oparl_type, citation.oparl_type or "Objekt")
            label = f"{kind} im Ratsinformationssystem: {citation.name or citation.url}"
            self.source_node(node, IKG.OParlObject, label, record)
            self.graph.add((node, IKG.fileName, Literal(citation.file)))
            if citation.oparl_type:
                self.graph.add((node, DCTERMS.type, OPARL[citation.oparl_type]))
            return node
        if isinstance(citation, TableCitation):
            node = table_row_iri(self.slug, citation.file, citation.sheet, citation.row)
            sheet = f", Blatt {citation.sheet}" if citation.sheet is not None else ""
            label = f"Tabelle {citation.file}{sheet}, Zeile {citation.row}"
            self.source_node(node, IKG.TableRow, label, record)
            self.graph.add((node, IKG.fileName, Literal(citation.file)))
            if citation.sheet is not None:
                self.graph.add((node, IKG.sheet, Literal(citation.sheet)))
            self.graph.add((node, IKG.rowNumber, Literal(citation.row)))
            return node
        unit = Ref("unit", citation.office)
        node = office_statement_iri(self.slug, citation.office, citation.date.isoformat())
        label = f"Angabe von {self.label_of(unit)} vom {german_date(citation.date)}"
        self.source_node(node, IKG.OfficeStatement, label, record)
        self.graph.add((node, PROV.wasAttributedTo, self.iri(unit)))
        self.graph.add((node, DCTERMS.date, Literal(citation.date)))
        return node

    def source_node(self, node: URIRef, rdf_type: URIRef, label: str, record: Record) -> None:
        self.locations.setdefault(node, Location(record.file, record.line, record.id))
        self.graph.add((node, RDF.type, rdf_type))
        self.graph.add((node, IKG.municipality, self.city))
        self.graph.add((node, SKOS.prefLabel, de(label)))

    def period(self, subject: URIRef, predicate: URIRef, record: Record) -> None:
        """from/until as a time:Interval; vague wording ('ab Oktober 2019') as ikg:dateText."""
        start, end = record.get("from"), record.get("until")
        if start is not None or end is not None:
            interval = sub_iri(subject, "period")
            self.graph.add((subject, predicate, interval))
            self.graph.add((interval, RDF.type, TIME.Interval))
            for edge, value, name in (
                (TIME.hasBeginning, start, "start"),
                (TIME.hasEnd, end, "end"),
            ):
                if value is not None:
                    instant = sub_iri(interval, name)
                    self.graph.add((interval, edge, instant))
                    self.graph.add((instant, RDF.type, TIME.Instant))
                    self.graph.add((instant, TIME.inXSDDate, Literal(value)))
        self.when(subject, record)

    def when(self, subject: URIRef, record: Record) -> None:
        if record.get("when"):
            self.graph.add((subject, IKG.dateText, de(record.values["when"])))
        if record.get("date") is not None:
            self.graph.add((subject, DCTERMS.date, Literal(record.values["date"])))

    def responsibility(
        self, thing: URIRef, thing_label: str, number: int, agent: Ref, role: str, record: Record
    ) -> None:
        node = sub_iri(thing, "responsibility", number)
        self.graph.add((node, RDF.type, IKG.Responsibility))
        self.graph.add((node, IKG.municipality, self.city))
        self.graph.add((node, IKG.agent, self.iri(agent)))
        self.graph.add((node, IKG.responsibleFor, thing))
        self.graph.add((node, IKG.roleLabel, de(role)))
        label = f"{role}: {self.label_of(agent)} – {thing_label}"
        self.graph.add((node, SKOS.prefLabel, de(label)))
        self.cite(node, record)

    def responsibilities(self, thing: URIRef, record: Record) -> None:
        thing_label = record.values.get("label") or record.values.get("title") or ""
        for number, part in enumerate(record.children("responsible"), start=1):
            self.responsibility(
                thing, thing_label, number, part.values["actor"], part.values["role"], part
            )

    def organisation(
        self, record: Record, rdf_types: Iterable[URIRef], classifications: Iterable[Ref]
    ) -> URIRef:
        subject = self.iri(record.id)
        self.entity(subject, rdf_types, record)
        for classification in classifications:
            self.graph.add((subject, ORG.classification, self.iri(classification)))
        parent = record.get("part_of")
        if parent is not None:
            self.graph.add((subject, ORG.subOrganizationOf, self.iri(parent)))
            if record.kind == "unit" and parent.kind == "municipality":
                self.graph.add((subject, ORG.unitOf, self.iri(parent)))
        _add_text(self.graph, subject, ORG.purpose, record.get("purpose"))
        return subject

    # kinds -----------------------------------------------------------------------------

    def map(self) -> MappedMunicipality:
        for kind in kinds.TOP_LEVEL:
            # a kind without a mapper would silently be left out of the graph
            mapper = MAPPERS.get(kind)
            if mapper is None:
                raise AssertionError(f"no mapper for the kind {kind.name} (@maps in mapping.py)")
            records = (
                [self.municipality.record]
                if kind is kinds.MUNICIPALITY
                else self.municipality.of_kind(kind.name)
            )
            for record in records:
                mapper(self, record)
        return MappedMunicipality(self.slug, self.graph, self.locations)

    @maps(kinds.MUNICIPALITY)
    def map_municipality(self, record: Record) -> None:
        city = self.city
        self.entity(city, (IKG.Municipality, ORG.FormalOrganization), record)
        self.graph.add((city, ORG.classification, actor_type_iri("kommune")))
        self.add(city, IKG.officialKey, _literal(record.get("ags")))
        self.graph.add((city, IKG.state, de(record.values["state"])))
        self.graph.add((city, IKG.fictional, Literal(bool(record.get("fictional", False)))))
        for document in record.children("documents"):
            self.map_document(document)

    def map_document(self, record: Record) -> None:
        subject = self.iri(record.id)
        self.locations[subject] = Location(record.file, record.line, record.id)
        self.graph.add((subject, RDF.type, IKG.SourceDocument))
        self.graph.add((subject, IKG.municipality, self.city))
        self.graph.add((subject, SKOS.prefLabel, de(record.values["title"])))
        self.graph.add((subject, DCTERMS.title, de(record.values["title"])))
        self.graph.add((subject, IKG.fileName, Literal(record.values["file"])))
        self.graph.add((subject, IKG.documentType, de(record.values["kind"])))
        if record.get("url"):
            self.graph.add((subject, DCTERMS.source, URIRef(record.values["url"])))
        self.when(subject, record)

    @maps(kinds.PARTNER_MUNICIPALITY)
    def map_partner_municipality(self, record: Record) -> None:
        # The partner's own IRI (as its folder in data/ would give it), not an entity of this
        # municipality: one city, however many municipalities name it. This municipality
        # states it (ikg:municipality), and it states no ikg:fictional, which only a
        # municipality's own record does (it marks the municipalities whose data the graph holds).
        partner = municipality_iri(record.id)
        self.entity(
            partner, (IKG.PartnerMunicipality, IKG.Municipality, ORG.FormalOrganization), record
        )
        self.graph.add((partner, ORG.classification, actor_type_iri("kommune")))
        self.add(partner, IKG.officialKey, _literal(record.get("ags")))

    @maps(kinds.UNIT)
    def map_unit(self, record: Record) -> None:
        self.organisation(
            record,
            (ORG.OrganizationalUnit,),
            (Ref("actor-type", "kommunalverwaltung"), record.values["form"]),
        )

    @maps(kinds.BODY)
    def map_body(self, record: Record) -> None:
        self.organisation(
            record,
            (IKG.PoliticalBody,),
            (Ref("actor-type", "politisches-gremium"), record.values["form"]),
        )

    @maps(kinds.ACTOR)
    def map_actor(self, record: Record) -> None:
        actor_type: Ref = record.values["type"]
        rdf_type = ORG.FormalOrganization if actor_type.id == "kommune" else ORG.Organization
        subject = self.organisation(record, (rdf_type,), (actor_type,))
        if record.get("collective"):
            self.graph.add((subject, IKG.collective, Literal(True)))
        self.add(subject, IKG.countText, _german(record.get("count_text")))

    @maps(kinds.NETWORK)
    def map_network(self, record: Record) -> None:
        network = self.organisation(
            record, (ORG.OrganizationalCollaboration,), (record.values["form"],)
        )
        for field in record.get("action_fields", []):
            self.graph.add((network, IKG.actionField, self.iri(field)))
        self.period(network, DCTERMS.temporal, record)
        seen: dict[str, int] = {}
        network_label = record.values["label"]
        for member in record.children("members"):
            member_ref: Ref = member.values["member"]
            seen[member_ref.id] = seen.get(member_ref.id, 0) + 1
            suffix = (
                member_ref.id
                if seen[member_ref.id] == 1
                else f"{member_ref.id}-{seen[member_ref.id]}"
            )
            membership = sub_iri(network, "member", suffix)
            self.graph.add((membership, RDF.type, ORG.Membership))
            self.graph.add((membership, IKG.municipality, self.city))
            self.graph.add((membership, ORG.member, self.iri(member_ref)))
            self.graph.add((membership, ORG.organization, network))
            label = f"{self.label_of(member_ref)} in {network_label}"
            self.graph.add((membership, SKOS.prefLabel, de(label)))
            role = member.get("role")
            if role:
                role_node = role_iri(self.slug, _key(role))
                self.graph.add((membership, ORG.role, role_node))
                self.graph.add((membership, IKG.roleLabel, de(role)))
                self.graph.add((role_node, RDF.type, ORG.Role))
                self.graph.add((role_node, SKOS.prefLabel, de(role)))
            self.period(membership, ORG.memberDuring, member)
            self.cite(membership, member)

    @maps(kinds.CONCEPT)
    def map_concept(self, record: Record) -> None:
        concept = self.iri(record.id)
        self.entity(concept, (IKG.IntegrationConcept,), record)
        for edition in record.children("editions"):
            self.map_edition(concept, edition)

    def map_edition(self, concept: URIRef, record: Record) -> None:
        edition = self.iri(record.id)
        self.entity(edition, (IKG.ConceptEdition, SKOS.ConceptScheme), record)
        self.graph.add((edition, DCTERMS.isVersionOf, concept))
        self.graph.add((concept, DCTERMS.hasVersion, edition))
        self.graph.add((edition, IKG.status, de(record.values["status"])))
        self.when(edition, record)
        self.add(edition, DCTERMS.replaces, self._ref(record.get("replaces")))
        self.add(edition, IKG.adoptedBy, self._ref(record.get("adopted_by")))
        self.responsibilities(edition, record)
        for position, field_record in enumerate(record.children("action_fields"), start=1):
            field = self.iri(field_record.id)
            self.entity(field, (IKG.ActionField, SKOS.Concept), field_record)
            self.graph.add((field, SKOS.inScheme, edition))
            self.graph.add((field, SKOS.topConceptOf, edition))
            self.graph.add((edition, SKOS.hasTopConcept, field))
            # the order in which the document lists the fields, for lists without letters
            self.graph.add((field, IKG.order, Literal(position)))
            self.add(field, SKOS.notation, _literal(field_record.get("notation")))
            if field_record.get("new"):
                self.graph.add((field, IKG.newInEdition, Literal(True)))
            if field_record.get("cross_cutting"):
                self.graph.add((field, IKG.crossCutting, Literal(True)))
            for match_kind, targets in field_record.values["matches"].items():
                for target in targets:
                    self.graph.add((field, MATCH_PROPERTIES[match_kind], self.iri(target)))

    @maps(kinds.GOAL)
    def map_goal(self, record: Record) -> None:
        goal = self.iri(record.id)
        self.entity(goal, (IKG.Goal,), record)
        self.add(goal, SKOS.notation, _literal(record.get("notation")))
        self.graph.add((goal, IKG.level, de(record.values["level"])))
        self.add(goal, DCTERMS.isPartOf, self._ref(record.get("edition")))
        for field in record.get("action_fields", []):
            self.graph.add((goal, IKG.actionField, self.iri(field)))
        self.responsibilities(goal, record)

    @maps(kinds.INDICATOR)
    def map_indicator(self, record: Record) -> None:
        indicator = self.iri(record.id)
        self.entity(indicator, (IKG.Indicator,), record)
        self.add(indicator, DCTERMS.isPartOf, self._ref(record.get("edition")))
        for field in record.get("action_fields", []):
            self.graph.add((indicator, IKG.actionField, self.iri(field)))
        for goal in record.get("goals", []):
            self.graph.add((indicator, IKG.indicatorFor, self.iri(goal)))
        self.responsibilities(indicator, record)

    @maps(kinds.MEASURE)
    def map_measure(self, record: Record) -> None:
        measure = self.iri(record.id)
        self.entity(measure, (IKG.Measure,), record)
        lead: Ref = record.values["lead"]
        self.graph.add((measure, IKG.lead, self.iri(lead)))
        for partner in record.get("partners", []):
            self.graph.add((measure, IKG.partner, self.iri(partner)))
        for field in record.values["action_fields"]:
            self.graph.add((measure, IKG.actionField, self.iri(field)))
        for goal in record.get("goals", []):
            self.graph.add((measure, IKG.goal, self.iri(goal)))
        self.add(measure, DCTERMS.isPartOf, self._ref(record.get("edition")))
        self.graph.add((measure, IKG.status, de(record.values["status"])))
        self.period(measure, DCTERMS.temporal, record)
        self.add(measure, IKG.targetGroup, _german(record.get("target_group")))
        role = record.get("lead_role") or "Federführung"
        self.responsibility(measure, record.values["label"], 1, lead, role, record)

    @maps(kinds.FUNDING)
    def map_funding(self, record: Record) -> None:
        funding = self.iri(record.id)
        funder: Ref = record.values["funder"]
        label = f"Förderung durch {self.label_of(funder)}"
        target = record.get("measure") or record.get("recipient")
        if target is not None:
            label += f" für {self.label_of(target)}"
        self.graph.add((funding, RDF.type, IKG.Funding))
        self.graph.add((funding, IKG.municipality, self.city))
        self.graph.add((funding, SKOS.prefLabel, de(label)))
        _add_text(self.graph, funding, DCTERMS.description, record.get("description"))
        self.cite(funding, record)
        self.graph.add((funding, IKG.funder, self.iri(funder)))
        self.add(funding, IKG.fundedOrganisation, self._ref(record.get("recipient")))
        self.add(funding, IKG.fundedActivity, self._ref(record.get("measure")))
        self.add(funding, IKG.programme, _german(record.get("programme")))
        self.period(funding, DCTERMS.temporal, record)

    @maps(kinds.PAPER)
    def map_paper(self, record: Record) -> None:
        paper = self.iri(record.id)
        reference = record.values["reference"]
        paper_type = record.values["type"]
        self.entity(paper, (IKG.Paper,), record)
        self.graph.add((paper, DCTERMS.identifier, Literal(reference)))
        self.graph.add((paper, DCTERMS.title, de(record.values["title"])))
        self.graph.add((paper, SKOS.altLabel, de(f"{paper_type} {reference}")))
        self.graph.add((paper, IKG.paperType, de(paper_type)))
        self.when(paper, record)
        self.add(paper, IKG.concerns, self._ref(record.get("concerns")))
        for number, director in enumerate(record.get("under_direction_of", []), start=1):
            self.graph.add((paper, IKG.underDirectionOf, self.iri(director)))
            self.responsibility(
                paper, f"{paper_type} {reference}", number, director, "Federführung", record
            )
        for order, consultation in enumerate(record.children("consultations"), start=1):
            self.map_consultation(paper, order, consultation)
        for number, file_record in enumerate(record.children("files"), start=1):
            # a link to the file as the council information system publishes it, never its
            # contents (OParl Paper.mainFile, auxiliaryFile)
            node = sub_iri(paper, "file", number)
            self.graph.add((paper, DCTERMS.hasPart, node))
            self.graph.add((node, RDF.type, IKG.PaperFile))
            self.graph.add((node, IKG.municipality, self.city))
            self.graph.add((node, SKOS.prefLabel, de(file_record.values["name"])))
            self.graph.add((node, DCTERMS.source, URIRef(file_record.values["url"])))
            self.cite(node, record)

    def map_consultation(self, paper: URIRef, order: int, record: Record) -> None:
        node = sub_iri(paper, "consultation", order)
        body: Ref = record.values["body"]
        self.graph.add((node, RDF.type, IKG.Consultation))
        self.graph.add((node, IKG.municipality, self.city))
        self.graph.add((node, IKG.paper, paper))
        self.graph.add((node, IKG.body, self.iri(body)))
        self.graph.add((node, IKG.order, Literal(order)))
        self.graph.add((node, IKG.roleLabel, de(record.values["role"])))
        # unknown for some imported consultations: then the graph states nothing
        if record.get("authoritative") is not None:
            self.graph.add((node, IKG.authoritative, Literal(record.values["authoritative"])))
        if record.get("public") is not None:
            self.graph.add((node, IKG.public, Literal(record.values["public"])))
        self.when(node, record)
        date = record.get("date")
        when = german_date(date) if date else record.get("when", "Datum unbekannt")
        label = f"{record.values['role']}: {self.label_of(body)}, {when}"
        self.graph.add((node, SKOS.prefLabel, de(label)))
        self.add(node, IKG.result, _german(record.get("result")))
        self.cite(node, record)

    @maps(kinds.EVENT)
    def map_event(self, record: Record) -> None:
        event = self.iri(record.id)
        self.entity(event, (IKG.Event, PROV.Activity), record)
        self.graph.add((event, IKG.eventType, de(record.values["type"])))
        self.period(event, DCTERMS.temporal, record)
        for organiser in record.get("organiser", []):
            self.graph.add((event, IKG.organiser, self.iri(organiser)))
        for participant in record.get("participants", []):
            self.graph.add((event, IKG.participant, self.iri(participant)))
        self.add(event, DCTERMS.isPartOf, self._ref(record.get("part_of")))

    def _ref(self, ref: Ref | None) -> URIRef | None:
        return None if ref is None else self.iri(ref)


def map_municipality(municipality: Municipality) -> MappedMunicipality:
    """One municipality's records as RDF, for its own named graph."""
    return _MunicipalityMapper(municipality).map()


def _labels(graph: Graph, subject: URIRef, record: Record) -> None:
    label = record.values.get("label") or record.values.get("title")
    if label:
        graph.add((subject, SKOS.prefLabel, de(label)))
    for alt in record.values.get("alt_labels", []):
        graph.add((subject, SKOS.altLabel, de(alt)))


def _add_text(graph: Graph, subject: URIRef, predicate: URIRef, text: str | None) -> None:
    if text:
        graph.add((subject, predicate, de(text)))


def _literal(value: str | None) -> Literal | None:
    return None if value is None else Literal(value)


def _german(value: str | None) -> Literal | None:
    return None if value is None else de(value)


def _key(text: str) -> str:
    """An IRI-safe key for free text such as a role ("Federführung" → "federfuehrung")."""
    return slugify(text) or "rolle"
