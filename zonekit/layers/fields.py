"""Mapping source field names (Chinese, 三调 and English) onto the study schema.

Matching ignores case and surrounding spaces. A user's TOML file (``--fields MAP.toml``) overrides and
extends the built-in aliases::

    [fields]
    "园区名" = "name"
    "KFQ_BM" = "zone_id"

Columns that map to nothing are kept as they are.
"""

from __future__ import annotations

import tomllib
from collections import Counter
from pathlib import Path

import pandas as pd

from zonekit.errors import InputError
from zonekit.layers.schema import LayerSchema

ALIASES: dict[str, tuple[str, ...]] = {
    "zone_id": ("zoneid", "kfqdm", "kfqbm", "开发区代码", "开发区编码", "开发区编号", "kfyqbh"),
    "park_id": ("parkid", "yqdm", "yqbm", "园区代码", "园区编码", "园区编号"),
    "name": (
        "mc",
        "名称",
        "园区名称",
        "开发区名称",
        "kfyqmc",
        "kfqmc",
        "yqmc",
        "xzqmc",
        "行政区名称",
        "bhqmc",
        "保护区名称",
        "企业名称",
        "qymc",
    ),
    "level": ("jb", "级别", "开发区级别", "kfqjb", "行政级别"),
    "type": ("lx", "类型", "开发区类型", "kfyqlx", "kfqlx"),
    "in_catalogue": ("是否目录内", "目录内", "是否在目录", "in_catalog", "sfmln", "审核公告目录"),
    "approved_area_ha": ("核准面积", "核准面积公顷", "hzmj", "approved_ha"),
    "region": ("区域", "地区"),
    "lead_industries": ("主导产业", "zdcy", "industries"),
    "county_adcode": ("所在县代码", "县级行政区代码", "xjdm", "county"),
    "kind": ("园区类型", "园区性质", "yqlx", "类别", "保护类型", "bhlx"),
    "parent_park_id": ("上级园区代码", "所属园区代码", "parent_id", "sjyqdm"),
    "host_adcode": ("所在行政区代码", "飞入地代码", "host"),
    "home_adcode": ("飞出地代码", "home"),
    "metric": ("指标", "分成指标"),
    "home_share": ("飞出地比例", "飞出地分成", "飞出地分成比例"),
    "host_share": ("飞入地比例", "飞入地分成", "飞入地分成比例"),
    "valid_from": ("起始日期", "开始日期", "生效日期", "qsrq"),
    "valid_to": ("终止日期", "结束日期", "失效日期", "zzrq"),
    "adjusted_on": ("调整日期", "tzrq"),
    "version": ("版本", "版本号"),
    "parcel_id": ("parcelid", "bsm", "标识码", "宗地代码", "zddm", "地块编号", "dkbh", "tbbh", "图斑编号"),
    "land_use_code": (
        "dlbm",
        "地类编码",
        "地类代码",
        "用地代码",
        "yddm",
        "用地分类代码",
        "ydyhfldm",
        "ydyhdm",
        "lu_code",
        "landuse",
        "土地用途",
        "tdyt",
    ),
    "land_use_name": ("dlmc", "地类名称", "用地名称", "ydmc"),
    "code_system": ("分类体系",),
    "build_status": ("建设状态", "jszt"),
    "supplied": ("是否供应", "已供应", "sfgy"),
    "idle": ("是否闲置", "闲置", "sfxz"),
    "gfa_m2": ("建筑面积", "总建筑面积", "jzmj", "zjzmj", "gfa"),
    "footprint_m2": ("基底面积", "建筑基底面积", "jdmj", "footprint"),
    "yard_m2": ("露天堆场面积", "露天场地面积", "堆场面积", "yard"),
    "investment_wan": ("固定资产投资", "固定资产投资万元", "投资额", "gdzctz", "tze", "investment"),
    "revenue_wan": ("营业收入", "总收入", "销售收入", "yysr", "revenue"),
    "tax_wan": ("税收", "税收总额", "实缴税金", "ss", "tax"),
    "enterprise_id": ("企业代码", "企业编号", "统一社会信用代码", "tyshxydm", "qydm"),
    "source_area_m2": ("tbmj", "图斑面积", "zdmj", "宗地面积"),
    "area_id": ("areaid", "bhqdm", "保护区代码", "红线编号", "hxbh"),
    "adcode": ("xzqdm", "行政区代码", "行政区划代码", "xzqhdm"),
    "parent_adcode": ("上级行政区代码", "sjxzqdm"),
    "industry_code": ("行业代码", "hydm", "国民经济行业代码"),
    # land-supply contracts (土地市场动态监测监管系统) and approvals
    "supply_id": ("电子监管号", "dzjgh", "合同编号"),
    "project_name": ("项目名称", "xmmc"),
    "holder": ("土地使用权人", "受让人", "用地单位"),
    "supply_method": ("供地方式", "gdfs"),
    "area_ha": ("面积(公顷)", "面积（公顷）", "供地面积", "出让面积"),
    "contract_date": ("合同签订日期", "签订日期", "htqdrq"),
    "agreed_start": ("约定开工时间", "约定开工日期"),
    "agreed_completion": ("约定竣工时间", "约定竣工日期"),
    "actual_start": ("实际开工时间", "实际开工日期"),
    "actual_completion": ("实际竣工时间", "实际竣工日期"),
    "agreed_far_min": ("容积率下限", "最低容积率"),
    "agreed_far_max": ("容积率上限", "最高容积率"),
    "agreed_investment_wan_per_mu": ("投资强度(万元/亩)", "投资强度（万元/亩）", "投资强度"),
    "agreed_tax_wan_per_mu": ("亩均税收(万元/亩)", "亩均税收（万元/亩）", "亩均税收"),
    "approval_id": ("批准文号", "pzwh"),
    "approved_date": ("批准日期", "pzrq"),
    "approval_kind": ("类型", "批准类型"),
    "approval_area_ha": ("批准面积", "批准面积(公顷)", "批准面积（公顷）"),
}
# kept beside the schema columns when present
EXTRA_TARGETS = {"source_net_area_m2": ("tbdlmj", "图斑地类面积")}


def dbf_name(name: str) -> str:
    """``name`` as a .dbf keeps it: its first 10 bytes of UTF-8, without a character cut in two.

    Parameters
    ----------
    name : str
        A field name.

    Returns
    -------
    str
        What is left of it in a shapefile written as UTF-8.

    Examples
    --------
    >>> dbf_name("园区代码"), dbf_name("park_id")
    ('园区代', 'park_id')
    """
    return name.encode("utf-8")[:10].decode("utf-8", errors="ignore")


def _toml_table(path: Path, name: str, *, unreadable: str) -> object:
    """The table ``[name]`` of a UTF-8 TOML file (the whole file when it has none)."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8-sig"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as err:
        raise InputError(unreadable, path=path, err=err) from None
    return data.get(name, data)


def load_field_map(path: str | Path) -> dict[str, str]:
    """Read a ``[fields]`` table (source name → schema name) from a TOML file.

    Parameters
    ----------
    path : str | Path
        The file.

    Returns
    -------
    dict[str, str]
        Source name → schema name.
    """
    path = Path(path)
    fields = _toml_table(path, "fields", unreadable="fields.unreadable")
    if not isinstance(fields, dict) or not all(isinstance(v, str) for v in fields.values()):
        raise InputError("fields.not_a_table", path=path)
    return {str(k): v for k, v in fields.items()}


def load_value_map(path: str | Path) -> dict[str, dict[str, str]]:
    """Read a value map from a TOML file: one table per column, source value → study value.

    ::

        [values.kind]
        "综合园区" = "main"
        "分园" = "sub"

        [values.level]
        "国家级" = "national"

    (The tables may also stand at the top, without ``values.``.)

    Parameters
    ----------
    path : str | Path
        The file.

    Returns
    -------
    dict[str, dict[str, str]]
        Column (as named in the study) → {source value: study value}; values are text.

    Raises
    ------
    InputError
        When the file cannot be read or is not tables of values.
    """
    path = Path(path)
    tables = _toml_table(path, "values", unreadable="values.unreadable")
    ok = isinstance(tables, dict) and all(
        isinstance(t, dict) and all(isinstance(v, str | int | float | bool) for v in t.values())
        for t in tables.values()
    )
    if not ok or not isinstance(tables, dict) or not tables:
        raise InputError("values.not_tables", path=path)
    return {str(col): {str(k).strip(): str(v) for k, v in t.items()} for col, t in tables.items()}


def map_values(frame: pd.DataFrame, value_map: dict[str, dict[str, str]]) -> tuple[pd.DataFrame, Counter]:
    """``frame`` with the values of ``value_map`` replaced, column by column, and what was replaced.

    A value is matched as text, trimmed; values the map does not name stay as they are.

    Parameters
    ----------
    frame : pd.DataFrame
        The attributes, under the study's column names.
    value_map : dict
        Column → {source value: study value}.

    Returns
    -------
    tuple[pd.DataFrame, Counter]
        The frame (a copy where changed) and how often each value was replaced (``"kind: 综合园区 →
        main"`` → 3); a mapped column the frame lacks counts 0 under ``"level: not in the source"``.

    Examples
    --------
    >>> df = pd.DataFrame({"kind": ["综合园区", "分园", "main", "sub"]})
    >>> out, said = map_values(df, {"kind": {"综合园区": "main", "分园": "sub"}, "level": {"国家级": "national"}})
    >>> out["kind"].tolist(), dict(said)
    (['main', 'sub', 'main', 'sub'], {'kind: 综合园区 → main': 1, 'kind: 分园 → sub': 1, 'level: not in the source': 0})
    """
    out = frame
    said: Counter = Counter()
    for col, mapping in value_map.items():
        if col not in frame.columns:
            said[f"{col}: not in the source"] += 0
            continue
        text = pd.Series(frame[col], dtype="string").str.strip()
        hit = text.isin(list(mapping)).fillna(False).to_numpy(dtype=bool)
        if not hit.any():
            continue
        for k, n in text[hit].value_counts().items():
            said[f"{col}: {k} → {mapping[str(k)]}"] += int(n)
        if out is frame:
            out = frame.copy()
        values = out[col].to_numpy(dtype=object).copy()
        values[hit] = text[hit].map(mapping).to_numpy(dtype=object)
        out[col] = values
    return out, said


RESERVED_NAMES = ("fid",)  # the GeoPackage's own feature id column: a source column cannot take it


def storable_names(columns: list[str], *, keep: frozenset[str] = frozenset()) -> dict[str, str]:
    """Renames that make ``columns`` storable in a GeoPackage: unique ignoring case, none named ``fid``.

    SQLite compares column names without case, so ``Name`` beside ``name`` cannot both be stored, and
    GDAL takes a column ``fid`` for the feature id. The first of a clash keeps its name (a name in
    ``keep`` always does); the others get ``_2``, ``_3`` …, a reserved name ``_source``.

    Parameters
    ----------
    columns : list[str]
        The column names, in order.
    keep : frozenset[str], optional
        Names that must stay as they are (the schema's).

    Returns
    -------
    dict[str, str]
        ``{old: new}`` for the columns to rename (empty when every name can be stored).

    Examples
    --------
    >>> storable_names(["name", "Name", "fid", "NAME"], keep=frozenset({"name"}))
    {'Name': 'Name_2', 'fid': 'fid_source', 'NAME': 'NAME_3'}
    """
    taken = {c.lower() for c in columns if c in keep}
    out: dict[str, str] = {}
    for col in columns:
        if col in keep:
            continue
        new = f"{col}_source" if col.lower() in RESERVED_NAMES else col
        n = 1
        while new.lower() in taken:
            n += 1
            new = f"{col}_{n}"
        taken.add(new.lower())
        if new != col:
            out[col] = new
    return out


def map_fields(
    columns: list[str], schema: LayerSchema, *, user: dict[str, str] | None = None
) -> dict[str, str]:
    """Return ``{source column: schema column}`` for the columns that should be renamed.

    A column already named like a schema column is left alone; the first source column that matches a
    target wins, so two columns never collapse into one.

    Parameters
    ----------
    columns : list[str]
        The columns.
    schema : LayerSchema
        The layer's schema.
    user : dict[str, str], optional
        The user's field map (source name → schema name).

    Returns
    -------
    dict[str, str]
        ``{source column: schema column}`` for the columns to rename.
    """
    user = user or {}
    targets = set(schema.names) | set(EXTRA_TARGETS)
    lookup: dict[str, str] = {}
    cut: dict[str, set[str]] = {}
    for target in targets:
        lookup[target.lower()] = target
        for alias in ALIASES.get(target, ()) + EXTRA_TARGETS.get(target, ()):
            lookup.setdefault(alias.lower(), target)
            cut.setdefault(dbf_name(alias).lower(), set()).add(target)
    for name, meant in cut.items():  # a name the .dbf cut at 10 bytes, when it can only mean one target
        if len(meant) == 1:
            lookup.setdefault(name, next(iter(meant)))
    taken = {c for c in columns if c in targets}
    out: dict[str, str] = {}
    for col in columns:
        if col in user:
            out[col] = user[col]
            taken.add(user[col])
    for col in columns:
        if col in out or col in targets:
            continue
        found = lookup.get(col.strip().lower())
        if found and found not in taken:
            target = found
            out[col] = target
            taken.add(target)
    return out
