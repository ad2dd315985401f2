"""One base error and its kinds.

Every error carries an exit code for the CLI (1: the data does not conform, 2: usage or load
error) and an HTTP status for the web app, so one handler can render all of them.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Problem:
    """One thing wrong with the source data, located as precisely as the format allows."""

    message: str
    file: str | None = None
    line: int | None = None
    record_id: str | None = None
    hint: str | None = None
    #: 2 where the file could not be loaded at all (syntax, encoding), else 1
    exit_code_hint: int = 1

    def __str__(self) -> str:
        where = self.file or "<data>"
        if self.line is not None:
            where += f":{self.line}"
        text = f"{where}: "
        if self.record_id:
            text += f"[{self.record_id}] "
        text += self.message
        if self.hint:
            text += f" — {self.hint}"
        return text


class IkgError(Exception):
    """Base of all errors the product reports to a user."""

    exit_code = 2
    http_status = 500


class SourceError(IkgError):
    """The source data cannot be read or does not conform; carries every problem found."""

    exit_code = 1
    http_status = 400

    def __init__(self, problems: list[Problem], *, exit_code: int = 1) -> None:
        self.problems = problems
        self.exit_code = exit_code
        count = len(problems)
        head = f"{count} problem{'s' if count != 1 else ''} in the source data"
        super().__init__(head + ":\n" + "\n".join(f"  {problem}" for problem in problems))


class ValidationError(IkgError):
    """The built graph violates the SHACL shapes or is logically inconsistent."""

    exit_code = 1
    http_status = 400


class QueryError(IkgError):
    """A named query or a SPARQL request cannot be run as asked (bad name or parameter)."""

    exit_code = 2
    http_status = 400

    def __init__(self, message: str, *, parameter: str | None = None) -> None:
        self.parameter = parameter
        super().__init__(message)


class NotFoundError(IkgError):
    """An id, query or page that does not exist."""

    exit_code = 2
    http_status = 404


class StoreError(IkgError):
    """The store is missing, locked, unreachable or refused the request."""

    exit_code = 2
    http_status = 503

    def __init__(self, message: str, *, http_status: int | None = None) -> None:
        # a remote store's failure is a bad gateway (502) or its timeout (504) to the viewer
        if http_status is not None:
            self.http_status = http_status
        super().__init__(message)
