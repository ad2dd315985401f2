"""`ikg new`: a new municipality's folder, ready for `ikg validate` and `ikg build`.

It holds ``municipality.yaml`` and, for each file of records in the registry of kinds
(graph/sources/kinds.py), that file with its lists empty and a comment on what goes in.

Every record cites a source, and a municipality declares at least one document
(graph/sources/schema.py), so even the new municipality's name needs one. Nothing is known of
the city yet but what the coordinator typed, so that is the source: ``dokumente/stammdaten.txt``
records the name, AGS and state as given to `ikg new` on that day, declared as the document
``stammdaten`` of kind "Angabe beim Anlegen". No fact is invented; the comment in
municipality.yaml asks the coordinator to add the real documents (integration concept, council
papers …) and to cite them instead.

>>> state_of_ags("05119000")
'Nordrhein-Westfalen'
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

from graph.errors import IkgError
from graph.namespaces import ID_PATTERN, slugify
from graph.sources import kinds, schema
from graph.sources.documents import DOCUMENTS_FOLDER
from graph.sources.writing import new_file

#: the document a new municipality cites for its name, AGS and state (see the module's text)
FOUNDING_DOCUMENT = "stammdaten"
FOUNDING_FILE = "stammdaten.txt"
FOUNDING_KIND = "Angabe beim Anlegen"

#: the Länder by the first two digits of the Amtlicher Gemeindeschlüssel
STATES_BY_AGS = {
    "01": "Schleswig-Holstein",
    "02": "Hamburg",
    "03": "Niedersachsen",
    "04": "Bremen",
    "05": "Nordrhein-Westfalen",
    "06": "Hessen",
    "07": "Rheinland-Pfalz",
    "08": "Baden-Württemberg",
    "09": "Bayern",
    "10": "Saarland",
    "11": "Berlin",
    "12": "Brandenburg",
    "13": "Mecklenburg-Vorpommern",
    "14": "Sachsen",
    "15": "Sachsen-Anhalt",
    "16": "Thüringen",
}
_AGS = re.compile(r"^\d{8}$")


class NewMunicipalityError(IkgError):
    """The municipality cannot be created as asked (exit 2): the message says what to do."""


def state_of_ags(ags: str) -> str | None:
    """The Land an AGS belongs to (its first two digits), or None for an unknown code."""
    return STATES_BY_AGS.get(ags[:2])


def create_municipality(
    data_dir: Path,
    slug: str,
    *,
    name: str,
    ags: str | None = None,
    state: str | None = None,
    today: dt.date | None = None,
) -> Path:
    """Write the folder ``data_dir/slug/`` of a new municipality; return it.

    Raise NewMunicipalityError (nothing written) for a slug that is no id, an existing
    folder, a bad AGS, or a state that is neither given nor follows from the AGS.
    """
    if not ID_PATTERN.match(slug):
        suggestion = slugify(slug)
        hint = f" (z. B. / e.g. '{suggestion}')" if ID_PATTERN.match(suggestion) else ""
        raise NewMunicipalityError(
            f"'{slug}' ist kein Kürzel: nur Kleinbuchstaben, Ziffern und Bindestriche{hint} / "
            f"'{slug}' is not a slug: lower-case letters, digits and hyphens only"
        )
    if slug == kinds.REFERENCE_FOLDER:
        raise NewMunicipalityError(
            f"'{slug}' ist der Ordner der Referenzschemata / is the reference schemes' folder: "
            "ein anderes Kürzel wählen / choose another slug"
        )
    name = " ".join(name.split())
    if not name:
        raise NewMunicipalityError(
            '--name ist leer: den Namen der Kommune angeben, z. B. --name "Stadt Musterstadt" '
            '/ --name is empty: give the municipality\'s name, e.g. --name "Stadt Musterstadt"'
        )
    if ags is not None and not _AGS.match(ags):
        raise NewMunicipalityError(
            f"--ags '{ags}' ist kein Amtlicher Gemeindeschlüssel (8 Ziffern, z. B. 05119000) / "
            "is not an AGS (8 digits, e.g. 05119000)"
        )
    from_ags = state_of_ags(ags) if ags is not None else None
    if ags is not None and from_ags is None:
        raise NewMunicipalityError(
            f"--ags '{ags}': die ersten zwei Ziffern nennen kein Land (01 bis 16) / the first "
            "two digits name no Land (01 to 16)"
        )
    if state is None:
        state = from_ags
    if state is None:
        raise NewMunicipalityError(
            "das Land fehlt: --ags AGS oder --state LAND angeben, z. B. --state "
            '"Nordrhein-Westfalen" / the Land is missing: give --ags or --state'
        )
    if state not in STATES_BY_AGS.values():
        raise NewMunicipalityError(
            f"--state '{state[:60]}' ist kein Land / is no German Land: eines von "
            f"{', '.join(sorted(STATES_BY_AGS.values()))}"
        )
    if from_ags is not None and state != from_ags:
        raise NewMunicipalityError(
            f"--state '{state}' passt nicht zu --ags '{ags}' ({from_ags}) / does not fit the AGS: "
            "eines von beiden korrigieren oder --state weglassen / correct one, or leave out "
            "--state"
        )
    if not data_dir.is_dir():
        raise NewMunicipalityError(
            f"der Datenordner {data_dir} fehlt / the data folder {data_dir} does not exist: "
            "--data mit dem Ordner angeben, der reference/ enthält / pass --data with the folder "
            "that holds reference/"
        )
    if not (data_dir / kinds.REFERENCE_FOLDER).is_dir():
        raise NewMunicipalityError(
            f"{data_dir} hat keinen Ordner {kinds.REFERENCE_FOLDER}/ mit den Referenzschemata / "
            f"has no folder {kinds.REFERENCE_FOLDER}/: --data mit dem Datenordner angeben, oder "
            f"data/{kinds.REFERENCE_FOLDER}/ dorthin kopieren / pass the data folder, or copy "
            f"data/{kinds.REFERENCE_FOLDER}/ there"
        )
    folder = data_dir / slug
    if folder.exists() or folder.is_symlink():
        raise NewMunicipalityError(
            f"{folder} gibt es schon / already exists: ein anderes Kürzel wählen, oder die "
            "vorhandenen Dateien bearbeiten / choose another slug, or edit the files there"
        )
    today = today or dt.date.today()
    texts = {schema.MUNICIPALITY_FILE: _municipality_text(slug, name, ags, state, today)}
    for file, file_kinds in kinds.KIND_OF_FILE.items():
        texts[file] = _empty_text(file, file_kinds, name)
    documents = folder / DOCUMENTS_FOLDER
    documents.mkdir(parents=True)
    (documents / FOUNDING_FILE).write_text(
        _founding_text(name, ags, state, today), encoding="utf-8"
    )
    for file, text in texts.items():
        (folder / file).write_text(text, encoding="utf-8")
    return folder


def _municipality_text(slug: str, name: str, ags: str | None, state: str, today: dt.date) -> str:
    record: dict = {"id": slug, "label": name}
    if ags is not None:
        record["ags"] = ags
    record["state"] = state
    record["documents"] = [
        {
            "id": FOUNDING_DOCUMENT,
            "file": FOUNDING_FILE,
            "title": f"Stammdaten der Kommune {name}, angegeben beim Anlegen",
            "date": today,
            "kind": FOUNDING_KIND,
        }
    ]
    record["sources"] = [{"doc": FOUNDING_DOCUMENT, "passage": name}]
    comment = (
        f"Kommune {name}: Stammdaten und die Quelldokumente, aus denen die Daten stammen.\n"
        f"Angelegt mit `ikg new` am {today.isoformat()}. Bisher ist die einzige Quelle, was\n"
        f"dabei angegeben wurde ({DOCUMENTS_FOLDER}/{FOUNDING_FILE}). Zu tun:\n"
        "- unter `documents` die Dokumente eintragen, aus denen Daten übernommen werden\n"
        f"  (Integrationskonzept, Beschlussvorlagen …; ihre Texte nach {DOCUMENTS_FOLDER}/),\n"
        "- den Namen unter `sources` mit einer Stelle eines dieser Dokumente belegen,\n"
        "- `ikg validate` aufrufen. Das Format beschreibt data/README.md."
    )
    ordered = {key: record[key] for key in schema.MUNICIPALITY.names if key in record}
    return new_file(ordered, comment)


def _empty_text(file: str, file_kinds: tuple[kinds.Kind, ...], name: str) -> str:
    what = " und ".join(kind.plural for kind in file_kinds)
    comment = (
        f"{what} der Kommune {name}.\n"
        f"Noch leer. Einträge von Hand (Format: data/README.md, `{file}`) oder mit\n"
        "`ikg import table` (Akteurslisten) und `ikg import oparl` (Ratsinformationssystem).\n"
        "Jeder Eintrag nennt seine Quellen (sources)."
    )
    lines = [f"# {line}" for line in comment.splitlines()]
    lines += [f"{kind.key}: []" for kind in file_kinds]
    return "\n".join(lines) + "\n"


def _founding_text(name: str, ags: str | None, state: str, today: dt.date) -> str:
    lines = [
        f"Stammdaten der Kommune, angegeben beim Anlegen mit ikg new am {today.isoformat()}",
        "",
        f"Name: {name}",
        f"Amtlicher Gemeindeschlüssel: {ags}" if ags else "Amtlicher Gemeindeschlüssel: –",
        f"Land: {state}",
    ]
    return "\n".join(lines) + "\n"
