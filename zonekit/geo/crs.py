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


# provincial capitals (and Hong Kong, Macao, Taipei): where a candidate zone would put the data
CAPITALS = (
    ("北京", 116.41, 39.90), ("天津", 117.20, 39.08), ("石家庄", 114.51, 38.04), ("太原", 112.55, 37.87),
    ("呼和浩特", 111.75, 40.84), ("沈阳", 123.43, 41.80), ("长春", 125.32, 43.82), ("哈尔滨", 126.53, 45.80),
    ("上海", 121.47, 31.23), ("南京", 118.80, 32.06), ("杭州", 120.16, 30.27), ("合肥", 117.23, 31.82),
    ("福州", 119.30, 26.08), ("南昌", 115.86, 28.68), ("济南", 117.00, 36.65), ("郑州", 113.63, 34.75),
    ("武汉", 114.31, 30.59), ("长沙", 112.94, 28.23), ("广州", 113.26, 23.13), ("南宁", 108.37, 22.82),
    ("海口", 110.20, 20.04), ("重庆", 106.55, 29.56), ("成都", 104.07, 30.57), ("贵阳", 106.63, 26.65),
    ("昆明", 102.83, 24.88), ("拉萨", 91.14, 29.65), ("西安", 108.94, 34.34), ("兰州", 103.83, 36.06),
    ("西宁", 101.78, 36.62), ("银川", 106.23, 38.49), ("乌鲁木齐", 87.62, 43.83), ("香港", 114.17, 22.32),
    ("澳门", 113.54, 22.19), ("台北", 121.56, 25.04),
)  # fmt: skip
SHOWN_CANDIDATES = 6


def placed_candidates(
    middle: tuple[float, float], study_lon_range: tuple[float, float] | None
) -> tuple[str, str]:
    """The candidate zones for 6-digit eastings, each with where it would put the data, and what they cover.

    Every CGCS2000 3° zone of China is a candidate; each is shown with the longitude and latitude it gives
    the data's middle point and the nearest provincial capital. With a study, the zones that put the data
    nearest the study's longitudes come first (the data need not lie inside the study: it may be the
    neighbouring city's), and the first few are shown.

    Parameters
    ----------
    middle : tuple[float, float]
        The data's middle (easting, northing), metres.
    study_lon_range : tuple[float, float], optional
        The longitudes the study covers.

    Returns
    -------
    tuple[str, str]
        The candidates as text, and what they were chosen for.

    Examples
    --------
    >>> listed, where = placed_candidates((536_000.0, 3_385_000.0), (117.0, 117.6))
    >>> listed.split("; ")[0]
    'EPSG:4548 (3° CM 117E: 117.38°E 30.58°N, near 合肥 138 km)'
    >>> "EPSG:4547 (3° CM 114E: 114.38°E 30.58°N, near 武汉 6 km)" in listed
    True
    """
    geod = pyproj.Geod(ellps="GRS80")
    rows = []
    for cm in range(75, 136, 3):
        code = gk3_code(cm, prefixed=False)
        to_degrees = pyproj.Transformer.from_crs(code, 4490, always_xy=True)
        lon, lat = to_degrees.transform(*middle)
        names = [c[0] for c in CAPITALS]
        _, _, dist = geod.inv(
            np.full(len(CAPITALS), lon),
            np.full(len(CAPITALS), lat),
            [c[1] for c in CAPITALS],
            [c[2] for c in CAPITALS],
        )
        near = int(np.argmin(dist))
        rows.append((code, cm, lon, lat, names[near], dist[near] / 1000))
    if study_lon_range:
        centre = sum(study_lon_range) / 2
        rows.sort(key=lambda r: abs(r[2] - centre))
        shown = rows[:SHOWN_CANDIDATES]
        where = f"the study's longitudes {study_lon_range[0]:.1f}–{study_lon_range[1]:.1f}°E, nearest first"
    else:
        shown = rows
        where = "China (the study has no layer yet to narrow it; 6° zones are EPSG:4502–4512)"
    listed = "; ".join(
        f"EPSG:{code} (3° CM {cm}E: {lon:.2f}°E {lat:.2f}°N, near {name} {km:.0f} km)"
        for code, cm, lon, lat, name, km in shown
    )
    return listed, where


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
            middle = ((east[0] + east[1]) / 2, (north[0] + north[1]) / 2)
            listed, where = placed_candidates(middle, study_lon_range)
            raise CRSError("crs.gk_zone_unknown", path=path, lat=lat, where=where, listed=listed)
    raise CRSError("crs.undecidable", path=path, x0=xs[0], x1=xs[1], y0=ys[0], y1=ys[1])
