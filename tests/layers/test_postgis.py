"""A study in PostgreSQL/PostGIS, on a real server: ``make test`` starts one (``tools/pg_test_server.sh``)
and hands its URL over in ``ZONEKIT_TEST_PG_URL``. Each test works in a schema of its own."""

from __future__ import annotations

import os
import uuid
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pyogrio
import pytest
import shapely

from tests.cli.test_cli import run

BASE = os.environ.get("ZONEKIT_TEST_PG_URL", "")
pytestmark = pytest.mark.skipif(not BASE, reason="needs the PostgreSQL server that make test starts")


@pytest.fixture
def url() -> str:
    return f"{BASE}?schema=t_{uuid.uuid4().hex[:10]}"


@pytest.fixture
def in_pg(url: str, sample_study: Path) -> str:
    """The bundled sample copied into a fresh schema, as ``zonekit import study.gpkg --into URL`` does."""
    r = run("import", str(sample_study), "--into", url)
    assert r.returncode == 0, r.stderr
    return url


def _sql(url: str, query: str, **params) -> list[tuple]:
    import sqlalchemy as sa

    from zonekit.layers.postgis import StudyURL

    eng = sa.create_engine(StudyURL(url).sqlalchemy_url(), poolclass=sa.pool.NullPool)
    with eng.connect() as con:
        return [tuple(r) for r in con.execute(sa.text(query), params)]


def _schema(url: str) -> str:
    from zonekit.layers.postgis import StudyURL

    return StudyURL(url).schema


def _csv_tables(folder: Path, stem: str) -> dict[str, pd.DataFrame]:
    """Every CSV an output wrote, but its metadata (which names the study and the command)."""
    return {
        p.name.removeprefix(stem): pd.read_csv(p)
        for p in sorted(folder.glob(f"{stem}*.csv"))
        if not p.name.endswith("metadata.csv")
    }


@pytest.mark.parametrize(
    "command",
    [
        ("intensity", "--by", "park"),
        ("intensity", "--by", "zone"),
        ("overlap", "--a", "parks", "--b", "protected", "--b", "admin"),
        ("consolidate",),
        ("check",),
        ("potential", "--date", "2025-12-31"),
    ],
)
def test_the_sample_through_postgis_gives_the_tables_of_the_geopackage(
    in_pg, sample_study, tmp_path, command
):
    a, b = tmp_path / "pg", tmp_path / "gpkg"
    a.mkdir(), b.mkdir()
    r = run(command[0], in_pg, *command[1:], "--out", str(a / "t.csv"), "--lang", "en")
    assert r.returncode == 0, r.stderr
    r = run(command[0], str(sample_study), *command[1:], "--out", str(b / "t.csv"), "--lang", "en")
    assert r.returncode == 0, r.stderr
    got, want = _csv_tables(a, "t"), _csv_tables(b, "t")
    assert got.keys() == want.keys() and len(got) > 0
    for name in want:
        pd.testing.assert_frame_equal(got[name], want[name], check_exact=False, rtol=1e-12, obj=name)


def test_the_layers_are_postgis_tables_with_srid_gist_index_and_primary_key(in_pg, sample_study):
    schema = _schema(in_pg)
    geoms = dict(
        _sql(in_pg, "SELECT f_table_name, srid FROM geometry_columns WHERE f_table_schema = :s", s=schema)
    )
    for layer in ("parks", "zones", "landuse", "protected", "admin"):
        assert geoms[layer] == 4490
    indexes = _sql(in_pg, "SELECT tablename, indexdef FROM pg_indexes WHERE schemaname = :s", s=schema)
    gist = {t for t, d in indexes if "USING gist" in d}
    assert {"parks", "zones", "landuse", "protected", "admin"} <= gist
    keys = dict(
        _sql(
            in_pg,
            "SELECT tc.table_name, kcu.column_name FROM information_schema.table_constraints tc "
            "JOIN information_schema.key_column_usage kcu ON tc.constraint_name = kcu.constraint_name "
            "AND tc.table_schema = kcu.table_schema WHERE tc.constraint_type = 'PRIMARY KEY' AND tc.table_schema = :s",
            s=schema,
        )
    )
    assert keys["parks"] == "park_id" and keys["landuse"] == "parcel_id" and keys["zones"] == "zone_id"
    assert {"zonekit_study", "zonekit_imports", "parks_rejected"} <= {
        r[0]
        for r in _sql(
            in_pg, "SELECT table_name FROM information_schema.tables WHERE table_schema = :s", s=schema
        )
    }
    n = _sql(in_pg, f'SELECT count(*) FROM "{schema}"."landuse"')[0][0]
    assert n == pyogrio.read_info(sample_study, layer="landuse")["features"]


def test_a_study_goes_out_to_a_geopackage_as_it_came_in(in_pg, sample_study, tmp_path):
    import zonekit

    out = tmp_path / "back.gpkg"
    r = run("export", in_pg, "all", str(out))
    assert r.returncode == 0, r.stderr
    back, orig = zonekit.read_study(out), zonekit.read_study(sample_study)
    assert set(back) == set(orig)
    for name in orig:
        a, b = back[name], orig[name]
        assert len(a) == len(b), name
        if isinstance(b, gpd.GeoDataFrame):
            ga, gb = a.geometry.values, b.geometry.values
            same = shapely.equals_exact(ga, gb, tolerance=0) | (
                shapely.is_missing(ga) & shapely.is_missing(gb)
            )
            assert same.all(), name  # vertex for vertex; a zone without a drawn boundary stays without
            a, b = pd.DataFrame(a.drop(columns="geometry")), pd.DataFrame(b.drop(columns="geometry"))
        pd.testing.assert_frame_equal(a.reset_index(drop=True), b.reset_index(drop=True), obj=name)


def test_an_import_into_a_url_is_checked_like_any_and_replace_keeps_the_previous_layer(
    in_pg, sample_study, tmp_path
):
    parks = pyogrio.read_dataframe(sample_study, layer="parks")
    src = tmp_path / "parks.gpkg"
    pyogrio.write_dataframe(parks.assign(name=parks["name"] + "(新)"), src)
    r = run("import", str(src), "--into", in_pg, "--as", "parks")
    assert r.returncode == 1 and "--replace" in r.stderr and "zonekit-pg-" not in r.stderr  # names the URL
    r = run("import", str(src), "--into", in_pg, "--as", "parks", "--replace")
    assert r.returncode == 0, r.stderr
    schema = _schema(in_pg)
    names = [r[0] for r in _sql(in_pg, f'SELECT name FROM "{schema}"."parks" ORDER BY zonekit_row')]
    assert names == list(parks["name"] + "(新)")
    before = [r[0] for r in _sql(in_pg, f'SELECT name FROM "{schema}"."parks_previous" ORDER BY zonekit_row')]
    assert before == list(parks["name"])
    ids = [
        r[0] for r in _sql(in_pg, f'SELECT import_id FROM "{schema}"."zonekit_imports" ORDER BY import_id')
    ]
    assert ids[-1] == max(ids[:-1]) + 1  # the import numbered after the study's own


def test_a_failed_import_leaves_the_schema_as_it_was(in_pg, tmp_path):
    schema = _schema(in_pg)

    def state() -> list[tuple]:
        tables = [
            r[0]
            for r in _sql(
                in_pg, "SELECT table_name FROM information_schema.tables WHERE table_schema = :s", s=schema
            )
        ]
        return sorted((t, _sql(in_pg, f'SELECT count(*) FROM "{schema}"."{t}"')[0][0]) for t in tables)

    before = state()
    bad = gpd.GeoDataFrame(
        {"parcel_id": ["a", "a"]}, geometry=[shapely.box(120.5, 32.0, 120.51, 32.01)] * 2, crs=4490
    )  # a repeated id: refused
    pyogrio.write_dataframe(bad, tmp_path / "dup.gpkg")
    r = run("import", str(tmp_path / "dup.gpkg"), "--into", in_pg, "--as", "landuse", "--replace")
    assert r.returncode == 1 and "Traceback" not in r.stderr
    assert state() == before


def test_a_wrong_password_is_said_without_the_password(in_pg, tmp_path):
    from zonekit.layers.postgis import StudyURL

    u = StudyURL(in_pg)
    wrong = in_pg.replace(f":{u.parts.password}@", ":not-the-password@")
    r = run("intensity", wrong, "--out", str(tmp_path / "i.csv"))
    assert r.returncode == 1 and "Traceback" not in r.stderr
    assert "not-the-password" not in r.stderr and u.parts.password not in r.stderr
    assert str(u).split("?")[0] in r.stderr and "PGPASSWORD" in r.stderr
    assert not (tmp_path / "i.csv").exists()


def test_a_database_without_postgis_is_said_with_the_fix(tmp_path):
    bare = BASE.rsplit("/", 1)[0] + "/zonekit_bare?schema=s"
    r = run("intensity", bare, "--out", str(tmp_path / "i.csv"), "--lang", "en")
    assert r.returncode == 1 and "Traceback" not in r.stderr
    assert "zonekit_bare" in r.stderr and "CREATE EXTENSION postgis" in r.stderr


def test_a_schema_without_a_study_and_an_unreachable_server_are_said(tmp_path):
    r = run("intensity", f"{BASE}?schema=nothing_here", "--out", str(tmp_path / "i.csv"), "--lang", "en")
    assert (
        r.returncode == 1 and "zonekit_study" in r.stderr and "zonekit import study.gpkg --into" in r.stderr
    )
    r = run("intensity", "postgresql://u:pw@127.0.0.1:1/db", "--out", str(tmp_path / "i.csv"), "--lang", "en")
    assert r.returncode == 1 and "Cannot connect" in r.stderr and "pw@" not in r.stderr


def test_parcels_stream_from_the_database_chunk_by_chunk_and_by_box(in_pg, sample_study):
    import zonekit
    from zonekit.layers.postgis import StudyURL
    from zonekit.layers.stream import LayerStream

    whole = zonekit.read_study(sample_study, layers=["landuse"])["landuse"]
    st = zonekit.read_study(in_pg, layers=["landuse"], stream=("landuse",))
    assert isinstance(st["landuse"], LayerStream) and len(st["landuse"]) == len(whole)
    small = LayerStream.from_url(StudyURL(in_pg), "landuse", st.crs, chunk_rows=4_000)
    chunks = list(small.chunks(["parcel_id", "analysis_class"]))
    assert [len(c) for c in chunks[:-1]] == [4_000] * (len(chunks) - 1)  # one cursor, chunk by chunk
    got = pd.concat(chunks)
    assert got["parcel_id"].tolist() == whole["parcel_id"].tolist()  # the stored order, positions as index
    assert list(got.index) == list(range(len(whole)))
    assert shapely.equals_exact(got.geometry.values, whole.geometry.values, tolerance=0).all()
    c = whole.geometry.iloc[len(whole) // 2].centroid
    box = (c.x - 0.01, c.y - 0.01, c.x + 0.01, c.y + 0.01)
    near = small.within(box, ["parcel_id"])  # through the GiST index
    b = whole.geometry.bounds
    hit = (b.minx <= box[2]) & (b.maxx >= box[0]) & (b.miny <= box[3]) & (b.maxy >= box[1])
    assert 0 < len(near) < len(whole) and sorted(near["parcel_id"]) == sorted(whole.loc[hit, "parcel_id"])


def test_results_go_into_postgis_tables_in_one_transaction(url, sample_study, tmp_path):
    from zonekit.layers.postgis import StudyURL, read_tables

    out = f"{url}&table=intensity_2025"
    r = run("intensity", str(sample_study), "--out", out, "--lang", "en")
    assert r.returncode == 0, r.stderr
    assert "intensity_2025_scores" in r.stdout and StudyURL(url).parts.password not in r.stdout
    r = run("intensity", str(sample_study), "--out", str(tmp_path / "i.csv"), "--lang", "en")
    got = read_tables(url, ["intensity_2025", "intensity_2025_metadata"])
    table, want = got["intensity_2025"], pd.read_csv(tmp_path / "i.csv")
    assert isinstance(table, gpd.GeoDataFrame) and table.crs.to_epsg() == 4490  # parks with their indicators
    assert table["park_id"].tolist() == want["park_id"].tolist()
    # full precision in the database; the CSV rounds a score to 2 decimals
    assert table["score"].to_numpy() == pytest.approx(want["score"].to_numpy(), abs=0.0051)
    assert "storage CRS" in set(got["intensity_2025_metadata"]["key"])
    r = run("intensity", str(sample_study), "--out", url)  # no table named
    assert r.returncode == 2 and "table=NAME" in r.stderr


def test_yearly_monitoring_of_a_study_in_postgis_gives_the_geopackages_tables(url, sample_study, tmp_path):
    import shutil

    study = tmp_path / "s.gpkg"
    shutil.copy(sample_study, study)
    assert run("snapshot", str(study), "--date", "2024-12-31").returncode == 0  # kept inside the study
    assert run("import", str(study), "--into", url).returncode == 0  # snapshots go along
    a, b = tmp_path / "pg", tmp_path / "gpkg"
    a.mkdir(), b.mkdir()
    dates = "2024-12-31,2025-12-31"
    r = run("monitor", url, "--dates", dates, "--out", str(a / "m.csv"), "--lang", "en")
    assert r.returncode == 0, r.stderr
    r = run("monitor", str(study), "--dates", dates, "--out", str(b / "m.csv"), "--lang", "en")
    assert r.returncode == 0, r.stderr
    got, want = _csv_tables(a, "m"), _csv_tables(b, "m")
    assert got.keys() == want.keys() and len(got) == 2
    for name in want:
        pd.testing.assert_frame_equal(got[name], want[name], obj=name)
    assert set(want[".by_date.csv"]["snapshot"]) == {"2024-12-31"}  # both dates served by the one snapshot
    r = run("monitor", url, "--dates", "2023-12-31,2025-12-31", "--out", str(a / "x.csv"))
    assert r.returncode == 1 and "2024-12-31" in r.stderr and _password(url) not in r.stderr


def _password(url: str) -> str:
    from zonekit.layers.postgis import StudyURL

    return StudyURL(url).parts.password or "\\0"


def test_a_layer_imported_into_an_empty_schema_makes_a_study_there(url, sample_study, tmp_path):
    import zonekit

    src = tmp_path / "parks.gpkg"
    pyogrio.write_dataframe(pyogrio.read_dataframe(sample_study, layer="parks"), src)
    r = run("import", str(src), "--into", url, "--as", "parks")
    assert r.returncode == 0, r.stderr
    st = zonekit.read_study(url)
    assert list(st) == ["parks"] and len(st["parks"]) == 13 and st.crs.to_epsg() == 4490


def test_a_snapshot_in_postgis_is_a_copy_with_its_key_and_index_and_serves_monitor(
    in_pg, sample_study, tmp_path
):
    schema = _schema(in_pg)
    r = run("snapshot", in_pg, "--date", "2024-12-31", "--lang", "en")
    assert r.returncode == 0, r.stderr
    assert "landuse_20241231" in r.stdout and _password(in_pg) not in r.stdout
    n = {
        t: _sql(in_pg, f'SELECT count(*) FROM "{schema}"."{t}"')[0][0]
        for t in ("landuse", "landuse_20241231")
    }
    assert (
        n["landuse_20241231"] == n["landuse"] == pyogrio.read_info(sample_study, layer="landuse")["features"]
    )
    indexes = _sql(in_pg, "SELECT tablename, indexdef FROM pg_indexes WHERE schemaname = :s", s=schema)
    copy = [d for t, d in indexes if t == "landuse_20241231"]
    assert any("USING gist" in d for d in copy) and any("parcel_id" in d and "UNIQUE" in d for d in copy)
    # the copy stays as it was when the current layer changes
    _sql_exec(in_pg, f'DELETE FROM "{schema}"."landuse"')
    assert _sql(in_pg, f'SELECT count(*) FROM "{schema}"."landuse_20241231"')[0][0] == n["landuse"]
    dates = "2024-12-31,2025-12-31"  # both served by the copy, not by the emptied layer
    r = run("monitor", in_pg, "--dates", dates, "--out", str(tmp_path / "m.csv"), "--lang", "en")
    assert r.returncode == 0, r.stderr
    assert set(pd.read_csv(tmp_path / "m.by_date.csv")["snapshot"]) == {"2024-12-31"}


def test_check_findings_go_into_a_postgis_table(in_pg, sample_study, tmp_path):
    from zonekit.layers.postgis import read_tables

    r = run("check", in_pg, "--out", f"{in_pg}&table=findings", "--lang", "en")
    assert r.returncode == 0, r.stderr
    assert run("check", str(sample_study), "--out", str(tmp_path / "f.csv"), "--lang", "en").returncode == 0
    got, want = read_tables(in_pg, ["findings"])["findings"], pd.read_csv(tmp_path / "f.csv")
    assert len(got) == len(want) > 0
    assert sorted(got["check"]) == sorted(want["check"])


def _sql_exec(url: str, query: str) -> None:
    import sqlalchemy as sa

    from zonekit.layers.postgis import StudyURL

    eng = sa.create_engine(StudyURL(url).sqlalchemy_url(), poolclass=sa.pool.NullPool)
    with eng.begin() as con:
        con.execute(sa.text(query))


def test_a_study_in_postgis_reads_its_parcels_per_tile_from_a_partitioned_store(
    in_pg, sample_study, tmp_path
):
    store = tmp_path / "landuse.parquet"
    r = run("partition", in_pg, "--out", str(store), "--rows", "5000", "--lang", "en")
    assert r.returncode == 0, r.stderr
    assert _password(in_pg) not in r.stdout
    meta = dict(_sql(in_pg, f'SELECT key, value FROM "{_schema(in_pg)}".zonekit_study'))
    assert meta["partitions:landuse"] == str(store.resolve())
    a, b = tmp_path / "pg", tmp_path / "gpkg"
    a.mkdir(), b.mkdir()
    r = run("intensity", in_pg, "--out", str(a / "i.csv"), "--lang", "en")
    assert r.returncode == 0, r.stderr
    assert run("intensity", str(sample_study), "--out", str(b / "i.csv"), "--lang", "en").returncode == 0
    got, want = _csv_tables(a, "i"), _csv_tables(b, "i")
    assert got.keys() == want.keys()
    for name in want:
        pd.testing.assert_frame_equal(got[name], want[name], obj=name)


def test_the_parcels_with_themselves_in_postgis_tile_by_tile(in_pg, sample_study, monkeypatch):
    """``overlap --a landuse --b landuse`` on a study in PostGIS reads the parcels tile by tile (their boxes
    from the database, each tile through the GiST index), never whole: the tables of the GeoPackage, row
    for row; a parcel whose geometry was emptied in the database is read, checked and left out, as there."""
    import numpy as np

    import zonekit
    from zonekit.analysis import overlap as overlap_module
    from zonekit.api import overlap_many
    from zonekit.layers.stream import LayerStream

    whole = overlap_many(zonekit.read_study(sample_study), "landuse", ["landuse"])
    monkeypatch.setattr(overlap_module, "TILE", 3000)  # about a dozen tiles

    def whole_read(*args, **kwargs):
        raise AssertionError("the parcels were read whole")

    monkeypatch.setattr(LayerStream, "select", whole_read)
    st = zonekit.read_study(in_pg, stream=("landuse",))
    boxes = st["landuse"].boxes()
    assert boxes is not None and len(boxes[0]) == len(st["landuse"])
    tiled = overlap_many(st, "landuse", ["landuse"])
    for name in ("pairs", "coverage"):
        pd.testing.assert_frame_equal(
            pd.DataFrame(whole[name]).drop(columns="geometry", errors="ignore"),
            pd.DataFrame(tiled[name]).drop(columns="geometry", errors="ignore"),
            check_exact=True,
            obj=name,
        )
    assert list(shapely.to_wkb(whole["pairs"].geometry.values)) == list(
        shapely.to_wkb(tiled["pairs"].geometry.values)
    )
    _sql_exec(
        in_pg,
        f"UPDATE \"{_schema(in_pg)}\".landuse SET geometry = ST_GeomFromText('MULTIPOLYGON EMPTY', 4490) "
        'WHERE "zonekit_row" IN (5, 4000)',
    )
    st = zonekit.read_study(in_pg, stream=("landuse",))
    assert len(st["landuse"].boxes()[0]) == len(st["landuse"]) - 2
    seen = []
    for own, _ in st["landuse"].tiles(st["landuse"].boxes(), 3000, ["parcel_id"]):
        seen.append(own.index.to_numpy())
    assert sorted(np.concatenate(seen)) == list(range(len(st["landuse"])))  # every parcel once, by position
