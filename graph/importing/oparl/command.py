"""`ikg import oparl URL --municipality SLUG`: crawl, plan, write, remember.

The order is what keeps data/ whole: the crawl reads everything into memory first (any
failure stops here, nothing written), the plan checks the records as the YAML reader would
(SourceError, nothing written), the plan is applied, and only then is the import state
recorded. Should writing itself fail half-way (a full disk), the municipality's folder is
put back as it was.
"""

from __future__ import annotations

import sys
import time
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import TextIO

import click

from graph.errors import SourceError
from graph.importing.oparl.client import ClientSettings, OParlError
from graph.importing.oparl.crawl import Crawl, crawl
from graph.importing.oparl.state import (
    LastImport,
    entry_key,
    last_import,
    record_import,
    state_file,
)
from graph.importing.whole import written_whole
from graph.namespaces import ID_PATTERN
from graph.settings import Settings
from graph.sources import kinds, read_sources
from graph.sources.reader import _Reader, municipality_folders
from graph.sources.records import ReferenceSchemes

#: how often the progress line on a terminal is redrawn at most (seconds)
PROGRESS_INTERVAL = 0.1


@click.command("oparl")
@click.argument("url")
@click.option("--municipality", "slug", required=True, metavar="SLUG", help="e.g. musterstadt")
@click.option(
    "--organization",
    "organizations",
    multiple=True,
    metavar="NAME|ID",
    help="An organisation to import (repeatable; default: those whose name says Integration "
    "or Migration).",
)
@click.option(
    "--body", "body_choice", metavar="NAME|ID", help="The Body, when the System has several."
)
@click.option(
    "--since",
    metavar="DATE",
    help="Ask only for what changed since DATE (2025-03-01 or 2025-03-01T18:00, local time); "
    "default: since the last import of this municipality from this URL.",
)
@click.option("--full", is_flag=True, help="Read everything, ignoring the last import's time.")
@click.option(
    "--data",
    "data_dir",
    type=click.Path(path_type=Path, file_okay=False),
    default=None,
    help="Folder with one sub-folder per municipality and reference/ (default: data/, or "
    "IKG_DATA).",
)
@click.option("--dry-run", is_flag=True, help="Read and plan, print the plan, write nothing.")
@click.option("--timeout", type=float, help="Seconds per request (default: IKG_OPARL_TIMEOUT).")
@click.option("--retries", type=int, help="Retries per request (default: IKG_OPARL_RETRIES).")
@click.option("--delay", type=float, help="Seconds between requests (default: IKG_OPARL_DELAY).")
def oparl_command(
    url: str,
    slug: str,
    organizations: tuple[str, ...],
    body_choice: str | None,
    since: str | None,
    full: bool,
    data_dir: Path | None,
    dry_run: bool,
    timeout: float | None,
    retries: int | None,
    delay: float | None,
) -> None:
    """Import a municipality's council information system (OParl 1.0 or 1.1) from the URL
    of its System or Body: the chosen organisations, their meetings, and every paper
    consulted there with its whole Beratungsfolge. Persons, memberships and files' contents
    are never read.

    \b
    ikg import oparl https://ris.musterstadt.example/oparl/system --municipality musterstadt
    ikg import oparl URL --municipality musterstadt --organization Integrationsrat --dry-run
    """
    from graph.importing.oparl.plan import plan_import

    if not url.startswith(("http://", "https://")):
        raise OParlError(
            f"{url}: keine http(s)-URL; geben Sie die URL des OParl-Systems oder der "
            "Körperschaft an / not an http(s) URL; give the URL of the OParl System or Body"
        )
    if not ID_PATTERN.match(slug) or slug == kinds.REFERENCE_FOLDER:
        raise OParlError(
            f"--municipality {slug}: kein Kürzel einer Kommune (Kleinbuchstaben, Ziffern, "
            "Bindestriche) / not a municipality's slug (lower-case letters, digits, hyphens)"
        )
    data_dir = data_dir or Settings.from_env().data_dir
    if not (data_dir / kinds.REFERENCE_FOLDER).is_dir():
        raise OParlError(
            f"{data_dir}: kein Datenordner (es fehlt {kinds.REFERENCE_FOLDER}/): geben Sie mit "
            f"--data den Ordner an, der die Kommunen enthält / not a data folder (no "
            f"{kinds.REFERENCE_FOLDER}/): give the folder holding the municipalities with --data"
        )
    settings = _settings(timeout, retries, delay)
    folder = data_dir / slug
    state_path = state_file(data_dir)
    key = entry_key(data_dir, slug, url)
    previous = None if full or since else last_import(state_path, key)
    if previous is not None and not folder.is_dir():
        previous = None  # the folder was removed since: read everything again
    asked_since = _parsed_since(since) if since else previous.started if previous else None
    with _ProgressLine(sys.stderr) as progress:
        result = crawl(
            url,
            settings=settings,
            organizations=organizations,
            body=body_choice,
            since=asked_since,
            progress=progress.update,
        )
        if previous is not None and not since and _chose_otherwise(result, previous):
            progress.note(
                "Andere Körperschaft oder andere Gremien als beim letzten Import: alles wird "
                "neu gelesen."
            )
            result = crawl(
                url,
                settings=settings,
                organizations=organizations,
                body=body_choice,
                progress=progress.update,
            )
    for line in _crawl_lines(result):
        click.echo(line)
    reference = _reference_schemes(data_dir)
    plan = plan_import(result, folder, reference, slug=slug)
    for line in plan.summary_lines():
        click.echo(line)
    if dry_run:
        for line in plan.change_lines():
            click.echo(_printable(line))
        click.echo("Probelauf (--dry-run): nichts geschrieben, auch kein Importstand.")
        return
    written_whole(folder, plan.apply)
    started = result.started or datetime.now(UTC)
    record_import(
        state_path,
        key,
        LastImport(started, result.body["id"], tuple(result.organizations)),
    )
    written = "Geschrieben nach" if not plan.empty else "Unverändert:"
    click.echo(
        f"{written} {_shown(folder)}/. Der nächste Import fragt nur nach Änderungen seit "
        f"{started.isoformat(timespec='seconds')} (Importstand: {_shown(state_path)}).",
    )


def _shown(path: Path) -> str:
    """``path`` relative to the working directory where it lies below it."""
    try:
        return str(path.absolute().relative_to(Path.cwd()))
    except ValueError:
        return str(path)


def _settings(timeout: float | None, retries: int | None, delay: float | None) -> ClientSettings:
    settings = ClientSettings.from_env()
    overrides = {
        name: value
        for name, value in (("timeout", timeout), ("retries", retries), ("delay", delay))
        if value is not None
    }
    for name, value in overrides.items():
        if value < 0 or (name == "timeout" and value == 0):
            raise OParlError(
                f"--{name} {value}: muss größer als 0 sein / must be greater than 0"
                if name == "timeout"
                else f"--{name} {value}: darf nicht negativ sein / must not be negative"
            )
    return replace(settings, **overrides)


def _parsed_since(text: str) -> datetime:
    try:
        moment = datetime.fromisoformat(text.strip())
    except ValueError:
        raise OParlError(
            f"--since {text}: kein Datum; schreiben Sie z. B. 2025-03-01 oder "
            "2025-03-01T18:00 / not a date; write e.g. 2025-03-01 or 2025-03-01T18:00"
        ) from None
    return moment if moment.tzinfo else moment.astimezone()


def _reference_schemes(data_dir: Path) -> ReferenceSchemes:
    if municipality_folders(data_dir):
        return read_sources(data_dir, only=set()).reference
    # a data folder with reference/ alone: the import creates its first municipality, and
    # read_sources refuses a folder without one
    reader = _Reader(data_dir, None)
    schemes = reader.read_reference()
    if reader.found:
        raise SourceError(reader.listed(), exit_code=2 if reader.load_errors else 1)
    return schemes


def _chose_otherwise(result: Crawl, previous: LastImport) -> bool:
    return result.body["id"] != previous.body or set(result.organizations) != set(
        previous.organizations
    )


def _crawl_lines(result: Crawl) -> list[str]:
    """What the crawl met, as printed: every name and address from the server made printable
    (an escape sequence in a name must not reach the terminal)."""
    names = [
        _printable(result.objects[identifier].get("name") or identifier)
        for identifier in result.organizations
    ]
    read = sum(1 for key, obj in result.objects.items() if key == obj.get("id"))
    waiting = result.seconds_waiting
    lines = [
        f"OParl: {_printable(result.body.get('name') or result.body['id'])} "
        f"({_printable(result.body['id'])})",
        f"Gremien: {'; '.join(names)}",
        f"Gelesen: {read} Objekte in {result.requests} Anfragen, {_seconds(result.seconds)} "
        f"(davon {_seconds(waiting)} Warten auf den Server, {_seconds(result.seconds_pausing)} "
        "Pausen zwischen Anfragen)"
        + (
            f"; nur Änderungen seit {result.since.isoformat(timespec='seconds')}"
            if result.since
            else ""
        ),
    ]
    if result.missing:
        lines.append(f"Nicht lesbar, übersprungen: {len(result.missing)}")
        lines += [f"  {_printable(url)}: {why}" for url, why in sorted(result.missing.items())]
    return lines


def _printable(value: object) -> str:
    return "".join(char if char.isprintable() else "\ufffd" for char in str(value))


def _seconds(value: float) -> str:
    return f"{value:.1f} s".replace(".", ",")


class _ProgressLine:
    """One line on stderr, redrawn in place on a terminal; elsewhere a plain line for each
    stage, so a log shows how far a crawl got."""

    def __init__(self, stream: TextIO) -> None:
        self.stream = stream
        self.on_terminal = _isatty(stream)
        self.stage: str | None = None
        self.drawn = 0.0
        self.width = 0

    def __enter__(self) -> _ProgressLine:
        return self

    def __exit__(self, *exc_info: object) -> None:
        if self.on_terminal and self.width:
            self.stream.write("\r" + " " * self.width + "\r")
            self.stream.flush()

    def update(self, stage: str, objects: int, requests: int) -> None:
        if not self.on_terminal:
            if stage != self.stage:
                self.stream.write(f"OParl: lese {stage} …\n")
                self.stream.flush()
            self.stage = stage
            return
        now = time.monotonic()
        if stage == self.stage and now - self.drawn < PROGRESS_INTERVAL:
            return
        self.stage = stage
        self.drawn = now
        line = f"OParl: {stage} · {objects} Objekte · {requests} Anfragen"
        self.width = max(self.width, len(line))
        self.stream.write("\r" + line.ljust(self.width))
        self.stream.flush()

    def note(self, text: str) -> None:
        if self.on_terminal and self.width:
            self.stream.write("\r" + " " * self.width + "\r")
        self.stream.write(text + "\n")
        self.stream.flush()


def _isatty(stream: TextIO) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False
