import geopandas as gpd
import pyogrio
import pytest

from tests.conftest import squares
from zonekit import create_study, import_layer, read_study
from zonekit.errors import SchemaError, StudyError


def test_read_study_returns_geodataframes(tmp_path):
    path = tmp_path / "s.gpkg"
    g = squares(2)
    g["park_id"], g["zone_id"], g["name"], g["kind"] = ["A", "B"], "Z", "园", "main"
    import_layer(g.drop(columns="id"), path, as_="parks")
    st = read_study(path)
    assert isinstance(st["parks"], gpd.GeoDataFrame) and st.crs.to_epsg() == 4490
    assert list(st) == ["parks"]
    with pytest.raises(StudyError, match="no layer 'zones'"):
        st["zones"]


def test_validation_reports_every_problem_at_once(tmp_path):
    path = create_study(tmp_path / "s.gpkg")
    g = squares(2)
    g["park_id"], g["zone_id"], g["name"], g["kind"] = ["A", "A"], "Z", "园", "bogus"
    pyogrio.write_dataframe(g, path, layer="parks")
    z = squares(1)
    pyogrio.write_dataframe(z, path, layer="zones")
    with pytest.raises(SchemaError) as err:
        read_study(path)
    msg = str(err.value)
    assert "duplicate park_id A" in msg and "bogus" in msg and "'zones' lacks column(s) zone_id" in msg


def test_not_a_study(tmp_path):
    p = tmp_path / "x.gpkg"
    pyogrio.write_dataframe(squares(1), p)
    with pytest.raises(StudyError, match="not a zonekit study"):
        read_study(p)
    with pytest.raises(StudyError, match="does not exist"):
        read_study(tmp_path / "missing.gpkg")


def test_bookkeeping_append_survives_new_columns(tmp_path):
    import pandas as pd

    from zonekit.layers.study import read_table, write_tables

    path = create_study(tmp_path / "s.gpkg")
    write_tables(path, {"zonekit_imports": pd.DataFrame({"import_id": [1], "layer": ["parks"]})})
    write_tables(
        path,
        {"zonekit_imports": pd.DataFrame({"import_id": [2], "layer": ["zones"], "repairs": ["x"]})},
        append=frozenset({"zonekit_imports"}),
    )
    t = read_table(path, "zonekit_imports")
    assert t["import_id"].tolist() == [1, 2] and t["repairs"].isna().tolist() == [True, False]
