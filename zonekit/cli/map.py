"""``zonekit map``."""

from __future__ import annotations

from pathlib import Path

import click

from zonekit.choices import BASEMAPS, INDICATORS
from zonekit.cli.help import Command
from zonekit.cli.options import STUDY, echo, guard_out, lang_option, quiet_option, read


@click.command("map", cls=Command)
@click.argument("study", type=STUDY)
@click.option(
    "--out",
    required=True,
    type=click.Path(dir_okay=False, path_type=Path),
    callback=guard_out,
    help="The .html file.",
)
@click.option(
    "--offline",
    is_flag=True,
    help="Inline every script and stylesheet: one file that opens with no internet (no tiles by default).",
)
@click.option(
    "--basemap",
    type=click.Choice(BASEMAPS),
    help="Tiles: osm (default online), tianditu (needs a key), gaode (GCJ-02: layers shifted to match), "
    "none (default offline).",
)
@click.option("--tianditu-key", envvar="TIANDITU_KEY", help="Tianditu browser key (or set TIANDITU_KEY).")
@click.option(
    "--indicator",
    type=click.Choice(INDICATORS),
    default="investment_intensity",
    show_default=True,
    help="The indicator of the second choropleth.",
)
@click.option(
    "--png",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Also draw the map as it opens into this PNG, for a report (headless Chromium).",
)
@click.option(
    "--pdf",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Also draw the print view (title, date, north arrow, legend, scale) into this PDF (headless Chromium).",
)
@lang_option
@quiet_option
def map_command(
    study: Path,
    out: Path,
    offline: bool,
    basemap: str | None,
    tianditu_key: str | None,
    indicator: str,
    png: Path | None,
    pdf: Path | None,
    lang: str,
) -> None:
    """Draw STUDY as an interactive HTML map.

    \b
    Layers (each toggleable, each in the legend): admin boundaries, zones, parks (coloured by zone, the kind
    shown by the outline), enclave → home links, land use by class (an image past 20,000 parcels), intensity
    grades (A-D) and one indicator, consolidation candidates, protected areas, parks in red lines. A click
    inside a park opens its panel (area in 公顷 and 亩, score, grade, indicators, its red lines and
    candidates) whatever lies on top. Search by park or zone name or code (Enter zooms there), fullscreen,
    measuring in 米/公顷/亩, scale bar; prints with a title, date, north arrow and legend. Every name from the
    data is escaped: a hostile name shows as text and runs nothing.

    \b
    Examples:
      zonekit map study.gpkg --out map.html
      zonekit map study.gpkg --out map.html --offline            # intranet: no internet needed
      zonekit map study.gpkg --out map.html --basemap tianditu --tianditu-key KEY
      zonekit map study.gpkg --out map.html --offline --png 园区图.png --pdf 园区图.pdf   # figures for a report
    """
    from zonekit import api
    from zonekit.maps.html import write_map

    layers = ("zones", "landuse", "admin", "protected", "enclaves", "enterprises", "supply", "approvals")
    st = read(study, ("parks",), layers, stream=("landuse",))  # parcels chunk by chunk
    g = st.get
    m = api.map(
        st["parks"],
        zones=g("zones"),
        parcels=g("landuse"),
        admin=g("admin"),
        protected=g("protected"),
        enclave_rules=g("enclaves"),
        supply=g("supply"),
        approvals=g("approvals"),
        basemap=basemap or ("none" if offline else "osm"),
        lang=lang,
        tianditu_key=tianditu_key,
        indicator=indicator,
        title=f"{study.stem} — zonekit",
    )
    echo("cli.wrote", file=write_map(m, out, offline=offline))
    for figure in (png, pdf):
        if figure is not None:
            from zonekit.maps.html import write_figure

            echo("cli.wrote", file=write_figure(m, figure))
