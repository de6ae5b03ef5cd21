"""A large layer is imported chunk by chunk: the study it gives is the one a whole read gives."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import pyogrio
import pytest
import shapely

import zonekit.geo.io
from tests.conftest import corrupt_shape_record
from zonekit import import_layer
from zonekit.errors import UnknownCodeWarning
from zonekit.layers.study import IMPORTS_TABLE, META_TABLE, REPAIRS_TABLE, list_tables, read_table

N = 53


def parcels(n: int = N, *, with_ids: bool = True) -> gpd.GeoDataFrame:
    """``n`` parcels in Gauss-Krüger metres with the troubles real ones have, spread over the rows."""
    rng = np.random.default_rng(7)
    x0, y0 = 40_500_000.0, 3_500_000.0
    geoms = [shapely.box(x0 + i * 50, y0, x0 + i * 50 + 40 + rng.random(), y0 + 40) for i in range(n)]
    for i in range(3, n, 11):  # bow-ties: repaired, with the area change recorded
        x = x0 + i * 50
        geoms[i] = shapely.Polygon([(x, y0), (x + 40, y0 + 40), (x + 40, y0), (x, y0 + 40)])
    for i in range(5, n, 17):  # no geometry: rejected
        geoms[i] = None
    codes = np.array(["0601", "0701", "1201", "9999"], dtype=object)[rng.integers(0, 4, n)]
    tax = rng.random(n).round(3).astype(object)
    tax[8::13] = "不详"  # not a number: rejected with the value named
    frame = gpd.GeoDataFrame(
        {
            "地块编号": [f"DK{i:05d}" for i in range(n)],
            "地类编码": codes,
            "税收": tax,
            "备注": [f"第{i}块" for i in range(n)],
        },
        geometry=geoms,
        crs="EPSG:4528",  # CGCS2000 3-degree GK zone 40, with the zone prefix
    )
    return frame if with_ids else frame.drop(columns="地块编号")


def tables(study) -> dict[str, pd.DataFrame]:
    out = {}
    for name in list_tables(study):
        if name == META_TABLE:  # when each study was made
            continue
        df = read_table(study, name)
        if name == IMPORTS_TABLE:
            df = df.drop(columns=["imported_at"])
        if isinstance(df, gpd.GeoDataFrame):
            wkb = shapely.to_wkb(df.geometry.values, hex=True)
            df = pd.DataFrame(df.drop(columns=df.geometry.name)).assign(geometry=wkb)
        out[name] = df.reset_index(drop=True)
    return out


def import_both(tmp_path, src, monkeypatch, **kw) -> tuple[dict, dict]:
    """The study of a whole read and that of a read in chunks of 7 features."""
    whole, chunked = tmp_path / "whole.gpkg", tmp_path / "chunked.gpkg"
    with pytest.warns(UnknownCodeWarning):  # the 9999 codes, said once either way
        import_layer(src, whole, **kw)
    monkeypatch.setattr(zonekit.geo.io, "IMPORT_CHUNK_ROWS", 7)
    with pytest.warns(UnknownCodeWarning):
        import_layer(src, chunked, **kw)
    return tables(whole), tables(chunked)


@pytest.mark.parametrize("fmt", ["gpkg", "shp"])
def test_chunked_import_gives_the_same_study(tmp_path, monkeypatch, fmt):
    src = tmp_path / f"parcels.{fmt}"
    pyogrio.write_dataframe(parcels(), src, encoding="GBK" if fmt == "shp" else None)
    whole, chunked = import_both(
        tmp_path, src, monkeypatch, as_="landuse", code_system="gb21010_2017", fields={"税收": "tax_wan"}
    )
    assert whole.keys() == chunked.keys()
    for name in whole:
        pd.testing.assert_frame_equal(chunked[name], whole[name], check_dtype=False, obj=name)
    report = whole[IMPORTS_TABLE].iloc[0]
    rejected = len(range(5, N, 17)) + len(range(8, N, 13))
    assert (report["read"], report["rejected"]) == (N, rejected)
    assert report["loaded"] == N - rejected == len(whole["landuse"])
    assert len(whole[REPAIRS_TABLE]) == len([i for i in range(3, N, 11) if i not in range(8, N, 13)])
    # positions are the source's, not the chunk's
    assert sorted(whole["landuse_rejected"]["source_position"]) == sorted(
        {*range(5, N, 17), *range(8, N, 13)}
    )


def test_generated_ids_continue_across_chunks(tmp_path, monkeypatch):
    src = tmp_path / "parcels.gpkg"
    pyogrio.write_dataframe(parcels(with_ids=False), src)
    whole, chunked = import_both(tmp_path, src, monkeypatch, as_="landuse", code_system="gb21010_2017")
    ids = chunked["landuse"]["parcel_id"]
    assert ids.is_unique and ids.tolist() == whole["landuse"]["parcel_id"].tolist()
    assert ids.iloc[-1] == f"1-{N}"


def test_a_corrupt_record_past_the_first_chunk_loses_only_itself(tmp_path, monkeypatch):
    src = tmp_path / "parcels.shp"
    frame = parcels().dropna(subset=["geometry"]).reset_index(drop=True)
    pyogrio.write_dataframe(frame, src, encoding="GBK")
    corrupt_shape_record(src, 30)
    monkeypatch.setattr(zonekit.geo.io, "IMPORT_CHUNK_ROWS", 7)
    with pytest.warns(UnknownCodeWarning):
        report = import_layer(src, tmp_path / "s.gpkg", as_="landuse", code_system="gb21010_2017")
    assert report.read == len(frame)
    rejected = read_table(tmp_path / "s.gpkg", "landuse_rejected")
    assert 30 in set(rejected["source_position"])
    assert report.read == report.loaded + report.rejected


def test_duplicate_ids_in_different_chunks_are_found(tmp_path, monkeypatch):
    from zonekit.errors import DuplicateIdError

    frame = parcels()
    frame.loc[N - 1, "地块编号"] = frame.loc[0, "地块编号"]
    src = tmp_path / "parcels.gpkg"
    pyogrio.write_dataframe(frame, src)
    monkeypatch.setattr(zonekit.geo.io, "IMPORT_CHUNK_ROWS", 7)
    study = tmp_path / "s.gpkg"
    with pytest.raises(DuplicateIdError, match="DK00000"), pytest.warns(UnknownCodeWarning):
        import_layer(src, study, as_="landuse", code_system="gb21010_2017")
    assert "landuse" not in list_tables(study)  # nothing staged reached the study
