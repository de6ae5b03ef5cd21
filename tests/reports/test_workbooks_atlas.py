"""Every workbook of the atlas, opened as an analyst opens it: Chinese first, formatted by kind, with provenance.

The checks read the files (openpyxl), never the writer: headers, cell values, number formats, print
setup and the metadata sheet, under ``--lang zh`` (the default) and ``--lang en``.
"""

from __future__ import annotations

import re
from pathlib import Path

import openpyxl
import pytest

import zonekit
from zonekit.layers.sample import sample_path

CJK = re.compile(r"[\u4e00-\u9fff]")
CODE_WORD = re.compile(r"^[a-z][a-z0-9]*(?:_[a-z0-9]+)+$|^[a-z]{3,}$")
"""What a zonekit code word looks like (``park_outside_zone``, ``main``, ``sandiao``)."""
PATH = re.compile(r"[\w.-]*/[\w./-]*\.\w+")
"""A file's path with an extension (``data/admin/x.geojson``)."""
OWN_NAMES = {"zonekit"}  # the program's own name stays as it is
VERBATIM_KEYS = {"命令行", "配置全文", "command line", "config text"}  # what the user typed, as typed
PERCENT_COLUMNS = {
    "土地开发率",
    "土地供应率",
    "土地建成率",
    "工业用地率",
    "建筑密度",
    "土地闲置率",
    "占A比例(%)",
}


def _atlas(tmp_path_factory, lang: str) -> Path:
    out = tmp_path_factory.mktemp(f"atlas-{lang}") / "atlas"
    zonekit.atlas(sample_path(), out, lang=lang, year=2026)
    return out


@pytest.fixture(scope="module")
def atlas_zh(tmp_path_factory) -> Path:
    return _atlas(tmp_path_factory, "zh")


@pytest.fixture(scope="module")
def atlas_en(tmp_path_factory) -> Path:
    return _atlas(tmp_path_factory, "en")


def _books(folder: Path):
    books = sorted(folder.glob("*.xlsx"))
    assert len(books) >= 7
    for path in books:
        yield path, openpyxl.load_workbook(path)


def _code_words(value: str) -> list[str]:
    value = PATH.sub(" ", value)  # a file's path is the user's, as it is
    parts = re.split(r"[,、;|()（）:：→/\s]+", value)
    return [p for p in parts if CODE_WORD.match(p) and p not in OWN_NAMES]


def test_every_header_sheet_and_code_value_is_chinese(atlas_zh):
    for path, wb in _books(atlas_zh):
        for ws in wb.worksheets:
            assert CJK.search(ws.title), (path.name, ws.title)
            heads = [c.value for c in ws[1] if c.value is not None]
            english = [h for h in heads if not CJK.search(str(h))]
            assert not english, (path.name, ws.title, english)
            is_meta = ws.title == "元数据"
            for row in ws.iter_rows(min_row=2):
                if is_meta and row[0].value in VERBATIM_KEYS:
                    continue
                for cell in row:
                    if isinstance(cell.value, str):
                        words = _code_words(cell.value)
                        assert not words, (path.name, ws.title, ws.cell(1, cell.column).value, cell.value)


def test_numbers_are_numbers_formatted_by_kind(atlas_zh):
    formats: set[str] = set()
    for path, wb in _books(atlas_zh):
        for ws in wb.worksheets:
            heads = {c.column: c.value for c in ws[1]}
            for row in ws.iter_rows(min_row=2, max_row=60):
                for cell in row:
                    if isinstance(cell.value, int | float) and not isinstance(cell.value, bool):
                        formats.add(cell.number_format)
                        assert "####" not in cell.number_format, (path.name, ws.title, heads[cell.column])
                        if heads[cell.column] in PERCENT_COLUMNS:
                            assert cell.number_format == "0.0%", (path.name, heads[cell.column])
                        if str(heads[cell.column]).endswith(
                            ("得分", "总分", "分值")
                        ):  # 0–100, never "9520.8%"
                            assert cell.number_format == "0.0", (path.name, heads[cell.column])
                    elif isinstance(cell.value, bool):
                        raise AssertionError((path.name, heads[cell.column], "TRUE/FALSE instead of 是/否"))
                    elif isinstance(cell.value, str) and ws.title != "元数据":
                        assert not re.fullmatch(r"-?\d+\.\d{6,}", cell.value), (path.name, heads[cell.column])
    assert {"#,##0", "#,##0.00", "0.0%", "0.0"} <= formats


def test_rates_are_fractions_shown_as_percentages(atlas_zh):
    ws = openpyxl.load_workbook(atlas_zh / "intensity.xlsx")["集约利用指标"]
    heads = [c.value for c in ws[1]]
    rate = ws.cell(2, heads.index("土地开发率") + 1)
    assert 0 < rate.value <= 1 and rate.number_format == "0.0%"
    parcels = ws.cell(2, heads.index("地块数") + 1)
    assert parcels.value == int(parcels.value) and parcels.number_format == "#,##0"
    overlap = openpyxl.load_workbook(atlas_zh / "overlap.xlsx")["重叠要素对"]
    heads = [c.value for c in overlap[1]]
    shares = [overlap.cell(r, heads.index("占A比例(%)") + 1).value for r in range(2, overlap.max_row + 1)]
    assert max(s for s in shares if s is not None) <= 1.0 + 1e-9  # 100 % is 1.0, shown as 100.0%


def test_sheets_print_landscape_fitted_with_the_header_repeated(atlas_zh):
    ws = openpyxl.load_workbook(atlas_zh / "intensity.xlsx")["集约利用指标"]
    assert ws.page_setup.orientation == "landscape"
    assert ws.page_setup.fitToWidth in (None, 1) and ws.page_setup.fitToHeight == 0  # one page wide
    assert ws.sheet_properties.pageSetUpPr.fitToPage
    assert ws.print_title_rows.replace("$", "") == "1:1"
    assert ws.oddHeader.left.text.endswith("study.gpkg · 集约利用指标")


def test_the_metadata_proves_where_the_numbers_came_from(atlas_zh):
    ws = openpyxl.load_workbook(atlas_zh / "intensity.xlsx")["元数据"]
    meta = {r[0]: r[1] for r in ws.iter_rows(min_row=2, values_only=True)}
    assert re.match(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d\d:\d\d$", meta["运行时间"])
    assert meta["zonekit 版本"] == zonekit.__version__
    assert meta["输入图层:园区"].startswith("13 个要素,来自 data/generate_sample.py(示意园区)")
    assert meta["输入图层:行政区"].startswith("19 个要素,来自 data/admin/")
    assert meta["评价单元"] == "园区"


def test_an_input_imported_from_a_file_is_named_with_its_sha256(tmp_path):
    import hashlib

    import geopandas as gpd
    import shapely

    from zonekit.layers.info import provenance

    src = tmp_path / "园区.geojson"
    gpd.GeoDataFrame(
        {"park_id": ["P1"], "zone_id": ["Z1"], "name": ["甲园"], "kind": ["main"]},
        geometry=[shapely.box(120.8, 32.0, 120.81, 32.01)],
        crs=4490,
    ).to_file(src)
    study = tmp_path / "s.gpkg"
    zonekit.import_layer(src, study, as_="parks")
    digest = hashlib.sha256(src.read_bytes()).hexdigest()
    assert provenance(study)["input parks"] == f"1 features from {src} (SHA-256 {digest[:16]}…)"


def test_the_english_atlas_is_english(atlas_en):
    for path, wb in _books(atlas_en):
        for ws in wb.worksheets:
            heads = [str(c.value) for c in ws[1] if c.value is not None]
            assert not [h for h in heads if CJK.search(h)], (path.name, ws.title)
            assert not CJK.search(ws.title)
    ws = openpyxl.load_workbook(atlas_en / "check.xlsx")["findings"]
    heads = [c.value for c in ws[1]]
    checks = {ws.cell(r, heads.index("check") + 1).value for r in range(2, ws.max_row + 1)}
    assert "park_outside_zone" in checks  # codes stay the machine's codes in English
    messages = [ws.cell(r, heads.index("message") + 1).value for r in range(2, ws.max_row + 1)]
    assert all((m and not CJK.search(m.replace("（示意）", ""))) or "园" in m for m in messages)


def test_english_units_and_evidence_have_no_chinese_words(atlas_en):
    """Units and evidence are zonekit's words, not the user's data: English under ``--lang en``."""
    said = []
    for book, sheet, column in (("intensity", "control", "unit"), ("potential", "plots", "evidence")):
        ws = openpyxl.load_workbook(atlas_en / f"{book}.xlsx")[sheet]
        heads = [c.value for c in ws[1]]
        said += [ws.cell(r, heads.index(column) + 1).value for r in range(2, ws.max_row + 1)]
    assert "10k CNY/ha" in said
    assert [s for s in said if s and "万元" in s] == []


def test_a_long_table_formats_each_row_by_what_it_measures(atlas_zh):
    """全国对比 and 整合前后对比 hold a measure per row: a rate row in %, a count row whole, a FAR as 0.00."""
    ws = openpyxl.load_workbook(atlas_zh / "intensity.xlsx")["全国对比"]
    heads = [c.value for c in ws[1]]
    formats: dict[str, set] = {}
    for r in range(2, ws.max_row + 1):
        name = ws.cell(r, heads.index("指标") + 1).value
        for col in ("数值", "全国参考值"):
            formats.setdefault(name, set()).add(ws.cell(r, heads.index(col) + 1).number_format)
        assert ws.cell(r, heads.index("与全国比值") + 1).number_format == "0.00"
    assert formats["土地开发率"] == {"0.0%"} and formats["建筑密度"] == {"0.0%"}
    assert formats["综合容积率"] == {"0.00"} and formats["投资强度"] == {"#,##0.00"}
    ws = openpyxl.load_workbook(atlas_zh / "consolidate.xlsx")["整合前后对比"]
    rows = {r[0].value: r[1] for r in ws.iter_rows(min_row=2) if r[0].value}
    assert rows["开发区数"].number_format == "#,##0" and rows["开发区数"].value == int(rows["开发区数"].value)
    assert rows["总面积(公顷)"].number_format == "#,##0.00"
