"""The zonekit error tree and named warnings.

Every error a user can cause is a :class:`ZonekitError`; the command line turns it into one paragraph
naming the file, the problem and the fix, and exit code 1.
"""

from __future__ import annotations

from pathlib import Path

from zonekit.vocabulary.messages import MESSAGES, paragraph, render


class ZonekitError(Exception):
    """Root of every error zonekit raises on purpose.

    The error carries a message id of :data:`zonekit.vocabulary.messages.MESSAGES` and the values it
    names; :attr:`message` renders it in the language in force (Chinese unless set otherwise), and
    :meth:`text` in a given one.

    Parameters
    ----------
    code : str
        A message id (``"source.missing"``). Text that is not an id is kept as the problem as it is, for
        callers outside zonekit.
    path : str or Path, optional
        The file the problem is about.
    fix : str, optional
        What the user can do about it, overriding the message's own advice.
    **values
        The numbers and names the message names.

    Examples
    --------
    >>> err = SourceReadError("source.missing", path="园区.shp")
    >>> err.text("en")
    '园区.shp: The file does not exist. Check the path and the spelling.'
    >>> err.code
    'source.missing'
    """

    def __init__(
        self, code: str, *, path: str | Path | None = None, fix: str | None = None, **values: object
    ):
        self.code = code if code in MESSAGES else None
        self.values = values
        self.path = None if path is None else str(path)
        self._text = None if self.code else code.strip()
        self._fix = None if fix is None else fix.strip()
        super().__init__(code)

    def text(self, lang: str | None = None) -> str:
        """The one-paragraph message in ``lang`` (default: the language in force): file, problem, fix.

        Parameters
        ----------
        lang : {"zh", "en"}, optional
            The language.

        Returns
        -------
        str
            The paragraph.
        """
        if self.code:
            problem, fix = render(self.code, lang, {"path": self.path, **self.values})
        else:
            problem, fix = self._text or "", ""
        fix = self._fix if self._fix is not None else fix
        return paragraph(self.path or None, problem, fix, lang)

    @property
    def message(self) -> str:
        """The one-paragraph message in the language in force."""
        return self.text()

    def __str__(self) -> str:
        return self.message

    def __reduce__(self):
        """Pickled (sent back from a cluster's worker) with any exception it names as its text."""
        state = dict(self.__dict__)
        state["values"] = {k: str(v) if isinstance(v, BaseException) else v for k, v in self.values.items()}
        return (type(self), self.args, state)


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


class DatumWarning(ZonekitWarning):
    """The source is on an old datum (Xian 1980, Beijing 1954) with no published transformation to CGCS2000."""


class PositionWarning(ZonekitWarning):
    """Features lie where the data cannot be (outside China once placed), or their axes were swapped."""
