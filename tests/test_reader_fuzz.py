"""Fuzzing the reader with mutations of the real files in data/.

Each case copies a real municipality (or reference scheme) into a folder of its own, breaks one
file in one to three ways (lines deleted, duplicated or swapped, indentation, tabs, odd
Unicode, huge numbers, impossible dates, alias bombs, `!!python` and other tags, deep nesting,
a cut-off end, …) and runs `prepare` on it, as `ikg validate` does. The only acceptable
outcomes: the data passes, or an error of the project's (exit code 1 or 2) whose problems each
name a file and read as messages. Any other exception, a case that takes more than
CASE_SECONDS, or memory beyond MEMORY_CAP fails the test.

The cases run in a process of their own (``python -m tests.test_reader_fuzz``), so that a cap
on memory and a timeout stop a runaway case without harming the test run. The mutations are
seeded: a failure names its case, and ``python -m tests.test_reader_fuzz DIR SEED FIRST LAST``
runs just those cases again. A few of the mutated folders are then given to the real
`ikg validate`, which must exit as the library said, without a traceback.
"""

from __future__ import annotations

import json
import os
import random
import re
import shutil
import signal
import subprocess
import sys
import traceback
from collections.abc import Callable
from pathlib import Path

import pytest

# many mutated copies of the data are read here, and a few validated by `ikg validate`
pytestmark = pytest.mark.slow

SEED = 19
CASES = 80
#: longest a case may take; cases take a few hundredths of a second, a passing one a few tenths
CASE_SECONDS = 10
#: data memory of the process running the cases: a few times what it needs
MEMORY_CAP = 1024**3
#: a problem longer than this quotes too much of a value
LONGEST_PROBLEM = 2000

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DATA_DIR = PROJECT_ROOT / "data"

ODD_CHARACTERS = [
    "\ufeff",  # BOM
    "\x00",
    "\u2028",  # line separator
    "\u2029",
    "\u200f",  # right-to-left mark
    "\u202e",  # right-to-left override
    "\u2066",
    "\x85",  # next line
    "\r",
    "\x1b",
    "\u0301",  # combining acute accent
    "\U0001f600",
    "\ufffe",
    "\ud800",  # a lone surrogate: not UTF-8 at all once written
    "\t",
]
HUGE_NUMBERS = [
    "1" + "0" * 400,
    "-" + "9" * 4400,
    "0x" + "f" * 3000,
    "1" + "0" * 90,
    "1.0e+400",
    "-.inf",
    ".nan",
    "0b_",
    "0x_",
    "1_000_000",
    "190:20:30",
    "1" + ":1" * 400,
    "-0",
    "0o17",
]
IMPOSSIBLE_DATES = [
    "2017-02-30",
    "2017-13-01",
    "2017-00-10",
    "0000-01-01",
    "9999-12-31",
    "2017-02-29",
    "2017-02-30 25:61:61",
    "2017-01-01 10:00:00 +99:99",
    "2017-1-1",
    "10000-01-01",
]
TAGS = [
    "!!python/object:os.system",
    "!!python/object/apply:os.system",
    "!!python/object/new:os.system",
    "!!python/name:os.system",
    "!!python/module:os",
    "!<tag:yaml.org,2002:python/object:os.system>",
    "!!binary",
    "!!set",
    "!!omap",
    "!!pairs",
    "!!int",
    "!!float",
    "!!bool",
    "!!timestamp",
    "!!map",
    "!!seq",
    "!!str",
    "!!null",
    "!!merge",
    "!!value",
    "!local",
]
ODD_VALUES = [
    "[a, b]",
    "{a: b}",
    "~",
    "''",
    "[]",
    "{}",
    "*undefined",
    "&anchor",
    "? x",
    "|",
    ">-",
    "'unterminated",
    '"unterminated',
    '"\\x00 escaped"',
    '"\\ud800"',
    '"\\u2028 und \\U0001F600"',
    '"\\e\\a\\v"',
    "Text mit: Doppelpunkt",
    "Text # mit Kommentar",
    "<b>Markup</b>",
    "@x",
    "`x",
    "- x",
    "x: y",
    "{{}}",
    "x" * 200_000,
]
BILLION_LAUGHS = (
    'lol1: &lol1 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]\n'
    + "".join(f"lol{n}: &lol{n} [{', '.join([f'*lol{n - 1}'] * 9)}]\n" for n in range(2, 10))
)
#: "key: value" or "- key: value", and the value
KEY_VALUE = re.compile(r"^(\s*(?:-\s+)?[^\s#:][^:#]*:)\s+(\S.*)$")

Lines = list[str]


def _any_line(rng: random.Random, lines: Lines) -> int:
    return rng.randrange(len(lines)) if lines else 0


def _value_line(rng: random.Random, lines: Lines) -> int | None:
    candidates = [n for n, line in enumerate(lines) if KEY_VALUE.match(line)]
    return rng.choice(candidates) if candidates else None


def _set_value(rng: random.Random, lines: Lines, value: str) -> str:
    number = _value_line(rng, lines)
    if number is None:
        lines.append(f"x: {value}")
        return "appended"
    match = KEY_VALUE.match(lines[number])
    assert match is not None
    lines[number] = f"{match.group(1)} {value}"
    return f"line {number + 1}"


def delete_line(rng: random.Random, lines: Lines) -> str:
    if not lines:
        return "nothing to delete"
    number = _any_line(rng, lines)
    del lines[number]
    return f"deleted line {number + 1}"


def duplicate_line(rng: random.Random, lines: Lines) -> str:
    number = _any_line(rng, lines)
    lines.insert(number, lines[number] if lines else "")
    return f"duplicated line {number + 1}"


def swap_lines(rng: random.Random, lines: Lines) -> str:
    if len(lines) < 2:
        return "nothing to swap"
    first = rng.randrange(len(lines) - 1)
    second = first + 1 if rng.random() < 0.5 else rng.randrange(len(lines))
    lines[first], lines[second] = lines[second], lines[first]
    return f"swapped lines {first + 1} and {second + 1}"


def reindent(rng: random.Random, lines: Lines) -> str:
    number = _any_line(rng, lines)
    if not lines:
        return "nothing to indent"
    line = lines[number]
    indent = len(line) - len(line.lstrip(" "))
    new = max(0, indent + rng.choice([-4, -2, -1, 1, 2, 3, 4]))
    lines[number] = " " * new + line.lstrip(" ")
    return f"indented line {number + 1} from {indent} to {new}"


def tabify(rng: random.Random, lines: Lines) -> str:
    number = _any_line(rng, lines)
    if not lines:
        return "nothing to tabify"
    line = lines[number]
    lines[number] = "\t" + line.lstrip(" ")
    return f"tab for the indentation of line {number + 1}"


def odd_character(rng: random.Random, lines: Lines) -> str:
    number = _any_line(rng, lines)
    character = rng.choice(ODD_CHARACTERS)
    if not lines:
        lines.append(character)
    else:
        line = lines[number]
        position = rng.randrange(len(line) + 1)
        lines[number] = line[:position] + character + line[position:]
    return f"U+{ord(character):04X} into line {number + 1}"


def huge_number(rng: random.Random, lines: Lines) -> str:
    value = rng.choice(HUGE_NUMBERS)
    return f"number {value[:12]}… at " + _set_value(rng, lines, value)


def impossible_date(rng: random.Random, lines: Lines) -> str:
    dates = [n for n, line in enumerate(lines) if re.search(r"\d{4}-\d{2}-\d{2}", line)]
    value = rng.choice(IMPOSSIBLE_DATES)
    if dates and rng.random() < 0.8:
        number = rng.choice(dates)
        lines[number] = re.sub(r"\d{4}-\d{2}-\d{2}", value, lines[number], count=1)
        return f"date {value} at line {number + 1}"
    return f"date {value} at " + _set_value(rng, lines, value)


def alias(rng: random.Random, lines: Lines) -> str:
    kind = rng.choice(["bomb", "bomb", "recursive", "shared", "merge"])
    if kind == "bomb":
        lines[0:0] = BILLION_LAUGHS.splitlines()
        return "billion laughs, used at " + _set_value(rng, lines, rng.choice(["*lol9", "*lol5"]))
    if kind == "recursive":
        return "recursive alias at " + _set_value(rng, lines, "&loop [*loop]")
    number = _value_line(rng, lines)
    if number is None:
        return "no value to anchor"
    match = KEY_VALUE.match(lines[number])
    assert match is not None
    lines[number] = f"{match.group(1)} &shared {match.group(2)}"
    if kind == "shared":
        where = _set_value(rng, lines, "*shared")
        return f"anchor at line {number + 1}, alias at {where}"
    indent = " " * (len(lines[number]) - len(lines[number].lstrip()))
    lines.insert(_any_line(rng, lines), f"{indent}<<: *shared")
    return f"anchor at line {number + 1}, merge key"


def tag(rng: random.Random, lines: Lines) -> str:
    chosen = rng.choice(TAGS)
    number = _value_line(rng, lines)
    if number is None:
        lines.insert(0, f"{chosen} x")
        return f"tag {chosen} at the top"
    match = KEY_VALUE.match(lines[number])
    assert match is not None
    lines[number] = f"{match.group(1)} {chosen} {match.group(2)}"
    return f"tag {chosen} at line {number + 1}"


def deep_nesting(rng: random.Random, lines: Lines) -> str:
    depth = rng.choice([50, 99, 101, 300, 1200])
    opening, closing = rng.choice([("[", "]"), ("{a: ", "}")])
    value = opening * depth + "1" + closing * depth
    return f"nested {depth} deep at " + _set_value(rng, lines, value)


def odd_value(rng: random.Random, lines: Lines) -> str:
    value = rng.choice(ODD_VALUES)
    return f"value {value[:16]!r} at " + _set_value(rng, lines, value)


def cut_off(rng: random.Random, lines: Lines) -> str:
    text = "\n".join(lines)
    position = rng.randrange(len(text) + 1)
    lines[:] = text[:position].split("\n")
    return f"cut off after character {position}"


MUTATIONS: list[Callable[[random.Random, Lines], str]] = [
    delete_line,
    duplicate_line,
    swap_lines,
    reindent,
    tabify,
    odd_character,
    huge_number,
    impossible_date,
    alias,
    tag,
    deep_nesting,
    odd_value,
    cut_off,
]


def mutate(rng: random.Random, text: str) -> tuple[bytes, list[str]]:
    lines = text.split("\n")
    done = [rng.choice(MUTATIONS)(rng, lines) for _ in range(rng.choice([1, 1, 2, 3]))]
    data = "\n".join(lines).encode("utf-8", errors="surrogatepass")
    if rng.random() < 0.05:
        position = rng.randrange(len(data) + 1)
        data = data[:position] + b"\xff" + data[position:]
        done.append(f"byte 0xFF at byte {position}")
    return data, done


# -- the process that runs the cases ---------------------------------------------------------


class CaseTimeout(BaseException):
    """Raised by the alarm; a BaseException, so that no `except Exception` swallows it."""


def _source_files() -> list[Path]:
    return sorted(DATA_DIR.glob("*/*.yaml"))


def _workspace(root: Path) -> dict[str, Path]:
    """One data folder per municipality: data/reference and that municipality."""
    folders = {}
    for municipality in sorted(p for p in DATA_DIR.iterdir() if p.is_dir()):
        if municipality.name == "reference":
            continue
        data = root / municipality.name / "data"
        shutil.copytree(DATA_DIR / "reference", data / "reference")
        shutil.copytree(municipality, data / municipality.name)
        folders[municipality.name] = data
    return folders


def run_case(data: Path, seeds: Path) -> tuple[str, str | None]:
    """The outcome ('passed', '1' or '2') and what is wrong with it, if anything.

    `prepare` reads first and stops with the reader's error; reading alone first gives the
    same answer for most cases at a third of the cost (no ontology, no shapes).
    """
    from graph.build import prepare
    from graph.errors import IkgError, SourceError
    from graph.sources import read_sources

    signal.setitimer(signal.ITIMER_REAL, CASE_SECONDS)
    try:
        read_sources(data, seeds)
        prepare(data, seeds, workers=1, hermit_limit=-1)
    except CaseTimeout:
        return "hung", f"took more than {CASE_SECONDS} s"
    except IkgError as error:
        outcome = str(error.exit_code)
        if error.exit_code not in (1, 2) or not str(error).strip():
            return outcome, f"{type(error).__name__} with exit code {error.exit_code}: {error}"
        if isinstance(error, SourceError):
            for problem in error.problems:
                if problem.file is None or len(str(problem)) > LONGEST_PROBLEM:
                    return outcome, f"a problem without a file, or too long: {str(problem)[:300]}"
        return outcome, None
    except BaseException:  # noqa: BLE001 - any other exception is what this test looks for
        return "crashed", "".join(traceback.format_exc().splitlines(keepends=True)[-12:])
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
    return "passed", None


def run_cases(root: Path, seed: int, first: int, last: int) -> dict[str, object]:
    from graph.settings import Settings

    def alarm(_signal: int, _frame: object) -> None:
        raise CaseTimeout

    signal.signal(signal.SIGALRM, alarm)
    folders = _workspace(root / "workspace")
    files = _source_files()
    seeds = Settings().seeds_dir
    outcomes: dict[str, int] = {}
    failures = []
    examples: dict[str, str] = {}
    for case in range(first, last):
        rng = random.Random(f"{seed}-{case}")
        source = rng.choice(files)
        slug = source.parent.name if source.parent.name in folders else rng.choice(list(folders))
        data = folders[slug]
        target = data / source.parent.name / source.name
        original = target.read_bytes()
        mutated, done = mutate(rng, original.decode("utf-8"))
        target.write_bytes(mutated)
        try:
            outcome, wrong = run_case(data, seeds)
            outcomes[outcome] = outcomes.get(outcome, 0) + 1
            where = f"case {case}: data/{source.parent.name}/{source.name}: {'; '.join(done)}"
            if wrong is not None:
                failures.append(f"{where}\n{wrong}")
            elif outcome not in examples:  # kept for the real CLI to see
                example = root / "examples" / outcome / "data"
                shutil.copytree(data, example)
                examples[outcome] = str(example)
        finally:
            target.write_bytes(original)
    return {"cases": last - first, "outcomes": outcomes, "failures": failures, "examples": examples}


# -- the tests -------------------------------------------------------------------------------


def _environment() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("IKG_")}
    env["IKG_HERMIT_LIMIT"] = "-1"  # the rules check consistency: no Java
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(PROJECT_ROOT), env.get("PYTHONPATH")]))
    return env


def _capped(*command: str) -> list[str]:
    """Python running ``command`` (a module and its arguments) with its data memory capped."""
    return [
        sys.executable,
        "-c",
        "import resource, runpy, sys\n"
        f"resource.setrlimit(resource.RLIMIT_DATA, ({MEMORY_CAP}, {MEMORY_CAP}))\n"
        "sys.argv = sys.argv[1:]\n"
        "runpy.run_module(sys.argv[0], run_name='__main__', alter_sys=True)\n",
        *command,
    ]


def test_mutated_data_passes_or_is_answered_with_a_message(tmp_path: Path) -> None:
    completed = subprocess.run(
        _capped("tests.test_reader_fuzz", str(tmp_path), str(SEED), "0", str(CASES)),
        cwd=PROJECT_ROOT,
        env=_environment(),
        capture_output=True,
        text=True,
        timeout=CASES * CASE_SECONDS,
    )
    assert completed.returncode == 0, completed.stderr[-5000:]
    report = json.loads(completed.stdout)
    assert report["cases"] == CASES
    assert not report["failures"], "\n\n".join(report["failures"])
    # the mutations reach every outcome: some pass, some do not conform, some do not load
    outcomes = report["outcomes"]
    assert set(outcomes) == {"passed", "1", "2"}, outcomes

    # the real CLI says the same, without a traceback
    for outcome, example in sorted(report["examples"].items()):
        result = subprocess.run(
            _capped("graph.cli", "validate", "--data", example),
            cwd=PROJECT_ROOT,
            env=_environment(),
            capture_output=True,
            text=True,
            timeout=60,
        )
        output = result.stdout + result.stderr
        assert "Traceback" not in output, output[-3000:]
        assert result.returncode == (0 if outcome == "passed" else int(outcome)), output[-3000:]


def test_mutations_are_seeded() -> None:
    text = (DATA_DIR / "oberhausen" / "measures.yaml").read_text(encoding="utf-8")
    first = [mutate(random.Random(f"{SEED}-{case}"), text) for case in range(20)]
    again = [mutate(random.Random(f"{SEED}-{case}"), text) for case in range(20)]
    assert first == again
    assert len({data for data, _ in first}) == 20  # and they differ from case to case


if __name__ == "__main__":
    root, seed, first, last = sys.argv[1:5]
    print(json.dumps(run_cases(Path(root), int(seed), int(first), int(last))))
