import numpy as np
import openpyxl
import pandas as pd
import pytest

from zonekit.errors import InputError
from zonekit.reports.tables import sheet_name, write_tables
from zonekit.vocabulary.widths import display_width

TABLE = pd.DataFrame(
    {"severity": ["error"], "ids": ["913206001234567890"], "code": ["0601"], "quantity": [1.5]}
)


def test_xlsx_keeps_codes_as_text_and_translates(tmp_path):
    out = tmp_path / "r.xlsx"
    write_tables({"findings": TABLE}, out, main="findings", lang="zh", metadata={"CRS": "EPSG:4490"})
    wb = openpyxl.load_workbook(out)
    assert wb.sheetnames == ["检查结果", "元数据"]
    ws = wb["检查结果"]
    assert [c.value for c in ws[1]] == ["严重程度", "要素编号", "code", "数值"]
    assert ws["A2"].value == "错误"
    assert ws["B2"].value == "913206001234567890" and ws["B2"].data_type == "s"  # 18 digits kept
    assert ws["C2"].value == "0601"
    assert ws["D2"].value == 1.5
    assert wb["元数据"]["B2"].value == "EPSG:4490"


def test_csv_has_bom_and_side_tables(tmp_path):
    out = tmp_path / "r.csv"
    written = write_tables({"findings": TABLE, "extra": TABLE}, out, main="findings", lang="en")
    assert out.read_bytes().startswith(b"\xef\xbb\xbf")
    assert (tmp_path / "r.extra.csv").exists() and (tmp_path / "r.metadata.csv").exists()
    assert len(written) == 3
    assert pd.read_csv(out, encoding="utf-8-sig", dtype=str)["code"].iloc[0] == "0601"


def test_gpkg_and_parquet(tmp_path):
    write_tables({"findings": TABLE}, tmp_path / "r.gpkg", main="findings")
    write_tables({"findings": TABLE}, tmp_path / "r.parquet", main="findings")
    assert pd.read_parquet(tmp_path / "r.parquet")["code"].iloc[0] == "0601"


def test_unknown_extension(tmp_path):
    with pytest.raises(InputError, match=r"\.xlsx"):
        write_tables({"findings": TABLE}, tmp_path / "r.doc", main="findings")


def test_failed_write_leaves_nothing(tmp_path, monkeypatch):
    import zonekit.reports.tables as tables

    def half_then_fail(path, *_args, **_kwargs):
        path.write_bytes(b"half a workbook")
        raise RuntimeError("disk full")

    monkeypatch.setattr(tables, "_write_xlsx", half_then_fail)
    out = tmp_path / "r.xlsx"
    out.write_bytes(b"the previous report")
    with pytest.raises(RuntimeError, match="disk full"):
        write_tables({"findings": TABLE}, out, main="findings")
    assert out.read_bytes() == b"the previous report"  # untouched
    assert [p.name for p in tmp_path.iterdir()] == ["r.xlsx"]  # no temporary file left


def test_sheet_names_and_widths():
    used: set[str] = set()
    assert sheet_name("a/b:c*d?[e]" + "x" * 40, used) == ("a_b_c_d__e_" + "x" * 40)[:31]
    assert sheet_name("A/B:C*D?[E]" + "X" * 40, used).endswith("_2")
    assert display_width("苏州工业园区") == 12 and display_width("abc") == 3


def test_zh_columns_replace_their_base_in_chinese_and_vanish_in_english(tmp_path):
    t = pd.DataFrame({"message": ["park A overlaps B"], "message_zh": ["园区 A 与 B 重叠"], "unit": ["ha"]})
    write_tables({"findings": t}, tmp_path / "zh.csv", main="findings", lang="zh")
    write_tables({"findings": t}, tmp_path / "en.csv", main="findings", lang="en")
    zh = pd.read_csv(tmp_path / "zh.csv", encoding="utf-8-sig")
    en = pd.read_csv(tmp_path / "en.csv", encoding="utf-8-sig")
    assert zh.columns.tolist() == ["说明", "单位"] and zh.iloc[0].tolist() == ["园区 A 与 B 重叠", "公顷"]
    assert en.columns.tolist() == ["message", "unit"] and en.iloc[0].tolist() == ["park A overlaps B", "ha"]


def test_csv_text_never_runs_as_a_formula_and_numbers_round_trip(tmp_path):
    names = ['=HYPERLINK("http://x","点我")', "+1", "-2", "@SUM(A1)", "\tx", "园区 A", None]
    t = pd.DataFrame({"name": names, "value": [1.25, -3.0, 0.1, 1e20, np.nan, 7.0, 8.0]})
    write_tables({"t": t}, tmp_path / "r.csv", main="t", lang="en")
    back = pd.read_csv(tmp_path / "r.csv", encoding="utf-8-sig", keep_default_na=False, na_values=[""])
    said = back["name"].tolist()
    assert said[:5] == ["'" + n for n in names[:5]]  # every formula start made text
    assert said[5] == "园区 A" and pd.isna(said[6])
    np.testing.assert_array_equal(back["value"].to_numpy(), t["value"].to_numpy())  # exact round trip
    assert all(not str(v).startswith(("=", "+", "-", "@")) for v in said if isinstance(v, str))


def test_csv_codes_keep_their_digits_in_excel_and_numbers_their_documented_precision(tmp_path):
    t = pd.DataFrame(
        {
            "parcel_id": ["3206120001234567", "L-1", "0601"],
            "name": ['=HYPERLINK("x")', "园区", "+1+1"],
            "area_ha": [1.23456789, 2.0, 0.5],
            "overlap_m2": [12.3456, 1.0, 0.0],
            "development_rate": [0.80820804, 1.0, 0.0],
        }
    )
    zh, en = tmp_path / "zh.csv", tmp_path / "en.csv"
    write_tables({"t": t}, zh, main="t", lang="zh")
    write_tables({"t": t}, en, main="t", lang="en")
    text = zh.read_text(encoding="utf-8-sig")
    assert '"=""3206120001234567"""' in text and '"=""0601"""' in text  # Excel shows 3206120001234567
    assert "'=HYPERLINK" in text and "'+1+1" in text  # the data's formulas stay text (OWASP)
    plain = pd.read_csv(en, encoding="utf-8-sig", dtype={"parcel_id": str})
    assert plain["parcel_id"].tolist() == ["3206120001234567", "L-1", "0601"]  # scripts read them plain
    assert plain["area_ha"].tolist() == [1.234568, 2.0, 0.5]
    assert plain["overlap_m2"].tolist() == [12.35, 1.0, 0.0]
    assert plain["development_rate"].tolist() == [0.808208, 1.0, 0.0]


@pytest.mark.parametrize("dtype", ["str", object])
def test_text_matches_read_from_first_bytes_agree_with_python_re_cell_by_cell(dtype):
    import re

    from zonekit.reports.tables import _FORMULA_FIRST, _FORMULA_START, LONG_DIGITS, text_matches

    rng = np.random.default_rng(7)
    alphabet = ["0", "1", "9", "=", "+", "-", "@", "\t", "\r", "园", "A", " ", '"']
    cells = ["".join(rng.choice(alphabet, size=rng.integers(0, 14))) for _ in range(3000)]
    cells[::17] = [None] * len(cells[::17])
    cells[5] = "0601"
    cells[6] = "=HYPERLINK(1)"
    s = pd.Series(cells, dtype=dtype).iloc[101:]  # a slice: the text's buffers start before its first cell
    for pattern, first in ((LONG_DIGITS.pattern, "0123456789"), (_FORMULA_START, _FORMULA_FIRST)):
        want = [isinstance(v, str) and re.search(pattern, v) is not None for v in s]
        assert text_matches(s, pattern, first=first).tolist() == want
        assert text_matches(s, pattern).tolist() == want
    mixed = pd.Series(["0601", 601, None, "=1"], dtype=object)  # text mixed with a number
    assert text_matches(mixed, LONG_DIGITS.pattern, first="0123456789").tolist() == [
        True,
        False,
        False,
        False,
    ]
