"""What an OParl import writes: the crawl (graph/importing/oparl/crawl.py) → the municipality's
source records, merged with what its folder already holds, checked, then written.

``plan_import`` decides everything and writes nothing; ``ImportPlan.apply`` writes it. The
plan holds only what differs from the folder, so a re-run on an unchanged server writes
nothing at all.

What becomes a record:

- the chosen organisations and every other body a paper of theirs is consulted in → bodies;
  the organisations a paper names as ``underDirectionOf`` → administrative units (unless
  they are bodies already);
- the chosen organisations' meetings → events of type "Sitzung": an event is what the model
  has for a dated occasion with an organiser, and the meeting is the consultations' date;
- every paper consulted in those meetings (or by those organisations) → a paper with its whole
  Beratungsfolge, its ``underDirectionOf`` and links to its files (never their contents);
- Persons and Memberships never.

Each record cites its OParl object (``{oparl: id, file: oparl/….json}``); that object's
compact JSON is kept under ``data/<slug>/oparl/``.

Ids stay stable: a record that already cites the object keeps its id; a paper is
``paper-`` + its number, as curated papers are; a body is the slug of its name. Curated
records win: a curated paper with the same number (case and spaces aside), or a curated body
or unit with the same name (label or alt_labels), is linked: the import adds the OParl source
and what the record lacks, never changes a curated value, and lists each difference as a
conflict. A record is curated when it cites anything besides OParl objects.

Messy data does not fail the import; the plan counts it (``counts``, ``summary_lines``).

Interface (with crawl.py and command.py): ``plan_import(crawl, folder, reference, slug=…)``
where ``folder`` is ``data/<slug>/`` (it may not exist yet: the municipality is then created
from the Body) and ``reference`` the reference schemes (``read_sources(…).reference``).
``plan.summary_lines()`` is the German summary (also for --dry-run), ``plan.empty`` says that
nothing would be written, ``plan.apply()`` writes (with graph/sources/writing.py:
``write_records``, ``remove_records``). A plan that would not read back raises SourceError
(exit 1), each problem naming the OParl URL it came from.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import shutil
import tempfile
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from graph.errors import IkgError, SourceError
from graph.importing.oparl import records as oparl
from graph.importing.oparl.crawl import Crawl
from graph.sources import kinds, read_sources, schema, writing
from graph.sources.checks import RawRecord, RecordChecks
from graph.sources.documents import DOCUMENTS_FOLDER
from graph.sources.kinds import Kind
from graph.sources.loader import parse_yaml
from graph.sources.records import Municipality, OParlCitation, Record, ReferenceSchemes

#: the kinds an OParl import writes, in the order they are written
IMPORTED_KINDS: tuple[Kind, ...] = (kinds.UNIT, kinds.BODY, kinds.EVENT, kinds.PAPER)
#: the document a municipality created from its Body declares (dokumente/<file>)
SYSTEM_DOCUMENT = "ratsinformationssystem"
SYSTEM_DOCUMENT_FILE = "ratsinformationssystem.txt"
SYSTEM_DOCUMENT_KIND = "Ratsinformationssystem (OParl)"

# what the plan counts: messy data, and what it had to fall back on (German, as the summary
# prints them)
NO_MEETING = "Beratungen ohne Sitzung (Datum unbekannt)"
UNKNOWN_ROLE = "Beratungen mit Rolle „unbekannt“ oder ohne Rolle"
OUT_OF_ORDER = "Vorlagen, deren Beratungsfolge nicht nach Datum geordnet ist"
NO_AUTHORITATIVE = "Beratungen ohne Angabe, ob entschieden wird (authoritative)"
MISSING = "Objekte, die nicht gelesen werden konnten (z. B. HTTP 404)"
NO_BODY = "Beratungen ohne lesbares Gremium (ausgelassen)"
UNKNOWN_PAPER_TYPE = f"Vorlagen unbekannter Art (als „{oparl.DEFAULT_PAPER_TYPE}“)"
UNKNOWN_BODY_FORM = f"Gremien unbekannter Art (als „{oparl.DEFAULT_BODY_FORM}“)"
UNKNOWN_UNIT_FORM = f"Verwaltungseinheiten unbekannter Art (als „{oparl.DEFAULT_UNIT_FORM}“)"
NO_REFERENCE = "Vorlagen ohne Nummer (reference; ausgelassen)"
DELETED_KEPT = "Gelöschte Objekte, deren Eintrag bleibt (noch genannt)"
MESSY = (
    NO_MEETING,
    UNKNOWN_ROLE,
    OUT_OF_ORDER,
    NO_AUTHORITATIVE,
    MISSING,
    NO_BODY,
    UNKNOWN_PAPER_TYPE,
    UNKNOWN_BODY_FORM,
    UNKNOWN_UNIT_FORM,
    NO_REFERENCE,
    DELETED_KEPT,
)


@dataclass(frozen=True)
class Conflict:
    """A curated value the import left as it was, and what the system says instead."""

    #: the record as a person names it: "Vorlage 2017/1900", "Gremium Integrationsrat"
    record: str
    field: str
    curated: str
    oparl: str
    #: the OParl object that says otherwise
    url: str

    def line(self) -> str:
        return (
            f"{self.record}, {self.field}: kuratiert „{self.curated}“, im "
            f"Ratsinformationssystem „{self.oparl}“ ({self.url})"
        )


@dataclass
class ImportPlan:
    """What an import writes into ``folder`` (data/<slug>/): only what differs from it."""

    folder: Path
    slug: str
    #: kind name → records to add or replace (whole records, by id)
    records: dict[str, list[dict]] = field(default_factory=dict)
    #: kind name → ids of the records that are new among ``records``
    added: dict[str, list[str]] = field(default_factory=dict)
    #: kind name → ids of records to remove
    removals: dict[str, list[str]] = field(default_factory=dict)
    #: path relative to ``folder`` → bytes (the cached JSON; a new municipality's document)
    files: dict[str, bytes] = field(default_factory=dict)
    #: cached JSON files to remove (relative to ``folder``)
    removed_files: list[str] = field(default_factory=list)
    #: the municipality's own record, when the import creates it
    municipality: dict | None = None
    counts: Counter[str] = field(default_factory=Counter)
    conflicts: list[Conflict] = field(default_factory=list)
    #: records planned, changed or not, by kind name (for the summary)
    seen: Counter[str] = field(default_factory=Counter)

    @property
    def empty(self) -> bool:
        """Whether applying the plan would write nothing."""
        return not (
            self.records or self.removals or self.files or self.removed_files or self.municipality
        )

    def summary_lines(self) -> list[str]:
        """What the plan adds, changes and removes, what it counted and the conflicts
        (German, for the import's summary and --dry-run)."""
        lines: list[str] = []
        if self.municipality is not None:
            lines.append(f"Neue Kommune: {self.municipality['label']} ({self.slug})")
        for kind in IMPORTED_KINDS:
            planned = self.records.get(kind.name, [])
            added = len(self.added.get(kind.name, []))
            changed = len(planned) - added
            removed = len(self.removals.get(kind.name, []))
            same = self.seen[kind.name] - len(planned)
            if not (planned or removed or same):
                continue
            lines.append(
                f"{kind.plural}: {added} neu, {changed} geändert, {removed} entfernt, "
                f"{same} unverändert"
            )
        if self.files or self.removed_files:
            lines.append(
                f"Zwischengespeicherte Dateien: {len(self.files)} neu oder geändert, "
                f"{len(self.removed_files)} entfernt"
            )
        if self.empty:
            lines.append("Nichts zu schreiben: die Daten sind auf dem Stand des Systems.")
        for name in MESSY:
            if self.counts[name]:
                lines.append(f"{name}: {self.counts[name]}")
        if self.conflicts:
            lines.append(f"Konflikte (die kuratierten Werte bleiben): {len(self.conflicts)}")
            lines += [f"  {conflict.line()}" for conflict in self.conflicts]
        return lines

    def change_lines(self) -> list[str]:
        """Each record the plan adds, changes or removes, one line each (for --dry-run)."""
        lines: list[str] = []
        for kind in IMPORTED_KINDS:
            new = set(self.added.get(kind.name, []))
            for record in self.records.get(kind.name, []):
                mark = "+ neu / added" if record["id"] in new else "~ geändert / changed"
                label = record.get("label") or record.get("title") or ""
                lines.append(f"{mark}: {kind.singular} {record['id']} „{label}“")
            lines += [
                f"- entfernt / removed: {kind.singular} {record_id}"
                for record_id in self.removals.get(kind.name, [])
            ]
        return lines

    def apply(self) -> None:
        """Write everything planned: cached JSON first, so that every written record's
        source is there; then the records; then what is removed."""
        for relative, data in sorted(self.files.items()):
            writing.replace_file(self.folder / relative, data)
        if self.municipality is not None:
            text = writing.new_file(
                _in_spec_order(self.municipality, schema.MUNICIPALITY),
                "Angelegt von `ikg import oparl` aus dem Body des Ratsinformationssystems.\n"
                "Weitere Quelldokumente unter documents eintragen (data/README.md).",
            )
            writing.replace_file(self.folder / schema.MUNICIPALITY_FILE, text.encode("utf-8"))
        for kind in IMPORTED_KINDS:
            planned = self.records.get(kind.name)
            if planned:
                writing.write_records(
                    self.folder,
                    kind,
                    planned,
                    comment=f"{kind.plural}, übernommen aus dem Ratsinformationssystem (OParl).",
                )
        for kind in reversed(IMPORTED_KINDS):
            ids = self.removals.get(kind.name)
            if ids:
                writing.remove_records(self.folder, kind, ids)
        for relative in self.removed_files:
            (self.folder / relative).unlink(missing_ok=True)


def plan_import(
    crawl: Crawl, folder: Path, reference: ReferenceSchemes, *, slug: str
) -> ImportPlan:
    """The plan for importing ``crawl`` into ``folder`` (data/<slug>/); raise SourceError
    (nothing written, each problem naming the OParl URL) when the records would not pass the
    checks the YAML reader makes."""
    return _Planner(crawl, folder, reference, slug).plan()


# -- the planner ---------------------------------------------------------------------------------


class _Planner:
    def __init__(self, crawl: Crawl, folder: Path, reference: ReferenceSchemes, slug: str) -> None:
        self.crawl = crawl
        self.objects = crawl.objects
        self.folder = folder
        self.reference = reference
        self.slug = slug
        self.result = ImportPlan(folder=folder, slug=slug)
        self.counts = self.result.counts
        self.existing: Municipality | None = None
        if (folder / schema.MUNICIPALITY_FILE).is_file():
            data = read_sources(folder.parent, only={slug}, reference=reference)
            self.existing = data.municipality(slug)
        #: the files' records as written (plain YAML values), by kind name and id
        self.written: dict[str, dict[str, dict]] = {
            kind.name: _written_records(folder, kind) for kind in IMPORTED_KINDS
        }
        #: OParl id → the top-level record citing it (the import's earlier work, or a link)
        self.citing: dict[str, Record] = {}
        #: consultation OParl id → the consultation record citing it
        self.citing_consultation: dict[str, Record] = {}
        #: normalised name → the existing organisation named so (body, unit, network)
        self.by_name: dict[str, Record] = {}
        #: normalised paper number → the existing paper
        self.by_reference: dict[str, Record] = {}
        self.taken: set[str] = {slug}
        if self.existing is not None:
            self.index_existing(self.existing)
        #: the planned records, by kind name and id
        self.planned: dict[str, dict[str, dict]] = {kind.name: {} for kind in IMPORTED_KINDS}
        #: the OParl object each planned record comes from (where problems point)
        self.origin: dict[tuple[str, str], str] = {}
        #: OParl id → the id of the organisation record planned or found for it
        self.organisation_ids: dict[str, str | None] = {}
        #: paper id → the consultation objects that name it (read apart from the paper)
        self.consultations_naming: dict[str, list[dict]] = {}
        #: consultation id → the agenda item that names it (some systems link only so)
        self.agenda_items: dict[str, dict] = {}
        for value in self.objects.values():
            short_type = oparl.oparl_type(value)
            if short_type == "Consultation":
                for paper_id in oparl.ids_of(value.get("paper")):
                    self.consultations_naming.setdefault(paper_id, []).append(value)
            elif short_type == "AgendaItem":
                for consultation_id in oparl.ids_of(value.get("consultation")):
                    self.agenda_items.setdefault(consultation_id, value)

    def index_existing(self, municipality: Municipality) -> None:
        for record in municipality.every_record():
            if record.id is not None:
                self.taken.add(record.id)
        for kind_records in municipality.records.values():
            for record in kind_records:
                for source in record.sources:
                    if isinstance(source, OParlCitation):
                        self.citing.setdefault(source.url, record)
                if record.kind in ("body", "unit", "network"):
                    for name in [record.get("label"), *record.get("alt_labels", [])]:
                        if name:
                            self.by_name.setdefault(oparl.normalised(name), record)
                if record.kind == "paper":
                    self.by_reference.setdefault(
                        oparl.normalised(record.values["reference"]), record
                    )
                    for consultation in record.children("consultations"):
                        for source in consultation.sources:
                            if isinstance(source, OParlCitation):
                                self.citing_consultation.setdefault(source.url, consultation)

    # -- the whole plan ------------------------------------------------------------------

    def plan(self) -> ImportPlan:
        crawl = self.crawl
        self.counts[MISSING] = len(crawl.missing)
        if self.existing is None:
            self.result.municipality = self.municipality_record()
        meetings = self.chosen_meetings()
        for organisation_id in crawl.organizations:
            self.organisation(organisation_id, kinds.BODY)
        papers = self.chosen_papers(set(meetings))
        for meeting_id in meetings:
            self.event(meeting_id)
        for paper_id in papers:
            self.paper(paper_id)
        self.deletions()
        self.finish()
        self.check()
        return self.result

    def chosen_meetings(self) -> list[str]:
        chosen = set(self.crawl.organizations)
        return [
            meeting_id
            for meeting_id, meeting in self.objects.items()
            if oparl.oparl_type(meeting) == "Meeting"
            and not oparl.is_deleted(meeting)
            and chosen & set(oparl.ids_of(meeting.get("organization")))
        ]

    def chosen_papers(self, meetings: set[str]) -> list[str]:
        """Every paper consulted in the chosen meetings or by the chosen organisations, and
        every paper imported before that the crawl brings again."""
        chosen = set(self.crawl.organizations)
        found: list[str] = []
        for paper_id, paper in self.objects.items():
            if oparl.oparl_type(paper) != "Paper" or oparl.is_deleted(paper):
                continue
            before = self.citing.get(paper_id)
            ours = any(
                meetings & set(oparl.ids_of(consultation.get("meeting")))
                or chosen & set(oparl.ids_of(consultation.get("organization")))
                for consultation in self.consultations_of(paper_id, paper)
            )
            if ours or (before is not None and before.kind == "paper"):
                found.append(paper_id)
        return found

    def consultations_of(
        self, paper_id: str, paper: Mapping[str, Any], *, counting: bool = False
    ) -> list[dict]:
        """A paper's consultations, as the paper lists them, then any other consultation
        object that names the paper; ``counting``: count those that could not be read."""
        found: list[dict] = []
        seen: set[str] = set()
        listed = paper.get("consultation")
        for item in listed if isinstance(listed, list) else []:
            consultation = self.objects.get(item) if isinstance(item, str) else item
            if isinstance(consultation, Mapping):
                found.append(dict(consultation))
                seen.add(str(consultation.get("id")))
            elif isinstance(item, str) and counting:
                self.counts[MISSING] += item not in self.crawl.missing
        for value in self.consultations_naming.get(paper_id, []):
            if value["id"] not in seen:
                found.append(value)
                seen.add(value["id"])
        return found

    # -- the municipality ----------------------------------------------------------------

    def municipality_record(self) -> dict:
        body = self.crawl.body
        body_id = str(body.get("id"))
        name = oparl.text(body.get("name")) or oparl.text(body.get("shortName")) or self.slug
        state = oparl.state_of(body)
        ags = oparl.ags_of(body)
        lines = [
            "Angaben des Ratsinformationssystems (OParl-Body), übernommen mit ikg import oparl",
            "",
            f"OParl-Body: {body_id}",
            f"Name: {name}",
            f"Amtlicher Gemeindeschlüssel: {ags or '–'}",
            f"Land: {state or '– (aus dem AGS nicht bestimmbar)'}",
        ]
        self.result.files[f"{DOCUMENTS_FOLDER}/{SYSTEM_DOCUMENT_FILE}"] = (
            "\n".join(lines) + "\n"
        ).encode("utf-8")
        if state is None:
            # many council systems give no AGS: the Land (required) cannot be derived
            raise IkgError(
                f"Die Körperschaft {body_id} nennt weder AGS noch RGS, das Land der neuen "
                f"Kommune ist daher unbekannt; nichts wurde geschrieben. Legen Sie sie zuerst an: "
                f'ikg new {self.slug} --name "{name}" --state LAND (oder --ags AGS), dann den '
                f"Import wiederholen. / The body names neither AGS nor RGS, so the new "
                f"municipality's state is unknown; nothing was written. Create it first with "
                f"ikg new, then run the import again."
            )
        self.keep_json(body_id)
        record: dict[str, Any] = {"id": self.slug, "label": name}
        if ags is not None:
            record["ags"] = ags
        # without an AGS the Land is unknown; the reader then asks for it (state is required)
        record["state"] = state
        record["documents"] = [
            {
                "id": SYSTEM_DOCUMENT,
                "file": SYSTEM_DOCUMENT_FILE,
                "url": body_id,
                "title": f"Ratsinformationssystem: {name}",
                "kind": SYSTEM_DOCUMENT_KIND,
            }
        ]
        record["sources"] = [oparl.cites(body_id)]
        return record

    # -- organisations -------------------------------------------------------------------

    def organisation(self, organisation_id: str, kind: Kind) -> str | None:
        """The id of the record for an OParl organisation (planned here, or already in the
        folder); None where it cannot be read and no record names it."""
        if organisation_id in self.organisation_ids:
            return self.organisation_ids[organisation_id]
        value = self.objects.get(organisation_id)
        before = self.citing.get(organisation_id)
        if value is None or oparl.is_deleted(value) or oparl.oparl_type(value) != "Organization":
            found = before.id if before is not None else None
            self.organisation_ids[organisation_id] = found
            return found
        label = oparl.name_of(value)
        if label is None:
            self.organisation_ids[organisation_id] = before.id if before is not None else None
            return self.organisation_ids[organisation_id]
        match = before if before is not None else self.by_name.get(oparl.normalised(label))
        if match is None:
            short = oparl.text(value.get("shortName"))
            match = self.by_name.get(oparl.normalised(short)) if short else None
        if match is not None and match.kind not in ("body", "unit"):
            # a network (or another organisation) of the same name: named, not changed
            self.organisation_ids[organisation_id] = match.id
            return match.id
        target = kinds.BY_NAME[match.kind] if match is not None else kind
        form, told = oparl.body_form(value) if target is kinds.BODY else oparl.unit_form(value)
        imported: dict[str, Any] = {"label": label}
        alt = oparl.alt_labels(value, label)
        if alt:
            imported["alt_labels"] = alt
        if told or match is None:
            imported["form"] = form
        if match is None:
            imported["part_of"] = self.slug
            self.counts[
                UNKNOWN_BODY_FORM if target is kinds.BODY else UNKNOWN_UNIT_FORM
            ] += not told
        imported["sources"] = [oparl.cites(organisation_id)]
        if match is not None:
            record_id = match.id
        else:
            record_id = self.free_id(oparl.record_id("", label), organisation_id)
        assert record_id is not None
        self.organisation_ids[organisation_id] = record_id
        what = f"{target.singular} {label}"
        self.plan_record(target, record_id, imported, organisation_id, what)
        return record_id

    def free_id(self, base: str, oparl_id: str) -> str:
        # every id of the folder and every id planned so far is in ``taken``
        candidate = base
        if candidate in self.taken:
            candidate = oparl.suffixed(base, oparl_id)
        self.taken.add(candidate)
        return candidate

    # -- meetings ------------------------------------------------------------------------

    def event(self, meeting_id: str) -> None:
        meeting = self.objects[meeting_id]
        date = oparl.day(meeting.get("start"))
        organisers = [
            found
            for organisation_id in oparl.ids_of(meeting.get("organization"))
            if (found := self.organisation(organisation_id, kinds.BODY)) is not None
        ]
        name = oparl.text(meeting.get("name"))
        if name is None:
            body = self.planned["body"].get(organisers[0]) if organisers else None
            who = f" {body['label']}" if body else ""
            name = f"Sitzung{who}" + (f" am {date.strftime('%d.%m.%Y')}" if date else "")
        imported: dict[str, Any] = {"label": name, "type": "Sitzung"}
        if date is not None:
            imported["date"] = date
        if organisers:
            imported["organiser"] = organisers
        imported["sources"] = [oparl.cites(meeting_id)]
        before = self.citing.get(meeting_id)
        if before is not None and before.kind == "event":
            record_id = before.id
        else:
            base = f"{name} {date.isoformat()}" if date and date.isoformat() not in name else name
            record_id = self.free_id(oparl.record_id("sitzung", base), meeting_id)
        assert record_id is not None
        self.plan_record(kinds.EVENT, record_id, imported, meeting_id, f"Sitzung {name}")

    # -- papers --------------------------------------------------------------------------

    def paper(self, paper_id: str) -> None:
        paper = self.objects[paper_id]
        reference = oparl.text(paper.get("reference"))
        if reference is None:
            self.counts[NO_REFERENCE] += 1
            return
        paper_type, known = oparl.paper_type(paper.get("paperType"))
        self.counts[UNKNOWN_PAPER_TYPE] += not known
        imported: dict[str, Any] = {
            "reference": reference,
            "title": oparl.text(paper.get("name")) or reference,
            "type": paper_type,
        }
        date = oparl.day(paper.get("date"))
        if date is not None:
            imported["date"] = date
        imported["consultations"] = [
            consultation
            for item in self.consultations_of(paper_id, paper, counting=True)
            if (consultation := self.consultation(paper_id, item)) is not None
        ]
        directors: list[str] = []
        for organisation_id in oparl.ids_of(paper.get("underDirectionOf")):
            found = self.organisation_ids.get(organisation_id) or self.organisation(
                organisation_id, kinds.UNIT
            )
            if found is not None and found not in directors:
                directors.append(found)
            elif found is None and organisation_id not in self.crawl.missing:
                self.counts[MISSING] += organisation_id not in self.objects
        if directors:
            imported["under_direction_of"] = directors
        files = oparl.file_links(paper, self.objects)
        if files:
            imported["files"] = files
        imported["sources"] = [oparl.cites(paper_id)]
        before = self.citing.get(paper_id)
        match = self.by_reference.get(oparl.normalised(reference))
        if before is not None and before.kind == "paper":
            record_id = before.id
        elif match is not None:
            record_id = match.id
        else:
            record_id = self.free_id(oparl.paper_id(reference), paper_id)
        assert record_id is not None
        self.plan_record(kinds.PAPER, record_id, imported, paper_id, f"Vorlage {reference}")
        # as the system lists them (the viewer shows them by date in any case)
        dates = [c["date"] for c in imported["consultations"] if "date" in c]
        self.counts[OUT_OF_ORDER] += dates != sorted(dates)

    def consultation(self, paper_id: str, value: Mapping[str, Any]) -> dict | None:
        if oparl.is_deleted(value):
            return None
        consultation_id = value.get("id") if isinstance(value.get("id"), str) else None
        before = self.citing_consultation.get(consultation_id) if consultation_id else None
        body = next(
            (
                found
                for organisation_id in oparl.ids_of(value.get("organization"))
                if (found := self.organisation(organisation_id, kinds.BODY)) is not None
            ),
            None,
        )
        if body is None and before is not None:
            body = before.values["body"].id
        if body is None:
            self.counts[NO_BODY] += 1
            return None
        record: dict[str, Any] = {"body": body}
        meeting_ids = oparl.ids_of(value.get("meeting"))
        meeting = self.objects.get(meeting_ids[0]) if meeting_ids else None
        date = oparl.day(meeting.get("start")) if isinstance(meeting, Mapping) else None
        if date is None and meeting_ids:
            # not read this time (a re-run brings only what changed): as the import wrote it
            event = self.citing.get(meeting_ids[0])
            date = event.get("date") if event is not None else None
        if date is None and before is not None:
            date = before.get("date")
        if date is not None:
            record["date"] = date
        else:
            self.counts[NO_MEETING] += 1
        role = oparl.text(value.get("role"))
        if role is None or role.casefold() == schema.UNKNOWN_ROLE:
            self.counts[UNKNOWN_ROLE] += 1
            role = schema.UNKNOWN_ROLE
        record["role"] = role
        authoritative = value.get("authoritative")
        if isinstance(authoritative, bool):
            record["authoritative"] = authoritative
        else:
            self.counts[NO_AUTHORITATIVE] += 1
        item_ids = oparl.ids_of(value.get("agendaItem"))
        item = self.objects.get(item_ids[0]) if item_ids else None
        if item is None and consultation_id is not None:
            item = self.agenda_items.get(consultation_id)
        if isinstance(item, Mapping):
            if isinstance(item.get("public"), bool):
                record["public"] = item["public"]
            result = oparl.text(item.get("result"))
            if result is not None:
                record["result"] = result
        elif before is not None:
            for key in ("public", "result"):
                if before.get(key) is not None:
                    record[key] = before.get(key)
        record["sources"] = [oparl.cites(consultation_id or paper_id)]
        return record

    # -- merging with what is there ------------------------------------------------------

    def plan_record(
        self, kind: Kind, record_id: str, imported: dict[str, Any], url: str, what: str
    ) -> None:
        """Plan ``imported`` as the record ``record_id``, merged with the record of that id
        in the folder (or planned before: two OParl objects may name one record)."""
        planned = self.planned[kind.name].get(record_id)
        existing = planned or self.written[kind.name].get(record_id)
        merged = (
            {"id": record_id, **imported}
            if existing is None
            else self.merge(existing, imported, what, url)
        )
        if planned is None and existing is not None and not _is_curated(existing):
            # what the system no longer says goes from a record only the import wrote
            for key in _SYSTEM_KEYS.get(kind.name, ()):
                if key not in imported:
                    merged.pop(key, None)
        self.planned[kind.name][record_id] = merged
        self.origin.setdefault((kind.name, record_id), url)

    def merge(self, existing: dict, imported: dict, what: str, url: str) -> dict:
        curated = _is_curated(existing)
        merged = dict(existing)
        for key, value in imported.items():
            if key == "sources":
                merged[key] = _union(existing.get(key, []), value)
            elif key == "consultations":
                merged[key] = self.merge_consultations(
                    existing.get(key, []), value, curated, what, url
                )
            elif key == "alt_labels" and curated:
                continue  # the name matched; another spelling of it is no conflict
            elif key == "label" and curated:
                continue
            elif existing.get(key) in (None, [], ""):
                merged[key] = value
            elif existing.get(key) != value:
                if curated:
                    self.conflict(what, key, existing[key], value, url)
                else:
                    merged[key] = value
        return merged

    def merge_consultations(
        self, existing: list[dict], imported: list[dict], curated: bool, what: str, url: str
    ) -> list[dict]:
        result = [dict(item) for item in existing]
        matched: set[int] = set()
        for new in imported:
            position = self.matching_consultation(result, new, matched)
            if position is None:
                result.append(new)
                matched.add(len(result) - 1)
                continue
            matched.add(position)
            old = result[position]
            own = _is_curated(old)
            merged = dict(old)
            for key, value in new.items():
                if key == "sources":
                    merged[key] = _union(old.get(key, []), value)
                elif old.get(key) is None:
                    merged[key] = value
                elif old[key] != value:
                    if own:
                        when = old.get("date") or old.get("when") or "ohne Datum"
                        self.conflict(
                            f"{what}, Beratung {old['body']} {when}", key, old[key], value, url
                        )
                    else:
                        merged[key] = value
            if not own:
                for key in ("date", "authoritative", "public", "result"):
                    if key in old and key not in new:
                        # the system no longer says it (e.g. the meeting was removed)
                        merged.pop(key, None)
            result[position] = merged
        if not curated:
            # an imported paper's Beratungsfolge is the system's; hand-added ones stay
            result = [
                item
                for position, item in enumerate(result)
                if position in matched or _is_curated(item)
            ]
        return result

    @staticmethod
    def matching_consultation(existing: list[dict], new: dict, taken: set[int]) -> int | None:
        cited = {source.get("oparl") for source in new["sources"]}
        for position, old in enumerate(existing):
            if position not in taken and cited & {s.get("oparl") for s in old.get("sources", [])}:
                return position
        same_body = [
            position
            for position, old in enumerate(existing)
            if position not in taken and old.get("body") == new["body"]
        ]
        dated = [p for p in same_body if existing[p].get("date") == new.get("date")]
        if new.get("date") is not None and dated:
            return dated[0]
        if new.get("date") is None and len(same_body) == 1:
            return same_body[0]
        return None

    def conflict(self, what: str, key: str, curated: Any, imported: Any, url: str) -> None:
        self.result.conflicts.append(Conflict(what, key, _shown(curated), _shown(imported), url))

    # -- deletions -----------------------------------------------------------------------

    def deletions(self) -> None:
        """``deleted: true`` removes the record the import made from that object; a curated
        one stays, listed as a conflict; one still named elsewhere stays, counted."""
        for object_id, value in self.objects.items():
            if not oparl.is_deleted(value):
                continue
            record = self.citing.get(object_id)
            if record is None or record.kind not in self.planned or record.id is None:
                continue
            if record.id in self.planned[record.kind]:
                continue  # another object of the crawl still gives it
            written = self.written[record.kind].get(record.id)
            if written is None:
                continue
            label = record.get("label") or record.get("reference") or record.id
            what = f"{kinds.BY_NAME[record.kind].singular} {label}"
            if _is_curated(written):
                self.conflict(what, "deleted", "bleibt (kuratiert)", "gelöscht", object_id)
                continue
            if self.named_elsewhere(record.id):
                self.counts[DELETED_KEPT] += 1
                continue
            self.result.removals.setdefault(record.kind, []).append(record.id)
            for file in sorted(_cited_files(written)):
                if (self.folder / file).exists():
                    self.result.removed_files.append(file)

    def named_elsewhere(self, record_id: str) -> bool:
        for records in self.planned.values():
            for record in records.values():
                if record["id"] != record_id and record_id in _ids_named(record):
                    return True
        if self.existing is None:
            return False
        for other in self.existing.every_record():
            if other.id == record_id:
                continue
            for value in other.values.values():
                items = value if isinstance(value, list) else [value]
                if any(getattr(item, "id", None) == record_id for item in items):
                    return True
        return False

    # -- what differs, and the cached JSON -----------------------------------------------

    def finish(self) -> None:
        result = self.result
        removed_files = set(result.removed_files)
        for kind in IMPORTED_KINDS:
            for record_id, record in self.planned[kind.name].items():
                result.seen[kind.name] += 1
                for file_id in _cited_ids(record):
                    self.keep_json(file_id)
                written = self.written[kind.name].get(record_id)
                if written is not None and _canonical(written) == _canonical(record):
                    continue
                result.records.setdefault(kind.name, []).append(record)
                if written is None:
                    result.added.setdefault(kind.name, []).append(record_id)
        kept = {
            file
            for records in self.planned.values()
            for r in records.values()
            for file in _cited_files(r)
        }
        result.removed_files = sorted(removed_files - kept)

    def keep_json(self, object_id: str) -> None:
        """Plan the cached JSON of an object, where it differs from the file there."""
        value = self.objects.get(object_id)
        if value is None and object_id == self.crawl.body.get("id"):
            value = self.crawl.body
        data = self.crawl.raw.get(object_id)
        if data is None:
            if value is None:
                return  # not read this time: the file of the earlier import stays
            data = oparl.compact_json(value)
        relative = oparl.cached_file(object_id)
        path = self.folder / relative
        try:
            if path.read_bytes() == data:
                return
        except OSError:
            pass
        self.result.files[relative] = data

    # -- the checks ------------------------------------------------------------------------

    def check(self) -> None:
        """The records as the YAML reader would check them, with the cached JSON they cite
        in place: in a scratch copy of the folder, so that nothing is written before."""
        result = self.result
        if result.empty:
            return
        with tempfile.TemporaryDirectory(prefix="ikg-oparl-") as scratch:
            folder = Path(scratch) / self.slug
            _scratch_copy(self.folder, folder, result.files, result.removed_files)
            existing = self.existing
            if existing is not None and result.removals:
                removed = {i for ids in result.removals.values() for i in ids}
                existing = Municipality(
                    slug=existing.slug,
                    record=existing.record,
                    records={
                        kind: [r for r in records if r.id not in removed]
                        for kind, records in existing.records.items()
                    },
                    index={},
                )
            checks = RecordChecks(
                self.slug,
                self.reference,
                folder=folder,
                existing=existing,
                display=lambda path: _shown_path(path, folder, self.folder),
            )
            if result.municipality is not None:
                checks.add(
                    RawRecord(kinds.MUNICIPALITY, result.municipality, self.crawl.body.get("id"))
                )
            for kind in IMPORTED_KINDS:
                for record in result.records.get(kind.name, []):
                    origin = self.origin.get((kind.name, record["id"]), str(self.folder))
                    checks.add(RawRecord(kind, record, origin))
            checks.finish()
            problems = checks.sink.listed()
            if problems:
                raise SourceError(problems, exit_code=2 if checks.sink.load_errors else 1)
            self.read_back(folder)

    def read_back(self, scratch: Path) -> None:
        """Write the plan into the scratch copy and read it as the build will: what the
        records checks cannot see (a file grown past the reader's size limit) fails here,
        before the real folder is touched."""
        copy = dataclasses.replace(self.result, folder=scratch)
        copy.apply()
        try:
            read_sources(scratch.parent, only={self.slug}, reference=self.reference)
        except SourceError as error:
            # the reader names files relative to the data folder's parent: the scratch
            # folder's name stands where the real one will
            names = (str(scratch), f"{scratch.parent.name}/{self.slug}")

            def real(file: str | None) -> str | None:
                for name in names:
                    file = None if file is None else file.replace(name, str(self.folder))
                return file

            shown = [
                dataclasses.replace(problem, file=real(problem.file)) for problem in error.problems
            ]
            raise SourceError(shown, exit_code=error.exit_code) from None


#: the optional keys of each kind the system states, where it may stop stating them
_SYSTEM_KEYS = {
    "paper": ("date", "under_direction_of", "files"),
    "event": ("date", "organiser"),
    "body": ("alt_labels",),
    "unit": ("alt_labels",),
}


# -- plain values ----------------------------------------------------------------------------------


def _in_spec_order(record: Mapping[str, Any], spec: schema.RecordSpec) -> dict[str, Any]:
    """A record with its keys (and its nested records' keys) in the order of its spec."""
    ordered: dict[str, Any] = {}
    for spec_field in spec.fields:
        value = record.get(spec_field.name)
        if value is None:
            continue
        if spec_field.type == "records" and spec_field.spec is not None:
            value = [_in_spec_order(item, spec_field.spec) for item in value]
        ordered[spec_field.name] = value
    return ordered


def _written_records(folder: Path, kind: Kind) -> dict[str, dict]:
    """The records of a kind as its file writes them (plain values), by id."""
    path = folder / str(kind.file)
    if not path.is_file():
        return {}
    document = parse_yaml(path.read_text(encoding="utf-8"))
    items = document.get(kind.key) if isinstance(document, Mapping) else None
    found: dict[str, dict] = {}
    for item in items or []:
        plain = _plain(item)
        if isinstance(plain, dict) and isinstance(plain.get("id"), str):
            found[plain["id"]] = plain
    return found


def _plain(value: Any) -> Any:
    if isinstance(value, Mapping):
        return {str(key): _plain(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(item) for item in value]
    if isinstance(value, dt.datetime):
        return value.date()
    return value


def _canonical(record: Mapping[str, Any]) -> str:
    """A record as compared: keys in any order, empty values left out (as writing does)."""

    def clean(value: Any) -> Any:
        if isinstance(value, Mapping):
            return {k: clean(v) for k, v in value.items() if v is not None}
        if isinstance(value, list | tuple):
            return [clean(item) for item in value]
        if isinstance(value, dt.date):
            return value.isoformat()
        return value

    return json.dumps(clean(record), sort_keys=True, ensure_ascii=False)


def _is_curated(record: Mapping[str, Any]) -> bool:
    """Whether a record cites anything besides OParl objects (a person wrote it)."""
    return any(
        not (isinstance(source, Mapping) and "oparl" in source)
        for source in record.get("sources", [])
    )


def _union(old: Iterable[Any], new: Iterable[Any]) -> list[Any]:
    result = list(old)
    for item in new:
        if item not in result:
            result.append(item)
    return result


def _cited_ids(record: Mapping[str, Any]) -> list[str]:
    """Every OParl id a record cites, nested records included."""
    found: list[str] = []
    for source in record.get("sources", []):
        if isinstance(source, Mapping) and isinstance(source.get("oparl"), str):
            found.append(source["oparl"])
    for value in record.values():
        if isinstance(value, list):
            for item in value:
                if isinstance(item, Mapping) and item is not record:
                    found += _cited_ids(item)
    return found


def _cited_files(record: Mapping[str, Any]) -> set[str]:
    files: set[str] = set()
    for source in record.get("sources", []):
        if isinstance(source, Mapping) and isinstance(source.get("file"), str):
            if "oparl" in source:
                files.add(source["file"])
    for value in record.values():
        if isinstance(value, list):
            for item in value:
                if isinstance(item, Mapping):
                    files |= _cited_files(item)
    return files


def _ids_named(record: Mapping[str, Any]) -> set[str]:
    """The ids a planned record refers to (organiser, body, under_direction_of …)."""
    found: set[str] = set()
    for key, value in record.items():
        if key in ("id", "sources", "label", "title", "reference", "files"):
            continue
        items = value if isinstance(value, list) else [value]
        for item in items:
            if isinstance(item, str):
                found.add(item)
            elif isinstance(item, Mapping):
                found |= _ids_named(item)
    return found


def _shown(value: Any) -> str:
    if isinstance(value, list):
        return ", ".join(_shown(item) for item in value)
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def _shown_path(path: Path, scratch: Path, folder: Path) -> str:
    try:
        return str(folder / path.relative_to(scratch))
    except ValueError:
        return str(path)


def _scratch_copy(
    folder: Path, scratch: Path, files: Mapping[str, bytes], removed: Iterable[str]
) -> None:
    """The folder as it will be after the plan, for the checks: copies of its YAML files
    (the plan is applied to them), links to the others, the planned files written."""
    scratch.mkdir(parents=True)
    if folder.is_dir():
        for path in folder.rglob("*"):
            if path.is_file():
                target = scratch / path.relative_to(folder)
                target.parent.mkdir(parents=True, exist_ok=True)
                if path.parent == folder and path.suffix == ".yaml":
                    shutil.copyfile(path, target)
                else:
                    target.symlink_to(path.resolve())
    for relative in removed:
        (scratch / relative).unlink(missing_ok=True)
    for relative, data in files.items():
        target = scratch / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        target.unlink(missing_ok=True)
        target.write_bytes(data)


__all__ = ["Conflict", "ImportPlan", "plan_import"]
