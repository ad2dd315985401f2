"""German names for the classes and properties the viewer shows."""

from __future__ import annotations

from rdflib import URIRef
from rdflib.term import Node

from graph.namespaces import DCTERMS, IKG, ORG, PREFIXES, PROV, RDF, RDFS, SKOS, TIME
from graph.sources.kinds import KINDS

#: classes that are not a kind of record of their own: the parts and the general classes
#: that the kinds' classes specialise (after them, so that the more specific name wins)
OTHER_TYPE_NAMES: dict[URIRef, str] = {
    IKG.OParlObject: "Objekt im Ratsinformationssystem",
    IKG.TableRow: "Tabellenzeile",
    IKG.OfficeStatement: "Angabe der Verwaltung",
    IKG.Source: "Quelle",
    ORG.Role: "Rolle",
    SKOS.ConceptScheme: "Begriffsschema",
    SKOS.Concept: "Begriff",
    TIME.Interval: "Zeitraum",
    PROV.Derivation: "Herleitung",
}

#: most specific first: an entity is named by the first of its types found here; the kinds
#: of record and their German names come from graph/sources/kinds.py
TYPE_NAMES: dict[URIRef, str] = {}
for _kind in KINDS:
    for _class in (*_kind.subclasses, _kind.rdf_class):
        if _class is not None:
            TYPE_NAMES.setdefault(_class, _kind.singular)
TYPE_NAMES.update(OTHER_TYPE_NAMES)

PREDICATE_NAMES: dict[URIRef, tuple[str, str]] = {
    # predicate: (outgoing name, incoming name)
    RDF.type: ("Art", "Exemplar"),
    SKOS.prefLabel: ("Bezeichnung", ""),
    SKOS.altLabel: ("auch genannt", ""),
    SKOS.notation: ("Kürzel", ""),
    SKOS.definition: ("Definition", ""),
    SKOS.inScheme: ("gehört zu", "enthält"),
    SKOS.topConceptOf: ("oberster Begriff von", "oberster Begriff"),
    SKOS.hasTopConcept: ("Handlungsfeld", "Teil von"),
    SKOS.exactMatch: ("entspricht genau", "entspricht genau"),
    SKOS.closeMatch: ("entspricht weitgehend", "entspricht weitgehend"),
    SKOS.broadMatch: ("ist Teil von", "umfasst"),
    SKOS.narrowMatch: ("umfasst", "ist Teil von"),
    DCTERMS.description: ("Beschreibung", ""),
    DCTERMS.title: ("Titel", ""),
    DCTERMS.identifier: ("Nummer", ""),
    DCTERMS.date: ("Datum", ""),
    DCTERMS.isPartOf: ("Teil von", "umfasst"),
    # only a paper's files use it (ikg:PaperFile)
    DCTERMS.hasPart: ("Datei", "Datei von"),
    DCTERMS.isVersionOf: ("Fassung von", "Fassung"),
    DCTERMS.hasVersion: ("Fassung", "Fassung von"),
    DCTERMS.replaces: ("ersetzt", "ersetzt durch"),
    DCTERMS.temporal: ("Zeitraum", ""),
    ORG.classification: ("Einordnung", "eingeordnet"),
    ORG.subOrganizationOf: ("Teil von", "Untergliederung"),
    ORG.unitOf: ("Einheit von", "Einheit"),
    ORG.purpose: ("Aufgabe", ""),
    ORG.member: ("Mitglied", "Mitgliedschaft"),
    ORG.organization: ("in", "Mitgliedschaft"),
    ORG.role: ("Rolle", "Rolle in"),
    ORG.memberDuring: ("Zeitraum", ""),
    IKG.municipality: ("Kommune", "Eintrag"),
    IKG.officialKey: ("Amtlicher Gemeindeschlüssel", ""),
    IKG.state: ("Bundesland", ""),
    IKG.fictional: ("fiktiv", ""),
    IKG.collective: ("Sammelakteur", ""),
    IKG.countText: ("Anzahl (laut Quelle)", ""),
    IKG.roleLabel: ("Rolle", ""),
    IKG.agent: ("zuständig", "Zuständigkeit"),
    IKG.responsibleFor: ("zuständig für", "Zuständigkeit"),
    IKG.status: ("Stand", ""),
    IKG.adoptedBy: ("beschlossen von", "beschloss"),
    IKG.newInEdition: ("neu in dieser Fassung", ""),
    IKG.crossCutting: ("Querschnittsfeld", ""),
    IKG.referenceGroup: ("Gruppe", ""),
    IKG.formKind: ("Art der Form", ""),
    IKG.actionField: ("Handlungsfeld", "betrifft dieses Feld"),
    IKG.level: ("Ebene", ""),
    IKG.indicatorFor: ("Indikator für", "Indikator"),
    IKG.lead: ("Federführung", "federführend bei"),
    IKG.partner: ("Partner", "Partner bei"),
    IKG.goal: ("Ziel", "Maßnahme"),
    IKG.targetGroup: ("Zielgruppe", ""),
    IKG.funder: ("Fördermittelgeber", "fördert"),
    IKG.fundedOrganisation: ("gefördert", "gefördert durch"),
    IKG.fundedActivity: ("gefördertes Vorhaben", "gefördert durch"),
    IKG.programme: ("Programm", ""),
    IKG.paperType: ("Art der Vorlage", ""),
    IKG.underDirectionOf: ("Federführung", "federführend bei Vorlage"),
    IKG.concerns: ("betrifft", "Vorlage dazu"),
    IKG.paper: ("Vorlage", "Beratung"),
    IKG.body: ("Gremium", "beraten in"),
    IKG.authoritative: ("entscheidet", ""),
    IKG.public: ("öffentlich", ""),
    IKG.order: ("Reihenfolge", ""),
    IKG.result: ("Ergebnis", ""),
    IKG.eventType: ("Art des Ereignisses", ""),
    IKG.organiser: ("Veranstalter", "veranstaltet"),
    IKG.participant: ("Teilnehmende", "nahm teil an"),
    IKG.dateText: ("Zeitangabe (laut Quelle)", ""),
    IKG.passage: ("Textstelle", ""),
    IKG.fileName: ("Datei", ""),
    IKG.documentType: ("Dokumentart", ""),
    IKG.sheet: ("Tabellenblatt", ""),
    IKG.rowNumber: ("Zeile", ""),
    DCTERMS.source: ("veröffentlicht unter", ""),
    DCTERMS.type: ("Art", ""),
    PROV.wasDerivedFrom: ("Quelle", "Quelle für"),
    PROV.wasAttributedTo: ("angegeben von", "Angaben"),
    RDFS.label: ("Bezeichnung", ""),
    # inferred only (graph/inference.py)
    ORG.memberOf: ("Mitglied in", "Mitglieder"),
    ORG.hasMember: ("hat Mitglied", "Mitglied in"),
    ORG.transitiveSubOrganizationOf: (
        "gehört zu (über Untergliederungen)",
        "umfasst (über Untergliederungen)",
    ),
    IKG.takesPartIn: ("wirkt mit im Handlungsfeld", "Mitwirkende"),
}


def type_name(types: list[Node] | Node | None) -> str:
    """The German name of an entity's most specific known type."""
    if types is None:
        return "Eintrag"
    candidates = types if isinstance(types, list) else [types]
    for known, name in TYPE_NAMES.items():
        if known in candidates:
            return name
    return "Eintrag"


def predicate_name(predicate: URIRef, *, incoming: bool = False) -> str:
    names = PREDICATE_NAMES.get(predicate)
    if names is not None and names[1 if incoming else 0]:
        return names[1 if incoming else 0]
    return prefixed(predicate)


def prefixed(iri: URIRef) -> str:
    text = str(iri)
    for prefix, namespace in PREFIXES.items():
        if text.startswith(namespace):
            return f"{prefix}:{text[len(namespace) :]}"
    return text
