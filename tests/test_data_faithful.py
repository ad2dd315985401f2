"""The built-in data is traceable to its documents and holds no personal data."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from graph.sources import Record, read_sources
from tests.conftest import DATA_DIR, SEEDS_DIR

DATA = read_sources(DATA_DIR)


def normalised(text: str) -> str:
    """Compare text as read, not as laid out: PDF hyphenation ("aus- schuss"), line breaks,
    typographic quotes and dashes do not count."""
    text = re.sub(r"(\w)- (?=[a-zäöüß])", r"\1", text)
    text = text.replace("“", '"').replace("„", '"').replace("”", '"').replace("–", "-")
    text = text.replace("‚", "'").replace("‘", "'").replace("’", "'")
    return " ".join(text.split()).casefold()


def all_records(record: Record) -> list[Record]:
    found = [record]
    for value in record.values.values():
        if isinstance(value, list):
            for item in value:
                if isinstance(item, Record):
                    found.extend(all_records(item))
    return found


def citations():
    for municipality in DATA.municipalities:
        documents = {d.id: d.values["file"] for d in municipality.record.children("documents")}
        records = [municipality.record]
        for kind_records in municipality.records.values():
            for record in kind_records:
                records.extend(all_records(record))
        for record in records:
            for citation in record.sources:
                where = f"{record.file}:{record.line}"
                yield pytest.param(documents[citation.document], citation.passage, id=where)


@pytest.mark.skipif(not SEEDS_DIR.is_dir(), reason="the source documents are in ../shared/seeds")
@pytest.mark.parametrize(("file_name", "passage"), list(citations()))
def test_every_passage_occurs_in_its_document(file_name: str, passage: str) -> None:
    document = normalised((SEEDS_DIR / file_name).read_text(encoding="utf-8"))
    # A passage may quote several separate places, joined by " … ".
    for part in re.split(r"\s*(?:…|\.\.\.)\s*", passage):
        if part.strip():
            assert normalised(part) in document, f"not in {file_name}: {part!r}"


def test_every_municipality_cites_documents_that_exist() -> None:
    for municipality in DATA.municipalities:
        for document in municipality.record.children("documents"):
            assert (SEEDS_DIR / document.values["file"]).is_file()


# Names of individual people that appear in the documents, and contact details.
PEOPLE = [
    "Jeldrik",
    "Stein",
    "Arslanbenzer",
    "Tüzün",
    "Erdas",
    "Schmidt",
    "Noldus",
    "Hattenbach",
    "Wolf",
    "Peters",
    "Richrath",
    "Märtens",
    "Adomat",
]
CONTACT = [
    re.compile(r"[\w.+-]+@[\w-]+\.[\w.]+"),  # e-mail
    re.compile(r"\b0\d{2,4}[ /-]?\d{3,}"),  # phone number
    re.compile(r"Tel\.|Telefon|Fax", re.IGNORECASE),
]


@pytest.mark.parametrize(
    "path", sorted(DATA_DIR.glob("*/*.yaml")), ids=lambda p: f"{p.parent.name}/{p.name}"
)
def test_no_personal_data(path: Path) -> None:
    # the official municipality key (8 digits) is not a phone number
    lines = path.read_text(encoding="utf-8").splitlines()
    text = "\n".join(line for line in lines if not line.strip().startswith("ags:"))
    for name in PEOPLE:
        assert not re.search(rf"\b{name}\b", text), f"{path}: personal name {name!r}"
    for pattern in CONTACT:
        match = pattern.search(text)
        assert match is None, f"{path}: contact detail {match.group(0)!r}"
