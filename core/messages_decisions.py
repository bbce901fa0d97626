"""Messages of decision support on the economy page: what-it-takes scenarios and annotations.

Part of the one catalogue: `core/messages.py` merges this dict into CATALOGUE (kept apart so
that neither file passes 400 lines). Each key maps to its (Chinese, English) text.
"""
from __future__ import annotations

DECISION_MESSAGES: dict[str, tuple[str, str]] = {
    "scenario.title": ("目标测算", "What it takes"),
    "scenario.slider": ("后{n}个月同比增长（%）", "Growth over the last {n} months (%)"),
    "scenario.required": ("要完成全年目标，后{n}个月需同比增长{g}%",
                          "To reach the annual target, the last {n} months must grow {g}% year on year"),
    "scenario.required_ceiling": ("要控制在全年目标以内，后{n}个月同比增长不能超过{g}%",
                                  "To stay within the annual ceiling, the last {n} months may grow at most {g}% "
                                  "year on year"),
    "scenario.required_reached": ("全年目标已完成", "The annual target is already reached"),
    "scenario.outcome": ("按后{n}个月同比增长{g}%测算，全年{value}{unit}，完成目标的{pct}",
                         "If the last {n} months grow {g}% year on year, the year ends at {value} {unit}, "
                         "{pct} of the target"),
    "scenario.trace": ("测算（增长{g}%）", "Scenario ({g}%)"),
    "scenario.counties": ("各下级地区需增长", "Growth each area below needs"),
    "scenario.none": ("无法测算：{reason}", "No scenario: {reason}"),
    "scenario.reason.no_target": ("该指标没有年度目标", "the indicator has no annual target"),
    "scenario.reason.no_value": ("本期无数据", "no value at this period"),
    "scenario.reason.no_last_year": ("缺少上年同期或上年全年数据", "last year's figures are missing"),
    "scenario.reason.year_complete": ("全年数据已出", "the year is complete"),
    "annotation.title": ("事件标注", "Annotations"),
    "annotation.add": ("添加标注", "Add a note"),
    "annotation.text": ("标注内容（政策、灾害、数据修订等）", "Note (a policy, a disaster, a data revision …)"),
    "annotation.period": ("月份", "Month"),
    "annotation.region_only": ("仅本地区", "This area only"),
    "annotation.added": ("已添加标注", "Note added"),
    "annotation.not_author": ("只有标注的作者可以修改", "Only its author may change a note"),
    "annotation.by": ("{author} 标注于 {period}", "{author}, {period}"),
    "annotation.none": ("暂无标注", "No notes yet"),
    "annotation.bad": ("标注未保存：{reason}", "Note not saved: {reason}"),
    "annotation.bad_period": ("请选择月份", "choose a month"),
    "annotation.bad_text": ("内容须为 1 至 500 个字符", "write 1 to 500 characters"),
}
