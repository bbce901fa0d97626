"""Messages of The one map (`/map`) and its layers.

Part of the one catalogue: `core/messages.py` merges this dict into CATALOGUE. Each key maps
to its (Chinese, English) text.
"""
from __future__ import annotations

MAP_MESSAGES: dict[str, tuple[str, str]] = {
    "nav.map": ("一张图", "One map"),
    "onemap.title": ("全市一张图", "The city on one map"),
    "onemap.layers": ("图层", "Layers"),
    "onemap.legend": ("图例", "Legend"),
    "onemap.indicator": ("区域着色指标", "Areas coloured by"),
    "onemap.measure": ("口径", "Measure"),
    "onemap.layer.county": ("县（市、区）", "Counties"),
    "onemap.layer.township": ("乡镇（街道）", "Townships"),
    "onemap.layer.alerts": ("未办结预警", "Open alerts"),
    "onemap.layer.projects": ("重点项目", "Key projects"),
    "onemap.layer.cameras": ("视频监控", "Cameras"),
    "onemap.layer.resources": ("应急资源", "Emergency resources"),
    "onemap.camera.online": ("在线", "Online"),
    "onemap.camera.offline": ("离线", "Offline"),
    "onemap.project_invalid": ("进度数据无效", "Invalid progress data"),
    "onemap.progress": ("实际 {actual}% / 计划 {planned}%", "actual {actual}% / planned {planned}%"),
    "onemap.capacity": ("容量", "capacity"),
    "onemap.cluster": ("{n} 个{what}，放大查看", "{n} × {what}: zoom in"),
    "onemap.layer_problem": ("此图层无法显示：{problem}", "This layer cannot be shown: {problem}"),
    "onemap.unplaced": ("{n} 条没有坐标，未在地图上显示", "{n} without coordinates, not on the map"),
    "onemap.outline": ("边界线", "Borders"),
    "onemap.no_layers": ("未打开任何图层", "No layer is on"),
    "onemap.bad_query": ("链接中的参数无效，已忽略：{keys}", "Invalid link parameters ignored: {keys}"),
    "onemap.hint": ("点击区县进入经济运行，点击预警打开详情，点击摄像头进入视频调度，点击项目查看项目。",
                    "Click a county for its economy, an alert for its detail, a camera for video dispatch, "
                    "a project for the project."),
}
