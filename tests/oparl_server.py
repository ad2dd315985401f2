"""A real OParl server on loopback for the import tests: stdlib http.server in a thread,
serving a site of OParl objects from a folder (tests/fixtures/oparl/<site>/) or a dict.

A site is objects by URL path (``/oparl/paper/101`` from ``oparl/paper/101.json``) and lists
(``lists.json``: list path → the paths of its members, in order). Every ``{base}`` in the
objects becomes the server's own ``http://127.0.0.1:PORT``. Lists are paged (``?page=N``,
``links.next``) and filtered by OParl 1.1's ``modified_since``; deleted objects (``"deleted":
true``) are listed only when ``modified_since`` is asked, as the specification has it.

Faults per path (the path alone, or with its query: ``/oparl/body/1/meetings?page=2``):
``status`` (an int, or a list consumed one per request, so "twice 503, then fine" is
``[503, 503]``), ``delays`` in seconds, ``broken`` (the answer is cut-off JSON). Every
request's path and query is recorded in ``requested``.
"""

from __future__ import annotations

import json
import threading
import time
import urllib.parse
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

FIXTURES = Path(__file__).parent / "fixtures" / "oparl"


@dataclass
class OParlSite:
    #: URL path → the object (strings may hold ``{base}``)
    objects: dict[str, Any]
    #: URL path of a list → the paths of its members, in order
    lists: dict[str, list[str]]
    page_size: int = 2

    @classmethod
    def from_folder(cls, folder: Path) -> OParlSite:
        lists = json.loads((folder / "lists.json").read_text(encoding="utf-8"))
        objects = {}
        for path in sorted(folder.rglob("*.json")):
            if path.name == "lists.json":
                continue
            relative = path.relative_to(folder).with_suffix("").as_posix()
            objects["/" + relative] = json.loads(path.read_text(encoding="utf-8"))
        return cls(objects=objects, lists=lists)


@dataclass
class OParlServer:
    site: OParlSite
    port: int = 0
    #: "1.0" serves every type as OParl 1.0
    version: str = "1.1"
    status: dict[str, int | list[int]] = field(default_factory=dict)
    delays: dict[str, float] = field(default_factory=dict)
    broken: set[str] = field(default_factory=set)
    #: path → the Location of a 302 answer
    redirects: dict[str, str] = field(default_factory=dict)
    requested: list[str] = field(default_factory=list)

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def url(self, path: str) -> str:
        return self.base + path

    def change(self, path: str, **values: Any) -> None:
        """Change an object as a council's staff would: new values, ``modified`` now."""
        obj = self.site.objects[path]
        obj.update(values)
        obj["modified"] = datetime.now(UTC).isoformat(timespec="seconds")

    def delete(self, path: str) -> None:
        """Delete an object as OParl 1.1 does: it stays, reduced to id, type, deleted."""
        obj = self.site.objects[path]
        self.site.objects[path] = {
            "id": obj["id"],
            "type": obj["type"],
            "deleted": True,
            "modified": datetime.now(UTC).isoformat(timespec="seconds"),
        }

    def add(self, path: str, obj: dict, *, into: str | None = None) -> None:
        obj.setdefault("modified", datetime.now(UTC).isoformat(timespec="seconds"))
        self.site.objects[path] = obj
        if into is not None:
            self.site.lists[into].append(path)

    # -- answering ---------------------------------------------------------------------------

    def answer(self, target: str) -> tuple[int, bytes, float, str | None]:
        """Status, body, delay and redirect target for a request target (path and query)."""
        parts = urllib.parse.urlsplit(target)
        path = parts.path.rstrip("/") or "/"
        keys = [target, path]
        delay = next((self.delays[key] for key in keys if key in self.delays), 0.0)
        location = next((self.redirects[key] for key in keys if key in self.redirects), None)
        if location is not None:
            return 302, b"", delay, location.replace("{base}", self.base)
        for key in keys:
            planned = self.status.get(key)
            if isinstance(planned, list) and planned:
                return planned.pop(0), b'{"error": "planned"}', delay, None
            if isinstance(planned, int):
                return planned, b'{"error": "planned"}', delay, None
        query = dict(urllib.parse.parse_qsl(parts.query))
        if path in self.site.lists:
            document: Any = self._page(path, query)
        elif path in self.site.objects:
            document = self.site.objects[path]
        else:
            return 404, b'{"error": "not found"}', delay, None
        text = json.dumps(document, ensure_ascii=False, indent=2).replace("{base}", self.base)
        if self.version != "1.1":
            text = text.replace("schema.oparl.org/1.1/", f"schema.oparl.org/{self.version}/")
        body = text.encode()
        if target in self.broken or path in self.broken:
            body = body[: len(body) // 2]
        return 200, body, delay, None

    def _page(self, path: str, query: dict[str, str]) -> dict:
        since = query.get("modified_since")
        members = [self.site.objects[member] for member in self.site.lists[path]]
        if since is not None:
            moment = datetime.fromisoformat(since)
            members = [obj for obj in members if _modified(obj) >= moment]
        else:
            members = [obj for obj in members if not obj.get("deleted")]
        size = self.site.page_size
        page = int(query.get("page", "1"))
        total_pages = max(1, -(-len(members) // size))
        links = {"first": self._link(path, 1, since), "self": self._link(path, page, since)}
        if page < total_pages:
            links["next"] = self._link(path, page + 1, since)
        return {
            "data": members[(page - 1) * size : page * size],
            "pagination": {
                "totalElements": len(members),
                "elementsPerPage": size,
                "currentPage": page,
                "totalPages": total_pages,
            },
            "links": links,
        }

    def _link(self, path: str, page: int, since: str | None) -> str:
        query = {"page": str(page)}
        if since is not None:
            query["modified_since"] = since
        return "{base}" + path + "?" + urllib.parse.urlencode(query)


def _modified(obj: dict) -> datetime:
    text = obj.get("modified") or "1970-01-01T00:00:00+00:00"
    moment = datetime.fromisoformat(text)
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def serve(server: OParlServer) -> Iterator[OParlServer]:
    """Run ``server`` on a free loopback port until the generator is closed."""

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 - http.server's name
            server.requested.append(self.path)
            status, body, delay, location = server.answer(self.path)
            if delay:
                time.sleep(delay)
            try:
                self.send_response(status)
                if location is not None:
                    self.send_header("Location", location)
                self.send_header("Content-Type", "application/json; charset=utf-8")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)
            except OSError:
                pass  # the client gave up waiting (the timeout tests)

        def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
            pass

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    httpd.daemon_threads = True
    server.port = httpd.server_address[1]
    thread = threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.05})
    thread.daemon = True
    thread.start()
    try:
        yield server
    finally:
        httpd.shutdown()
        httpd.server_close()
        thread.join(timeout=2)


def musterstadt() -> OParlSite:
    """The hand-made site of Musterstadt (tests/fixtures/oparl/musterstadt/, README there)."""
    return OParlSite.from_folder(FIXTURES / "musterstadt")


def generated_site(meetings: int, papers_per_meeting: int) -> OParlSite:
    """A larger Musterstadt for the speed figure: ``meetings`` meetings of the
    Integrationsrat, each with ``papers_per_meeting`` papers, each paper consulted in the
    Integrationsrat, the Ausschuss and the Rat (one meeting each per Integrationsrat
    meeting)."""
    site = musterstadt()
    schema = "https://schema.oparl.org/1.1/"
    bodies = {"2": "integrationsrat", "3": "ausschuss", "1": "rat"}
    for number in range(1, meetings + 1):
        day = f"2024-{1 + number % 12:02d}-{1 + number % 28:02d}"
        for organization, name in bodies.items():
            path = f"/oparl/gen/meeting/{name}-{number}"
            items = []
            for position in range(1, papers_per_meeting + 1):
                paper = f"/oparl/gen/paper/{number}-{position}"
                items.append(
                    {
                        "id": "{base}" + f"/oparl/gen/item/{name}-{number}-{position}",
                        "type": schema + "AgendaItem",
                        "meeting": "{base}" + path,
                        "number": str(position),
                        "name": f"Vorlage {number}/{position}",
                        "consultation": "{base}"
                        + f"/oparl/gen/consultation/{name}-{number}-{position}",
                        "result": "beschlossen",
                        "modified": "2024-12-01T10:00:00+01:00",
                    }
                )
                site.objects[f"/oparl/gen/consultation/{name}-{number}-{position}"] = {
                    "id": "{base}" + f"/oparl/gen/consultation/{name}-{number}-{position}",
                    "type": schema + "Consultation",
                    "paper": "{base}" + paper,
                    "meeting": "{base}" + path,
                    "agendaItem": "{base}" + f"/oparl/gen/item/{name}-{number}-{position}",
                    "organization": ["{base}" + f"/oparl/organization/{organization}"],
                    "role": "Beschlussfassung" if name == "rat" else "Vorberatung",
                    "authoritative": name == "rat",
                    "modified": "2024-12-01T10:00:00+01:00",
                }
            site.objects[path] = {
                "id": "{base}" + path,
                "type": schema + "Meeting",
                "name": f"{number}. Sitzung ({name})",
                "start": f"{day}T17:00:00+01:00",
                "organization": ["{base}" + f"/oparl/organization/{organization}"],
                "agendaItem": items,
                "modified": "2024-12-01T10:00:00+01:00",
            }
            if organization == "2":
                site.lists["/oparl/organization/2/meetings"].append(path)
        for position in range(1, papers_per_meeting + 1):
            paper = f"/oparl/gen/paper/{number}-{position}"
            site.objects[paper] = {
                "id": "{base}" + paper,
                "type": schema + "Paper",
                "name": f"Vorlage {number}/{position}",
                "reference": f"G/{number:04d}/{position:02d}",
                "date": day,
                "paperType": "Beschlussvorlage",
                "consultation": [
                    site.objects[f"/oparl/gen/consultation/{name}-{number}-{position}"]
                    for name in bodies.values()
                ],
                "modified": "2024-12-01T10:00:00+01:00",
            }
    return site
