"""The OParl import's plan (graph/importing/oparl/plan.py) on real files: a copy of data/ in
tmp_path, crawls of hand-made OParl objects (tests/oparl_objects.py), the reader's checks."""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import shutil
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from graph.cli import main
from graph.errors import IkgError, SourceError
from graph.importing.oparl import plan as planning
from graph.importing.oparl.plan import plan_import
from graph.importing.oparl.records import cached_file
from graph.sources import RawRecord, check_records, kinds, read_sources
from tests.conftest import DATA_DIR
from tests.oparl_objects import (
    LEVERKUSEN,
    MUSTERSTADT,
    PERSON_NAME,
    leverkusen_crawl,
    leverkusen_objects,
    make_crawl,
    musterstadt_body,
    musterstadt_crawl,
    musterstadt_objects,
    obj,
)


@pytest.fixture
def data(tmp_path: Path) -> Path:
    target = tmp_path / "data"
    shutil.copytree(DATA_DIR / "reference", target / "reference")
    shutil.copytree(DATA_DIR / "leverkusen", target / "leverkusen")
    return target


def reference(data: Path):
    return read_sources(data, only=set()).reference


def hashes(folder: Path) -> dict[str, str]:
    return {
        str(path.relative_to(folder)): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }


def records_of(folder: Path, kind: kinds.Kind) -> dict[str, dict]:
    document = yaml.safe_load((folder / str(kind.file)).read_text(encoding="utf-8"))
    return {item["id"]: item for item in document[kind.key] or []}


def run(data: Path, crawl, slug: str) -> planning.ImportPlan:
    plan = plan_import(crawl, data / slug, reference(data), slug=slug)
    plan.apply()
    read_sources(data)  # everything written reads back clean
    return plan


# -- curated records win ---------------------------------------------------------------------


def test_the_curated_title_of_2017_1900_stays_and_the_other_is_a_conflict(data: Path) -> None:
    plan = run(data, leverkusen_crawl(), "leverkusen")
    paper = records_of(data / "leverkusen", kinds.PAPER)["paper-2017-1900"]
    assert paper["title"] == "Integrationskonzept Stadt Leverkusen"
    assert paper["type"] == "Vorlage" and paper["under_direction_of"] == ["dezernat-iii"]
    conflicts = [(c.record, c.field, c.curated, c.oparl) for c in plan.conflicts]
    assert conflicts == [
        (
            "Vorlage 2017/1900",
            "title",
            "Integrationskonzept Stadt Leverkusen",
            "Integrationskonzept der Stadt (Entwurf)",
        )
    ]
    assert any(
        "kuratiert „Integrationskonzept Stadt Leverkusen“" in line for line in plan.summary_lines()
    )
    # the linked records pass every check the build makes (shapes, passages in documents)
    outcome = CliRunner().invoke(main, ["validate", "--data", str(data)])
    assert outcome.exit_code == 0, outcome.output


def test_a_linked_curated_paper_gains_its_oparl_source_and_what_it_lacked(data: Path) -> None:
    before = records_of(data / "leverkusen", kinds.PAPER)["paper-2017-1900"]
    run(data, leverkusen_crawl(), "leverkusen")
    paper = records_of(data / "leverkusen", kinds.PAPER)["paper-2017-1900"]
    oparl_id = f"{LEVERKUSEN}/paper/1900"
    assert {"oparl": oparl_id, "file": cached_file(oparl_id)} in paper["sources"]
    assert [s for s in paper["sources"] if "doc" in s] == before["sources"]
    assert paper["files"] == [{"name": "Vorlage 2017/1900", "url": f"{LEVERKUSEN}/file/1.pdf"}]
    # the nine curated consultations stay; the council's gains the agenda item's result
    assert len(paper["consultations"]) == 9
    council = paper["consultations"][0]
    assert council["body"] == "integrationsrat" and council["result"] == "zur Kenntnis genommen"
    for key in ("date", "role", "authoritative", "public"):
        assert council[key] == before["consultations"][0][key]
    # the curated body matched by name is linked, not duplicated
    bodies = records_of(data / "leverkusen", kinds.BODY)
    assert [b for b in bodies.values() if b["label"] == "Integrationsrat"] == [
        bodies["integrationsrat"]
    ]
    assert any("oparl" in s for s in bodies["integrationsrat"]["sources"])
    assert (data / "leverkusen" / cached_file(oparl_id)).is_file()


def test_a_curated_consultation_needs_a_date_an_imported_one_does_not(data: Path) -> None:
    city = read_sources(data).municipality("leverkusen")
    oparl_id = f"{LEVERKUSEN}/consultation/77"

    def paper(source: dict) -> RawRecord:
        values = {
            "id": "paper-x",
            "reference": "X/1",
            "title": "X",
            "type": "Vorlage",
            "consultations": [
                {"body": "integrationsrat", "role": "unbekannt", "sources": [source]}
            ],
            "sources": [{"doc": "vorlage-2017-1900", "passage": "/III"}],
        }
        return RawRecord(kinds.PAPER, values, "test")

    curated = check_records(
        [paper({"doc": "vorlage-2017-1900", "passage": "/III"})],
        municipality=city,
        reference=city_reference(data),
    )
    messages = [problem.message for problem in curated.problems]
    assert any("required key 'date' is missing" in m for m in messages), messages
    assert any("required key 'authoritative' is missing" in m for m in messages), messages
    imported = check_records(
        [paper({"oparl": oparl_id, "file": cached_file(oparl_id)})],
        municipality=city,
        reference=city_reference(data),
    )
    assert imported.ok, imported.problems


def city_reference(data: Path):
    return reference(data)


# -- a new municipality, and messy data ------------------------------------------------------


def test_a_new_municipality_is_created_from_the_body_and_validates(data: Path) -> None:
    plan = run(data, musterstadt_crawl(), "musterstadt")
    folder = data / "musterstadt"
    city = read_sources(data).municipality("musterstadt")
    assert city.label == "Stadt Musterstadt" and city.record.get("ags") == "05999000"
    assert city.record.get("state") == "Nordrhein-Westfalen"
    assert plan.municipality is not None
    outcome = CliRunner().invoke(main, ["validate", "--data", str(data)])
    assert outcome.exit_code == 0, outcome.output
    bodies = records_of(folder, kinds.BODY)
    assert bodies["integrationsrat"]["form"] == "integrationsrat"
    assert bodies["ausschuss-fuer-schule-und-bildung"]["form"] == "ausschuss"
    # no word tells what a "Runder Tisch" is: the most general committee form, counted
    assert bodies["runder-tisch-vielfalt"]["form"] == "ausschuss"
    units = records_of(folder, kinds.UNIT)
    assert units["amt-fuer-integration"]["part_of"] == "musterstadt"
    events = records_of(folder, kinds.EVENT)
    assert [(e["type"], e["date"], e["organiser"]) for e in events.values()] == [
        ("Sitzung", dt.date(2024, 3, 5), ["integrationsrat"])
    ]


def test_messy_council_data_is_imported_and_counted(data: Path) -> None:
    plan = run(data, musterstadt_crawl(), "musterstadt")
    papers = records_of(data / "musterstadt", kinds.PAPER)
    paper = papers["paper-vo-2024-100"]
    assert paper["type"] == "Beantwortung einer Anfrage"
    assert papers["paper-vo-2024-101"]["type"] == "Vorlage"  # "Niederschrift": the default
    assert papers["paper-vo-2024-101"]["consultations"][0]["result"] == "vertagt"
    steps = paper["consultations"]
    assert [step.get("date") for step in steps] == [
        dt.date(2024, 3, 5),
        dt.date(2024, 2, 1),
        None,
        None,
    ]
    assert [step["role"] for step in steps] == [
        "Vorberatung",
        "unbekannt",
        "unbekannt",
        "Kenntnisnahme",
    ]
    # a missing authoritative is stated as nothing, not as false
    assert [step.get("authoritative") for step in steps] == [False, None, None, False]
    assert steps[0]["result"] == "einstimmig empfohlen" and steps[0]["public"] is True
    assert paper["files"] == [{"name": "Anlage Statistik", "url": f"{MUSTERSTADT}/file/7.pdf"}]
    counts = plan.counts
    assert counts[planning.NO_MEETING] == 2
    assert counts[planning.UNKNOWN_ROLE] == 2
    assert counts[planning.OUT_OF_ORDER] == 1
    assert counts[planning.NO_AUTHORITATIVE] == 2
    assert counts[planning.MISSING] == 1
    assert counts[planning.UNKNOWN_PAPER_TYPE] == 1
    assert counts[planning.UNKNOWN_BODY_FORM] == 1
    lines = plan.summary_lines()
    assert "Beratungen ohne Sitzung (Datum unbekannt): 2" in lines
    assert "Vorlagen: 2 neu, 0 geändert, 0 entfernt, 0 unverändert" in lines


def test_nothing_of_a_person_is_written(data: Path) -> None:
    run(data, musterstadt_crawl(), "musterstadt")
    for path in (data / "musterstadt").rglob("*"):
        if path.is_file():
            content = path.read_text(encoding="utf-8")
            assert PERSON_NAME not in content, path
            assert "geheim@example.org" not in content, path
            assert "/person/" not in content or path.suffix == ".json", path
    assert not list((data / "musterstadt" / "oparl").glob("person-*"))


def test_each_record_cites_its_object_and_its_json_is_kept(data: Path) -> None:
    run(data, musterstadt_crawl(), "musterstadt")
    folder = data / "musterstadt"
    city = read_sources(data).municipality("musterstadt")
    cited = {
        source.url: source
        for record in city.every_record()
        for source in record.sources
        if hasattr(source, "url")
    }
    assert f"{MUSTERSTADT}/paper/100" in cited and f"{MUSTERSTADT}/consultation/3" in cited
    for url, source in cited.items():
        assert source.file == cached_file(url)
        assert source.file.startswith("oparl/") and "/" not in source.file[len("oparl/") :]
        assert (folder / source.file).is_file()
    assert cited[f"{MUSTERSTADT}/paper/100"].oparl_type == "Paper"


def test_a_body_without_ags_fails_the_plan_naming_its_url_and_writes_nothing(
    data: Path,
) -> None:
    # the Land of a new municipality is unknown: the message says to create it first
    crawl = musterstadt_crawl(ags=None)
    with pytest.raises(IkgError) as raised:
        plan_import(crawl, data / "musterstadt", reference(data), slug="musterstadt")
    assert raised.value.exit_code == 2
    assert f"{MUSTERSTADT}/body/1 nennt weder AGS noch RGS" in str(raised.value)
    assert 'ikg new musterstadt --name "Stadt Musterstadt" --state LAND' in str(raised.value)
    assert not (data / "musterstadt").exists()


# -- re-runs ----------------------------------------------------------------------------------


def test_an_unchanged_crawl_writes_nothing(data: Path) -> None:
    run(data, musterstadt_crawl(), "musterstadt")
    run(data, leverkusen_crawl(), "leverkusen")
    before = hashes(data)
    for crawl, slug in ((musterstadt_crawl(), "musterstadt"), (leverkusen_crawl(), "leverkusen")):
        plan = plan_import(crawl, data / slug, reference(data), slug=slug)
        assert plan.empty, plan.summary_lines()
        plan.apply()
    assert hashes(data) == before


def test_a_rerun_since_holds_only_what_changed_and_keeps_the_rest(data: Path) -> None:
    run(data, musterstadt_crawl(), "musterstadt")
    folder = data / "musterstadt"
    objects = {value["id"]: value for value in musterstadt_objects()}
    changed = dict(objects[f"{MUSTERSTADT}/paper/100"], name="Sprachförderung (geändert)")
    del changed["auxiliaryFile"]  # the system no longer lists the file
    # only the changed paper comes back; its meeting is not in the crawl this time
    crawl = make_crawl(
        musterstadt_body(),
        [changed],
        [f"{MUSTERSTADT}/organization/10"],
        since=dt.datetime(2024, 6, 1, tzinfo=dt.UTC),
    )
    before = records_of(folder, kinds.PAPER)
    plan = run(data, crawl, "musterstadt")
    after = records_of(folder, kinds.PAPER)
    assert after["paper-vo-2024-101"] == before["paper-vo-2024-101"]
    changed_paper = after["paper-vo-2024-100"]
    assert changed_paper["title"] == "Sprachförderung (geändert)"
    assert "files" not in changed_paper
    # the meetings' dates and the agenda item's result, as the first import wrote them
    assert changed_paper["consultations"] == before["paper-vo-2024-100"]["consultations"]
    assert plan.records.keys() == {"paper"}
    assert len(records_of(folder, kinds.BODY)) == 3


def test_deleted_removes_the_imported_record_and_its_json(data: Path) -> None:
    run(data, musterstadt_crawl(), "musterstadt")
    folder = data / "musterstadt"
    gone = obj(MUSTERSTADT, "Paper", "paper/101", deleted=True)
    crawl = make_crawl(
        musterstadt_body(),
        [gone],
        [f"{MUSTERSTADT}/organization/10"],
        since=dt.datetime(2024, 6, 1, tzinfo=dt.UTC),
    )
    plan = run(data, crawl, "musterstadt")
    assert plan.removals == {"paper": ["paper-vo-2024-101"]}
    assert "paper-vo-2024-101" not in records_of(folder, kinds.PAPER)
    assert "paper-vo-2024-100" in records_of(folder, kinds.PAPER)
    assert not (folder / cached_file(gone["id"])).exists()
    assert not (folder / cached_file(f"{MUSTERSTADT}/consultation/9")).exists()
    # the meeting the other paper is consulted in stays, with its JSON
    assert (folder / cached_file(f"{MUSTERSTADT}/meeting/5")).is_file()


def test_deleted_never_removes_a_curated_record(data: Path) -> None:
    run(data, leverkusen_crawl(), "leverkusen")
    gone = obj(LEVERKUSEN, "Paper", "paper/1900", deleted=True)
    crawl = make_crawl(
        obj(LEVERKUSEN, "Body", "body/1", name="Stadt Leverkusen"),
        [gone],
        [f"{LEVERKUSEN}/organization/1"],
        since=dt.datetime(2024, 1, 1),
    )
    plan = run(data, crawl, "leverkusen")
    assert not plan.removals
    assert "paper-2017-1900" in records_of(data / "leverkusen", kinds.PAPER)
    assert [(c.record, c.field) for c in plan.conflicts] == [("Vorlage 2017/1900", "deleted")]


def test_ids_stay_the_same_and_collisions_get_a_stable_suffix(data: Path) -> None:
    objects = leverkusen_objects()
    twin = obj(LEVERKUSEN, "Organization", "organization/3", name="Integrationsrat (alt)")
    clash = obj(LEVERKUSEN, "Organization", "organization/4", name="Integrationsrat Alt")
    meeting = f"{LEVERKUSEN}/meeting/1"  # the chosen council's: the paper is imported
    paper = obj(
        LEVERKUSEN,
        "Paper",
        "paper/5",
        reference="2020/0005",
        name="Zwei Räte",
        consultation=[
            obj(
                LEVERKUSEN,
                "Consultation",
                "consultation/51",
                meeting=meeting,
                organization=[twin["id"]],
            ),
            obj(
                LEVERKUSEN,
                "Consultation",
                "consultation/52",
                meeting=meeting,
                organization=[clash["id"]],
            ),
        ],
    )
    crawl = make_crawl(
        obj(LEVERKUSEN, "Body", "body/1", name="Stadt Leverkusen"),
        [*objects, twin, clash, paper],
        [f"{LEVERKUSEN}/organization/1"],
    )
    run(data, crawl, "leverkusen")
    first = records_of(data / "leverkusen", kinds.PAPER)["paper-2020-0005"]
    bodies = [step["body"] for step in first["consultations"]]
    assert bodies[0] == "integrationsrat-alt" and bodies[1].startswith("integrationsrat-alt-")
    # a second run from scratch gives the same ids
    again = data.parent / "again"
    shutil.copytree(DATA_DIR / "reference", again / "reference")
    shutil.copytree(DATA_DIR / "leverkusen", again / "leverkusen")
    run(again, dataclasses.replace(crawl), "leverkusen")
    second = records_of(again / "leverkusen", kinds.PAPER)["paper-2020-0005"]
    assert [step["body"] for step in second["consultations"]] == bodies


def test_a_plan_whose_file_would_be_too_large_to_read_fails_before_writing(data: Path) -> None:
    council = f"{MUSTERSTADT}/organization/10"
    meeting = obj(MUSTERSTADT, "Meeting", "meeting/1", start="2024-01-01", organization=[council])
    files = [
        obj(
            MUSTERSTADT,
            "File",
            f"file/{n}",
            name=f"Anlage {n} " + "x" * 80,
            accessUrl=f"{MUSTERSTADT}/files/{n}/" + "a" * 80 + ".pdf",
        )
        for n in range(40)
    ]
    papers = [
        obj(
            MUSTERSTADT,
            "Paper",
            f"paper/{n}",
            reference=f"VO/{n}",
            name=f"Vorlage {n}",
            auxiliaryFile=files,
            consultation=[
                obj(
                    MUSTERSTADT,
                    "Consultation",
                    f"consultation/{n}",
                    meeting=meeting["id"],
                    organization=[council],
                )
            ],
        )
        for n in range(250)
    ]
    council_object = obj(MUSTERSTADT, "Organization", "organization/10", name="Integrationsrat")
    crawl = make_crawl(musterstadt_body(), [council_object, meeting, *papers], [council])
    with pytest.raises(SourceError) as raised:
        plan_import(crawl, data / "musterstadt", reference(data), slug="musterstadt")
    problem = raised.value.problems[0]
    assert problem.file == str(data / "musterstadt" / "papers.yaml")
    assert "1048576" in problem.message
    assert not (data / "musterstadt").exists()
