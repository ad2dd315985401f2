"""The OParl crawl: from a System or Body URL to every object the import needs, read into
memory; nothing is written here.

The path through the server: System → its bodies → the chosen Body → its organisations (the
whole list, as the choice needs every name) → the chosen organisations' meetings → their
agenda items → each consultation → its paper → all of the paper's consultations, in other
bodies too, with their meetings (for the date), organisations and agenda items (for the
result) → the papers' ``underDirectionOf`` organisations. On a re-run (``since``) the meeting
lists and the body's paper list are asked only for what changed (OParl 1.1
``modified_since``), and deleted objects come back with ``deleted: true``.

Persons and memberships are never read: no reference to them is followed, and a Person or
Membership embedded in an object is replaced by its id before the object is kept. Files are
kept as the metadata embedded in the paper or meeting; their access and download URLs are
never followed.
"""

from __future__ import annotations

import json
import time
import urllib.parse
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from graph.importing.oparl.client import Client, ClientSettings, Gone, OParlError
from graph.namespaces import OPARL_SCHEMA

#: the OParl versions read; a type outside them is no OParl object to this crawl
VERSIONS = ("1.0", "1.1")
#: OParl types that describe people: never read, never kept (shared/MODELING.md)
PERSONAL_TYPES = frozenset({"Person", "Membership"})
#: keys of any OParl object that name people or reach them (contact persons, addresses,
#: persons referenced by URL) or hold free text the import has no use for: never kept, not
#: even in the cached JSON under data/<slug>/oparl/
PERSONAL_KEYS = frozenset(
    {
        "contactName",
        "contactEmail",
        "originatorPerson",
        "participant",
        "membership",
        "keyword",
        "streetAddress",
        "postalCode",
        "room",
    }
)
#: per OParl type, further keys never kept: a file's extracted text (files' contents are never
#: imported), a location's free description (often an address)
PERSONAL_KEYS_OF_TYPE = {"File": frozenset({"text"}), "Location": frozenset({"description"})}
#: words in an organisation's name that make it chosen when --organization is not given
DEFAULT_ORGANIZATION_WORDS = ("integration", "migration")
#: organisation types never chosen by default: an office such as the Kommunales
#: Integrationszentrum holds no meetings; it comes in as a unit a paper names
NOT_CHOSEN_BY_DEFAULT = frozenset({"verwaltungsbereich"})
#: most pages one list may have; a server whose links.next never ends is stopped here
MOST_PAGES = 10_000

#: called after each request with the stage (German, for the progress line), the number of
#: objects read and the number of requests made
Progress = Callable[[str, int, int], None]


@dataclass
class Crawl:
    """Everything read from the OParl server for one import."""

    #: the System object, if the URL was a System
    system: dict | None
    #: the Body object chosen
    body: dict
    #: every object read, by its OParl ``id`` (URL); embedded objects (an agenda item in a
    #: meeting, a consultation in a paper, files) are registered by their id too
    objects: dict[str, dict]
    #: id → the JSON as received, compact (sorted keys, no spaces, UTF-8 as is), with any
    #: embedded Person or Membership replaced by its id
    raw: dict[str, bytes]
    #: ids of the organisations chosen (--organization, or the default: the name says
    #: Integration or Migration)
    organizations: list[str]
    #: referenced id → why it could not be read ("HTTP 404")
    missing: dict[str, str]
    #: modified_since used, if a re-run; then ``objects`` holds what changed (and what that
    #: references), not everything
    since: datetime | None
    requests: int
    #: seconds spent waiting for the server's answers (retries included, pauses not)
    seconds_waiting: float
    #: the URL the crawl started from
    url: str = ""
    #: when the crawl started, by the server's clock where it sent one (the next re-run's
    #: ``modified_since``)
    started: datetime | None = None
    #: seconds the whole crawl took
    seconds: float = 0.0
    #: seconds of it paused on purpose: between requests (IKG_OPARL_DELAY), before retries
    seconds_pausing: float = 0.0

    def of_type(self, short_type: str) -> list[dict]:
        """The objects of one OParl type (``"Paper"``), in the order they were read."""
        return [
            obj
            for key, obj in self.objects.items()
            if key == obj.get("id") and type_of(obj) == short_type
        ]


def type_of(obj: Any) -> str | None:
    """An OParl object's type without its schema, or None if it is none of 1.0 and 1.1.

    >>> type_of({"type": OPARL_SCHEMA + "1.0/Body"})
    'Body'
    >>> type_of({"type": OPARL_SCHEMA + "1.1/Paper"})
    'Paper'
    >>> type_of({"type": OPARL_SCHEMA + "2.0/Paper"}) is None
    True
    """
    if not isinstance(obj, dict):
        return None
    kind = obj.get("type")
    if not isinstance(kind, str) or not kind.startswith(OPARL_SCHEMA):
        return None
    version, _, name = kind[len(OPARL_SCHEMA) :].partition("/")
    if version not in VERSIONS or not name:
        return None
    return name.rstrip("/")


def compact(obj: Any) -> bytes:
    """JSON as the cache keeps it: sorted keys, no spaces, UTF-8 as is.

    >>> compact({"name": "Integrationsrat", "id": "x"})
    b'{"id":"x","name":"Integrationsrat"}'
    """
    return json.dumps(obj, separators=(",", ":"), ensure_ascii=False, sort_keys=True).encode()


def crawl(
    url: str,
    *,
    settings: ClientSettings,
    organizations: Iterable[str] = (),
    body: str | None = None,
    since: datetime | None = None,
    progress: Progress | None = None,
) -> Crawl:
    """Read what the import needs from the OParl System or Body at ``url``.

    ``organizations``: ids or names of the organisations to import (default: those whose
    name says Integration or Migration); ``body``: the id or name of the Body when a System
    has several. Raises OParlError when the server cannot be read as needed (the message
    names the URL and the HTTP status or error)."""
    return _Crawler(url, settings, tuple(organizations), body, since, progress).run()


class _Crawler:
    def __init__(
        self,
        url: str,
        settings: ClientSettings,
        wanted: tuple[str, ...],
        body_choice: str | None,
        since: datetime | None,
        progress: Progress | None,
    ) -> None:
        self.url = url
        self.client = Client(url, settings)
        self.wanted = wanted
        self.body_choice = body_choice
        self.since = since
        self.progress = progress
        self.stage = "System"
        self.objects: dict[str, dict] = {}
        self.raw: dict[str, bytes] = {}
        self.missing: dict[str, str] = {}
        #: ids read by their own URL: such a copy wins over one embedded elsewhere
        self.fetched: set[str] = set()
        self.started: datetime | None = None

    def run(self) -> Crawl:
        began = time.monotonic()
        start = self._get(self.url)
        kind = type_of(start)
        system: dict | None = None
        if kind == "System":
            system = self._register(start, fetched=True)
            self._set_stage("Körperschaften")
            body = self._choose_body(self._members(system.get("body"), since=None))
        elif kind == "Body":
            body = self._register(start, fetched=True)
        else:
            raise OParlError(
                f"{self.url} ist weder ein OParl-System noch eine Körperschaft (type: "
                f"{start.get('type') if isinstance(start, dict) else '–'}): geben Sie die URL "
                "des Systems oder der Körperschaft (Body) an / "
                f"{self.url} is neither an OParl System nor a Body: give the URL of the "
                "System or the Body"
            )
        self._set_stage("Gremien")
        # the whole list, changed or not: choosing needs every organisation's name
        organizations = self._members(body.get("organization"), since=None)
        chosen = self._choose_organizations(organizations)
        self._set_stage("Sitzungen")
        meetings = self._meetings(body, chosen)
        self._set_stage("Vorlagen")
        papers: dict[str, dict] = {}
        for meeting in meetings:
            if meeting.get("deleted"):
                continue
            for item in self._members(meeting.get("agendaItem"), since=None):
                consultation = self._reference(item.get("consultation"))
                if consultation is None:
                    continue
                paper = self._reference(consultation.get("paper"))
                if paper is not None:
                    papers.setdefault(paper["id"], paper)
        if self.since is not None:
            for paper in self._members(body.get("paper"), since=self.since):
                if paper.get("deleted") or self._consulted_in(paper, chosen):
                    papers.setdefault(paper["id"], paper)
        self._set_stage("Beratungsfolgen")
        for paper in papers.values():
            if not paper.get("deleted"):
                self._beratungsfolge(paper)
        return Crawl(
            system=system,
            body=body,
            objects=self.objects,
            raw=self.raw,
            organizations=[organization["id"] for organization in chosen],
            missing=self.missing,
            since=self.since,
            requests=self.client.requests,
            seconds_waiting=self.client.seconds_waiting,
            url=self.url,
            started=self.started,
            seconds=time.monotonic() - began,
            seconds_pausing=self.client.seconds_pausing,
        )

    # -- choosing ---------------------------------------------------------------------------

    def _choose_body(self, bodies: list[dict]) -> dict:
        bodies = [body for body in bodies if not body.get("deleted")]
        if not bodies:
            raise OParlError(
                f"{self.url}: das System nennt keine Körperschaft (Body) / the System names no Body"
            )
        if self.body_choice is None:
            if len(bodies) == 1:
                return bodies[0]
            raise OParlError(
                f"{self.url} hat {len(bodies)} Körperschaften; wählen Sie eine mit --body ID "
                f"oder --body NAME: {_listed(bodies)} / {self.url} has {len(bodies)} bodies; "
                "choose one with --body ID or --body NAME"
            )
        for body in bodies:
            if _is_named(body, self.body_choice):
                return body
        raise OParlError(
            f"--body {self.body_choice}: keine Körperschaft mit dieser id oder diesem Namen; "
            f"es gibt: {_listed(bodies)} / no body with this id or name"
        )

    def _choose_organizations(self, organizations: list[dict]) -> list[dict]:
        present = [
            organization for organization in organizations if not organization.get("deleted")
        ]
        if self.wanted:
            chosen = []
            for wanted in self.wanted:
                found = [
                    organization for organization in present if _is_named(organization, wanted)
                ]
                if not found:
                    raise OParlError(
                        f"--organization {wanted}: kein Gremium mit dieser id oder diesem Namen; "
                        f"es gibt: {_listed(present)} / no organization with this id or name"
                    )
                chosen.extend(found)
        else:
            chosen = [
                organization
                for organization in present
                if str(organization.get("organizationType", "")).casefold()
                not in NOT_CHOSEN_BY_DEFAULT
                and any(
                    word in str(organization.get(key, "")).casefold()
                    for word in DEFAULT_ORGANIZATION_WORDS
                    for key in ("name", "shortName")
                )
            ]
            if not chosen:
                raise OParlError(
                    f"{self.url}: kein Gremium nennt Integration oder Migration im Namen; wählen "
                    f"Sie eines mit --organization NAME oder --organization ID: "
                    f"{_listed(present)} / no organization's name says Integration or "
                    "Migration; choose one with --organization NAME or --organization ID"
                )
        unique = {organization["id"]: organization for organization in chosen}
        return list(unique.values())

    # -- the path through the server --------------------------------------------------------

    def _meetings(self, body: dict, chosen: list[dict]) -> list[dict]:
        meetings: dict[str, dict] = {}
        body_meetings: list[dict] | None = None
        for organization in chosen:
            if organization.get("meeting"):
                found = self._members(organization["meeting"], since=self.since)
            else:
                # OParl 1.0 servers and some 1.1 ones give no meeting list per organisation
                if body_meetings is None:
                    body_meetings = self._members(body.get("meeting"), since=self.since)
                found = [
                    meeting
                    for meeting in body_meetings
                    if meeting.get("deleted")
                    or organization["id"] in _urls(meeting.get("organization"))
                ]
            for meeting in found:
                meetings.setdefault(meeting["id"], meeting)
        return list(meetings.values())

    def _beratungsfolge(self, paper: dict) -> None:
        for consultation in self._members(paper.get("consultation"), since=None):
            meeting = self._reference(consultation.get("meeting"))
            for organization in _urls(consultation.get("organization")):
                self._reference(organization)
            # the agenda item (for its result) usually came embedded in the meeting just read
            if meeting is None or consultation.get("agendaItem") not in self.objects:
                self._reference(consultation.get("agendaItem"))
        for organization in _urls(paper.get("underDirectionOf")):
            self._reference(organization)

    def _consulted_in(self, paper: dict, chosen: list[dict]) -> bool:
        ids = {organization["id"] for organization in chosen}
        for consultation in self._members(paper.get("consultation"), since=None):
            if ids & set(_urls(consultation.get("organization"))):
                return True
        return False

    # -- reading ----------------------------------------------------------------------------

    def _members(self, value: Any, *, since: datetime | None) -> list[dict]:
        """The objects of a list: a URL of a paged list, or a list embedded (objects or
        their URLs)."""
        if value is None:
            return []
        if isinstance(value, str):
            return self._paged_list(value, since)
        if isinstance(value, list):
            members = []
            for element in value:
                if isinstance(element, dict):
                    if type_of(element) in PERSONAL_TYPES:
                        continue
                    members.append(self._register(element, fetched=False))
                elif isinstance(element, str):
                    found = self._reference(element)
                    if found is not None:
                        members.append(found)
            return members
        if isinstance(value, dict):
            return self._members([value], since=since)
        return []

    def _paged_list(self, url: str, since: datetime | None) -> list[dict]:
        members: list[dict] = []
        seen: set[str] = set()
        page_url: str | None = _with_since(url, since)
        while page_url and page_url not in seen:
            seen.add(page_url)
            page = self._get(page_url)
            data = page.get("data") if isinstance(page, dict) else None
            if not isinstance(data, list):
                raise OParlError(
                    f"{page_url} ist keine OParl-Liste (kein 'data'); der Import bricht ab, es "
                    f"wurde nichts geschrieben / {page_url} is no OParl list (no 'data'); the "
                    "import stops, nothing was written"
                )
            for element in data:
                if isinstance(element, dict) and isinstance(element.get("id"), str):
                    if type_of(element) in PERSONAL_TYPES:
                        continue
                    members.append(self._register(element, fetched=True))
                elif isinstance(element, str):
                    found = self._reference(element)
                    if found is not None:
                        members.append(found)
            links = page.get("links") if isinstance(page.get("links"), dict) else {}
            following = links.get("next")
            page_url = _with_since(following, since) if isinstance(following, str) else None
            if page_url and len(seen) >= MOST_PAGES:
                raise OParlError(
                    f"{url}: mehr als {MOST_PAGES} Seiten; der Import bricht ab, es wurde "
                    f"nichts geschrieben / more than {MOST_PAGES} pages; the import stops, "
                    "nothing was written"
                )
        return members

    def _reference(self, url: Any) -> dict | None:
        """The object a reference names: already read, or read now; None if it is missing
        (counted in ``missing``) or describes a person."""
        if not isinstance(url, str) or not url:
            return None
        if url in self.objects:
            return self.objects[url]
        if url in self.missing:
            return None
        try:
            found = self._get(url, referenced=True)
        except Gone as gone:
            self.missing[url] = gone.reason
            return None
        if not isinstance(found, dict) or not isinstance(found.get("id"), str):
            self.missing[url] = "kein OParl-Objekt (keine id)"
            return None
        if type_of(found) in PERSONAL_TYPES:
            self.missing[url] = f"{type_of(found)}: wird nie importiert"
            return None
        registered = self._register(found, fetched=True)
        if url != registered["id"]:
            self.objects[url] = registered
            self.raw[url] = self.raw[registered["id"]]
        return registered

    def _get(self, url: str, *, referenced: bool = False) -> Any:
        """The JSON at ``url``; a missing object raises Gone when ``referenced`` (the caller
        counts it), else it stops the crawl: the start URL or a list page must be there."""
        try:
            data, _, date = self.client.get_json(url)
        except Gone as gone:
            if referenced:
                raise
            raise OParlError(
                f"{url} antwortet mit {gone.reason}; der Import bricht ab, es wurde nichts "
                f"geschrieben / {url} answers with {gone.reason}; the import stops, nothing "
                "was written"
            ) from None
        if self.started is None:
            self.started = date or datetime.now(UTC)
        if self.progress is not None:
            self.progress(self.stage, len(self.objects), self.client.requests)
        return data

    def _register(self, obj: dict, *, fetched: bool) -> dict:
        """Keep ``obj`` and every object embedded in it by id; returns the kept copy."""
        kept = _without_people(obj)
        self._keep(kept, fetched=fetched)
        return self.objects.get(kept.get("id"), kept)

    def _keep(self, obj: Any, *, fetched: bool) -> None:
        if isinstance(obj, list):
            for element in obj:
                self._keep(element, fetched=False)
            return
        if not isinstance(obj, dict):
            return
        for value in obj.values():
            self._keep(value, fetched=False)
        identifier = obj.get("id")
        if not isinstance(identifier, str) or type_of(obj) is None:
            return
        if identifier in self.fetched and not fetched:
            return
        if identifier in self.objects and not fetched:
            return
        self.objects[identifier] = obj
        self.raw[identifier] = compact(obj)
        if fetched:
            self.fetched.add(identifier)

    def _set_stage(self, stage: str) -> None:
        self.stage = stage


def _without_people(value: Any) -> Any:
    """``value`` with every embedded Person or Membership replaced by its id, and without the
    keys that name people or hold file contents (PERSONAL_KEYS, PERSONAL_KEYS_OF_TYPE)."""
    if isinstance(value, dict):
        dropped = PERSONAL_KEYS | PERSONAL_KEYS_OF_TYPE.get(type_of(value) or "", frozenset())
        return {key: _without_people(item) for key, item in value.items() if key not in dropped}
    if isinstance(value, list):
        return [
            item.get("id") if type_of(item) in PERSONAL_TYPES else _without_people(item)
            for item in value
        ]
    return value


def _urls(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, list):
        return [
            item if isinstance(item, str) else item.get("id")
            for item in value
            if isinstance(item, str) or (isinstance(item, dict) and isinstance(item.get("id"), str))
        ]
    return []


def _is_named(obj: dict, wanted: str) -> bool:
    if obj.get("id") == wanted:
        return True
    folded = wanted.strip().casefold()
    return any(str(obj.get(key, "")).strip().casefold() == folded for key in ("name", "shortName"))


def _listed(objects: list[dict]) -> str:
    names = sorted(
        f"{obj.get('name') or obj.get('shortName') or '?'} ({obj['id']})" for obj in objects
    )
    return "; ".join(names) if names else "(keine / none)"


def _with_since(url: str, since: datetime | None) -> str:
    """``url`` with ``modified_since`` in its query, unless it has one already (a server's
    links.next usually carries the filter on).

    >>> _with_since("http://127.0.0.1/m?page=2", datetime(2025, 1, 2, 3, 4, 5, tzinfo=UTC))
    'http://127.0.0.1/m?page=2&modified_since=2025-01-02T03%3A04%3A05%2B00%3A00'
    """
    if since is None:
        return url
    parts = urllib.parse.urlsplit(url)
    query = urllib.parse.parse_qsl(parts.query, keep_blank_values=True)
    if any(key == "modified_since" for key, _ in query):
        return url
    query.append(("modified_since", since.astimezone(UTC).isoformat(timespec="seconds")))
    return urllib.parse.urlunsplit(parts._replace(query=urllib.parse.urlencode(query)))
