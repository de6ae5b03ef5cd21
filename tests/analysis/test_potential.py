"""The five kinds of low-efficiency land and each park's potential, on a hand-built study with known answers."""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pyproj
import pytest
import shapely

from zonekit.analysis.potential import low_efficiency_land, park_potential
from zonekit.layers.study import Study

CRS = "EPSG:4549"  # CGCS2000 / 3-degree Gauss-Krüger CM 120E
X, Y = 500_000.0, 3_550_000.0
DATE = "2025-12-31"


def box(x0, y0, x1, y1):
    return shapely.box(X + x0, Y + y0, X + x1, Y + y1)


def geod_ha(geom) -> float:
    lonlat = gpd.GeoSeries([geom], crs=CRS).to_crs(4490).iloc[0]
    return abs(pyproj.Geod(ellps="GRS80").geometry_area_perimeter(lonlat)[0]) / 1e4


@pytest.fixture
def study() -> Study:
    parks = gpd.GeoDataFrame(
        {"park_id": ["P"], "zone_id": ["Z"], "name": ["甲园"], "kind": ["main"]},
        geometry=[box(0, 0, 2000, 1000)],
        crs=CRS,
    )
    approvals = gpd.GeoDataFrame(
        {
            "approval_id": ["苏政地〔2020〕1号", "苏政地〔2025〕9号"],
            "approved_date": pd.to_datetime(["2020-06-01", "2025-03-01"]),  # the second: too recent
            "approval_kind": ["conversion", "requisition"],
        },
        geometry=[box(0, 0, 1000, 1000), box(1600, 0, 2000, 400)],
        crs=CRS,
    )
    supply = gpd.GeoDataFrame(
        {
            "supply_id": ["S1", "S2", "S3"],
            "contract_date": pd.to_datetime(["2021-01-10", "2019-05-01", "2019-05-01"]),
            "agreed_start": pd.to_datetime(["2022-01-01", "2020-01-01", "2020-01-01"]),
            "actual_start": pd.to_datetime([None, "2020-06-01", "2020-06-01"]),
            "actual_completion": pd.to_datetime([None, "2021-06-01", "2021-06-01"]),
            "agreed_far_min": [1.0, 1.0, 1.0],
            "agreed_investment_wan_per_mu": [np.nan, np.nan, 300.0],
            "agreed_tax_wan_per_mu": [np.nan, np.nan, 5.0],
        },
        geometry=[box(0, 0, 400, 1000), box(1000, 0, 1200, 500), box(1200, 0, 1400, 500)],
        crs=CRS,
    )
    landuse = gpd.GeoDataFrame(
        {
            "parcel_id": ["L2", "L3", "L4", "L5"],
            "analysis_class": ["industrial", "industrial", "industrial", "industrial"],
            "is_construction": [True, True, True, True],
            "build_status": ["built", "built", "serviced", "built"],
            "supplied": [True, True, False, True],
            "idle": [False, False, False, True],
            "gfa_m2": [50_000.0, 150_000.0, np.nan, np.nan],
            "footprint_m2": [40_000.0, 50_000.0, np.nan, np.nan],
            "yard_m2": [0.0, 0.0, np.nan, np.nan],
            "investment_wan": [20_000.0, 15_000.0, np.nan, np.nan],
            "revenue_wan": [0.0, 1000.0, np.nan, np.nan],
            "tax_wan": [0.0, 1500.0, np.nan, np.nan],
        },
        geometry=[
            box(1000, 0, 1200, 500),
            box(1200, 0, 1400, 500),
            box(1400, 0, 2000, 500),
            box(1400, 500, 2000, 1000),
        ],
        crs=CRS,
    )
    layers = {"parks": parks, "approvals": approvals, "supply": supply, "landuse": landuse}
    return Study(Path("mem.gpkg"), pyproj.CRS.from_user_input(CRS), layers)


def test_the_five_kinds_each_with_its_area_and_evidence(study):
    plots = low_efficiency_land(study, date=DATE)
    got = {(r.kind, r.record_id) for r in plots.itertuples()}
    assert got == {
        ("approved_not_supplied", "苏政地〔2020〕1号"),
        ("supplied_not_used", "S1"),
        ("used_not_fully", "S2"),
        ("built_not_producing", "S2"),
        ("producing_below_standard", "S3"),
    }
    by = plots.set_index(["kind", "record_id"])
    uncovered = box(0, 0, 1000, 1000).difference(box(0, 0, 400, 1000))  # S1 was signed in 2021
    assert by.loc[("approved_not_supplied", "苏政地〔2020〕1号"), "area_ha"] == pytest.approx(
        geod_ha(uncovered), rel=1e-6
    )
    assert by.loc[("approved_not_supplied", "苏政地〔2020〕1号"), "area_mu"] == pytest.approx(
        geod_ha(uncovered) * 15, rel=1e-6
    )
    idle = by.loc[("supplied_not_used", "S1")]
    assert idle["area_ha"] == pytest.approx(geod_ha(box(0, 0, 400, 1000)), rel=1e-6)
    assert bool(idle["liable"])  # agreed for 2022-01-01: four years late, liable to be taken back
    assert "2022-01-01" in idle["evidence_zh"] and "逾期 4.0 年" in idle["evidence_zh"]
    # S2: 50,000 m² on 10 ha is FAR 0.5 against the agreed 1.0 (its coefficient 0.4 passes)
    assert "built FAR 0.50 (minimum 1.00)" in by.loc[("used_not_fully", "S2"), "evidence"]
    assert "no enterprise on it reports revenue" in by.loc[("built_not_producing", "S2"), "evidence"]
    # S3: 15,000 万元 over 150 亩 is 100 万元/亩 against the agreed 300; tax 10 against 5 passes
    s3 = by.loc[("producing_below_standard", "S3"), "evidence"]
    mu = geod_ha(box(1200, 0, 1400, 500)) * 15
    assert f"investment {15_000 / mu:.0f} 10k CNY/mu (agreed 300)" in s3
    assert set(plots["park_id"]) == {"P"}


def test_each_park_potential_by_hand(study):
    plots = low_efficiency_land(study, date=DATE)
    p = park_potential(study, plots).set_index("park_id").loc["P"]
    a2 = geod_ha(box(1000, 0, 1200, 500)) * 1e4
    # 强度: L2 builds FAR 0.5 against the target 1.2; L3 at 1.5 already exceeds it
    assert p["intensity_extra_gfa_m2"] == pytest.approx(1.2 * a2 - 50_000.0, rel=1e-6)
    assert p["intensity_equivalent_ha"] == pytest.approx(a2 * (1 - (50_000.0 / a2) / 1.2) / 1e4, rel=1e-6)
    # 扩展: the serviced, unsupplied L4 and the 批而未供 part of the 2020 approval
    uncovered = box(0, 0, 1000, 1000).difference(box(0, 0, 400, 1000))
    assert p["expansion_ha"] == pytest.approx(geod_ha(box(1400, 0, 2000, 500)) + geod_ha(uncovered), rel=1e-6)
    # 管理: the idle L5 and 供而未用 S1
    assert p["management_ha"] == pytest.approx(
        geod_ha(box(1400, 500, 2000, 1000)) + geod_ha(box(0, 0, 400, 1000)), rel=1e-6
    )
    assert p["management_mu"] == pytest.approx(p["management_ha"] * 15, rel=1e-12)
    assert p["supplied_not_used_ha"] == pytest.approx(geod_ha(box(0, 0, 400, 1000)), rel=1e-6)


def test_a_later_date_and_a_shorter_grace_change_what_is_found(study):
    early = low_efficiency_land(study, date="2022-06-30")  # S1 only half a year late: not yet idle
    assert "supplied_not_used" not in set(early["kind"])
    strict = low_efficiency_land(study, date="2022-06-30", config={"supplied_not_used": {"idle_years": 0}})
    s1 = strict[strict["kind"] == "supplied_not_used"].iloc[0]
    assert s1["record_id"] == "S1" and not s1["liable"]


def test_the_command_writes_chinese_tables(tmp_path):
    """The command on a study imported from files: supply and approvals through import, the date checked."""
    import subprocess
    import sys

    zonekit = str(Path(sys.executable).with_name("zonekit"))
    from zonekit.layers.sample import sample_path

    r = subprocess.run(
        [zonekit, "potential", str(sample_path()), "--date", "2025-13-01", "--out", str(tmp_path / "p.xlsx")],
        capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert r.returncode == 2 and "YYYY-MM-DD" in r.stderr
    r = subprocess.run(
        [zonekit, "potential", str(sample_path()), "--date", "2025-12-31", "--out", str(tmp_path / "p.xlsx")],
        capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert r.returncode == 0, r.stderr
    import openpyxl

    wb = openpyxl.load_workbook(tmp_path / "p.xlsx")
    assert {"低效用地(五类)", "园区潜力", "开发区潜力", "元数据"} <= set(wb.sheetnames)
    heads = [c.value for c in wb["园区潜力"][1]]
    assert "扩展潜力(公顷)" in heads and "强度潜力:可增建筑面积(平方米)" in heads and "管理潜力(亩)" in heads


def test_the_samples_planted_cases_each_found_once_with_hand_worked_areas(sample_study):
    from zonekit import read_study

    st = read_study(sample_study)
    plots = low_efficiency_land(st, date=DATE)
    assert sorted(zip(plots["kind"], plots["record_id"], strict=True)) == sorted(
        [
            ("approved_not_supplied", "苏政地〔2021〕12号"),
            ("supplied_not_used", "3206232021B00101"),
            ("used_not_fully", "3206232019B00088"),
            ("built_not_producing", "3206232019B00088"),
            ("producing_below_standard", "3206232020B00031"),
        ]
    )  # the kept contract 3206232020B00047 and the 2025 approval find nothing
    assert set(plots["park_id"]) == {"NT07-1"}
    geod = pyproj.Geod(ellps="GRS80")

    def ha(geom) -> float:
        return abs(geod.geometry_area_perimeter(geom)[0]) / 1e4

    approval = st["approvals"].set_index("approval_id").geometry["苏政地〔2021〕12号"]
    contracts = st["supply"].set_index("supply_id").geometry
    by = plots.set_index(["kind", "record_id"])["area_ha"]
    assert by[("approved_not_supplied", "苏政地〔2021〕12号")] == pytest.approx(
        ha(approval.difference(shapely.union_all(contracts.values))), rel=1e-6
    )
    for kind, sid in (
        ("supplied_not_used", "3206232021B00101"),
        ("producing_below_standard", "3206232020B00031"),
    ):
        assert by[(kind, sid)] == pytest.approx(ha(contracts[sid]), rel=1e-6)


def test_an_enterprise_reporting_revenue_in_its_own_record_is_producing(study):
    study.layers["landuse"] = study["landuse"].assign(enterprise_id=["e2", "e3", None, None])
    assert ("built_not_producing", "S2") in {
        (r.kind, r.record_id) for r in low_efficiency_land(study, date=DATE).itertuples()
    }
    study.layers["enterprises"] = pd.DataFrame(
        {"enterprise_id": ["E2"], "revenue_wan": [500.0]}
    )  # 'e2', written big
    kinds = {(r.kind, r.record_id) for r in low_efficiency_land(study, date=DATE).itertuples()}
    assert ("built_not_producing", "S2") not in kinds  # its record says it produces, whatever its parcels say
    assert ("used_not_fully", "S2") in kinds


def test_monitoring_two_dates_flags_what_grew(study):
    from zonekit.analysis.potential import monitor

    every, change = monitor(study, dates=["2025-12-31", "2021-12-31"])
    assert sorted(every["date"].unique()) == ["2021-12-31", "2025-12-31"]
    p = change.set_index("park_id").loc["P"]
    # end of 2021: the 2020 approval is not two years old and S1's start is not yet due; by 2025 both count
    uncovered = box(0, 0, 1000, 1000).difference(box(0, 0, 400, 1000))
    assert p["approved_not_supplied_ha_change"] == pytest.approx(geod_ha(uncovered), rel=1e-6)
    assert p["supplied_not_used_ha_change"] == pytest.approx(geod_ha(box(0, 0, 400, 1000)), rel=1e-6)
    assert p["flags"] == "approved_not_supplied_grew,supplied_not_used_grew,management_grew"


def test_monitoring_serves_each_date_from_its_snapshot_and_flags_idle_land_and_score(study):
    """Two surveys: on 2025-12-31 L2 has been left idle and L3 pays no tax; a date between is the 2024 one's."""
    from zonekit.analysis.potential import monitor

    before = study["landuse"].assign(idle=[False, False, False, False])  # L5 not idle yet either
    after = study["landuse"].assign(idle=[True, False, False, True], tax_wan=[0.0, 0.0, np.nan, np.nan])
    snaps = {pd.Timestamp("2024-12-31"): {"landuse": before}, pd.Timestamp("2025-12-31"): {"landuse": after}}
    every, change = monitor(study, dates=["2025-12-31", "2024-12-31", "2025-06-30"], snapshots=snaps)
    served = every.drop_duplicates("date").set_index("date")["snapshot"].to_dict()
    assert served == {"2024-12-31": "2024-12-31", "2025-06-30": "2024-12-31", "2025-12-31": "2025-12-31"}
    on = every.set_index(["date", "park_id"])
    idle_now = geod_ha(box(1000, 0, 1200, 500)) + geod_ha(box(1400, 500, 2000, 1000))  # L2 and L5
    assert on.loc[("2024-12-31", "P"), "G_ha"] == pytest.approx(0.0, abs=1e-12)
    assert on.loc[("2025-06-30", "P"), "G_ha"] == pytest.approx(0.0, abs=1e-12)
    assert on.loc[("2025-12-31", "P"), "G_ha"] == pytest.approx(idle_now, rel=1e-9)
    # tax per 公顷 of built construction land (L2, L3, L5): 1,500 万元 on 2024's survey, nothing on 2025's
    built_ha = sum(
        geod_ha(b) for b in (box(1000, 0, 1200, 500), box(1200, 0, 1400, 500), box(1400, 500, 2000, 1000))
    )
    assert on.loc[("2024-12-31", "P"), "tax_per_ha"] == pytest.approx(1500.0 / built_ha, rel=1e-9)
    assert on.loc[("2025-12-31", "P"), "tax_per_ha"] == pytest.approx(0.0, abs=1e-12)
    p = change.set_index("park_id").loc["P"]
    assert p["G_ha_change"] == pytest.approx(idle_now, rel=1e-9)
    assert p["score_change"] < 0
    assert "idle_grew" in p["flags"].split(",")
    # management potential = idle land + 供而未用: it grew by the idle land (S1 was already late in 2024)
    assert p["management_ha_change"] == pytest.approx(idle_now, rel=1e-9)


def test_a_grade_that_drops_is_flagged_and_one_that_rises_is_not():
    from zonekit.analysis.config import load_config
    from zonekit.analysis.potential import _change

    every = pd.DataFrame(
        {
            "date": ["2024-12-31"] * 3 + ["2025-12-31"] * 3,
            "park_id": ["A", "B", "C"] * 2,
            "grade": ["A", "C", "B", "B", "B", "B"],
            "score": [90.0, 65.0, 75.0, 80.0, 75.0, 75.0],
        }
    )
    days = [pd.Timestamp("2024-12-31"), pd.Timestamp("2025-12-31")]
    got = _change(every, days, load_config("intensity", None)).set_index("park_id")
    assert got["flags"].to_dict() == {"A": "grade_dropped", "B": "", "C": ""}
    assert got.loc["A", "grade_first"] == "A" and got.loc["A", "grade_last"] == "B"
    assert got.loc["B", "score_change"] == pytest.approx(10.0)


def test_a_date_before_every_snapshot_is_refused_with_the_dates_there_are(study):
    from zonekit.analysis.potential import monitor
    from zonekit.errors import StudyError

    snaps = {pd.Timestamp("2024-12-31"): {"landuse": study["landuse"]}}
    with pytest.raises(StudyError, match="2024-12-31") as err:
        monitor(study, dates=["2023-12-31", "2025-12-31"], snapshots=snaps)
    assert "2023-12-31" in str(err.value)
