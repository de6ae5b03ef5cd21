"""``zonekit atlas``: the main job, every report of a study in one folder with an index page."""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

import click
import pandas as pd
from tqdm.auto import tqdm

from zonekit.analysis.enclaves import benefit_split, enclave_distances
from zonekit.analysis.overlap import findings as overlap_findings
from zonekit.analysis.report import intensity_tables
from zonekit.analysis.versions import compare_versions, statistical_scope, version_indicators
from zonekit.cli.consolidate import consolidate_tables
from zonekit.cli.options import lang_option
from zonekit.cli.overlap import overlap_tables
from zonekit.errors import StudyError
from zonekit.geo.area import AREA_METHOD, ellipsoidal_area
from zonekit.geo.gpkg import copy_database
from zonekit.geo.io import atomic_folder
from zonekit.geo.units import M2_PER_HA, MU_PER_HA
from zonekit.layers.check import check_study, summarise
from zonekit.layers.sample import sample_path
from zonekit.layers.study import IMPORTS_TABLE, REPAIRS_TABLE, list_tables, read_study, read_table, study_crs
from zonekit.maps.html import write_map
from zonekit.maps.render import study_map
from zonekit.reports.index_page import write_index
from zonekit.reports.tables import write_tables

ATLAS_MARKER = ".zonekit-atlas"
FILES = [
    ("map.html", "交互地图（离线可用）interactive map, works offline"),
    ("study.gpkg", "检查后的研究数据（QGIS 可打开）the checked study"),
    ("imports.xlsx", "导入记录：编码、坐标系及判定依据，读取 = 入库 + 拒收 every import"),
    ("check.xlsx", "检查结果 check findings"),
    ("intensity.xlsx", "园区集约利用评价、亩均、控制指标 intensity per park, 亩均, control"),
    ("intensity_zones.xlsx", "开发区集约利用评价与区域排名 intensity per zone, regional ranking"),
    ("intensity.gpkg", "带指标的园区图层 parks with indicators (QGIS)"),
    ("overlap.xlsx", "重叠分析与发现 overlaps and findings"),
    ("consolidate.xlsx", "整合优化候选 consolidation candidates"),
    ("enclaves.xlsx", "飞地利益分成 enclave benefit sharing"),
    ("versions.xlsx", "边界版本与统计口径 boundary versions and statistical scope"),
    ("landcover.tif", "土地覆盖栅格 land-cover raster"),
]


def _write_all(
    tables: dict, out: Path, stem: str, suffixes: tuple[str, ...], main: str, lang: str, meta: dict
):
    for suffix in suffixes:
        write_tables(tables, out / f"{stem}{suffix}", main=main, lang=lang, metadata=meta)


def _versions(st, year: int) -> dict[str, pd.DataFrame]:
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
    return {
        "scope": pd.DataFrame(scopes),
        "changes": pd.DataFrame(changes),
        "indicators": pd.concat(sides, ignore_index=True),
    }


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
    Open OUT/index.html: it links every file, shows the headline numbers and charts.
      map.html                     the interactive map, every asset inlined (opens without internet)
      study.gpkg                   the checked study (a copy; open it in QGIS)
      imports.xlsx/.csv            every import: encoding, CRS and how decided, read = loaded + rejected
      check.xlsx/.csv              every finding of zonekit check
      intensity.xlsx/.csv/.gpkg    land-use intensity per park; 亩均; control indicators
      intensity_zones.xlsx/.csv    the same per zone, with the regional ranking
      overlap.xlsx/.csv/.gpkg      parks against protected areas, each other and the admin units; findings
      consolidate.xlsx/.csv/.gpkg  consolidation candidate groups with evidence and actions
      enclaves.xlsx/.csv           each enclave's benefits split between home and host for --year
      versions.xlsx/.csv           the boundary version whose statistics count for --year, and what changed
    """
    src = study or sample_path()
    final = out
    refuse_atlas_out(final, src)
    with atomic_folder(final) as out:
        _atlas_into(out, src, bundled=study is None, lang=lang, year=year)
    click.echo(f"wrote {final}/index.html (open it), map.html and every table")


def refuse_atlas_out(out: Path, src: Path) -> None:
    """Refuse an atlas folder that would destroy something: the study itself, or a folder of other files.

    The atlas replaces its folder whole (so a failed run leaves the previous atlas), which is only safe
    for a new or empty folder or one that an earlier atlas wrote (it holds the marker file).
    """
    real = out.resolve()
    if src.resolve().is_relative_to(real):
        raise StudyError(
            "The study is inside the --out folder, which the atlas replaces whole; nothing was written.",
            path=src,
            fix="Write the atlas to another folder (e.g. --out atlas/).",
        )
    if real.exists() and not real.is_dir():
        raise StudyError("--out is a file, not a folder.", path=out, fix="Name a folder for the atlas.")
    if real.is_dir() and any(real.iterdir()) and not (real / ATLAS_MARKER).exists():
        raise StudyError(
            "The --out folder already holds files that no zonekit atlas wrote; the atlas replaces its "
            "folder whole, so nothing was written.",
            path=out,
            fix="Choose a new or empty folder (an earlier atlas folder is replaced, as expected).",
        )


def _atlas_into(out: Path, src: Path, *, bundled: bool, lang: str, year: int) -> None:
    steps = tqdm(total=8, desc="atlas", unit="step", disable=None, leave=False)
    st = read_study(src, validate_schema=False)
    has = {n for n, df in st.items() if len(df)}  # an empty layer is skipped like a missing one
    copy_database(src, out / "study.gpkg")
    if bundled:
        shutil.copyfile(sample_path("landcover.tif"), out / "landcover.tif")
    (out / ATLAS_MARKER).write_text(
        "written by zonekit atlas; the folder is replaced whole by the next run\n"
    )
    meta = {
        "study": src.name,
        "storage CRS": study_crs(src).to_string(),
        "area method": AREA_METHOD,
        "layers": ", ".join(f"{k} ({len(v)})" for k, v in st.items()),
    }
    steps.update()

    tables = {n: read_table(src, n) for n in (IMPORTS_TABLE, REPAIRS_TABLE) if n in list_tables(src)}
    imports = {
        k: tables[n] for k, n in (("imports", IMPORTS_TABLE), ("repairs", REPAIRS_TABLE)) if n in tables
    }
    if imports:
        _write_all(imports, out, "imports", (".xlsx", ".csv"), "imports", lang, meta)
    check = check_study(st)
    _write_all({"findings": check}, out, "check", (".xlsx", ".csv"), "findings", lang, meta)
    steps.update()

    park_ind = groups = red = None
    if {"parks", "landuse"} <= has:
        park_tables, run_meta = intensity_tables(st, by="park")
        park_ind = park_tables["indicators"]
        _write_all(
            park_tables,
            out,
            "intensity",
            (".xlsx", ".csv", ".gpkg"),
            "indicators",
            lang,
            {**meta, **run_meta},
        )
        zone_tables, run_meta = intensity_tables(st, by="zone")
        _write_all(
            zone_tables, out, "intensity_zones", (".xlsx", ".csv"), "indicators", lang, {**meta, **run_meta}
        )
    steps.update()
    found = {}
    if "parks" in has:
        found = overlap_findings(st)
        red = found.get("parks_in_redlines")
        bs = [b for b in ("protected", "parks", "admin") if b in has]
        if bs:
            _write_all(
                overlap_tables(st, "parks", bs, 0.0) | found,
                out,
                "overlap",
                (".xlsx", ".csv", ".gpkg"),
                "pairs",
                lang,
                meta,
            )
    steps.update()
    if {"zones", "parks"} <= has:
        cons = consolidate_tables(st, intensity=park_ind)
        groups = cons["groups"]
        _write_all(cons, out, "consolidate", (".xlsx", ".csv", ".gpkg"), "groups", lang, meta)
    steps.update()
    if {"enclaves", "parks", "landuse"} <= has:
        per_enclave, per_jur = benefit_split(st, year)
        enc = {"split": per_enclave, "jurisdictions": per_jur}
        if "admin" in has:
            enc["distances"] = enclave_distances(st)
        _write_all(enc, out, "enclaves", (".xlsx", ".csv"), "split", lang, {**meta, "year": year})
    if {"zone_versions", "landuse"} <= has:
        _write_all(
            _versions(st, year), out, "versions", (".xlsx", ".csv"), "scope", lang, {**meta, "year": year}
        )
    steps.update()
    if "parks" in has:
        write_map(
            study_map(st, intensity=park_ind, groups=groups, findings=red, basemap="none", lang=lang),
            out / "map.html",
            offline=True,
        )
    steps.update()

    headline: dict[str, object] = {}
    notes = []
    if "zones" in has:
        headline["开发区 zones"] = len(st["zones"])
    if "parks" in has:
        parks = st["parks"]
        total = float(ellipsoidal_area([parks.geometry.union_all()], parks.crs)[0]) / M2_PER_HA
        headline["园区 parks"] = len(parks)
        headline["园区面积 area"] = f"{total:,.0f} 公顷 / {total * MU_PER_HA:,.0f} 亩"
        if "source" in parks and (parks["source"] == "illustrative").any():
            notes.append(
                "示例数据：开发区、园区边界均为示意，非真实范围。Sample data: boundaries are illustrative."
            )
    if park_ind is not None and park_ind["score"].notna().any():
        s = park_ind["score"].dropna()
        headline["集约度分值 score (min / median / max)"] = (
            f"{s.min():.1f} / {s.median():.1f} / {s.max():.1f}"
        )
        counts = park_ind["grade"].value_counts()
        headline["等级 grades"] = " ".join(f"{g} {int(counts.get(g, 0))}" for g in ("A", "B", "C", "D"))
    if red is not None:
        headline["红线冲突 red-line conflicts"] = f"{len(red)} ({red['overlap_ha'].sum():,.1f} 公顷)"
    if groups is not None:
        headline["整合候选组 candidate groups"] = len(groups)
    headline["检查发现 check findings"] = len(check)
    name = "示例研究 bundled sample" if bundled else src.stem
    write_index(
        out,
        title=f"zonekit atlas — {name}",
        headline=headline,
        intensity=park_ind,
        files=[(f, w) for f, w in FILES],
        notes=notes,
    )
    steps.update()
    steps.close()
    click.echo(f"study   {src}: " + ", ".join(f"{k} {len(v)}" for k, v in st.items()))
    click.echo(summarise(check))
