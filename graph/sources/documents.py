"""Source documents: where a document's text is, and whether each passage occurs in it.

A document's ``file`` is looked for first in the municipality's own folder,
``data/<slug>/dokumente/`` (where a coordinator puts what they add), then in the documents
folder (the setting IKG_SEEDS, where the built-in cities' documents are). Its text is the file
itself when that is UTF-8 text, else a text copy beside it with the same name and the ending
``.txt`` (``konzept.pdf`` → ``konzept.txt``): the product reads no PDF itself, so a check gives
the same answer on every machine.

A passage occurs in its document when it does after both are normalised as text is read, not
as it is laid out: line breaks and runs of spaces are one space, a word hyphenated at a line
end is one word ("Aus-\\nschuss" = "Ausschuss"), typographic quotes and dashes are plain ones,
case does not count. A passage may quote several places of the document, joined by " … ".

Where a document's text is not at hand (no file in either folder, or no text copy of a PDF),
its passages cannot be checked: the check says so once per document, as a note, and does not
fail.

>>> normalised("Der Integrations-\\nrat „tagt“  öffentlich")
'der integrationsrat "tagt" öffentlich'
>>> passage_parts("Sprachcafé … montags im KI")
['Sprachcafé', 'montags im KI']
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from graph.errors import Problem
from graph.sources import schema
from graph.sources.loader import FileTooLarge, NotARegularFile, read_source_file
from graph.sources.records import Citation, Municipality, Record

#: the folder of a municipality's own documents, inside data/<slug>/
DOCUMENTS_FOLDER = "dokumente"
#: Largest document text read, in bytes (a long concept's text has a few hundred KB).
MAX_DOCUMENT_BYTES = 32 * 1024 * 1024
#: the ending of the text copy of a document that is no text file (a PDF)
TEXT_COPY_SUFFIX = ".txt"

# A word broken at a line end: "Aus- schuss" once line breaks are spaces (a hyphen before
# "und", as in "Kinder- und Jugendhilfe", is joined too, in document and passage alike).
_HYPHENATED = re.compile(r"(\w)- (?=[a-zäöüß])")
_TYPOGRAPHIC = str.maketrans({"“": '"', "„": '"', "”": '"', "–": "-", "‚": "'", "‘": "'", "’": "'"})
_OMISSION = re.compile(r"\s*(?:…|\.\.\.)\s*")


def normalised(text: str) -> str:
    """Text as read, not as laid out: see the module's docstring."""
    text = " ".join(text.split())
    text = _HYPHENATED.sub(r"\1", text)
    return text.translate(_TYPOGRAPHIC).casefold()


def passage_parts(passage: str) -> list[str]:
    """The places a passage quotes: it may join several by " … " (or "...")."""
    return [part for part in _OMISSION.split(passage) if part.strip()]


def is_fictional(document: Record) -> bool:
    """Generated data's document, which exists nowhere and is never looked for."""
    return document.get("kind") == schema.FICTIONAL_DOCUMENT_KIND


def locate(file: str, folder: Path, seeds_dir: Path | None) -> Path | None:
    """The document file: in ``folder``/dokumente/, else in ``seeds_dir``; None if in neither."""
    candidates = [folder / DOCUMENTS_FOLDER / file]
    if seeds_dir is not None:
        candidates.append(seeds_dir / file)
    for candidate in candidates:
        if _is_file(candidate):
            return candidate
    return None


def in_own_folder(file: str, folder: Path) -> bool:
    """Whether the municipality's own folder holds the document (data/<slug>/dokumente/)."""
    return _is_file(folder / DOCUMENTS_FOLDER / file)


@dataclass(frozen=True)
class DocumentText:
    """A document's text, normalised, or why it is not at hand (German / English)."""

    path: Path | None
    text: str | None
    missing: str | None = None


def read_text(path: Path) -> DocumentText:
    """The text of a document file, or of its text copy; raise ValueError for a text file
    that cannot be read as one (not UTF-8, too large, not a regular file)."""
    data = _read(path)
    if not _looks_binary(data, path):
        return DocumentText(path, normalised(_decode(data, path)))
    copy = path.with_suffix(TEXT_COPY_SUFFIX)
    if copy != path and _is_file(copy):
        return DocumentText(copy, normalised(_decode(_read(copy), copy)))
    return DocumentText(
        path,
        None,
        f"{path.name} ist keine Textdatei, und neben ihr liegt keine Textfassung {copy.name} / "
        f"{path.name} is no text file, and there is no text copy {copy.name} beside it",
    )


@dataclass
class PassageReport:
    """What checking the passages found: problems (the data does not conform) and notes
    (documents whose text is not at hand, so their passages went unchecked)."""

    problems: list[Problem] = field(default_factory=list)
    notes: list[Problem] = field(default_factory=list)


def check_passages(
    municipality: Municipality,
    folder: Path,
    seeds_dir: Path | None,
    *,
    display: str | None = None,
) -> PassageReport:
    """Check that every passage of ``municipality`` occurs in its document.

    ``folder`` is the municipality's folder (data/<slug>/), ``seeds_dir`` the documents folder
    (None or a missing folder: documents are looked for in the municipality's folder only).
    ``display`` names the folder in messages (default: as given).
    """
    seeds = seeds_dir if seeds_dir is not None and seeds_dir.is_dir() else None
    report = PassageReport()
    texts: dict[str, DocumentText] = {}
    for document in municipality.record.children("documents"):
        if document.id is None or is_fictional(document) or document.get("file") is None:
            continue
        text = _document_text(document, folder, seeds, display or str(folder))
        texts[document.id] = text
        if text.text is None:
            report.notes.append(
                Problem(
                    f"Text des Dokuments nicht zur Hand, seine Textstellen sind nicht geprüft: "
                    f"{text.missing}",
                    file=document.file,
                    line=document.line,
                    record_id=document.id,
                    hint="die Datei (oder ihre Textfassung .txt) nach "
                    f"{display or folder}/{DOCUMENTS_FOLDER}/ legen oder IKG_SEEDS auf den "
                    "Dokumentenordner setzen / put the file (or its .txt text copy) into "
                    f"{display or folder}/{DOCUMENTS_FOLDER}/ or set IKG_SEEDS to the "
                    "documents folder",
                )
            )
    if not any(text.text for text in texts.values()):
        return report  # no document's text at hand: nothing to compare (generated data)
    for record in municipality.every_record():
        for citation in record.sources:
            if not isinstance(citation, Citation):
                continue
            text = texts.get(citation.document)
            if text is None or text.text is None:
                continue
            for part in passage_parts(citation.passage):
                if normalised(part) not in text.text:
                    report.problems.append(_not_in_document(record, citation, part, text))
    return report


def _not_in_document(record: Record, citation: Citation, part: str, text: DocumentText) -> Problem:
    quoted = part if len(part) <= 120 else part[:120] + "…"
    name = text.path.name if text.path else citation.document
    return Problem(
        f"die Textstelle steht nicht im Dokument '{citation.document}' ({name}): „{quoted}“ "
        f"/ the passage is not in document '{citation.document}' ({name}): '{quoted}'",
        file=record.file,
        line=citation.line or record.line,
        record_id=record.id,
        hint="wörtlich aus dem Dokument übernehmen; Auslassungen mit ' … ' markieren; "
        "Zeilenumbrüche und Silbentrennung zählen nicht / copy it literally from the document; "
        "mark omissions with ' … '; line breaks and hyphenation do not count",
    )


def _document_text(
    document: Record, folder: Path, seeds_dir: Path | None, display: str
) -> DocumentText:
    file = str(document.values["file"])
    path = locate(file, folder, seeds_dir)
    if path is None:
        where = f"{display}/{DOCUMENTS_FOLDER}/"
        where_en = where
        if seeds_dir is not None:
            where += f" oder {seeds_dir}"
            where_en += f" or {seeds_dir}"
        else:
            where += " (kein Dokumentenordner IKG_SEEDS)"
            where_en += " (no documents folder IKG_SEEDS)"
        return DocumentText(
            None, None, f"{file} liegt nicht in {where} / {file} is not in {where_en}"
        )
    try:
        return read_text(path)
    except ValueError as error:
        return DocumentText(path, None, str(error))


def _read(path: Path) -> bytes:
    try:
        return read_source_file(path, MAX_DOCUMENT_BYTES)
    except NotARegularFile as error:
        raise ValueError(
            f"{path.name} ist {error.german}, keine Datei / {path.name} is {error.english}, "
            "not a file"
        ) from None
    except FileTooLarge as error:
        raise ValueError(f"{path.name} {error}") from None
    except OSError as error:
        raise ValueError(
            f"{path.name} kann nicht gelesen werden / cannot be read: {error.strerror or error}"
        ) from None


def _looks_binary(data: bytes, path: Path) -> bool:
    return path.suffix.lower() == ".pdf" or data.startswith(b"%PDF") or b"\0" in data[:8192]


def _decode(data: bytes, path: Path) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise ValueError(
            f"{path.name} ist kein UTF-8-Text (Byte {error.start}) / {path.name} is not UTF-8 "
            f"text (byte {error.start})"
        ) from None


def _is_file(path: Path) -> bool:
    try:
        return path.is_file()
    except OSError:  # a name too long for the file system, say
        return False
