"""OParl objects → the values of source records: ids, names, forms, types, dates, citations.

Plain functions over the JSON a council information system gives (OParl 1.0 and 1.1), no
decisions about what to import (graph/importing/oparl/plan.py makes those). Each function
takes what real systems write, messy or not, and says when it had to fall back, so that the
plan can count it: an unknown paper type becomes ``DEFAULT_PAPER_TYPE``, an unknown kind of
committee ``DEFAULT_BODY_FORM``.

Persons and memberships are never read here: nothing of them becomes a record.

>>> cached_file("https://ris.example.de/oparl/paper/749")
'oparl/paper-749-5a5135b8.json'
>>> paper_id("2017/1900")
'paper-2017-1900'
>>> paper_type("Beantwortung einer Anfrage"), paper_type("Mitteilung der Verwaltung")
(('Beantwortung einer Anfrage', True), ('Mitteilungsvorlage', True))
>>> paper_type("Niederschrift"), paper_type(None)
(('Vorlage', False), ('Vorlage', False))
>>> body_form({"name": "Integrationsrat", "classification": "Beirat"})
('integrationsrat', True)
>>> body_form({"name": "Runder Tisch", "organizationType": "Gremium"})
('ausschuss', False)
>>> day("2013-01-04T08:00:00+01:00"), day("im Frühjahr")
(datetime.date(2013, 1, 4), None)
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
from collections.abc import Mapping
from typing import Any
from urllib.parse import urlsplit

from graph.importing.new import state_of_ags
from graph.importing.oparl.client import requestable
from graph.namespaces import ID_PATTERN, slugify
from graph.sources import schema

#: where the cached JSON lies, inside the municipality's folder
OPARL_FOLDER = "oparl"
#: most characters of a record id (graph/namespaces.py ID_PATTERN allows 80)
MAX_ID_LENGTH = 80
#: most characters kept of a name from the council information system
MAX_LABEL_LENGTH = 300

#: the paper type where the system names none or one not listed below: the most general
DEFAULT_PAPER_TYPE = "Vorlage"
#: the form of a committee whose kind the system does not tell: the most general of the
#: political bodies (data/reference/organisation-forms.yaml, kind gremium)
DEFAULT_BODY_FORM = "ausschuss"
#: the form of an administrative unit whose kind the system does not tell
DEFAULT_UNIT_FORM = "dienststelle"

#: OParl paperType as real systems write it (ALLRIS, SessionNet, SD.NET, Somacos; lower case)
#: → schema.PAPER_TYPES; anything else is matched by the words in ``_PAPER_TYPE_WORDS``
_PAPER_TYPES = {
    "beschlussvorlage": "Beschlussvorlage",
    "vorlage zur beschlussfassung": "Beschlussvorlage",
    "beschlussvorschlag": "Beschlussvorlage",
    "dringlichkeitsvorlage": "Beschlussvorlage",
    "vorlage": "Vorlage",
    "verwaltungsvorlage": "Vorlage",
    "mitteilungsvorlage": "Mitteilungsvorlage",
    "mitteilung": "Mitteilungsvorlage",
    "mitteilung der verwaltung": "Mitteilungsvorlage",
    "informationsvorlage": "Informationsvorlage",
    "information": "Informationsvorlage",
    "drucksache": "Drucksache",
    "antrag": "Antrag",
    "anfrage": "Anfrage",
    "beantwortung einer anfrage": "Beantwortung einer Anfrage",
    "antwort auf anfrage": "Beantwortung einer Anfrage",
    "stellungnahme": "Stellungnahme",
    "stellungnahme der verwaltung": "Stellungnahme",
    "bericht": "Bericht",
    "berichtsvorlage": "Bericht",
}
#: words in a paperType, most specific first ("Antwort auf eine Anfrage" is an answer)
_PAPER_TYPE_WORDS = (
    ("beantwortung", "Beantwortung einer Anfrage"),
    ("antwort", "Beantwortung einer Anfrage"),
    ("anfrage", "Anfrage"),
    ("antrag", "Antrag"),
    ("beschluss", "Beschlussvorlage"),
    ("mitteilung", "Mitteilungsvorlage"),
    ("information", "Informationsvorlage"),
    ("stellungnahme", "Stellungnahme"),
    ("bericht", "Bericht"),
    ("drucksache", "Drucksache"),
    ("vorlage", "Vorlage"),
)
#: words in an organisation's classification or name → a form of kind gremium, most
#: specific first ("Integrationsrat" before "Rat"; "Ausschuss" before "Rat": a
#: "Ratsausschuss" is a committee)
_BODY_FORM_WORDS: tuple[tuple[str, str | None], ...] = (
    ("integrationsrat", "integrationsrat"),
    ("integrationsbeirat", "integrationsbeirat"),
    ("migrationsbeirat", "integrationsbeirat"),
    ("migrantenbeirat", "integrationsbeirat"),
    ("auslaenderbeirat", "integrationsbeirat"),
    ("integrationsausschuss", "ausschuss"),
    ("bezirksvertretung", "bezirksvertretung"),
    ("bezirksbeirat", "bezirksvertretung"),
    ("bezirksausschuss", "bezirksvertretung"),
    ("ortsbeirat", "bezirksvertretung"),
    ("ortschaftsrat", "bezirksvertretung"),
    ("stadtbezirksrat", "bezirksvertretung"),
    ("verwaltungsvorstand", "verwaltungsvorstand"),
    # any other advisory council (Seniorenbeirat …): no form of its own, and not a "Rat"
    ("beirat", None),
    ("ausschuss", "ausschuss"),
    ("kommission", "ausschuss"),
    ("gemeinderat", "rat"),
    ("stadtrat", "rat"),
    ("kreistag", "rat"),
    ("stadtverordnetenversammlung", "rat"),
    ("gemeindevertretung", "rat"),
    ("buergerschaft", "rat"),
    ("rat", "rat"),
)
#: the same for administrative units (forms of kind verwaltung)
_UNIT_FORM_WORDS: tuple[tuple[str, str | None], ...] = (
    ("kommunales integrationszentrum", "kommunales-integrationszentrum"),
    ("integrationsbuero", "integrationsbuero"),
    ("stabsstelle", "stabsstelle"),
    ("dezernat", "dezernat"),
    ("fachbereich", "fachbereich"),
    ("abteilung", "abteilung"),
    ("bereich", "bereich"),
)


# -- the objects themselves ---------------------------------------------------------------


def oparl_type(value: Any) -> str:
    """The short type of an OParl object ("Paper", "Meeting" …); "" when it names none."""
    if not isinstance(value, Mapping):
        return ""
    name = value.get("type")
    if not isinstance(name, str):
        return ""
    return name.rstrip("/").rsplit("/", 1)[-1]


def is_deleted(value: Mapping[str, Any]) -> bool:
    return value.get("deleted") is True


def ids_of(value: Any) -> list[str]:
    """The ids a field names: one URL, a list of URLs, or objects embedded with their id."""
    items = value if isinstance(value, list) else [value]
    found: list[str] = []
    for item in items:
        if isinstance(item, str) and item.strip():
            found.append(item.strip())
        elif isinstance(item, Mapping) and isinstance(item.get("id"), str):
            found.append(item["id"])
    return found


def text(value: Any) -> str | None:
    """One line of plain text as a label needs it, however the system wrote it; None when
    nothing is left."""
    if not isinstance(value, str):
        return None
    line = "".join(char if char.isprintable() else " " for char in value)
    line = " ".join(line.split())
    if not line:
        return None
    return line if len(line) <= MAX_LABEL_LENGTH else line[: MAX_LABEL_LENGTH - 1] + "…"


def normalised(value: str) -> str:
    """A name or paper number as compared: case and spaces do not count.

    >>> normalised(" 2017/ 1900 ") == normalised("2017/1900")
    True
    """
    return "".join(value.casefold().split())


def day(value: Any) -> dt.date | None:
    """The day of an OParl date or date-time ("2013-01-04T08:00:00+01:00": the day as the
    system wrote it, local time); None for anything else."""
    if not isinstance(value, str):
        return None
    match = re.match(r"\s*(\d{4}-\d{2}-\d{2})", value)
    if match is None:
        return None
    try:
        return dt.date.fromisoformat(match.group(1))
    except ValueError:
        return None


# -- cached JSON and citations ----------------------------------------------------------------


def cached_file(oparl_id: str) -> str:
    """The cached JSON of an object, relative to the municipality's folder: readable (the
    last parts of its URL) and unique (a hash of the whole id), the same on every run."""
    path = [part for part in urlsplit(oparl_id).path.split("/") if part]
    readable = slugify("-".join(path[-2:]))[:40].strip("-") or "objekt"
    digest = hashlib.sha1(oparl_id.encode("utf-8")).hexdigest()[:8]
    return f"{OPARL_FOLDER}/{readable}-{digest}.json"


def cites(oparl_id: str) -> dict[str, str]:
    """The source entry of a record that came from this object."""
    return {"oparl": oparl_id, "file": cached_file(oparl_id)}


def compact_json(value: Mapping[str, Any]) -> bytes:
    """An object as compact JSON, the way the crawl keeps what it received (sorted keys, no
    spaces): for an object that came embedded in another."""
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"), sort_keys=True).encode(
        "utf-8"
    )


# -- ids ----------------------------------------------------------------------------------------


def record_id(prefix: str, name: str) -> str:
    """An id from a name: "paper-" + "2017/1900" → "paper-2017-1900"; never longer than ids
    may be, never ending in a hyphen."""
    slug = slugify(name)
    full = f"{prefix}-{slug}" if prefix and slug else (prefix or slug or "oparl")
    full = full[:MAX_ID_LENGTH].strip("-")
    assert ID_PATTERN.match(full), full
    return full


def paper_id(reference: str) -> str:
    """A paper's id as the curated data writes it: paper- and its number."""
    return record_id("paper", reference)


def suffixed(base: str, oparl_id: str) -> str:
    """The id for a second object whose name gives the same id: a suffix from its OParl id,
    the same on every run."""
    digest = hashlib.sha1(oparl_id.encode("utf-8")).hexdigest()[:6]
    return f"{base[: MAX_ID_LENGTH - 7].strip('-')}-{digest}"


# -- the model's words for the system's ----------------------------------------------------------


def paper_type(value: Any) -> tuple[str, bool]:
    """The paper type (schema.PAPER_TYPES) for an OParl paperType, and whether it was known."""
    name = text(value)
    if name is None:
        return DEFAULT_PAPER_TYPE, False
    if name in schema.PAPER_TYPES:
        return name, True
    lowered = name.casefold()
    known = _PAPER_TYPES.get(lowered)
    if known is not None:
        return known, True
    for word, chosen in _PAPER_TYPE_WORDS:
        if word in lowered:
            return chosen, True
    return DEFAULT_PAPER_TYPE, False


def _form(value: Mapping[str, Any], words: tuple[tuple[str, str | None], ...]) -> str | None:
    # the most specific word wins wherever it stands: the classification (the system's own
    # kind), the name or the type; a word with no form ("Beirat") tells nothing
    texts = [
        slugify(name).replace("-", "")
        for key in ("classification", "name", "shortName", "organizationType")
        if (name := text(value.get(key))) is not None
    ]
    for word, form in words:
        if any(word.replace(" ", "") in found for found in texts):
            return form
    return None


def body_form(organization: Mapping[str, Any]) -> tuple[str, bool]:
    """The form (kind gremium) of a committee, and whether the system's words told it."""
    form = _form(organization, _BODY_FORM_WORDS)
    return (form, True) if form is not None else (DEFAULT_BODY_FORM, False)


def unit_form(organization: Mapping[str, Any]) -> tuple[str, bool]:
    """The form (kind verwaltung) of an administrative unit, and whether it was told."""
    form = _form(organization, _UNIT_FORM_WORDS)
    return (form, True) if form is not None else (DEFAULT_UNIT_FORM, False)


def name_of(organization: Mapping[str, Any]) -> str | None:
    return text(organization.get("name")) or text(organization.get("shortName"))


def alt_labels(organization: Mapping[str, Any], label: str) -> list[str]:
    short = text(organization.get("shortName"))
    return [short] if short and short != label else []


def state_of(body: Mapping[str, Any]) -> str | None:
    """The federal state of a Body, from its AGS or RGS."""
    for key in ("ags", "rgs"):
        value = body.get(key)
        if isinstance(value, str) and len(value) >= 2:
            state = state_of_ags(value)
            if state is not None:
                return state
    return None


def ags_of(body: Mapping[str, Any]) -> str | None:
    """The 8-digit AGS of a Body (from its RGS where it gives none)."""
    ags = body.get("ags")
    if isinstance(ags, str) and re.fullmatch(r"\d{8}", ags):
        return ags
    rgs = body.get("rgs")
    if isinstance(rgs, str) and re.fullmatch(r"\d{12}", rgs):
        return rgs[:5] + rgs[9:]
    return None


def file_links(paper: Mapping[str, Any], objects: Mapping[str, Mapping[str, Any]]) -> list[dict]:
    """A paper's files (mainFile, then auxiliaryFile) as name and address; never their
    contents. A file only named by its id is looked up among the objects read."""
    found: list[dict] = []
    seen: set[str] = set()
    main = paper.get("mainFile")
    extra = paper.get("auxiliaryFile")
    items = ([main] if main is not None else []) + (extra if isinstance(extra, list) else [])
    for item in items:
        file = objects.get(item) if isinstance(item, str) else item
        if not isinstance(file, Mapping) or is_deleted(file):
            continue
        url = file.get("accessUrl") or file.get("downloadUrl")
        # as it can be followed: real systems leave spaces and umlauts in file addresses
        url = requestable(url) if isinstance(url, str) else None
        if url is None or url in seen:
            continue
        name = text(file.get("name")) or text(file.get("fileName")) or url.rsplit("/", 1)[-1]
        seen.add(url)
        found.append({"name": name, "url": url})
    return found
