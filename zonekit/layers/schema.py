"""Schemas of the study's layers, value normalisation, and validation that reports every problem at once."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from zonekit.choices import CODE_SYSTEMS, LAYER_NAMES
from zonekit.errors import SchemaError
from zonekit.vocabulary.messages import say


@dataclass(frozen=True)
class Column:
    """One column of a layer schema."""

    name: str
    kind: str = "str"  # str | int | float | bool | date
    required: bool = False  # must be present on import
    not_null: bool = False  # every row needs a value
    choices: tuple[str, ...] | None = None
    unique: bool = False
    derived: bool = False  # computed by zonekit
    fraction: bool = False  # a share: 0 to 1 (60% reads as 0.6)


@dataclass(frozen=True)
class LayerSchema:
    """A layer: its columns, id column and geometry rule (``required``, ``optional`` or ``none``)."""

    name: str
    columns: tuple[Column, ...]
    id_column: str | None
    geometry: str = "required"
    generate_ids: bool = False  # ids may be generated when the source has none
    points: bool = False
    """Points are as good as polygons here (an enterprise's location); elsewhere they are rejected."""

    def column(self, name: str) -> Column | None:
        """The column called ``name``, if any.

        Parameters
        ----------
        name : str
            The name.

        Returns
        -------
        Column | None
            The column called ``name``, if any.
        """
        return next((c for c in self.columns if c.name == name), None)

    @property
    def names(self) -> list[str]:
        """Column names in schema order."""
        return [c.name for c in self.columns]


C = Column
LEVELS = ("national", "provincial", "municipal", "other")
ZONE_TYPES = ("etdz", "hitech", "bonded", "border", "other")
REGIONS = ("east", "central", "west", "northeast")
PARK_KINDS = ("main", "sub", "theme", "enclave")
BUILD_STATUS = ("built", "serviced", "unserviced", "unbuildable")
PROTECTED_KINDS = ("eco_redline", "basic_farmland", "nature_reserve", "water_source", "other")
APPROVAL_KINDS = ("conversion", "requisition")
SHARE_METRICS = ("gdp", "tax", "output", "revenue", "investment", "fdi")
ADMIN_LEVELS = ("province", "city", "county", "town")

SCHEMAS: dict[str, LayerSchema] = {
    "admin": LayerSchema(
        "admin",
        (
            C("adcode", required=True, not_null=True, unique=True),
            C("name", not_null=True),
            C("level", choices=ADMIN_LEVELS),
            C("parent_adcode"),
            C("source"),
        ),
        "adcode",
    ),
    "zones": LayerSchema(
        "zones",
        (
            C("zone_id", required=True, not_null=True, unique=True),
            C("name", required=True, not_null=True),
            C("level", choices=LEVELS),
            C("type", choices=ZONE_TYPES),
            C("in_catalogue", "bool"),
            C("approved_area_ha", "float"),
            C("region", choices=REGIONS),
            C("lead_industries"),
            C("county_adcode"),
            C("source"),
        ),
        "zone_id",
        geometry="optional",
    ),
    "parks": LayerSchema(
        "parks",
        (
            C("park_id", required=True, not_null=True, unique=True),
            C("zone_id", required=True, not_null=True),
            C("name", required=True, not_null=True),
            C("kind", not_null=True, choices=PARK_KINDS),
            C("parent_park_id"),
            C("host_adcode"),
            C("lead_industries"),
            C("source"),
        ),
        "park_id",
    ),
    "enclaves": LayerSchema(
        "enclaves",
        (
            C("park_id", required=True, not_null=True),
            C("home_adcode", required=True, not_null=True),
            C("host_adcode", required=True, not_null=True),
            C("metric", required=True, not_null=True, choices=SHARE_METRICS),
            C("home_share", "float", required=True, not_null=True, fraction=True),
            C("host_share", "float", required=True, not_null=True, fraction=True),
            C("valid_from", "date", required=True, not_null=True),
            C("valid_to", "date"),
            C("source"),
        ),
        None,
        geometry="none",
    ),
    "landuse": LayerSchema(
        "landuse",
        (
            C("parcel_id", not_null=True, unique=True),
            C("land_use_code"),
            C("land_use_name"),
            C("code_system", choices=CODE_SYSTEMS),
            C("analysis_class", derived=True),
            C("is_construction", "bool", derived=True),
            C("land_use_flag", derived=True),
            C("build_status", choices=BUILD_STATUS),
            C("supplied", "bool"),
            C("idle", "bool"),
            C("gfa_m2", "float"),
            C("footprint_m2", "float"),
            C("yard_m2", "float"),
            C("investment_wan", "float"),
            C("revenue_wan", "float"),
            C("tax_wan", "float"),
            C("enterprise_id"),
            C("source_area_m2", "float"),
            C("source"),
        ),
        "parcel_id",
        generate_ids=True,
    ),
    "protected": LayerSchema(
        "protected",
        (
            C("area_id", not_null=True, unique=True),
            C("name"),
            C("kind", not_null=True, choices=PROTECTED_KINDS),
            C("source"),
        ),
        "area_id",
        generate_ids=True,
    ),
    "enterprises": LayerSchema(
        "enterprises",
        (
            C("enterprise_id", required=True, not_null=True, unique=True),
            C("name"),
            C("industry_code"),
            C("park_id"),
            C("land_area_m2", "float"),
            C("tax_wan", "float"),
            C("value_added_wan", "float"),
            C("revenue_wan", "float"),
            C("energy_tce", "float"),
            C("employees", "float"),
            C("rd_wan", "float"),
            C("source"),
        ),
        "enterprise_id",
        geometry="optional",
        points=True,
    ),
    "zone_versions": LayerSchema(
        "zone_versions",
        (
            C("zone_id", required=True, not_null=True),
            C("version", "int", required=True, not_null=True),
            C("valid_from", "date", required=True, not_null=True),
            C("valid_to", "date"),
            C("adjusted_on", "date"),
            C("source"),
        ),
        None,
    ),
    "supply": LayerSchema(  # land-supply contracts, as the land-market monitoring system exports them
        "supply",
        (
            C("supply_id", required=True, not_null=True, unique=True),
            C("project_name"),
            C("holder"),
            C("land_use_code"),
            C("supply_method"),
            C("area_ha", "float"),
            C("contract_date", "date"),
            C("agreed_start", "date"),
            C("agreed_completion", "date"),
            C("actual_start", "date"),
            C("actual_completion", "date"),
            C("agreed_far_min", "float"),
            C("agreed_far_max", "float"),
            C("agreed_investment_wan_per_mu", "float"),
            C("agreed_tax_wan_per_mu", "float"),
            C("source"),
        ),
        "supply_id",
    ),
    "approvals": LayerSchema(  # 农用地转用 / 土地征收 approvals
        "approvals",
        (
            C("approval_id", required=True, not_null=True, unique=True),
            C("approved_date", "date", required=True, not_null=True),
            C("approval_kind", choices=APPROVAL_KINDS),
            C("approval_area_ha", "float"),
            C("source"),
        ),
        "approval_id",
    ),
}
assert tuple(SCHEMAS) == LAYER_NAMES

# Chinese (and other common) spellings of enumerated values → schema values
VALUE_ALIASES: dict[str, dict[str, str]] = {
    "approval_kind": {
        "转用": "conversion",
        "农用地转用": "conversion",
        "征收": "requisition",
        "土地征收": "requisition",
    },
    "level": {
        "国家级": "national",
        "国家": "national",
        "省级": "provincial",
        "省": "provincial",
        "市级": "municipal",
        "市": "municipal",
        "其他": "other",
        "县级": "other",
        "省份": "province",
        "地级市": "city",
        "区县": "county",
        "县": "county",
        "区": "county",
        "乡镇": "town",
        "镇": "town",
    },
    "type": {
        "经济技术开发区": "etdz",
        "经开区": "etdz",
        "经济开发区": "etdz",
        "高新技术产业开发区": "hitech",
        "高新区": "hitech",
        "海关特殊监管区域": "bonded",
        "综合保税区": "bonded",
        "保税区": "bonded",
        "边境经济合作区": "border",
        "跨境经济合作区": "border",
        "其他": "other",
        "其他类": "other",
    },
    "region": {"东部": "east", "中部": "central", "西部": "west", "东北": "northeast", "东北部": "northeast"},
    "kind": {
        "主园": "main",
        "主园区": "main",
        "核心区": "main",
        "分园": "sub",
        "分园区": "sub",
        "子园": "sub",
        "主题园": "theme",
        "园中园": "theme",
        "区中园": "theme",
        "主题产业园": "theme",
        "飞地": "enclave",
        "飞地园区": "enclave",
        "生态保护红线": "eco_redline",
        "生态红线": "eco_redline",
        "永久基本农田": "basic_farmland",
        "基本农田": "basic_farmland",
        "自然保护地": "nature_reserve",
        "自然保护区": "nature_reserve",
        "饮用水水源保护区": "water_source",
        "水源地": "water_source",
        "水源保护区": "water_source",
        "其他": "other",
    },
    "build_status": {
        "已建成": "built",
        "建成": "built",
        "已达到供地条件": "serviced",
        "达到供地条件": "serviced",
        "未达到供地条件": "unserviced",
        "不可建设": "unbuildable",
    },
    "metric": {
        "地区生产总值": "gdp",
        "gdp": "gdp",
        "税收": "tax",
        "产值": "output",
        "营业收入": "revenue",
        "投资": "investment",
        "固定资产投资": "investment",
        "外资": "fdi",
        "实际使用外资": "fdi",
    },
    "code_system": {"三调": "sandiao", "gb/t 21010-2017": "gb21010_2017", "用地用海": "ydyh_2023"},
}
TRUE_WORDS = {"true", "t", "yes", "y", "1", "是", "有", "已供应", "闲置"}
MISSING_WORDS = {"<na>", "nan", "none", "null", "nat"}
FALSE_WORDS = {"false", "f", "no", "n", "0", "否", "无", "未供应", "未闲置"}


def _text(v: object) -> str | None:
    """A value as trimmed text; ``None`` for every kind of missing (None, NaN, NaT, NA) and for blanks.

    Examples
    --------
    >>> [_text(v) for v in (None, float("nan"), pd.NaT, pd.NA, " 0601 ", 601.0, "")]
    [None, None, None, None, '0601', '601', None]
    """
    if v is None or v is pd.NA or v is pd.NaT or (isinstance(v, float | np.floating) and np.isnan(v)):
        return None
    if isinstance(v, np.datetime64) and np.isnat(v):
        return None
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    s = str(v).strip()
    return s or None


def texts(values: pd.Series | np.ndarray) -> np.ndarray:
    """:func:`_text` of every value, vectorised by the column's type (object array, ``None`` for missing).

    Parameters
    ----------
    values : Series or array
        One column.

    Returns
    -------
    numpy.ndarray
        The values as trimmed text, ``None`` where missing or blank.

    Examples
    --------
    >>> texts(pd.Series([" 0601 ", None, "", "园区"])).tolist()
    ['0601', None, None, '园区']
    >>> texts(pd.Series([601.0, 2.5, float("nan")])).tolist()
    ['601', '2.5', None]
    """
    s = pd.Series(values) if not isinstance(values, pd.Series) else values.reset_index(drop=True)
    kind = pd.api.types.infer_dtype(s, skipna=True)
    if kind in ("string", "empty"):
        t = s.astype("string").str.strip()
        t = t.mask(t == "")
    elif kind in ("integer", "boolean") or pd.api.types.is_integer_dtype(s) or pd.api.types.is_bool_dtype(s):
        t = s.astype("string")
    elif kind in ("floating", "mixed-integer-float", "decimal"):
        v = pd.to_numeric(s, errors="coerce").to_numpy(dtype=float)
        whole = np.isfinite(v) & (v == np.round(v))
        t = pd.Series(v).astype("string")
        if whole.any():
            t[whole] = pd.Series(v[whole]).astype(np.int64).astype("string").to_numpy()
    else:  # mixed kinds, dates, bytes: one value at a time
        return np.array([_text(v) for v in s.to_numpy(dtype=object)], dtype=object)
    out = t.to_numpy(dtype=object, na_value=None)
    return out


def coerce(frame: pd.DataFrame, schema: LayerSchema) -> tuple[pd.DataFrame, dict[int, str]]:
    """Bring the schema's columns of ``frame`` to their types and values.

    Columns the frame lacks are added empty. Values that cannot be read (a non-number in a number column,
    an unknown choice, an empty required value) are reported per row, by position.

    Returns
    -------
    (DataFrame, dict)
        The coerced frame (a copy) and ``{position: reason}`` for rows with problems.

    Parameters
    ----------
    frame : pd.DataFrame
        The table.
    schema : LayerSchema
        The layer's schema.
    """
    df = frame.copy()
    problems: dict[int, list[str]] = {}

    def flag(rows: np.ndarray, msg: str) -> None:
        for r in rows:
            problems.setdefault(int(r), []).append(msg)

    for col in schema.columns:
        if col.name not in df.columns:
            df[col.name] = None
        source = df[col.name]
        if (
            col.kind in ("float", "int")
            and pd.api.types.is_numeric_dtype(source)
            and not pd.api.types.is_bool_dtype(source)
        ):
            vals = source.to_numpy(dtype=float, na_value=np.nan)  # numbers already: nothing to parse
            for r in np.flatnonzero(np.isinf(vals)):
                problems.setdefault(int(r), []).append(
                    say("row.not_finite", "en", col=col.name, value=str(vals[r]))
                )
            vals = np.where(np.isinf(vals), np.nan, vals)
            df[col.name] = (
                pd.array(vals, dtype="Float64").round().astype("Int64") if col.kind == "int" else vals
            )
            if col.not_null and not col.derived:
                _flag_empty(problems, np.isnan(vals), col.name)
            continue
        text = texts(source)
        present = pd.notna(text)
        if col.kind in ("float", "int"):
            vals = parse_numbers(text)
            for r in np.flatnonzero(present & np.isnan(vals)):  # only the rows in error
                flag(np.array([r]), f"{col.name} '{text[r]}' is not a number")
            infinite = np.flatnonzero(np.isinf(vals))
            for r in infinite:
                flag(np.array([r]), say("row.not_finite", "en", col=col.name, value=text[r]))
            vals[infinite] = np.nan
            df[col.name] = (
                pd.array(vals, dtype="Float64").round().astype("Int64") if col.kind == "int" else vals
            )
        elif col.kind == "bool":
            low = pd.Series(text, dtype="string").str.lower()
            yes, no = low.isin(TRUE_WORDS).to_numpy(dtype=bool), low.isin(FALSE_WORDS).to_numpy(dtype=bool)
            vals = np.full(len(text), None, dtype=object)
            vals[yes], vals[no] = True, False
            flag(np.flatnonzero(present & ~yes & ~no), f"{col.name} is not yes/no (是/否)")
            df[col.name] = pd.array(vals, dtype="boolean")
        elif col.kind == "date":
            parsed = parse_dates(text)
            bad = present & parsed.isna().to_numpy()
            flag(np.flatnonzero(bad), f"{col.name} is not a date (YYYY-MM-DD)")
            df[col.name] = parsed.dt.normalize().astype("datetime64[ms]").to_numpy()
        else:
            if col.choices:
                aliases = VALUE_ALIASES.get(col.name, {})
                distinct = pd.unique(text[present])  # each distinct value looked up once
                lookup = {t: aliases.get(t, aliases.get(t.lower(), t.lower())) for t in distinct}
                mapped = pd.Series(text, dtype=object).map(lookup).to_numpy(dtype=object)
                bad = present & ~np.isin(mapped, list(col.choices))
                for r in np.flatnonzero(bad):
                    flag(np.array([r]), f"{col.name} '{text[r]}' is not one of {', '.join(col.choices)}")
                text = np.where(bad | ~present, np.array(None, dtype=object), mapped)
            df[col.name] = text
        if col.fraction:
            vals = df[col.name].to_numpy(dtype=float)
            for r in np.flatnonzero((vals < 0) | (vals > 1)):
                flag(np.array([r]), say("row.not_fraction", "en", col=col.name, value=f"{vals[r]:g}"))
        if col.not_null and not col.derived:
            _flag_empty(problems, pd.isna(df[col.name]).to_numpy(dtype=bool), col.name)
    if schema.name == "enclaves":
        for row, why in share_problems(df).items():
            problems.setdefault(row, []).append(why)
    return df, {k: "; ".join(v) for k, v in problems.items()}


SHARE_TOLERANCE = 1e-6


def share_problems(df: pd.DataFrame) -> dict[int, str]:
    """Enclave share rows that cannot hold: home and host shares not adding up to 1, overlapping periods.

    Of two rows whose periods overlap for the same park and metric, the later one is named.

    Parameters
    ----------
    df : pd.DataFrame
        The enclave table, coerced (shares as numbers, periods as dates), in source order.

    Returns
    -------
    dict[int, str]
        Position → reason.

    Examples
    --------
    >>> t = pd.DataFrame({"park_id": ["P", "P"], "metric": ["tax", "tax"], "home_share": [0.6, 1.7],
    ...     "host_share": [0.4, -0.7], "valid_from": pd.to_datetime(["2019-01-01", "2020-01-01"]),
    ...     "valid_to": pd.to_datetime(["2023-12-31", None])})
    >>> share_problems(t)
    {1: 'tax shares of P from 2020-01-01 overlap the period from 2019-01-01'}
    """
    out: dict[int, str] = {}
    home = df["home_share"].to_numpy(dtype=float)
    host = df["host_share"].to_numpy(dtype=float)
    total = home + host
    for r in np.flatnonzero(np.isfinite(total) & (np.abs(total - 1) > SHARE_TOLERANCE)):
        out[int(r)] = say(
            "row.shares_sum", "en", home=f"{home[r]:g}", host=f"{host[r]:g}", total=f"{total[r]:g}"
        )
    start = pd.to_datetime(df["valid_from"]).to_numpy(dtype="datetime64[D]")
    end = pd.to_datetime(df["valid_to"]).to_numpy(dtype="datetime64[D]")
    end = np.where(np.isnat(end), np.datetime64("9999-12-31"), end)  # open-ended
    key = (df["park_id"].astype("string") + "\x1f" + df["metric"].astype("string")).to_numpy(dtype=object)
    order = np.lexsort((start, key.astype(str)))
    order = order[~np.isnat(start[order]) & pd.notna(key[order])]
    same = np.zeros(len(order), dtype=bool)
    same[1:] = key[order][1:] == key[order][:-1]
    clash = np.zeros(len(order), dtype=bool)
    clash[1:] = same[1:] & (start[order][1:] <= end[order][:-1])
    for i in np.flatnonzero(clash).tolist():
        pos, before = int(order[i]), int(order[i - 1])
        out.setdefault(
            pos,
            say(
                "row.periods_overlap",
                "en",
                metric=str(df["metric"].iloc[pos]),
                park=str(df["park_id"].iloc[pos]),
                start=str(start[pos]),
                other=str(start[before]),
            ),
        )
    return out


EXCEL_EPOCH = pd.Timestamp("1899-12-30")  # Excel's day 0 (its 1900 leap-year bug included)


def parse_numbers(text: np.ndarray) -> np.ndarray:
    """Numbers as people type them: full-width digits, thousands separators, and 60% for 0.6.

    Parameters
    ----------
    text : numpy.ndarray
        Trimmed text (``None`` where missing), as :func:`texts` gives.

    Returns
    -------
    numpy.ndarray
        float64; NaN where missing or not a number (1e400 stays infinite, for the caller to refuse).

    Examples
    --------
    >>> parse_numbers(np.array(["1,234.5", "60%", "６０％", "abc", None, "1e400"], dtype=object)).tolist()
    [1234.5, 0.6, 0.6, nan, nan, inf]
    """
    s = pd.Series(text, dtype="string").str.normalize("NFKC").str.replace(r"[,\s]", "", regex=True)
    percent = s.str.endswith("%").fillna(False).to_numpy(dtype=bool)
    vals = pd.to_numeric(s.str.removesuffix("%"), errors="coerce").to_numpy(dtype=float, na_value=np.nan)
    vals[percent] /= 100
    return vals


def parse_dates(text: np.ndarray) -> pd.Series:
    """Dates as Chinese tables write them.

    2024-05-01, 2024/5/1, 2024.5.1, 2024年5月1日, 20240501, or an Excel serial day (45413).

    Parameters
    ----------
    text : numpy.ndarray
        Trimmed text (``None`` where missing).

    Returns
    -------
    pandas.Series
        datetime64; NaT where missing or not a date.

    Examples
    --------
    >>> days = ["2024-05-01", "2024/5/1", "2024年5月1日", "20240501", "45413", "2024.5.1", "x", None]
    >>> [None if pd.isna(d) else f"{d:%Y-%m-%d}" for d in parse_dates(np.array(days, dtype=object))]
    ['2024-05-01', '2024-05-01', '2024-05-01', '2024-05-01', '2024-05-01', '2024-05-01', None, None]
    """
    s = pd.Series(text, dtype="string").str.normalize("NFKC").str.strip()
    s = s.str.replace(r"^(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日?$", r"\1-\2-\3", regex=True)
    s = s.str.replace(r"^(\d{4})[./](\d{1,2})[./](\d{1,2})$", r"\1-\2-\3", regex=True)
    compact = s.str.fullmatch(r"\d{8}").fillna(False).to_numpy(dtype=bool)
    serial = s.str.fullmatch(r"\d{5}(?:\.0*)?").fillna(False).to_numpy(dtype=bool)
    rest = ~compact & ~serial
    out = pd.Series(pd.NaT, index=s.index, dtype="datetime64[ns]")
    if compact.any():
        out[compact] = pd.to_datetime(s[compact], format="%Y%m%d", errors="coerce")
    if serial.any():
        days = pd.to_numeric(s[serial], errors="coerce")
        out[serial] = EXCEL_EPOCH + pd.to_timedelta(days, unit="D")
    if rest.any():
        out[rest] = pd.to_datetime(s[rest], errors="coerce", format="mixed")
    return out


def _flag_empty(problems: dict[int, list[str]], empty: np.ndarray, column: str) -> None:
    """Reject the rows where a required value is empty, unless they are rejected already."""
    rows = np.flatnonzero(empty)
    for r in rows[~np.isin(rows, list(problems))]:
        problems.setdefault(int(r), []).append(f"{column} is empty")


def validate(frame: pd.DataFrame, schema: LayerSchema) -> list[str]:
    """Every problem of ``frame`` against ``schema``, as sentences (empty when it fits).

    Parameters
    ----------
    frame : pd.DataFrame
        The table.
    schema : LayerSchema
        The layer's schema.

    Returns
    -------
    list[str]
        Every problem of ``frame`` against ``schema``, as sentences (empty when it fits).
    """
    out: list[str] = []
    missing = [c.name for c in schema.columns if c.name not in frame.columns]
    if missing:
        out.append(f"layer '{schema.name}' lacks column(s) {', '.join(missing)}")
    for col in schema.columns:
        if col.name not in frame.columns:
            continue
        s = frame[col.name]
        if col.not_null and s.isna().any():
            out.append(f"layer '{schema.name}': {int(s.isna().sum())} row(s) with empty {col.name}")
        if col.choices:
            values = s.dropna()
            bad = sorted(map(str, pd.unique(values[~values.isin(col.choices)])))  # vectorised, distinct
            if bad:
                out.append(
                    f"layer '{schema.name}': {col.name} has value(s) {', '.join(bad[:5])} "
                    f"outside {', '.join(col.choices)}"
                )
        if col.unique:
            dup = s[s.duplicated(keep=False) & s.notna()]
            if len(dup):
                out.append(
                    f"layer '{schema.name}': duplicate {col.name} {', '.join(map(str, dup.unique()[:10]))}"
                )
    if "geometry" in frame.columns:
        out.extend(missing_geometry(schema, int(frame["geometry"].isna().sum())))
    return out


def missing_geometry(schema: LayerSchema, n: int) -> list[str]:
    """The problem of ``n`` features without geometry in a layer whose schema requires one (or none).

    Parameters
    ----------
    schema : LayerSchema
        The layer's schema.
    n : int
        Features without geometry.

    Returns
    -------
    list of str
        One sentence, or nothing.

    Examples
    --------
    >>> missing_geometry(SCHEMAS["landuse"], 2)
    ["layer 'landuse': 2 feature(s) without geometry"]
    """
    if schema.geometry == "required" and n:
        return [f"layer '{schema.name}': {n} feature(s) without geometry"]
    return []


def raise_if_invalid(problems: list[str], *, path: str | None = None) -> None:
    """Raise one :class:`SchemaError` listing every problem.

    Parameters
    ----------
    problems : list[str]
        Problems found so far; appended to.
    path : str, optional
        The file.
    """
    if problems:
        raise SchemaError("schema.study_invalid", path=path, problems="; ".join(problems))


def _to_dates(s: pd.Series) -> pd.Series:
    return pd.Series(parse_dates(texts(s)).to_numpy(), index=s.index)


def _as_boolean(s: pd.Series) -> tuple[pd.Series, int]:
    """``s`` as pandas ``boolean`` (missing stays missing); also how many values were not yes/no."""
    if pd.api.types.is_bool_dtype(s):
        return s.astype("boolean"), 0
    if s.dtype == object and pd.api.types.infer_dtype(s, skipna=True) in ("boolean", "empty"):
        return s.astype("boolean"), 0  # yes/no with gaps, as a nullable column is read: nothing to parse
    if pd.api.types.is_numeric_dtype(s):
        num = s.astype("Float64")
        ok = num.isna() | num.isin([0, 1])
        return num.where(ok).astype("boolean"), int((~ok).sum())
    text = s.astype("string").str.strip().str.lower()
    text = text.mask(text.isin(MISSING_WORDS))  # how pandas and older zonekit spelled a missing value
    out = pd.Series(pd.NA, index=s.index, dtype="boolean")
    out[text.isin(TRUE_WORDS).fillna(False).to_numpy(dtype=bool)] = True
    out[text.isin(FALSE_WORDS).fillna(False).to_numpy(dtype=bool)] = False
    bad = text.notna() & (text != "") & out.isna()
    return out, int(bad.sum())


def conform(frame: pd.DataFrame, schema: LayerSchema, problems: list[str] | None = None) -> pd.DataFrame:
    """Bring a layer read from a study to its schema's types, without changing any value's meaning.

    Booleans become pandas ``boolean`` (a missing value stays missing, never ``"False"``), dates
    ``datetime64`` (empty = ``NaT``), integers ``Int64``, floats ``float64`` and text (ids, codes) ``str``.
    Older studies stored some booleans as the text "True"/"False"; they are read as booleans. Values that
    do not fit become missing and are reported in ``problems`` when a list is given.

    Parameters
    ----------
    frame : pd.DataFrame
        The table.
    schema : LayerSchema
        The layer's schema.
    problems : list[str], optional
        Problems found so far; appended to.

    Returns
    -------
    pd.DataFrame
        Bring a layer read from a study to its schema's types, without changing any value's meaning.

    Examples
    --------
    >>> df = pd.DataFrame({"parcel_id": [1, 2], "is_construction": ["True", "False"], "idle": [1.0, None]})
    >>> out = conform(df, SCHEMAS["landuse"])
    >>> out["is_construction"].tolist(), out["idle"].tolist(), out["parcel_id"].tolist()
    ([True, False], [True, <NA>], ['1', '2'])
    """
    df = frame.copy()
    for col in schema.columns:
        if col.name not in df.columns:
            continue
        s = df[col.name]
        bad = 0
        if col.kind == "bool":
            s, bad = _as_boolean(s)
        elif col.kind == "date":
            parsed = s if pd.api.types.is_datetime64_any_dtype(s) else _to_dates(s)
            bad = int((parsed.isna() & s.notna()).sum())
            if getattr(parsed.dt, "tz", None) is not None:
                parsed = parsed.dt.tz_localize(None)
            s = parsed.dt.normalize().astype("datetime64[ms]")
        elif col.kind in ("int", "float"):
            num = pd.to_numeric(s, errors="coerce")
            bad = int((num.isna() & s.notna()).sum())
            s = num.astype("Int64") if col.kind == "int" else num.astype(float)
        elif pd.api.types.infer_dtype(s, skipna=True) not in ("string", "empty"):
            s = pd.Series(texts(s), index=s.index, dtype=object)
        df[col.name] = s
        if bad and problems is not None:
            problems.append(
                f"layer '{schema.name}': {bad} value(s) of {col.name} are not of type {col.kind} "
                "(read as empty)"
            )
    return df


def storable(frame: pd.DataFrame, schema: LayerSchema) -> pd.DataFrame:
    """A layer ready to be written with its schema's column types.

    Booleans are written as BOOLEAN (``None`` for missing), dates as DATE, integers as INTEGER and text
    as TEXT, whatever the values happen to look like (an id column of digits stays text).

    Parameters
    ----------
    frame : pd.DataFrame
        The table.
    schema : LayerSchema
        The layer's schema.

    Returns
    -------
    pd.DataFrame
        A layer ready to be written with its schema's column types.
    """
    df = conform(frame, schema)
    for col in schema.columns:
        if col.name in df.columns and col.kind == "date":
            d = df[col.name]
            df[col.name] = d.dt.date.astype(object).where(d.notna(), None)
    return df
