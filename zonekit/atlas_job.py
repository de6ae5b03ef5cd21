"""The main job: every report of a study in one folder, with an index page (``zonekit atlas``).

Each analysis runs once and its result is handed to the ones that build on it: the per-park intensity feeds
consolidation, the map and the index page; the red-line findings feed the map and the headline.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from zonekit import api
from zonekit.analysis.config import load_config
from zonekit.analysis.overlap import park_protected_pairs, park_self_pairs
from zonekit.errors import StudyError
from zonekit.geo.area import AREA_METHOD
from zonekit.geo.gpkg import copy_database
from zonekit.geo.io import atomic_folder
from zonekit.geo.progress import bar
from zonekit.layers.info import provenance
from zonekit.layers.sample import sample_path
from zonekit.layers.study import IMPORTS_TABLE, REPAIRS_TABLE, Study, list_tables, read_study, read_table
from zonekit.maps.html import write_map
from zonekit.maps.render import study_map
from zonekit.reports.index_page import write_index
from zonekit.reports.tables import write_tables
from zonekit.vocabulary.messages import say

ATLAS_MARKER = ".zonekit-atlas"
FILES = [  # file, and the message id of what it holds
    ("map.html", "file.map"),
    ("study.gpkg", "file.study"),
    ("imports.xlsx", "file.imports"),
    ("check.xlsx", "file.check"),
    ("intensity.xlsx", "file.intensity"),
    ("intensity_zones.xlsx", "file.intensity_zones"),
    ("intensity.gpkg", "file.intensity_gpkg"),
    ("overlap.xlsx", "file.overlap"),
    ("consolidate.xlsx", "file.consolidate"),
    ("enclaves.xlsx", "file.enclaves"),
    ("versions.xlsx", "file.versions"),
    ("potential.xlsx", "file.potential"),
    ("landcover.tif", "file.landcover"),
]


@dataclass(frozen=True)
class AtlasResult:
    """What :func:`atlas` wrote and found."""

    out: Path
    study: Study
    findings: pd.DataFrame


def refuse_atlas_out(out: Path, src: Path) -> None:
    """Refuse an atlas folder that would destroy something: the study itself, or a folder of other files.

    The atlas replaces its folder whole (so a failed run leaves the previous atlas), which is only safe
    for a new or empty folder or one that an earlier atlas wrote (it holds the marker file).

    Parameters
    ----------
    out : Path
        The output path.
    src : Path
        The source file.
    """
    real = out.resolve()
    if src.resolve().is_relative_to(real):
        raise StudyError("atlas.study_inside_out", path=src)
    if real.exists() and not real.is_dir():
        raise StudyError("atlas.out_is_file", path=out)
    if real.is_dir() and any(real.iterdir()) and not (real / ATLAS_MARKER).exists():
        raise StudyError("atlas.out_foreign", path=out)


def atlas(
    study: str | Path | None, out_dir: str | Path, /, *, lang: str = "zh", year: int | None = None
) -> AtlasResult:
    """Run every analysis of ``study`` (default: the bundled sample) and write them all into ``out_dir``.

    Parameters
    ----------
    study : path or None
        The study GeoPackage; ``None`` for the bundled sample.
    out_dir : path
        A new or empty folder, or one an earlier atlas wrote (it is replaced whole, atomically).
    lang : {"zh", "en"}
    year : int, optional
        Year of the enclave benefit split and the statistical scope (default: this year).

    Returns
    -------
    AtlasResult
    """
    src = Path(study) if study is not None else sample_path()
    final = Path(out_dir)
    refuse_atlas_out(final, src)
    with atomic_folder(final) as tmp:
        st, found = _write_atlas(tmp, src, bundled=study is None, lang=lang, year=year or api.this_year())
    return AtlasResult(final, st, found)


def _write_all(
    report: api.Report | dict, out: Path, stem: str, suffixes: tuple[str, ...], lang: str, meta: dict
):
    tables = report.tables() if isinstance(report, api.Report) else report
    main = report.main if isinstance(report, api.Report) else next(iter(tables))
    extra = report.metadata if isinstance(report, api.Report) else {}
    for suffix in suffixes:
        write_tables(tables, out / f"{stem}{suffix}", main=main, lang=lang, metadata={**meta, **extra})


def _copy_inputs(src: Path, out: Path, *, bundled: bool) -> None:
    """The study (a consistent copy, even while QGIS edits it), the sample's raster, the atlas marker."""
    copy_database(src, out / "study.gpkg")
    if bundled:
        shutil.copyfile(sample_path("landcover.tif"), out / "landcover.tif")
    (out / ATLAS_MARKER).write_text(
        "written by zonekit atlas; the folder is replaced whole by the next run\n"
    )


def _write_intensity(st: Study, has: set[str], out: Path, lang: str, meta: dict) -> pd.DataFrame:
    """Intensity per park (with 亩均 and control) and per zone; the per-park indicators for what follows."""
    g = {n: st[n] if n in has else None for n in st}.get
    per_park = api.intensity(st["parks"], st["landuse"], zones=g("zones"), enterprises=g("enterprises"))
    _write_all(per_park, out, "intensity", (".xlsx", ".csv", ".gpkg"), lang, meta)
    per_zone = api.intensity(st["parks"], st["landuse"], zones=g("zones"), by="zone")
    _write_all(per_zone, out, "intensity_zones", (".xlsx", ".csv"), lang, meta)
    return per_park.tables()["indicators"]


def _write_overlaps(
    st: Study, has: set[str], out: Path, lang: str, meta: dict, known: dict[str, pd.DataFrame]
) -> pd.DataFrame | None:
    """Parks × protected, parks, admin and the findings, each overlay computed once into ``known``.

    Returns the parks in red lines, for the map and the headline.
    """
    g = {n: st[n] if n in has else None for n in st}.get
    known["parks"] = park_self_pairs(st["parks"])
    if "protected" in has:
        known["protected"] = park_protected_pairs(st["parks"], st["protected"])
    found = api.findings(
        st["parks"],
        protected=g("protected"),
        zones=g("zones"),
        admin=g("admin"),
        parcels=g("landuse"),
        protected_pairs=known.get("protected"),
        park_pairs=known["parks"],
    )
    bs: list[str] = [b for b in ("protected", "parks", "admin") if b in has]
    if bs:
        pairs = api.overlap_many(st, "parks", bs, known=known)
        _write_all(pairs.tables() | found.tables(), out, "overlap", (".xlsx", ".csv", ".gpkg"), lang, meta)
    return found.frames.get("parks_in_redlines")


def _write_atlas(out: Path, src: Path, *, bundled: bool, lang: str, year: int) -> tuple[Study, pd.DataFrame]:
    steps = bar("progress.atlas", total=8, unit="unit.steps")
    st = read_study(src, validate_schema=False, stream=("landuse",))  # the parcels chunk by chunk
    has = {n for n, df in st.items() if len(df)}  # an empty layer is skipped like a missing one
    g = {n: st[n] if n in has else None for n in st}.get
    _copy_inputs(src, out, bundled=bundled)
    meta = {
        "study": src.name,
        "storage CRS": st.crs.to_string(),
        "area method": AREA_METHOD,
        **provenance(src),
    }
    steps.update()

    present = list_tables(src)
    imports = {
        k: read_table(src, n)
        for k, n in (("imports", IMPORTS_TABLE), ("repairs", REPAIRS_TABLE))
        if n in present
    }
    if imports:
        _write_all(imports, out, "imports", (".xlsx", ".csv"), lang, meta)
    check = api.check(st)
    _write_all({"findings": check}, out, "check", (".xlsx", ".csv"), lang, meta)
    steps.update()

    groups = None
    park_ind = _write_intensity(st, has, out, lang, meta) if {"parks", "landuse"} <= has else None
    steps.update()
    known: dict[str, pd.DataFrame] = {}  # parks × protected and parks × parks: computed once, used thrice
    red = _write_overlaps(st, has, out, lang, meta, known) if "parks" in has else None
    steps.update()
    if {"zones", "parks"} <= has:
        cons = api.consolidate(
            st["zones"],
            st["parks"],
            parcels=g("landuse"),
            protected=g("protected"),
            admin=g("admin"),
            intensity=park_ind,
            protected_pairs=known.get("protected"),
        )
        groups = cons["groups"]
        _write_all(cons, out, "consolidate", (".xlsx", ".csv", ".gpkg"), lang, meta)
    steps.update()
    if {"enclaves", "parks", "landuse"} <= has:
        enc = api.enclaves(st["enclaves"], st["parks"], st["landuse"], year=year, admin=g("admin"))
        _write_all(enc, out, "enclaves", (".xlsx", ".csv"), lang, meta)
    if {"zone_versions", "landuse"} <= has:
        ver = api.versions(st["zone_versions"], st["landuse"], year=year)
        _write_all(ver, out, "versions", (".xlsx", ".csv"), lang, meta)
    low = None
    if {"supply", "approvals"} & has:  # the statistics date: the end of the atlas's year
        pot = api.potential(
            st["parks"],
            date=f"{year}-12-31",
            parcels=g("landuse"),
            supply=g("supply"),
            approvals=g("approvals"),
            enterprises=g("enterprises"),
        )
        _write_all(pot, out, "potential", (".xlsx", ".csv"), lang, meta)
        low = pot["plots"]
    steps.update()
    if "parks" in has:
        shown = {n: st[n] for n in has}
        m = study_map(
            Study(st.path, st.crs, shown),
            intensity=park_ind,
            groups=groups,
            findings=red,
            basemap="none",
            lang=lang,
            title=f"{say('index.sample', lang) if bundled else src.stem} — zonekit",
            grade_cuts=load_config("intensity")["scoring"]["grades"],
            low_efficiency=low,
        )
        write_map(m, out / "map.html", offline=True)
    steps.update()

    parks = st.get("parks")
    illustrative = parks is not None and "source" in parks and (parks["source"] == "illustrative").any()
    write_index(
        out,
        title=f"zonekit atlas — {say('index.sample', lang) if bundled else src.stem}",
        headline=api.headline(
            st, intensity=park_ind, groups=groups, redlines=red, findings_count=len(check), low_efficiency=low
        ),
        intensity=park_ind,
        files=list(FILES),
        notes=[say("index.illustrative", lang)] if illustrative else [],
        lang=lang,
    )
    steps.update()
    steps.close()
    return st, check
