"""YAML with positions: every mapping and list remembers the line of each key and item.

Error messages must name the line of the offending value, which plain ``yaml.safe_load``
forgets. Duplicate keys, which PyYAML silently lets the last one win, are reported.

Files are parsed by libyaml (PyYAML's C parser) where it is installed: the pure-Python parser
takes most of a build's reading time at hundreds of municipalities. The constructors (lines,
duplicate keys, dates) are the same Python code for both; a file libyaml refuses, or one with
characters PyYAML's reader refuses, is parsed again by the Python parser, so every error
message is PyYAML's own, as before.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml

from graph.errors import Problem


class LocatedDict(dict):
    """A mapping from YAML that knows where it and each of its keys stand (1-based lines)."""

    line: int
    key_lines: dict[str, int]

    def line_of(self, key: str) -> int:
        return self.key_lines.get(key, self.line)


class LocatedList(list):
    """A sequence from YAML that knows the line of each item."""

    line: int
    item_lines: list[int]

    def line_of(self, index: int) -> int:
        return self.item_lines[index] if index < len(self.item_lines) else self.line


class DuplicateKey(yaml.YAMLError):
    def __init__(self, key: str, first_line: int, line: int) -> None:
        self.key, self.first_line, self.line = key, first_line, line
        super().__init__(f"key '{key}' appears twice (lines {first_line} and {line})")


class _PositionLoader(yaml.SafeLoader):
    pass


if yaml.__with_libyaml__:

    class _FastPositionLoader(yaml.CSafeLoader):
        pass

    _LOADERS: tuple[type, ...] = (_FastPositionLoader, _PositionLoader)
else:  # pragma: no cover - PyYAML built without libyaml
    _LOADERS = (_PositionLoader,)

#: What PyYAML's reader refuses (yaml.reader.Reader.NON_PRINTABLE); libyaml differs in details.
_NON_PRINTABLE = re.compile(
    "[^\x09\x0A\x0D\x20-\x7E\x85\xA0-\uD7FF\uE000-\uFFFD\U00010000-\U0010ffff]"
)


def _construct_mapping(loader: _PositionLoader, node: yaml.MappingNode) -> LocatedDict:
    loader.flatten_mapping(node)
    result = LocatedDict()
    result.line = node.start_mark.line + 1
    result.key_lines = {}
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        key_line = key_node.start_mark.line + 1
        if key in result.key_lines:
            raise DuplicateKey(str(key), result.key_lines[key], key_line)
        result[key] = loader.construct_object(value_node, deep=True)
        result.key_lines[key] = key_line
    return result


def _construct_sequence(loader: _PositionLoader, node: yaml.SequenceNode) -> LocatedList:
    result = LocatedList(loader.construct_object(child, deep=True) for child in node.value)
    result.line = node.start_mark.line + 1
    result.item_lines = [child.start_mark.line + 1 for child in node.value]
    return result


def _construct_timestamp(loader: _PositionLoader, node: yaml.ScalarNode) -> object:
    """A date YAML recognises but that does not exist (2023-02-30) stays text, so that the
    reader can report it with its line instead of PyYAML crashing."""
    try:
        return yaml.SafeLoader.construct_yaml_timestamp(loader, node)
    except ValueError:
        return loader.construct_scalar(node)


for _loader in _LOADERS:
    _loader.add_constructor("tag:yaml.org,2002:timestamp", _construct_timestamp)
    _loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)
    _loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_SEQUENCE_TAG, _construct_sequence)


def parse_yaml(text: str) -> Any:
    """The document with positions; raises PyYAML's (pure-Python parser's) errors."""
    if len(_LOADERS) > 1 and not _NON_PRINTABLE.search(text):
        try:
            return yaml.load(text, Loader=_LOADERS[0])  # noqa: S506 - CSafeLoader subclass
        except yaml.YAMLError:
            pass  # parsed again below, for the Python parser's message and line
    return yaml.load(text, Loader=_PositionLoader)  # noqa: S506 - SafeLoader subclass


def load_yaml(path: Path, display_name: str) -> tuple[Any, Problem | None]:
    """Parse one file; on failure return a problem that names file, line and column."""
    try:
        text = path.read_bytes().decode("utf-8")
    except UnicodeDecodeError as error:
        return None, Problem(
            f"is not UTF-8 text (byte {error.start})",
            file=display_name,
            hint="save the file as UTF-8",
            exit_code_hint=2,
        )
    try:
        return parse_yaml(text), None
    except DuplicateKey as error:
        return None, Problem(
            f"key '{error.key}' appears twice in one record (first on line {error.first_line})",
            file=display_name,
            line=error.line,
            hint="remove or rename one of them",
            exit_code_hint=2,
        )
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line = mark.line + 1 if mark else None
        column = f", column {mark.column + 1}" if mark else ""
        reason = error.problem or str(error)
        return None, Problem(
            f"YAML syntax error{column}: {reason}",
            file=display_name,
            line=line,
            hint="check indentation, colons and quotes around this line",
            exit_code_hint=2,
        )
    except yaml.YAMLError as error:
        return None, Problem(
            f"cannot be read as YAML: {error}", file=display_name, exit_code_hint=2
        )
