"""``zonekit overlap``."""

from __future__ import annotations

from pathlib import Path

import click

from zonekit.choices import LAYER_NAMES
from zonekit.cli.help import Command
from zonekit.cli.options import (
    OUT,
    STUDY,
    cluster_option,
    guard_out,
    lang_option,
    quiet_option,
    read,
    show,
    write_report,
)
from zonekit.vocabulary.messages import say

SPATIAL = [n for n in LAYER_NAMES if n != "enclaves"]


@click.command(cls=Command)
@click.argument("study", type=STUDY)
@click.option("--a", "a", type=click.Choice(SPATIAL), help="The layer whose features are reported.")
@click.option(
    "--b",
    "bs",
    multiple=True,
    type=click.Choice(SPATIAL),
    help="A layer to overlay (repeat for several). --a parks --b parks gives self-overlaps, each pair once.",
)
@click.option(
    "--out",
    required=True,
    type=OUT,
    callback=guard_out,
    help="Output: .xlsx, .csv (pairs; coverage beside it), .gpkg (overlap geometries for QGIS), .parquet.",
)
@click.option(
    "--buffer",
    type=float,
    default=0.0,
    show_default=True,
    help="Grow the B layers by this many metres first (e.g. 500 for parcels near a water source).",
)
@click.option(
    "--preset",
    type=click.Choice(["findings"]),
    help="findings: parks in red lines and farmland, chemical parcels in or within --buffer (default "
    "500) m of protected areas, parks across counties, park area outside its zone, parks of different "
    "zones overlapping — a sheet each.",
)
@cluster_option
@lang_option
@quiet_option
def overlap(
    study: Path,
    a: str | None,
    bs: tuple[str, ...],
    out: Path,
    buffer: float,
    preset: str | None,
    cluster,
    lang: str,
) -> None:
    """Overlap of layer A with layers B: every intersecting pair, and coverage with B dissolved.

    \b
    pairs     a_layer, a_id, b_layer, b_id, names, overlap_m2, overlap_ha, overlap_mu, pct_of_a, pct_of_b
    coverage  per A feature and B class, the area covered with B dissolved first, so overlapping B
              features are not counted twice (the trap of ArcGIS Tabulate Intersection, whose % can
              exceed 100)

    \b
    Examples:
      zonekit overlap study.gpkg --preset findings --out findings.xlsx
      zonekit overlap study.gpkg --a parks --b protected --out parks_in_redlines.xlsx
      zonekit overlap study.gpkg --a landuse --b protected --buffer 500 --out near_water.xlsx
      zonekit overlap study.gpkg --a protected --b landuse --out c.xlsx --cluster local:2   (partitioned)
    """
    from zonekit import api
    from zonekit.vocabulary.labels import sheet_title

    if preset == "findings":
        st = read(study, ("parks",), ("protected", "zones", "admin", "landuse"), stream=("landuse",))
        g = st.get
        near = buffer or 500.0
        report = api.findings(
            st["parks"],
            protected=g("protected"),
            zones=g("zones"),
            admin=g("admin"),
            parcels=g("landuse"),
            near_m=near,
        )
        write_report(report, out, lang=lang, metadata={"study": study.name, "preset": preset}, study=study)
        for name, t in report.frames.items():
            show(f"{sheet_title(name, lang):<26} {len(t)}")
        return
    if a is None or not bs:
        raise click.UsageError(say("usage.overlap_layers"))
    st = read(study, tuple(dict.fromkeys([a, *bs])), stream=("landuse",))  # big: read as it is needed
    report = api.overlap_many(st, a, list(bs), buffer_m=buffer, cluster=cluster)
    write_report(report, out, lang=lang, metadata={"study": study.name}, study=study)
