"""Finding the coordinate reference system of data handed over in China.

Order of evidence: the user's ``--crs``; the file's own CRS (``.prj``, Esri CGCS2000 names included);
otherwise the coordinates themselves — degrees mean CGCS2000 geographic (EPSG:4490), Gauss-Krüger
eastings with a zone prefix give the exact CGCS2000 3° or 6° code, and 6-digit eastings cannot tell their
zone, so the user is asked, with the candidate codes for the data's rough location. Swapped X/Y (surveying
order, X = north) is detected and undone.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pyproj

from zonekit.errors import CRSError
from zonekit.vocabulary.messages import Reasons

CGCS2000_EPSG = 4490
# China's rough extent in degrees, used to recognise and place data
_LON = (73.0, 136.0)
_LAT = (3.0, 54.0)


@dataclass(frozen=True)
class CRSDecision:
    """The CRS chosen for a source and how it was decided."""

    crs: pyproj.CRS
    how: Reasons
    swapped_xy: bool = False
    inferred: bool = False

    @property
    def label(self) -> str:
        """``EPSG:NNNN`` where there is a code, else the CRS name."""
        code = self.crs.to_epsg(min_confidence=70)
        return f"EPSG:{code}" if code else self.crs.name


def parse_crs(text: str) -> pyproj.CRS:
    """Parse a CRS given as ``EPSG:4528``, ``4528``, WKT (Esri or OGC) or PROJ text.

    Parameters
    ----------
    text : str
        The text.

    Returns
    -------
    pyproj.CRS
        The CRS.
    """
    text = str(text).strip()
    if text.isdigit():
        text = f"EPSG:{text}"
    try:
        crs = pyproj.CRS.from_user_input(text)
    except pyproj.exceptions.CRSError as err:
        raise CRSError("crs.unknown", text=text[:80], err=err) from None
    code = crs.to_epsg(min_confidence=70)
    return pyproj.CRS.from_epsg(code) if code else crs


def gk3_code(cm: int, *, prefixed: bool) -> int:
    """CGCS2000 3° Gauss-Krüger EPSG code for a central meridian (75…135°E).

    Parameters
    ----------
    cm : int
        Central meridian, degrees east.
    prefixed : bool
        Whether eastings carry the zone number.

    Returns
    -------
    int
        CGCS2000 3° Gauss-Krüger EPSG code for a central meridian (75…135°E).
    """
    zone = cm // 3
    return (4513 if prefixed else 4534) + zone - 25


def gk6_code(cm: int, *, prefixed: bool) -> int:
    """CGCS2000 6° Gauss-Krüger EPSG code for a central meridian (75…135°E).

    Parameters
    ----------
    cm : int
        Central meridian, degrees east.
    prefixed : bool
        Whether eastings carry the zone number.

    Returns
    -------
    int
        CGCS2000 6° Gauss-Krüger EPSG code for a central meridian (75…135°E).
    """
    zone = (cm + 3) // 6
    return (4491 if prefixed else 4502) + zone - 13


def candidate_codes(lon_range: tuple[float, float] | None) -> list[tuple[int, str]]:
    """CGCS2000 Gauss-Krüger codes without zone prefix whose zone covers a longitude range.

    With no range (location unknown), every 3° code of China is returned.

    Parameters
    ----------
    lon_range : tuple[float, float]
        Longitude range, degrees east.

    Returns
    -------
    list[tuple[int, str]]
        CGCS2000 Gauss-Krüger codes without zone prefix whose zone covers a longitude range.
    """
    lo, hi = lon_range if lon_range else _LON
    out: list[tuple[int, str]] = []
    for cm in range(75, 136, 3):
        if cm + 1.5 >= lo and cm - 1.5 <= hi:
            out.append((gk3_code(cm, prefixed=False), f"CGCS2000 3° CM {cm}E"))
    for cm in range(75, 136, 6):
        if cm + 3 >= lo and cm - 3 <= hi:
            out.append((gk6_code(cm, prefixed=False), f"CGCS2000 6° CM {cm}E"))
    return out


def _span(a: np.ndarray) -> tuple[float, float]:
    """The range the coordinates cover, garbage left out.

    No CRS used in China reaches 1e8, and in a large layer the outer 0.1% on each side are single bad
    features (they are rejected one by one).
    """
    a = a[np.isfinite(a) & (np.abs(a) < 1e8)]
    if a.size == 0:
        return float("nan"), float("nan")
    if a.size >= 1000:
        lo, hi = np.percentile(a, [0.1, 99.9])
        return float(lo), float(hi)
    return float(a.min()), float(a.max())


def _is_degrees(x: tuple[float, float], y: tuple[float, float]) -> bool:
    in_lon = min(x[0], y[0]) >= -180 and max(x[1], y[1]) <= 180
    return in_lon and ((y[0] >= -90 and y[1] <= 90) or (x[0] >= -90 and x[1] <= 90))


def _prefixed_zone(e: tuple[float, float]) -> int | None:
    if not (e[0] >= 1.3e7 and e[1] < 4.6e7):
        return None
    zone_lo, zone_hi = int(e[0] // 1e6), int(e[1] // 1e6)
    if zone_lo != zone_hi:
        return None
    return zone_lo if (25 <= zone_lo <= 45 or 13 <= zone_lo <= 23) else None


def _is_northing(n: tuple[float, float]) -> bool:
    return n[0] >= 3e5 and n[1] <= 6.2e6


def infer_crs(
    x: np.ndarray,
    y: np.ndarray,
    *,
    path: str | None = None,
    study_lon_range: tuple[float, float] | None = None,
) -> CRSDecision:
    """Infer the CRS of coordinates that came without one.

    Parameters
    ----------
    x, y : numpy.ndarray
        Coordinates as stored in the file (first and second ordinate).
    path : str, optional
        The file, for messages.
    study_lon_range : (float, float), optional
        Longitudes the study already covers; narrows the candidate codes named when the zone is unknown.

    Returns
    -------
    CRSDecision

    Raises
    ------
    CRSError
        When the coordinates cannot tell their CRS (6-digit eastings, local coordinates, no coordinates).
    """
    x = np.asarray(x, dtype=float)
    y = np.asarray(y, dtype=float)
    if x.size == 0 or not np.isfinite(x).any():
        raise CRSError("crs.no_coordinates", path=path)
    xs, ys = _span(x), _span(y)
    if _is_degrees(xs, ys):
        swapped = _LAT[0] <= xs[0] and xs[1] <= _LAT[1] and _LON[0] <= ys[0] and ys[1] <= _LON[1]
        how = Reasons.of("how.lat_first" if swapped else "how.degrees") + Reasons.of("how.assumed_cgcs2000")
        return CRSDecision(pyproj.CRS.from_epsg(CGCS2000_EPSG), how, swapped, True)
    for east, north, swapped in ((xs, ys, False), (ys, xs, True)):
        zone = _prefixed_zone(east)
        if zone is not None and _is_northing(north):
            if zone >= 25:
                code, kind = 4513 + zone - 25, Reasons.of("how.gk3", zone=zone, cm=3 * zone)
            else:
                code, kind = 4491 + zone - 13, Reasons.of("how.gk6", zone=zone, cm=6 * zone - 3)
            how = Reasons.of("how.gk_prefix", zone=zone, kind=kind) + Reasons.of("how.datum_assumed")
            if swapped:
                how += Reasons.of("how.xy_swapped")
            return CRSDecision(pyproj.CRS.from_epsg(code), how, swapped, True)
    for east, north in ((xs, ys), (ys, xs)):
        if east[0] >= 1e5 and east[1] < 1e6 and _is_northing(north):
            lat = (north[0] + north[1]) / 2 / 111_000
            cands = candidate_codes(study_lon_range)
            where = (
                f"the study's longitudes {study_lon_range[0]:.1f}–{study_lon_range[1]:.1f}°E"
                if study_lon_range
                else "China (the study has no layer yet to narrow it)"
            )
            listed = ", ".join(f"EPSG:{c} ({d})" for c, d in cands)
            raise CRSError("crs.gk_zone_unknown", path=path, lat=lat, where=where, listed=listed)
    raise CRSError("crs.undecidable", path=path, x0=xs[0], x1=xs[1], y0=ys[0], y1=ys[1])
