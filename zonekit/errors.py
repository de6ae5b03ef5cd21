"""The zonekit error tree and named warnings.

Every error a user can cause is a :class:`ZonekitError`; the command line turns it into one paragraph
naming the file, the problem and the fix, and exit code 1.
"""

from __future__ import annotations

from pathlib import Path


class ZonekitError(Exception):
    """Root of every error zonekit raises on purpose.

    Parameters
    ----------
    problem : str
        What is wrong, in one or two sentences.
    path : str or Path, optional
        The file the problem is about.
    fix : str, optional
        What the user can do about it.
    """

    def __init__(self, problem: str, *, path: str | Path | None = None, fix: str | None = None) -> None:
        self.problem = problem.strip()
        self.path = None if path is None else str(path)
        self.fix = None if fix is None else fix.strip()
        super().__init__(self.message)

    @property
    def message(self) -> str:
        """The one-paragraph message: file, problem, fix."""
        head = f"{self.path}: " if self.path else ""
        tail = f" {self.fix}" if self.fix else ""
        return f"{head}{self.problem}{tail}"


class InputError(ZonekitError, ValueError):
    """An input file or argument cannot be used as it is."""


class SourceReadError(InputError):
    """A source file cannot be opened or read."""


class UnsafeArchiveError(InputError):
    """A zip archive tries to write outside its folder or decompresses absurdly."""


class EncodingError(InputError):
    """The text encoding of a source cannot be decided."""


class CRSError(InputError):
    """The coordinate reference system is missing, ambiguous or inconsistent."""


class SchemaError(InputError):
    """A layer does not fit its schema; the message lists every problem."""


class DuplicateIdError(InputError):
    """Identifiers that must be unique are repeated."""


class StudyError(ZonekitError):
    """A study file is missing, not a zonekit study, or lacks a layer."""


class ZonekitWarning(UserWarning):
    """Base of zonekit's named warnings."""


class CRSInferredWarning(ZonekitWarning):
    """The CRS was inferred from the coordinates, not declared by the file."""


class EncodingGuessWarning(ZonekitWarning):
    """The text encoding was decided from the bytes, not declared by the file."""


class CodeSystemHintWarning(ZonekitWarning):
    """The land-use code system was detected, not declared."""


class UnknownCodeWarning(ZonekitWarning):
    """Some land-use codes are not in the declared code system."""
