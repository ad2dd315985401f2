"""Importers: a municipality's own data from its council information system (OParl,
graph/importing/oparl/) and its spreadsheets (graph/importing/table/), written as source
files under data/<slug>/.

Every importer turns what it read into plain records, checks them with the same checks as the
YAML reader (graph/sources/checks.py: ``check_records``) and writes them with
graph/sources/writing.py only when nothing is wrong, so data/ is never left half-written.
"""
