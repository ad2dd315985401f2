"""Reading the curated source data: data/<municipality>/*.yaml and data/reference/.

Records from elsewhere (an importer) are checked by ``check_records`` (graph/sources/checks.py),
the same checks the reader uses; the kinds of record are in graph/sources/kinds.py.
"""

from graph.sources.checks import CheckReport, RawRecord, RecordChecks, check_records
from graph.sources.fields import Ref
from graph.sources.reader import municipality_folders, read_sources
from graph.sources.records import (
    Citation,
    Municipality,
    OfficeCitation,
    OParlCitation,
    Record,
    ReferenceSchemes,
    Source,
    SourceData,
    TableCitation,
)

__all__ = [
    "CheckReport",
    "Citation",
    "Municipality",
    "OParlCitation",
    "OfficeCitation",
    "RawRecord",
    "Record",
    "RecordChecks",
    "Ref",
    "ReferenceSchemes",
    "Source",
    "SourceData",
    "TableCitation",
    "check_records",
    "municipality_folders",
    "read_sources",
]
