"""What an import would decide, without writing anything: the dry run of :func:`import_layer`.

The source goes through the very import a study would get — into a throw-away study in a temporary
folder — so every decision shown (encoding, CRS, field and value mapping, code system, repairs,
rejections) is the one the real import makes, not a second guess of it.
"""

from __future__ import annotations

import tempfile
import warnings
from dataclasses import dataclass, field
from pathlib import Path

import geopandas as gpd
import pandas as pd

from zonekit.geo.area import ellipsoidal_area
from zonekit.geo.units import M2_PER_HA
from zonekit.layers.importer import ImportReport, import_layer, reference_study
from zonekit.layers.study import read_table, rejected_name
from zonekit.vocabulary.messages import say

SAMPLE_ROWS = 5


@dataclass
class Inspection:
    """What :func:`inspect` found: the import's report, a few rows as they would be stored, and its warnings."""

    report: ImportReport
    sample: pd.DataFrame
    """The first loaded rows, as the study would hold them (geometry as its type and area in 公顷)."""
    rejected: pd.DataFrame
    """The first rejected rows, with their reasons."""
    warnings: list[str] = field(default_factory=list)
    """What the import would warn about (a CRS inferred, an encoding guessed, codes unknown)."""

    def summary(self) -> str:
        """The report as the import would print it, then the warnings, and a last line: nothing written.

        Returns
        -------
        str
            A few lines for the terminal.
        """
        lines = [self.report.summary()]
        lines.extend(say("inspect.warning", warning=w) for w in self.warnings)
        lines.append(say("inspect.nothing_written"))
        return "\n".join(lines)


def inspect(
    src: str | Path,
    *,
    as_: str,
    into: str | Path | None = None,
    encoding: str | None = None,
    crs: str | None = None,
    from_: str | None = None,
    fields: str | Path | dict[str, str] | None = None,
    values: str | Path | dict[str, dict[str, str]] | None = None,
    code_system: str | None = None,
    layer: str | None = None,
    rows: int = SAMPLE_ROWS,
) -> Inspection:
    """What ``import_layer(src, into, as_=...)`` would decide and load, writing nothing.

    Parameters
    ----------
    src : str or Path
        The source file, folder or archive, as :func:`~zonekit.layers.importer.import_layer` takes it.
    as_ : str
        The study layer it would fill.
    into : str or Path, optional
        The study it would go into: its position guides the choice among Gauss-Krüger zones when the
        source has no .prj. The study is only read.
    encoding, crs, from_, fields, values, code_system, layer
        As for :func:`~zonekit.layers.importer.import_layer`.
    rows : int, default 5
        How many loaded and rejected rows to show.

    Returns
    -------
    Inspection

    Raises
    ------
    InputError
        What the import itself would stop with.

    Examples
    --------
    >>> import geopandas as gpd, shapely
    >>> parks = gpd.GeoDataFrame({"园区代码": ["P1"], "开发区代码": ["Z1"], "名称": ["甲园"], "kind": ["main"]},
    ...     geometry=[shapely.box(120.80, 32.00, 120.81, 32.01)], crs=4490)
    >>> found = inspect(parks, as_="parks")
    >>> found.report.loaded, found.sample.loc[0, "name"], round(float(found.sample.loc[0, "area_ha"]), 1)
    (1, '甲园', 104.8)
    """
    with (
        tempfile.TemporaryDirectory(prefix="zonekit-inspect-") as tmp,
        warnings.catch_warnings(record=True) as said,
    ):
        warnings.simplefilter("always")
        study = Path(tmp) / "inspect.gpkg"
        name = None if isinstance(src, pd.DataFrame) else str(src)
        with reference_study(None if into is None else Path(into)):
            report = import_layer(
                src,
                study,
                as_=as_,
                encoding=encoding,
                crs=crs,
                from_=from_,
                fields=fields,
                values=values,
                code_system=code_system,
                layer=layer,
                source_name=name,
            )
        sample = _readable(read_table(study, as_).head(rows))
        rejected = read_table(study, rejected_name(as_)).head(rows)
    seen: list[str] = []
    for w in said:
        text = str(w.message)
        if text not in seen:
            seen.append(text)
    return Inspection(report, sample, pd.DataFrame(rejected), seen)


def _readable(df: pd.DataFrame) -> pd.DataFrame:
    """Rows to read in a terminal: the geometry as its type and its area in 公顷, empty columns dropped."""
    out = pd.DataFrame(df.drop(columns=df.geometry.name) if isinstance(df, gpd.GeoDataFrame) else df)
    out = out.loc[:, out.notna().any()] if len(out) else out
    if isinstance(df, gpd.GeoDataFrame) and len(df):
        out["geometry"] = df.geometry.geom_type.to_numpy()
        out["area_ha"] = ellipsoidal_area(df.geometry.values, df.crs) / M2_PER_HA
    return out.reset_index(drop=True)
