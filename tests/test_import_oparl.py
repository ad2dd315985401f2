"""`ikg import oparl` end to end: a real OParl server on loopback (tests/oparl_server.py),
real files in a copy of data/, the state file beside it; then `ikg validate` and `ikg build`
on what was written."""

from __future__ import annotations

import hashlib
import io
import json
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from graph.cli import main
from graph.importing.oparl.command import _ProgressLine
from graph.importing.oparl.state import STATE_FILE_NAME
from graph.settings import PROJECT_ROOT
from tests.oparl_server import OParlServer, musterstadt, serve

pytestmark = pytest.mark.server

#: no pause between requests, quick retries: the tests stay within seconds
FAST_ENV = {"IKG_OPARL_DELAY": "0", "IKG_OPARL_BACKOFF": "0", "IKG_OPARL_RETRIES": "1"}


@pytest.fixture
def server() -> Iterator[OParlServer]:
    yield from serve(OParlServer(musterstadt()))


@pytest.fixture
def data(tmp_path: Path) -> Path:
    """A data folder with the reference schemes and Leverkusen (whose curated paper the
    conflict test meets), in its own parent, so the state file lands in tmp_path."""
    target = tmp_path / "data"
    target.mkdir()
    for name in ("reference", "leverkusen"):
        shutil.copytree(PROJECT_ROOT / "data" / name, target / name)
    return target


def tree_hash(folder: Path) -> str:
    digest = hashlib.sha256()
    for path in sorted(folder.rglob("*")):
        digest.update(path.relative_to(folder).as_posix().encode() + b"\0")
        if path.is_file():
            digest.update(path.read_bytes())
    return digest.hexdigest()


def run(*args: str, env: dict[str, str] | None = None) -> Result:
    return CliRunner().invoke(main, list(args), env={**FAST_ENV, **(env or {})})


def import_oparl(server: OParlServer, data: Path, *args: str, **options) -> Result:
    return run(
        "import",
        "oparl",
        server.url("/oparl/system"),
        "--municipality",
        options.pop("slug", "musterstadt"),
        "--data",
        str(data),
        *args,
        **options,
    )


def test_an_import_creates_the_municipality_and_remembers_the_time(
    server: OParlServer, data: Path
) -> None:
    leverkusen = tree_hash(data / "leverkusen")
    result = import_oparl(server, data)
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert "OParl: Stadt Musterstadt" in out
    assert "Gremien: Integrationsrat der Stadt Musterstadt" in out
    assert "Neue Kommune: Stadt Musterstadt (musterstadt)" in out
    assert f"{server.url('/oparl/organization/99')}: HTTP 404" in out
    assert "Vorlagen: 3 neu" in out
    # each quirk of the fixture is counted, none failed the import
    assert "Beratungen ohne Sitzung (Datum unbekannt): 1" in out
    assert "Rolle „unbekannt“" in out
    assert "nicht nach Datum geordnet" in out
    assert "(authoritative)" in out
    papers = (data / "musterstadt" / "papers.yaml").read_text(encoding="utf-8")
    assert "V/2025/0101" in papers and "B/2025/0103" in papers
    assert not [
        path for path in (data / "musterstadt").rglob("*") if b"Mustermann-Geheim" in _bytes(path)
    ]
    assert tree_hash(data / "leverkusen") == leverkusen
    state = json.loads((data.parent / STATE_FILE_NAME).read_text(encoding="utf-8"))
    entry = state[f"data/musterstadt {server.url('/oparl/system')}"]
    assert entry["organizations"] == [server.url("/oparl/organization/2")]
    # progress, off a terminal: a plain line per stage on stderr, nothing redrawn
    assert "OParl: lese Beratungsfolgen …" in result.stderr
    assert "\r" not in result.output


def _bytes(path: Path) -> bytes:
    return path.read_bytes() if path.is_file() else b""


def test_a_re_run_with_nothing_changed_leaves_every_file_as_it_was(
    server: OParlServer, data: Path
) -> None:
    assert import_oparl(server, data).exit_code == 0
    before = tree_hash(data)
    server.requested.clear()
    again = import_oparl(server, data)
    assert again.exit_code == 0, again.output
    assert tree_hash(data) == before
    assert "Nichts zu schreiben" in again.stdout and "nur Änderungen seit" in again.stdout
    assert any("modified_since=" in path for path in server.requested)
    assert "/oparl/meeting/11" not in server.requested


def test_a_re_run_takes_changes_and_deletions(server: OParlServer, data: Path) -> None:
    assert import_oparl(server, data).exit_code == 0
    papers_file = data / "musterstadt" / "papers.yaml"
    server.change("/oparl/paper/102", name="Sprachkurse für Neuzugewanderte und Geflüchtete")
    server.delete("/oparl/paper/103")
    again = import_oparl(server, data)
    assert again.exit_code == 0, again.output
    papers = papers_file.read_text(encoding="utf-8")
    assert "Sprachkurse für Neuzugewanderte und Geflüchtete" in papers
    assert "B/2025/0103" not in papers
    assert "1 entfernt" in again.stdout
    assert run("validate", "--data", str(data)).exit_code == 0


def test_since_overrides_the_state_and_full_reads_everything(
    server: OParlServer, data: Path
) -> None:
    assert import_oparl(server, data).exit_code == 0
    server.requested.clear()
    assert import_oparl(server, data, "--since", "2025-05-01").exit_code == 0
    assert any("modified_since=2025-05-01" in path for path in server.requested)
    server.requested.clear()
    assert import_oparl(server, data, "--full").exit_code == 0
    assert not any("modified_since" in path for path in server.requested)


def test_a_dry_run_prints_the_plan_and_writes_nothing(server: OParlServer, data: Path) -> None:
    before = tree_hash(data.parent)
    result = import_oparl(server, data, "--dry-run")
    assert result.exit_code == 0, result.output
    assert "Neue Kommune: Stadt Musterstadt" in result.stdout
    assert "Gremien: 4 neu, 0 geändert, 0 entfernt" in result.stdout
    # and each record it would add, by id and name
    assert (
        "+ neu / added: Vorlage paper-v-2025-0101 „Förderung von Migrantenorganisationen 2025“"
        in result.stdout
    )
    assert result.stdout.count("+ neu / added: Gremium ") == 4
    assert "Probelauf (--dry-run): nichts geschrieben" in result.stdout
    # not even the state file
    assert tree_hash(data.parent) == before


def test_a_curated_paper_met_by_an_imported_one_keeps_its_values(
    server: OParlServer, data: Path
) -> None:
    server.site.objects["/oparl/paper/101"]["reference"] = "2017/1900"
    curated = (data / "leverkusen" / "papers.yaml").read_text(encoding="utf-8")
    result = import_oparl(server, data, slug="leverkusen")
    assert result.exit_code == 0, result.output
    assert "Konflikte (die kuratierten Werte bleiben)" in result.stdout
    assert "Vorlage 2017/1900, title: kuratiert „Integrationskonzept Stadt Leverkusen“" in (
        result.stdout
    )
    papers = (data / "leverkusen" / "papers.yaml").read_text(encoding="utf-8")
    assert "Integrationskonzept Stadt Leverkusen" in papers
    assert papers.count('reference: "2017/1900"') == curated.count('reference: "2017/1900"')
    assert run("validate", "--data", str(data)).exit_code == 0


FAULTS = {
    "a list page that fails": (
        {"status": {"/oparl/body/1/organizations?page=2": 500}},
        "/oparl/body/1/organizations?page=2",
        "HTTP 500",
    ),
    "an object that fails mid-crawl": (
        {"status": {"/oparl/meeting/31": 502}},
        "/oparl/meeting/31",
        "HTTP 502",
    ),
    "broken JSON": ({"broken": {"/oparl/paper/102"}}, "/oparl/paper/102", "nicht mit JSON"),
    "a slow answer": (
        {"delays": {"/oparl/paper/101": 3.0}},
        "/oparl/paper/101",
        "keine Antwort binnen 0.5 s",
    ),
    "a forbidden list": (
        {"status": {"/oparl/organization/2/meetings": 403}},
        "/oparl/organization/2/meetings",
        "HTTP 403",
    ),
}


@pytest.mark.parametrize("fault", FAULTS, ids=list(FAULTS))
def test_a_failing_server_leaves_the_data_folder_unchanged(
    server: OParlServer, data: Path, fault: str
) -> None:
    faults, path, said = FAULTS[fault]
    for name, value in faults.items():
        setattr(server, name, value)
    before = tree_hash(data.parent)
    result = import_oparl(server, data, "--timeout", "0.5")
    assert result.exit_code == 2, result.output
    assert server.url(path) in result.output and said in result.output
    assert "Traceback" not in result.output
    assert tree_hash(data.parent) == before


def test_a_failing_re_run_keeps_the_data_and_the_last_time(server: OParlServer, data: Path) -> None:
    assert import_oparl(server, data).exit_code == 0
    before = tree_hash(data.parent)
    server.change("/oparl/paper/102", name="Neu")
    server.status["/oparl/body/1/papers"] = 500
    result = import_oparl(server, data)
    assert result.exit_code == 2 and "HTTP 500" in result.output
    assert tree_hash(data.parent) == before


@pytest.mark.parametrize(
    ("args", "said"),
    [
        (("--since", "gestern"), "--since gestern: kein Datum"),
        (("--timeout", "0"), "--timeout 0.0: muss größer als 0 sein"),
        (("--organization", "Seniorenbeirat"), "--organization Seniorenbeirat"),
    ],
)
def test_bad_options_are_refused(
    server: OParlServer, data: Path, args: tuple[str, ...], said: str
) -> None:
    result = import_oparl(server, data, *args)
    assert result.exit_code == 2 and said in result.output
    assert not (data / "musterstadt").exists()


def test_a_bad_slug_a_bad_url_and_a_folder_without_reference_are_refused(
    server: OParlServer, tmp_path: Path, data: Path
) -> None:
    bad_slug = import_oparl(server, data, slug="Muster Stadt")
    assert bad_slug.exit_code == 2 and "kein Kürzel" in bad_slug.output
    bad_url = run("import", "oparl", "ftp://x", "--municipality", "m", "--data", str(data))
    assert bad_url.exit_code == 2 and "keine http(s)-URL" in bad_url.output
    empty = tmp_path / "leer"
    empty.mkdir()
    no_data = import_oparl(server, empty)
    assert no_data.exit_code == 2 and "kein Datenordner" in no_data.output
    assert server.requested == []


def test_a_broken_state_file_is_named_and_full_gets_past_it(
    server: OParlServer, data: Path
) -> None:
    (data.parent / STATE_FILE_NAME).write_text("{kaputt", encoding="utf-8")
    refused = import_oparl(server, data)
    assert refused.exit_code == 2 and STATE_FILE_NAME in refused.output
    assert not (data / "musterstadt").exists()
    assert import_oparl(server, data, "--full").exit_code == 0
    assert json.loads((data.parent / STATE_FILE_NAME).read_text(encoding="utf-8"))


def test_progress_on_a_terminal_is_one_line_redrawn() -> None:
    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    terminal = Terminal()
    with _ProgressLine(terminal) as progress:
        progress.update("Gremien", 3, 2)
        progress.update("Sitzungen", 12, 9)
    shown = terminal.getvalue()
    assert "\rOParl: Gremien · 3 Objekte · 2 Anfragen" in shown
    assert "\rOParl: Sitzungen · 12 Objekte · 9 Anfragen" in shown
    assert "\n" not in shown and shown.endswith("\r")


def test_imported_data_validates_and_builds(
    server: OParlServer, tmp_path: Path, data: Path
) -> None:
    fresh = tmp_path / "fresh" / "data"
    fresh.mkdir(parents=True)
    shutil.copytree(data / "reference", fresh / "reference")
    assert import_oparl(server, fresh).exit_code == 0
    validated = run("validate", "--data", str(fresh))
    assert validated.exit_code == 0, validated.output
    built = run("build", "--data", str(fresh), "--store", str(tmp_path / "store"))
    assert built.exit_code == 0, built.output
    assert "musterstadt" in built.output


def test_a_write_that_fails_half_way_puts_the_folder_back(
    server: OParlServer, data: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert import_oparl(server, data).exit_code == 0
    before = tree_hash(data / "musterstadt")
    server.change("/oparl/paper/102", name="Sprachkurse, neu gefasst")
    from graph.importing.oparl import plan as planning

    real_apply = planning.ImportPlan.apply

    def apply_then_fail(plan: planning.ImportPlan) -> None:
        real_apply(plan)
        if plan.folder == data / "musterstadt":  # not the planner's trial run in a scratch copy
            raise OSError(
                28, "No space left on device"
            )  # everything written, then the disk is full

    monkeypatch.setattr(planning.ImportPlan, "apply", apply_then_fail)
    state = (data.parent / STATE_FILE_NAME).read_bytes()
    result = import_oparl(server, data)
    assert result.exit_code == 2 and "No space left on device" in result.output
    assert "Traceback" not in result.output
    assert tree_hash(data / "musterstadt") == before
    assert (data.parent / STATE_FILE_NAME).read_bytes() == state


def test_import_oparl_answers_help() -> None:
    result = run("import", "oparl", "--help")
    assert result.exit_code == 0 and "--organization NAME|ID" in result.output


def test_a_body_without_ags_asks_for_ikg_new_first_and_writes_nothing(data: Path) -> None:
    # many council systems give no AGS, so the Land of a new municipality is unknown
    site = musterstadt()
    for key in ("ags", "rgs"):
        del site.objects["/oparl/body/1"][key]
    for server in serve(OParlServer(site)):
        before = tree_hash(data.parent)
        result = import_oparl(server, data)
        assert result.exit_code == 2, result.output
        assert 'ikg new musterstadt --name "Stadt Musterstadt" --state LAND' in result.output
        assert "Traceback" not in result.output
        assert tree_hash(data.parent) == before
        # once the municipality exists, the same import goes through
        created = run(
            "new",
            "musterstadt",
            "--name",
            "Stadt Musterstadt",
            "--ags",
            "05999000",
            "--data",
            str(data),
        )
        assert created.exit_code == 0, created.output
        assert import_oparl(server, data).exit_code == 0


def test_escape_sequences_in_names_never_reach_the_terminal(data: Path) -> None:
    site = musterstadt()
    site.objects["/oparl/organization/2"]["name"] = "Integrationsrat\x1b]0;übernommen\x07"
    for server in serve(OParlServer(site)):
        result = import_oparl(server, data)
        assert result.exit_code == 0, result.output
        assert "\x1b" not in result.output and "\x07" not in result.output
        assert "Integrationsrat" in result.output
