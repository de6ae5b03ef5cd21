"""Column headers in Chinese and English, with units."""

from __future__ import annotations

from zonekit.vocabulary.classes import ACTION_ZH, CLASS_ZH

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
    "reason": "拒收原因",
    "scope_reason": "口径依据",
    "repairs": "几何修复",
    "what": "修复内容",
    "feature_id": "要素编号",
    "feature_name": "要素名称",
    "source_position": "源文件中的位置",
    "area_before_m2": "修复前面积(平方米)",
    "area_after_m2": "修复后面积(平方米)",
    "area_change_m2": "面积变化(平方米)",
    "area_change_ha": "面积变化(公顷)",
    "area_change_mu": "面积变化(亩)",
    # study info
    "features": "要素数",
    "geometry": "几何类型",
    "columns": "列数",
    "min_lon": "最小经度",
    "min_lat": "最小纬度",
    "max_lon": "最大经度",
    "max_lat": "最大纬度",
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
    "value": "数值",  # an indicator's value (控制指标, 全国对比); the metadata sheet's values are its 内容
}
# intensity, 亩均 and control tables
LABELS_ZH.update(
    {
        "surveyed_ha": "调查地块面积(公顷)",
        "parcels": "地块数",
        "zone_type": "评价类型",
        "score": "集约度分值",
        "grade": "等级",
        "notes": "说明",
        "indicator": "指标",
        "national": "全国参考值",
        "ratio": "与全国比值",
        "development_rate": "土地开发率",
        "supply_rate": "土地供应率",
        "construction_rate": "土地建成率",
        "industrial_land_ratio": "工业用地率",
        "composite_far": "综合容积率",
        "building_density": "建筑密度",
        "industrial_far": "工业用地综合容积率",
        "industrial_building_coefficient": "工业用地建筑系数",
        "investment_intensity": "工业用地固定资产投入强度(万元/公顷)",
        "industrial_tax_per_ha": "工业用地地均税收(万元/公顷)",
        "tax_per_ha": "综合地均税收(万元/公顷)",
        "idle_land_ratio": "土地闲置率",
        "A_ha": "已建成城镇建设用地A(公顷)",
        "A1_ha": "住宅用地A1(公顷)",
        "A2_ha": "工矿仓储用地A2(公顷)",
        "B21_ha": "已达到供地条件土地B21(公顷)",
        "C_ha": "不可建设土地C(公顷)",
        "D_ha": "已供应土地D(公顷)",
        "G_ha": "闲置土地G(公顷)",
        "industrial_ha": "工业(公顷)",
        "logistics_ha": "物流仓储(公顷)",
        "commercial_ha": "商业服务(公顷)",
        "residential_ha": "居住(公顷)",
        "public_services_ha": "公共管理与服务(公顷)",
        "transport_ha": "交通(公顷)",
        "green_open_ha": "绿地与开敞空间(公顷)",
        "water_ha": "水域(公顷)",
        "farmland_ha": "农用地(公顷)",
        "ecological_unused_ha": "生态与未利用地(公顷)",
        "other_ha": "其他(公顷)",
        "unknown_ha": "未识别地类(公顷)",
        "enterprise_id": "企业代码",
        "land_mu": "用地面积(亩)",
        "tax_per_mu": "亩均税收(万元/亩)",
        "revenue_per_mu": "亩均销售收入(万元/亩)",
        "mujun_score": "亩均综合得分",
        "mujun_class": "亩均分类",
        "rank_pct": "排名百分位",
        "a_layer": "图层A",
        "a_id": "A要素编号",
        "a_name": "A名称",
        "b_layer": "图层B",
        "b_id": "B要素编号",
        "b_name": "B名称",
        "overlap_m2": "重叠面积(平方米)",
        "overlap_ha": "重叠面积(公顷)",
        "overlap_mu": "重叠面积(亩)",
        "pct_of_a": "占A比例(%)",
        "pct_of_b": "占B比例(%)",
        "a_area_ha": "A面积(公顷)",
        "b_class": "B类别",
        "group_id": "候选组",
        "zones": "开发区",
        "zone_names": "开发区名称",
        "parks": "园区",
        "rules": "触发规则",
        "suggested_action": "建议措施",
        "actions": "全部措施",
        "priority": "优先级",
        "evidence": "依据",
        "rule": "规则",
        "action": "措施",
        "other_zone_id": "关联开发区",
        "distance_m": "距离(米)",
        "similarity": "主导产业相似度",
        "covered_m2": "覆盖面积(平方米)",
        "covered_ha": "覆盖面积(公顷)",
        "covered_mu": "覆盖面积(亩)",
        "group": "评价范围",
        "weights_used": "权重体系",
    }
)

# layer columns, enclave, boundary-version, overlap-preset and ranking tables
LABELS_ZH.update(
    {
        "adcode": "行政区代码",
        "parent_adcode": "上级行政区代码",
        "county": "所在县(区)",
        "county_adcode": "所在县代码",
        "adjusted_on": "调整日期",
        "approved_area_ha": "核准面积(公顷)",
        "area_id": "保护区代码",
        "build_status": "建设状态",
        "supplied": "是否已供应",
        "idle": "是否闲置",
        "is_construction": "是否建设用地",
        "land_use_flag": "地类标记",
        "land_use_name": "地类名称",
        "land_area_m2": "用地面积(平方米)",
        "source_area_m2": "原图斑面积(平方米)",
        "lead_industries": "主导产业",
        "parent_park_id": "上级园区代码",
        "in_catalogue": "是否列入目录",
        "region": "所属区域",
        "industry_code": "行业代码",
        "gfa_m2": "建筑面积(平方米)",
        "footprint_m2": "建筑基底面积(平方米)",
        "yard_m2": "露天堆场面积(平方米)",
        "investment_wan": "固定资产投资(万元)",
        "revenue_wan": "营业收入(万元)",
        "tax_wan": "税收(万元)",
        "value_added_wan": "工业增加值(万元)",
        "energy_tce": "综合能耗(吨标准煤)",
        "employees": "从业人数",
        "rd_wan": "研发经费(万元)",
        "land_m2": "用地面积(平方米)",
        "benchmark_tax_per_mu": "亩均税收基准值(万元/亩)",
        "benchmark_revenue_per_mu": "亩均销售收入基准值(万元/亩)",
        "benchmark_value_added_per_mu": "亩均增加值基准值(万元/亩)",
        "benchmark_tax_per_energy": "单位能耗税收基准值(万元/吨标准煤)",
        "value_added_per_mu": "亩均增加值(万元/亩)",
        "tax_per_energy": "单位能耗税收(万元/吨标准煤)",
        "threshold": "控制值",
        "metric": "分成指标",
        "home_adcode": "飞出地代码",
        "host_adcode": "飞入地代码",
        "home_share": "飞出地分成比例",
        "host_share": "飞入地分成比例",
        "home_wan": "飞出地分得(万元)",
        "host_wan": "飞入地分得(万元)",
        "total_wan": "合计(万元)",
        "value_wan": "金额(万元)",
        "role": "角色",
        "valid_from": "起始日期",
        "valid_to": "终止日期",
        "rule_valid_from": "分成规则起始日期",
        "rule_valid_to": "分成规则终止日期",
        "distance_km": "距离(公里)",
        "year": "年份",
        "version": "版本",
        "from_version": "调整前版本",
        "to_version": "调整后版本",
        "version_1": "版本一",
        "version_2": "版本二",
        "added_ha": "新增面积(公顷)",
        "added_mu": "新增面积(亩)",
        "removed_ha": "减少面积(公顷)",
        "removed_mu": "减少面积(亩)",
        "parcels_in": "调入地块数",
        "parcels_out": "调出地块数",
        "outside_m2": "超出面积(平方米)",
        "outside_ha": "超出面积(公顷)",
        "outside_mu": "超出面积(亩)",
        "pct_of_park": "占园区比例",
        "inside": "位于保护区内",
        "within_m": "距离(米)",
        "b_kind": "B类别",
        "rank_in_region": "区域内排名",
        "zones_in_region": "区域内开发区数",
        "utilisation": "土地利用状况得分",
        "structure": "用地结构状况得分",
        "intensity": "土地利用强度得分",
        "land_use": "土地利用状况总分",
        "efficiency": "产业用地投入产出效益得分",
        "management": "土地利用监管绩效得分",
        "total": "综合得分",
        "area_change_m2": "面积变化(平方米)",
        "area_change_ha": "面积变化(公顷)",
        "area_change_mu": "面积变化(亩)",
        "feature_id": "要素编号",
        "feature_name": "要素名称",
        "source_position": "源文件中的位置",
        "source_sha256": "来源文件 SHA-256",
        "gdp_wan": "地区生产总值(万元)",
        "figures_from": "数据来源",
        "priority_formula": "优先级计算",
        "zone_count": "开发区数",
        "record_id": "记录编号",
        "date": "统计时点",
        "snapshot": "所用快照(地块与企业)",
        "flags": "变化提示",
        "liable": "可依法收回",
        "expansion_ha": "扩展潜力(公顷)",
        "expansion_mu": "扩展潜力(亩)",
        "intensity_extra_gfa_m2": "强度潜力:可增建筑面积(平方米)",
        "intensity_equivalent_ha": "强度潜力:折合用地(公顷)",
        "intensity_equivalent_mu": "强度潜力:折合用地(亩)",
        "management_ha": "管理潜力(公顷)",
        "management_mu": "管理潜力(亩)",
        "approved_not_supplied_ha": "批而未供(公顷)",
        "supplied_not_used_ha": "供而未用(公顷)",
        "used_not_fully_ha": "用而未尽(公顷)",
        "built_not_producing_ha": "建而未投(公顷)",
        "producing_below_standard_ha": "投而未达标(公顷)",
        "supply_id": "电子监管号",
        "project_name": "项目名称",
        "holder": "土地使用权人",
        "supply_method": "供地方式",
        "contract_date": "合同签订日期",
        "agreed_start": "约定开工时间",
        "agreed_completion": "约定竣工时间",
        "actual_start": "实际开工时间",
        "actual_completion": "实际竣工时间",
        "agreed_far_min": "约定容积率下限",
        "agreed_far_max": "约定容积率上限",
        "agreed_investment_wan_per_mu": "约定投资强度(万元/亩)",
        "agreed_tax_wan_per_mu": "约定亩均税收(万元/亩)",
        "approval_id": "批准文号",
        "approved_date": "批准日期",
        "approval_kind": "批准类型",
        "approval_area_ha": "批准面积(公顷)",
        "catalogued": "目录内开发区数",
        "not_catalogued": "目录外开发区数",
        "catalogued_ha": "目录内面积(公顷)",
        "merges": "一县一区归并",
        "zones_after": "整合后开发区数",
        "measure": "项目",
        "before": "整合前",
        "after": "整合后(估计)",
        "change": "变化",
        "mean_score": "面积加权平均集约度分值",
        "problem": "问题",
        "fdi_wan": "实际利用外资(万元)",
    }
)


RULE_ZH = {
    "one_county_one_zone": "一县一区",
    "adjacent": "相邻且产业相近",
    "scattered": "园区分散或过小",
    "low_intensity": "集约度偏低",
    "redline": "占用红线或基本农田",
    "outside_zone": "超出开发区边界",
    "over_approved": "超出核准面积",
}

LAYER_ZH = {
    "admin": "行政区",
    "zones": "开发区",
    "parks": "园区",
    "enclaves": "飞地分成",
    "landuse": "地块",
    "protected": "保护区",
    "enterprises": "企业",
    "zone_versions": "开发区边界版本",
    "supply": "供地",
    "approvals": "农转用与征收批准",
}
CHECK_ZH = {
    "crs_mismatch": "坐标系不一致",
    "schema": "字段不合规",
    "invalid_geometry": "几何无效",
    "park_overlap": "园区相互重叠",
    "same_zone": "同一开发区内重叠",
    "two_zones": "跨开发区重叠",
    "theme_without_parent": "主题园缺少上级园区",
    "theme_parent_missing": "主题园的上级园区不存在",
    "theme_outside_parent": "主题园超出上级园区",
    "park_zone_missing": "园区所属开发区不存在",
    "park_outside_zone": "园区超出开发区边界",
    "host_outside_admin": "飞入地代码与行政区不符",
    "host_adcode_mismatch": "园区所在行政区代码不符",
    "enclave_host_is_home": "飞出地与飞入地相同",
    "share_sum": "分成比例之和不为 1",
    "share_overlap": "分成期间重叠",
    "enclave_park_missing": "飞地园区不存在",
    "enclave_without_rules": "飞地缺少分成规则",
    "unknown_land_use_code": "未识别的地类编码",
}
KIND_ZH = {
    "main": "主园区",
    "sub": "分园区",
    "theme": "主题园",
    "enclave": "飞地园区",
    "eco_redline": "生态保护红线",
    "basic_farmland": "永久基本农田",
    "nature_reserve": "自然保护地",
    "water_source": "饮用水水源保护区",
    "other": "其他",
    "province": "省",
    "city": "市",
    "county": "县(区)",
    "town": "乡镇",
}
LEVEL_ZH = {"national": "国家级", "provincial": "省级", "municipal": "市级", "other": "其他"}
TYPE_ZH = {
    "etdz": "经济技术开发区",
    "hitech": "高新技术产业开发区",
    "bonded": "海关特殊监管区域",
    "border": "边境/跨境经济合作区",
    "other": "其他",
}
ZONE_TYPE_ZH = {"industrial": "工业主导型", "integrated": "产城融合型", "other": "其他类型"}
REGION_ZH = {"east": "东部", "central": "中部", "west": "西部", "northeast": "东北"}
METRIC_ZH = {
    "gdp": "地区生产总值",
    "tax": "税收",
    "output": "产值",
    "revenue": "营业收入",
    "investment": "固定资产投资",
    "fdi": "实际利用外资",
}
MODE_ZH = {"create": "新建", "replace": "替换", "append": "追加"}
CODE_SYSTEM_ZH = {
    "gb21010_2017": "GB/T 21010-2017",
    "sandiao": "三调工作分类",
    "ydyh_2020": "国土空间用地用海分类(2020)",
    "ydyh_2023": "国土空间用地用海分类(2023)",
}
ROLE_ZH = {"home": "飞出地", "host": "飞入地"}
INDICATOR_ZH = LABELS_ZH | {
    "far": "容积率",
    "investment_intensity": "投资强度",
    "building_coefficient": "建筑系数",
    "admin_share": "行政办公及生活服务设施用地所占比重",
    "green_ratio": "绿地率",
}  # indicator names as values
BUILD_ZH = {
    "built": "已建成",
    "serviced": "已达供地条件",
    "unserviced": "未达供地条件",
    "unbuildable": "不可建设",
}
GROUP_ZH = {"(outside parks)": "(园区以外)"}
VALUES_ZH = {  # a value that lists several codes ("absorb,merge") is said code by code
    "unit": {"ha": "公顷", "share": "比例", "10k CNY/ha": "万元/公顷"},
    "offset": {"gcj02": "GCJ-02(高德/腾讯)", "bd09": "BD-09(百度)"},
    "suggested_action": ACTION_ZH,
    "action": ACTION_ZH,
    "actions": ACTION_ZH,
    "rule": RULE_ZH,
    "rules": RULE_ZH,
    "zone_type": ZONE_TYPE_ZH,
    "weights_used": ZONE_TYPE_ZH,
    "version_1": ZONE_TYPE_ZH,  # the indicators-by-version table: the evaluation type row among numbers
    "version_2": ZONE_TYPE_ZH,
    "check": CHECK_ZH,
    "layer": LAYER_ZH,
    "a_layer": LAYER_ZH,
    "b_layer": LAYER_ZH,
    "b_kind": KIND_ZH,
    "b_class": KIND_ZH,
    "level": {**LEVEL_ZH, **KIND_ZH},
    "type": TYPE_ZH,
    "region": REGION_ZH,
    "metric": METRIC_ZH,
    "mode": MODE_ZH,
    "code_system": CODE_SYSTEM_ZH,
    "role": ROLE_ZH,
    "build_status": BUILD_ZH,
    "analysis_class": CLASS_ZH,
    "kind": {
        **KIND_ZH,
        "approved_not_supplied": "批而未供",
        "supplied_not_used": "供而未用",
        "used_not_fully": "用而未尽",
        "built_not_producing": "建而未投",
        "producing_below_standard": "投而未达标",
    },
    "approval_kind": {"conversion": "农用地转用", "requisition": "土地征收"},
    "group": GROUP_ZH,
    "figures_from": {"enterprise_record": "企业名录", "parcels": "地块属性"},
    "flags": {
        "approved_not_supplied_grew": "批而未供增加",
        "supplied_not_used_grew": "供而未用增加",
        "management_grew": "管理潜力增加",
        "grade_dropped": "等级下降",
        "idle_grew": "闲置土地增加",
    },
    "measure": {
        "zones": "开发区数",
        "parks": "园区数",
        "area_ha": "总面积(公顷)",
        "mean_score": "面积加权平均集约度分值",
    },
    "problem": {"no_parcels": "名录企业无对应地块", "no_record": "地块企业不在名录中"},
    "indicator": INDICATOR_ZH,
}
SEVERITY_ZH = {"error": "错误", "warning": "警告", "info": "提示"}
SHEET_ZH = {
    "findings": "检查结果",
    "imports": "导入记录",
    "rejected": "拒收要素",
    "repairs": "几何修复",
    "metadata": "元数据",
    "indicators": "集约利用指标",
    "scores": "指标得分",
    "national": "全国对比",
    "mujun": "亩均评价",
    "mujun_parks": "园区亩均分类",
    "control": "控制指标违规",
    "raster": "土地覆盖",
    "pairs": "重叠要素对",
    "ranking": "区域排名",
    "groups": "整合候选组",
    "parks_in_redlines": "园区占用红线与基本农田",
    "chemical_near_protected": "化工地块与保护区",
    "parks_across_counties": "跨县园区",
    "parks_outside_zone": "园区超出开发区边界",
    "cross_zone_overlaps": "跨开发区园区重叠",
    "candidates": "候选规则明细",
    "split": "飞地利益分成",
    "jurisdictions": "分地区汇总",
    "distances": "飞地距离",
    "scope": "统计口径",
    "changes": "边界变化",
    "coverage": "覆盖统计",
    "unmatched": "未匹配企业",
    "plots": "低效用地(五类)",
    "parks_potential": "园区潜力",
    "zones_potential": "开发区潜力",
    "change": "变化",
    "by_date": "各统计时点",
    "counties": "分县汇总",
    "before_after": "整合前后对比",
}


META_ZH = {
    "study": "研究库",
    "storage CRS": "存储坐标系",
    "area method": "面积算法",
    "layers": "图层",
    "config": "配置",
    "a": "图层A",
    "b": "图层B",
    "buffer (m)": "缓冲距离(米)",
    "pairs": "要素对数",
    "year": "年份",
    "preset": "预设",
    "by": "评价单元",
    "main": "主表",
    "run at": "运行时间",
    "zonekit version": "zonekit 版本",
    "command line": "命令行",
    "config text": "配置全文",
    "units": "评价单元数",
    "parcels": "地块数",
    "intersecting pairs": "相交的评价单元与地块对数",
    "pairs inside (fast path)": "整块位于单元内的地块对数",
    "zone type rule": "评价类型判定规则",
    "layer": "图层",
    "features": "要素数",
    "enterprise figures": "企业数据来源",
    "statistics date": "统计时点",
    "snapshots": "各统计时点所用快照",
    "thresholds": "判定阈值",
    "priority": "优先级规则",
}


def meta_key(key: str) -> str:
    """A metadata key in Chinese (``note 3`` → ``说明 3``); unknown keys as they are.

    Parameters
    ----------
    key : str
        The key.

    Returns
    -------
    str
        The Chinese key.

    Examples
    --------
    >>> meta_key("area method"), meta_key("note 2")
    ('面积算法', '说明 2')
    """
    if key.startswith("note "):
        return "说明 " + key[5:]
    if key.startswith("input "):
        return "输入图层:" + LAYER_ZH.get(key[6:], key[6:])
    return META_ZH.get(key, LABELS_ZH.get(key, key))


def header(column: str, lang: str) -> str:
    """The header for ``column`` in ``lang`` (``zh`` or ``en``).

    Parameters
    ----------
    column : str
        The column.
    lang : str
        Language: ``zh`` (the default) or ``en``.

    Returns
    -------
    str
        The header for ``column`` in ``lang`` (``zh`` or ``en``).
    """
    if lang != "zh":
        return column
    if column in LABELS_ZH:
        return LABELS_ZH[column]
    for suffix, word in SUFFIXES_ZH:  # management_ha_change → 管理潜力变化(公顷)
        base = column.removesuffix(suffix)
        if base != column and base in LABELS_ZH:
            name, _, unit = LABELS_ZH[base].partition("(")
            return f"{name}{word}({unit}" if unit else f"{name}{word}"
    for prefix, pattern in PATTERNS_ZH:
        if column.startswith(prefix) and len(column) > len(prefix):
            rest = column[len(prefix) :]
            return pattern.format(_bare(LABELS_ZH.get(rest, rest)))
    return column


def layer_said(layer: str, lang: str) -> str:
    """A study layer named for a reader of ``lang``: ``园区(parks)`` in Chinese, the table name in English.

    Parameters
    ----------
    layer : str
        The layer's table name.
    lang : str
        Language: ``zh`` (the default) or ``en``.

    Returns
    -------
    str
        In Chinese its Chinese name with the table name beside (the table name alone when it has none).

    Examples
    --------
    >>> layer_said("parks", "zh"), layer_said("parks_previous", "zh"), layer_said("parks", "en")
    ('园区(parks)', 'parks_previous', 'parks')
    """
    return f"{LAYER_ZH[layer]}({layer})" if lang == "zh" and layer in LAYER_ZH else layer


def mapping_said(mapping: str, lang: str) -> str:
    """A field mapping as stored (``DLBM→land_use_code, …``) with each target named in ``lang``.

    Parameters
    ----------
    mapping : str
        ``source→target`` pairs joined by ``", "``.
    lang : str
        Language: ``zh`` (the default) or ``en``.

    Returns
    -------
    str
        The same pairs, each target under its header in ``lang``; the source names as the file has them.

    Examples
    --------
    >>> mapping_said("DLBM→land_use_code, 名称→name", "zh")
    'DLBM→地类编码、名称→名称'
    >>> mapping_said("DLBM→land_use_code", "en")
    'DLBM→land_use_code'
    """
    if lang != "zh" or not mapping:
        return mapping
    pairs = [p.rpartition("→") for p in mapping.split(", ")]
    return "、".join(f"{src}→{header(dst, lang)}" if arrow else dst for src, arrow, dst in pairs)


SUFFIXES_ZH = (("_change", "变化"), ("_first", "(首个时点)"), ("_last", "(末个时点)"))
"""Headers made from another column's name and a suffix (``score_change`` → 集约度分值变化)."""


PATTERNS_ZH = (
    ("score_", "{}得分"),
    ("share_", "{}类占比"),
    ("benchmark_", "{}基准值"),
)
"""Headers made from a prefix and another column's name (``score_supply_rate`` → 土地供应率得分)."""


def _bare(label: str) -> str:
    """A label without its unit: ``投资强度(万元/公顷)`` → ``投资强度``."""
    return label.split("(", 1)[0]


def sheet_title(table: str, lang: str) -> str:
    """A sheet name for ``table``.

    Parameters
    ----------
    table : str
        The table name.
    lang : str
        Language: ``zh`` (the default) or ``en``.

    Returns
    -------
    str
        A sheet name for ``table``.
    """
    return SHEET_ZH.get(table, table) if lang == "zh" else table
