"""YAML with positions: every mapping and list remembers the line of each key and item.

Error messages must name the line of the offending value, which plain ``yaml.safe_load``
forgets. Duplicate keys, which PyYAML silently lets the last one win, are reported.

Files are parsed by libyaml (PyYAML's C parser) where it is installed: the pure-Python parser
takes most of a build's reading time at hundreds of municipalities. The constructors (lines,
duplicate keys, dates) are the same Python code for both; a file libyaml refuses, or one with
characters PyYAML's reader refuses, is parsed again by the Python parser, so every error
message is PyYAML's own, as before.

A data file is anybody's text, so reading it has limits: only regular files (a named pipe
would block the read forever, a link to /dev/zero never ends), at most ``MAX_FILE_BYTES``,
nested at most ``MAX_DEPTH`` deep (PyYAML recurses once per level), aliases that add at most
``MAX_ALIAS_EXPANSION`` characters ("billion laughs"), and a value PyYAML's constructors cannot turn
into a Python value (``0x_``, ``!!int abc``, a 5,000-digit number) is a located error, not a
Python exception.
"""

from __future__ import annotations

import os
import re
import stat
from collections.abc import Callable
from pathlib import Path
from typing import Any

import yaml

from graph.errors import Problem

#: Largest source file read, in bytes. The largest file in data/ has 26 KB; PyYAML needs some
#: 200 MB and 2 s for a MiB of dense YAML, so this is where a file stops being plausible.
MAX_FILE_BYTES = 1024 * 1024
#: Deepest nesting of mappings and lists; the source format needs about ten levels.
MAX_DEPTH = 100
#: What aliases (``*name``) may add to a file, in characters of text (and one per mapping or
#: list) as if each alias were written out: a shared list of sources used a few times is fine;
#: aliases of aliases that multiply ("billion laughs"), or ten thousand aliases of a long text,
#: are refused before the checks walk every copy.
MAX_ALIAS_EXPANSION = 100_000
#: Most digits of an integer: no value of the source format is a number that long, and Python
#: refuses to convert ints of more than 4,300 digits to text.
MAX_INT_DIGITS = 100

_INT_CEILING = 10**MAX_INT_DIGITS
#: An anchor (``&name``) somewhere in the text; without one there can be no aliases.
_ANCHOR = re.compile(r"&[^\s\[\]{},]")


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


class BeyondLimit(yaml.YAMLError):
    """The file is YAML, but more than the reader takes (too deep, too many aliases, a value
    PyYAML cannot construct); the message is German / English, as the reader's own are."""

    def __init__(self, message: str, mark: yaml.Mark | None, hint: str) -> None:
        self.message, self.hint = message, hint
        self.line = mark.line + 1 if mark is not None else None
        super().__init__(message)


class _PositionLoader(yaml.SafeLoader):
    #: nesting, counted by the composer and the constructors, which recurse once per level
    depth = 0

    def compose_node(self, parent: yaml.Node | None, index: Any) -> yaml.Node:
        # the Python composer recurses per level too, before any constructor runs
        self.depth += 1
        try:
            if self.depth > MAX_DEPTH:
                raise _too_deep(self.peek_event().start_mark)
            return super().compose_node(parent, index)
        finally:
            self.depth -= 1


if yaml.__with_libyaml__:

    class _FastPositionLoader(yaml.CSafeLoader):
        depth = 0

    _LOADERS: tuple[type, ...] = (_FastPositionLoader, _PositionLoader)
else:  # pragma: no cover - PyYAML built without libyaml
    _LOADERS = (_PositionLoader,)

#: What PyYAML's reader refuses (yaml.reader.Reader.NON_PRINTABLE); libyaml differs in details.
_NON_PRINTABLE = re.compile(
    "[^\x09\x0a\x0d\x20-\x7e\x85\xa0-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]"
)


def _too_deep(mark: yaml.Mark) -> BeyondLimit:
    return BeyondLimit(
        f"mehr als {MAX_DEPTH} Ebenen tief verschachtelt / nested more than {MAX_DEPTH} levels "
        "deep",
        mark,
        "Einrückung und Klammern prüfen; das Quellformat braucht etwa zehn Ebenen / check "
        "indentation and brackets; the source format needs about ten levels",
    )


def _construct_mapping(loader: _PositionLoader, node: yaml.Node) -> LocatedDict:
    if not isinstance(node, yaml.MappingNode):  # a `!!map` tag on a list or a scalar
        raise yaml.constructor.ConstructorError(
            None, None, f"expected a mapping node, but found {node.id}", node.start_mark
        )
    loader.depth += 1
    if loader.depth > MAX_DEPTH:
        raise _too_deep(node.start_mark)
    loader.flatten_mapping(node)
    result = LocatedDict()
    result.line = node.start_mark.line + 1
    result.key_lines = {}
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        key_line = key_node.start_mark.line + 1
        try:
            known = key in result.key_lines
        except TypeError:  # a list, mapping or set as a key
            raise yaml.constructor.ConstructorError(
                "while constructing a mapping",
                node.start_mark,
                f"found unhashable key ({key_node.id})",
                key_node.start_mark,
            ) from None
        if known:
            raise DuplicateKey(str(key), result.key_lines[key], key_line)
        result[key] = loader.construct_object(value_node, deep=True)
        result.key_lines[key] = key_line
    loader.depth -= 1
    return result


def _construct_sequence(loader: _PositionLoader, node: yaml.Node) -> LocatedList:
    if not isinstance(node, yaml.SequenceNode):  # a `!!seq` tag on a mapping or a scalar
        raise yaml.constructor.ConstructorError(
            None, None, f"expected a sequence node, but found {node.id}", node.start_mark
        )
    loader.depth += 1
    if loader.depth > MAX_DEPTH:
        raise _too_deep(node.start_mark)
    result = LocatedList(loader.construct_object(child, deep=True) for child in node.value)
    result.line = node.start_mark.line + 1
    result.item_lines = [child.start_mark.line + 1 for child in node.value]
    loader.depth -= 1
    return result


def _construct_timestamp(loader: _PositionLoader, node: yaml.ScalarNode) -> object:
    """A date YAML recognises but that does not exist (2023-02-30) stays text, so that the
    reader can report it with its line instead of PyYAML crashing."""
    try:
        return yaml.SafeLoader.construct_yaml_timestamp(loader, node)
    except (ValueError, AttributeError):  # AttributeError: `!!timestamp` on other text
        return loader.construct_scalar(node)


def _construct_int(loader: _PositionLoader, node: yaml.ScalarNode) -> int:
    # the length first: Python takes quadratic time to convert, and refuses past 4,300 digits
    too_long = len(node.value) > 2 * MAX_INT_DIGITS
    if too_long or abs(value := yaml.SafeLoader.construct_yaml_int(loader, node)) >= _INT_CEILING:
        raise BeyondLimit(
            f"eine Zahl mit mehr als {MAX_INT_DIGITS} Stellen / a number of more than "
            f"{MAX_INT_DIGITS} digits",
            node.start_mark,
            "ist es Text, in Anführungszeichen setzen / if it is text, put it in quotes",
        )
    return value


#: What the constructors of PyYAML raise, beyond its own errors, for a value they cannot read:
#: int('') for `0b_`, a KeyError for `!!bool x`, ValueError for `!!float abc`.
_CONSTRUCTION_FAILURES = (ValueError, KeyError, AttributeError, TypeError, OverflowError)
#: The tags whose constructors raise those; the others raise PyYAML's own errors only (the
#: fuzz test, tests/test_reader_fuzz.py, tries every tag on every kind of node).
_FALLIBLE_TAGS = ("tag:yaml.org,2002:bool", "tag:yaml.org,2002:int", "tag:yaml.org,2002:float")


def _guarded(constructor: Callable[..., Any]) -> Callable[..., Any]:
    """The constructor, turning a Python exception about the node into a located YAML error."""

    def failure(node: yaml.Node) -> BeyondLimit:
        shown = repr(node.value[:40]) if isinstance(node.value, str) else node.id
        tag = node.tag.rsplit(":", 1)[-1]
        return BeyondLimit(
            f"der Wert {shown} ist nicht als {tag} lesbar / the value {shown} cannot be read "
            f"as {tag}",
            node.start_mark,
            "ist es Text, in Anführungszeichen setzen / if it is text, put it in quotes",
        )

    def construct(loader: _PositionLoader, node: yaml.Node) -> Any:
        try:
            return constructor(loader, node)
        except _CONSTRUCTION_FAILURES:
            raise failure(node) from None

    return construct


_OWN_CONSTRUCTORS: dict[str | None, Callable[..., Any]] = {
    "tag:yaml.org,2002:timestamp": _construct_timestamp,
    "tag:yaml.org,2002:int": _construct_int,
    yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG: _construct_mapping,
    yaml.resolver.BaseResolver.DEFAULT_SEQUENCE_TAG: _construct_sequence,
}

for _loader in _LOADERS:
    for _tag, _constructor in _OWN_CONSTRUCTORS.items():
        _loader.add_constructor(_tag, _constructor)
    for _tag in _FALLIBLE_TAGS:
        _loader.add_constructor(_tag, _guarded(_loader.yaml_constructors[_tag]))


def _check_aliases(root: yaml.Node) -> None:
    """Refuse aliases that add more than MAX_ALIAS_EXPANSION, or that contain themselves.

    Sizes the document as if every alias were written out, each node once (memoised), without
    expanding anything: a "billion laughs" of a few lines is refused in microseconds.
    """
    expanded: dict[int, int] = {}
    uses: dict[int, int] = {}
    nodes: dict[int, yaml.Node] = {}
    on_path: set[int] = set()
    stack: list[tuple[yaml.Node, bool]] = [(root, False)]
    while stack:
        node, children_done = stack.pop()
        key = id(node)
        if children_done:
            on_path.discard(key)
            children = _children(node)
            for child in children:
                uses[id(child)] = uses.get(id(child), 0) + 1
            expanded[key] = _own_size(node) + sum(expanded[id(child)] for child in children)
            continue
        if key in expanded:
            continue
        if key in on_path:
            raise BeyondLimit(
                "ein Alias enthält sich selbst / an alias contains itself",
                node.start_mark,
                "den Alias (*name) durch den Inhalt ersetzen / write out what the alias "
                "(*name) stands for",
            )
        on_path.add(key)
        nodes[key] = node
        stack.append((node, True))
        stack.extend((child, False) for child in _children(node) if id(child) not in expanded)
    added = expanded[id(root)] - sum(_own_size(node) for node in nodes.values())
    if added > MAX_ALIAS_EXPANSION:
        # name the anchor whose copies cost the most: the top of the pyramid
        costliest = max(uses, key=lambda key: (uses[key] - 1) * expanded[key])
        raise BeyondLimit(
            f"Aliase (*name) stünden ausgeschrieben für {added} weitere Zeichen, erlaubt sind "
            f"{MAX_ALIAS_EXPANSION}; der teuerste Anker steht hier / aliases (*name) written "
            f"out would add {added} characters, at most {MAX_ALIAS_EXPANSION} are allowed; "
            "the costliest anchor is here",
            nodes[costliest].start_mark,
            "Anker (&name) und Aliase nicht ineinander verschachteln, oder ausschreiben / do "
            "not nest anchors (&name) and aliases, or write the values out",
        )


def _own_size(node: yaml.Node) -> int:
    return 1 + len(node.value) if isinstance(node, yaml.ScalarNode) else 1


def _children(node: yaml.Node) -> list[yaml.Node]:
    if isinstance(node, yaml.SequenceNode):
        return node.value
    if isinstance(node, yaml.MappingNode):
        return [part for pair in node.value for part in pair]
    return []


def _load(loader_class: type, text: str) -> Any:
    loader = loader_class(text)
    try:
        node = loader.get_single_node()
        if node is None:
            return None
        if _ANCHOR.search(text):
            _check_aliases(node)
        return loader.construct_document(node)
    finally:
        loader.dispose()


def parse_yaml(text: str) -> Any:
    """The document with positions; raises PyYAML's (pure-Python parser's) errors."""
    if len(_LOADERS) > 1 and not _NON_PRINTABLE.search(text):
        try:
            return _load(_LOADERS[0], text)
        except BeyondLimit:
            raise  # the same answer from either parser, with its line
        except yaml.YAMLError:
            pass  # parsed again below, for the Python parser's message and line
    return _load(_PositionLoader, text)


def read_source_file(path: Path, limit: int = MAX_FILE_BYTES) -> bytes:
    """The bytes of a regular file of at most ``limit`` bytes; raise OSError or ValueError.

    The file is checked before it is opened (opening a named pipe waits for a writer) and
    again once open, and never read past the limit (a link to /dev/zero has no end).
    """
    _check_regular(os.stat(path).st_mode, path)
    descriptor = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    with os.fdopen(descriptor, "rb") as file:
        info = os.fstat(file.fileno())
        _check_regular(info.st_mode, path)
        if info.st_size > limit:
            raise _too_large(info.st_size, limit)
        data = file.read(limit + 1)
    if len(data) > limit:
        raise _too_large(len(data), limit)
    return data


class NotARegularFile(ValueError):
    def __init__(self, german: str, english: str) -> None:
        self.german, self.english = german, english
        super().__init__(f"{german} / {english}")


def _check_regular(mode: int, path: Path) -> None:
    if stat.S_ISREG(mode):
        return
    if stat.S_ISFIFO(mode):
        german, english = "eine benannte Pipe (FIFO)", "a named pipe (FIFO)"
    elif stat.S_ISDIR(mode):
        german, english = "ein Ordner", "a folder"
    elif stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        german, english = "ein Gerät", "a device"
    elif stat.S_ISSOCK(mode):
        german, english = "ein Socket", "a socket"
    else:
        german, english = "etwas anderes", "something else"
    if path.is_symlink():
        target = os.path.realpath(path)
        german += f" (verweist auf {target})"
        english += f" (links to {target})"
    raise NotARegularFile(german, english)


class FileTooLarge(ValueError):
    pass


def _too_large(size: int, limit: int = MAX_FILE_BYTES) -> FileTooLarge:
    return FileTooLarge(
        f"ist größer als {limit} Bytes ({size} oder mehr) / is larger than "
        f"{limit} bytes ({size} or more)"
    )


def load_yaml(path: Path, display_name: str) -> tuple[Any, Problem | None]:
    """Parse one file; on failure return a problem that names file, line and column."""
    try:
        data = read_source_file(path)
    except NotARegularFile as error:
        return None, Problem(
            f"ist {error.german}, keine Datei / is {error.english}, not a file",
            file=display_name,
            hint="durch eine gewöhnliche YAML-Datei ersetzen oder entfernen / replace it with a "
            "regular YAML file or remove it",
            exit_code_hint=2,
        )
    except FileTooLarge as error:
        return None, Problem(
            str(error),
            file=display_name,
            hint="in mehrere Dateien oder Kommunen aufteilen, oder die richtige Datei wählen / "
            "split it, or check that this is the right file",
            exit_code_hint=2,
        )
    except OSError as error:
        return None, Problem(
            f"kann nicht gelesen werden / cannot be read: {error.strerror or error}",
            file=display_name,
            hint="Rechte und Verweise prüfen / check permissions and links",
            exit_code_hint=2,
        )
    try:
        text = data.decode("utf-8")
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
    except BeyondLimit as error:
        return None, Problem(
            error.message, file=display_name, line=error.line, hint=error.hint, exit_code_hint=2
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
    except yaml.reader.ReaderError as error:
        # a character YAML does not allow (NUL, most control characters), on its line as an
        # editor counts lines
        code = f"#x{error.character:04x}" if isinstance(error.character, int) else "?"
        return None, Problem(
            f"YAML lässt das Zeichen {code} nicht zu / YAML does not allow the character {code}",
            file=display_name,
            line=text.count("\n", 0, error.position) + 1,
            hint="das Zeichen entfernen / remove the character",
            exit_code_hint=2,
        )
    except yaml.YAMLError as error:
        return None, Problem(
            f"cannot be read as YAML: {error}", file=display_name, exit_code_hint=2
        )
