"""Cross-layer checks of a study: geometry, topology, references, share rules, codes and CRSs.

:func:`check_study` returns one table of findings — severity, check, layer, ids, message and the measured
quantity (e.g. an overlap in ha) — rather than stopping at the first problem.
"""

from __future__ import annotations

import functools
from dataclasses import replace
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pyogrio
import pyproj
import shapely

from zonekit.geo.area import ellipsoidal_area
from zonekit.geo.cluster import Cluster, map_partitions
from zonekit.geo.parallel import threads
from zonekit.geo.units import M2_PER_HA, M2_PER_MU
from zonekit.layers.partitions import cluster_for
from zonekit.layers.schema import SCHEMAS, validate
from zonekit.layers.stream import LayerStream, narrowed
from zonekit.layers.study import Study, read_study
from zonekit.vocabulary.labels import CHECK_ZH
from zonekit.vocabulary.messages import language, render, say

FINDING_COLUMNS = ["severity", "check", "layer", "ids", "message", "quantity", "unit", "message_zh"]
SEVERITIES = ("error", "warning", "info")
MIN_OVERLAP_M2 = 1.0  # below this, shared edges and float noise, not overlaps


def _f(
    severity: str,
    check: str,
    layer: str,
    ids: str,
    quantity: float | None = None,
    unit: str | None = None,
    **values: object,
) -> dict:
    """One finding: message ``check.<check>`` of the vocabulary, said in both languages with ``values``."""
    en, zh = (render(f"check.{check}", lang, values)[0] for lang in ("en", "zh"))
    return {
        "severity": severity,
        "check": check,
        "layer": layer,
        "ids": ids,
        "message": en,
        "quantity": quantity,
        "unit": unit,
        "message_zh": zh,
    }


def _ha(geoms, crs) -> np.ndarray:
    return ellipsoidal_area(geoms, crs) / M2_PER_HA


def check_study(
    study: Study | str | Path, *, min_overlap_m2: float = MIN_OVERLAP_M2, cluster: str | Cluster | None = None
) -> pd.DataFrame:
    """Check a study and return every finding.

    Parameters
    ----------
    study : Study or path
    min_overlap_m2 : float, default 1.0
        Overlaps and areas outside a boundary smaller than this are ignored as edge noise.
    cluster : str or Cluster, optional
        ``local:N`` or ``tcp://HOST:PORT`` (default ``ZONEKIT_CLUSTER``): the parcels' partitions checked
        as tasks on a dask.distributed cluster, with the same findings.

    Returns
    -------
    DataFrame
        Columns ``severity`` (error | warning | info), ``check``, ``layer``, ``ids``, ``message``,
        ``quantity``, ``unit``; sorted by severity.
    """
    if not isinstance(study, Study):  # the parcels are checked chunk by chunk, never held whole
        study = read_study(study, validate_schema=False, stream=("landuse",))
    crs = study.crs
    where = cluster_for(cluster, study.layers.get("landuse"))
    rows: list[dict] = []
    for name, df in study.layers.items():
        if isinstance(df, LayerStream):
            rows += _streamed(df, name, crs, where)
            continue
        for p in validate(df, SCHEMAS[name]):
            rows.append(_f("error", "schema", name, "", problem=p))
        if isinstance(df, gpd.GeoDataFrame) and df.crs is not None and not df.crs.equals(crs):
            rows.append(_crs_mismatch(name, df.crs, crs))
        rows += _invalid(df, name)
    parks = study.layers.get("parks")
    zones = study.layers.get("zones")
    if parks is not None and len(parks):
        rows += _park_overlaps(parks, crs, min_overlap_m2)
        rows += _theme_parks(parks, crs, min_overlap_m2)
        if zones is not None:
            rows += _park_zones(parks, zones, crs, min_overlap_m2)
        if "admin" in study.layers:
            rows += _host_adcodes(parks, study.layers["admin"], study.layers.get("enclaves"), crs)
    if "enclaves" in study.layers:
        rows += _share_rules(study.layers["enclaves"], parks)
    lu = study.layers.get("landuse")
    if isinstance(lu, pd.DataFrame):
        rows += _unknown_codes(lu, crs)
    out = pd.DataFrame(rows, columns=FINDING_COLUMNS)
    out["severity"] = pd.Categorical(out["severity"], categories=SEVERITIES, ordered=True)
    out = out.sort_values(["severity", "check", "layer"], kind="stable").reset_index(drop=True)
    out["severity"] = out["severity"].astype(str)
    return out


def _id_of(df: pd.DataFrame, name: str) -> pd.Series:
    col = SCHEMAS[name].id_column
    return df[col].astype(str) if col and col in df else pd.Series(df.index.astype(str), index=df.index)


def _crs_mismatch(name: str, layer_crs: pyproj.CRS, crs: pyproj.CRS) -> dict:
    return _f(
        "error",
        "crs_mismatch",
        name,
        "",
        layer_crs=layer_crs.to_string(),
        study_crs=crs.to_string(),
        name=name,
    )


def _invalid(df: pd.DataFrame, name: str) -> list[dict]:
    if not isinstance(df, gpd.GeoDataFrame) or not len(df):
        return []
    g = df.geometry.to_numpy()
    bad = np.flatnonzero(~shapely.is_missing(g) & ~shapely.is_valid(g))
    if not len(bad):
        return []
    ids = _id_of(df, name).iloc[bad].tolist()
    why = shapely.is_valid_reason(g[bad]).tolist()
    return [_f("error", "invalid_geometry", name, i, why=w) for i, w in zip(ids, why, strict=True)]


def _streamed(layer: LayerStream, name: str, crs: pyproj.CRS, cluster: Cluster | None = None) -> list[dict]:
    """The checks of one layer read chunk by chunk: schema, validity, unknown codes; ids unique over all.

    With a cluster and a partitioned layer, each partition is checked by a task on a worker; the ids'
    uniqueness is checked on their 64-bit hashes gathered from every partition, then on the values of
    the few rows whose hashes repeat: the same findings, in the same order, as on one machine.
    """
    schema = SCHEMAS[name]
    rows: list[dict] = []
    if layer.path is not None:
        found = pyogrio.read_info(layer.path, layer=name).get("crs")
        if found and not pyproj.CRS.from_user_input(found).equals(crs):
            rows.append(_crs_mismatch(name, pyproj.CRS.from_user_input(found), crs))
    unique = [c.name for c in schema.columns if c.unique and c.name in layer]
    problems: dict[str, None] = {}  # each problem once, in the order found
    unknown = []
    if cluster is not None and layer.store is not None:
        n = len(layer.store.files)
        parts = map_partitions(cluster, partition_findings, n, broadcast={"layer": layer}, args=(name,))
        for found_problems, found_rows, found_unknown, _ in parts:
            problems |= dict.fromkeys(found_problems)
            rows += found_rows
            unknown.append(found_unknown)
        for col in unique:
            hashes = np.concatenate([h[col] for *_, h in parts]) if parts else np.zeros(0, np.uint64)
            ordered = np.sort(hashes)
            twice = np.unique(ordered[1:][ordered[1:] == ordered[:-1]])
            if len(twice):  # the rows whose hashes repeat, in the layer's order; their values decide
                ids = pd.concat(
                    map_partitions(
                        cluster, partition_ids, n, broadcast={"layer": layer, "hashes": twice}, args=(col,)
                    )
                )
                problems |= dict.fromkeys(validate(pd.DataFrame({col: ids}), narrowed(schema, [col])))
    else:  # a study file's chunks checked by worker processes (LayerStream.map_chunks), in order
        each_chunk = functools.partial(_one_chunk_findings, name=name)
        for found_problems, found_rows, found_unknown in layer.map_chunks(each_chunk, workers=threads(None)):
            problems |= dict.fromkeys(found_problems)
            rows += found_rows
            unknown.append(found_unknown)
        for col in unique:
            if layer.path is not None:  # the whole column, without geometry: ids unique over every chunk
                ids = pyogrio.read_dataframe(layer.path, layer=name, columns=[col], read_geometry=False)[col]
            else:
                ids = layer.select([col])[col]
            problems |= dict.fromkeys(validate(pd.DataFrame({col: ids}), narrowed(schema, [col])))
    rows += [_f("error", "schema", name, "", problem=p) for p in problems]
    unknown = [u for u in unknown if u is not None and len(u)]
    if unknown:
        rows += _unknown_codes(pd.concat(unknown), crs)
    return rows


def _chunk_findings(chunks, name: str) -> tuple[list[str], list[dict], gpd.GeoDataFrame | None]:
    """Schema problems (uniqueness aside), invalid shapes and unknown-code parcels of some chunks."""
    schema = SCHEMAS[name]
    per_chunk = replace(schema, columns=tuple(replace(c, unique=False) for c in schema.columns))
    problems: dict[str, None] = {}
    rows: list[dict] = []
    unknown = []
    for chunk in chunks:
        problems |= dict.fromkeys(validate(chunk, per_chunk))
        rows += _invalid(chunk, name)
        if "analysis_class" in chunk:
            unknown.append(chunk[chunk["analysis_class"] == "unknown"])
    kept = [u for u in unknown if len(u)]
    return list(problems), rows, pd.concat(kept) if kept else None


def _one_chunk_findings(chunk: gpd.GeoDataFrame, name: str) -> tuple:
    return _chunk_findings([chunk], name)


def partition_findings(k: int, name: str, *, layer: LayerStream) -> tuple:
    """A cluster task: the checks of partition ``k`` of a partitioned layer, and its unique ids' hashes.

    Parameters
    ----------
    k : int
        The partition.
    name : str
        The layer.
    layer : LayerStream
        The partitioned layer (sent once to every worker).

    Returns
    -------
    tuple
        Problems, finding rows, the unknown-code parcels, and per unique column the ids' 64-bit hashes.
    """
    schema = SCHEMAS[name]
    unique = [c.name for c in schema.columns if c.unique and c.name in layer]
    hashes: dict[str, list[np.ndarray]] = {c: [] for c in unique}

    def chunks():
        for chunk, _ in layer.part(k):
            for c in unique:
                hashes[c].append(_hashed(chunk[c]))
            yield chunk

    problems, rows, unknown = _chunk_findings(chunks(), name)
    joined = {c: np.concatenate(h) if h else np.zeros(0, np.uint64) for c, h in hashes.items()}
    return problems, rows, unknown if unknown is not None else pd.DataFrame(), joined


def partition_ids(k: int, col: str, *, layer: LayerStream, hashes: np.ndarray) -> pd.Series:
    """A cluster task: the values of ``col`` in partition ``k`` whose hashes are among ``hashes``.

    Parameters
    ----------
    k : int
        The partition.
    col : str
        The unique column.
    layer : LayerStream
        The partitioned layer.
    hashes : numpy.ndarray
        Sorted hashes that occur more than once in the layer.

    Returns
    -------
    pandas.Series
        The values, in the layer's order.
    """
    found = []
    for chunk, _ in layer.part(k, [col]):
        h = _hashed(chunk[col])
        found.append(chunk[col][np.isin(h, hashes)])
    return pd.concat(found) if found else pd.Series(dtype=object)


def _hashed(values: pd.Series) -> np.ndarray:
    """64-bit hashes of values as text (missing values hash apart: they are not duplicates)."""
    return pd.util.hash_pandas_object(values.astype("string"), index=False).to_numpy(dtype=np.uint64)


def _park_overlaps(parks: gpd.GeoDataFrame, crs, tol: float) -> list[dict]:
    g = parks.geometry.to_numpy()
    tree = shapely.STRtree(g)
    left, right = tree.query(g, predicate="intersects")
    keep = left < right
    left, right = left[keep], right[keep]
    if not len(left):
        return []
    pid = parks["park_id"].astype(str).to_numpy()
    parent = parks["parent_park_id"].astype(object).to_numpy()
    nested = (parent[left] == pid[right]) | (parent[right] == pid[left])
    left, right = left[~nested], right[~nested]
    inter = shapely.intersection(g[left], g[right])
    m2 = ellipsoidal_area(inter, crs)
    zone = parks["zone_id"].astype(str).to_numpy()
    name = parks["name"].astype(str).to_numpy()
    rows = []
    for a, b, area in zip(left, right, m2, strict=True):
        if area < tol:
            continue
        same = zone[a] == zone[b]
        rows.append(
            _f(
                "warning" if same else "error",
                "park_overlap",
                "parks",
                f"{pid[a]},{pid[b]}",
                area / M2_PER_HA,
                "ha",
                a=name[a],
                b=name[b],
                where="check.same_zone" if same else "check.two_zones",
                za=zone[a],
                zb=zone[b],
            )
        )
    return rows


def _theme_parks(parks: gpd.GeoDataFrame, crs, tol: float) -> list[dict]:
    rows = []
    by_id = parks.set_index(parks["park_id"].astype(str))
    theme = parks[parks["kind"] == "theme"]
    for _, t in theme.iterrows():
        pid, parent = str(t["park_id"]), t["parent_park_id"]
        if parent is None or pd.isna(parent):
            rows.append(
                _f(
                    "error",
                    "theme_without_parent",
                    "parks",
                    pid,
                    name=t["name"],
                )
            )
            continue
        if str(parent) not in by_id.index:
            rows.append(
                _f(
                    "error",
                    "theme_parent_missing",
                    "parks",
                    pid,
                    name=t["name"],
                    parent=parent,
                )
            )
            continue
        outside = shapely.difference(t.geometry, by_id.loc[str(parent)].geometry)
        m2 = float(ellipsoidal_area([outside], crs)[0])
        if m2 >= tol:
            share = m2 / float(ellipsoidal_area([t.geometry], crs)[0])
            rows.append(
                _f(
                    "error",
                    "theme_outside_parent",
                    "parks",
                    f"{pid},{parent}",
                    m2 / M2_PER_HA,
                    "ha",
                    name=t["name"],
                    share=share,
                    parent=parent,
                )
            )
    return rows


def _park_zones(parks: gpd.GeoDataFrame, zones: pd.DataFrame, crs, tol: float) -> list[dict]:
    rows = []
    zid = zones["zone_id"].astype(str)
    missing = sorted(set(parks["zone_id"].astype(str)) - set(zid))
    for z in missing:
        ids = ",".join(parks.loc[parks["zone_id"].astype(str) == z, "park_id"].astype(str))
        rows.append(
            _f(
                "error",
                "park_zone_missing",
                "parks",
                ids,
                zone=z,
                parks=ids,
            )
        )
    if not isinstance(zones, gpd.GeoDataFrame):
        return rows
    out = parks_outside_zone(parks, zones, min_m2=tol)
    for p in out.itertuples():  # one finding per park beyond its zone: a handful
        rows.append(
            _f(
                "warning",
                "park_outside_zone",
                "parks",
                f"{p.park_id},{p.zone_id}",
                p.outside_ha,
                "ha",
                name=p.name,
                zone=p.zone_id,
            )
        )
    return rows


def parks_outside_zone(
    parks: gpd.GeoDataFrame, zones: gpd.GeoDataFrame, *, min_m2: float = MIN_OVERLAP_M2
) -> gpd.GeoDataFrame:
    """The part of each park outside its zone's boundary, where it is at least ``min_m2``.

    The one measure of "park outside its zone" that both ``zonekit check`` and the overlap findings
    report. Enclave parks lie outside their zone by design and are left out, and so are parks whose zone
    has no geometry.

    Returns
    -------
    GeoDataFrame
        park_id, name, zone_id, outside_m2, outside_ha, outside_mu, pct_of_park; the outside part as
        geometry.

    Parameters
    ----------
    parks : gpd.GeoDataFrame
        Parks (``park_id``, ``zone_id``, ``kind``, ``name``).
    zones : gpd.GeoDataFrame
        Zones (``zone_id``, ``name``, ``level``, …).
    min_m2 : float, default MIN_OVERLAP_M2
        Smaller overlaps are ignored, m².
    """
    zg = dict(zip(zones["zone_id"].astype(str), zones.geometry, strict=True))
    zone_geom = parks["zone_id"].astype(str).map(zg)
    use = zone_geom.notna().to_numpy() & (parks["kind"] != "enclave").to_numpy()
    sub = parks[use]
    outside = shapely.difference(sub.geometry.values, np.asarray(zone_geom[use], dtype=object))
    m2 = ellipsoidal_area(outside, parks.crs)
    total = ellipsoidal_area(sub.geometry.values, parks.crs)
    keep = m2 >= min_m2
    out = pd.DataFrame(
        {
            "park_id": sub["park_id"].to_numpy()[keep],
            "name": sub["name"].to_numpy()[keep],
            "zone_id": sub["zone_id"].to_numpy()[keep],
            "outside_m2": m2[keep],
            "outside_ha": m2[keep] / M2_PER_HA,
            "outside_mu": m2[keep] / M2_PER_MU,
            "pct_of_park": 100.0 * m2[keep] / total[keep],
        }
    )
    return gpd.GeoDataFrame(out, geometry=list(outside[keep]), crs=parks.crs)


def _host_adcodes(
    parks: gpd.GeoDataFrame, admin: gpd.GeoDataFrame, enclaves: pd.DataFrame | None, crs
) -> list[dict]:
    counties = admin[admin["level"] == "county"] if "level" in admin else admin
    if not len(counties):
        return []
    cg = counties.geometry.to_numpy()
    codes = counties["adcode"].astype(str).to_numpy()
    tree = shapely.STRtree(cg)
    pg = parks.geometry.to_numpy()
    pi, ci = tree.query(pg, predicate="intersects")
    m2 = ellipsoidal_area(shapely.intersection(pg[pi], cg[ci]), crs)
    best: dict[int, tuple[str, float]] = {}
    for p, c, a in zip(pi, ci, m2, strict=True):
        if a > best.get(int(p), ("", -1.0))[1]:
            best[int(p)] = (codes[c], a)
    total = ellipsoidal_area(pg, crs)
    stated = dict(zip(parks["park_id"].astype(str), parks["host_adcode"], strict=True))
    if enclaves is not None and len(enclaves):
        for pid, host in zip(
            enclaves["park_id"].astype(str), enclaves["host_adcode"].astype(str), strict=True
        ):
            if stated.get(pid) is None or pd.isna(stated.get(pid)):
                stated[pid] = host
    rows = []
    for i, pid in enumerate(parks["park_id"].astype(str)):
        host = stated.get(pid)
        if host is None or pd.isna(host):
            continue
        found, area = best.get(i, (None, 0.0))
        if found is None:
            rows.append(
                _f(
                    "warning",
                    "host_outside_admin",
                    "parks",
                    pid,
                    park=pid,
                )
            )
        elif found != str(host):
            rows.append(
                _f(
                    "error",
                    "host_adcode_mismatch",
                    "parks",
                    pid,
                    area / M2_PER_HA,
                    "ha",
                    park=pid,
                    host=host,
                    share=area / total[i],
                    found=found,
                )
            )
    return rows


def _share_rules(enclaves: pd.DataFrame, parks: pd.DataFrame | None) -> list[dict]:
    rows: list[dict] = []
    if not len(enclaves):
        return rows
    e = enclaves.copy()
    for _, r in e.iterrows():
        ident = f"{r['park_id']}/{r['metric']}/{r['valid_from']}"
        if str(r["home_adcode"]) == str(r["host_adcode"]):
            rows.append(
                _f(
                    "error",
                    "enclave_host_is_home",
                    "enclaves",
                    ident,
                    park=r["park_id"],
                    adcode=r["home_adcode"],
                )
            )
        total = float(r["home_share"]) + float(r["host_share"])
        if not np.isclose(total, 1.0, atol=1e-9):
            rows.append(
                _f(
                    "error",
                    "share_sum",
                    "enclaves",
                    ident,
                    total,
                    "share",
                    park=r["park_id"],
                    metric=r["metric"],
                    total=total,
                )
            )
    far = pd.Timestamp.max.normalize()
    e["_from"] = pd.to_datetime(e["valid_from"])
    e["_to"] = pd.to_datetime(e["valid_to"]).fillna(far)
    for (pid, metric), grp in e.groupby(["park_id", "metric"]):
        g = grp.sort_values("_from")
        starts, ends = g["_from"].to_numpy(), g["_to"].to_numpy()
        for k in range(1, len(g)):
            if starts[k] <= ends[:k].max():
                rows.append(
                    _f(
                        "error",
                        "share_overlap",
                        "enclaves",
                        f"{pid}/{metric}",
                        park=pid,
                        metric=metric,
                        since=g["valid_from"].iloc[k],
                    )
                )
    if parks is not None:
        known = set(parks["park_id"].astype(str))
        for pid in sorted(set(e["park_id"].astype(str)) - known):
            rows.append(
                _f(
                    "error",
                    "enclave_park_missing",
                    "enclaves",
                    pid,
                    park=pid,
                )
            )
        enclave_parks = set(parks.loc[parks["kind"] == "enclave", "park_id"].astype(str))
        for pid in sorted(enclave_parks - set(e["park_id"].astype(str))):
            rows.append(
                _f(
                    "warning",
                    "enclave_without_rules",
                    "parks",
                    pid,
                    park=pid,
                )
            )
    return rows


def _unknown_codes(landuse: gpd.GeoDataFrame, crs) -> list[dict]:
    unk = landuse[landuse["analysis_class"] == "unknown"]
    if not len(unk):
        return []
    area = pd.Series(_ha(unk.geometry.to_numpy(), crs), index=unk.index)
    rows = []
    for code, grp in unk.groupby(unk["land_use_code"].fillna("(empty)")):
        system = grp["code_system"].iloc[0]
        rows.append(
            _f(
                "warning",
                "unknown_land_use_code",
                "landuse",
                ",".join(grp["parcel_id"].astype(str)[:20]),
                float(area[grp.index].sum()),
                "ha",
                n=len(grp),
                code=code,
                system=system,
            )
        )
    return rows


def summarise(findings: pd.DataFrame) -> str:
    """A short terminal summary: counts by severity and check.

    Parameters
    ----------
    findings : pd.DataFrame
        Findings to draw.

    Returns
    -------
    str
        A short terminal summary: counts by severity and check.
    """
    if not len(findings):
        return say("summary.no_findings")
    counts = findings.groupby(["severity", "check"], sort=False).size()
    by_severity = findings["severity"].value_counts().reindex(list(SEVERITIES)).dropna().astype(int)
    parts = [
        say(
            "summary.findings",
            n=len(findings),
            counts=", ".join(f"{n} {say('severity.' + s)}" for s, n in by_severity.items()),
        )
    ]
    names = CHECK_ZH if language() == "zh" else {}
    for (sev, chk), n in counts.items():
        parts.append(f"  {say('severity.' + sev):<7} {names.get(chk, chk):<24} {n}")
    return "\n".join(parts)
