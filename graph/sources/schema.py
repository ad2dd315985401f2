"""What each kind of record may and must contain: the source format in one place.

data/README.md describes the same format for people; a test checks that every key declared
here is mentioned there.
"""

from __future__ import annotations

from dataclasses import dataclass

# Kinds of record that are organisations, i.e. can be a member, a lead or a partner.
ORGANISATION_KINDS = ("municipality", "unit", "body", "actor", "network", "partner-municipality")
ORGANISATION_FORM_KINDS = ("verwaltung", "gremium", "netzwerk", "steuerung")

MEASURE_STATUSES = ("geplant", "laufend", "abgeschlossen", "unbekannt")
GOAL_LEVELS = ("Leitziel", "Strategisches Ziel", "Ziel")
#: the kinds of council paper; graph/importing/oparl/records.py maps the words real council
#: information systems use (OParl paperType) onto these
PAPER_TYPES = (
    "Beschlussvorlage",
    "Vorlage",
    "Mitteilungsvorlage",
    "Drucksache",
    "Informationsvorlage",
    "Antrag",
    "Anfrage",
    "Beantwortung einer Anfrage",
    "Stellungnahme",
    "Bericht",
)
#: a consultation's role where the council information system names none
UNKNOWN_ROLE = "unbekannt"
EVENT_TYPES = (
    "Konferenz",
    "Workshop",
    "Befragung",
    "Sitzung",
    "Veranstaltung",
    "Veröffentlichung",
    "Beschluss",
    "Prozessschritt",
)
REFERENCE_GROUPS = ("monitoring", "ergänzt")
#: The document kind of generated example data (graph/generator): such a document has no file
#: in the seeds, and only a municipality marked `fictional: true` may declare one.
FICTIONAL_DOCUMENT_KIND = "Generierte Beispieldaten (fiktiv)"


@dataclass(frozen=True)
class Field:
    """One key of a record.

    ``type`` is one of: id, label (one-line text), text (may span lines), date, bool,
    ags, choice, ref, refs, labels (list of one-line texts), records, matches, sources,
    url (an http(s) URL), path (a file relative to a folder, never above it).
    ``targets`` names the kinds a ref may point to; the pseudo-kinds ``reference-field``,
    ``actor-type`` and ``organisation-form`` point into data/reference/.
    """

    name: str
    type: str
    required: bool = False
    targets: tuple[str, ...] = ()
    choices: tuple[str, ...] = ()
    spec: RecordSpec | None = None
    non_empty: bool = False


@dataclass(frozen=True)
class RecordSpec:
    kind: str
    fields: tuple[Field, ...]
    has_id: bool = True
    sources_required: bool = True
    label_field: str = "label"

    def field(self, name: str) -> Field | None:
        for candidate in self.fields:
            if candidate.name == name:
                return candidate
        return None

    @property
    def names(self) -> list[str]:
        return [candidate.name for candidate in self.fields]


def _spec(
    kind: str,
    *fields: Field,
    has_id: bool = True,
    cites_sources: bool = True,
    label_field: str = "label",
) -> RecordSpec:
    base = [Field("id", "id", required=True)] if has_id else []
    tail = [Field("sources", "sources", required=True)] if cites_sources else []
    return RecordSpec(
        kind,
        tuple(base + list(fields) + tail),
        has_id=has_id,
        sources_required=cites_sources,
        label_field=label_field,
    )


LABEL = Field("label", "label", required=True)
ALT_LABELS = Field("alt_labels", "labels")
DESCRIPTION = Field("description", "text")
PURPOSE = Field("purpose", "text")
DATE = Field("date", "date")
FROM = Field("from", "date")
UNTIL = Field("until", "date")
WHEN = Field("when", "label")
ORGANISATION = ORGANISATION_KINDS
FIELD_TARGETS = ("action-field", "reference-field")

RESPONSIBILITY = _spec(
    "responsibility",
    Field("actor", "ref", required=True, targets=ORGANISATION),
    Field("role", "label", required=True),
    has_id=False,
)

DOCUMENT = _spec(
    "document",
    # the text of the document: in data/<slug>/dokumente/, else in the documents folder
    # (IKG_SEEDS); for a document named by `url`, a local copy of its text
    Field("file", "path", required=True),
    # where the document is published
    Field("url", "url"),
    Field("title", "label", required=True),
    DATE,
    WHEN,
    Field("kind", "label", required=True),
    cites_sources=False,  # a document is itself the source
    label_field="title",
)

MUNICIPALITY = _spec(
    "municipality",
    LABEL,
    ALT_LABELS,
    Field("ags", "ags"),
    Field("state", "label", required=True),
    Field("fictional", "bool"),
    DESCRIPTION,
    Field("documents", "records", required=True, spec=DOCUMENT, non_empty=True),
)

UNIT = _spec(
    "unit",
    LABEL,
    ALT_LABELS,
    Field("form", "ref", required=True, targets=("organisation-form",)),
    Field("part_of", "ref", targets=("unit", "municipality")),
    PURPOSE,
    DESCRIPTION,
)

BODY = _spec(
    "body",
    LABEL,
    ALT_LABELS,
    Field("form", "ref", required=True, targets=("organisation-form",)),
    Field("part_of", "ref", targets=("body", "unit", "municipality")),
    PURPOSE,
    DESCRIPTION,
)

ACTOR = _spec(
    "actor",
    LABEL,
    ALT_LABELS,
    Field("type", "ref", required=True, targets=("actor-type",)),
    Field("part_of", "ref", targets=ORGANISATION),
    PURPOSE,
    DESCRIPTION,
    Field("collective", "bool"),
    Field("count_text", "label"),
)

# Another municipality, as this municipality's sources name it: a partner in a cooperation of
# municipalities (Integration.Interkommunal), not a local actor. Its id is the slug its own
# folder in data/ has or would have, so that both name the same municipality in the graph.
PARTNER_MUNICIPALITY = _spec(
    "partner-municipality",
    LABEL,
    ALT_LABELS,
    Field("ags", "ags"),
    DESCRIPTION,
)

MEMBER = _spec(
    "membership",
    Field("member", "ref", required=True, targets=ORGANISATION),
    Field("role", "label"),
    FROM,
    UNTIL,
    WHEN,
    has_id=False,
)

NETWORK = _spec(
    "network",
    LABEL,
    ALT_LABELS,
    Field("form", "ref", required=True, targets=("organisation-form",)),
    Field("part_of", "ref", targets=ORGANISATION),
    PURPOSE,
    DESCRIPTION,
    Field("action_fields", "refs", targets=FIELD_TARGETS),
    FROM,
    UNTIL,
    WHEN,
    Field("members", "records", required=True, spec=MEMBER),
)

ACTION_FIELD = _spec(
    "action-field",
    LABEL,
    Field("notation", "label"),
    DESCRIPTION,
    Field("new", "bool"),
    Field("cross_cutting", "bool"),
    Field("matches", "matches", required=True),
)

EDITION = _spec(
    "edition",
    LABEL,
    ALT_LABELS,
    DATE,
    WHEN,
    Field("status", "label", required=True),
    Field("replaces", "ref", targets=("edition",)),
    Field("adopted_by", "ref", targets=("paper",)),
    DESCRIPTION,
    Field("responsible", "records", spec=RESPONSIBILITY),
    Field("action_fields", "records", required=True, spec=ACTION_FIELD),
)

CONCEPT = _spec(
    "concept",
    LABEL,
    ALT_LABELS,
    DESCRIPTION,
    Field("editions", "records", required=True, spec=EDITION, non_empty=True),
)

GOAL = _spec(
    "goal",
    LABEL,
    Field("notation", "label"),
    Field("level", "choice", required=True, choices=GOAL_LEVELS),
    Field("edition", "ref", targets=("edition",)),
    Field("action_fields", "refs", targets=FIELD_TARGETS),
    Field("responsible", "records", spec=RESPONSIBILITY),
    DESCRIPTION,
)

INDICATOR = _spec(
    "indicator",
    LABEL,
    Field("edition", "ref", targets=("edition",)),
    Field("action_fields", "refs", targets=FIELD_TARGETS),
    Field("goals", "refs", targets=("goal",)),
    Field("responsible", "records", spec=RESPONSIBILITY),
    DESCRIPTION,
)

MEASURE = _spec(
    "measure",
    LABEL,
    DESCRIPTION,
    Field("lead", "ref", required=True, targets=ORGANISATION),
    Field("lead_role", "label"),
    Field("partners", "refs", targets=ORGANISATION),
    Field("action_fields", "refs", required=True, targets=FIELD_TARGETS, non_empty=True),
    Field("goals", "refs", targets=("goal",)),
    Field("edition", "ref", targets=("edition",)),
    Field("status", "choice", required=True, choices=MEASURE_STATUSES),
    FROM,
    UNTIL,
    WHEN,
    Field("target_group", "text"),
)

FUNDING = _spec(
    "funding",
    Field("funder", "ref", required=True, targets=ORGANISATION),
    Field("recipient", "ref", targets=ORGANISATION),
    Field("measure", "ref", targets=("measure", "network")),
    Field("programme", "label"),
    FROM,
    UNTIL,
    WHEN,
    DESCRIPTION,
)

CONSULTATION = _spec(
    "consultation",
    Field("body", "ref", required=True, targets=("body", "unit", "network")),
    # the date of the meeting (OParl: a consultation's date is its meeting's start); date and
    # authoritative may be unknown only for a consultation that cites an OParl object (a
    # council information system lists consultations without a meeting): graph/sources/checks.py
    Field("date", "date"),
    WHEN,
    Field("role", "label", required=True),
    Field("authoritative", "bool"),
    Field("public", "bool"),
    Field("result", "text"),
    has_id=False,
)

# A file of a paper in the council information system (OParl File): its name and where it is
# published; never its contents.
PAPER_FILE = _spec(
    "paper-file",
    Field("name", "label", required=True),
    Field("url", "url", required=True),
    has_id=False,
    cites_sources=False,  # the paper that lists it cites the OParl object
    label_field="name",
)

PAPER = _spec(
    "paper",
    Field("reference", "label", required=True),
    Field("title", "label", required=True),
    Field("type", "choice", required=True, choices=PAPER_TYPES),
    DATE,
    WHEN,
    Field("under_direction_of", "refs", targets=ORGANISATION),
    Field("concerns", "ref", targets=("edition", "concept")),
    DESCRIPTION,
    Field("consultations", "records", required=True, spec=CONSULTATION),
    Field("files", "records", spec=PAPER_FILE),
    label_field="title",
)

EVENT = _spec(
    "event",
    LABEL,
    Field("type", "choice", required=True, choices=EVENT_TYPES),
    DATE,
    FROM,
    UNTIL,
    WHEN,
    Field("organiser", "refs", targets=ORGANISATION),
    Field("participants", "refs", targets=ORGANISATION),
    Field("part_of", "ref", targets=("edition", "concept", "network", "paper")),
    DESCRIPTION,
)

#: The file every municipality folder has; the other files and what they hold are in the
#: registry of kinds, graph/sources/kinds.py.
MUNICIPALITY_FILE = "municipality.yaml"

SCHEME = RecordSpec("scheme", (LABEL, DESCRIPTION), has_id=False, sources_required=False)
REFERENCE_FIELD = RecordSpec(
    "reference-field",
    (
        Field("id", "id", required=True),
        LABEL,
        ALT_LABELS,
        DESCRIPTION,
        Field("group", "choice", required=True, choices=REFERENCE_GROUPS),
    ),
    sources_required=False,
)
ACTOR_TYPE = RecordSpec(
    "actor-type",
    (Field("id", "id", required=True), LABEL, ALT_LABELS, DESCRIPTION),
    sources_required=False,
)
ORGANISATION_FORM = RecordSpec(
    "organisation-form",
    (
        Field("id", "id", required=True),
        LABEL,
        DESCRIPTION,
        Field("kind", "choice", required=True, choices=ORGANISATION_FORM_KINDS),
    ),
    sources_required=False,
)
