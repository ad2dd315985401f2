r"""Writing source YAML: the one module the generator and every importer write data/ with.

Both write the layout of the hand-written files in data/ (sources as one flow mapping per
line, short lists in brackets, ids unquoted; strings that are not plain words written as JSON
strings, which YAML reads as double-quoted scalars), with keys in the order of the kind's spec
(graph/sources/kinds.py), so that the same records always give the same bytes.

- ``new_file`` writes a whole file from plain records: the generator (400 municipalities in
  seconds; its output is byte-stable across PyYAML versions, as no YAML library writes it).
- ``write_records`` adds or replaces records, by id, in an existing file — a file a
  coordinator edits, with comments: every line that is not a replaced record stays byte for
  byte, comments and the order of keys and records included, and a record that is already
  there as given is not touched at all, so running an import again makes no diff. The file
  is written only after the new text has been read back to the same records.

Records are checked first (graph/sources/checks.py: check_records); this module writes what it
is given.

>>> from tempfile import TemporaryDirectory
>>> source = {"office": "ki", "date": dt.date(2024, 3, 1)}
>>> with TemporaryDirectory() as folder:
...     path = Path(folder, "funding.yaml")
...     _ = path.write_text("# von Hand / by hand\nfunding:\n  - id: f-1  # bleibt / stays\n"
...                         "    funder: land\n    sources: [{office: ki, date: 2024-03-01}]\n")
...     write_records(Path(folder), "funding", [{"funder": "bamf", "id": "f-2",
...                                              "sources": [source]}])
...     print(path.read_text(), end="")
True
# von Hand / by hand
funding:
  - id: f-1  # bleibt / stays
    funder: land
    sources: [{office: ki, date: 2024-03-01}]
  - id: f-2
    funder: bamf
    sources:
      - {office: ki, date: 2024-03-01}
"""

from __future__ import annotations

import datetime as dt
import functools
import json
import os
import re
import tempfile
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from graph.sources.fields import SOURCE_SHAPES, Ref
from graph.sources.kinds import BY_NAME, Kind
from graph.sources.loader import LocatedDict, LocatedList, parse_yaml
from graph.sources.schema import RecordSpec

#: text YAML reads as a plain string: a letter first, then letters, digits, spaces and a few
#: marks that have no meaning to YAML inside a line ("Bürgerservice", "Stadt Musterstadt 001")
_PLAIN = re.compile(r"^[A-Za-zÄÖÜäöüß][\wÄÖÜäöüß .,()/–-]*(?<! )$")
#: words YAML 1.1 would read as booleans or null when unquoted
_RESERVED = {"y", "n", "yes", "no", "on", "off", "true", "false", "null", "~"}
#: list keys written one flow mapping per item, as in data/
_FLOW_ITEMS = {"sources"}


class WriteError(ValueError):
    """The records cannot be written as asked (German / English, and what to do)."""


# -- values ------------------------------------------------------------------------------


def scalar(value: Any, *, in_flow: bool = False) -> str:
    if type(value) is str:  # by far the most common: first
        return _string(value, in_flow)
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, str):
        return _string(value, in_flow)
    if isinstance(value, Ref):
        return _string(value.id, in_flow)
    raise TypeError(f"cannot write {type(value).__name__} as a YAML scalar")


@functools.lru_cache(maxsize=65536)  # ids, roles and passages repeat thousands of times
def _string(value: str, in_flow: bool) -> str:
    plain = _PLAIN.match(value) and value.lower() not in _RESERVED
    # inside [...] and {...} a comma would end the value
    if plain and not (in_flow and "," in value):
        return value
    return json.dumps(value, ensure_ascii=False)


_SCALAR_TYPES = frozenset({str, bool, int, dt.date, Ref})


def _is_scalar(value: Any) -> bool:
    return type(value) in _SCALAR_TYPES


def _flowable(value: Any) -> bool:
    if _is_scalar(value):
        return True
    if isinstance(value, list):
        return all(_is_scalar(item) for item in value)
    if isinstance(value, dict):
        return all(_flowable(item) and not isinstance(item, dict) for item in value.values())
    return False


def flow(value: Any, *, nested: bool = False) -> str:
    if isinstance(value, list):
        return "[" + ", ".join(flow(item, nested=True) for item in value) + "]"
    if isinstance(value, dict):
        items = ", ".join(f"{key}: {flow(item, nested=True)}" for key, item in value.items())
        return "{" + items + "}"
    return scalar(value, in_flow=nested)


# -- whole files ---------------------------------------------------------------------------


def new_file(top: Mapping[str, Any], comment: str) -> str:
    """A whole file: a comment block, then the top-level mapping, keys in the order given
    (the generator gives them in its own, fixed order; ``write_records`` in the spec's)."""
    lines = [f"# {line}" if line else "#" for line in comment.splitlines()]
    _mapping(top, 0, lines)
    return "\n".join(lines) + "\n"


def _mapping(record: Mapping[str, Any], indent: int, lines: list[str], first: str = "") -> None:
    pad = " " * indent
    for position, (key, value) in enumerate(record.items()):
        lead = first if position == 0 and first else pad
        if _flowable(value):
            lines.append(f"{lead}{key}: {flow(value)}")
        elif isinstance(value, dict):
            lines.append(f"{lead}{key}:")
            _mapping(value, indent + 2, lines)
        else:
            lines.append(f"{lead}{key}:")
            _sequence(value, indent + 2, lines, one_line=key in _FLOW_ITEMS)


def _sequence(items: list[Any], indent: int, lines: list[str], *, one_line: bool) -> None:
    pad = " " * indent
    for item in items:
        if one_line and isinstance(item, dict):
            lines.append(pad + _flow_line(tuple(item.items())))
        elif _is_scalar(item):
            lines.append(f"{pad}- {flow(item)}")
        else:
            _mapping(item, indent + 2, lines, first=f"{pad}- ")


@functools.lru_cache(maxsize=4096)  # every record cites the same source: render it once
def _flow_line(items: tuple[tuple[str, Any], ...]) -> str:
    return "- " + flow(dict(items))


def _ordered(record: Mapping[str, Any], spec: RecordSpec) -> dict[str, Any]:
    """The record with its keys in the spec's order (nested records and sources too); a key
    the spec does not know is refused, as the reader would refuse it."""
    unknown = [key for key in record if spec.field(key) is None]
    if unknown:
        raise WriteError(
            f"ein {spec.kind}-Eintrag kennt den Schlüssel {unknown[0]!r} nicht / a {spec.kind} "
            f"record has no key {unknown[0]!r}: allowed are {', '.join(spec.names)}"
        )
    ordered: dict[str, Any] = {}
    for field in spec.fields:
        if field.name not in record or record[field.name] is None:
            continue
        value = record[field.name]
        if field.type == "records" and field.spec is not None:
            value = [_ordered(item, field.spec) for item in value]
        elif field.type == "sources":
            value = [_ordered_source(item) for item in value]
        elif field.type == "date":
            value = _date(value)
        elif isinstance(value, tuple):
            value = list(value)
        ordered[field.name] = value
    return ordered


def _ordered_source(source: Mapping[str, Any]) -> dict[str, Any]:
    shape = next((key for key in SOURCE_SHAPES if key in source), "doc")
    order = SOURCE_SHAPES[shape]
    ordered = {key: source[key] for key in order if key in source} | {
        key: value for key, value in source.items() if key not in order
    }
    if "date" in ordered:
        ordered["date"] = _date(ordered["date"])
    return ordered


def _date(value: Any) -> Any:
    """An ISO date given as text, as a date: written unquoted, as data/ writes dates."""
    if isinstance(value, str) and re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            return value  # not a real day: written as given, for the reader to report
    return value


# -- records into an existing file -----------------------------------------------------------


def write_records(
    folder: Path, kind: Kind | str, records: Sequence[Mapping[str, Any]], *, comment: str = ""
) -> bool:
    """Add or replace ``records`` of ``kind`` (by id) in their file in ``folder``
    (data/<slug>/), keeping every other byte of it; return whether the file changed.

    A file that does not exist is written new, with ``comment`` at its top. A record whose id
    is in the file replaces that record where it stands, unless it is the same already (then
    the file, comments inside that record included, is left as it is); a new id is added after
    the file's last record of the kind.
    """
    kind = BY_NAME[kind] if isinstance(kind, str) else kind
    if kind.file is None or kind.key is None or kind.nested or kind.reference:
        raise WriteError(
            f"{kind.name}-Einträge stehen in keiner eigenen Datei / {kind.name} records are not "
            "written on their own: write the record that holds them"
        )
    ordered = [_ordered(record, kind.spec) for record in records]
    if not ordered:
        return False
    ids = [record.get("id") for record in ordered]
    if kind.spec.has_id and (None in ids or len(set(ids)) != len(ids)):
        raise WriteError(
            "jeder Eintrag braucht eine eigene id / every record needs an id of its own: "
            + ", ".join(str(i) for i in ids)
        )
    path = folder / kind.file
    if not path.exists():
        _replace_file(path, new_file({kind.key: ordered}, comment))
        return True
    text = path.read_text(encoding="utf-8")
    updated = update_text(text, kind.key, ordered)
    if updated == text:
        return False
    _check_written(updated, kind.key, ordered)
    _replace_file(path, updated)
    return True


def update_text(text: str, key: str, records: Sequence[Mapping[str, Any]]) -> str:
    """The file's text with ``records`` (in their final key order) added to or replaced in the
    list under the top-level ``key``; every other line as it was."""
    lines = text.splitlines(keepends=True)
    document = parse_yaml(text) if text.strip() else None
    if document is None:
        document = LocatedDict()
        document.line, document.key_lines = 1, {}
    if not isinstance(document, LocatedDict):
        raise WriteError(
            "die Datei ist keine Zuordnung von Schlüsseln / the file is not a mapping of keys"
        )
    existing = document.get(key)
    if existing is not None and not isinstance(existing, LocatedList):
        raise WriteError(f"'{key}' ist keine Liste / '{key}' is not a list")
    if not existing or _is_flow(lines, document.line_of(key)):
        # no block list to splice into: the key's lines are written anew, records kept
        kept = [_plain(item) for item in existing or []]
        merged = _merge(kept, records)
        block = _block(key, merged)
        if key in document:
            start = document.line_of(key) - 1
            end = _end_of_key(lines, document, key)
            lines[start:end] = block
        else:
            if lines and not lines[-1].endswith("\n"):
                lines[-1] += "\n"
            lines += block
        return "".join(lines)
    items = list(existing)
    if not all(isinstance(item, LocatedDict) for item in items):
        raise WriteError(
            f"'{key}' ist keine Liste von Einträgen / '{key}' is not a list of records"
        )
    starts = [existing.line_of(position) - 1 for position in range(len(items))]
    indent = len(lines[starts[0]]) - len(lines[starts[0]].lstrip(" "))
    ends = [_back_over_comments(lines, start) for start in starts[1:]]
    ends.append(_back_over_comments(lines, _end_of_key(lines, document, key)))
    by_id = {item.get("id"): position for position, item in enumerate(items)}
    replacements: dict[int, list[str]] = {}
    added: list[Mapping[str, Any]] = []
    for record in records:
        position = by_id.get(record.get("id"))
        if position is None:
            added.append(record)
        elif _plain(items[position]) != _plain_record(record):
            span = lines[starts[position] : ends[position]]
            replacements[position] = _changed_item(
                span, starts[position], items[position], record, indent
            )
    for position in sorted(replacements, reverse=True):
        lines[starts[position] : ends[position]] = replacements[position]
    if added:
        # after the last record of the list (ends shifted by the replacements above it)
        shift = sum(
            len(new) - (ends[p] - starts[p]) for p, new in replacements.items() if p < len(items)
        )
        at = ends[-1] + shift
        if at and not lines[at - 1].endswith("\n"):
            lines[at - 1] += "\n"
        lines[at:at] = [line for record in added for line in _item_lines(record, indent)]
    return "".join(lines)


def remove_records(folder: Path, kind: Kind | str, ids: Sequence[str]) -> bool:
    r"""Remove the records of ``kind`` with these ids from their file in ``folder`` (with the
    comments just above each), keeping every other byte; return whether the file changed.

    >>> from tempfile import TemporaryDirectory
    >>> with TemporaryDirectory() as folder:
    ...     path = Path(folder, "events.yaml")
    ...     _ = path.write_text("events:\n  - id: a\n    label: A\n  # weg / gone\n"
    ...                         "  - id: b\n    label: B\n")
    ...     remove_records(Path(folder), "event", ["b", "c"])
    ...     print(path.read_text(), end="")
    True
    events:
      - id: a
        label: A
    """
    kind = BY_NAME[kind] if isinstance(kind, str) else kind
    if kind.file is None or kind.key is None or kind.nested or kind.reference:
        raise WriteError(
            f"{kind.name}-Einträge stehen in keiner eigenen Datei / {kind.name} records are not "
            "written on their own"
        )
    path = folder / kind.file
    if not ids or not path.exists():
        return False
    text = path.read_text(encoding="utf-8")
    document = parse_yaml(text) if text.strip() else None
    existing = document.get(kind.key) if isinstance(document, LocatedDict) else None
    if not isinstance(existing, LocatedList) or not existing:
        return False
    wanted = set(ids)
    positions = [
        position
        for position, item in enumerate(existing)
        if isinstance(item, LocatedDict) and item.get("id") in wanted
    ]
    if not positions:
        return False
    lines = text.splitlines(keepends=True)
    if _is_flow(lines, document.line_of(kind.key)):
        kept = [_plain(item) for item in existing if _plain(item).get("id") not in wanted]
        start = document.line_of(kind.key) - 1
        lines[start : _end_of_key(lines, document, kind.key)] = _block(kind.key, kept)
    else:
        starts = [existing.line_of(position) - 1 for position in range(len(existing))]
        begins = [_back_over_comments(lines, start) for start in starts]
        ends = begins[1:] + [_back_over_comments(lines, _end_of_key(lines, document, kind.key))]
        for position in reversed(positions):
            lines[begins[position] : ends[position]] = []
        if len(positions) == len(existing):
            # an empty list is written as one, not as a key without value (null)
            at = document.line_of(kind.key) - 1
            lines[at] = f"{kind.key}: []\n"
    updated = "".join(lines)
    found = parse_yaml(updated).get(kind.key) or []
    if any(isinstance(item, Mapping) and item.get("id") in wanted for item in found):
        raise WriteError(
            "die Einträge ließen sich nicht entfernen / the records would not be removed"
        )
    _replace_file(path, updated)
    return True


def append_nested(
    folder: Path, kind: Kind | str, record_id: str, key: str, items: Sequence[Mapping[str, Any]]
) -> bool | None:
    r"""Add ``items`` at the end of the list of nested records under ``key`` (a network's
    members) of the record ``record_id``, keeping every other byte of the file; return whether
    the file changed, or None where the list is written in a way this cannot add to (then
    write the whole record with ``write_records``).

    >>> from tempfile import TemporaryDirectory
    >>> source = {"table": "tabellen/liste.csv", "row": 3}
    >>> with TemporaryDirectory() as folder:
    ...     path = Path(folder, "networks.yaml")
    ...     _ = path.write_text("networks:\n  - id: ak\n    members:\n      # von Hand\n"
    ...                         "      - member: ki\n        sources: [{office: ki, date: "
    ...                         "2024-03-01}]\n    label: AK\n")
    ...     append_nested(Path(folder), "network", "ak", "members",
    ...                   [{"member": "verein", "sources": [source]}])
    ...     print(path.read_text(), end="")
    True
    networks:
      - id: ak
        members:
          # von Hand
          - member: ki
            sources: [{office: ki, date: 2024-03-01}]
          - member: verein
            sources:
              - {table: tabellen/liste.csv, row: 3}
        label: AK
    """
    kind = BY_NAME[kind] if isinstance(kind, str) else kind
    field = kind.spec.field(key)
    if kind.file is None or kind.key is None or field is None or field.spec is None:
        raise WriteError(f"{kind.name}-Einträge haben keine Liste '{key}' / have no list '{key}'")
    if not items:
        return False
    path = folder / kind.file
    text = path.read_text(encoding="utf-8")
    document = parse_yaml(text)
    records = document.get(kind.key) if isinstance(document, LocatedDict) else None
    if not isinstance(records, LocatedList):
        return None
    position = next(
        (
            p
            for p, item in enumerate(records)
            if isinstance(item, LocatedDict) and item.get("id") == record_id
        ),
        None,
    )
    if position is None:
        return None
    record = records[position]
    existing = record.get(key)
    if key not in record or not isinstance(existing, LocatedList):
        return None
    ordered = [_ordered(item, field.spec) for item in items]
    lines = text.splitlines(keepends=True)
    key_line = record.line_of(key)
    key_indent = len(lines[key_line - 1]) - len(lines[key_line - 1].lstrip(" "))
    if not existing:
        if lines[key_line - 1].strip() != f"{key}: []":
            return None
        rendered: list[str] = []
        _mapping({key: ordered}, key_indent, rendered)
        lines[key_line - 1 : key_line] = [line + "\n" for line in rendered]
    else:
        if _is_flow(lines, key_line):
            return None
        later = [line for other, line in record.key_lines.items() if line > key_line]
        if later:
            end = min(later) - 1
        elif position + 1 < len(records):
            end = records.line_of(position + 1) - 1
        else:
            end = _end_of_key(lines, document, kind.key)
        end = _back_over_comments(lines, end)
        first = lines[existing.line_of(0) - 1]
        indent = len(first) - len(first.lstrip(" "))
        if end and not lines[end - 1].endswith("\n"):
            lines[end - 1] += "\n"
        lines[end:end] = [line for item in ordered for line in _item_lines(item, indent)]
    updated = "".join(lines)
    found = parse_yaml(updated)[kind.key][position]
    if _plain(found.get(key)) != [*_plain(existing), *(_plain_record(i) for i in ordered)]:
        raise WriteError(
            f"die Einträge unter '{key}' ließen sich nicht zurücklesen / the records under "
            f"'{key}' would not read back as written"
        )
    _replace_file(path, updated)
    return True


def _changed_item(
    span: list[str], start: int, item: LocatedDict, record: Mapping[str, Any], indent: int
) -> list[str]:
    """A record's new lines: the lines of each key whose value stays are kept as they were
    (with the comments above them and the way the value is written); changed and new keys are
    written anew, in the file's order of keys; keys the record no longer has go."""
    old_keys = sorted(item.key_lines, key=item.key_lines.__getitem__)
    new_keys = list(record)
    first = old_keys[0] if old_keys else None
    if first is None or first != new_keys[0] or item.key_lines[first] - 1 != start:
        return _item_lines(record, indent)
    # each key's lines: from the end of the previous key's to the comments above the next
    bounds = [item.key_lines[key] - 1 - start for key in old_keys[1:]]
    ends = [_back_over_comments(span, bound) for bound in bounds] + [len(span)]
    segments = {
        key: span[begin:end]
        for key, begin, end in zip(old_keys, [0, *ends[:-1]], ends, strict=True)
    }
    heads = {
        key: item.key_lines[key] - 1 - start - begin
        for key, begin in zip(old_keys, [0, *ends[:-1]], strict=True)
    }
    order = [key for key in old_keys if key in record]
    for position, key in enumerate(new_keys):
        if key not in order:
            before = next((k for k in reversed(new_keys[:position]) if k in order), first)
            order.insert(order.index(before) + 1, key)
    if order[0] != first or _plain(item[first]) != _plain_value(first, record[first]):
        return _item_lines(record, indent)
    lines: list[str] = []
    for key in order:
        if key in segments and _plain(item[key]) == _plain_value(key, record[key]):
            lines += segments[key]
            continue
        # the comments above a changed key stay; its value is written anew
        lines += segments[key][: heads[key]] if key in segments else []
        rendered: list[str] = []
        _mapping({key: record[key]}, indent + 2, rendered)
        lines += [line + "\n" for line in rendered]
    return lines


def _plain_value(key: str, value: Any) -> Any:
    """A value as the loader would give it back once written under ``key``."""
    rendered: list[str] = []
    _mapping({key: value}, 0, rendered)
    return _plain(parse_yaml("\n".join(rendered) + "\n"))[key]


def _merge(
    kept: list[dict[str, Any]], records: Sequence[Mapping[str, Any]]
) -> list[Mapping[str, Any]]:
    by_id = {record.get("id"): record for record in records}
    merged: list[Mapping[str, Any]] = [by_id.pop(item.get("id"), item) for item in kept]
    return merged + [record for record in records if record.get("id") in by_id]


def _block(key: str, records: Sequence[Mapping[str, Any]]) -> list[str]:
    lines: list[str] = []
    _mapping({key: list(records)}, 0, lines)
    return [line + "\n" for line in lines]


def _item_lines(record: Mapping[str, Any], indent: int) -> list[str]:
    lines: list[str] = []
    _mapping(record, indent + 2, lines, first=" " * indent + "- ")
    return [line + "\n" for line in lines]


def _is_flow(lines: list[str], key_line: int) -> bool:
    """Whether the list under the key on this (1-based) line is written in brackets."""
    after = lines[key_line - 1].split(":", 1)[1] if ":" in lines[key_line - 1] else ""
    return after.strip().startswith("[")


def _end_of_key(lines: list[str], document: LocatedDict, key: str) -> int:
    """The (0-based, exclusive) line where the value of a top-level key ends: the next
    top-level key, or the end of the file."""
    start = document.line_of(key)
    following = [line for other, line in document.key_lines.items() if line > start]
    return min(following) - 1 if following else len(lines)


def _back_over_comments(lines: list[str], end: int) -> int:
    """Comments and blank lines just before a record (or the next key) belong to it."""
    while end > 0 and (not lines[end - 1].strip() or lines[end - 1].lstrip().startswith("#")):
        end -= 1
    return end


def _plain(value: Any) -> Any:
    """A value from the loader as plain Python (lines dropped), to compare records."""
    if isinstance(value, dict):
        return {key: _plain(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_plain(item) for item in value]
    if isinstance(value, dt.datetime):
        return value.date()
    return value


def _plain_record(record: Mapping[str, Any]) -> Any:
    """A record as the loader would give it back once written."""
    return _plain(parse_yaml("".join(_item_lines(record, 0))))[0]


def _check_written(text: str, key: str, records: Sequence[Mapping[str, Any]]) -> None:
    """The new text reads back to the records given (never write a file that does not)."""
    document = parse_yaml(text)
    found = {item.get("id"): _plain(item) for item in document.get(key) or []}
    for record in records:
        if found.get(record.get("id")) != _plain_record(record):
            raise WriteError(
                f"Eintrag {record.get('id')!r} ließe sich nicht zurücklesen / record "
                f"{record.get('id')!r} would not read back as written"
            )


def _replace_file(path: Path, text: str) -> None:
    replace_file(path, text.encode("utf-8"))


def replace_file(path: Path, data: bytes) -> None:
    """Write the file whole or not at all (a reader never sees half of it), with the mode it
    had, or for a new file the mode any file the user writes gets (mkstemp's own would let no
    one else read it: a coordinator's colleagues could not open the data)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        mode = path.stat().st_mode & 0o777
    except FileNotFoundError:
        umask = os.umask(0)
        os.umask(umask)
        mode = 0o666 & ~umask
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        os.chmod(temporary, mode)
        with os.fdopen(handle, "wb") as file:
            file.write(data)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
