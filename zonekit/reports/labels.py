"""Column headers in Chinese and English, with units."""

from __future__ import annotations

LABELS_ZH: dict[str, str] = {
    # findings
    "severity": "严重程度",
    "check": "检查项",
    "layer": "图层",
    "ids": "要素编号",
    "message": "说明",
    "quantity": "数值",
    "unit": "单位",
    # imports
    "import_id": "导入编号",
    "source": "来源",
    "format": "格式",
    "source_layer": "来源图层",
    "encoding": "编码",
    "encoding_how": "编码判定依据",
    "source_crs": "源坐标系",
    "crs_how": "坐标系判定依据",
    "offset": "偏移纠正",
    "code_system": "地类分类体系",
    "code_system_how": "分类体系判定依据",
    "fields_mapped": "字段映射",
    "read": "读取要素数",
    "loaded": "入库要素数",
    "repaired": "修复要素数",
    "rejected": "拒收要素数",
    "mode": "导入方式",
    "imported_at": "导入时间",
    "zonekit_version": "zonekit 版本",
    "rejected_reasons": "拒收原因",
    "unknown_codes": "未知地类编码",
    "notes": "备注",
    # layers
    "zone_id": "开发区代码",
    "park_id": "园区代码",
    "name": "名称",
    "level": "级别",
    "type": "类型",
    "kind": "类别",
    "area_m2": "面积(平方米)",
    "area_ha": "面积(公顷)",
    "area_mu": "面积(亩)",
    "parcel_id": "地块编号",
    "land_use_code": "地类编码",
    "analysis_class": "分析类别",
    "key": "项目",
    "value": "内容",
}
SEVERITY_ZH = {"error": "错误", "warning": "警告", "info": "提示"}
SHEET_ZH = {
    "findings": "检查结果",
    "imports": "导入记录",
    "rejected": "拒收要素",
    "repairs": "几何修复",
    "metadata": "元数据",
}


def header(column: str, lang: str) -> str:
    """The header for ``column`` in ``lang`` (``zh`` or ``en``)."""
    return LABELS_ZH.get(column, column) if lang == "zh" else column


def sheet_title(table: str, lang: str) -> str:
    """A sheet name for ``table``."""
    return SHEET_ZH.get(table, table) if lang == "zh" else table
