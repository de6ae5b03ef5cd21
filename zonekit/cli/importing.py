"""``zonekit import``."""

from __future__ import annotations

from pathlib import Path

import click

from zonekit.choices import LAYER_NAMES
from zonekit.cli.help import Command
from zonekit.cli.options import (
    StudyArg,
    cluster_option_with,
    lang_option,
    quiet_option,
    rows_option,
    show,
    source_options,
)


@click.command("import", cls=Command)
@click.argument("sources", metavar="SRC...", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option(
    "--into",
    "study",
    required=True,
    type=StudyArg(exists=False),
    help="The study: a GeoPackage, created (CGCS2000, EPSG:4490) if it does not exist, or a PostgreSQL URL "
    "postgresql://USER@HOST[:PORT]/DB?schema=NAME (password from PGPASSWORD or ~/.pgpass).",
)
@click.option(
    "--as",
    "as_",
    type=click.Choice(LAYER_NAMES),
    help="The study layer to fill (left out to copy a whole study GeoPackage into a PostgreSQL URL).",
)
@source_options
@click.option(
    "--replace",
    "mode",
    flag_value="replace",
    help="Replace the layer if the study has it; the replaced one is kept as <layer>_previous.",
)
@click.option("--append", "mode", flag_value="append", help="Append to the layer if the study has it.")
@click.option(
    "--stat-date",
    metavar="YYYY-MM-DD",
    help="landuse/enterprises: the statistics date the data describe; the layer is also kept as its dated "
    "snapshot (landuse_20241231) for zonekit monitor.",
)
@click.option(
    "--partitions",
    type=click.Path(file_okay=False, path_type=Path),
    help="Also write the layer as a partitioned GeoParquet store in this folder (landuse.parquet), one "
    "partition per source file, and read it from there from now on (as zonekit partition does). A store "
    "the study already names is kept current without it.",
)
@rows_option("With a store: the most features in a partition (a larger file is cut in pieces).")
@cluster_option_with(
    "Import the files in parallel, one task per file on a dask.distributed cluster: local:N starts N "
    "worker processes here, tcp://HOST:PORT joins a running scheduler (its workers must see the study's "
    "folder, the files and the store at the same paths). Same study as without. Default: ZONEKIT_CLUSTER."
)
@lang_option
@quiet_option
def import_command(
    sources: tuple[Path, ...],
    study: Path,
    as_: str,
    encoding: str | None,
    crs: str | None,
    from_: str | None,
    fields: Path | None,
    values: Path | None,
    code_system: str | None,
    layer: str | None,
    mode: str | None,
    stat_date: str | None,
    partitions: Path | None,
    rows: int,
    cluster,
    lang: str,
) -> None:
    """Import SRC into a study layer, accounting for every feature.

    SRC may be a Shapefile (also .zip / .shp.zip), GeoPackage, GeoJSON, File Geodatabase (.gdb, .gdb.zip),
    KML, CSV (a WKT column or lon/lat columns) or, for the enclaves table, XLSX. Several SRC, a folder of
    several files or a quoted pattern ('县/*.shp') go into the one layer together: each file decided and
    recorded on its own, all of them in one transaction (one file failing leaves the study unchanged).

    \b
    What import does for you:
      text      .cpg or --encoding; else UTF-8 vs GBK/GB18030 decided from the bytes (never mojibake)
      CRS       .prj (Esri CGCS2000 names too) or --crs; else inferred: degrees → EPSG:4490,
                Gauss-Krüger zone-prefixed eastings → the exact CGCS2000 code; swapped X/Y undone
      offsets   --from gcj02|bd09 converts Amap/Baidu coordinates back to CGCS2000
      fields    名称/NAME/MC → name, DLBM → land_use_code, TBMJ → source_area_m2, … (--fields to add)
      values    国家级 → national, 是/否 → yes/no, 60% → 0.6, 2019年1月1日 → 2019-01-01 (--values to add)
      geometry  made valid (structure method), Z/M dropped, collections reduced to polygons
      account   read = loaded + rejected; rejects kept in <layer>_rejected with their reason

    \b
    Examples:
      zonekit import 园区边界.zip --into study.gpkg --as parks
      zonekit import DLTB.shp --into study.gpkg --as landuse --code-system sandiao
      zonekit import 飞地分成.xlsx --into study.gpkg --as enclaves
      zonekit import 三调/*/DLTB.shp --into study.gpkg --as landuse --code-system sandiao
      zonekit import 三调/*/DLTB.shp --into study.gpkg --as landuse --partitions landuse.parquet --cluster local:2
                (a county a task, a county a partition: then every command reads the parcels per county)
      zonekit import 园区.shp --into study.gpkg --as parks --values 园区类型.toml
      zonekit import 园区.gpkg --into study.gpkg --as parks --replace   (the old layer kept as parks_previous)
      zonekit import 2025/DLTB.shp --into study.gpkg --as landuse --replace --stat-date 2025-12-31
                (the current parcels, and their snapshot for zonekit monitor --dates 2024-12-31,2025-12-31)
      zonekit import study.gpkg --into 'postgresql://gis@db:5432/land?schema=nantong'   (a whole study)
      zonekit import DLTB.shp --into 'postgresql://gis@db/land?schema=nantong' --as landuse --replace
    """
    from zonekit.geo.io import expand_sources
    from zonekit.layers import postgis
    from zonekit.layers.importer import import_layers
    from zonekit.layers.study import is_study
    from zonekit.vocabulary.labels import layer_said
    from zonekit.vocabulary.messages import say

    if as_ is None:
        if postgis.is_url(study) and len(sources) == 1 and is_study(sources[0]):
            tables = postgis.copy_study_in(sources[0], study)
            show(say("summary.study_copied", study=str(study), tables=len(tables)))
            return
        raise click.UsageError(say("usage.as_needed"))
    paths = expand_sources(list(sources), layer=layer)
    if partitions is not None and postgis.is_url(study):
        raise click.UsageError(say("usage.partitions_url"))

    def run(into):
        return import_layers(
            paths,
            into,
            as_=as_,
            encoding=encoding,
            crs=crs,
            from_=from_,
            fields=fields,
            values=values,
            code_system=code_system,
            layer=layer,
            mode=mode or "create",
            stat_date=stat_date,
            partitions=partitions,
            rows=rows,
            cluster=cluster,
        )

    reports = postgis.import_into(study, run, layer=as_) if postgis.is_url(study) else run(study)
    for report in reports:
        show(report.summary())
    if len(reports) > 1:
        total = {k: sum(getattr(r, k) for r in reports) for k in ("read", "loaded", "rejected", "repaired")}
        show(say("summary.batch", files=len(reports), layer=layer_said(as_, lang), **total))
