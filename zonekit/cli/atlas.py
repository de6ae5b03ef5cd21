"""``zonekit atlas``: the main job, all reports for a study in one folder."""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

import click
import pandas as pd

from zonekit.analysis.enclaves import benefit_split, enclave_distances
from zonekit.analysis.overlap import findings as overlap_findings
from zonekit.analysis.report import intensity_tables
from zonekit.analysis.versions import compare_versions, statistical_scope, version_indicators
from zonekit.cli.consolidate import consolidate_tables
from zonekit.cli.options import lang_option
from zonekit.cli.overlap import overlap_tables
from zonekit.geo.area import AREA_METHOD
from zonekit.layers.check import check_study, summarise
from zonekit.layers.sample import sample_path
from zonekit.layers.study import IMPORTS_TABLE, REPAIRS_TABLE, list_tables, read_study, read_table, study_crs
from zonekit.reports.tables import write_tables


@click.command()
@click.argument("study", required=False, type=click.Path(dir_okay=False, exists=True, path_type=Path))
@click.option("--out", required=True, type=click.Path(file_okay=False, path_type=Path), help="Output folder.")
@click.option(
    "--year",
    type=int,
    default=date.today().year,
    show_default="this year",
    help="Year for the enclave benefit split and the statistical scope of boundary versions.",
)
@lang_option
def atlas(study: Path | None, out: Path, lang: str, year: int) -> None:
    """Run the main job on STUDY (default: the bundled sample) and write everything into --out.

    \b
    Writes into OUT:
      study.gpkg             the checked study (a copy; open it in QGIS)
      imports.xlsx/.csv      every import: encoding, CRS and how they were decided, read = loaded + rejected,
                             repairs per feature
      check.xlsx/.csv        every finding of zonekit check
      intensity.xlsx/.csv    land-use intensity per park, scores, grades, national comparison
      intensity_zones.xlsx   the same per zone (a zone is the union of its parks)
      intensity.gpkg         park polygons with their indicators, for QGIS
      overlap.xlsx/.csv/.gpkg  parks against protected areas, each other and the admin units
      consolidate.xlsx/.csv/.gpkg  consolidation candidate groups with evidence and actions
      enclaves.xlsx/.csv     each enclave's benefits split between home and host for --year
      versions.xlsx/.csv     the boundary version whose statistics count for --year, and what changed
    """
    src = study or sample_path()
    out.mkdir(parents=True, exist_ok=True)
    st = read_study(src, validate_schema=False)
    target = out / "study.gpkg"
    if src.resolve() != target.resolve():
        tmp = target.with_name(".study.gpkg.tmp")
        shutil.copyfile(src, tmp)
        tmp.replace(target)
    if study is None:
        tif = sample_path("landcover.tif")
        shutil.copyfile(tif, out / tif.name)
    meta = {
        "study": src.name,
        "storage CRS": study_crs(src).to_string(),
        "area method": AREA_METHOD,
        "layers": ", ".join(f"{k} ({len(v)})" for k, v in st.items()),
    }
    tables = {n: read_table(src, n) for n in (IMPORTS_TABLE, REPAIRS_TABLE) if n in list_tables(src)}
    imports = {"imports": tables.get(IMPORTS_TABLE), "repairs": tables.get(REPAIRS_TABLE)}
    imports = {k: v for k, v in imports.items() if v is not None}
    for suffix in (".xlsx", ".csv"):
        if imports:
            write_tables(imports, out / f"imports{suffix}", main="imports", lang=lang, metadata=meta)
    findings = check_study(st)
    for suffix in (".xlsx", ".csv"):
        write_tables(
            {"findings": findings}, out / f"check{suffix}", main="findings", lang=lang, metadata=meta
        )
    written = ["study.gpkg", "imports.xlsx/.csv", "check.xlsx/.csv"]
    if {"parks", "landuse"} <= set(st):
        for by, stem in (("park", "intensity"), ("zone", "intensity_zones")):
            tables, run_meta = intensity_tables(st, by=by)
            suffixes = (".xlsx", ".csv", ".gpkg") if by == "park" else (".xlsx", ".csv")
            for suffix in suffixes:
                write_tables(
                    tables,
                    out / f"{stem}{suffix}",
                    main="indicators",
                    lang=lang,
                    metadata={**meta, **run_meta},
                )
        written += ["intensity.xlsx/.csv/.gpkg", "intensity_zones.xlsx/.csv"]
    bs = [b for b in ("protected", "parks", "admin") if b in st]
    if "parks" in st and bs:
        tables = overlap_tables(st, "parks", bs, 0.0) | overlap_findings(st)
        for suffix in (".xlsx", ".csv", ".gpkg"):
            write_tables(tables, out / f"overlap{suffix}", main="pairs", lang=lang, metadata=meta)
        written.append("overlap.xlsx/.csv/.gpkg")
    if {"zones", "parks"} <= set(st):
        tables = consolidate_tables(st)
        for suffix in (".xlsx", ".csv", ".gpkg"):
            write_tables(tables, out / f"consolidate{suffix}", main="groups", lang=lang, metadata=meta)
        written.append("consolidate.xlsx/.csv/.gpkg")
    if {"enclaves", "parks", "landuse"} <= set(st):
        per_enclave, per_jur = benefit_split(st, year)
        tables = {"split": per_enclave, "jurisdictions": per_jur}
        if "admin" in st:
            tables["distances"] = enclave_distances(st)
        for suffix in (".xlsx", ".csv"):
            write_tables(
                tables, out / f"enclaves{suffix}", main="split", lang=lang, metadata={**meta, "year": year}
            )
        written.append("enclaves.xlsx/.csv")
    if "zone_versions" in st and "landuse" in st:
        zv = st["zone_versions"]
        scopes, changes, sides = [], [], []
        for zid, grp in zv.groupby("zone_id"):
            scope = statistical_scope(zv, zid, year)
            scopes.append(
                {"zone_id": zid, "year": year, "version": scope["version"], "reason": scope["scope_reason"]}
            )
            g = grp.sort_values("version")
            for (_, old), (_, new) in zip(g.iloc[:-1].iterrows(), g.iloc[1:].iterrows(), strict=True):
                d = compare_versions(old.geometry, new.geometry, st["landuse"])
                changes.append(
                    {
                        "zone_id": zid,
                        "from_version": old["version"],
                        "to_version": new["version"],
                        "added_ha": d["added_ha"],
                        "added_mu": d["added_mu"],
                        "removed_ha": d["removed_ha"],
                        "removed_mu": d["removed_mu"],
                        "parcels_in": len(d["parcels_in"]),
                        "parcels_out": len(d["parcels_out"]),
                    }
                )
            sides.append(version_indicators(st, zid).assign(zone_id=zid))
        tables = {
            "scope": pd.DataFrame(scopes),
            "changes": pd.DataFrame(changes),
            "indicators": pd.concat(sides, ignore_index=True),
        }
        for suffix in (".xlsx", ".csv"):
            write_tables(
                tables, out / f"versions{suffix}", main="scope", lang=lang, metadata={**meta, "year": year}
            )
        written.append("versions.xlsx/.csv")
    click.echo(f"study   {src}: " + ", ".join(f"{k} {len(v)}" for k, v in st.items()))
    click.echo(summarise(findings))
    click.echo(f"wrote {out}/: " + ", ".join(written))
