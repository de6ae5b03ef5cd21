"""Writing result tables to the format the output file's extension names, atomically.

- ``.xlsx``: one sheet per table plus a metadata sheet; headers in Chinese (``lang="zh"``) or English; text
  (codes such as 宗地代码 or 统一社会信用代码) written as text so Excel keeps every digit; column widths that
  count CJK characters double; sheet names made legal (≤ 31 characters, no ``[]:*?/\\``).
- ``.csv``: the main table in the file itself and every other table beside it as ``<stem>.<table>.csv``, in
  UTF-8 with a byte-order mark so Excel on Chinese Windows opens it cleanly.
- ``.gpkg``: one layer (or attribute table) per table. ``.parquet``: GeoParquet (main table; others beside it).
"""

from __future__ import annotations

import codecs
import contextlib
import re
import string
from concurrent.futures import ThreadPoolExecutor
from contextvars import ContextVar
from pathlib import Path
from typing import TYPE_CHECKING

import geopandas as gpd
import numpy as np
import pandas as pd
import pyogrio

from zonekit.errors import InputError
from zonekit.geo.gpkg import new_file_options
from zonekit.geo.io import atomic_output
from zonekit.geo.parallel import threads as thread_count
from zonekit.layers.study import refuse_overwriting_study
from zonekit.reports.formats import FORMATS as NUMBER_FORMATS
from zonekit.reports.formats import (
    LONG_DIGITS,
    ROW_MEASURED,
    csv_decimals,
    number_kind,
    row_kinds,
    sheet_values,
)
from zonekit.reports.sheet_cells import fill_sheets
from zonekit.vocabulary.labels import (
    LAYER_ZH,
    SEVERITY_ZH,
    VALUES_ZH,
    header,
    mapping_said,
    meta_key,
    sheet_title,
)
from zonekit.vocabulary.messages import check_language, say
from zonekit.vocabulary.phrases import translate
from zonekit.vocabulary.widths import display_width

if TYPE_CHECKING:
    from zonekit.layers.postgis import StudyURL

STORED_TEXT = (
    "reason",
    "what",
    "rejected_reasons",
    "repairs",
    "notes",
    "scope_reason",
    "encoding_how",
    "crs_how",
    "code_system_how",
    "source_crs",
)

FORMATS = (".xlsx", ".csv", ".gpkg", ".parquet")
XLSX_MAX_ROWS = 1_048_575  # an Excel sheet holds 1,048,576 rows, one of them the header
_BAD_SHEET = re.compile(r"[\[\]:*?/\\]")


def sheet_name(name: str, used: set[str]) -> str:
    """A legal, unique Excel sheet name.

    Parameters
    ----------
    name : str
        The name.
    used : set[str]
        Names taken so far; updated.

    Returns
    -------
    str
        A legal, unique Excel sheet name.
    """
    base = _BAD_SHEET.sub("_", name).strip("'")[:31] or "sheet"
    out, k = base, 1
    while out.lower() in used:
        k += 1
        out = f"{base[: 31 - len(str(k)) - 1]}_{k}"
    used.add(out.lower())
    return out


def _plain(df: pd.DataFrame, lang: str = "en") -> pd.DataFrame:
    if isinstance(df, gpd.GeoDataFrame):
        df = pd.DataFrame(df.drop(columns=df.geometry.name))
    for col in [c for c in df.columns if str(c).endswith("_zh")]:
        base = str(col)[:-3]
        if lang == "zh" and base in df.columns:
            df = df.assign(**{base: df[col]})
        df = df.drop(columns=col)
    if lang == "zh":
        words = {"severity": SEVERITY_ZH, **VALUES_ZH}
        for col, names in words.items():
            if col in df.columns:
                df = df.assign(**{col: _say_values(df[col], names)})
        if "fields_mapped" in df.columns:  # the targets under their Chinese headers
            mapped = {v: mapping_said(str(v), "zh") for v in df["fields_mapped"].dropna().unique()}
            df = df.assign(fields_mapped=_say_values(df["fields_mapped"], mapped))
        for col in STORED_TEXT:  # reasons, repairs and notes kept in the study in their canonical form
            if col in df.columns and (df[col].dtype == object or pd.api.types.is_string_dtype(df[col])):
                said = {v: translate(v, "zh") for v in df[col].dropna().unique()}  # once per distinct text
                df = df.assign(**{col: _say_values(df[col], said)})
    return df


def localised(df: pd.DataFrame, lang: str) -> pd.DataFrame:
    """``df`` as a reader sees it in ``lang``: code values said and headers named (a terminal's table).

    Parameters
    ----------
    df : pd.DataFrame
        A result table under its machine names.
    lang : {"zh", "en"}
        The language.

    Returns
    -------
    pd.DataFrame
        The table to show.

    Examples
    --------
    >>> localised(pd.DataFrame({"check": ["park_overlap"], "quantity": [1.5]}), "zh").columns.tolist()
    ['检查项', '数值']
    """
    return _plain(df, lang).rename(columns=lambda c: header(str(c), lang))


def _say_values(s: pd.Series, names: dict) -> pd.Series:
    """``s`` with each value found in ``names`` replaced by its name (a vectorised lookup).

    A value listing several codes (``"absorb,merge"``) is said code by code, once per distinct value.
    """
    codes, uniques = pd.factorize(s)  # each distinct value said once, then spread to the rows
    distinct = pd.Series(np.asarray(uniques, dtype=object))
    said = distinct.map(names)
    lists = distinct[said.isna() & distinct.astype(str).str.contains(",", regex=False)]
    joined = {v: "、".join(names.get(c, c) for c in str(v).split(",")) for v in lists}
    said = said.where(said.notna(), distinct.map(joined))
    said = said.where(said.notna(), distinct).to_numpy(dtype=object)
    if s.dtype != object and pd.api.types.is_string_dtype(s):  # text stays text: spread by Arrow, in C++
        import pyarrow as pa

        spread = pa.array(said, type=pa.string()).take(pa.array(codes, mask=codes < 0))
        return pd.Series(spread, dtype=s.dtype, index=s.index, name=s.name)
    out = np.where(codes >= 0, said[np.maximum(codes, 0)] if len(said) else None, s.to_numpy(dtype=object))
    return pd.Series(out, index=s.index, name=s.name)


def write_tables(
    tables: dict[str, pd.DataFrame],
    out: str | Path | StudyURL,
    *,
    main: str,
    lang: str = "en",
    metadata: dict[str, object] | None = None,
) -> list[Path]:
    """Write ``tables`` to ``out`` in the format its extension names.

    Parameters
    ----------
    tables : dict
        Table name → DataFrame (or GeoDataFrame).
    out : path or StudyURL
        ``.xlsx``, ``.csv``, ``.gpkg`` or ``.parquet``; or ``postgresql://…?schema=S&table=T``: the tables
        go into PostGIS as ``T`` (the main one), ``T_<name>`` and ``T_metadata``, in one transaction.
    main : str
        The table that a single-table format (csv, parquet) holds in ``out`` itself.
    lang : {"en", "zh"}
        Header language.
    metadata : dict, optional
        Key/value pairs for the metadata sheet (xlsx) or ``<stem>.metadata.csv``.

    Returns
    -------
    list of Path
        Every file written.
    """
    from zonekit.layers import postgis

    if postgis.is_url(out):
        return _write_url(tables, postgis.as_url(out), main=main, metadata=metadata)
    out = Path(out)
    suffix = out.suffix.lower()
    if suffix not in FORMATS:
        raise InputError(
            "output.format_unknown", path=out, suffix=out.suffix or out.name, formats=", ".join(FORMATS)
        )
    lang = check_language(lang)
    for target in [out] + [out.with_name(f"{out.stem}.{n}{suffix}") for n in tables if n != main]:
        refuse_overwriting_study(target)
    tables, notes = finite_tables(tables)
    if suffix == ".xlsx":
        notes += [
            say(
                "note.continued",
                "en",
                table=name,
                rows=f"{len(df):,}",
                more=-(-len(df) // XLSX_MAX_ROWS) - 1,
                sheet=sheet_title(name, lang),
            )
            for name, df in tables.items()
            if len(df) > XLSX_MAX_ROWS
        ]
    items = {**(metadata or {}), **run_metadata(), **{f"note {i}": n for i, n in enumerate(notes, start=1)}}
    meta = pd.DataFrame({"key": list(items), "value": [str(v) for v in items.values()]})
    if lang == "zh":  # the keys as headers are, the values as stored phrases are
        said = [
            LAYER_ZH.get(str(v), v) if k in ("a", "b", "layer") else translate(v, "zh")
            for k, v in items.items()
        ]
        meta["key"] = [meta_key(k) for k in meta["key"]]
        meta["value"] = [str(v) for v in said]
        meta = meta.rename(columns={"value": "内容"})  # text about the run, not an indicator's 数值
    if suffix == ".xlsx":
        with atomic_output(out) as tmp:
            _write_xlsx(tmp, {**tables, "metadata": meta}, lang, study=str((metadata or {}).get("study", "")))
        return [out]
    written = []
    if suffix == ".gpkg":
        with atomic_output(out) as tmp:
            for name, df in {**tables, "metadata": meta}.items():
                if isinstance(df, gpd.GeoDataFrame):
                    pyogrio.write_dataframe(
                        df, tmp, layer=name, driver="GPKG", promote_to_multi=True, **new_file_options(tmp)
                    )
                else:
                    pyogrio.write_dataframe(
                        _text_safe(df), tmp, layer=name, driver="GPKG", **new_file_options(tmp)
                    )
        return [out]
    # every file written first, then all renamed (the main one last): a run stopped midway leaves the
    # previous files. A CSV is written on a thread (Arrow's writer lets go of the GIL) while the next table
    # is made ready
    with contextlib.ExitStack() as renames, ThreadPoolExecutor(max_workers=1) as writer:
        pending, jobs = [], []
        every = {**tables, "metadata": meta}
        for name in sorted(every, key=lambda n: n != main):  # the main one entered first, renamed last
            path = out if name == main else out.with_name(f"{out.stem}.{name}{suffix}")
            jobs.append((every[name], renames.enter_context(atomic_output(path))))
            written.append(path)
        for df, tmp in jobs:
            if suffix == ".csv":
                rounded = csv_rounded(_plain(df, lang), keep_digits=lang == "zh")
                pending.append(
                    writer.submit(write_csv, rounded.rename(columns=lambda c: header(str(c), lang)), tmp)
                )
            elif isinstance(df, gpd.GeoDataFrame):
                df.to_parquet(tmp, index=False, row_group_size=100_000)
            else:
                _text_safe(df).to_parquet(tmp, index=False)
        for done in pending:  # a failed write raises here, before anything is renamed
            done.result()
    return written


_COMMAND_LINE: ContextVar[str | None] = ContextVar("zonekit_command_line", default=None)
_PASSWORD = re.compile(r"(://[^:/@\s]+:)[^@\s]+@")


def set_command_line(argv: list[str]) -> None:
    """Record the command line this process runs, for the metadata of what it writes (passwords hidden).

    Parameters
    ----------
    argv : list of str
        ``sys.argv``.

    Examples
    --------
    >>> set_command_line(["zonekit", "check", "postgresql://gis:s3cret@db/zones", "--out", "c.xlsx"])
    >>> run_metadata()["command line"]
    'zonekit check postgresql://gis:***@db/zones --out c.xlsx'
    >>> set_command_line([])
    """
    import shlex

    _COMMAND_LINE.set(_PASSWORD.sub(r"\1***@", shlex.join(argv)) if argv else None)


def run_metadata() -> dict[str, str]:
    """When and by what a report was made: the time, zonekit's version and the command line.

    Returns
    -------
    dict[str, str]
        ``run at`` (local time with its offset), ``zonekit version`` and ``command line`` (or that it was
        called from Python).
    """
    from datetime import datetime

    from zonekit._version import __version__

    return {
        "run at": datetime.now().astimezone().isoformat(timespec="seconds"),
        "zonekit version": __version__,
        "command line": _COMMAND_LINE.get() or say("note.python_api", "en"),
    }


def finite_tables(tables: dict[str, pd.DataFrame]) -> tuple[dict[str, pd.DataFrame], list[str]]:
    """The tables with every ±∞ replaced by a missing value, and one note per column where that happened.

    No writer ever receives ∞ (Excel cannot hold it; a CSV would show ``inf``): the cell stays empty and
    the metadata says why.

    Parameters
    ----------
    tables : dict[str, pd.DataFrame]
        Tables by name.

    Returns
    -------
    tuple[dict[str, pd.DataFrame], list[str]]
        The tables with every ±∞ replaced by a missing value, and one note per column where that happened.

    Examples
    --------
    >>> t, notes = finite_tables({"t": pd.DataFrame({"x": [1.0, float("inf")]})})
    >>> t["t"]["x"].isna().tolist(), notes
    ([False, True], ['table t, column x: 1 value(s) were infinite (a ratio over zero) and are left empty'])
    """
    out, notes = {}, []
    for name, df in tables.items():
        bad = {
            c: np.isinf(df[c].to_numpy(dtype=float, na_value=np.nan))
            for c in df.columns
            if pd.api.types.is_float_dtype(df[c])
        }
        bad = {c: m for c, m in bad.items() if m.any()}
        if bad:
            df = df.copy()
            for c, m in bad.items():
                df[c] = df[c].mask(m)
                notes.append(say("note.infinite", "en", table=name, col=c, n=int(m.sum())))
        out[name] = df
    return out, notes


_FORMULA_FIRST = "=+-@\t\r"  # what a spreadsheet would read as the start of a formula
_FORMULA_START = f"^[{re.escape(_FORMULA_FIRST)}]"  # the same, as an expression
_DIGITS_AS_TEXT = r'="\d+"'  # how csv_rounded keeps a code's digits: a formula giving only that text


def _write_url(tables: dict[str, pd.DataFrame], out: StudyURL, *, main: str, metadata: dict | None) -> list:
    """The tables into PostGIS: ``<table>`` for the main one, ``<table>_<name>`` for the others, one transaction.

    Column names stay the machine's (for SQL); values are the tables' own; the metadata is a key/value
    table ``<table>_metadata``.
    """
    from zonekit.layers import postgis

    base = out.table or main
    named = {base if n == main else f"{base}_{n}": df for n, df in finite_tables(tables)[0].items()}
    meta = metadata or {}
    named[f"{base}_metadata"] = pd.DataFrame(
        {"key": list(map(str, meta)), "value": [str(v) for v in meta.values()]}
    )
    postgis.write_tables(
        out, {n: _text_safe(df) if not isinstance(df, gpd.GeoDataFrame) else df for n, df in named.items()}
    )
    return [f"{out} → {', '.join(named)}"]


def text_matches(s: pd.Series, pattern: str, *, first: str = "") -> np.ndarray | None:
    """Where the text cells of ``s`` match the regular expression ``pattern``; ``None`` if it holds no text.

    Matched by Arrow's compute kernel (RE2, in C++) rather than a Python call per cell: a province's
    enterprise table has a million cells per column. A column mixing text with other values is matched
    on its text cells (the others never match). With ``first``, the ASCII characters every match starts
    with, only the cells starting with one of them are matched (found from the text's bytes at once).

    Parameters
    ----------
    s : pd.Series
        A text column (object or string dtype).
    pattern : str
        The expression, searched anywhere unless anchored with ``^``/``$``.
    first : str, optional
        ASCII characters a match must start with (a pattern anchored with ``^``).

    Returns
    -------
    np.ndarray or None
        One bool per row; ``None`` when no cell is text.

    Examples
    --------
    >>> text_matches(pd.Series(["=1+1", None, "园区", 3]), r"^[=+@]").tolist()
    [True, False, False, False]
    >>> text_matches(pd.Series(["0601", "园区0601", "", None]), r"^0\\d+$", first="0").tolist()
    [True, False, False, False]
    >>> text_matches(pd.Series([None, 1.5]), "x") is None
    True
    """
    import pyarrow as pa
    import pyarrow.compute as pc

    try:
        arr = pa.array(s, from_pandas=True)
    except (pa.ArrowInvalid, pa.ArrowTypeError):  # text mixed with numbers: the text cells alone
        text = np.asarray(s.map(lambda v: isinstance(v, str)), dtype=bool)  # rare: a column of mixed kinds
        if not text.any():
            return None
        out = np.zeros(len(s), dtype=bool)
        out[text] = text_matches(s[text].astype(str), pattern, first=first)
        return out
    if isinstance(arr, pa.ChunkedArray):
        arr = arr.combine_chunks()
    if not (pa.types.is_string(arr.type) or pa.types.is_large_string(arr.type)):
        return None
    if not first:
        return pc.match_substring_regex(arr, pattern).fill_null(False).to_numpy(zero_copy_only=False)
    out = np.zeros(len(arr), dtype=bool)
    maybe = np.flatnonzero(np.isin(first_bytes(arr), np.frombuffer(first.encode("ascii"), dtype=np.uint8)))
    if len(maybe):
        found = pc.match_substring_regex(arr.take(pa.array(maybe)), pattern).fill_null(False)
        out[maybe] = found.to_numpy(zero_copy_only=False)
    return out


def first_bytes(arr) -> np.ndarray:
    """The first byte of each cell of an Arrow text array (0 where a cell is empty or missing).

    Read from the array's offsets and data buffers, with no string made: an ASCII character at the start
    of a cell is its first byte (a UTF-8 character of several bytes never starts with an ASCII one).

    Parameters
    ----------
    arr : pyarrow.Array
        A ``string`` or ``large_string`` array.

    Returns
    -------
    np.ndarray of uint8

    Examples
    --------
    >>> import pyarrow as pa
    >>> first_bytes(pa.array(["=A", "", None, "园"]).slice(0)).tolist()
    [61, 0, 0, 229]
    """
    import pyarrow as pa

    _, offsets, data = arr.buffers()
    wide = pa.types.is_large_string(arr.type)
    at: np.ndarray = np.frombuffer(offsets, dtype=np.int64 if wide else np.int32)
    at = at[arr.offset : arr.offset + len(arr) + 1]
    text = np.frombuffer(data, dtype=np.uint8) if data is not None else np.zeros(0, dtype=np.uint8)
    out = np.zeros(len(arr), dtype=np.uint8)
    has = at[1:] > at[:-1]
    if arr.null_count:
        has &= arr.is_valid().to_numpy(zero_copy_only=False)
    out[has] = text[at[:-1][has]]
    return out


def inert_text(df: pd.DataFrame) -> pd.DataFrame:
    """``df`` with every text cell that a spreadsheet would run as a formula prefixed with ``'``.

    A CSV carries no types, so Excel reads ``=HYPERLINK(…)`` or ``@SUM(…)`` in a name as a formula; the
    leading apostrophe makes it text (OWASP's advice on CSV injection). Numbers are left alone.

    Parameters
    ----------
    df : pd.DataFrame
        A table about to be written as CSV.

    Returns
    -------
    pd.DataFrame
        The same table, text cells made inert (a copy only where something changed).

    Examples
    --------
    >>> inert_text(pd.DataFrame({"name": ["=1+1", "园区", "@A1"], "x": [-1, 2, 3]})).values.tolist()
    [["'=1+1", -1], ['园区', 2], ["'@A1", 3]]
    """
    fixed = {}
    for c in df.columns:
        s = df[c]
        if s.dtype == object or pd.api.types.is_string_dtype(s):
            starts = text_matches(s, _FORMULA_START, first=_FORMULA_FIRST)
            if starts is None or not starts.any():  # no text in the column, or none a formula
                continue
            bad = starts & ~text_matches(s, f"^{_DIGITS_AS_TEXT}$", first="=")  # type: ignore[operator]
            if bad.any():
                column = s.astype(object)
                column[bad] = "'" + s[bad].astype(str)
                fixed[c] = column
    if not fixed:
        return df
    out = df.copy(deep=False)
    for c, column in fixed.items():
        out[c] = column
    return out


def csv_rounded(df: pd.DataFrame, *, keep_digits: bool) -> pd.DataFrame:
    """``df`` for a CSV: numbers rounded to their column's precision, codes kept from Excel's spoiling.

    Each number column keeps :func:`~zonekit.reports.formats.csv_decimals` decimals. In a CSV meant for
    Excel (``keep_digits``), codes that Excel would turn into numbers (``0601``, a 16-digit parcel id) are
    written as ``="0601"``, which Excel shows as the text itself.

    Parameters
    ----------
    df : pd.DataFrame
        The table under its machine column names.
    keep_digits : bool
        Protect digit codes from Excel (the Chinese CSV, opened by people); the English CSV, read by
        scripts, keeps them plain.

    Returns
    -------
    pd.DataFrame
        A copy where anything changed.

    Examples
    --------
    >>> t = pd.DataFrame({"parcel_id": ["3206120001234567", "L1"], "area_ha": [1.23456789, 2.0]})
    >>> csv_rounded(t, keep_digits=True).values.tolist()
    [['="3206120001234567"', 1.234568], ['L1', 2.0]]
    """
    columns = {}
    for c in df.columns:
        s = df[c]
        if pd.api.types.is_float_dtype(s):
            columns[c] = s.round(csv_decimals(str(c), s))
        elif keep_digits and (s.dtype == object or pd.api.types.is_string_dtype(s)):
            spoilt = text_matches(s, LONG_DIGITS.pattern, first=string.digits)
            if spoilt is not None and spoilt.any():
                fixed = s.astype(object)
                fixed[spoilt] = '="' + s[spoilt].astype(str) + '"'
                columns[c] = fixed
    out = df.copy(deep=False)  # the table's own columns, the changed ones replaced
    for c, column in columns.items():
        out[c] = column
    return out


def write_csv(df: pd.DataFrame, path: str | Path) -> None:
    """Write ``df`` as UTF-8 CSV with a byte-order mark (Excel on Chinese Windows), formulas made inert.

    Written by Arrow's CSV writer (about ten times pandas's speed on a province's enterprises); a column
    Arrow cannot type (mixed Python objects) is written as its text.

    Parameters
    ----------
    df : pd.DataFrame
        The table, with the headers it is to show.
    path : str | Path
        The file.
    """
    import pyarrow as pa

    df = inert_text(pd.DataFrame(df))
    try:
        table = pa.Table.from_pandas(df, preserve_index=False)
    except (pa.ArrowInvalid, pa.ArrowTypeError, pa.ArrowNotImplementedError):
        mixed = {c: df[c].astype(str).where(df[c].notna()) for c in df.columns if df[c].dtype == object}
        table = pa.Table.from_pandas(df.assign(**mixed), preserve_index=False)
    with open(path, "wb") as f, ThreadPoolExecutor(max_workers=thread_count(None)) as pool:
        f.write(codecs.BOM_UTF8)
        starts = range(0, max(table.num_rows, 1), CSV_PIECE_ROWS)
        for text in pool.map(lambda lo: _csv_text(table.slice(lo, CSV_PIECE_ROWS), header=lo == 0), starts):
            f.write(text)


CSV_PIECE_ROWS = 100_000
"""Rows of a CSV made into text at once: a province's enterprise table in pieces, on every core."""


def _csv_text(table, *, header: bool):
    """Rows as CSV text (Arrow's writer lets go of the GIL, so pieces are made side by side)."""
    import pyarrow as pa
    import pyarrow.csv as pacsv

    out = pa.BufferOutputStream()
    pacsv.write_csv(table, out, write_options=pacsv.WriteOptions(include_header=header))
    return out.getvalue()


def _text_safe(df: pd.DataFrame) -> pd.DataFrame:
    out = pd.DataFrame(df).copy()
    for c in out.columns:
        if out[c].dtype == object:
            out[c] = [None if v is None or (isinstance(v, float) and np.isnan(v)) else str(v) for v in out[c]]
    return out


def _write_xlsx(path: Path, tables: dict[str, pd.DataFrame], lang: str, *, study: str = "") -> None:
    import xlsxwriter

    wb = xlsxwriter.Workbook(
        str(path),
        {
            "nan_inf_to_errors": False,
            "strings_to_numbers": False,
            "strings_to_formulas": False,
            "strings_to_urls": False,
        },
    )
    head = wb.add_format(
        {"bold": True, "bg_color": "#DDEBF7", "border": 1, "text_wrap": True, "valign": "top"}
    )
    wb_formats = {"head": head, "wrap": wb.add_format({"text_wrap": True, "valign": "top"})}
    wb_formats.update({kind: wb.add_format({"num_format": f}) for kind, f in NUMBER_FORMATS.items()})
    for number_format in NUMBER_FORMATS:  # indexed now: a long table's rows may use one no column does
        wb_formats[number_format]._get_xf_index()  # (xlsxwriter numbers only the formats it sees used)
    used: set[str] = set()
    rows: dict[int, pd.DataFrame] = {}  # the data rows of each sheet, put in after xlsxwriter's pass
    for name, whole in tables.items():
        kinds = row_kinds(whole)  # from the rows' machine names, before they are said in Chinese
        whole = _plain(whole, lang)
        n_sheets = max(1, -(-len(whole) // XLSX_MAX_ROWS))
        for k in range(n_sheets):
            df = whole.iloc[k * XLSX_MAX_ROWS : (k + 1) * XLSX_MAX_ROWS]
            title = sheet_title(name, lang) if k == 0 else f"{sheet_title(name, lang)[:26]} ({k + 1})"
            part = None if kinds is None else kinds.iloc[k * XLSX_MAX_ROWS : (k + 1) * XLSX_MAX_ROWS]
            rows[len(rows) + 1] = _write_sheet(wb, wb_formats, sheet_name(title, used), df, lang, study, part)
    wb.close()
    for frame in rows.values():  # the formats' indexes are known once the workbook is written
        frame.attrs["styles"] = [_xf_index(f) for f in frame.attrs["styles"]]
    fill_sheets(path, rows)


def _xf_index(style):
    """A column's format (or each row's) as the workbook's index of it."""
    if isinstance(style, np.ndarray):
        return np.array([0 if f is None else f.xf_index for f in style], dtype=np.int64)
    return None if style is None else style.xf_index


WRAP_WIDTH = 60  # text wider than this (in Excel units) wraps in its column


def _write_sheet(
    wb,
    formats: dict,
    title: str,
    df: pd.DataFrame,
    lang: str,
    study: str = "",
    kinds: pd.Series | None = None,
) -> pd.DataFrame:
    """One sheet's header, widths, formats, frozen header, filter and print setup; returns its cells.

    Numbers stay numbers, each column in the format of its kind (:mod:`zonekit.reports.formats`: counts
    ``#,##0``, areas and money ``#,##0.00``, rates ``0.0%``, scores ``0.0``); a text column whose values
    are all numbers is written as numbers; booleans stay booleans (是/否 in Chinese); everything else is
    text (codes keep every digit; a date column without times shows as ``YYYY-MM-DD``), wrapped when it
    is long; empty cells stay empty. In a long table (``kinds``: :func:`~zonekit.reports.formats.row_kinds`) the numbers
    of the columns measured by row take their row's format: a rate row in %, a count row whole. The cells
    come back by type, with each column's format (or each row's) in ``attrs["styles"]``, for
    :func:`fill_sheets`.
    """
    by_row = None if kinds is None else np.array([formats[k] for k in kinds], dtype=object)
    ws = wb.add_worksheet(title)
    widths = []
    for j, col in enumerate(df.columns):
        label = header(str(col), lang)
        ws.write_string(0, j, label, formats["head"])
        widths.append(display_width(label))
    cells: dict[int, pd.Series] = {}
    styles: list = []
    for j in range(len(df.columns)):
        name = str(df.columns[j])
        s = df.iloc[:, j].reset_index(drop=True)
        present = s.notna().to_numpy(dtype=bool)
        kind = pd.api.types.infer_dtype(s[present]) if present.any() else "empty"
        by_row_here = by_row if by_row is not None and ROW_MEASURED.match(name) else None
        if pd.api.types.is_bool_dtype(s) or kind == "boolean":
            flags = s.astype("boolean")  # 是/否 in Chinese, not TRUE/FALSE
            cells[j] = flags.map({True: "是", False: "否"}).astype(object) if lang == "zh" else flags
            styles.append(None)
        elif pd.api.types.is_numeric_dtype(s) or kind in (
            "integer",
            "floating",
            "mixed-integer-float",
            "decimal",
        ):
            numbers = pd.to_numeric(s, errors="coerce")
            number = number_kind(name, numbers)
            cells[j] = sheet_values(name, numbers)
            styles.append(formats[number] if by_row_here is None else by_row_here)
            widths[j] = max(widths[j], 12)
        else:
            if s.dtype != object and pd.api.types.is_string_dtype(s):  # Arrow-backed text: kept as it is
                text = s
            else:
                text = pd.Series(None, index=s.index, dtype=object)
                text[present] = _as_text(s[present])
            if kind in ("mixed", "mixed-integer"):  # numbers among text (indicators by version) stay numbers
                cell_values = s.to_numpy(dtype=object)
                is_number = np.fromiter(
                    (isinstance(v, int | float | np.number) and not isinstance(v, bool) for v in cell_values),
                    dtype=bool,
                    count=len(cell_values),
                )
                text = text.astype(object)
                text[is_number] = cell_values[is_number].astype(float)
                styles.append(formats["measure"] if by_row_here is None else by_row_here)
                cells[j] = text
                widths[j] = max(widths[j], 12)
                continue
            cells[j] = text
            lengths = text[present].str.len()
            longest = text[lengths.nlargest(50).index] if len(lengths) else []  # the widest is among them
            widest = max([0, *(display_width(t) for t in longest)])
            widths[j] = max(widths[j], min(widest, WRAP_WIDTH))
            styles.append(formats["wrap"] if widest > WRAP_WIDTH else None)
    for j, w in enumerate(widths):
        column_format = formats["measure"] if isinstance(styles[j], np.ndarray) else styles[j]
        ws.set_column(j, j, min(max(w + 2, 8), WRAP_WIDTH + 2), column_format)
    ws.freeze_panes(1, 0)
    if len(df.columns):
        ws.autofilter(0, 0, max(len(df), 1), len(df.columns) - 1)
    _print_setup(ws, f"{study} · {title}" if study else title)
    frame = pd.DataFrame({j: cells[j] for j in range(len(df.columns))}, copy=False)
    frame.attrs["styles"] = styles
    return frame


def _print_setup(ws, title: str) -> None:
    """Landscape, fitted to the page width, the header row on every page, title and date in the margins."""
    ws.set_landscape()
    ws.set_paper(9)  # A4
    ws.fit_to_pages(1, 0)
    ws.repeat_rows(0)
    ws.set_header(f'&L&"-,Bold"{_margin_text(title)}&R&D')
    ws.set_footer("&C&P / &N")


def _margin_text(text: str) -> str:
    """Text for a page header: ``&`` doubled (a code character there), cut to leave room for the codes."""
    return text.replace("&", "&&")[:100]


def _as_text(values: pd.Series) -> list[str]:
    """Cell text of non-missing values: a date without a time as ``YYYY-MM-DD``, everything else ``str``."""
    if pd.api.types.is_datetime64_any_dtype(values):  # a date column: no "00:00:00"
        whole_days = bool((values == values.dt.normalize()).all())
        return values.dt.strftime("%Y-%m-%d" if whole_days else "%Y-%m-%d %H:%M:%S").tolist()
    if pd.api.types.is_string_dtype(values) and values.dtype != object:
        return values.tolist()
    return [  # an object column may mix kinds: one value at a time
        v.date().isoformat() if isinstance(v, pd.Timestamp) and v == v.normalize() else str(v)
        for v in values.tolist()
    ]
