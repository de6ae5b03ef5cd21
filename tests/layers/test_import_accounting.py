"""read = loaded + rejected, where "read" is what the file declares, not what GDAL returned."""

from __future__ import annotations

import json
import sqlite3

import geopandas as gpd
import pytest
import shapely

from zonekit import import_layer
from zonekit.errors import SchemaError
from zonekit.layers.study import read_table


def parks(n: int) -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(
        {
            "park_id": [f"P{i:03d}" for i in range(n)],
            "zone_id": "Z",
            "name": [f"{'园区' * 20}{i}" for i in range(n)],  # long rows: many pages
            "kind": "main",
        },
        geometry=[shapely.box(120 + i * 0.01, 31, 120.005 + i * 0.01, 31.005) for i in range(n)],
        crs=4490,
    )


def test_a_geopackage_with_a_corrupt_page_accounts_for_every_declared_feature(tmp_path, study):
    src = tmp_path / "damaged.gpkg"
    parks(200).to_file(src, layer="parks")
    con = sqlite3.connect(src)
    leaves = [
        r[0] for r in con.execute("SELECT pageno FROM dbstat WHERE name = 'parks' AND pagetype = 'leaf'")
    ]
    size = con.execute("PRAGMA page_size").fetchone()[0]
    con.close()
    page = leaves[len(leaves) // 2]
    data = bytearray(src.read_bytes())
    data[(page - 1) * size : page * size] = b"\xff" * size  # one page of rows overwritten
    src.write_bytes(bytes(data))

    report = import_layer(src, study, as_="parks")
    assert report.read == 200  # what the file declares (gpkg_ogr_contents), not what GDAL listed
    assert report.read == report.loaded + report.rejected
    assert 0 < report.rejected < 40  # only the rows on the damaged page; those past it are salvaged
    loaded = read_table(study, "parks")["park_id"]
    assert loaded.is_unique and loaded.max() == "P199"
    rejected = read_table(study, "parks_rejected")
    assert rejected["reason"].str.contains("can no longer be read").all()
    assert len(rejected) == report.rejected


def members(tmp_path, feats) -> object:
    path = tmp_path / "members.geojson"
    path.write_text(json.dumps({"type": "FeatureCollection", "features": feats}), encoding="utf-8")
    return path


def member(i: int, **over) -> dict:
    x = 120 + i * 0.01
    ring = [[x, 31], [x + 0.005, 31], [x + 0.005, 31.005], [x, 31.005], [x, 31]]
    props = {"park_id": f"P{i}", "zone_id": "Z", "name": f"园{i}", "kind": "main"}
    return {
        "type": "Feature",
        "properties": props,
        "geometry": {"type": "Polygon", "coordinates": [ring]},
    } | over


def test_geojson_members_gdal_skips_are_read_and_said(tmp_path, study):
    bad_type = member(1, type="Featur")
    no_type = member(2)
    del no_type["type"]
    src = members(tmp_path, [member(0), bad_type, no_type, member(3)])
    report = import_layer(src, study, as_="parks")
    assert (report.read, report.loaded) == (4, 4)
    assert read_table(study, "parks")["park_id"].tolist() == ["P0", "P1", "P2", "P3"]
    assert any('misspelt "type"' in n and "member 2: Featur" in n for n in report.notes)


def test_a_property_called_geometry_is_kept(tmp_path, study):
    first = member(0)
    first["properties"]["geometry"] = "见附图"
    report = import_layer(members(tmp_path, [first, member(1)]), study, as_="parks")
    assert report.loaded == 2
    assert read_table(study, "parks")["geometry_property"].iloc[0] == "见附图"


@pytest.mark.parametrize(
    ("fields", "both"),
    [({"名称": "name", "简称": "name"}, "名称, 简称"), ({"简称": "zone_id"}, "zone_id, 简称")],
)
def test_fields_mapping_two_columns_onto_one_stops(tmp_path, study, fields, both):
    frame = parks(2).rename(columns={"name": "名称"}).assign(简称=["甲", "乙"])
    src = tmp_path / "p.gpkg"
    frame.to_file(src)
    with pytest.raises(SchemaError, match=f"The source columns {both} would all become"):
        import_layer(src, study, as_="parks", fields=fields)
    assert not study.exists()
