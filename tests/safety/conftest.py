"""A small study built through the importer, and ways to run the command line as users do."""

from __future__ import annotations

import hashlib
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pytest
import shapely

from zonekit.layers.importer import import_layer

ZONEKIT = str(Path(sys.executable).with_name("zonekit"))
X0, Y0, D = 120.0, 32.0, 0.002  # parcels of 0.002° (about 190 m × 220 m) near Nantong


def parcel(i: int, j: int = 0) -> shapely.Polygon:
    return shapely.box(X0 + i * D, Y0 + j * D, X0 + (i + 1) * D, Y0 + (j + 1) * D)


def frames(*, unknown_inside: bool = False, energy_zero: bool = False) -> dict[str, pd.DataFrame]:
    """Zones, parks, parcels and enterprises whose indicators are known by hand.

    Park P1 covers parcels 0–3 exactly: 0 and 1 industrial (0601) and built, 2 and 3 farmland (0101),
    so its development rate is 2/4. Parcel 4 carries the unknown code 9999 and lies outside the park,
    unless ``unknown_inside`` (then P1 covers parcels 0–4 and the rate is 2/5).
    """
    n_in = 5 if unknown_inside else 4
    zones = gpd.GeoDataFrame(
        {"zone_id": ["Z1"], "name": ["示例开发区"], "level": ["provincial"]},
        geometry=[shapely.box(X0, Y0, X0 + 6 * D, Y0 + D)],
        crs=4490,
    )
    parks = gpd.GeoDataFrame(
        {"park_id": ["P1"], "zone_id": ["Z1"], "name": ["主园"], "kind": ["main"]},
        geometry=[shapely.box(X0, Y0, X0 + n_in * D, Y0 + D)],
        crs=4490,
    )
    landuse = gpd.GeoDataFrame(
        {
            "parcel_id": [f"L{i}" for i in range(5)],
            "land_use_code": ["0601", "0601", "0101", "0101", "9999"],
            "build_status": ["built", "built", "unserviced", "unserviced", "unserviced"],
            "enterprise_id": ["E1", "E2", None, None, None],
            "tax_wan": [30.0, 60.0, None, None, None],
            "revenue_wan": [300.0, 600.0, None, None, None],
        },
        geometry=[parcel(i) for i in range(5)],
        crs=4490,
    )
    enterprises = pd.DataFrame(
        {
            "enterprise_id": ["E1", "E2"],
            "name": ["甲公司", "乙公司"],
            "tax_wan": [30.0, 60.0],
            "energy_tce": [0.0 if energy_zero else 10.0, 20.0],
        }
    )
    return {"zones": zones, "parks": parks, "landuse": landuse, "enterprises": enterprises}


def build_study(path: Path, **kw) -> Path:
    import warnings

    from zonekit.errors import UnknownCodeWarning

    for name, df in frames(**kw).items():
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", UnknownCodeWarning)
            import_layer(df, path, as_=name, code_system="sandiao" if name == "landuse" else None)
    return path


@pytest.fixture
def small_study(tmp_path: Path) -> Path:
    return build_study(tmp_path / "study.gpkg")


def digest(path: Path) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def integrity(path: Path) -> str:
    con = sqlite3.connect(path)
    try:
        return con.execute("PRAGMA integrity_check").fetchone()[0]
    finally:
        con.close()


def zonekit(*args: str, env: dict | None = None, **kw) -> subprocess.CompletedProcess:
    """Run the installed ``zonekit`` in a fresh process."""
    return subprocess.run(
        [ZONEKIT, *map(str, args)],
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, **(env or {})},
        **kw,
    )


def run_cli(*args: str) -> int:
    """Run the command line in this process (as the console script does); return the exit code."""
    from zonekit.cli.main import cli

    old = sys.argv
    sys.argv = ["zonekit", *map(str, args)]
    try:
        cli()
    except SystemExit as done:
        return int(done.code or 0)
    finally:
        sys.argv = old
    return 0
