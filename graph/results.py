"""Query results as people read them (plain values, a terminal table), and as SPARQL 1.1
Query Results CSV and JSON, which graph.result_formats builds on."""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from collections.abc import Iterable, Sequence
from typing import Any

from rdflib import BNode, Literal, URIRef
from rdflib.term import Node

from graph.namespaces import ID, REF
from graph.store.interface import QueryResult

FORMATS = ("table", "csv", "json")


def term_json(term: Node) -> dict[str, str]:
    """One RDF term as in the SPARQL 1.1 Query Results JSON format."""
    if isinstance(term, URIRef):
        return {"type": "uri", "value": str(term)}
    if isinstance(term, BNode):
        return {"type": "bnode", "value": str(term)}
    if isinstance(term, Literal):
        shaped: dict[str, str] = {"type": "literal", "value": str(term)}
        if term.language:
            shaped["xml:lang"] = term.language
        elif term.datatype:
            shaped["datatype"] = str(term.datatype)
        return shaped
    raise TypeError(f"unexpected term {term!r}")


def to_json(result: QueryResult) -> dict[str, Any]:
    if result.boolean is not None:
        return {"head": {}, "boolean": result.boolean}
    bindings = [
        {
            name: term_json(value)
            for name, value in zip(result.variables, row, strict=True)
            if value is not None
        }
        for row in result.rows
    ]
    document: dict[str, Any] = {
        "head": {"vars": result.variables},
        "results": {"bindings": bindings},
    }
    if result.truncated:
        # Not part of the standard; clients ignore unknown keys, people see why rows are missing.
        document["head"]["link"] = []
        document["truncated"] = True
    return document


def plain(term: Node | None) -> str:
    """A term as a person reads it: literals as text, our IRIs as their short id."""
    if term is None:
        return ""
    if isinstance(term, URIRef):
        text = str(term)
        for base in (str(ID), str(REF)):
            if text.startswith(base):
                return text[len(base) :]
        return text
    if isinstance(term, Literal) and term.datatype and str(term.datatype).endswith("#boolean"):
        return "ja" if term.toPython() is True else "nein"
    if isinstance(term, Literal) and term.datatype and str(term.datatype).endswith("#date"):
        value = term.toPython()
        return value.strftime("%d.%m.%Y") if hasattr(value, "strftime") else str(term)
    return str(term)


#: a cell starting with one of these is run as a formula by Excel, LibreOffice and Google
#: Sheets (OWASP, "CSV Injection"); TAB and CR as well, because some programs drop them and
#: read the rest
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
#: a plain number is left as it is: it cannot run as a formula, and with a quote in front a
#: spreadsheet would show -3 as text and no longer count with it
_PLAIN_NUMBER = re.compile(r"-?[0-9]+(\.[0-9]+)?")


def spreadsheet_safe(cell: str) -> str:
    """A CSV cell that a spreadsheet shows as text: OWASP's single quote before a cell that
    would start a formula.

    >>> spreadsheet_safe("=1+2")
    "'=1+2"
    >>> spreadsheet_safe("-3")
    '-3'
    """
    if cell.startswith(_FORMULA_START) and not _PLAIN_NUMBER.fullmatch(cell):
        return "'" + cell
    return cell


def _csv_cell(term: Node | None) -> str:
    if term is None:
        return ""
    if isinstance(term, BNode):
        return f"_:{term}"
    return str(term)


def to_csv(result: QueryResult) -> str:
    """SPARQL 1.1 Query Results CSV: plain values, RFC 4180 quoting, CRLF line ends; the one
    CSV writer of the product (``/sparql``, ``/abfragen/…?format=csv``, ``ikg query``,
    ``ikg sparql``, ``ikg analyse``).

    People open these files in a spreadsheet, so a value that would run there as a formula
    gets a ``'`` in front (``spreadsheet_safe``). For such values the file is then no longer
    the byte-exact SPARQL CSV (a SPARQL client reads ``'=1+2``, not ``=1+2``); CSV is lossy
    anyway (no datatypes, no languages), and clients that need exact terms ask for JSON, XML or
    TSV, which stay as they are. ASK is the bare ``true`` or ``false``, as Oxigraph writes it.
    """
    if result.boolean is not None:
        return "true" if result.boolean else "false"
    return csv_text(
        [result.variables, *([_csv_cell(value) for value in row] for row in result.rows)]
    )


def csv_text(rows: Iterable[Sequence[str]], *, delimiter: str = ",") -> str:
    """Rows of text as CSV (RFC 4180 quoting, CRLF line ends), each cell ``spreadsheet_safe``:
    query results (``to_csv``) and the tables an import keeps (graph/importing/table/)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n")
    for row in rows:
        writer.writerow([spreadsheet_safe(cell) for cell in row])
    return buffer.getvalue()


def _display_width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def to_table(
    result: QueryResult, columns: dict[str, str] | None = None, max_width: int = 60
) -> str:
    """Aligned columns with German headings; long cells are cut with '…'."""
    if result.boolean is not None:
        return "ja" if result.boolean else "nein"
    columns = columns or {}
    shown = [v for v in result.variables if columns.get(v, "") != "-"]
    headings = [columns.get(v, v) for v in shown]
    positions = [result.variables.index(v) for v in shown]
    cells = []
    for row in result.rows:
        line = []
        for position in positions:
            text = " ".join(plain(row[position]).split())
            line.append(text if len(text) <= max_width else text[: max_width - 1] + "…")
        cells.append(line)
    widths = [
        max([_display_width(h)] + [_display_width(line[i]) for line in cells])
        for i, h in enumerate(headings)
    ]

    def render(values: list[str]) -> str:
        return "  ".join(
            v + " " * (w - _display_width(v)) for v, w in zip(values, widths, strict=True)
        ).rstrip()

    lines = [render(headings), "  ".join("─" * w for w in widths)]
    lines.extend(render(line) for line in cells)
    count = len(result.rows)
    footer = f"({count} Zeile{'n' if count != 1 else ''}"
    footer += ", gekürzt auf die Höchstzahl an Zeilen)" if result.truncated else ")"
    lines.append(footer)
    return "\n".join(lines)
