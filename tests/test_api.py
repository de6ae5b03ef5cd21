"""The Python API as a notebook user meets it: frames in, the command line's numbers out."""

from __future__ import annotations

import re
import subprocess
import sys
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import zonekit
from tests.safety.conftest import frames, run_cli
from zonekit.errors import SchemaError
from zonekit.reports.formats import csv_decimals

README = Path(__file__).resolve().parent.parent / "README.md"


@pytest.fixture(scope="module")
def notebook() -> dict:
    """Run the README's notebook example as it stands."""
    text = README.read_text(encoding="utf-8")
    section = text[text.index("## Python API (in a notebook)") :]
    code = re.search(r"```python\n(.*?)```", section, re.S).group(1)
    names: dict = {}
    exec(compile(code, "README.md", "exec"), names)  # the project's own README, not user input
    return names


def test_the_readme_example_gives_the_numbers_of_the_command_line(notebook, tmp_path):
    out = tmp_path / "intensity.csv"
    assert run_cli("intensity", zonekit.sample_path(), "--out", out, "--lang", "en") == 0
    cli = pd.read_csv(out, encoding="utf-8-sig", dtype={"park_id": str}).set_index("park_id")
    api = notebook["per_park"]["indicators"]
    assert api.index.name == "park_id" and sorted(api.index) == sorted(cli.index)
    for col in ("area_ha", "development_rate", "composite_far", "investment_intensity", "score"):
        a, c = api[col].astype(float), cli.loc[api.index, col].astype(float)
        half = 0.5 * 10.0 ** -csv_decimals(col, a)  # the CSV keeps its documented decimals
        assert np.allclose(a, c, rtol=0, atol=half * (1 + 1e-9), equal_nan=True), col
    assert (api["grade"].fillna("") == cli.loc[api.index, "grade"].fillna("")).all()


def test_every_analysis_of_the_readme_example_returns_its_tables(notebook):
    assert len(notebook["pairs"]) > 0 and {"a_id", "b_id", "overlap_ha", "pct_of_a"} <= set(notebook["pairs"])
    planted = dict(zip(notebook["outside"]["park_id"], notebook["outside"]["outside_ha"], strict=True))
    assert planted["NT01-3"] == pytest.approx(350, rel=0.05) and planted["NT06-1"] == pytest.approx(
        133, rel=0.05
    )
    assert len(notebook["groups"]) > 0 and len(notebook["split"]) > 0 and len(notebook["scope"]) > 0
    assert "unknown_land_use_code" in set(notebook["problems"]["check"])
    assert "folium" in type(notebook["m"]).__module__


def test_frames_that_lack_a_column_get_a_schema_error_naming_it():
    f = frames()
    parcels = f["landuse"].assign(code_system="sandiao")
    with pytest.raises(SchemaError, match=r"zone_id.*'parks' layer"):
        zonekit.intensity(f["parks"].drop(columns="zone_id"), parcels)
    with pytest.raises(SchemaError, match="code system"):
        zonekit.intensity(f["parks"], f["landuse"])  # codes without their system
    with pytest.raises(SchemaError, match="no geometry"):
        zonekit.intensity(pd.DataFrame(f["parks"].drop(columns="geometry")), parcels)


def test_in_memory_frames_give_hand_computed_indicators():
    f = frames()
    report = zonekit.intensity(f["parks"], f["landuse"].assign(code_system="sandiao"))
    assert report["indicators"].loc["P1", "development_rate"] == pytest.approx(0.5, rel=1e-9)
    assert list(report.tables()["indicators"].columns[:1]) == ["park_id"]  # what the writers get
    assert "park_id" not in f["parks"].index.names  # inputs are never changed


def test_the_old_name_still_works_with_a_deprecation_warning():
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        old = zonekit.check_study
    assert old is not None and caught and issubclass(caught[0].category, DeprecationWarning)


@pytest.mark.parametrize("args", [["--help"], ["import", "--help"]])
def test_help_loads_no_heavy_library(args):
    code = (
        "import sys\nfrom zonekit.cli.main import cli\nsys.argv = ['zonekit', *sys.argv[1:]]\n"
        "try:\n    cli()\nexcept SystemExit:\n    pass\n"
        "print(sorted(m for m in ('pandas', 'geopandas', 'folium', 'rasterio', 'shapely') if m in sys.modules))"
    )
    r = subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True, timeout=60)
    assert r.stdout.strip().splitlines()[-1] == "[]"
