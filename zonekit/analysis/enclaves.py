"""Enclave parks (飞地园区) and the sharing of their benefits between home (飞出地) and host (飞入地).

A share rule (``enclaves`` table) splits one metric of one park between home and host from ``valid_from``
to ``valid_to``; a step schedule is several rules in a row. For a year, the rule in force on 31 December
applies. The park's values come from its parcels (tax, revenue, investment apportioned by the share of each
parcel inside the park); metrics the data lacks (GDP, FDI) are reported as missing, not as 0.
"""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd

from zonekit.analysis.overlap import metric_crs
from zonekit.geo.overlay import apportion, intersection_areas
from zonekit.layers.stream import stream_of

METRIC_COLUMNS = {
    "tax": "tax_wan",
    "revenue": "revenue_wan",
    "output": "revenue_wan",
    "investment": "investment_wan",
    "gdp": "gdp_wan",
    "fdi": "fdi_wan",
}


def rules_in_force(enclaves: pd.DataFrame, year: int) -> pd.DataFrame:
    """The share rules in force on 31 December of ``year``, one per park and metric.

    Parameters
    ----------
    enclaves : pd.DataFrame
        Enclave sharing rules.
    year : int
        The year.

    Returns
    -------
    pd.DataFrame
        The share rules in force on 31 December of ``year``, one per park and metric.
    """
    end = pd.Timestamp(year=year, month=12, day=31)
    e = enclaves.copy()
    start, stop = pd.to_datetime(e["valid_from"]), pd.to_datetime(e["valid_to"])
    ok = (start <= end) & (stop.isna() | (stop >= end))
    return e[ok].sort_values("valid_from").drop_duplicates(["park_id", "metric"], keep="last")


def park_values(study, park_ids: list[str]) -> pd.DataFrame:
    """Sum of each metric's parcel values inside each park (apportioned by area share), in 万元.

    Parameters
    ----------
    study : object
        The study: a path to a study GeoPackage, or a Study.
    park_ids : list[str]
        Parks to include.

    Returns
    -------
    pd.DataFrame
        Sum of each metric's parcel values inside each park (apportioned by area share), in 万元.
    """
    parks = study["parks"].set_index(study["parks"]["park_id"].astype(str)).loc[park_ids]
    cols = sorted({c for c in METRIC_COLUMNS.values() if c in study["landuse"]})
    # only the parcels near these parks, through the R-tree when the layer is read from the file
    lu = stream_of(study["landuse"], "landuse").within(parks.total_bounds, cols)
    pairs = intersection_areas(parks.geometry.values, lu.geometry.values, lu.crs)
    vals = apportion(pairs, lu[cols].astype(float)) if cols else pd.DataFrame(index=pairs.index)
    vals["park_id"] = np.asarray(park_ids, dtype=object)[pairs["a"].to_numpy()]
    return vals.groupby("park_id").sum(min_count=1).reindex(park_ids)


def benefit_split(study, year: int) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Each enclave's values split between home and host for ``year``; and the totals per jurisdiction.

    Returns
    -------
    (DataFrame, DataFrame)
        Per enclave and metric: total, shares and values of home and host, the rule applied, notes.
        Per jurisdiction (adcode) and metric: the value it receives as home or host.

    Parameters
    ----------
    study : object
        The study: a path to a study GeoPackage, or a Study.
    year : int
        The year.
    """
    rules = rules_in_force(study["enclaves"], year)
    if rules.empty:
        empty = pd.DataFrame(columns=["park_id", "metric", "year", "total_wan"])
        return empty, pd.DataFrame(columns=["adcode", "role", "metric", "value_wan"])
    ids = sorted(rules["park_id"].astype(str).unique())
    values = park_values(study, ids)
    rows = []
    for r in rules.itertuples():
        col = METRIC_COLUMNS.get(r.metric)
        total = values.loc[str(r.park_id), col] if col in values else np.nan
        note = "" if not pd.isna(total) else f"the parcels carry no {col or r.metric} values"
        rows.append(
            {
                "park_id": r.park_id,
                "metric": r.metric,
                "year": year,
                "total_wan": total,
                "home_adcode": r.home_adcode,
                "home_share": r.home_share,
                "home_wan": total * r.home_share,
                "host_adcode": r.host_adcode,
                "host_share": r.host_share,
                "host_wan": total * r.host_share,
                "rule_valid_from": r.valid_from,
                "rule_valid_to": r.valid_to,
                "notes": note,
            }
        )
    per_enclave = pd.DataFrame(rows)
    long = pd.concat(
        [
            per_enclave.rename(columns={"home_adcode": "adcode", "home_wan": "value_wan"}).assign(
                role="home"
            ),
            per_enclave.rename(columns={"host_adcode": "adcode", "host_wan": "value_wan"}).assign(
                role="host"
            ),
        ]
    )[["adcode", "role", "metric", "value_wan"]]
    per_jurisdiction = long.groupby(["adcode", "role", "metric"], as_index=False)["value_wan"].sum(
        min_count=1
    )
    return per_enclave, per_jurisdiction


def enclave_distances(study) -> pd.DataFrame:
    """Distance (km) from each enclave park to its home jurisdiction's boundary in the admin layer.

    Parameters
    ----------
    study : object
        The study: a path to a study GeoPackage, or a Study.

    Returns
    -------
    pd.DataFrame
        Distance (km) from each enclave park to its home jurisdiction's boundary in the admin layer.
    """
    e = study["enclaves"].drop_duplicates("park_id")
    parks = study["parks"].set_index(study["parks"]["park_id"].astype(str))
    admin = study["admin"].set_index(study["admin"]["adcode"].astype(str))
    crs = metric_crs(parks)
    rows = []
    for r in e.itertuples():
        pid, home = str(r.park_id), str(r.home_adcode)
        if pid not in parks.index or home not in admin.index:
            rows.append(
                {
                    "park_id": pid,
                    "home_adcode": home,
                    "distance_km": np.nan,
                    "notes": "park or home jurisdiction not in the study",
                }
            )
            continue
        g = gpd.GeoSeries([parks.loc[pid].geometry, admin.loc[home].geometry], crs=parks.crs).to_crs(crs)
        rows.append(
            {
                "park_id": pid,
                "home_adcode": home,
                "distance_km": g.iloc[0].distance(g.iloc[1]) / 1000,
                "notes": "",
            }
        )
    return pd.DataFrame(rows)
