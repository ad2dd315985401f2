"""Hostile source files: each is answered with a message that names the file (and the line
where there is one) and the README's exit code, never with a traceback, a hang or a machine
out of memory.

A named pipe, a link to /dev/zero and an alias bomb are given to the real `ikg validate` in a
process of its own, with a timeout and a memory cap: without the reader's limits the first
waits forever and the others eat memory until the cap stops them.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from graph.errors import SourceError
from graph.settings import PROJECT_ROOT
from graph.sources import read_sources
from graph.sources.fields import MAX_PROBLEMS
from graph.sources.loader import MAX_DEPTH, MAX_FILE_BYTES
from tests.conftest import DATA_DIR, FIXTURES
from tests.editing import line_of, replace

TESTSTADT = FIXTURES / "sources" / "teststadt"
#: memory a validating process may take: a few times what it needs (some 100 MB)
MEMORY_CAP = 1024**3
#: `ikg validate` in a process whose data memory is capped
CAPPED_IKG = [
    sys.executable,
    "-c",
    "import resource, sys\n"
    "cap = int(sys.argv.pop(1))\n"
    "resource.setrlimit(resource.RLIMIT_DATA, (cap, cap))\n"
    "from graph.cli import main\n"
    "main()\n",
    str(MEMORY_CAP),
]
#: A "billion laughs": nine aliases of nine aliases of …, 10^9 'lol' written out; under a
#: choice key, whose check used to quote the value in its message.
BILLION_LAUGHS = (
    'a: &a ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]\n'
    + "".join(
        f"{name}: &{name} [{', '.join(['*' + previous] * 9)}]\n"
        for previous, name in zip("abcdefgh", "bcdefghi", strict=True)
    )
)


@pytest.fixture
def data(tmp_path: Path) -> Path:
    """data/reference plus the small fictional city 'teststadt', writable."""
    folder = tmp_path / "data"
    shutil.copytree(DATA_DIR / "reference", folder / "reference")
    shutil.copytree(TESTSTADT, folder / "teststadt")
    return folder


def problems_of(data: Path) -> SourceError:
    with pytest.raises(SourceError) as raised:
        read_sources(data)
    return raised.value


def validate(data: Path, timeout: float = 30) -> subprocess.CompletedProcess[str]:
    """The real `ikg validate --data` in its own process, memory capped, with a timeout."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("IKG_")}
    env["IKG_HERMIT_LIMIT"] = "-1"  # the rules check consistency: no Java
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(PROJECT_ROOT), env.get("PYTHONPATH")]))
    return subprocess.run(
        [*CAPPED_IKG, "validate", "--data", str(data)],
        cwd=PROJECT_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def assert_refused(result: subprocess.CompletedProcess[str], exit_code: int, *texts: str) -> None:
    output = result.stdout + result.stderr
    assert "Traceback" not in output, output[-3000:]
    assert result.returncode == exit_code, output[-3000:]
    for text in texts:
        assert text in result.stderr, result.stderr


# -- missing keys that later checks relied on ------------------------------------------------


def test_document_without_kind(data: Path) -> None:
    path = data / "teststadt" / "municipality.yaml"
    replace(path, "    kind: Beschlussvorlage\n", "")
    error = problems_of(data)
    assert error.exit_code == 1
    (problem,) = error.problems
    assert problem.file == "data/teststadt/municipality.yaml"
    assert problem.line == line_of(path, "- id: vorlage-1")
    assert "required key 'kind' is missing" in problem.message


def test_document_without_file_with_seeds(data: Path, tmp_path: Path) -> None:
    (tmp_path / "seeds").mkdir()
    replace(data / "teststadt" / "municipality.yaml", "    file: vorlage-1.txt\n", "")
    with pytest.raises(SourceError) as raised:
        read_sources(data, tmp_path / "seeds")
    (problem,) = raised.value.problems
    assert "required key 'file' is missing" in problem.message


#: the form of teststadt's Kommunales Integrationszentrum, in data/reference/
KI_FORM = "label: Kommunales Integrationszentrum, kind: verwaltung}"
KI_FORM_WITHOUT_KIND = "label: Kommunales Integrationszentrum}"


def test_organisation_form_without_kind(data: Path) -> None:
    path = data / "reference" / "organisation-forms.yaml"
    replace(path, KI_FORM, KI_FORM_WITHOUT_KIND)
    error = problems_of(data)
    assert error.exit_code == 1
    # the form is reported where it is; the unit of that form is not blamed for it as well
    (problem,) = error.problems
    assert problem.file == "data/reference/organisation-forms.yaml"
    assert problem.line == line_of(path, KI_FORM_WITHOUT_KIND)
    assert "required key 'kind' is missing" in problem.message


def test_organisation_form_without_kind_through_the_cli(data: Path) -> None:
    replace(data / "reference" / "organisation-forms.yaml", KI_FORM, KI_FORM_WITHOUT_KIND)
    assert_refused(validate(data), 1, "organisation-forms.yaml:", "required key 'kind'")


# -- what the file is -----------------------------------------------------------------------


def test_named_pipe_as_a_data_file(data: Path) -> None:
    path = data / "teststadt" / "bodies.yaml"
    path.unlink()
    os.mkfifo(path)
    assert_refused(validate(data), 2, "data/teststadt/bodies.yaml", "named pipe (FIFO), not a file")


def test_link_to_dev_zero_as_a_data_file(data: Path) -> None:
    path = data / "teststadt" / "bodies.yaml"
    path.unlink()
    path.symlink_to("/dev/zero")
    assert_refused(validate(data), 2, "data/teststadt/bodies.yaml", "a device (links to /dev/zero)")


@pytest.mark.parametrize("name", ["teststadt/municipality.yaml", "reference/actor-types.yaml"])
def test_named_pipe_where_a_required_file_belongs(data: Path, name: str) -> None:
    path = data / name
    path.unlink()
    os.mkfifo(path)
    error = problems_of(data)
    assert error.exit_code == 2
    problem = error.problems[0]  # (without actor types, teststadt's actors are wrong too)
    assert problem.file == f"data/{name}"
    assert "named pipe" in problem.message  # not "missing": something is there


def test_folder_named_like_a_data_file(data: Path) -> None:
    (data / "teststadt" / "events.yaml").mkdir()
    (problem,) = problems_of(data).problems
    assert problem.file == "data/teststadt/events.yaml"
    assert "is a folder, not a file" in problem.message


def test_file_larger_than_the_limit(data: Path) -> None:
    path = data / "teststadt" / "bodies.yaml"
    path.write_text("# " + "x" * MAX_FILE_BYTES + "\n", encoding="utf-8")
    error = problems_of(data)
    assert error.exit_code == 2
    (problem,) = error.problems
    assert f"is larger than {MAX_FILE_BYTES} bytes" in problem.message
    assert problem.hint


def test_broken_link_as_a_data_file(data: Path) -> None:
    path = data / "teststadt" / "bodies.yaml"
    path.unlink()
    path.symlink_to(data / "nowhere.yaml")
    (problem,) = problems_of(data).problems
    assert problem.file == "data/teststadt/bodies.yaml"
    assert "cannot be read: No such file or directory" in problem.message


# -- YAML that PyYAML reads into a crash -----------------------------------------------------


@pytest.mark.parametrize(
    "nesting",
    [
        "events: " + "[" * 1000 + "]" * 1000,  # past libyaml's limit: the Python parser
        "events: " + "[" * 500 + "]" * 500,  # within libyaml's: the constructors
        "events:\n" + "".join("  " * depth + "- \n" for depth in range(1000)),
        "events: " + "{a: " * 300 + "1" + "}" * 300,
    ],
    ids=["flow-1000", "flow-500", "block-1000", "mappings-300"],
)
def test_deep_nesting(data: Path, nesting: str) -> None:
    path = data / "teststadt" / "events.yaml"
    path.write_text(nesting + "\n", encoding="utf-8")
    error = problems_of(data)
    assert error.exit_code == 2
    (problem,) = error.problems
    assert problem.file == "data/teststadt/events.yaml"
    assert f"nested more than {MAX_DEPTH} levels deep" in problem.message
    assert problem.line is not None and problem.line <= MAX_DEPTH + 1


def test_deep_nesting_through_the_cli(data: Path) -> None:
    (data / "teststadt" / "events.yaml").write_text("events: " + "[" * 1000 + "]" * 1000)
    result = validate(data)
    assert_refused(result, 2, "data/teststadt/events.yaml:1:", "nested more than")
    assert len(result.stderr) < 2000  # a message, not 210 KB of traceback


def test_billion_laughs(data: Path) -> None:
    path = data / "teststadt" / "measures.yaml"
    replace(path, "    status: laufend\n", "    status: *i\n")
    path.write_text(BILLION_LAUGHS + path.read_text(encoding="utf-8"), encoding="utf-8")
    result = validate(data, timeout=60)
    assert_refused(result, 2, "data/teststadt/measures.yaml:9:", "aliases (*name) written out")


def test_thousands_of_aliases_of_a_long_text(data: Path) -> None:
    # each label's text is checked character by character: 5,000 times 200,000 of them
    measures = "".join(
        f"  - {{id: m{n}, label: *long, lead: ki, action_fields: [hf-sprache], "
        f"status: laufend, sources: [{{doc: vorlage-1, passage: x}}]}}\n"
        for n in range(5_000)
    )
    text = f"anchor: &long {'Sprachcafé ' * 20_000}\nmeasures:\n{measures}"
    assert len(text.encode()) < MAX_FILE_BYTES
    (data / "teststadt" / "measures.yaml").write_text(text, encoding="utf-8")
    result = validate(data)
    assert_refused(result, 2, "data/teststadt/measures.yaml:1:", "aliases (*name) written out")


def test_alias_that_contains_itself(data: Path) -> None:
    (data / "teststadt" / "events.yaml").write_text("events: &loop [*loop]\n")
    (problem,) = problems_of(data).problems
    assert problem.line == 1 and "an alias contains itself" in problem.message


def test_a_few_aliases_are_fine(data: Path) -> None:
    path = data / "teststadt" / "measures.yaml"
    replace(path, "    action_fields: [hf-sprache]", "    action_fields: &fields [hf-sprache]")
    content = path.read_text(encoding="utf-8")
    path.write_text(content.replace("action_fields: [hf-sprache]", "action_fields: *fields"))
    assert read_sources(data).municipality("teststadt")


@pytest.mark.parametrize(
    ("value", "message"),
    [
        pytest.param(
            "!!python/object/apply:os.system ['touch {marker}']",
            "could not determine a constructor",
            id="python-object-apply",
        ),
        pytest.param("!!python/name:os.system", "could not determine a constructor", id="python"),
        pytest.param("0x_", "the value '0x_' cannot be read as int", id="hex-without-digits"),
        pytest.param("!!int abc", "the value 'abc' cannot be read as int", id="int-tag"),
        pytest.param("!!float abc", "the value 'abc' cannot be read as float", id="float-tag"),
        pytest.param("!!bool jein", "the value 'jein' cannot be read as bool", id="bool-tag"),
        pytest.param("!!map [a, b]", "expected a mapping node, but found sequence", id="map-tag"),
        pytest.param("!!seq {a: b}", "expected a sequence node, but found mapping", id="seq-tag"),
        pytest.param("{[a]: b}", "found unhashable key", id="list-as-key"),
        pytest.param("1" + "0" * 399, "a number of more than 100 digits", id="400-digits"),
        pytest.param("1" + "0" * 5000, "a number of more than 100 digits", id="5000-digits"),
        pytest.param("0x" + "f" * 5000, "a number of more than 100 digits", id="5000-hex-digits"),
    ],
)
def test_values_yaml_cannot_construct(data: Path, tmp_path: Path, value: str, message: str) -> None:
    marker = tmp_path / "executed"
    path = data / "teststadt" / "measures.yaml"
    replace(path, "    lead: ki\n", "    lead: " + value.replace("{marker}", str(marker)) + "\n")
    error = problems_of(data)
    assert error.exit_code == 2
    (problem,) = error.problems
    assert problem.file == "data/teststadt/measures.yaml"
    assert problem.line == line_of(path, "    lead: ")
    assert message in problem.message, problem
    assert not marker.exists()


def test_nul_character_is_located(data: Path) -> None:
    path = data / "teststadt" / "actors.yaml"
    content = path.read_text(encoding="utf-8")
    path.write_text(content.replace("type: mso", "type: m\x00so", 1), encoding="utf-8")
    (problem,) = problems_of(data).problems
    assert problem.line == line_of(path, "type: m\x00so")
    assert "does not allow the character #x0000" in problem.message


# -- values that are read, and must be refused by the checks ---------------------------------


@pytest.mark.parametrize(
    "passage",
    [".inf", "-.inf", ".nan", "1.0e+400", "12345", "1" + "0" * 90],
    ids=[".inf", "-.inf", ".nan", "1.0e+400", "12345", "91-digits"],
)
def test_passage_must_be_text(data: Path, passage: str) -> None:
    path = data / "teststadt" / "measures.yaml"
    replace(path, "        passage: Sprachcafé", f"        passage: {passage}")
    error = problems_of(data)
    assert error.exit_code == 1
    (problem,) = error.problems
    assert problem.line == line_of(path, f"passage: {passage}")
    assert "'passage' is text, not" in problem.message
    assert "quotes" in (problem.hint or "")


def test_quoted_number_is_a_passage(data: Path) -> None:
    replace(data / "teststadt" / "measures.yaml", "passage: Sprachcafé", 'passage: "2017"')
    assert read_sources(data).municipality("teststadt")


def test_label_that_is_infinity(data: Path) -> None:
    path = data / "teststadt" / "measures.yaml"
    replace(path, "    label: Sprachcafé", "    label: .inf")
    (problem,) = problems_of(data).problems
    assert problem.line == line_of(path, "label: .inf")
    assert "is the number inf, not text" in problem.message


def test_half_a_character_from_an_escape(data: Path) -> None:
    path = data / "teststadt" / "measures.yaml"
    replace(path, "    label: Sprachcafé", '    label: "Sprach\\ud800café"')
    (problem,) = problems_of(data).problems
    assert problem.line == line_of(path, "label: ")
    assert "contains half a character, U+D800" in problem.message


def test_megabyte_value_is_quoted_short(data: Path) -> None:
    long_id = "x" * (MAX_FILE_BYTES // 4)
    replace(data / "teststadt" / "measures.yaml", "    lead: ki\n", f"    lead: {long_id}\n")
    replace(data / "teststadt" / "measures.yaml", "    status: laufend", f"    status: {long_id}")
    error = problems_of(data)
    assert error.exit_code == 1
    assert len(error.problems) == 2
    assert all(len(str(problem)) < 1000 for problem in error.problems), str(error)[:2000]


def test_document_file_name_too_long_for_the_file_system(data: Path, tmp_path: Path) -> None:
    (tmp_path / "seeds").mkdir()
    replace(data / "teststadt" / "municipality.yaml", "file: vorlage-1.txt", "file: " + "v" * 5000)
    with pytest.raises(SourceError) as raised:
        read_sources(data, tmp_path / "seeds")
    (problem,) = raised.value.problems
    assert "source document file 'vvvv" in problem.message and "not found" in problem.message


def test_problems_beyond_the_limit_are_counted(data: Path) -> None:
    found = 3 * MAX_PROBLEMS
    (data / "teststadt" / "events.yaml").write_text("events:\n" + "- x\n" * found)
    error = problems_of(data)
    assert error.exit_code == 1
    assert len(error.problems) == MAX_PROBLEMS + 1
    assert f"and {found - MAX_PROBLEMS} more problems, not listed" in error.problems[-1].message


def test_load_error_beyond_the_limit_keeps_exit_code_2(data: Path) -> None:
    (data / "teststadt" / "events.yaml").write_text("events:\n" + "- x\n" * 2 * MAX_PROBLEMS)
    (data / "teststadt" / "papers.yaml").write_text("papers: [\n")  # read after events.yaml
    error = problems_of(data)
    assert error.exit_code == 2
    assert len(error.problems) == MAX_PROBLEMS + 1
    assert f"and {MAX_PROBLEMS + 1} more problems" in error.problems[-1].message
