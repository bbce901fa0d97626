"""Messages of The wall screen (`/screen`).

Part of the one catalogue: `core/messages.py` merges this dict into CATALOGUE. Each key maps
to its (Chinese, English) text.
"""
from __future__ import annotations

SCREEN_MESSAGES: dict[str, tuple[str, str]] = {
    "screen.page_title": ("大屏 · 城市领导驾驶舱", "Wall screen · City Cockpit"),
    "screen.title": ("城市运行态势", "City at a glance"),
    "screen.panel.kpis": ("主要指标 · 目标完成与时间进度", "Headline indicators · target and time elapsed"),
    "screen.panel.levels": ("未处置预警", "Open alerts"),
    "screen.panel.map": ("预警分布", "Where the alerts are"),
    "screen.panel.projects": ("重点项目红榜", "Key projects in the red"),
    "screen.panel.trend": ("经济走势", "Economy trend"),
    "screen.panel.poverty": ("防返贫监测", "Poverty-relapse monitoring"),
    "screen.panel.ticker": ("预警滚动", "Alert ticker"),
    "screen.panel.header": ("标题", "Header"),
    "screen.completion": ("完成 {value}", "Done {value}"),
    "screen.time_progress": ("时间进度 {value}", "Time elapsed {value}"),
    "screen.trend_of": ("{name} · 本年与上年逐月对比", "{name} · this year against last, by month"),
    "screen.this_year": ("{year}年", "{year}"),
    "screen.last_year": ("{year}年", "{year}"),
    "screen.month": ("{m}月", "M{m}"),
    "screen.lag_pts": ("滞后 {value} 点", "{value} pts behind"),
    "screen.more": ("另有 {n} 条", "{n} more"),
    "screen.no_red_projects": ("无严重滞后或逾期项目", "No project seriously behind or overdue"),
    "screen.no_open_alerts": ("当前无未处置预警", "No open alerts"),
    "screen.no_households": ("未接入防返贫监测数据", "No poverty-monitoring data"),
    "screen.monitor.at_risk": ("风险未消除", "At risk"),
    "screen.monitor.monitored": ("监测中", "Monitored"),
    "screen.monitor.risk_eliminated": ("风险已消除", "Risk removed"),
    "screen.monitor.stable": ("稳定户", "Stable"),
    "screen.monitor.other": ("其他状态", "Other status"),
    "screen.alarm_label": ("红色预警", "RED ALERT"),
    "screen.alarm_waiting": ("待值班员确认", "Awaiting the duty officer"),
    "screen.stale.unreachable": ("数据仓库无法连接 · 显示最后数据（{time}）",
                                 "Warehouse unreachable · last data shown ({time})"),
    "screen.stale.old": ("数据未更新 · {time}", "Data not updated · {time}"),
    "screen.offline": ("连接中断 · 正在重连", "Connection lost · reconnecting"),
    "screen.unknown": ("没有名为“{name}”的大屏", "No screen named “{name}”"),
    "screen.known": ("已配置的大屏：{names}", "Screens configured: {names}"),
}
