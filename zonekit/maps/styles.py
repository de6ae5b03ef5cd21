"""Colours, labels and units of the map; plain data, no folium."""

from __future__ import annotations

from zonekit.vocabulary.classes import ACTION_ZH, CLASS_COLOURS, CLASS_EN, CLASS_ZH

__all__ = ["ACTION_COLOURS", "CLASS_COLOURS", "LABELS", "PARK_KIND_DASH", "PROTECTED_COLOUR", "ZONE_COLOURS"]

# 16 distinguishable zone colours (colour-blind friendly first)
ZONE_COLOURS = [
    "#1f77b4",
    "#ff7f0e",
    "#2ca02c",
    "#d62728",
    "#9467bd",
    "#8c564b",
    "#e377c2",
    "#17becf",
    "#bcbd22",
    "#7f7f7f",
    "#393b79",
    "#637939",
    "#8c6d31",
    "#843c39",
    "#7b4173",
    "#3182bd",
]
PARK_KIND_DASH = {"main": None, "sub": "6 4", "theme": "2 3", "enclave": "10 4 2 4"}
ACTION_COLOURS = {
    "adjust_boundary": "#d7191c",
    "absorb": "#fdae61",
    "entrust": "#2b83ba",
    "merge": "#abdda4",
    "shrink": "#984ea3",
    "consolidate_or_exit": "#636363",
}
PROTECTED_COLOUR = "#e31a1c"

LABELS = {
    "zh": {
        "admin": "行政区划",
        "zones": "开发区",
        "parks": "园区",
        "enclave_links": "飞地与飞出地",
        "landuse": "土地利用",
        "intensity": "集约度分值",
        "indicator": "指标",
        "consolidation": "整合候选",
        "protected": "保护区（红线）",
        "findings": "园区占用红线",
        "legend": "图例",
        "main": "主园区",
        "sub": "分园区",
        "theme": "主题园（园中园）",
        "enclave": "飞地园区",
        "illustrative": "示例数据：开发区、园区边界均为示意，非真实范围。",
        "gaode": "高德底图为GCJ-02坐标：图层已偏移显示副本以对齐底图，数据本身仍为CGCS2000。",
        "name": "名称",
        "area": "面积",
        "score": "集约度分值",
        "grade": "等级",
        "home": "飞出地",
        "search": "搜索园区或开发区",
        "ha": "公顷",
        "mu": "亩",
        "wan_per_ha": "万元/公顷",
        "kind": "类别",
        "far": "综合容积率",
        "investment": "固定资产投入强度",
        "tax": "地均税收",
        "development_rate": "土地开发率",
        "area_ha": "重叠面积(公顷)",
    },
    "en": {
        "admin": "Admin boundaries",
        "zones": "Zones",
        "parks": "Parks",
        "enclave_links": "Enclaves → home",
        "landuse": "Land use",
        "intensity": "Intensity score",
        "indicator": "Indicator",
        "consolidation": "Consolidation candidates",
        "protected": "Protected areas (red lines)",
        "findings": "Parks in red lines",
        "legend": "Legend",
        "main": "main park",
        "sub": "sub-park",
        "theme": "theme park",
        "enclave": "enclave park",
        "illustrative": "Sample data: zone and park boundaries are illustrative, not real.",
        "gaode": "Gaode tiles are GCJ-02: the layers are drawn as shifted display copies to line up; the data "
        "stay CGCS2000.",
        "name": "Name",
        "area": "Area",
        "score": "Score",
        "grade": "Grade",
        "home": "Home",
        "adjust_boundary": "adjust boundary",
        "absorb": "absorb",
        "entrust": "entrust (托管)",
        "merge": "merge",
        "shrink": "shrink / redevelop",
        "consolidate_or_exit": "consolidate or exit",
        "search": "Search park or zone",
        "ha": "ha",
        "mu": "mu",
        "wan_per_ha": "10k CNY/ha",
        "kind": "Kind",
        "far": "FAR",
        "investment": "Investment",
        "tax": "Tax",
        "development_rate": "Development rate",
        "area_ha": "Overlap (ha)",
    },
}
LABELS["en"].update(CLASS_EN)
LABELS["zh"].update(CLASS_ZH)
LABELS["zh"].update(ACTION_ZH)
