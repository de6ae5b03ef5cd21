"""Every message zonekit shows a user, in Chinese and English, keyed by a message id.

Code that finds a problem raises or returns the id and the numbers (``SourceReadError("source.missing",
path=p)``); whoever shows it — the command line, a workbook, a notebook — renders it in the language in
force, Chinese unless ``--lang en``, :func:`set_language` or the ``ZONEKIT_LANG`` environment variable say
otherwise.

>>> say("source.missing", "en", path="a.shp")
'a.shp: The file does not exist. Check the path and the spelling.'
>>> say("source.missing", "zh", path="a.shp")
'a.shp: 文件不存在。请检查路径和拼写。'
"""

from __future__ import annotations

import contextlib
import functools
import os
import re
import warnings
from collections.abc import Iterator, Mapping
from contextvars import ContextVar
from typing import NamedTuple

from zonekit.vocabulary.classes import CLASS_EN, CLASS_ZH

LANGUAGES = ("zh", "en")


class Message(NamedTuple):
    """One message: the problem and what to do about it, in both languages (``str.format`` templates)."""

    zh: str
    en: str
    fix_zh: str = ""
    fix_en: str = ""


_NAMES = {"chinese": "zh", "中文": "zh", "汉语": "zh", "english": "en", "英文": "en", "英语": "en"}


def language_code(value: object) -> str | None:
    """The language a code, a locale or a name stands for (``"zh"`` or ``"en"``), or None.

    ``ZONEKIT_LANG`` is often copied from ``LANG``: ``en_US.UTF-8`` is English, ``zh_CN.GBK`` Chinese.

    Parameters
    ----------
    value : str
        ``zh``, ``en``, a locale (``zh_CN.UTF-8``, ``en-GB``, ``zh-Hans``) or a name (``English``, ``中文``).

    Returns
    -------
    str or None
        ``"zh"``, ``"en"``, or None for a language zonekit does not speak.

    Examples
    --------
    >>> language_code("en_US.UTF-8"), language_code("zh-Hans"), language_code(" EN "), language_code("中文")
    ('en', 'zh', 'en', 'zh')
    >>> language_code("fr_FR.UTF-8") is None
    True
    """
    text = str(value).strip().lower()
    text = _NAMES.get(text, text)
    head = re.split(r"[-_.@]", text, maxsplit=1)[0]
    return head if head in LANGUAGES else None


@functools.cache
def _default_language() -> str:
    """``ZONEKIT_LANG``'s language, else Chinese; a value zonekit cannot read is said, once, not ignored."""
    given = os.environ.get("ZONEKIT_LANG", "")
    lang = language_code(given) if given.strip() else "zh"
    if lang is None:
        from zonekit.errors import ZonekitWarning

        said = (getattr(MESSAGES["lang.environment"], code).format(value=repr(given)) for code in LANGUAGES)
        warnings.warn(" / ".join(said), ZonekitWarning, stacklevel=3)
        return "zh"
    return lang


_LANGUAGE: ContextVar[str] = ContextVar("zonekit_language", default="")


def language() -> str:
    """The language messages are shown in now: ``"zh"`` (the default) or ``"en"``.

    Returns
    -------
    str
        ``"zh"`` or ``"en"``.
    """
    return _LANGUAGE.get() or _default_language()


def check_language(lang: str) -> str:
    """``lang`` if zonekit speaks it, else an error naming the languages it does.

    Parameters
    ----------
    lang : str
        A language code.

    Returns
    -------
    str
        The code of ``lang`` (:func:`language_code`): ``"zh"`` or ``"en"``.
    """
    from zonekit.errors import InputError

    code = language_code(lang)
    if code is None:
        raise InputError("lang.unknown", lang=lang)
    return code


def set_language(lang: str) -> None:
    """Show zonekit's messages in ``lang`` (``"zh"`` or ``"en"``) from now on, in this thread or task.

    Parameters
    ----------
    lang : {"zh", "en"}
        The language.

    Returns
    -------
    None
    """
    _LANGUAGE.set(check_language(lang))


@contextlib.contextmanager
def using(lang: str | None) -> Iterator[str]:
    """Show messages in ``lang`` inside the ``with`` block (``None``: keep the current language).

    Parameters
    ----------
    lang : {"zh", "en"} or None
        The language.

    Returns
    -------
    contextmanager
        Yields the language in force.

    Examples
    --------
    >>> with using("en"):
    ...     language()
    'en'
    """
    if lang is None:
        yield language()
        return
    token = _LANGUAGE.set(check_language(lang))
    try:
        yield language()
    finally:
        _LANGUAGE.reset(token)


class Reasons(tuple):
    """Why something was decided, as message ids with their values, said in either language when shown.

    Reasons add up (``a + b``) and show as ``a; b`` (``a;b`` in Chinese).

    Examples
    --------
    >>> why = Reasons.of("how.cpg", declared="GBK") + Reasons.of("how.stored_as", crs="EPSG:4490")
    >>> why.text("en"), why.text("zh")
    ('.cpg declares GBK; stored as EPSG:4490', '.cpg 声明为 GBK;存储为 EPSG:4490')
    """

    @classmethod
    def of(cls, code: str, **values: object) -> Reasons:
        """One reason: message ``code`` with ``values``.

        Parameters
        ----------
        code : str
            A key of :data:`MESSAGES`.
        **values
            The numbers and names the message names.

        Returns
        -------
        Reasons
            The reason.
        """
        return cls(((code, tuple(values.items())),))

    def __add__(self, other: tuple) -> Reasons:
        return Reasons(tuple(self) + tuple(other))

    def text(self, lang: str | None = None) -> str:
        """The reasons in ``lang`` (default: the language in force), joined.

        Parameters
        ----------
        lang : {"zh", "en"}, optional
            The language.

        Returns
        -------
        str
            The text.
        """
        lang = lang or language()
        return (";" if lang == "zh" else "; ").join(render(code, lang, dict(vals))[0] for code, vals in self)

    def __str__(self) -> str:
        return self.text()


def render(code: str, lang: str | None = None, values: Mapping[str, object] | None = None) -> tuple[str, str]:
    """The problem and the fix of message ``code`` in ``lang``, filled with ``values``.

    Parameters
    ----------
    code : str
        A key of :data:`MESSAGES`.
    lang : {"zh", "en"}, optional
        Defaults to :func:`language`.
    values : mapping, optional
        The numbers and names the templates name.

    Returns
    -------
    (str, str)
        The problem and the fix (the fix may be empty).
    """
    msg = MESSAGES[code]
    lang = lang or language()
    vals = dict(values or {})
    for k, v in vals.items():  # a value that is itself a message id (purpose.map) is said in lang too
        if isinstance(v, Reasons):
            vals[k] = v.text(lang)
        elif isinstance(v, str) and v in MESSAGES and "." in v:
            vals[k] = (MESSAGES[v].zh if lang == "zh" else MESSAGES[v].en).format_map(vals)
        elif lang == "zh" and isinstance(v, str) and " " in v:  # a stored reason named in a message
            from zonekit.vocabulary.phrases import translate

            vals[k] = translate(v, "zh")
        elif lang == "zh" and k == "system" and isinstance(v, str):  # a land-use code system by its name
            from zonekit.vocabulary.labels import CODE_SYSTEM_ZH

            vals[k] = CODE_SYSTEM_ZH.get(v, v)
    problem, fix = (msg.zh, msg.fix_zh) if lang == "zh" else (msg.en, msg.fix_en)
    return problem.format_map(vals), fix.format_map(vals)


def say(code: str, lang: str | None = None, /, *, path: object = None, **values: object) -> str:
    """Message ``code`` as one paragraph in ``lang``: the file, the problem, the fix.

    Parameters
    ----------
    code : str
        A key of :data:`MESSAGES`.
    lang : {"zh", "en"}, optional
        Defaults to :func:`language`.
    path : str or Path, optional
        The file the message is about; it leads the paragraph.
    **values
        The numbers and names the templates name.

    Returns
    -------
    str
        The paragraph.
    """
    problem, fix = render(code, lang, {"path": path, **values})
    return paragraph(path, problem, fix, lang)


def say_each(code: str, lang: str, n: int, values: Mapping[str, object]) -> list[str]:
    """Message ``code`` once per row: a value that is a sequence gives each row its own, a scalar all.

    Parameters
    ----------
    code : str
        A key of :data:`MESSAGES`.
    lang : {"zh", "en"}
        The language.
    n : int
        How many rows.
    values : mapping
        The blanks' values: sequences of length ``n``, or scalars.

    Returns
    -------
    list of str
        One message per row.

    Examples
    --------
    >>> say_each("row.empty", "en", 2, {"col": ["name", "park_id"]})
    ['name is empty', 'park_id is empty']
    """
    import numpy as np
    import pandas as pd

    def at(v: object, i: int) -> object:
        return v[i] if isinstance(v, list | tuple | np.ndarray | pd.Series) else v

    return [say(code, lang, **{k: at(v, i) for k, v in values.items()}) for i in range(n)]


def paragraph(path: object, problem: str, fix: str, lang: str | None = None) -> str:
    """``path: problem fix`` — sentences run on without a space in Chinese, with one in English.

    Parameters
    ----------
    path : object or None
        The file the message is about.
    problem, fix : str
        The sentences.
    lang : {"zh", "en"}, optional
        Defaults to :func:`language`.

    Returns
    -------
    str
        The paragraph.
    """
    head = f"{path}: " if path is not None else ""
    glue = "" if (lang or language()) == "zh" else " "
    return head + glue.join(p for p in (problem, fix) if p)


def sep(lang: str | None = None) -> str:
    """The separator of a list in running text: ``、`` in Chinese, ``, `` in English.

    Parameters
    ----------
    lang : {"zh", "en"}, optional
        Defaults to :func:`language`.

    Returns
    -------
    str
        The separator.
    """
    return "、" if (lang or language()) == "zh" else ", "


M = Message
MESSAGES: dict[str, Message] = {
    # languages and options
    "lang.environment": M(
        "环境变量 ZONEKIT_LANG={value} 不是 zonekit 支持的语言,消息按中文显示;请设为 zh 或 en。",
        "the environment variable ZONEKIT_LANG={value} is no language zonekit speaks, so messages are in "
        "Chinese; set it to zh or en.",
    ),
    "lang.unknown": M(
        "不支持语言 {lang}。",
        "The language {lang} is not supported.",
        "请用 --lang zh 或 --lang en。",
        "Use --lang zh or --lang en.",
    ),
    "option.unknown": M(
        "{option} {value} 不是可选值。",
        "{option} {value} is unknown.",
        "可选值为:{choices}。",
        "Use one of {choices}.",
    ),
    # the command line's own usage errors (click adds "Invalid value for …" / "错误：")
    "usage.dates": M(
        "{value}:每个日期请写成 YYYY-MM-DD,例如 2024-12-31,2025-12-31",
        "{value}: write each date as YYYY-MM-DD, e.g. 2024-12-31,2025-12-31",
    ),
    "usage.two_dates": M(
        "请给出两个或更多统计时点,用逗号分隔(例如 2024-12-31,2025-12-31)",
        "give two statistics dates or more, separated by commas (e.g. 2024-12-31,2025-12-31)",
    ),
    "usage.statistics_date": M(
        "{value}:统计时点请写成 YYYY-MM-DD,例如 2025-12-31",
        "{value}: write the statistics date as YYYY-MM-DD, e.g. 2025-12-31",
    ),
    "usage.date": M(
        "{value}:日期请写成 YYYY-MM-DD,例如 2024-12-31",
        "{value}: write the date as YYYY-MM-DD, e.g. 2024-12-31",
    ),
    "usage.cluster": M(
        "{value}:请写 local:N(本机 N 个工作进程)或调度器地址 tcp://主机:端口",
        "{value}: give local:N (N worker processes on this machine) or a scheduler's tcp://HOST:PORT",
    ),
    "usage.partition_out": M(
        "请给出 --out 目录.parquet(分区存储的文件夹),或 --remove",
        "give --out DIR.parquet (the store's folder), or --remove",
    ),
    "usage.whole_study_gpkg": M(
        "整个研究库只能写成 GeoPackage:OUT 须以 .gpkg 结尾",
        "a whole study is written as a GeoPackage: OUT must end in .gpkg",
    ),
    "usage.overlap_layers": M(
        "请给出 --a 和至少一个 --b,或 --preset findings",
        "give --a and at least one --b, or --preset findings",
    ),
    "usage.as_needed": M(
        "需要 --as 图层名(只有整个研究库 GeoPackage 可以不带 --as 导入 URL)",
        "--as LAYER is needed (only a whole study GeoPackage goes into a URL without it)",
    ),
    "usage.partitions_url": M(
        "--partitions 需要研究库文件:先导入到 URL,再运行 zonekit partition URL --out 目录",
        "--partitions needs a study file: import into the URL, then zonekit partition URL --out DIR",
    ),
    # reading sources
    "source.missing": M(
        "文件不存在。", "The file does not exist.", "请检查路径和拼写。", "Check the path and the spelling."
    ),
    "source.no_match": M(
        "没有文件与该模式相符。",
        "No file matches the pattern.",
        "请检查文件夹和通配符(如 县/*.shp)。",
        "Check the folder and the wildcard (e.g. 县/*.shp).",
    ),
    "source.not_regular": M(
        "它不是普通文件(而是管道、套接字或设备),读取它可能永远等不到结束。",
        "It is not a regular file (it is a pipe, socket or device), and reading it might never end.",
        "请先把数据保存为文件,再导入该文件。",
        "Save the data to a file first and import that file.",
    ),
    "source.csv_quote": M(
        "CSV 第 {line} 行附近有一个引号没有闭合,其后的内容无法分行({err})。",
        "Near line {line} of the CSV a quote opens and never closes, so what follows cannot be split into "
        "rows ({err}).",
        '请在 Excel 或文本编辑器中检查该行的引号(字段内的引号应写成两个 ""),修正后重新导入。',
        "Check the quotes on that line in Excel or a text editor (a quote inside a field is written twice, "
        '""), then import again.',
    ),
    "source.no_dataset": M(
        "压缩包或文件夹中没有 zonekit 能读取的数据。",
        "The archive or folder holds no dataset zonekit can read.",
        "其中应有 .shp(连同 .shx 和 .dbf)、.gpkg、.geojson、.gdb、.kml 或 .csv 文件。",
        "It should contain a .shp (with .shx and .dbf), .gpkg, .geojson, .gdb, .kml or .csv.",
    ),
    "source.several_datasets": M(
        "其中有多个数据集:{names}。",
        "It holds several datasets: {names}.",
        "请用 --layer 名称 指定一个(文件名,不含扩展名)。",
        "Choose one with --layer NAME (the file name without extension).",
    ),
    "source.gdal_cannot_open": M(
        "GDAL 无法打开该文件({err})。",
        "GDAL cannot open it ({err}).",
        "请确认文件完整(Shapefile 需 .shp、.shx、.dbf 齐全),且格式与扩展名一致。",
        "Check that the file is complete (for a shapefile: .shp, .shx and .dbf together) and of the format "
        "its extension says.",
    ),
    "source.unreadable": M(
        "逐个要素读取也无法打开该文件({err})。",
        "It cannot be opened even feature by feature ({err}).",
        "请向提供方索取完好的副本。",
        "Ask for an undamaged copy.",
    ),
    "source.format_unknown": M(
        "zonekit 无法读取 '{suffix}' 文件。",
        "zonekit cannot read '{suffix}' files.",
        "请先转换为 GeoPackage、Shapefile、GeoJSON 或 CSV。",
        "Convert it to GeoPackage, Shapefile, GeoJSON or CSV first.",
    ),
    "source.no_such_layer": M(
        "其中没有图层 '{layer}';现有图层:{names}。",
        "It has no layer '{layer}'; its layers are: {names}.",
        "请用 --layer 指定其中之一。",
        "Pass one of them with --layer.",
    ),
    "source.several_layers": M(
        "其中有 {n} 个图层:{names}。",
        "It holds {n} layers: {names}.",
        "请用 --layer 名称 指定一个。",
        "Choose one with --layer NAME.",
    ),
    "source.not_excel": M(
        "无法作为 Excel 工作簿读取({err})。",
        "It cannot be read as an Excel workbook ({err}).",
        "请在 Excel 中另存为 .xlsx 后再导入。",
        "Save it again from Excel as .xlsx.",
    ),
    "source.several_sheets": M(
        "工作簿有多个工作表:{names}。",
        "The workbook has several sheets: {names}.",
        "请用 --layer 工作表名 指定一个。",
        "Choose one with --layer SHEET.",
    ),
    "source.no_such_sheet": M(
        "工作簿中没有工作表 '{sheet}';现有:{names}。",
        "The workbook has no sheet '{sheet}'; it has {names}.",
        "请用 --layer 指定其中之一。",
        "Pass one of them with --layer.",
    ),
    "source.bad_text": M(
        "该文件不是有效的 {encoding} 文本({err})。",
        "It is not valid {encoding} text ({err}).",
        "请用 --encoding 指定正确的编码。",
        "Pass the right --encoding.",
    ),
    "source.raster_unreadable": M(
        "无法作为栅格打开({err})。",
        "It cannot be opened as a raster ({err}).",
        "请提供 GeoTIFF(或 GDAL 能读取的其他栅格)。",
        "Give a GeoTIFF (or another raster GDAL reads).",
    ),
    "source.raster_no_crs": M(
        "栅格没有坐标系。",
        "The raster has no coordinate system.",
        "请用 gdal_edit.py -a_srs EPSG:xxxx 或在 QGIS 中为其指定坐标系。",
        "Assign one with gdal_edit.py -a_srs EPSG:xxxx or in QGIS.",
    ),
    # archives
    "archive.outside": M(
        "压缩包成员 '{name}' 会被写到解压文件夹之外。",
        "The archive member '{name}' would be written outside the extraction folder.",
        "该压缩包不安全或已损坏:请向提供方索取干净的压缩包,或自行解压后导入文件夹。",
        "The archive is unsafe or damaged: ask its provider for a clean one, or unpack it yourself and "
        "import the folder.",
    ),
    "archive.escapes": M(
        "压缩包成员 '{name}' 逃出了解压文件夹。",
        "The archive member '{name}' escapes the extraction folder.",
        "请索取干净的压缩包。",
        "Ask for a clean archive.",
    ),
    "archive.bomb": M(
        "压缩包成员 '{name}' 解压后会膨胀 {ratio:.0f} 倍({mib:.0f} MiB),疑似压缩炸弹。",
        "The archive member '{name}' would expand {ratio:.0f}-fold ({mib:.0f} MiB); that looks like a zip bomb.",
        "如确认可信,请自行解压后导入文件夹。",
        "Unpack it yourself if you trust it, and import the folder.",
    ),
    "archive.damaged": M(
        "该文件不是完整的 zip 压缩包({err})。",
        "It is not a complete zip archive ({err}).",
        "可能下载或拷贝不完整,或并非 zip 格式:请重新获取文件,或解压后导入文件夹。",
        "It may have been cut short in a download or copy, or not be a zip at all: get it again, or unpack "
        "it and import the folder.",
    ),
    "archive.link": M(
        "压缩包成员 '{name}' 是符号链接,zonekit 不会跟随它。",
        "The archive member '{name}' is a symbolic link, which zonekit does not follow.",
        "请索取不含链接的压缩包,或自行解压后导入文件夹。",
        "Ask for an archive without links, or unpack it yourself and import the folder.",
    ),
    "archive.too_many": M(
        "压缩包有 {n:,} 个成员,超过上限 {limit:,} 个。",
        "The archive has {n:,} members, more than the limit of {limit:,}.",
        "请只打包要导入的数据,或自行解压后导入其中的文件夹。",
        "Pack only the data to import, or unpack it yourself and import the folder.",
    ),
    "archive.member_unwritable": M(
        "压缩包成员 '{name}' 无法解压({err})。",
        "The archive member '{name}' cannot be unpacked ({err}).",
        "该压缩包的成员名过长或相互冲突:请自行解压并改名后导入文件夹。",
        "Its member names are too long or clash with one another: unpack it yourself, rename, and import "
        "the folder.",
    ),
    "archive.larger_than_header": M(
        "压缩包成员 '{name}' 比其文件头声明的更大。",
        "The archive member '{name}' is larger than its header says.",
        "该压缩包已损坏或被篡改,请索取干净的压缩包。",
        "The archive is damaged or crafted; ask for a clean one.",
    ),
    # encodings
    "encoding.undecidable": M(
        "其文本既不是 UTF-8 也不是中文 GBK/GB18030,无法可靠判定其编码。",
        "Its text is neither UTF-8 nor Chinese GBK/GB18030, so its encoding cannot be decided safely.",
        "请用 --encoding 指定其编码(如 --encoding big5 或 --encoding cp1252)。",
        "Pass --encoding with the encoding it was written in (e.g. --encoding big5 or --encoding cp1252).",
    ),
    "encoding.dbf_short": M(
        ".dbf 文件比其文件头声明的短。",
        "The .dbf file is shorter than its header.",
        "请索取完整的 Shapefile(.shp、.shx、.dbf 齐全)。",
        "Ask for the complete shapefile (.shp, .shx, .dbf together).",
    ),
    "encoding.unknown": M(
        "'{name}' 不是 Python 认识的文本编码。",
        "'{name}' is not a text encoding Python knows.",
        "请使用如 --encoding gbk、--encoding gb18030 或 --encoding utf-8。",
        "Use e.g. --encoding gbk, --encoding gb18030 or --encoding utf-8.",
    ),
    "encoding.cpg_contradicted": M(
        ".cpg 声明编码为 {declared},但属性文字实际是 {actual} 编码(按 {actual} 读出:'{sample}')。",
        "The .cpg says {declared}, but the attribute text is in {actual} (read as {actual}: '{sample}').",
        "请加 --encoding {option} 导入(或把 .cpg 的内容改为 {actual})。",
        "Import with --encoding {option} (or change the .cpg to say {actual}).",
    ),
    "encoding.guessed": M(
        "未声明文本编码;{how}。如需更改请用 --encoding。",
        "text encoding not declared; {how}. Pass --encoding to override.",
    ),
    # coordinate systems
    "crs.unparseable": M(
        "文件声明的坐标系(.prj)无法解读({err}),无法据此确定坐标的含义。",
        "The coordinate system the file declares (its .prj) cannot be understood ({err}), so what its "
        "coordinates mean is unknown.",
        "请向提供方确认坐标系,并用 --crs 指定(如 --crs EPSG:4528,CGCS2000 3 度带第 40 带),或换一个完整的 .prj。",
        "Ask the provider which coordinate system it is and pass it with --crs (e.g. --crs EPSG:4528, "
        "CGCS2000 3-degree zone 40), or replace the .prj with a complete one.",
    ),
    "crs.unknown": M(
        "'{text}' 不是 pyproj 能识别的坐标系({err})。",
        "'{text}' is not a coordinate reference system pyproj understands ({err}).",
        "请给出 EPSG 代码,如 EPSG:4490(CGCS2000 经纬度)或 EPSG:4528(CGCS2000 3° 带第 40 带)。",
        "Give an EPSG code such as EPSG:4490 (CGCS2000 lon/lat) or EPSG:4528 (CGCS2000 3° zone 40).",
    ),
    "crs.no_coordinates": M(
        "文件中没有可用于推断坐标系的坐标。",
        "The file has no coordinates to infer a coordinate system from.",
        "请用 --crs 指定,如 --crs EPSG:4490。",
        "Pass --crs, e.g. --crs EPSG:4490.",
    ),
    "crs.gk_zone_unknown": M(
        "文件没有坐标系,其东坐标为 6 位数(约北纬 {lat:.0f}°),无法从中读出高斯-克吕格投影带号。",
        "The file has no coordinate system and its eastings have 6 digits (about {lat:.0f}°N), so the "
        "Gauss-Krüger zone cannot be read from them.",
        "请用 --crs 指定数据测量时所用的投影带;{where}的候选:{listed}。",
        "Pass --crs with the zone the data was surveyed in; candidates for {where}: {listed}.",
    ),
    "crs.undecidable": M(
        "文件没有坐标系,其坐标(x {x0:.0f}…{x1:.0f},y {y0:.0f}…{y1:.0f})既不是经纬度也不是高斯-克吕格米制坐标。",
        "The file has no coordinate system and its coordinates (x {x0:.0f}…{x1:.0f}, y {y0:.0f}…{y1:.0f}) are "
        "neither degrees nor Gauss-Krüger metres.",
        "请用 --crs 指定数据制作时的坐标系(可询问提供方),如 --crs EPSG:4528。",
        "Pass --crs with the system the data was made in (ask its provider), e.g. --crs EPSG:4528.",
    ),
    "crs.inferred": M(
        "文件中没有坐标系;{how}({label})。如需更改请用 --crs。",
        "no coordinate system in the file; {how} ({label}). Pass --crs to override.",
    ),
    "crs.offset_needs_degrees": M(
        "--from {system} 需要经纬度坐标,但数据是 {label}。",
        "--from {system} needs longitude/latitude, but the data is in {label}.",
        "请去掉 --from;如果文件有误,请用 --crs EPSG:4490。",
        "Drop --from, or pass --crs EPSG:4490 if the file is wrong.",
    ),
    "crs.metres_as_degrees": M(
        "坐标系声明为 {label}(经纬度),但坐标(如 x {x:.0f},y {y:.0f})是米制坐标,不是度。",
        "The coordinate system says {label} (degrees), but the coordinates (e.g. x {x:.0f}, y {y:.0f}) are "
        "metres, not degrees.",
        "请用 --crs 给出数据真正的投影坐标系(如 --crs EPSG:4528,3° 带第 40 带),或去掉 --crs 让 zonekit 从坐标推断。",
        "Pass --crs with the projected system the data is really in (e.g. --crs EPSG:4528, 3° zone 40), "
        "or leave --crs out and let zonekit infer it from the coordinates.",
    ),
    "crs.lat_first": M(
        "坐标系声明为 {label},但坐标以纬度在前(x {x:.2f},y {y:.2f}):已对调为经度在前。",
        "the coordinate system says {label}, but the coordinates come latitude first (x {x:.2f}, y {y:.2f}): "
        "swapped to longitude first.",
    ),
    "crs.old_datum": M(
        "数据使用 {datum} 坐标系({label})。它与 CGCS2000 之间没有公开的全国转换参数,pyproj 只能做无参数的近似换算,"
        "位置可能偏差数十米(北京 54 可达百米);面积基本不受影响。如有本地七参数,请用 --crs 给出带 +towgs84=… 的 PROJ 串,"
        "或先在测绘软件中转换为 CGCS2000。",
        "the data is in {datum} ({label}). There are no published national parameters from it to CGCS2000, so "
        "pyproj can only use a ballpark transformation: positions may be off by tens of metres (Beijing 1954: up "
        "to about 100 m); areas are hardly affected. If you have the local 7-parameter set, pass --crs as a PROJ "
        "string with +towgs84=…, or convert to CGCS2000 in your surveying software first.",
    ),
    "crs.outside_china": M(
        "{n} 个要素按 {label} 落在中国范围(东经 73–136°,北纬 3–54°)之外(如 {first}):请核对坐标系。",
        "{n} features lie outside China (73–136°E, 3–54°N) when read as {label} (e.g. {first}): check "
        "the coordinate system.",
    ),
    "crs.frame_has_none": M(
        "'{layer}' 数据框没有坐标系。",
        "The '{layer}' frame has no CRS.",
        "请先设置,如 frame.set_crs(4490)(CGCS2000 经纬度)。",
        "Set it first, e.g. frame.set_crs(4490) for CGCS2000 longitude/latitude.",
    ),
    # land-use code systems
    "codes.system_unknown": M(
        "'{system}' 不是 zonekit 认识的地类分类体系。",
        "'{system}' is not a land-use code system zonekit knows.",
        "请用 --code-system 指定:{systems}。",
        "Use --code-system with one of {systems}.",
    ),
    "codes.system_ambiguous": M(
        "地类图层没有说明其编码属于哪个分类体系,而其编码同时符合多个体系"
        "(如 0601 在三调中是工业用地,在用地用海分类中是乡村道路用地)。",
        "The land-use layer does not say which code system its codes belong to, and its codes fit several "
        "(e.g. 0601 is 工业用地 in 三调 but 乡村道路用地 in 用地用海).",
        "请用 --code-system 指定:{systems}(三调 DLTB 数据:--code-system sandiao)。",
        "Pass --code-system with one of {systems} (三调 DLTB data: --code-system sandiao).",
    ),
    "codes.system_mismatch": M(
        "声明的分类体系为 {declared},但编码看起来属于 {hint}({evidence})。",
        "declared code system {declared}, but the codes look like {hint} ({evidence}).",
    ),
    "codes.system_detected": M(
        "未声明分类体系;根据 {evidence} 判定为 {hint}。",
        "code system not declared; detected {hint} from {evidence}.",
        "请用 --code-system {hint} 确认。",
        "Pass --code-system {hint} to confirm.",
    ),
    "codes.unknown": M(
        "{n} 个地块的地类编码不在 {system} 中:{codes} —— 已保留,分析类别记为 'unknown'。",
        "{n} parcel(s) carry codes {system} does not know: {codes} — kept with analysis_class 'unknown'.",
    ),
    "codes.cannot_classify": M(
        "地块既没有 analysis_class 和 is_construction,也没有可据以推导的 land_use_code 及其分类体系。",
        "The parcels have neither analysis_class and is_construction nor land_use_code with a code system to "
        "derive them from.",
        "请在有 land_use_code 列时传入 code_system='sandiao'(或 gb21010_2017、ydyh_2020、ydyh_2023),"
        "或先将地块导入研究库(zonekit.import_layer)。",
        "Pass code_system='sandiao' (or gb21010_2017, ydyh_2020, ydyh_2023) with a land_use_code column, or "
        "import the parcels into a study first (zonekit.import_layer).",
    ),
    # field maps and configuration
    "fields.unreadable": M(
        "字段映射文件无法读取({err})。",
        "The field map cannot be read ({err}).",
        '请用 UTF-8 编码的 TOML 书写,包含 [fields] 表,如 "园区名" = "name"。',
        'Write it as UTF-8 TOML with a [fields] table, e.g. "园区名" = "name".',
    ),
    "fields.not_a_table": M(
        "字段映射必须是由文本值组成的 [fields] 表。",
        "The field map must be a [fields] table of text values.",
        '请写成如 [fields] 后接 "园区名" = "name"。',
        'Write e.g. [fields] then "园区名" = "name".',
    ),
    "values.unreadable": M(
        "值映射文件无法读取({err})。",
        "The value map cannot be read ({err}).",
        '请用 UTF-8 编码的 TOML 书写,如 [values.kind] 后接 "综合园区" = "main"。',
        'Write it as UTF-8 TOML, e.g. [values.kind] then "综合园区" = "main".',
    ),
    "values.not_tables": M(
        "值映射应由各列的表组成,每个表把源数据中的值对应到研究库的值。",
        "The value map must be one table per column, each from a value in the source to the study's value.",
        '请写成如 [values.kind] 后接 "综合园区" = "main"、"分园" = "sub"。',
        'Write e.g. [values.kind] then "综合园区" = "main" and "分园" = "sub".',
    ),
    "config.unreadable": M(
        "配置文件无法读取({err})。",
        "The configuration cannot be read ({err}).",
        "请从 zonekit 的 {name}_default.toml 复制一份修改,并保持 TOML 格式有效。",
        "Start from a copy of zonekit's {name}_default.toml and keep it valid TOML.",
    ),
    "config.unknown_key": M(
        "{key} 不是 {name} 配置中的设置;此处可用的有:{known}。",
        "{key} is not a setting of the {name} configuration; here it has: {known}.",
        "请检查拼写(与 zonekit 的 {name}_default.toml 对照)。",
        "Check the spelling against zonekit's {name}_default.toml.",
    ),
    "config.wrong_kind": M(
        "设置 {key} 应为 {want},文件中却是 {got}({value})。",
        "The setting {key} should be a {want}, but the file gives a {got} ({value}).",
        "请按 zonekit 的 {name}_default.toml 中的写法修改(数字不加引号,列表用 [ ])。",
        "Write it as zonekit's {name}_default.toml does (numbers without quotes, lists in [ ]).",
    ),
    "config.wrong_length": M(
        "设置 {key} 应有 {n} 项,文件中是 {value}。",
        "The setting {key} should have {n} items; the file gives {value}.",
        "请按 zonekit 的 {name}_default.toml 中的写法修改。",
        "Write it as zonekit's {name}_default.toml does.",
    ),
    "kind.number": M("数字", "number"),
    "kind.text": M("文字", "text"),
    "kind.bool": M("true/false", "true/false"),
    "kind.list": M("列表", "list"),
    "kind.table": M("表", "table"),
    "kind.other": M("其他值", "other value"),
    # importing
    "import.layer_unknown": M(
        "'{layer}' 不是研究库图层。",
        "'{layer}' is not a study layer.",
        "请用 --as 指定:{layers}。",
        "Use --as with one of {layers}.",
    ),
    "import.layer_exists": M(
        "研究库中已有 '{layer}' 图层。",
        "The study already has a '{layer}' layer.",
        "请用 --replace 替换,或用 --append 追加。",
        "Pass --replace to replace it or --append to add to it.",
    ),
    "import.no_geometry": M(
        "该数据没有几何,但 '{layer}' 图层需要几何。",
        "It has no geometry, but the '{layer}' layer needs one.",
        "请导入空间数据文件,或带 WKT 列或经纬度列的 CSV。",
        "Import a spatial file, or a CSV with a WKT column or lon/lat columns.",
    ),
    "import.fields_collide": M(
        "源列 {columns} 都会成为 '{target}' 列,其中一列的数据会丢失。",
        "The source columns {columns} would all become the column '{target}', so one of them would be lost.",
        "请在 --fields 中只把其中一列映射为 {target},或把另一列映射为别的名称。",
        "Map only one of them to {target} in --fields, or map the other to another name.",
    ),
    "import.no_dbf": M(
        "这个 Shapefile 旁边没有 .dbf 文件,所以没有任何属性('{layer}' 图层需要 {missing})。",
        "This shapefile has no .dbf beside it, so it has no attributes at all (the '{layer}' layer needs "
        "{missing}).",
        "请把随 .shp 一起提供的 .dbf 放在同一文件夹(.shp、.shx、.dbf、.prj、.cpg 是一套)。",
        "Put the .dbf that came with the .shp in the same folder (.shp, .shx, .dbf, .prj and .cpg belong "
        "together).",
    ),
    "import.no_attributes": M(
        "文件没有任何属性列('{layer}' 图层需要 {missing})。",
        "The file has no attribute columns at all (the '{layer}' layer needs {missing}).",
        "请导入带属性的文件,或向提供方索取完整数据。",
        "Import the file with its attributes, or ask its provider for the complete data.",
    ),
    "import.missing_columns": M(
        "缺少 {missing} 列('{layer}' 图层需要);现有列:{columns}。",
        "It has no column for {missing} (the '{layer}' layer needs them); its columns are: {columns}.",
        '请用 --fields 映射文件.toml 映射列名,如 [fields] 后接 "园区编号" = "park_id"。',
        'Map your column names with --fields MAP.toml, e.g. [fields] then "园区编号" = "park_id".',
    ),
    "import.empty": M(
        "其中没有要素,没有可导入 '{layer}' 的内容。{kept}",
        "It holds no features, so there is nothing to import into '{layer}'. {kept}",
        "请确认文件和图层(--layer)正确,且导出完整。",
        "Check that this is the right file and layer (--layer), and that it was exported completely.",
    ),
    "import.all_rejected": M(
        "全部 {n} 个要素均被拒收,'{layer}' 将一无所得:{why}。{kept}",
        "All {n} features were rejected, so nothing would be loaded into '{layer}': {why}. {kept}",
        "请在源数据中修正上述原因(或用 --fields 映射列名)后重新导入。",
        "Fix the reasons above in the source (or map its columns with --fields) and import again.",
    ),
    "import.study_unchanged": M("研究库未作改动。", "The study was not changed."),
    "import.study_unchanged_layer_kept": M(
        "研究库未作改动(其 '{layer}' 图层保留)。", "The study was not changed (its '{layer}' layer is kept)."
    ),
    "import.duplicate_ids": M(
        "{n} 个 {column} 值重复出现:{ids}。",
        "{n} {column} value(s) occur more than once: {ids}.",
        "请在源数据中使 {column} 唯一(或用 --fields 把另一列映射为它)。",
        "Make {column} unique in the source (or map another column to it with --fields).",
    ),
    "import.ids_in_study": M(
        "{n} 个 {column} 值已存在于研究库的 '{layer}' 图层:{ids}。",
        "{n} {column} value(s) are already in the study's '{layer}' layer: {ids}.",
        "请用 --replace 替换该图层,或为新要素使用其他编号。",
        "Use --replace to replace the layer, or give the new features other ids.",
    ),
    "schema.frame_no_geometry": M(
        "该数据框没有几何,但 '{layer}' 图层需要几何。",
        "The frame has no geometry, but the '{layer}' layer needs one.",
        "请传入 GeoDataFrame(geopandas.read_file,或 zonekit.read_study(...)['{layer}'])。",
        "Pass a GeoDataFrame (geopandas.read_file, or zonekit.read_study(...)['{layer}']).",
    ),
    "schema.frame_missing_columns": M(
        "该数据框缺少 '{layer}' 图层所需的列 {missing};现有列:{has}。",
        "The frame lacks column(s) {missing}, which the '{layer}' layer needs; it has {has}.",
        "请补充这些列{hint}。",
        "Add them{hint}.",
    ),
    "schema.stream_crs": M(
        "'{layer}' 图层的坐标系是 {crs},与其他图层的 {target} 不同。",
        "The '{layer}' layer is in {crs}, not in {target} like the other layers.",
        "请从同一个研究库读取各图层(zonekit.read_study),或先把图层转换到 {target}。",
        "Read the layers from one study (zonekit.read_study), or bring the layer into {target} first.",
    ),
    "schema.study_invalid": M(
        "研究库不符合其模式:{problems}。",
        "The study does not fit its schema: {problems}.",
        "请重新导入相关图层(zonekit import … --replace)或在 QGIS 中修正。",
        "Re-import the layers concerned (zonekit import … --replace) or fix them in QGIS.",
    ),
    # studies
    "postgis.login": M(
        "无法登录:用户名或密码不被服务器接受。",
        "Cannot log in: the server did not accept the user name or password.",
        "请检查 URL 中的用户名,并在 URL、PGPASSWORD 环境变量或 ~/.pgpass 中提供正确的密码(zonekit 不会显示密码)。",
        "Check the user in the URL and give the right password in the URL, in PGPASSWORD or in ~/.pgpass "
        "(zonekit never shows it).",
    ),
    "postgis.no_database": M(
        "服务器上没有数据库 {database}。",
        "The server has no database {database}.",
        "请先创建它(CREATE DATABASE {database}; 然后 CREATE EXTENSION postgis;),或在 URL 中写已有的数据库。",
        "Create it first (CREATE DATABASE {database}; then CREATE EXTENSION postgis;) or name an existing one in "
        "the URL.",
    ),
    "postgis.unreachable": M(
        "无法连接:{reason}。",
        "Cannot connect: {reason}.",
        "请检查主机、端口和网络,以及服务器是否允许从本机连接(pg_hba.conf)。",
        "Check the host, the port and the network, and that the server accepts connections from this machine "
        "(pg_hba.conf).",
    ),
    "postgis.no_extension": M(
        "数据库 {database} 没有安装 PostGIS 扩展,研究库的图层需要它。",
        "The database {database} has no PostGIS extension, which a study's layers need.",
        "请让数据库管理员执行 CREATE EXTENSION postgis;(需要该数据库的 CREATE 权限)。",
        "Ask its administrator to run CREATE EXTENSION postgis; (it needs the CREATE privilege on the database).",
    ),
    "postgis.not_study": M(
        "这个模式中没有 zonekit 研究库(缺少 zonekit_study 表)。",
        "The schema holds no zonekit study (it has no zonekit_study table).",
        "请先复制一个研究库进去:zonekit import study.gpkg --into {path}",
        "Copy a study into it first: zonekit import study.gpkg --into {path}",
    ),
    "cluster.not_partitioned": M(
        "在集群上计算需要分区存储的宗地,而 landuse 图层尚未分区。",
        "Running on a cluster needs the parcels in a partitioned store, and the landuse layer is not partitioned.",
        "请先分区:zonekit partition 研究库 --out landuse.parquet(集群各节点须能以同一路径读到它)。",
        "Partition it first: zonekit partition STUDY --out landuse.parquet (every worker must see it at the same "
        "path).",
    ),
    "cluster.unreachable": M(
        "无法连接集群调度器 {cluster}:{reason}。",
        "Cannot reach the cluster's scheduler {cluster}: {reason}.",
        "请确认调度器已启动(dask scheduler)且地址和端口无误,或用 --cluster local:2 在本机运行。",
        "Check that the scheduler runs (dask scheduler) at that address and port, or use --cluster local:2 "
        "to run on this machine.",
    ),
    "partitions.missing": M(
        "分区存储不存在或缺少清单 _zonekit_partitions.json。",
        "The partitioned store is missing, or has no manifest _zonekit_partitions.json.",
        "请重新分区:zonekit partition 研究库 --out {path}",
        "Partition the layer again: zonekit partition STUDY --out {path}",
    ),
    "partitions.stale": M(
        "研究库 {study} 的 {layer} 图层在分区之后已有变化(分区时 {then} 个要素,现在 {now} 个,或之后又有导入),"
        "分区存储已过时,不能代替它。",
        "The {layer} layer of {study} has changed since it was partitioned ({then} features then, {now} now, "
        "or an import since): the store is out of date and cannot stand for it.",
        "请重新分区:zonekit partition {study} --layer {layer} --out {path}",
        "Partition it again: zonekit partition {study} --layer {layer} --out {path}",
    ),
    "import.partitions_append": M(
        "研究库 {study} 的 {layer} 图层已有要素,但没有以 {path} 为当前分区存储:追加导入不能只凭新文件建立分区存储。",
        "The {layer} layer of {study} already has features but no current partitioned store at {path}: an "
        "append cannot build a store from the new files alone.",
        "请不带 --partitions 导入,再为整个图层分区(zonekit partition {study} --layer {layer} --out {path});或用 --replace "
        "连同全部文件一起导入。",
        "Import without --partitions, then partition the whole layer (zonekit partition {study} --layer "
        "{layer} --out {path}); or import every file together with --replace.",
    ),
    "partitions.table": M(
        "{layer} 是没有几何的表,不能写成分区存储。",
        "{layer} is a table without geometry: it cannot be kept in a partitioned store.",
        "分区存储只用于有几何的大图层(如地块 landuse):请换一个图层,或去掉 --partitions。",
        "A store is for big layers with geometry (the parcels, landuse): choose another layer, or leave out "
        "--partitions.",
    ),
    "import.partitions_columns": M(
        "新导入的 {layer} 的字段({now})与分区存储 {path} 的字段({then})不同,不能追加到同一存储。",
        "The new {layer} rows have other columns ({now}) than the partitioned store {path} ({then}): they "
        "cannot be added to it.",
        "请用 --fields 使字段与已有图层一致,或用 --replace 连同全部文件重新导入。",
        "Map the columns to the layer's with --fields, or import every file again with --replace.",
    ),
    "partitions.no_counties": M(
        "按县分区需要 admin 图层中 level 为 county 的县级行政区,研究库中没有。",
        "Partitioning by county needs the counties of the admin layer (level county); the study has none.",
        "请导入县级行政区(zonekit import 县界.shp --into 研究库 --as admin),或改用 --by hilbert。",
        "Import the counties (zonekit import counties.shp --into STUDY --as admin), or use --by hilbert.",
    ),
    "partitions.removed": M(
        "此后各命令从研究库本身读取 {layer}(分区文件夹未删除)",
        "every command now reads {layer} from the study itself (the store's folder is left as it is)",
    ),
    "partitions.none": M(
        "研究库没有为 {layer} 指定分区存储", "the study names no partitioned store for {layer}"
    ),
    "info.partitions": M(
        "{layer} 从分区存储读取:{folder}({parts} 个分区,{by},{rows} 个要素){state}",
        "{layer} is read from a partitioned store: {folder} ({parts} partitions, {by}, {rows} features){state}",
    ),
    "info.partitions_stale": M(
        " —— 已过时:图层在分区后有变化,请重新运行 zonekit partition",
        " — out of date: the layer changed since, run zonekit partition again",
    ),
    "partitions.by_hilbert": M("按希尔伯特曲线", "by Hilbert curve"),
    "partitions.by_county": M("按县", "by county"),
    "partitions.by_source": M("按导入文件", "by imported file"),
    "partitions.made": M(
        "已将 {layer} 的 {rows} 个要素分为 {parts} 个分区({by}),写入 {folder};此后各命令从这里读取 {layer}",
        "Cut the {rows} features of {layer} into {parts} partitions ({by}) in {folder}; every command now reads "
        "{layer} from there",
    ),
    "postgis.file_exists": M(
        "{path} 已存在,不会被覆盖。",
        "{path} exists and is not overwritten.",
        "请换一个输出文件名。",
        "Choose another output file name.",
    ),
    "study.missing": M(
        "研究库文件不存在。",
        "The study file does not exist.",
        "请先导入一个图层来创建(zonekit import 源文件 --into 研究库 --as 图层),或写出示例(zonekit sample 文件夹)。",
        "Create one by importing a layer into it (zonekit import SRC --into STUDY --as LAYER) or write the "
        "sample (zonekit sample DIR).",
    ),
    "study.not_gpkg": M(
        "该文件不是 GeoPackage({err})。",
        "It is not a GeoPackage ({err}).",
        "研究库是 zonekit 写出的 .gpkg 文件。",
        "A study is a .gpkg file written by zonekit.",
    ),
    "export.needs_geometry": M(
        "'{layer}' 是没有几何的表,不能写成 GeoJSON。",
        "'{layer}' is a table without geometry, so it cannot be written as GeoJSON.",
        "请导出为 .csv 或 .xlsx。",
        "Export it as .csv or .xlsx.",
    ),
    "study.not_a_study_file": M(
        "这是一个 {kind} 文件,不是研究库(研究库是 zonekit 写出的 GeoPackage)。",
        "It is a {kind} file, not a study (a study is a GeoPackage written by zonekit).",
        "请先把它导入研究库:zonekit import {name} --into study.gpkg --as 图层名,再对 study.gpkg 运行本命令。",
        "Import it into a study first: zonekit import {name} --into study.gpkg --as LAYER, then run this "
        "command on study.gpkg.",
    ),
    "study.not_zonekit": M(
        "该文件是 GeoPackage,但不是 zonekit 研究库(没有 zonekit_study 表)。",
        "It is a GeoPackage but not a zonekit study (no zonekit_study table).",
        "请用 zonekit import 把其图层导入一个新的研究库。",
        "Import its layers into a new study with zonekit import.",
    ),
    "study.no_layer": M(
        "研究库中没有图层 '{layer}';现有:{layers}。",
        "The study has no layer '{layer}'; it has {layers}.",
        "请导入:zonekit import 源文件 --into {path} --as {layer}。",
        "Import one: zonekit import SRC --into {path} --as {layer}.",
    ),
    "study.no_layers": M(
        "研究库中没有图层 {layers}。",
        "The study has no layer {layers}.",
        "请用 zonekit import 源文件 --into 研究库 --as 图层 导入。",
        "Import it with zonekit import SRC --into STUDY --as LAYER.",
    ),
    "import.stat_date_layer": M(
        "只有 {layers} 可以按统计时点保存快照,{layer} 不行。",
        "Only {layers} are kept by statistics date, not {layer}.",
        "导入 {layer} 时请去掉 --stat-date;供地与批准记录自带日期。",
        "Import {layer} without --stat-date; supply and approval records carry their own dates.",
    ),
    "import.stat_date_bad": M(
        "--stat-date 的值“{value}”不是日期。",
        '--stat-date "{value}" is not a date.',
        "请写成 YYYY-MM-DD,例如 --stat-date 2024-12-31。",
        "Write it as YYYY-MM-DD, e.g. --stat-date 2024-12-31.",
    ),
    "snapshot.none_before": M(
        "{layer} 的快照日期为 {dates},没有一个在统计时点 {day} 当天或之前;用之后的调查代替之前的时点会得出错误的结果。",
        "The snapshots of {layer} are dated {dates}; none is on or before the statistics date {day}, and a "
        "later survey must not stand for an earlier date.",
        "请选择不早于第一个快照的统计时点,或导入该时点的数据:zonekit import 源文件 --into 研究库 --as {layer} "
        "--stat-date {day}。",
        "Choose statistics dates on or after the first snapshot, or import that date's data with zonekit import "
        "SRC --into STUDY --as {layer} --stat-date {day}.",
    ),
    "study.layer_empty": M(
        "研究库的 '{layer}' 图层为空(0 个要素),而{purpose}需要它。",
        "The study's '{layer}' layer is empty (0 features), and {purpose} needs it.",
        "请重新导入:zonekit import 源文件 --into {path} --as {layer} --replace。",
        "Import it again: zonekit import SRC --into {path} --as {layer} --replace.",
    ),
    "study.is_output": M(
        "--out 指向一个 zonekit 研究库;写到那里会毁掉它,因此未写出任何内容。",
        "--out names a zonekit study; writing the output there would destroy it, so nothing was written.",
        "请为输出另起文件名(如 result.xlsx)。",
        "Give the output another file name (e.g. result.xlsx).",
    ),
    "study.locked": M(
        "研究库被锁定:{who} 写入它已超过 {timeout:.0f} 秒,因此 zonekit 未作改动。",
        "The study is locked: {who} has been writing to it for more than {timeout:.0f} s, so zonekit did not "
        "change it.",
        "请在该程序中保存或停止编辑(QGIS:关闭编辑状态)后重新运行;设置 ZONEKIT_LOCK_TIMEOUT=秒数 可等待更久。",
        "Save or stop the edits in that program (in QGIS: toggle editing off) and run the command again; "
        "ZONEKIT_LOCK_TIMEOUT=SECONDS waits longer.",
    ),
    "study.locked_by_unknown": M("另一个程序", "another program"),
    "purpose.intensity": M("土地集约利用评价", "the intensity evaluation"),
    "purpose.map": M("地图", "the map"),
    "purpose.consolidation": M("整合优化分析", "consolidation"),
    "study.read_only": M(
        "研究库是只读文件({mode}),无法写入。未作任何改动。",
        "The study cannot be written: it is read-only ({mode}). Nothing was changed.",
        "如需修改,请使其可写(chmod u+w),或导入到它的副本中。",
        "Make it writable (chmod u+w) if it should change, or import into a copy of it.",
    ),
    "study.folder_read_only": M(
        "研究库所在文件夹是只读的(SQLite 需要在其中写日志文件),无法写入。未作任何改动。",
        "The study cannot be written: its folder is read-only (SQLite needs it for its journal). Nothing was "
        "changed.",
        "如需修改,请使其可写(chmod u+w),或导入到它的副本中。",
        "Make it writable (chmod u+w) if it should change, or import into a copy of it.",
    ),
    "study.disk_full": M(
        "磁盘已满,写入已回滚;研究库保持原样。",
        "The disk is full, so the write was rolled back; the study is as it was before.",
        "请清理研究库所在磁盘(及临时文件夹)的空间后重新运行。",
        "Free some space on the disk that holds the study (and the temporary folder) and run the command again.",
    ),
    "study.damaged": M(
        "研究库文件已损坏(SQLite:database disk image is malformed)。",
        "The study file is damaged (SQLite: database disk image is malformed).",
        "请从备份恢复;`sqlite3 文件 .recover` 或可挽回大部分内容。",
        "Restore it from a backup; `sqlite3 FILE .recover` may save most of it.",
    ),
    "study.write_failed": M(
        "研究库写入失败({err});研究库保持原样。",
        "The study could not be written ({err}); it is as it was before.",
        "请确认磁盘可写且未满,然后重新运行。",
        "Check that the disk is writable and not full, then run the command again.",
    ),
    "sample.missing": M(
        "本安装中缺少自带的示例研究库。",
        "The bundled sample study is missing from this installation.",
        "请重新安装 zonekit,或在源码目录中用 `make sample` 重新生成。",
        "Reinstall zonekit, or regenerate it with `make sample` in a source checkout.",
    ),
    "sample.no_file": M(
        "没有示例文件 '{name}'。",
        "There is no sample file '{name}'.",
        "请选择:{names}。",
        "Choose one of {names}.",
    ),
    "sample.folder_taken": M(
        "其中已有 {names};写出示例会覆盖它们,因此未写出任何内容。",
        "It already holds {names}; the sample would overwrite it, so nothing was written.",
        "请换一个文件夹,或用 --force 以示例替换这些文件。",
        "Choose another folder, or pass --force to replace those files with the sample.",
    ),
    # outputs
    "output.format_unknown": M(
        "'{suffix}' 不是 zonekit 能写出的格式。",
        "'{suffix}' is not an output format zonekit writes.",
        "请用以下扩展名命名输出:{formats}。",
        "Name the output with one of {formats}.",
    ),
    "atlas.study_inside_out": M(
        "研究库位于 --out 文件夹内,而图集会整体替换该文件夹;未写出任何内容。",
        "The study is inside the --out folder, which the atlas replaces whole; nothing was written.",
        "请把图集写到其他文件夹(如 --out atlas/)。",
        "Write the atlas to another folder (e.g. --out atlas/).",
    ),
    "atlas.out_is_file": M(
        "--out 是文件而不是文件夹。",
        "--out is a file, not a folder.",
        "请为图集指定一个文件夹。",
        "Name a folder for the atlas.",
    ),
    "atlas.out_foreign": M(
        "--out 文件夹中已有并非 zonekit 图集写出的文件;图集会整体替换其文件夹,因此未写出任何内容。",
        "The --out folder already holds files that no zonekit atlas wrote; the atlas replaces its folder whole, "
        "so nothing was written.",
        "请选择新的或空的文件夹(早先的图集文件夹会按预期被替换)。",
        "Choose a new or empty folder (an earlier atlas folder is replaced, as expected).",
    ),
    "map.no_chromium": M(
        "绘制静态图需要 Chromium 浏览器,但本机没有找到。",
        "A static figure is drawn with the Chromium browser, and none was found on this machine.",
        "请安装(Debian/Ubuntu:apt-get install chromium),或用环境变量 ZONEKIT_CHROMIUM 指明其路径;交互式地图(.html)不需要它。",
        "Install it (Debian/Ubuntu: apt-get install chromium) or name its path in ZONEKIT_CHROMIUM; the "
        "interactive map (.html) does not need it.",
    ),
    "map.figure_failed": M(
        "Chromium 未能绘出静态图({err})。",
        "Chromium could not draw the figure ({err}).",
        "请确认 Chromium 可以运行(chromium --headless --version),然后重试。",
        "Check that Chromium runs (chromium --headless --version), then try again.",
    ),
    "map.tianditu_key": M(
        "天地图底图需要密钥(tk),但未提供。",
        "The Tianditu basemap needs a key (tk), and none was given.",
        "请用 --tianditu-key 密钥 或设置环境变量 TIANDITU_KEY(天地图控制台申请的浏览器端密钥),或改用 --basemap osm 或 none。",
        "Pass --tianditu-key KEY or set the TIANDITU_KEY environment variable (a browser-type key from the "
        "Tianditu console), or use --basemap osm or none.",
    ),
    "versions.none": M(
        "开发区 {zone} 没有边界版本。",
        "zone {zone} has no boundary versions.",
        "请导入 zone_versions 图层。",
        "Import them into zone_versions.",
    ),
    "versions.none_on": M(
        "开发区 {zone} 没有在 {on} 有效的边界版本。",
        "zone {zone} has no boundary version valid on {on}.",
        "请检查其 zone_versions 的 valid_from/valid_to。",
        "Check valid_from/valid_to of its zone_versions.",
    ),
    # evidence of the consolidation rules
    "evidence.one_county_one_zone": M(
        "县 {county}:{plate}({area:.0f} 公顷)不在目录内;{zone} 在目录内,相距 {km:.1f} 公里",
        "county {county}: plate {plate} ({area:.0f} ha) is not in the catalogue; {zone} is, {km:.1f} km away",
    ),
    "evidence.adjacent": M(
        "{a}与{b}相距 {m:.0f} 米,共有主导产业{shared}(Jaccard 相似度 {sim:.2f});{lead}{why}",
        "{a} and {b} are {m:.0f} m apart and share {shared} (Jaccard {sim:.2f}); {lead} {why}",
    ),
    "evidence.higher_level": M("级别较高", "is the higher-level zone"),
    "evidence.leads_merger": M("牵头合并", "leads the merger"),
    "evidence.scattered": M("园区{park}:{why}", "park {park}: {why}"),
    "evidence.far": M("距主园 {km:.1f} 公里", "{km:.1f} km from the main park"),
    "evidence.small": M("仅 {ha:.0f} 公顷", "only {ha:.0f} ha"),
    "evidence.far_and_small": M(
        "距主园 {km:.1f} 公里;仅 {ha:.0f} 公顷", "{km:.1f} km from the main park; only {ha:.0f} ha"
    ),
    "evidence.low_intensity": M(
        "园区{park}:集约度分值 {score:.1f},等级 {grade},{why};土地开发率 {rate:.0%}",
        "park {park}: intensity score {score:.1f}, grade {grade}, {why}; development rate {rate:.0%}",
    ),
    "evidence.low_grade": M("等级属于低效等级", "a low grade"),
    "evidence.low_rank": M(
        "处于全部园区的后 {q:.0%}(不高于 {cut:.1f})", "in the bottom {q:.0%} of the parks (at most {cut:.1f})"
    ),
    "evidence.outside_zone": M(
        "园区{park}有 {ha:.1f} 公顷(占园区 {pct:.0f}%)位于开发区 {zone} 的边界之外",
        "park {park} has {ha:.1f} ha ({pct:.0f} % of the park) outside the boundary of zone {zone}",
    ),
    "evidence.over_approved": M(
        "开发区{zone}实测面积 {measured:.0f} 公顷,超出核准面积 {approved:.0f} 公顷 {pct:.0f}%",
        "zone {zone} measures {measured:.0f} ha, {pct:.0f} % over its approved {approved:.0f} ha",
    ),
    "evidence.redline": M(
        "园区{park}与{area}重叠 {ha:.1f} 公顷(占园区 {pct:.1f}%)",
        "park {park} overlaps {area} by {ha:.1f} ha ({pct:.1f} % of the park)",
    ),
    "evidence.approved_not_supplied": M(
        "批准于 {date},距统计时点 {years:.1f} 年,其中 {ha:.2f} 公顷仍未供应",
        "approved on {date}, {years:.1f} years before the statistics date; {ha:.2f} ha not yet supplied",
    ),
    "evidence.supplied_not_used": M(
        "约定 {date} 开工,至统计时点逾期 {years:.1f} 年仍未开工,地上无建成地块",
        "agreed to start on {date}, {years:.1f} years before the statistics date; not started, nothing built on it",
    ),
    "evidence.used_not_fully": M(
        "已建容积率 {far:.2f}(下限 {floor:.2f}),建筑系数 {cover:.0%}(下限 {cover_min:.0%})",
        "built FAR {far:.2f} (minimum {floor:.2f}), building coefficient {cover:.0%} (minimum {cover_min:.0%})",
    ),
    "evidence.built_not_producing": M(
        "{date} 竣工,已 {years:.1f} 年,地上企业无营业收入",
        "completed on {date}, {years:.1f} years ago; no enterprise on it reports revenue",
    ),
    "evidence.producing_below_standard": M(
        "投资强度 {inv:.0f} 万元/亩(约定 {want_inv:.0f}),亩均税收 {tax:.1f} 万元/亩(约定 {want_tax:.1f})",
        "investment {inv:.0f} 10k CNY/mu (agreed {want_inv:.0f}), tax {tax:.1f} 10k CNY/mu (agreed {want_tax:.1f})",
    ),
    # how an import decided what it decided (the imports table keeps these in both languages)
    "how.encoding_option": M("由 --encoding 指定", "--encoding"),
    "how.crs_option": M("由 --crs 指定", "--crs"),
    "how.overrides_file": M("由 --crs 指定(取代文件自带的 {crs})", "--crs (overrides the file's {crs})"),
    "how.declared_prj": M("文件的 .prj 声明", "declared by the file's .prj"),
    "how.declared": M("文件自身声明", "declared by the file"),
    "how.degrees": M("坐标为经纬度", "coordinates are degrees"),
    "how.lat_first": M(
        "坐标为经纬度(纬度在前:X/Y 已对调)", "coordinates are degrees (latitude first: X/Y swapped)"
    ),
    "how.assumed_cgcs2000": M("假定为 CGCS2000", "assumed CGCS2000"),
    "how.gk_prefix": M(
        "东坐标带有带号前缀 {zone}:CGCS2000 {kind}", "eastings carry zone prefix {zone}: CGCS2000 {kind}"
    ),
    "how.datum_assumed": M("基准假定为 CGCS2000", "datum assumed CGCS2000"),
    "how.gk3": M("3° 高斯-克吕格投影第 {zone} 带(中央经线 {cm}°E)", "3° Gauss-Krüger zone {zone} (CM {cm}E)"),
    "how.gk6": M("6° 高斯-克吕格投影第 {zone} 带(中央经线 {cm}°E)", "6° Gauss-Krüger zone {zone} (CM {cm}E)"),
    "how.xy_swapped": M("X/Y 已对调(X 为北坐标,测量习惯)", "X/Y swapped (X = north, surveying order)"),
    "how.from": M("--from {system}", "--from {system}"),
    "how.stored_as": M("存储为 {crs}", "stored as {crs}"),
    "how.cpg": M(".cpg 声明为 {declared}", ".cpg declares {declared}"),
    "how.no_dbf": M("没有 .dbf(无属性)", "no .dbf (no attributes)"),
    "how.ldid": M("DBF 语言字节 0x{ldid}({codec})", "DBF language byte 0x{ldid} ({codec})"),
    "how.no_cpg_ldid": M("没有 .cpg,DBF 语言字节 0x{ldid}", "no .cpg, DBF language byte 0x{ldid}"),
    "how.ascii": M("文本为纯 ASCII", "text is plain ASCII"),
    "how.utf8": M("文本字节是有效的 UTF-8", "text bytes are valid UTF-8"),
    "how.gb18030": M(
        "文本字节不是 UTF-8,按 GB18030/GBK 解码为中文",
        "text bytes are not UTF-8 but decode as GB18030/GBK to Chinese",
    ),
    "how.format_utf8": M("{format} 以 UTF-8 存储文本", "{format} stores text as UTF-8"),
    "how.xlsx": M("XLSX 以 Unicode 存储文本", "XLSX stores text as Unicode"),
    "how.bom": M("UTF-8 字节顺序标记", "UTF-8 byte-order mark"),
    "how.in_memory": M(
        "程序内的数据框,文本已是 Unicode", "a frame in the program: its text is Unicode already"
    ),
    "how.zip_names_plain": M(
        "压缩包成员名为 ASCII 或已标记 UTF-8", "member names are ASCII or flagged UTF-8"
    ),
    "how.zip_names_cp437": M(
        "压缩包成员名按 CP437 保留(无法判定)", "member names kept as CP437 (undecidable)"
    ),
    "how.zip_names": M("压缩包成员名", "member names"),
    "how.codes_declared": M("由 --code-system 指定", "--code-system"),
    "how.codes_detected": M(
        "根据 {evidence} 判定(提示,未声明)", "detected from {evidence} (hint; not declared)"
    ),
    # reasons and repairs kept in the study: stored in this English form, translated when shown
    "row.not_a_number": M("{col} '{value}' 不是数字", "{col} '{value}' is not a number"),
    "row.not_yes_no": M("{col} 不是 是/否", "{col} is not yes/no (是/否)"),
    "row.not_a_date": M("{col} 不是日期(YYYY-MM-DD)", "{col} is not a date (YYYY-MM-DD)"),
    "row.not_a_choice": M(
        "{col} '{value}' 不在可选值 {choices} 之中", "{col} '{value}' is not one of {choices}"
    ),
    "row.empty": M("{col} 为空", "{col} is empty"),
    "row.no_geometry": M("没有几何(空值或无法读取的记录)", "no geometry (null or unreadable record)"),
    "row.empty_geometry": M("几何为空", "empty geometry"),
    "row.collection_no_polygon": M("几何集合中没有面", "geometry collection with no polygon part"),
    "row.not_a_polygon": M("不是面({type})", "not a polygon ({type})"),
    "row.collapsed": M(
        "无效的面({reason})修复后不复存在", "invalid polygon ({reason}) collapsed to nothing on repair"
    ),
    "row.unreadable": M("无法读取的记录(fid {fid}):{err}", "unreadable record (fid {fid}): {err}"),
    "row.bad_wkt": M("{col} 列不是有效的 WKT", "the {col} column does not hold valid WKT"),
    "row.not_degrees": M(
        "坐标超出经纬度范围(x {x},y {y})", "coordinates out of the range of degrees (x {x}, y {y})"
    ),
    "row.not_placeable": M(
        "坐标无法换算到 {crs}(x {x},y {y})", "coordinates cannot be placed in {crs} (x {x}, y {y})"
    ),
    "row.declared_unreadable": M(
        "文件声明了 {declared} 条记录,其中 {n} 条已无法读取(文件已损坏)",
        "one of the {n} records the file declares (of {declared}) that can no longer be read (the file is damaged)",
    ),
    "row.not_finite": M("{col} '{value}' 不是有限的数", "{col} '{value}' is not a finite number"),
    "row.not_fraction": M(
        "{col} {value} 不在 0 到 1(0%–100%)之间", "{col} {value} is not between 0 and 1 (0%–100%)"
    ),
    "row.shares_sum": M(
        "飞出地比例 {home} 与飞入地比例 {host} 之和为 {total},应为 1",
        "home_share {home} and host_share {host} add up to {total}, not 1",
    ),
    "row.periods_overlap": M(
        "园区 {park} 的 {metric} 分成自 {start} 起的期间与自 {other} 起的期间重叠",
        "{metric} shares of {park} from {start} overlap the period from {other}",
    ),
    "row.csv_fields": M(
        "第 {row} 条记录有 {n} 个字段,而表头有 {width} 个(分隔符或引号有误)",
        "record {row} has {n} fields where the header has {width} (a stray delimiter or quote)",
    ),
    "row.bad_lonlat": M("{lon}/{lat} 不是数字", "{lon}/{lat} are not numbers"),
    "repair.made_valid_why": M("已修复为有效几何({reason})", "made valid ({reason})"),
    "repair.made_valid": M("已修复为有效几何", "made valid"),
    "repair.dropped_zm": M("已去除 Z/M", "dropped Z/M"),
    "repair.kept_polygons": M(
        "保留几何集合中的面(去除其他 {n} 个部分)",
        "kept the polygon parts of a collection (dropped {n} other parts)",
    ),
    "repair.rings_oriented": M("已统一环方向", "rings oriented"),
    "note.rings_oriented": M(
        "{n} 个要素的环已转为 GeoPackage 的方向(外环逆时针;形状和面积不变)",
        "rings of {n} feature(s) turned to the GeoPackage's order (exteriors counter-clockwise; no shape or "
        "area changed)",
    ),
    "note.geojson_type": M(
        '{n} 个 GeoJSON 成员的 "type" 缺失或拼错(如第 {first} 个:{type}),仍按要素读取',
        '{n} GeoJSON member(s) with a missing or misspelt "type" (e.g. member {first}: {type}) read as '
        "features",
    ),
    "note.values_mapped": M("按 --values 替换的值:{values}", "values replaced by --values: {values}"),
    "note.gcj02_lonlat": M("GCJ-02 经纬度(高德/腾讯)", "GCJ-02 lon/lat (Amap/Tencent)"),
    "note.bd09_lonlat": M("BD-09 经纬度(百度)", "BD-09 lon/lat (Baidu)"),
    "note.needs_build_status": M(
        "建设状态(build_status)为空:无法计算建成率与供应率中的已建部分",
        "build_status is empty: the construction rate cannot be computed",
    ),
    "note.needs_supplied": M(
        "是否供应(supplied)为空:无法计算土地供应率", "supplied is empty: the supply rate cannot be computed"
    ),
    "note.needs_idle": M(
        "是否闲置(idle)为空:闲置土地率将按 0 计", "idle is empty: the idle-land ratio counts as 0"
    ),
    "note.needs_gfa_m2": M(
        "建筑面积(gfa_m2)为空:无法计算综合容积率与工业容积率",
        "gfa_m2 is empty: the composite and industrial FAR cannot be computed",
    ),
    "note.needs_footprint_m2": M(
        "基底面积(footprint_m2)为空:无法计算建筑密度与工业建筑系数",
        "footprint_m2 is empty: building density and the industrial building coefficient cannot be computed",
    ),
    "note.needs_investment_wan": M(
        "固定资产投资(investment_wan)为空:无法计算投资强度",
        "investment_wan is empty: the investment intensity cannot be computed",
    ),
    "note.needs_tax_wan": M(
        "税收(tax_wan)为空:无法计算地均/亩均税收",
        "tax_wan is empty: tax per hectare and per mu cannot be computed",
    ),
    "note.needs_enterprise_id": M(
        "企业代码(enterprise_id)为空:亩均评价无法把地块归到企业",
        "enterprise_id is empty: the 亩均 evaluation cannot attribute parcels to enterprises",
    ),
    "note.needs_industry_code": M(
        "行业代码(industry_code)为空:将跳过化工地块检查,控制指标按通用阈值",
        "industry_code is empty: the chemical-parcel finding will be skipped and control indicators use the generic threshold",
    ),
    "note.needs_approved_area_ha": M(
        "核准面积(approved_area_ha)为空:无法比较核准面积与实测面积",
        "approved_area_ha is empty: approved and measured areas cannot be compared",
    ),
    "note.needs_county_adcode": M(
        "所在县代码(county_adcode)为空:一县一区规则无法按县归并",
        "county_adcode is empty: the one-county-one-zone rule cannot group zones by county",
    ),
    "note.needs_lead_industries": M(
        "主导产业(lead_industries)为空:相邻整合无法比较产业相似度",
        "lead_industries is empty: adjacent consolidation cannot compare industries",
    ),
    "note.needs_revenue_wan": M(
        "营业收入(revenue_wan)为空:亩均营收无法计算",
        "revenue_wan is empty: revenue per mu cannot be computed",
    ),
    "note.needs_energy_tce": M(
        "能耗(energy_tce)为空:单位能耗税收无法计算",
        "energy_tce is empty: tax per unit of energy cannot be computed",
    ),
    "note.offset_source": M(
        "{layer} 与研究库中的 {other} 边界相差约 {gap} 米,方向与 {system} 网络地图偏移一致:去除该偏移后二者边界重合(中位距离 {after} 米)。",
        "{layer} lies about {gap} m off the boundaries of the study's {other}, in the direction of the "
        "{system} web-map offset: with that offset removed they meet (median gap {after} m)",
    ),
    "note.offset_study": M(
        "{layer} 与研究库中的 {other} 边界相差约 {gap} 米,方向与 {system} 网络地图偏移一致:是研究库中的 {other} 带有该偏移(加上偏移后二者重合,中位距离 {after} 米)。",
        "{layer} lies about {gap} m off the boundaries of the study's {other}, in the direction of the "
        "{system} web-map offset: it is the study's {other} that carries it (with the offset added they "
        "meet, median gap {after} m)",
    ),
    "note.enterprise_figures": M(
        "{records} 家企业的税收、营收等数据取自企业名录(名录缺项时用其地块数据),{parcels} 家仅有地块数据;名录中 {lonely} 家企业没有对应地块(见“未匹配企业”表)",
        "{records} enterprises' tax, revenue and other figures from the enterprises layer (their parcels' where "
        "the record has none), {parcels} from their parcels only; {lonely} enterprises of the layer have no "
        "parcels (see the unmatched table)",
    ),
    "note.priority_rule": M(
        "一组的优先级为组内触发的各条规则的权重之和({weights})",
        "a group's priority is the sum of the weights of the rules that fired in it ({weights})",
    ),
    "note.potential_thresholds": M(
        "批而未供:批准满 {approved} 年;供而未用:约定开工逾期 {idle} 年(满 {reclaim} 年可依法收回);用而未尽:合同未约定时容积率下限 {far},建筑系数下限 {cover};建而未投:竣工满 {ramp} 年;强度潜力:目标容积率 {target}",
        "approved_not_supplied: approved {approved} years before; supplied_not_used: the agreed start {idle} "
        "year(s) past ({reclaim} years: liable to be taken back); used_not_fully: FAR floor {far} where the "
        "contract names none, building coefficient {cover}; built_not_producing: completed {ramp} year(s) "
        "before; intensity potential: target FAR {target}",
    ),
    "note.input_layer": M("{n} 个要素,来自 {sources}", "{n} features from {sources}"),
    "note.zone_type_rule": M(
        "A2/A > {industrial} 且 A1/A < {residential} 时为工业主导型",
        "industrial if A2/A > {industrial} and A1/A < {residential}",
    ),
    "note.unit_park": M("园区", "park"),
    "note.unit_zone": M("开发区", "zone"),
    "note.python_api": M("(Python 接口调用)", "(called from Python)"),
    "note.columns_renamed": M(
        "以下列改名保存(GeoPackage 的列名不区分大小写,fid 为要素编号专用):{columns}",
        "columns stored under new names (a GeoPackage's column names ignore case, and fid is its feature "
        "id): {columns}",
    ),
    "note.geometry_property": M(
        "名为 geometry 的属性保留为 geometry_property",
        "the property called geometry kept as geometry_property",
    ),
    "note.names_cut": M(
        ".dbf 把 UTF-8 字段名截断在 10 个字节处,已去掉被截断的半个字:{names}",
        "the .dbf cut UTF-8 field names at 10 bytes; the broken last character was dropped: {names}",
    ),
    "note.ids_generated": M("已生成 {col}(源数据没有)", "{col} generated (the source has none)"),
    "note.bulk_read_failed": M(
        "整体读取失败({err});已逐个要素读取", "bulk read failed ({err}); read feature by feature"
    ),
    "note.layer_lacks": M("图层 '{layer}' 缺少列 {cols}", "layer '{layer}' lacks column(s) {cols}"),
    "note.layer_empty_values": M(
        "图层 '{layer}':{n} 行的 {col} 为空", "layer '{layer}': {n} row(s) with empty {col}"
    ),
    "note.layer_outside_choices": M(
        "图层 '{layer}':{col} 有不在 {choices} 之中的值 {values}",
        "layer '{layer}': {col} has value(s) {values} outside {choices}",
    ),
    "note.layer_duplicates": M(
        "图层 '{layer}':{col} 重复 {values}", "layer '{layer}': duplicate {col} {values}"
    ),
    "note.layer_no_geometry": M(
        "图层 '{layer}':{n} 个要素没有几何", "layer '{layer}': {n} feature(s) without geometry"
    ),
    "note.layer_wrong_type": M(
        "图层 '{layer}':{n} 个 {col} 值不是 {kind} 类型(按空值读取)",
        "layer '{layer}': {n} value(s) of {col} are not of type {kind} (read as empty)",
    ),
    "note.layer_crs": M(
        "图层 '{layer}' 的坐标系为 {crs},而研究库为 {study_crs}",
        "layer '{layer}' is in {crs}, not the study's {study_crs}",
    ),
    "note.infinite": M(
        "表 {table} 的 {col} 列:{n} 个值为无穷大(除数为零),单元格留空",
        "table {table}, column {col}: {n} value(s) were infinite (a ratio over zero) and are left empty",
    ),
    "note.continued": M(
        "表 {table} 共 {rows} 行,一个工作表放不下;续写在其后名为 {sheet} (2)… 的 {more} 个工作表中",
        "table {table}: {rows} rows, more than one sheet holds; continued on the next {more} sheet(s) named {sheet} (2), …",
    ),
    "note.area_method": M(
        "椭球面积(CGCS2000/GRS80):以每个面为中心的兰伯特方位等积投影",
        "ellipsoidal (CGCS2000/GRS80): Lambert azimuthal equal-area centred on each polygon",
    ),
    "note.default_config": M("zonekit 默认配置({file})", "zonekit default ({file})"),
    "note.config_over": M("{file}(覆盖 zonekit 默认值)", "{file} over zonekit defaults"),
    "note.why_AB": M("无可开发土地(A+B)", "no developable land (A+B)"),
    "note.why_AB21": M("无已建成或已达供地条件土地(A+B21)", "no built or serviced land (A+B21)"),
    "note.why_D": M("无已供应土地(D)", "no supplied land (D)"),
    "note.why_A": M("无已建成城镇建设用地(A)", "no built construction land (A)"),
    "note.why_A2": M("无已建成工矿仓储用地(A2)", "no built industrial land (A2)"),
    "note.energy_zero": M("energy_tce 为 0(不计算比值)", "energy_tce is 0 (no ratio)"),
    "note.coverage": M("地块覆盖面积的 {share}", "parcels cover {share} of the area"),
    "note.no_values": M("地块没有 {col} 数值", "the parcels carry no {col} values"),
    "note.not_in_study": M("园区或飞出地不在研究库中", "park or home jurisdiction not in the study"),
    "note.scope_old": M(
        "调整({date})后第 {n} 年:沿用调整前边界(版本 {version}){years} 年",
        "year {n} since the adjustment of {date}: pre-adjustment boundary (version {version}) for {years} years",
    ),
    "note.scope_current": M(
        "{year} 年末有效的版本 {version}", "version {version} in force at the end of {year}"
    ),
    "note.indicator_missing": M("{indicator}: {why}", "{indicator}: {why}"),
    # checks (zonekit check): one message per check
    "check.schema": M("{problem}", "{problem}"),
    "check.crs_mismatch": M(
        "图层 {name} 的坐标系为 {layer_crs},与研究库的 {study_crs} 不一致",
        "layer '{name}' is stored in {layer_crs}, the study in {study_crs}",
    ),
    "check.invalid_geometry": M("几何无效:{why}", "{why}"),
    "check.park_overlap": M("园区 {a} 与 {b} 重叠({where})", "parks {a} and {b} overlap ({where})"),
    "check.same_zone": M("同属开发区 {za}", "both in zone {za}"),
    "check.two_zones": M("分属开发区 {za} 与 {zb}", "zones {za} and {zb}"),
    "check.theme_without_parent": M(
        "主题园 {name} 未填写所属园区", "theme park {name} names no parent_park_id"
    ),
    "check.theme_parent_missing": M(
        "主题园 {name} 的所属园区 {parent} 不在园区图层中",
        "theme park {name}: parent park {parent} is not in the parks layer",
    ),
    "check.theme_outside_parent": M(
        "主题园 {name} 有 {share:.1%} 位于所属园区 {parent} 之外",
        "theme park {name} lies {share:.1%} outside its parent park {parent}",
    ),
    "check.park_zone_missing": M(
        "园区 {parks} 所属的开发区 {zone} 不在开发区图层中",
        "zone {zone} named by parks {parks} is not in zones",
    ),
    "check.park_outside_zone": M(
        "园区 {name} 超出开发区 {zone} 的边界", "park {name} extends beyond the boundary of zone {zone}"
    ),
    "check.host_outside_admin": M(
        "园区 {park} 不在行政区划图层的任何县区内", "park {park} lies outside every county of the admin layer"
    ),
    "check.host_adcode_mismatch": M(
        "园区 {park} 填写的所在行政区为 {host},但其 {share:.0%} 位于 {found}",
        "park {park} gives host_adcode {host}, but {share:.0%} of it lies in county {found}",
    ),
    "check.enclave_host_is_home": M(
        "飞地园区 {park} 的飞入地与飞出地相同({adcode})",
        "enclave park {park}: host and home are both {adcode}",
    ),
    "check.share_sum": M(
        "飞地园区 {park} 的 {metric} 分成比例之和为 {total:g},不等于 1",
        "enclave park {park}, {metric}: home + host shares are {total:g}, not 1",
    ),
    "check.share_overlap": M(
        "飞地园区 {park} 的 {metric} 分成规则(自 {since} 起)与此前规则时间重叠",
        "enclave park {park}, {metric}: share rules from {since} overlap an earlier rule in time",
    ),
    "check.enclave_park_missing": M(
        "分成规则中的园区 {park} 不在园区图层中", "share rules name park {park}, which is not in parks"
    ),
    "check.enclave_without_rules": M(
        "飞地园区 {park} 没有利益分成规则", "enclave park {park} has no share rules in enclaves"
    ),
    "check.unknown_land_use_code": M(
        "{n} 个地块的地类编码 {code} 不属于 {system} 分类体系",
        "{n} parcel(s) with code {code}, unknown in {system}",
    ),
    # the atlas index page
    "index.open_map": M("打开地图", "Open the map"),
    "index.score_chart": M("各园区集约度分值", "Intensity score by park"),
    "index.composition_chart": M("各园区土地利用构成", "Land-use composition by park"),
    "index.files": M("文件", "Files"),
    "index.ha": M("公顷", "ha"),
    "index.zones": M("开发区", "zones"),
    "index.parks": M("园区", "parks"),
    "index.area_ha": M("园区面积", "park area"),
    "index.area_value": M("{ha:,.0f} 公顷 / {mu:,.0f} 亩", "{ha:,.0f} ha / {mu:,.0f} mu"),
    "index.score": M("集约度分值(最低 / 中位 / 最高)", "intensity score (min / median / max)"),
    "index.grades": M("等级", "grades"),
    "index.redlines": M("红线冲突", "red-line conflicts"),
    "index.redlines_value": M("{n} 处({ha:,.1f} 公顷)", "{n} ({ha:,.1f} ha)"),
    "index.groups": M("整合候选组", "candidate groups"),
    "index.low_efficiency": M("低效用地(五类)", "low-efficiency land (five kinds)"),
    "index.low_efficiency_value": M(
        "{n} 处,{ha:,.1f} 公顷 / {mu:,.0f} 亩", "{n} plots, {ha:,.1f} ha / {mu:,.0f} mu"
    ),
    "index.findings": M("检查发现", "check findings"),
    "index.sample": M("示例研究", "bundled sample"),
    "index.illustrative": M(
        "示例数据:开发区、园区边界均为示意,非真实范围。", "Sample data: boundaries are illustrative."
    ),
    "file.map": M("交互地图(离线可用)", "interactive map, works offline"),
    "file.study": M("检查后的研究数据(QGIS 可打开)", "the checked study (opens in QGIS)"),
    "file.imports": M(
        "导入记录:编码、坐标系及判定依据,读取 = 入库 + 拒收",
        "every import: encoding, CRS and why; read = loaded + rejected",
    ),
    "file.check": M("检查结果", "check findings"),
    "file.intensity": M(
        "园区集约利用评价、亩均、控制指标", "intensity per park, 亩均 and control indicators"
    ),
    "file.intensity_zones": M("开发区集约利用评价与区域排名", "intensity per zone and regional ranking"),
    "file.intensity_gpkg": M("带指标的园区图层(QGIS)", "parks with their indicators (QGIS)"),
    "file.overlap": M("重叠分析与发现", "overlaps and findings"),
    "file.consolidate": M("整合优化候选", "consolidation candidates"),
    "file.enclaves": M("飞地利益分成", "enclave benefit sharing"),
    "file.versions": M("边界版本与统计口径", "boundary versions and statistical scope"),
    "file.landcover": M("土地覆盖栅格", "land-cover raster"),
    "file.potential": M("低效用地(五类)与潜力测算", "low-efficiency land (five kinds) and potential"),
    # errors of the operating system and of zonekit itself
    "os.disk_full": M(
        "磁盘已满:请清理空间后重新运行;没有留下写了一半的文件。",
        "The disk is full: free some space and run the command again; nothing was left half-written.",
    ),
    "os.not_allowed": M(
        "zonekit 无权写到那里:请换一个输出路径或修改权限。",
        "zonekit may not write there: choose another output path or change the permissions.",
    ),
    "os.name_too_long": M(
        "文件名或路径过长,超过系统上限(每个文件名最多 255 字节,一个汉字占 3 字节)。",
        "The file name or path is longer than the system allows (255 bytes per name; a Chinese character "
        "takes 3).",
        "请缩短文件名或文件夹名后重新运行。",
        "Shorten the file or folder name and run the command again.",
    ),
    "os.other": M(
        "请检查路径、权限和磁盘剩余空间,然后重新运行。",
        "Check the path, the permissions and the free disk space, then run the command again.",
    ),
    "bug": M(
        "zonekit 意外出错({err})。这是 zonekit 的缺陷,不是您数据的问题:请加 --debug 重新运行同一命令并报告完整的错误信息。",
        "zonekit failed unexpectedly ({err}). This is a bug in zonekit, not in your data: run the same command "
        "with --debug and report the traceback.",
    ),
    "aborted": M("已中止", "aborted"),
    "summary.import": M(
        "{layer}:读取 {read} = 入库 {loaded} + 拒收 {rejected}(修复 {repaired}),来源 {source}",
        "{layer}: read {read} = loaded {loaded} + rejected {rejected} ({repaired} repaired) from {source}",
    ),
    "snapshot.made": M("已保存快照 {layer}(统计时点 {day})", "Kept snapshot {layer} (statistics date {day})"),
    "summary.study_copied": M(
        "已将研究库复制到 {study}:{tables} 个表(一个事务)",
        "Copied the study into {study}: {tables} tables (one transaction)",
    ),
    "summary.batch": M(
        "共导入 {files} 个文件到 {layer}:读取 {read} = 入库 {loaded} + 拒收 {rejected}(修复 {repaired})",
        "{files} files into {layer}: read {read} = loaded {loaded} + rejected {rejected} ({repaired} repaired)",
    ),
    "summary.encoding": M("  编码      {encoding} —— {how}", "  encoding  {encoding} — {how}"),
    "summary.crs": M("  坐标系    {crs} —— {how}", "  CRS       {crs} — {how}"),
    "summary.offset": M(
        "  偏移      已纠正 {offset} 偏移(迭代反算,误差 < 0.01 米)",
        "  offset    {offset} removed (iterative inverse, < 0.01 m)",
    ),
    "summary.codes": M("  地类编码  {system} —— {how}", "  codes     {system} — {how}"),
    "summary.fields": M("  字段      {fields}", "  fields    {fields}"),
    "summary.unknown_codes": M(
        "  未知地类编码(已保留,类别 'unknown'):{codes}",
        "  unknown land-use codes (kept, class 'unknown'): {codes}",
    ),
    "summary.repaired": M(
        "  修复      {n} × {what};面积变化 {change:+.2f} 平方米({ha:+.4f} 公顷,{mu:+.3f} 亩;见 zonekit_repairs)",
        "  repaired  {n} × {what}; area change {change:+.2f} m² ({ha:+.4f} ha, {mu:+.3f} mu)  "
        "(see zonekit_repairs)",
    ),
    "summary.rejected_examples": M(
        "  拒收      {n} × {reason}(如 {ids};保存在 {table})",
        "  rejected  {n} × {reason}  (e.g. {ids}; kept in {table})",
    ),
    "summary.rejected": M(
        "  拒收      {n} × {reason}(保存在 {table})", "  rejected  {n} × {reason}  (kept in {table})"
    ),
    "summary.rejected_more": M(
        "  拒收      另有 {n} 个要素,{kinds} 种原因(全部保存在 {table})",
        "  rejected  {n} more, for {kinds} other reason(s)  (all kept in {table})",
    ),
    "summary.note": M("  说明      {note}", "  note      {note}"),
    "inspect.warning": M("  警告      {warning}", "  warning   {warning}"),
    "inspect.nothing_written": M(
        "(预演:以上是导入将作出的判断,未写入任何文件)",
        "(dry run: this is what import would decide; nothing was written)",
    ),
    "inspect.sample": M("入库后的前几行:", "the first rows as they would be stored:"),
    "inspect.rejected": M("将被拒收的前几行:", "the first rows that would be rejected:"),
    "info.head": M(
        "研究库 {study}:坐标系 {crs},{created} 由 zonekit {version} 创建",
        "study {study}: CRS {crs}, created {created} by zonekit {version}",
    ),
    "info.layers": M("图层:", "layers:"),
    "info.bookkeeping": M("记录表:", "bookkeeping tables:"),
    "info.imports": M("最近的导入:", "latest imports:"),
    "info.no_imports": M("(还没有导入)", "(no imports yet)"),
    "summary.no_findings": M("检查:未发现问题", "check: no findings"),
    "summary.findings": M("检查:{n} 条结果 —— {counts}", "check: {n} finding(s) — {counts}"),
    "severity.error": M("错误", "error"),
    "severity.warning": M("警告", "warning"),
    "severity.info": M("提示", "info"),
    "cli.wrote": M("已写出 {file}", "wrote {file}"),
    "cli.atlas_wrote": M(
        "已写出 {out}/index.html(请打开它)、map.html 和全部表格",
        "wrote {out}/index.html (open it), map.html and every table",
    ),
    "cli.study": M("研究库 {study}:{layers}", "study   {study}: {layers}"),
    "interrupted": M("已中断;没有留下写了一半的输出", "interrupted; no output was left half-written"),
    "error": M("错误", "error"),
    "warning": M("警告", "warning"),
    # progress bars (standard error, on a terminal only)
    "progress.parcels": M("宗地(逐块读取、叠加)", "parcels (read and overlaid chunk by chunk)"),
    "progress.import": M("导入", "import"),
    "progress.features": M("逐个要素读取", "reading feature by feature"),
    "progress.map": M("地图", "map"),
    "progress.atlas": M("成果集", "atlas"),
    "progress.self_overlap": M(
        "图层自身叠加:查找可能重叠的要素", "a layer with itself: features that may overlap"
    ),
    "unit.parcels": M("宗", "parcels"),
    "unit.features": M("个要素", "features"),
    "unit.steps": M("步", "steps"),
    "progress.partitions": M("分区(集群上逐个计算)", "partitions (computed on the cluster)"),
    "unit.partitions": M("个分区", "partitions"),
    "option.quiet": M(
        "不显示进度条(标准错误不是终端时本就不显示)。",
        "Show no progress bars (they never show when standard error is not a terminal).",
    ),
}
for _key, _zh in CLASS_ZH.items():
    MESSAGES[f"class.{_key}"] = M(_zh, CLASS_EN[_key])
del M, _key, _zh


def _with_fix(code: str, fix_zh: str, fix_en: str) -> Message:
    note = MESSAGES[code]
    return Message(note.zh, note.en, fix_zh, fix_en)


# warnings that are also kept as import notes: one wording, the fix added where it is shown as a warning
MESSAGES["crs.offset_suspected_source"] = _with_fix(
    "note.offset_source",
    "如该数据取自高德/腾讯(或百度)地图,请加 --from {system} --replace 重新导入。",
    "If the data came from Amap/Tencent (or Baidu) maps, import it again with --from {system} --replace.",
)
MESSAGES["crs.offset_suspected_study"] = _with_fix(
    "note.offset_study",
    "请用 --from {system} --replace 重新导入 {other}。",
    "Import {other} again with --from {system} --replace.",
)
