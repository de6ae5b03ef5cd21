"""The partitioned GeoParquet parcel store (``zonekit partition``): every parcel once, in bounded partitions,
read in place of the study's layer, refused once the layer has changed."""

from __future__ import annotations

import json
import shutil
import sqlite3
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pyogrio
import pytest
import shapely

from tests.cli.test_cli import run


@pytest.fixture
def study(tmp_path: Path, sample_study: Path) -> Path:
    path = tmp_path / "s.gpkg"
    shutil.copy(sample_study, path)
    return path


def _parts(folder: Path) -> list[gpd.GeoDataFrame]:
    manifest = json.loads((folder / "_zonekit_partitions.json").read_text(encoding="utf-8"))
    return [gpd.read_parquet(folder / p["file"]) for p in manifest["partitions"]]


@pytest.mark.parametrize("by", ["hilbert", "county"])
def test_every_parcel_lands_in_exactly_one_partition_of_bounded_size(study, tmp_path, by):
    out = tmp_path / "lu.parquet"
    r = run("partition", str(study), "--out", str(out), "--by", by, "--rows", "4000", "--lang", "en")
    assert r.returncode == 0, r.stderr
    layer = pyogrio.read_dataframe(study, layer="landuse")
    parts = _parts(out)
    assert all(len(p) <= 4000 for p in parts) and len(parts) >= len(layer) // 4000
    got = pd.concat(parts)
    assert sorted(got["parcel_id"]) == sorted(layer["parcel_id"])  # each once, none lost
    # the same attributes and shapes as the study's layer, parcel by parcel
    want = layer.set_index("parcel_id").loc[got["parcel_id"]]
    assert (got["land_use_code"].to_numpy() == want["land_use_code"].to_numpy()).all()
    assert shapely.equals_exact(got.geometry.values, want.geometry.values, 0).all()
    # within a partition, the layer's order
    rank = pd.Series(np.arange(len(layer)), index=layer["parcel_id"])
    for p in parts:
        assert (np.diff(rank.loc[p["parcel_id"]].to_numpy()) > 0).all()
    manifest = json.loads((out / "_zonekit_partitions.json").read_text(encoding="utf-8"))
    for p, part in zip(manifest["partitions"], parts, strict=True):
        assert p["rows"] == len(part)
        np.testing.assert_allclose(p["bounds"], part.total_bounds)
    assert f"{len(layer):,}" in r.stdout and f"{len(parts)} partitions" in r.stdout


def test_a_county_partition_holds_only_parcels_of_that_county(study, tmp_path):
    out = tmp_path / "c.parquet"
    assert run("partition", str(study), "--out", str(out), "--by", "county").returncode == 0
    admin = pyogrio.read_dataframe(study, layer="admin")
    counties = admin[admin["level"] == "county"].reset_index(drop=True)
    for part in _parts(out):
        b = part.geometry.bounds
        mid = shapely.points((b["minx"] + b["maxx"]) / 2, (b["miny"] + b["maxy"]) / 2)
        inside = [shapely.intersects(g, mid) for g in counties.geometry]
        county = np.array(inside).argmax(axis=0)  # first county (by adcode order) holding each box middle
        assert len(set(county[np.array(inside).any(axis=0)])) <= 1


def test_commands_read_the_store_in_place_of_the_layer(study, tmp_path):
    out = tmp_path / "lu.parquet"
    assert run("partition", str(study), "--out", str(out), "--rows", "3000").returncode == 0
    # the study now reads the parcels from the store: take one parcel out of the store and it is missing
    import zonekit

    whole = zonekit.read_study(study, layers=["landuse"])["landuse"]
    assert len(whole) == pyogrio.read_info(study, layer="landuse")["features"]
    first = out / "part-00000.parquet"
    part = gpd.read_parquet(first)
    part.iloc[1:].to_parquet(first)
    assert len(zonekit.read_study(study, layers=["landuse"])["landuse"]) == len(whole) - 1


@pytest.mark.filterwarnings("ignore::zonekit.errors.UnknownCodeWarning")  # the sample plants unknown codes
def test_an_import_rewrites_the_store_and_an_edit_elsewhere_makes_it_refused(study, tmp_path):
    out = tmp_path / "lu.parquet"
    assert run("partition", str(study), "--out", str(out)).returncode == 0
    src = tmp_path / "more.gpkg"
    lu = pyogrio.read_dataframe(study, layer="landuse")
    pyogrio.write_dataframe(lu.iloc[5:], src)  # a later survey: five parcels fewer
    r = run("import", str(src), "--into", str(study), "--as", "landuse", "--replace")
    assert r.returncode == 0, r.stderr
    assert len(pd.concat(_parts(out))) == len(lu) - 5  # the import wrote the study's store anew
    assert run("intensity", str(study), "--out", str(tmp_path / "i.csv")).returncode == 0
    con = sqlite3.connect(study)  # then five more parcels deleted in QGIS: the store no longer stands for it
    with con:
        con.execute("DELETE FROM landuse WHERE fid IN (SELECT fid FROM landuse LIMIT 5)")
    con.close()
    r = run("intensity", str(study), "--out", str(tmp_path / "i.csv"), "--lang", "en")
    said = " ".join(r.stderr.split())
    assert r.returncode == 1
    assert "has changed since it was partitioned" in said and "Partition it again: zonekit partition" in said
    assert run("partition", str(study), "--out", str(out)).returncode == 0  # cut again: read again
    assert run("intensity", str(study), "--out", str(tmp_path / "i.csv")).returncode == 0


def test_a_failed_partition_leaves_the_previous_store(study, tmp_path):
    out = tmp_path / "lu.parquet"
    assert run("partition", str(study), "--out", str(out), "--rows", "5000").returncode == 0
    before = sorted(p.name for p in out.iterdir())
    r = run("partition", str(study), "--out", str(out), "--by", "county", "--layer", "parks_nope")
    assert r.returncode == 1
    assert sorted(p.name for p in out.iterdir()) == before


@pytest.mark.filterwarnings("ignore::zonekit.errors.UnknownCodeWarning")  # the sample plants unknown codes
def test_info_names_the_store_and_remove_goes_back_to_the_layer(study, tmp_path):
    import zonekit

    out = tmp_path / "lu.parquet"
    assert run("partition", str(study), "--out", str(out), "--rows", "8000").returncode == 0
    n = pyogrio.read_info(study, layer="landuse")["features"]
    r = run("info", str(study), "--lang", "en")
    assert (
        f"landuse is read from a partitioned store: {out.resolve()} "
        f"(4 partitions, by Hilbert curve, {n:,} features)" in r.stdout
    )
    con = sqlite3.connect(study)  # seven parcels deleted by another program
    with con:
        con.execute("DELETE FROM landuse WHERE fid IN (SELECT fid FROM landuse LIMIT 7)")
    con.close()
    said = " ".join(run("info", str(study), "--lang", "en").stdout.split())
    assert "out of date: the layer changed since" in said
    r = run("partition", str(study), "--remove", "--lang", "en")
    assert r.returncode == 0 and "from the study itself" in r.stdout
    assert len(zonekit.read_study(study, layers=["landuse"])["landuse"]) == n - 7  # the layer, not the store
    assert out.exists()
    assert (
        "the study names no partitioned store"
        in run("partition", str(study), "--remove", "--lang", "en").stdout
    )
    assert run("partition", str(study)).returncode == 2  # neither --out nor --remove


def test_a_table_without_geometry_is_not_partitioned(study, tmp_path):
    r = run(
        "partition", str(study), "--layer", "enclaves", "--out", str(tmp_path / "e.parquet"), "--lang", "en"
    )
    assert r.returncode == 1 and "enclaves is a table without geometry" in " ".join(r.stderr.split())
    assert not (tmp_path / "e.parquet").exists()
