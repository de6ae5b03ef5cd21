"""The data rows put into the workbook: the XML xlsxwriter itself writes, and what Excel readers read back."""

import re
import zipfile

import numpy as np
import openpyxl
import pandas as pd
import xlsxwriter

from zonekit.reports.tables import write_tables

FRAME = pd.DataFrame(
    {
        "n": [1.5, np.nan, 1e20, -0.25, 3.0, 123456789.123456],
        "i": pd.array([1, None, -7, 0, 2**53, 5], dtype="Int64"),
        "flag": pd.array([True, False, None, True, False, True], dtype="boolean"),
        "text": ["a&b <x>", "_x0041_ kept", "ctl\x1bx", "  lead", None, "园区 A"],
        "code": ["0601", "913206001234567890", "", "x", "y", "z"],
    }
)


def _data_rows(xml: str) -> list[str]:
    rows = re.findall(r'<row r="(\d+)"[^>]*>(.*?)</row>', xml)
    return [re.sub(r' xml:space="preserve"', "", cells) for r, cells in rows if int(r) > 1]


def test_rows_are_what_xlsxwriter_writes_cell_by_cell(tmp_path):
    ours = tmp_path / "ours.xlsx"
    write_tables({"t": FRAME}, ours, main="t", lang="en")
    ref = tmp_path / "ref.xlsx"  # the same cells through xlsxwriter's own writer, one call per cell
    wb = xlsxwriter.Workbook(str(ref), {"constant_memory": True, "strings_to_numbers": False})
    wb.add_format({"bold": True, "bg_color": "#DDEBF7", "border": 1, "text_wrap": True, "valign": "top"})
    measure = wb.add_format({"num_format": "#,##0.00"})  # "n": a measure
    count = wb.add_format({"num_format": "#,##0"})  # "i": whole numbers, a count
    ws = wb.add_worksheet("t")
    for i, row in enumerate(FRAME.itertuples(index=False), start=1):
        for j, v in enumerate(row):
            if pd.isna(v):
                continue
            if j == 2:
                ws.write_boolean(i, j, bool(v))
            elif j < 2:
                ws.write_number(i, j, float(v), measure if j == 0 else count)
            else:
                ws.write_string(i, j, v)
    wb.close()
    got = zipfile.ZipFile(ours).read("xl/worksheets/sheet1.xml").decode()
    want = zipfile.ZipFile(ref).read("xl/worksheets/sheet1.xml").decode()
    for col in "AB":  # style ids differ by workbook
        number = re.search(rf'<c r="{col}2" s="(\d+)"', got).group(1)
        want = re.sub(rf'(<c r="{col}\d+") s="\d+"', rf'\1 s="{number}"', want)
    mine, theirs = _data_rows(got), _data_rows(want)
    norm = [re.sub(r"<v>([^<]+)</v>", lambda m: f"<v>{float(m.group(1))!r}</v>", r) for r in (*mine, *theirs)]
    assert norm[: len(mine)] == norm[len(mine) :]  # same cells; numbers the same doubles
    assert f'<dimension ref="A1:E{len(FRAME) + 1}"/>' in got


def test_read_back_by_openpyxl_with_types_formats_and_layout(tmp_path):
    out = tmp_path / "r.xlsx"
    write_tables({"t": FRAME}, out, main="t", lang="en")
    ws = openpyxl.load_workbook(out)["t"]
    assert [c.value for c in ws[1]] == list(FRAME.columns)
    assert ws.freeze_panes == "A2" and ws.auto_filter.ref == f"A1:E{len(FRAME) + 1}"
    for i, row in enumerate(FRAME.itertuples(index=False), start=2):
        for j, want in enumerate(row, start=1):
            cell = ws.cell(i, j)
            if pd.isna(want) or want == "":
                assert cell.value in (None, ""), (i, j, cell.value)
            elif j <= 2:
                assert (
                    cell.data_type == "n"
                    and cell.value == float(want)
                    and cell.number_format == ("#,##0.00" if j == 1 else "#,##0")
                )
            elif j == 3:
                assert cell.data_type == "b" and cell.value is bool(want)
            else:  # Excel reads _xHHHH_ as the character it escapes; openpyxl leaves it as written
                said = re.sub(r"_x([0-9A-F]{4})_", lambda m: chr(int(m.group(1), 16)), cell.value)
                assert cell.data_type == "s" and said == want, (i, j, cell.value)
    assert ws.column_dimensions["D"].width >= 8


def test_a_large_sheet_in_pieces(tmp_path, monkeypatch):
    from zonekit.reports import sheet_cells

    monkeypatch.setattr(sheet_cells, "ROWS_PER_PIECE", 7)
    big = pd.DataFrame({"k": np.arange(50, dtype=float), "s": [f"p{i}" for i in range(50)]})
    write_tables({"big": big}, tmp_path / "b.xlsx", main="big", lang="en")
    ws = openpyxl.load_workbook(tmp_path / "b.xlsx")["big"]
    assert [ws.cell(r, 1).value for r in range(2, 52)] == list(range(50))
    assert [ws.cell(r, 2).value for r in range(2, 52)] == [f"p{i}" for i in range(50)]


def test_each_row_of_a_long_table_in_its_own_format_across_pieces(tmp_path, monkeypatch):
    from zonekit.reports import sheet_cells

    monkeypatch.setattr(sheet_cells, "ROWS_PER_PIECE", 3)
    names = ["development_rate", "parcels", "composite_far", "area_ha"] * 5
    long = pd.DataFrame(
        {
            "indicator": names,
            "value": np.arange(20) + 0.25,
            "national": ["n/a" if i == 4 else i + 0.5 for i in range(20)],  # text among numbers
            "ratio": np.full(20, 1.5),
        }
    )
    write_tables({"long": long}, tmp_path / "l.xlsx", main="long", lang="en")
    ws = openpyxl.load_workbook(tmp_path / "l.xlsx")["long"]
    want = {"development_rate": "0.0%", "parcels": "#,##0", "composite_far": "0.00", "area_ha": "#,##0.00"}
    for r in range(2, 22):
        name = ws.cell(r, 1).value
        assert ws.cell(r, 2).number_format == want[name] and ws.cell(r, 2).value == r - 2 + 0.25
        national = ws.cell(r, 3)
        assert national.value == ("n/a" if r == 6 else r - 2 + 0.5)
        assert national.number_format == want[name]
        assert ws.cell(r, 4).number_format == "0.00"  # a column of its own kind keeps its format


def test_pieces_compressed_on_several_threads_join_into_the_sheet_one_stream_gives(tmp_path, monkeypatch):
    from zonekit.reports import sheet_cells

    big = pd.DataFrame(
        {"k": np.arange(5000, dtype=float) / 7, "s": [f"园区{i}" * (i % 5) for i in range(5000)]}
    )
    write_tables({"big": big}, tmp_path / "one.xlsx", main="big", lang="en")
    monkeypatch.setattr(sheet_cells, "ROWS_PER_PIECE", 97)  # 52 pieces, each deflated on its own
    write_tables({"big": big}, tmp_path / "many.xlsx", main="big", lang="en")
    with zipfile.ZipFile(tmp_path / "one.xlsx") as one, zipfile.ZipFile(tmp_path / "many.xlsx") as many:
        assert many.testzip() is None  # every entry's CRC checks out when decompressed
        sheet = "xl/worksheets/sheet1.xml"
        assert (
            many.read(sheet) == one.read(sheet) and many.getinfo(sheet).compress_type == zipfile.ZIP_DEFLATED
        )
        assert many.getinfo(sheet).compress_size < many.getinfo(sheet).file_size / 3


def test_an_entry_zipfile_does_not_compress_is_written_as_it_is(tmp_path):
    from zonekit.reports.sheet_cells import _write_compressed

    pieces = [b"<a>", b"x" * 100_000, b"</a>"]
    with zipfile.ZipFile(tmp_path / "s.zip", "w", zipfile.ZIP_STORED) as z, z.open("s.xml", "w") as out:
        _write_compressed(out, iter(pieces))
    with zipfile.ZipFile(tmp_path / "s.zip") as z:
        assert z.read("s.xml") == b"".join(pieces) and z.testzip() is None
