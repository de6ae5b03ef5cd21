"""Dated snapshots of the parcels and enterprises, for yearly monitoring (监测统计).

A study keeps its current ``landuse`` and ``enterprises``, which every command reads. For monitoring it
can also keep them as they were on statistics dates: ``landuse_20241231``, ``enterprises_20241231`` …,
copies made inside the study, GeoPackage or PostGIS schema (``zonekit import … --stat-date``,
``zonekit snapshot``). A monitoring date is served by the latest snapshot on or before it.
"""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

from zonekit.errors import StudyError

if TYPE_CHECKING:
    from zonekit.layers.postgis import StudyURL

SNAPSHOT_LAYERS = ("landuse", "enterprises")
"""The layers that change from one statistics date to the next and can be kept by date."""

_NAME = re.compile(r"^(?P<layer>[a-z_]+?)_(?P<day>\d{8})$")


def snapshot_name(layer: str, day: str | pd.Timestamp) -> str:
    """The name of ``layer``'s snapshot on ``day``.

    Parameters
    ----------
    layer : str
        ``landuse`` or ``enterprises``.
    day : str or Timestamp
        The statistics date.

    Returns
    -------
    str
        ``<layer>_YYYYMMDD``.

    Examples
    --------
    >>> snapshot_name("landuse", "2024-12-31")
    'landuse_20241231'
    """
    if layer not in SNAPSHOT_LAYERS:
        raise ValueError(f"only {', '.join(SNAPSHOT_LAYERS)} are kept by date, not {layer!r}")
    return f"{layer}_{pd.Timestamp(day):%Y%m%d}"


def snapshot_dates(tables: Sequence[str]) -> dict[str, list[pd.Timestamp]]:
    """The snapshots among a study's ``tables``: layer → its dates, in order.

    Parameters
    ----------
    tables : sequence of str
        The study's table names (:func:`~zonekit.layers.study.list_tables`).

    Returns
    -------
    dict
        ``landuse`` / ``enterprises`` → sorted dates (layers without snapshots are left out).

    Examples
    --------
    >>> got = snapshot_dates(["parks", "landuse", "landuse_20251231", "landuse_20241231",
    ...                       "landuse_20241231_rejected", "enterprises_20241231", "parks_20241231"])
    >>> {k: [f"{d:%Y-%m-%d}" for d in v] for k, v in got.items()}
    {'landuse': ['2024-12-31', '2025-12-31'], 'enterprises': ['2024-12-31']}
    """
    out: dict[str, list[pd.Timestamp]] = {}
    for name in tables:
        m = _NAME.match(name)
        if m and m["layer"] in SNAPSHOT_LAYERS:
            day = pd.to_datetime(m["day"], format="%Y%m%d", errors="coerce")
            if not pd.isna(day):
                out.setdefault(m["layer"], []).append(day)
    return {k: sorted(v) for k, v in sorted(out.items(), key=lambda kv: SNAPSHOT_LAYERS.index(kv[0]))}


def serving(
    dates: Sequence[pd.Timestamp], day: pd.Timestamp, *, layer: str, study: str | Path
) -> pd.Timestamp:
    """The snapshot that serves the statistics date ``day``: the latest on or before it.

    Parameters
    ----------
    dates : sequence of Timestamp
        The layer's snapshot dates.
    day : Timestamp
        The statistics date.
    layer : str
        The layer (for the message).
    study : str or Path
        The study (for the message).

    Returns
    -------
    Timestamp
        The snapshot's date.

    Raises
    ------
    StudyError
        When every snapshot is later than ``day`` (a later survey must not stand for an earlier date).

    Examples
    --------
    >>> days = [pd.Timestamp("2024-12-31"), pd.Timestamp("2025-12-31")]
    >>> f"{serving(days, pd.Timestamp('2025-06-30'), layer='landuse', study='s.gpkg'):%Y-%m-%d}"
    '2024-12-31'
    """
    earlier = [d for d in dates if d <= day]
    if not earlier:
        raise StudyError(
            "snapshot.none_before",
            path=study,
            layer=layer,
            day=f"{day:%Y-%m-%d}",
            dates=", ".join(f"{d:%Y-%m-%d}" for d in dates),
        )
    return max(earlier)


def take_snapshot(
    study: str | Path | StudyURL, day: str | pd.Timestamp, layers: Sequence[str] = SNAPSHOT_LAYERS
) -> list[str]:
    """Keep the study's current ``layers`` as they are now, as their snapshots on ``day``.

    One transaction on the study file: every snapshot is made, or (killed, failed) none. A snapshot of
    the same date is replaced.

    Parameters
    ----------
    study : str, Path or StudyURL
        The study (a GeoPackage, or a schema in PostgreSQL).
    day : str or Timestamp
        The statistics date the layers describe.
    layers : sequence of str, default ``("landuse", "enterprises")``
        Which to keep; those the study lacks are skipped.

    Returns
    -------
    list of str
        The snapshots made (``landuse_20241231`` …).

    Raises
    ------
    StudyError
        When the study has none of ``layers``, or cannot be written.
    """
    from zonekit.geo import gpkg
    from zonekit.layers import postgis
    from zonekit.layers.study import _study_error, list_tables, writing

    present = list_tables(study)
    copies = {name: snapshot_name(name, day) for name in layers if name in present}
    if not copies:
        raise StudyError("study.no_layers", path=str(study), layers=", ".join(layers))
    if postgis.is_url(study):  # copies made in the database, in one transaction
        postgis.copy_tables(study, copies)
        return list(copies.values())
    with writing(study):
        try:
            gpkg.copy_layers(study, copies)
        except (OSError, sqlite3.Error) as err:
            raise _study_error(err, Path(study)) from None
    return list(copies.values())
