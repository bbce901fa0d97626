"""Messages that complete the English UI: units, singulars, the project grid, the alert detail.

Part of the one catalogue: `core/messages.py` merges EN_FIX_MESSAGES into CATALOGUE, then the
singulars (a key's text for n = 1, as `<key>.one`, see core.i18n.t). Each key maps to its
(Chinese, English) text. UNITS_EN words the warehouse's units in English (core.values.localized_unit).
"""
from __future__ import annotations

EN_FIX_MESSAGES: dict[str, tuple[str, str]] = {
    "projects.search": ("搜索", "Search"),
    "projects.search_hint": ("项目名称、县区、类别…", "Project, county, category…"),
    "projects.count": ("共 {n} 个项目", "{n} projects"),
    "alerts.d.legend_alert": ("本预警（{level}）", "This alert ({level})"),
    "alerts.d.legend_resources": ("应急资源", "Resources"),
    "alerts.d.legend_cameras": ("视频监控", "Cameras"),
    "alerts.d.legend_borders": ("县区边界", "County borders"),
    "alerts.d.cannot_play.offline": ("离线，无法播放", "Offline: cannot play"),
    "alerts.d.cannot_play.no_gateway": ("无视频地址，且未配置视频网关（video.stream_url_template）",
                                        "No stream address, and no video gateway configured "
                                        "(video.stream_url_template)"),
    "camera.kind.public_security": ("治安监控", "Public security"),
    "camera.kind.traffic": ("交通监控", "Traffic"),
    "camera.kind.forest_fire": ("森林防火", "Forest fire watch"),
    "camera.kind.city": ("城市管理", "City management"),
    "camera.kind.water": ("水利监测", "Water"),
    "camera.kind.other": ("其他", "Other"),
    "resource.kind.other": ("其他", "Other"),
    "export.chart_source": ("数据来源：{source}　导出时间：{time}", "Source: {source}. Exported {time}"),
    "export.chart_subtitle": ("{region} · {period} · 单位：{unit}", "{region} · {period} · Unit: {unit}"),
}

# The English text of a key when n is 1 (the Chinese text is the same as for any n).
EN_SINGULAR: dict[str, str] = {
    "quality.duplicate": "{n} duplicate row dropped",
    "quality.null_value": "{n} empty value shown as “—”",
    "quality.unknown_level": "{n} alert with an invalid level not counted",
    "quality.unknown_region": "{n} row with an unknown region code (left out of county figures)",
    "quality.out_of_range": "{n} out-of-range value skipped",
    "quality.future_stamp": "{n} row stamped later than now skipped",
    "quality.no_report": "{n} project without a progress report",
    "map.missing_regions": "{n} sub-region has no boundary and is not on the map",
    "map.skipped_geometries": "{n} unreadable boundary row skipped",
    "alerts.new_flash_more": "{n} new alert, latest: {title}",
    "alerts.err.note_too_long": "A note may have at most {n} character",
    "economy.children_no_data": "{n} area without data, not ranked: {names}",
    "admin.audit.count": "{n} event, newest first",
    "projects.count": "{n} project",
}

# The warehouse's units (dim_indicator.unit) in English.
UNITS_EN: dict[str, str] = {
    "亿元": "100 million yuan", "万元": "10,000 yuan", "元": "yuan", "千元": "1,000 yuan",
    "%": "%", "％": "%", "件": "cases", "起": "incidents", "人": "persons", "万人": "10,000 persons",
    "户": "households", "个": "units", "家": "enterprises", "天": "days", "吨": "tonnes", "万吨": "10,000 tonnes",
    "千瓦时": "kWh", "万千瓦时": "10,000 kWh", "亿千瓦时": "100 million kWh", "公里": "km", "千米": "km",
    "平方米": "m²", "万平方米": "10,000 m²", "亩": "mu", "公顷": "ha", "辆": "vehicles", "次": "times",
    "元/人": "yuan per person", "元/月": "yuan per month", "微克/立方米": "µg/m³", "点": "points",
    "个百分点": "percentage points", "倍": "times", "张": "beds", "床": "beds",
}
