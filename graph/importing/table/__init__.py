"""`ikg import table`: a municipality's actor lists, memberships and measures from the tables
coordinators keep (CSV, XLSX, ODS).

reading.py reads a file into rows of text; columns.py finds the header row and what each
column holds (dropping personal data); vocabulary.py resolves values by label; importer.py and
rows.py turn rows into records matched against the municipality's; copy.py keeps the cleaned
copy of the table that the records cite; plan.py runs an import; command.py is the command.
"""
