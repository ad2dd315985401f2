"""Reading the curated source data: data/<municipality>/*.yaml and data/reference/."""

from graph.sources.reader import Ref, municipality_folders, read_sources
from graph.sources.records import Citation, Municipality, Record, ReferenceSchemes, SourceData

__all__ = [
    "Citation",
    "Municipality",
    "Record",
    "Ref",
    "ReferenceSchemes",
    "SourceData",
    "municipality_folders",
    "read_sources",
]
