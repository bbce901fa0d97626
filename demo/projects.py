"""Key projects (dim_project), their monthly progress and milestones.

Each project is built backwards from the state it must show at end_period under the
contract's default rules (lag = planned − actual: ≤ 5 on_track, ≤ 15 lagging, above that
seriously_lagging; overdue past planned_end_date below 100; completed at 100), so every state
is present. Dates are relative to end_period: overdue projects ended 1–8 months before it.
"""
from __future__ import annotations

import calendar

import numpy as np
import pandas as pd

from demo.emergency import DEPT_NAME, RIVERS
from demo.rand import rng_for
from demo.regions import COUNTIES, inside_county, offset_point

# How many projects of each state; the first project is on track (a bad row is placed on it).
STATE_COUNTS = {"on_track": 30, "lagging": 14, "seriously_lagging": 12, "overdue": 12, "completed": 12}
FIRST_PROJECT = "LLXM-001"

_CATEGORIES = {
    "transport": ("JTYSJ", (50_000, 1_200_000), ("{county}至{town}公路改扩建工程", "G307国道{county}过境段改线工程",
                                                 "{county}{town}通村公路提质工程")),
    "water": ("SLJ", (10_000, 300_000), ("{river}{county}段综合治理工程", "{county}{town}水库除险加固工程",
                                         "{county}城乡供水一体化工程")),
    "industry": ("GXJ", (20_000, 800_000), ("{county}{n}万吨/年焦化升级改造项目",
                                            "{county}铝镁新材料产业园基础设施项目",
                                            "{county}氢能产业园建设项目")),
    "energy": ("NYJ", (30_000, 600_000), ("{county}{n}0MW光伏发电项目", "{county}{town}风电场建设项目",
                                          "{county}煤矿智能化改造项目")),
    "livelihood": ("WJW", (5_000, 120_000), ("{county}人民医院新院区建设项目", "{county}第{cn}中学迁建工程",
                                             "{county}养老服务中心建设项目")),
    "urban": ("ZJJ", (5_000, 200_000), ("{county}老旧小区改造工程", "{county}城市燃气管网更新改造工程",
                                        "{county}{town}片区城市更新项目")),
}
# (name, planned progress % at which it falls due); ≤ 0 means that many months from the start.
_MILESTONES = [("项目立项批复", -4.0), ("用地手续办理", -1.0), ("开工建设", 0.0), ("主体工程完工", 70.0),
               ("设备安装调试", 90.0), ("竣工验收", 100.0)]
_LAG_NOTES = ("征地拆迁尚未完成", "受冬季停工影响", "建设资金未及时到位", "环评审批滞后", "施工图设计变更",
              "原材料价格上涨，施工方进场人员不足")


def _month_index(period: str) -> int:
    return int(period[:4]) * 12 + int(period[5:7]) - 1


def _period(mi: int) -> str:
    return f"{mi // 12:04d}-{mi % 12 + 1:02d}"


def _date(mi: int, day: int) -> str:
    y, m = mi // 12, mi % 12 + 1
    return f"{y:04d}-{m:02d}-{min(day, calendar.monthrange(y, m)[1]):02d}"


def _smoothstep(f: np.ndarray) -> np.ndarray:
    f = np.clip(f, 0, 1)
    return 3 * f**2 - 2 * f**3


def projects_frames(seed: int, regions: pd.DataFrame,
                    end_period: str) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """(dim_project, fact_project_progress, fact_project_milestone)."""
    rng = rng_for(seed, "projects")
    end = _month_index(end_period)
    townships = regions[regions.level == "township"]
    states = [s for s, n in STATE_COUNTS.items() for _ in range(n)]
    states = ["on_track"] + list(rng.permutation(states[1:]))
    names: set[str] = set()
    dims, progress, milestones = [], [], []
    for i, state in enumerate(states):
        code = f"LLXM-{i + 1:03d}"
        category = str(rng.choice(list(_CATEGORIES)))
        dept, (lo, hi), templates = _CATEGORIES[category]
        ci = int(rng.integers(len(COUNTIES)))
        county, cname, _en, clon, clat = COUNTIES[ci]
        towns = townships[townships.parent_code == county]
        town = str(towns.name.iloc[rng.integers(len(towns))]).removesuffix("街道").removesuffix("镇").removesuffix("乡")
        name = str(rng.choice(templates)).format(county=cname, town=town, river=rng.choice(RIVERS),
                                                 n=int(rng.integers(5, 60)), cn="二三四五六"[rng.integers(5)])
        if name in names:
            name += "（二期）"
        names.add(name)
        level = str(rng.choice(["provincial", "municipal", "county"], p=[0.2, 0.4, 0.4]))
        owner = f"{cname}人民政府" if level == "county" else DEPT_NAME[dept]
        total = round(float(np.exp(rng.uniform(np.log(lo), np.log(hi)))), -1)
        if state == "overdue":
            start, planned_end = end - int(rng.integers(18, 40)), end - int(rng.integers(1, 9))
        elif state == "completed":
            start, planned_end = end - int(rng.integers(14, 36)), end + int(rng.integers(-10, 7))
        elif state == "on_track" and i == 0:
            start, planned_end = end - 24, end + 12
        else:
            elapsed = int(rng.integers(8, 30))
            remaining = int(rng.integers(3, elapsed if state == "seriously_lagging" else 24))
            start, planned_end = end - elapsed, end + max(remaining, 3)
        months = np.arange(start, end + 1)
        duration = planned_end - start + 1
        schedule = np.arange(start, max(planned_end, end) + 1)
        planned_full = np.round(100 * _smoothstep((schedule - start + 1) / duration), 1)
        planned = planned_full[:len(months)]
        p_end = planned[-1]
        if state == "completed":
            done = int(rng.integers(max(start + 8, end - 10), end + 1))
            actual = np.where(months <= done, 100 * _smoothstep((months - start + 1) / (done - start + 1)), 100.0)
        else:
            lag = {"on_track": rng.uniform(-2, 4), "lagging": rng.uniform(6.5, 14),
                   "seriously_lagging": rng.uniform(17, max(18.0, min(40.0, p_end - 5))),
                   "overdue": rng.uniform(3, 30)}[state]
            final = float(np.clip(round(p_end - lag, 1), 0, 99.0 if state == "overdue" else 100))
            elapsed_frac = (months - start + 1) / len(months)
            actual = planned - (p_end - final) * elapsed_frac**1.3 + rng.normal(0, 1.2, len(months))
            actual[-1] = final
            # Reported progress never goes backwards; keep the final value exact.
            actual = np.minimum.accumulate(np.clip(actual, 0, 100)[::-1])[::-1]
        actual = np.round(actual, 1)
        ratio = rng.uniform(0.92, 1.08)
        notes = [None] * len(months)
        if state in ("lagging", "seriously_lagging", "overdue"):
            notes[-1] = str(rng.choice(_LAG_NOTES))
        if state == "completed":
            notes[int(np.argmax(actual >= 100))] = "已完工，进入竣工验收"
        for k, mi in enumerate(months):
            progress.append(dict(project_code=code, period=_period(int(mi)), planned_progress_pct=float(planned[k]),
                                 actual_progress_pct=float(actual[k]),
                                 planned_investment_cum=round(total * planned[k] / 100, 1),
                                 actual_investment_cum=round(min(total, total * actual[k] / 100 * ratio), 1),
                                 note=notes[k]))
        plon, plat = offset_point(rng, clon, clat, 15.0, 1)
        start_date, end_date = _date(start, int(rng.integers(1, 29))), _date(planned_end, int(rng.integers(1, 29)))
        plon, plat = inside_county(county, float(plon[0]), float(plat[0]), (clon, clat))
        dims.append(dict(project_code=code, name=name, category=category, level=level, region_code=county,
                         lon=plon, lat=plat, owner_dept=owner, start_date=start_date,
                         planned_end_date=end_date, total_investment=total))
        k = int(rng.integers(3, 7))
        chosen = [0] + sorted(rng.choice(np.arange(1, 5), k - 2, replace=False).tolist()) + [5]
        for seq, m in enumerate(chosen, start=1):
            ms_name, pct = _MILESTONES[m]
            if pct <= 0:
                due = reached = start + int(pct)
                planned_date = start_date if pct == 0 else _date(due, 15)
            else:
                due = int(schedule[np.argmax(planned_full >= pct)])
                planned_date = end_date if pct >= 100 else _date(due, 15)
                hit = np.flatnonzero(actual >= pct)
                reached = int(months[hit[0]]) if len(hit) else None
            milestones.append(dict(project_code=code, seq=seq, name=ms_name, planned_date=planned_date,
                                   actual_date=None if reached is None else _date(reached, int(rng.integers(1, 29)))))
    return pd.DataFrame(dims), pd.DataFrame(progress), pd.DataFrame(milestones)
