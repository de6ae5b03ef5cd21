"""Progress bars on standard error for the steps a user waits for, silent when nobody is watching.

A bar shows only when standard error is a terminal (tqdm's ``disable=None``), so logs, pipes, CI and
notebooks' captured output stay clean; the command line's ``--quiet`` (or :func:`set_quiet`) silences
it everywhere. Labels are said in the language in force.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterable, Iterator
from typing import TypeVar

from tqdm.auto import tqdm

from zonekit.vocabulary.messages import say

T = TypeVar("T")
_state = {"quiet": False}


def set_quiet(quiet: bool = True) -> None:
    """Show no progress bar from now on (``True``), or show them on a terminal again (``False``).

    Parameters
    ----------
    quiet : bool, default True
        Whether to silence the bars.

    Examples
    --------
    >>> set_quiet(True); bar("progress.parcels", total=3).disable
    True
    >>> set_quiet(False)
    """
    _state["quiet"] = bool(quiet)


PROGRESS_ENV = "ZONEKIT_PROGRESS"
"""Set to ``lines`` to have progress as plain lines on standard error (``zonekit-progress 42 …``) for a
program that runs zonekit and shows the progress itself (the QGIS plugin)."""


class LineBar:
    """A progress bar for a program reading zonekit's standard error: a line per percent reached.

    Examples
    --------
    >>> import io
    >>> out = io.StringIO()
    >>> with LineBar("parcels", total=4, file=out) as b:
    ...     b.update(1); b.update(3)
    >>> out.getvalue().splitlines()
    ['zonekit-progress 25 parcels', 'zonekit-progress 100 parcels']
    """

    disable = False

    def __init__(self, desc: str, *, total: int | None, file=None) -> None:
        self.desc, self.total, self.n, self._said = desc, total, 0, -1
        self._file = file

    def update(self, k: int = 1) -> None:
        """Advance by ``k`` units; say the percent reached when it changed.

        Parameters
        ----------
        k : int, default 1
            Units done since the last call.
        """
        self.n += k
        if self.total:
            pct = min(100, int(100 * self.n / self.total))
            if pct != self._said:
                self._said = pct
                print(f"zonekit-progress {pct} {self.desc}", file=self._file or sys.stderr, flush=True)

    def close(self) -> None:
        """Nothing to clear: the lines stay."""

    def __enter__(self) -> LineBar:
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def bar(label: str, *, total: int | None, unit: str = "") -> tqdm:
    """A progress bar labelled by message ``label`` on standard error (shown only on a terminal).

    Parameters
    ----------
    label : str
        A message id (``"progress.parcels"``).
    total : int, optional
        How many units the step has.
    unit : str, default ""
        A message id naming the unit, or nothing.

    Returns
    -------
    tqdm
        Update it with ``.update(n)``; close it (or use it as a context manager) when the step ends.
    """
    if os.environ.get(PROGRESS_ENV) == "lines" and not _state["quiet"]:
        return LineBar(say(label), total=total)
    return tqdm(
        total=total,
        desc=say(label),
        unit=say(unit) if unit else "it",
        file=sys.stderr,
        leave=False,
        dynamic_ncols=True,
        disable=True if _state["quiet"] else None,
    )


def tracked(items: Iterable[T], label: str, *, total: int, unit: str = "", size=len) -> Iterator[T]:
    """``items`` as they come, advancing a bar by ``size(item)`` for each (e.g. the rows of a chunk).

    Parameters
    ----------
    items : Iterable
        What the step goes through.
    label : str
        A message id for the bar.
    total : int
        The sum of every item's size.
    unit : str, default ""
        A message id naming the unit.
    size : callable, default len
        How much each item advances the bar.

    Yields
    ------
    object
        Each item of ``items``.
    """
    with bar(label, total=total, unit=unit) as b:
        for item in items:
            yield item
            b.update(size(item))
