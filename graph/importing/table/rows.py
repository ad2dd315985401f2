"""The rows of each kind of table as records: actors (and their networks' memberships),
memberships, measures. graph/importing/table/importer.py matches, merges and collects."""

from __future__ import annotations

import re
from typing import Any

from graph.importing.table.columns import normalise_value
from graph.importing.table.importer import DEFAULT_ROLE, Importer, status_of
from graph.sources import kinds

_ALT_SEPARATORS = re.compile(r"[;,\n]")


def _duplicate(importer: Importer, seen: dict[Any, int], key: Any, number: int, what: str) -> bool:
    if key in seen:
        importer.problem(
            number,
            None,
            f"{what} steht schon in Zeile {seen[key]} / is in row {seen[key]} already",
            "eine der Zeilen löschen oder zusammenführen / delete or merge one of the rows",
        )
        return True
    seen[key] = number
    return False


def actors(importer: Importer, rows: list[tuple[int, dict[str, str]]]) -> None:
    words = importer.words
    columns = set(importer.table.columns.fields.values())
    described = columns & {"remark", "district", "fields"}
    importer.filled_keys = frozenset(
        {"label"}
        | ({"alt_labels"} if "alt_labels" in columns else set())
        | ({"type"} if "type" in columns else set())
        | ({"description"} if described else set())
    )
    seen: dict[Any, int] = {}
    records: list[dict[str, Any]] = []
    members: dict[tuple[str, str], tuple[int, dict[str, Any]]] = {}
    for number, values in rows:
        name = values.get("name", "")
        if not name:
            importer.problem(
                number,
                "name",
                "der Name der Organisation fehlt / the organisation's name is missing",
                "den Namen eintragen oder die Zeile löschen / fill in the name or delete the row",
            )
            continue
        if _duplicate(importer, seen, normalise_value(name), number, f"'{name}'"):
            continue
        given = values.get("id", "")
        existing = importer.match(kinds.ACTOR, number, name, given)
        other = words.organisations.get(name) if existing is None and not given else None
        other_kind = words.organisations.kind_of.get(other or "")
        if other is not None and other_kind != "actor":
            # the city's own offices and networks stand in actor lists too: they are not
            # made actors a second time, but their networks are theirs
            shown = kinds.BY_NAME[other_kind].singular if other_kind in kinds.BY_NAME else ""
            importer.plan.elsewhere.append(f"Zeile {number}: {name} ({shown} {other})")
            _members(importer, number, values, other, members)
            continue
        record: dict[str, Any] = {
            "id": existing["id"] if existing else importer.new_id(name, given),
            "label": name,
        }
        alternatives = [a.strip() for a in _ALT_SEPARATORS.split(values.get("alt_labels", ""))]
        if any(alternatives):
            record["alt_labels"] = [a for a in alternatives if a]
        if values.get("type"):
            found = importer.one(number, "type", values["type"], words.actor_types)
            if found is not None:
                record["type"] = found
        elif existing is None or importer.from_table(existing):
            importer.problem(
                number,
                "type" if "type" in columns else None,
                f"die Art der Organisation '{name}' fehlt / the actor type is missing",
                "eine Art eintragen, z. B. MSO, Verein, Wohlfahrtsverband; "
                + words.actor_types.suggest(""),
            )
        description = []
        if values.get("district"):
            description.append(f"Stadtteil: {values['district']}.")
        if values.get("fields"):
            ids = importer.several(number, "fields", values["fields"], words.fields)
            labels = [words.fields.label_of.get(i, i) for i in ids]
            if labels:
                description.append(f"Handlungsfelder: {'; '.join(labels)}.")
        if values.get("remark"):
            description.append(values["remark"])
        if description:
            record["description"] = " ".join(description)
        merged = importer.merge(kinds.ACTOR, number, existing, record, name)
        records.append(merged)
        _members(importer, number, values, merged["id"], members)
    importer.plan.write[kinds.ACTOR] = records
    importer.gone(kinds.ACTOR, {record["id"] for record in records})
    importer.memberships(members)


def _members(
    importer: Importer,
    number: int,
    values: dict[str, str],
    member: str,
    members: dict[tuple[str, str], tuple[int, dict[str, Any]]],
) -> None:
    """The memberships an actor list's network column names."""
    if not values.get("networks"):
        return
    words = importer.words
    for network in importer.several(number, "networks", values["networks"], words.networks):
        if network != member:
            members[(network, member)] = (number, {"member": member, "role": DEFAULT_ROLE})


def memberships(importer: Importer, rows: list[tuple[int, dict[str, str]]]) -> None:
    words = importer.words
    seen: dict[Any, int] = {}
    wanted: dict[tuple[str, str], tuple[int, dict[str, Any]]] = {}
    for number, values in rows:
        missing = [name for name in ("organisation", "network") if not values.get(name)]
        if missing:
            importer.problem(
                number,
                missing[0],
                "Organisation und Netzwerk sind nötig / organisation and network are needed",
                "beide eintragen oder die Zeile löschen / fill in both or delete the row",
            )
            continue
        member = importer.one(number, "organisation", values["organisation"], words.organisations)
        network = importer.one(number, "network", values["network"], words.networks)
        if member is None or network is None:
            continue
        if _duplicate(importer, seen, (network, member), number, "diese Mitgliedschaft"):
            continue
        record: dict[str, Any] = {"member": member}
        if values.get("role"):
            record["role"] = values["role"]
        record |= importer.dates(number, values, "from", "to")
        wanted[(network, member)] = (number, record)
    importer.memberships(wanted)


def measures(importer: Importer, rows: list[tuple[int, dict[str, str]]]) -> None:
    words = importer.words
    columns = set(importer.table.columns.fields.values())
    filled = {"label"}
    for column, keys in (
        ("description", {"description"}),
        ("lead", {"lead"}),
        ("partners", {"partners"}),
        ("field", {"action_fields"}),
        ("status", {"status"}),
        ("start", {"from", "when"}),
        ("end", {"until", "when"}),
        ("target_group", {"target_group"}),
    ):
        if column in columns:
            filled |= keys
    importer.filled_keys = frozenset(filled)
    seen: dict[Any, int] = {}
    records: list[dict[str, Any]] = []
    for number, values in rows:
        title = values.get("title", "")
        if not title:
            importer.problem(
                number,
                "title",
                "der Titel der Maßnahme fehlt / the measure's title is missing",
                "den Titel eintragen oder die Zeile löschen / fill in the title or delete the row",
            )
            continue
        if _duplicate(importer, seen, normalise_value(title), number, f"'{title}'"):
            continue
        given = values.get("id", "")
        existing = importer.match(kinds.MEASURE, number, title, given)
        new = existing is None or importer.from_table(existing)
        record: dict[str, Any] = {
            "id": existing["id"] if existing else importer.new_id(title, given),
            "label": title,
        }
        if values.get("description"):
            record["description"] = values["description"]
        if values.get("lead"):
            lead = importer.one(number, "lead", values["lead"], words.organisations)
            if lead is not None:
                record["lead"] = lead
        elif new:
            importer.problem(
                number,
                "lead" if "lead" in columns else None,
                "die Federführung fehlt / the lead is missing",
                "die federführende Organisation eintragen (wie sie in den Daten heißt) / name "
                "the leading organisation",
            )
        if values.get("partners"):
            partners = importer.several(number, "partners", values["partners"], words.organisations)
            if partners:
                record["partners"] = partners
        fields = (
            importer.several(number, "field", values["field"], words.fields)
            if values.get("field")
            else []
        )
        if fields:
            record["action_fields"] = fields
        elif new and not values.get("field"):
            importer.problem(
                number,
                "field" if "field" in columns else None,
                "das Handlungsfeld fehlt / the action field is missing",
                "mindestens ein Handlungsfeld eintragen; " + words.fields.suggest(""),
            )
        status = status_of(values.get("status", ""))
        if status is None:
            importer.problem(
                number,
                "status",
                f"'{values['status']}' ist kein Status / is no status",
                "geplant, laufend, abgeschlossen oder unbekannt (auch: in Planung, in "
                "Umsetzung, beendet …)",
            )
        elif "status" in columns or new:
            record["status"] = status
        record |= importer.dates(number, values, "start", "end")
        if values.get("target_group"):
            record["target_group"] = values["target_group"]
        records.append(importer.merge(kinds.MEASURE, number, existing, record, title))
    importer.plan.write[kinds.MEASURE] = records
    importer.gone(kinds.MEASURE, {record["id"] for record in records})


CONVERTERS = {"actors": actors, "memberships": memberships, "measures": measures}
