"""Parcels read chunk by chunk give the same answers as parcels read whole, and bad values are still found."""

import shutil

import numpy as np
import pandas as pd
import pyogrio
import pytest
import shapely

import zonekit
from zonekit.errors import SchemaError
from zonekit.layers.stream import LayerStream
from zonekit.layers.study import read_study


def _close(a: pd.DataFrame, b: pd.DataFrame) -> None:
    assert list(a.columns) == list(b.columns) and len(a) == len(b)
    for c in a.columns:
        if pd.api.types.is_float_dtype(a[c]):
            np.testing.assert_allclose(a[c].to_numpy(float), b[c].to_numpy(float), rtol=1e-12, atol=1e-9)
        elif c != "geometry":  # a transposed table mixes numbers and text in one column
            x, y = pd.to_numeric(a[c], errors="coerce"), pd.to_numeric(b[c], errors="coerce")
            np.testing.assert_allclose(x.to_numpy(float), y.to_numpy(float), rtol=1e-12, atol=1e-9)
            text = x.isna().to_numpy()
            assert a[c][text].astype(str).tolist() == b[c][text].astype(str).tolist(), c


def test_streamed_intensity_equals_the_whole_layer(sample_study):
    st = read_study(sample_study)
    whole = zonekit.intensity(
        st["parks"], st["landuse"], zones=st["zones"], enterprises=st.get("enterprises")
    )
    stream = LayerStream.from_study(sample_study, "landuse", st.crs, chunk_rows=5000)
    assert len(stream) == len(st["landuse"]) and -(-len(stream) // 5000) > 3  # several chunks
    streamed = zonekit.intensity(st["parks"], stream, zones=st["zones"], enterprises=st.get("enterprises"))
    assert set(streamed.frames) == set(whole.frames) >= {"indicators", "mujun", "control"}
    for name in whole.frames:
        _close(whole[name].reset_index(), streamed[name].reset_index())
    assert streamed.metadata["parcels"] == len(st["landuse"])
    assert streamed.metadata["intersecting pairs"] == whole.metadata["intersecting pairs"]


def test_read_study_streams_only_the_layers_asked(sample_study):
    st = read_study(sample_study, layers=["parks", "landuse"], stream=("landuse",))
    assert isinstance(st["landuse"], LayerStream) and not isinstance(st["parks"], LayerStream)
    first = next(st["landuse"].chunks(["analysis_class", "idle"]))
    assert list(first.columns) == ["analysis_class", "idle", "geometry"]
    assert str(first["idle"].dtype) == "boolean"  # brought to the schema's types as it is read


def test_a_bad_value_in_a_late_chunk_is_reported(sample_study, tmp_path):
    path = tmp_path / "s.gpkg"
    shutil.copy(sample_study, path)
    lu = pyogrio.read_dataframe(path, layer="landuse")
    lu.loc[lu.index[-1], "build_status"] = "half-built"  # as an edit in QGIS could leave it
    pyogrio.write_dataframe(lu, path, layer="landuse", driver="GPKG")
    st = read_study(path, layers=["parks", "landuse"], validate_schema=False)
    stream = LayerStream.from_study(path, "landuse", st.crs, chunk_rows=5000)
    with pytest.raises(SchemaError, match="half-built"):
        zonekit.intensity(st["parks"], stream)


def test_check_of_a_file_read_in_chunks_finds_what_the_whole_layer_shows(sample_study, tmp_path, monkeypatch):
    """Duplicate ids in different chunks, an invalid parcel, an unknown code: found as if read whole."""
    import shapely

    from zonekit.layers import stream as stream_module
    from zonekit.layers.check import check_study

    path = tmp_path / "s.gpkg"
    shutil.copy(sample_study, path)
    lu = pyogrio.read_dataframe(path, layer="landuse")
    lu.loc[lu.index[-1], "parcel_id"] = lu["parcel_id"].iloc[0]  # the first chunk's id, again in the last
    lu.loc[lu.index[-2], "geometry"] = shapely.Polygon(
        [(120.5, 32.0), (120.51, 32.01), (120.51, 32.0), (120.5, 32.01)]
    )
    lu.loc[lu.index[-3], ["land_use_code", "analysis_class"]] = ["9999", "unknown"]
    pyogrio.write_dataframe(lu, path, layer="landuse", driver="GPKG")
    whole = check_study(read_study(path, validate_schema=False))
    monkeypatch.setattr(stream_module, "CHUNK_ROWS", 4000)
    chunked = check_study(path)
    assert -(-len(lu) // 4000) > 5
    for check in ("schema", "invalid_geometry", "unknown_land_use_code"):
        a = whole[(whole["check"] == check) & (whole["layer"] == "landuse")]
        b = chunked[(chunked["check"] == check) & (chunked["layer"] == "landuse")]
        assert len(a) > 0, check
        assert (
            a[["severity", "ids", "message"]].values.tolist()
            == b[["severity", "ids", "message"]].values.tolist()
        )
        np.testing.assert_allclose(a["quantity"].astype(float), b["quantity"].astype(float), rtol=1e-12)
    assert f"duplicate parcel_id {lu['parcel_id'].iloc[0]}" in " ".join(chunked["message"])


def test_enclaves_and_versions_read_only_the_parcels_near_them(sample_study):
    """Through the R-tree: the same answers as from the whole layer, from a fraction of the parcels."""
    st = read_study(sample_study)
    streamed = read_study(sample_study, stream=("landuse",))
    assert isinstance(streamed["landuse"], LayerStream)
    for fn, args in (
        (zonekit.enclaves, lambda s: (s["enclaves"], s["parks"], s["landuse"])),
        (zonekit.versions, lambda s: (s["zone_versions"], s["landuse"])),
    ):
        whole, part = fn(*args(st), year=2025), fn(*args(streamed), year=2025)
        assert set(whole.frames) == set(part.frames)
        for name in whole.frames:
            _close(whole[name].reset_index(drop=True), part[name].reset_index(drop=True))
    near = streamed["landuse"].within(st["parks"].iloc[:1].total_bounds)
    assert 0 < len(near) < len(st["landuse"]) / 2
    assert str(near["idle"].dtype) == "boolean"


def _chunks_alone(stream: LayerStream, columns: list[str]) -> list[pd.DataFrame]:
    starts = stream.chunk_starts()
    assert starts is not None
    got = [stream.chunk(k, starts, columns) for k in range(len(starts))]
    assert all(problems == [] for _, problems in got)
    return [chunk for chunk, _ in got]


@pytest.mark.parametrize("gaps", [False, True])
def test_each_chunk_read_alone_is_the_chunk_a_reader_from_the_start_gives(sample_study, tmp_path, gaps):
    path = tmp_path / "s.gpkg"
    shutil.copy(sample_study, path)
    if gaps:  # features deleted (in QGIS, say): ids no longer 1..n, chunks found by numbering the rows
        import sqlite3

        with sqlite3.connect(path) as con:
            con.execute("DELETE FROM landuse WHERE fid % 7 = 3 OR fid BETWEEN 100 AND 2000")
    st = read_study(path, layers=["parks"])
    stream = LayerStream.from_study(path, "landuse", st.crs, chunk_rows=3000)
    starts = stream.chunk_starts()
    assert len(starts) == -(-len(stream) // 3000) > 3
    columns = ["parcel_id", "analysis_class", "idle"]
    whole = list(stream.chunks(columns))
    alone = _chunks_alone(stream, columns)
    assert len(alone) == len(whole)
    for a, b in zip(whole, alone, strict=True):
        pd.testing.assert_frame_equal(a, b)  # same rows, same order, same index (positions in the layer)
    ids = pd.concat(alone)["parcel_id"]
    assert ids.is_unique and len(ids) == len(stream)


def test_intensity_in_forked_workers_equals_one_process_to_the_last_bit(sample_study, monkeypatch):
    import zonekit.layers.stream as stream_module
    from zonekit.geo.parallel import can_fork

    if not can_fork():
        pytest.skip("no fork on this system: intensity reads its chunks in one process")
    st = read_study(sample_study)
    stream = LayerStream.from_study(sample_study, "landuse", st.crs, chunk_rows=4000)
    runs = []
    forking = stream_module.map_forked
    monkeypatch.setattr(stream_module, "map_forked", lambda *a: runs.append(a[1:]) or forking(*a))
    forked = zonekit.intensity(st["parks"], stream, zones=st["zones"], enterprises=st.get("enterprises"))
    monkeypatch.setattr(stream_module, "can_fork", lambda: False)
    alone = zonekit.intensity(st["parks"], stream, zones=st["zones"], enterprises=st.get("enterprises"))
    assert len(runs) == 1 and runs[0][0] == -(-len(stream) // 4000) and runs[0][1] >= 2  # on the workers
    assert set(forked.frames) == set(alone.frames)
    for name in alone.frames:
        pd.testing.assert_frame_equal(forked[name], alone[name], check_exact=True)


def test_streamed_potential_equals_the_whole_layer_and_never_reads_it_whole(sample_study, monkeypatch):
    """The parcels of a study file reach the potential chunk by chunk (forked workers), never whole."""
    st = read_study(sample_study)
    layers = {k: st.get(k) for k in ("parks", "supply", "approvals", "enterprises")}
    whole = zonekit.potential(layers.pop("parks"), parcels=st["landuse"], date="2025-12-31", **layers)
    stream = LayerStream.from_study(sample_study, "landuse", st.crs, chunk_rows=4000)
    assert -(-len(stream) // 4000) > 3  # several chunks

    def whole_read(*args, **kwargs):
        raise AssertionError("the parcels were read whole")

    monkeypatch.setattr(LayerStream, "select", whole_read)
    layers = {k: st.get(k) for k in ("parks", "supply", "approvals", "enterprises")}
    streamed = zonekit.potential(layers.pop("parks"), parcels=stream, date="2025-12-31", **layers)
    assert set(streamed.frames) == set(whole.frames) >= {"plots", "parks_potential", "zones_potential"}
    for name in whole.frames:
        _close(whole[name].reset_index(), streamed[name].reset_index())
    assert whole["parks_potential"]["expansion_ha"].sum() > 0 and len(whole["plots"]) == 5


@pytest.mark.parametrize(("a", "b"), [("landuse", "protected"), ("protected", "landuse")])
def test_streamed_overlap_equals_the_whole_layer_and_never_reads_it_whole(sample_study, monkeypatch, a, b):
    """A study file's parcels overlaid chunk by chunk on forked workers, as A or as B: the same pairs in the
    same order, and the same coverage, as the layer read whole."""
    import dataclasses

    from zonekit.api import overlap_many

    whole = overlap_many(read_study(sample_study), a, [b], buffer_m=50.0)
    st = read_study(sample_study, stream=("landuse",))
    st.layers["landuse"] = dataclasses.replace(st.layers["landuse"], chunk_rows=4000)
    assert -(-len(st["landuse"]) // 4000) > 3  # several chunks

    def whole_read(*args, **kwargs):
        raise AssertionError("the parcels were read whole")

    monkeypatch.setattr(LayerStream, "select", whole_read)
    streamed = overlap_many(st, a, [b], buffer_m=50.0)
    assert len(whole["pairs"]) > 20
    for name in ("pairs", "coverage"):
        assert list(streamed[name]["a_id"]) == list(whole[name]["a_id"])
        _close(
            pd.DataFrame(whole[name]).drop(columns="geometry", errors="ignore"),
            pd.DataFrame(streamed[name]).drop(columns="geometry", errors="ignore"),
        )


@pytest.mark.parametrize("empty", [False, True])
def test_a_layer_with_itself_tile_by_tile_equals_the_whole_layer(sample_study, tmp_path, monkeypatch, empty):
    """The parcels with themselves, read tile by tile with the features around each tile (never whole):
    the same pairs, shapes and coverage, row for row, as the layer read whole; a feature with an empty
    geometry (no box in the R-tree) is read, checked and left out of both tables, as there."""
    from zonekit.analysis import overlap as overlap_module
    from zonekit.api import overlap_many

    path = sample_study
    if empty:
        path = tmp_path / "s.gpkg"
        shutil.copy(sample_study, path)
        lu = pyogrio.read_dataframe(path, layer="landuse")
        lu.loc[lu.index[[5, 4000]], "geometry"] = shapely.Polygon()
        pyogrio.write_dataframe(lu, path, layer="landuse", driver="GPKG")
    whole = overlap_many(read_study(path), "landuse", ["landuse"])
    monkeypatch.setattr(overlap_module, "TILE", 3000)  # about a dozen tiles
    seen = []
    real = overlap_module.maybe_overlapping
    monkeypatch.setattr(
        overlap_module, "maybe_overlapping", lambda g, **kw: seen.append(len(g)) or real(g, **kw)
    )

    def whole_read(*args, **kwargs):
        raise AssertionError("the parcels were read whole")

    monkeypatch.setattr(LayerStream, "select", whole_read)
    tiled = overlap_many(read_study(path, stream=("landuse",)), "landuse", ["landuse"])
    assert len(seen) > 10 and max(seen) < 5000  # tiles and their surroundings, not the layer
    assert len(whole["pairs"]) > 10_000
    for name in ("pairs", "coverage"):
        a, b = pd.DataFrame(whole[name]), pd.DataFrame(tiled[name])
        pd.testing.assert_frame_equal(
            a.drop(columns="geometry", errors="ignore"),
            b.drop(columns="geometry", errors="ignore"),
            check_exact=True,
        )
    assert list(shapely.to_wkb(whole["pairs"].geometry.values)) == list(
        shapely.to_wkb(tiled["pairs"].geometry.values)
    )


def test_tiles_hold_every_feature_once_with_all_that_meet_it(sample_study):
    st = read_study(sample_study, layers=["landuse"], stream=("landuse",))
    layer = st["landuse"]
    boxes = layer.boxes()
    assert boxes is not None and len(boxes[0]) == len(layer)
    whole = pyogrio.read_dataframe(sample_study, layer="landuse", columns=["parcel_id"])
    tree = shapely.STRtree(whole.geometry.values)
    own_seen = []
    for own, around in layer.tiles(boxes, 4000, ["parcel_id"]):
        own_seen.append(own.index.to_numpy())
        assert list(own["parcel_id"]) == list(whole["parcel_id"].iloc[own.index])  # positions as chunks give
        meets = np.unique(tree.query(own.geometry.values, predicate="intersects")[1])
        assert set(meets) <= set(own.index) | set(around.index)
    every = np.concatenate(own_seen)
    assert len(own_seen) > 5 and sorted(every) == list(range(len(whole)))


def test_a_feature_without_geometry_stops_the_tiled_overlap_as_it_stops_a_read(sample_study, tmp_path):
    from zonekit.api import overlap_many

    path = tmp_path / "s.gpkg"
    shutil.copy(sample_study, path)
    lu = pyogrio.read_dataframe(path, layer="landuse")
    lu.loc[lu.index[[3, 20000]], "geometry"] = None
    pyogrio.write_dataframe(lu, path, layer="landuse", driver="GPKG")
    st = read_study(path, layers=["landuse"], stream=("landuse",))
    with pytest.raises(SchemaError, match="2 feature"):
        overlap_many(st, "landuse", ["landuse"])


def test_a_layer_with_itself_and_another_never_reads_it_whole(sample_study, monkeypatch):
    """``--a landuse --b landuse --b protected``: the parcels with themselves tile by tile, with the
    protected areas chunk by chunk; the same tables as the layer read whole."""
    from zonekit.api import overlap_many

    whole = overlap_many(read_study(sample_study), "landuse", ["landuse", "protected"])

    def whole_read(*args, **kwargs):
        raise AssertionError("the parcels were read whole")

    monkeypatch.setattr(LayerStream, "select", whole_read)
    streamed = overlap_many(
        read_study(sample_study, stream=("landuse",)), "landuse", ["landuse", "protected"]
    )
    assert set(whole["pairs"]["b_layer"]) == {"landuse", "protected"}
    for name in ("pairs", "coverage"):
        assert list(streamed[name]["a_id"]) == list(whole[name]["a_id"])
        _close(
            pd.DataFrame(whole[name]).drop(columns="geometry", errors="ignore"),
            pd.DataFrame(streamed[name]).drop(columns="geometry", errors="ignore"),
        )
