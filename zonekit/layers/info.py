"""What a study holds: its layers with their counts, geometry and extent, and its latest imports.

Read from the file's metadata (``pyogrio.read_info``, the GeoPackage's own feature counts and extents)
and the small bookkeeping tables, so a province's study answers as fast as the sample's.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from zonekit.layers import postgis
from zonekit.layers.study import (
    IMPORTS_TABLE,
    META_TABLE,
    REPAIRS_TABLE,
    layer_info,
    list_tables,
    read_table,
    study_meta,
)

IMPORT_COLUMNS = [
    "import_id",
    "layer",
    "source",
    "read",
    "loaded",
    "repaired",
    "rejected",
    "mode",
    "imported_at",
]


@dataclass(frozen=True)
class StudyInfo:
    """A study's summary: see :func:`info`."""

    path: Path | postgis.StudyURL
    crs: str
    created: str
    zonekit_version: str
    layers: pd.DataFrame
    """One row per layer and table: name, features, geometry type, columns, min/max lon/lat."""
    imports: pd.DataFrame
    """The latest imports, newest first (the columns of :data:`IMPORT_COLUMNS`)."""
    partitions: dict[str, dict] = field(default_factory=dict)
    """Layer → its partitioned store (``zonekit partition``): folder, partitions, by, rows, current."""


def info(study: str | Path, *, imports: int = 10) -> StudyInfo:
    """The layers of a study (features, geometry, extent) and its latest imports.

    Parameters
    ----------
    study : str or Path
        The study GeoPackage.
    imports : int, default 10
        How many of the latest imports to list.

    Returns
    -------
    StudyInfo
        Nothing but metadata and bookkeeping is read.

    Examples
    --------
    >>> from zonekit.layers.sample import sample_path
    >>> i = info(sample_path())
    >>> i.crs, int(i.layers.set_index("layer").loc["parks", "features"]) > 0
    ('EPSG:4490', True)
    """
    path: Path | postgis.StudyURL = postgis.as_url(study) if postgis.is_url(study) else Path(study)
    meta = study_meta(path)
    rows = []
    for name in list_tables(path):
        if name == META_TABLE:
            continue
        d = layer_info(path, name)
        box = d.get("total_bounds")
        box = box if box is not None and np.all(np.isfinite(box)) else (np.nan,) * 4
        rows.append(
            {
                "layer": name,
                "features": int(d["features"]),
                "geometry": d.get("geometry_type") or "",
                "columns": len(d["fields"]),
                "min_lon": box[0],
                "min_lat": box[1],
                "max_lon": box[2],
                "max_lat": box[3],
                "bookkeeping": name in (IMPORTS_TABLE, REPAIRS_TABLE) or name.endswith("_rejected"),
            }
        )
    layers = pd.DataFrame(rows, columns=["layer", "features", "geometry", "columns", "min_lon", "min_lat",
                                         "max_lon", "max_lat", "bookkeeping"])  # fmt: skip
    done = pd.DataFrame(columns=IMPORT_COLUMNS)
    if IMPORTS_TABLE in list_tables(path):
        table = read_table(path, IMPORTS_TABLE)
        done = table[[c for c in IMPORT_COLUMNS if c in table]].sort_values("import_id", ascending=False)
        done = done.head(imports).reset_index(drop=True)
    return StudyInfo(
        path,
        meta.get("crs", ""),
        meta.get("created", ""),
        meta.get("zonekit_version", ""),
        layers,
        done,
        stores(path, meta),
    )


def stores(path: Path | postgis.StudyURL, meta: dict[str, str]) -> dict[str, dict]:
    """The partitioned stores the study names (``zonekit partition``), each said current or stale.

    Parameters
    ----------
    path : Path or StudyURL
        The study.
    meta : dict
        Its ``zonekit_study`` table.

    Returns
    -------
    dict
        Layer → ``folder``, ``partitions``, ``by``, ``rows`` and ``current`` (False: cut from an older
        state of the layer, or missing; the commands refuse it until it is cut again).
    """
    from zonekit.errors import StudyError
    from zonekit.layers.partitions import META_KEY, PartitionStore, store_folder, store_of

    out: dict[str, dict] = {}
    prefix = META_KEY.format(layer="")
    for key in (k for k in meta if k.startswith(prefix)):
        layer = key[len(prefix) :]
        folder = store_folder(path, meta[key])
        try:
            store, current = store_of(path, layer, meta), True
        except StudyError:
            try:
                store, current = PartitionStore.open(folder), False
            except StudyError:
                out[layer] = {"folder": str(folder), "partitions": 0, "by": "", "rows": 0, "current": False}
                continue
        assert store is not None
        out[layer] = {
            "folder": str(store.folder),
            "partitions": len(store.files),
            "by": store.manifest.get("by", ""),
            "rows": len(store),
            "current": current,
        }
    return out


def provenance(study: str | Path) -> dict[str, str]:
    """Where each layer of a study came from, for a report's metadata.

    ``input <layer>`` → its features now and the sources of the imports that made it (since its last
    create or replace), each with its SHA-256.

    Parameters
    ----------
    study : str or Path
        The study GeoPackage.

    Returns
    -------
    dict[str, str]
        ``{"input parks": "13 features from 园区.shp (SHA-256 1a2b…)", …}``, in the schema's layer order;
        the values are stored phrases, said in Chinese by the writers.

    Examples
    --------
    >>> from zonekit.layers.sample import sample_path
    >>> said = provenance(sample_path())
    >>> said["input parks"]
    '13 features from data/generate_sample.py(示意园区)'
    """
    from zonekit.layers.schema import SCHEMAS
    from zonekit.vocabulary.messages import say

    path = study if postgis.is_url(study) else Path(study)
    tables = list_tables(path)
    imports = read_table(path, IMPORTS_TABLE) if IMPORTS_TABLE in tables else pd.DataFrame()
    out: dict[str, str] = {}
    for name in (n for n in SCHEMAS if n in tables):
        n = int(layer_info(path, name)["features"])
        mine = imports[imports["layer"] == name] if len(imports) else imports
        if len(mine):
            fresh = np.flatnonzero(mine["mode"].isin(["create", "replace"]).to_numpy())
            mine = mine.iloc[fresh[-1] if len(fresh) else 0 :]
        digests = mine["source_sha256"] if "source_sha256" in mine else pd.Series(None, index=mine.index)
        sources = " | ".join(
            str(src) if pd.isna(h) or not h else f"{src} (SHA-256 {str(h)[:16]}…)"
            for src, h in zip(mine.get("source", []), digests, strict=True)
        )
        out[f"input {name}"] = say("note.input_layer", "en", n=f"{n:,}", sources=sources or "—")
    return out
