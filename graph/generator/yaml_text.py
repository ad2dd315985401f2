"""Plain records → YAML text in the layout of the hand-written files in data/.

Written by hand rather than with yaml.dump: it is several times faster (400 generated
municipalities are written in seconds), its output is byte-stable across PyYAML versions, and
it keeps the house style (sources as one flow mapping per line, ids unquoted). Strings that are
not plain ids are written as JSON strings, which YAML reads as double-quoted scalars.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
import re
from typing import Any

#: text YAML reads as a plain string: a letter first, then letters, digits, spaces and a few
#: marks that have no meaning to YAML inside a line ("Bürgerservice", "Stadt Musterstadt 001")
_PLAIN = re.compile(r"^[A-Za-zÄÖÜäöüß][\wÄÖÜäöüß .,()/–-]*(?<! )$")
#: words YAML 1.1 would read as booleans or null when unquoted
_RESERVED = {"y", "n", "yes", "no", "on", "off", "true", "false", "null", "~"}
#: list keys written one flow mapping per item, as in data/
_FLOW_ITEMS = {"sources"}


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
    raise TypeError(f"cannot write {type(value).__name__} as a YAML scalar")


@functools.lru_cache(maxsize=65536)  # ids, roles and passages repeat thousands of times
def _string(value: str, in_flow: bool) -> str:
    plain = _PLAIN.match(value) and value.lower() not in _RESERVED
    # inside [...] and {...} a comma would end the value
    if plain and not (in_flow and "," in value):
        return value
    return json.dumps(value, ensure_ascii=False)


_SCALAR_TYPES = frozenset({str, bool, int, dt.date})


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


def document(top: dict[str, Any], comment: str) -> str:
    """A whole file: a comment block, then the top-level mapping."""
    lines = [f"# {line}" if line else "#" for line in comment.splitlines()]
    _mapping(top, 0, lines)
    return "\n".join(lines) + "\n"


def _mapping(record: dict[str, Any], indent: int, lines: list[str], first: str = "") -> None:
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
