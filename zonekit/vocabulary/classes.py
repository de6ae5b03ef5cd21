"""Shared names and colours of the domain's categories, for every place that shows them (maps, reports)."""

from __future__ import annotations

# land-use analysis classes: colours after Chinese land-use planning maps, and their Chinese names
CLASS_COLOURS = {
    "industrial": "#b07a4a",
    "logistics": "#8e6bbf",
    "commercial": "#e4553b",
    "residential": "#f6d55c",
    "public_services": "#e98bb5",
    "transport": "#9e9e9e",
    "green_open": "#59b35a",
    "water": "#5aa9e6",
    "farmland": "#cfe8a9",
    "ecological_unused": "#2f7d32",
    "other": "#c8c8c8",
    "unknown": "#000000",
}
CLASS_ZH = {
    "industrial": "工业",
    "logistics": "物流仓储",
    "commercial": "商业服务",
    "residential": "居住",
    "public_services": "公共管理与服务",
    "transport": "交通",
    "green_open": "绿地与开敞空间",
    "water": "水域",
    "farmland": "农用地",
    "ecological_unused": "生态与未利用地",
    "other": "其他",
    "unknown": "未识别",
}
CLASS_EN = {
    "industrial": "industrial",
    "logistics": "logistics",
    "commercial": "commercial",
    "residential": "residential",
    "public_services": "public services",
    "transport": "transport",
    "green_open": "green/open",
    "water": "water",
    "farmland": "farmland",
    "ecological_unused": "ecological",
    "other": "other",
    "unknown": "unknown code",
}
# consolidation actions
ACTION_ZH = {
    "adjust_boundary": "调整边界",
    "absorb": "整合吸收",
    "entrust": "托管",
    "merge": "合并",
    "shrink": "核减或再开发",
    "consolidate_or_exit": "整合或退出",
}
