"""The zonekit algorithms: each a command of the zonekit CLI, its options as Processing parameters."""

import os

from qgis.core import (
    QgsProcessingAlgorithm,
    QgsProcessingContext,
    QgsProcessingOutputHtml,
    QgsProcessingParameterBoolean,
    QgsProcessingParameterEnum,
    QgsProcessingParameterFile,
    QgsProcessingParameterFileDestination,
    QgsProcessingParameterFolderDestination,
    QgsProcessingParameterNumber,
    QgsProcessingParameterString,
)

from . import runner
from .styles import StyleLayer, keep
from .words import lang, said

LAYERS = [
    "admin",
    "zones",
    "parks",
    "enclaves",
    "landuse",
    "protected",
    "enterprises",
    "zone_versions",
    "supply",
    "approvals",
]
SPATIAL = [n for n in LAYERS if n != "enclaves"]
GPKG = "GeoPackage (*.gpkg)"
TABLES = "GeoPackage (*.gpkg);;Excel (*.xlsx);;CSV (*.csv);;GeoParquet (*.parquet)"


def P(name, flag, zh, en, kind, **more):
    """One parameter: its Processing name, the CLI's flag (None: positional), labels, kind and options."""
    return {"name": name, "flag": flag, "zh": zh, "en": en, "kind": kind, **more}


STUDY = P("STUDY", None, "研究库", "Study", "study")
CONFIG = P(
    "CONFIG",
    "--config",
    "配置文件 TOML(可选)",
    "Configuration TOML (optional)",
    "file",
    optional=True,
    filter="TOML (*.toml)",
)
CLUSTER = P(
    "CLUSTER",
    "--cluster",
    "dask 集群(可选:local:N 或 tcp://主机:端口;须先分区)",
    "dask cluster (optional: local:N or tcp://HOST:PORT; partition first)",
    "string",
    optional=True,
)
INDICATORS = [
    "",
    "development_rate",
    "supply_rate",
    "construction_rate",
    "industrial_land_ratio",
    "composite_far",
    "building_density",
    "industrial_far",
    "industrial_building_coefficient",
    "investment_intensity",
    "industrial_tax_per_ha",
    "tax_per_ha",
    "idle_land_ratio",
]
ALGORITHMS = [
    {
        "id": "import",
        "zh": "导入图层",
        "en": "Import a layer",
        "group": ("数据", "Data"),
        "params": [
            P(
                "SOURCE",
                None,
                "源文件(Shapefile、zip、GeoPackage、GeoJSON、GDB、KML、CSV、XLSX)",
                "Source file (Shapefile, zip, GeoPackage, GeoJSON, GDB, KML, CSV, XLSX)",
                "file",
            ),
            P("STUDY", "--into", "研究库(不存在时新建)", "Study (created when missing)", "study_out"),
            P("AS", "--as", "作为图层", "As layer", "enum", options=LAYERS, default="parks"),
            P(
                "ENCODING",
                "--encoding",
                "属性编码(如 gbk;留空自动判断)",
                "Text encoding (e.g. gbk; empty: detected)",
                "string",
                optional=True,
            ),
            P(
                "CRS",
                "--crs",
                "源坐标系(如 EPSG:4528;留空读 .prj 或推断)",
                "Source CRS (e.g. EPSG:4528; empty: .prj or inferred)",
                "string",
                optional=True,
            ),
            P(
                "FROM",
                "--from",
                "去除网络地图偏移",
                "Remove a web-map offset",
                "enum",
                options=["", "gcj02", "bd09"],
                default="",
                optional=True,
            ),
            P(
                "CODE_SYSTEM",
                "--code-system",
                "地类编码体系",
                "Land-use code system",
                "enum",
                options=["", "gb21010_2017", "sandiao", "ydyh_2020", "ydyh_2023"],
                default="",
                optional=True,
            ),
            P(
                "LAYER",
                "--layer",
                "源中的图层或工作表(可选)",
                "Layer or sheet inside the source (optional)",
                "string",
                optional=True,
            ),
            P(
                "FIELDS",
                "--fields",
                "字段映射 TOML(可选)",
                "Field mapping TOML (optional)",
                "file",
                optional=True,
                filter="TOML (*.toml)",
            ),
            P(
                "VALUES",
                "--values",
                "取值映射 TOML(可选)",
                "Value mapping TOML (optional)",
                "file",
                optional=True,
                filter="TOML (*.toml)",
            ),
            P(
                "STAT_DATE",
                "--stat-date",
                "统计时点 YYYY-MM-DD(可选,同时保存快照)",
                "Statistics date YYYY-MM-DD (optional; keeps a snapshot)",
                "string",
                optional=True,
            ),
            P(
                "REPLACE",
                "--replace",
                "替换已有图层(保留为 _previous)",
                "Replace the layer (kept as _previous)",
                "flag",
            ),
            P("APPEND", "--append", "追加到已有图层", "Append to the layer", "flag"),
            P(
                "PARTITIONS",
                "--partitions",
                "同时写出分区存储(可选,文件夹 landuse.parquet;每个源文件一个分区)",
                "Also write a partitioned store (optional, folder landuse.parquet; a partition per file)",
                "folder_out",
                optional=True,
            ),
            P(
                "ROWS",
                "--rows",
                "每个分区最多要素数(可选,默认 500000)",
                "Most features in a partition (optional, default 500000)",
                "integer",
                optional=True,
            ),
            P(
                "CLUSTER",
                "--cluster",
                "dask 集群(可选:local:N 或 tcp://主机:端口;每个文件一个任务)",
                "dask cluster (optional: local:N or tcp://HOST:PORT; a task per file)",
                "string",
                optional=True,
            ),
        ],
        "output": None,
    },
    {
        "id": "check",
        "zh": "检查研究库",
        "en": "Check a study",
        "group": ("数据", "Data"),
        "params": [STUDY, CLUSTER],
        "output": P("OUTPUT", "--out", "检查结果", "Findings", "file_out", filter=TABLES, optional=True),
    },
    {
        "id": "intensity",
        "zh": "土地集约利用评价",
        "en": "Land intensity",
        "group": ("分析", "Analysis"),
        "params": [
            STUDY,
            P("BY", "--by", "评价单元", "Evaluate each", "enum", options=["park", "zone"], default="park"),
            P(
                "RASTER",
                "--raster",
                "地表覆盖栅格(可选)",
                "Land-cover raster (optional)",
                "file",
                optional=True,
                filter="GeoTIFF (*.tif *.tiff)",
            ),
            CONFIG,
            CLUSTER,
        ],
        "output": P("OUTPUT", "--out", "评价结果", "Intensity", "file_out", filter=TABLES),
    },
    {
        "id": "overlap",
        "zh": "叠加分析",
        "en": "Overlap",
        "group": ("分析", "Analysis"),
        "params": [
            STUDY,
            P("A", "--a", "图层 A", "Layer A", "enum", options=SPATIAL, default="parks"),
            P(
                "B",
                "--b",
                "图层 B(可多选)",
                "Layers B (one or more)",
                "enum",
                options=SPATIAL,
                default=["protected"],
                multiple=True,
            ),
            P("BUFFER", "--buffer", "B 图层缓冲(米)", "Buffer of B (metres)", "number", default=0.0),
            P(
                "PRESET",
                "--preset",
                "预设(可选:findings 为整合发现,代替 A 与 B)",
                "Preset (optional: findings, the consolidation findings, in place of A and B)",
                "enum",
                options=["", "findings"],
                default="",
                optional=True,
            ),
            CLUSTER,
        ],
        "output": P("OUTPUT", "--out", "叠加结果", "Overlaps", "file_out", filter=TABLES),
    },
    {
        "id": "consolidate",
        "zh": "整合优化候选",
        "en": "Consolidation candidates",
        "group": ("分析", "Analysis"),
        "params": [
            STUDY,
            CONFIG,
        ],
        "output": P("OUTPUT", "--out", "候选结果", "Candidates", "file_out", filter=TABLES),
    },
    {
        "id": "potential",
        "zh": "低效用地与潜力",
        "en": "Low-efficiency land and potential",
        "group": ("分析", "Analysis"),
        "params": [
            STUDY,
            P("DATE", "--date", "统计时点 YYYY-MM-DD", "Statistics date YYYY-MM-DD", "string"),
            CONFIG,
            CLUSTER,
        ],
        "output": P("OUTPUT", "--out", "潜力结果", "Potential", "file_out", filter=TABLES),
    },
    {
        "id": "map",
        "zh": "交互地图",
        "en": "Interactive map",
        "group": ("成果", "Outputs"),
        "params": [
            STUDY,
            P(
                "OFFLINE",
                "--offline",
                "离线(不需要互联网)",
                "Offline (no internet needed)",
                "flag",
                default=True,
            ),
            P(
                "BASEMAP",
                "--basemap",
                "底图",
                "Basemap",
                "enum",
                options=["osm", "tianditu", "gaode", "none"],
                default="none",
            ),
            P(
                "TIANDITU_KEY",
                "--tianditu-key",
                "天地图密钥(可选)",
                "Tianditu key (optional)",
                "string",
                optional=True,
            ),
            P(
                "INDICATOR",
                "--indicator",
                "第二张专题图的指标(可选)",
                "Indicator of the second choropleth (optional)",
                "enum",
                options=INDICATORS,
                default="",
                optional=True,
            ),
            P(
                "PNG",
                "--png",
                "同时输出 PNG(可选)",
                "Also a PNG (optional)",
                "file_out",
                filter="PNG (*.png)",
                optional=True,
            ),
            P(
                "PDF",
                "--pdf",
                "同时输出打印版 PDF(可选)",
                "Also a print PDF (optional)",
                "file_out",
                filter="PDF (*.pdf)",
                optional=True,
            ),
        ],
        "output": P("OUTPUT", "--out", "地图 HTML", "Map HTML", "file_out", filter="HTML (*.html)"),
    },
    {
        "id": "atlas",
        "zh": "成果集",
        "en": "Atlas",
        "group": ("成果", "Outputs"),
        "params": [STUDY, P("YEAR", "--year", "年份(可选)", "Year (optional)", "integer", optional=True)],
        "output": P("OUTPUT", "--out", "输出文件夹", "Output folder", "folder_out"),
    },
]


def _label(p):
    return said(p["zh"], p["en"])


class ZonekitAlgorithm(QgsProcessingAlgorithm):
    """A zonekit command as a Processing algorithm."""

    def __init__(self, spec):
        super().__init__()
        self.spec = spec
        self._help = None

    def createInstance(self):
        return ZonekitAlgorithm(self.spec)

    def name(self):
        return self.spec["id"]

    def displayName(self):
        return said(self.spec["zh"], self.spec["en"])

    def group(self):
        return said(*self.spec["group"])

    def groupId(self):
        return self.spec["group"][1].lower()

    def shortHelpString(self):
        if self._help is None:
            self._help = runner.help_text(self.spec["id"])
        return self._help

    def initAlgorithm(self, config=None):
        for p in self.spec["params"]:
            self.addParameter(_parameter(p))
        out = self.spec["output"]
        if out is not None:
            self.addParameter(_parameter(out))
        if self.spec["id"] == "atlas":
            self.addOutput(QgsProcessingOutputHtml("INDEX", said("成果集首页", "Atlas index page")))
        if self.spec["id"] == "map":
            self.addOutput(QgsProcessingOutputHtml("HTML", said("地图", "Map")))

    def processAlgorithm(self, parameters, context, feedback):
        args, values = [self.spec["id"]], {}
        positional = []
        for p in [*self.spec["params"], *([self.spec["output"]] if self.spec["output"] else [])]:
            value = _value(self, p, parameters, context)
            values[p["name"]] = value
            if value in (None, "", [], False):
                continue
            if p["flag"] is None:
                positional.append(str(value))
            elif p["kind"] == "flag":
                args.append(p["flag"])
            elif isinstance(value, list):
                for v in value:
                    args += [p["flag"], str(v)]
            else:
                args += [p["flag"], str(value)]
        args[1:1] = positional
        args += ["--lang", lang()]
        runner.run(args, feedback)
        out = values.get("OUTPUT")
        results = {}
        if out:
            results["OUTPUT"] = out
        if self.spec["id"] == "import":
            _load(values["STUDY"], [values["AS"]], context)
            results["OUTPUT"] = values["STUDY"]
        elif out and str(out).lower().endswith(".gpkg"):
            _load(out, None, context)
        if self.spec["id"] == "map" and out:
            results["HTML"] = out
        if self.spec["id"] == "atlas" and out:
            results["INDEX"] = os.path.join(out, "index.html")
        return results


def _parameter(p):
    label, optional = _label(p), p.get("optional", False)
    kind = p["kind"]
    if kind in ("study", "file"):
        filt = GPKG if kind == "study" else p.get("filter", "")
        return QgsProcessingParameterFile(
            p["name"], label, QgsProcessingParameterFile.File, "", None, optional, filt
        )
    if kind == "study_out":
        return QgsProcessingParameterFileDestination(p["name"], label, GPKG)
    if kind == "enum":
        param = QgsProcessingParameterEnum(
            p["name"], label, p["options"], p.get("multiple", False), p.get("default"), optional
        )
        param.setUsesStaticStrings(True)
        return param
    if kind == "string":
        return QgsProcessingParameterString(p["name"], label, p.get("default"), False, optional)
    if kind == "number":
        return QgsProcessingParameterNumber(
            p["name"], label, QgsProcessingParameterNumber.Double, p.get("default", 0.0), optional
        )
    if kind == "integer":
        return QgsProcessingParameterNumber(
            p["name"], label, QgsProcessingParameterNumber.Integer, None, optional
        )
    if kind == "flag":
        return QgsProcessingParameterBoolean(p["name"], label, p.get("default", False))
    if kind == "file_out":
        return QgsProcessingParameterFileDestination(p["name"], label, p.get("filter", ""), None, optional)
    if kind == "folder_out":
        return QgsProcessingParameterFolderDestination(p["name"], label, None, optional, not optional)
    raise ValueError(kind)


def _value(alg, p, parameters, context):
    kind, name = p["kind"], p["name"]
    if kind in ("study", "file"):
        return alg.parameterAsFile(parameters, name, context)
    if kind in ("study_out", "file_out"):
        if kind == "file_out" and p.get("optional") and not parameters.get(name):
            return None
        return alg.parameterAsFileOutput(parameters, name, context)
    if kind == "folder_out":
        if p.get("optional") and not parameters.get(name):
            return None
        return alg.parameterAsString(parameters, name, context)
    if kind == "enum":
        if p.get("multiple"):
            return alg.parameterAsEnumStrings(parameters, name, context)
        return alg.parameterAsEnumString(parameters, name, context)
    if kind == "string":
        return alg.parameterAsString(parameters, name, context)
    if kind == "number":
        v = alg.parameterAsDouble(parameters, name, context)
        return v or None
    if kind == "integer":
        return (
            alg.parameterAsInt(parameters, name, context) if parameters.get(name) not in (None, "") else None
        )
    if kind == "flag":
        return alg.parameterAsBool(parameters, name, context)
    raise ValueError(kind)


def _load(path, only, context):
    """Load the layers of a GeoPackage zonekit wrote into the project, styled, tables as layers too."""
    from osgeo import ogr

    ds = ogr.Open(path)
    if ds is None:
        return
    names = [ds.GetLayerByIndex(i).GetName() for i in range(ds.GetLayerCount())]
    ds = None
    for name in names:
        if (
            (only and name not in only)
            or name.startswith(("zonekit_", "gpkg_", "rtree_"))
            or name == "metadata"
        ):
            continue
        uri = f"{path}|layername={name}"
        details = QgsProcessingContext.LayerDetails(name, context.project(), name)
        details.setPostProcessor(keep(StyleLayer()))
        context.addLayerToLoadOnCompletion(uri, details)
