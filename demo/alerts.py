"""fact_alert: ~2.5 years of closed incidents plus a few dozen open ones in the last days.

Alert times are relative to the wall clock at build time (the cockpit should look live), so
fact_alert is the one table whose timestamps differ between two builds with the same seed.
"""
from __future__ import annotations

from datetime import UTC, datetime, timedelta

import numpy as np
import pandas as pd

from demo.emergency import RIVERS
from demo.rand import rng_for
from demo.regions import inside_county, offset_point

CATEGORIES = ("fire", "geological", "epidemic", "flood", "weather", "safety", "traffic", "other")
OPEN_STATUSES = ("new", "acknowledged", "dispatched")
SOURCES = ("sensor", "12345", "department", "manual")
_COLOR = {1: "红色", 2: "橙色", 3: "黄色", 4: "蓝色"}
_GRADE = {1: "特别重大", 2: "重大", 3: "较大", 4: "一般"}

# Months (1–12) in which a template fits the season; a template without them fits all year.
_WARM = (5, 6, 7, 8, 9)
_SUMMER = (6, 7, 8)
_COLD = (11, 12, 1, 2, 3)
_FLOOD_SEASON = (4, 5, 6, 7, 8, 9, 10)
_ALL_YEAR = tuple(range(1, 13))

# (title, description, likely sources[, months]) per category; placeholders are filled per
# alert. Every category has a template for every month (no December heat wave, no January flash flood).
_TEMPLATES: dict[str, list[tuple]] = {
    "fire": [
        ("{place}林地火情", "{place}附近林地发现烟点，过火面积约{n}亩，森林消防专业队正在扑救。", ("sensor", "12345", "manual")),
        ("{place}民房火灾", "{place}一处民房起火，消防救援大队已出动{k}辆消防车，暂无人员伤亡报告。", ("12345", "department")),
        ("{place}厂房火情", "{place}某企业厂房冒出浓烟，已疏散员工{m}人，火势正在控制。", ("12345", "sensor")),
    ],
    "geological": [
        ("{place}山体滑坡隐患", "监测点位移速率超过阈值，{place}坡体出现裂缝，已转移群众{m}人。", ("sensor", "department")),
        ("{place}地面塌陷", "{place}采空区地面出现直径约{k}米塌陷坑，已设置警戒。", ("12345", "department")),
        ("{place}崩塌落石", "{place}沿线发生落石，阻断道路约{k}0米，公路部门正在清理。", ("manual", "department")),
    ],
    "epidemic": [
        ("{place}流感样病例聚集", "{place}某学校报告流感样病例{m}例，疾控中心已开展流行病学调查。", ("department",)),
        ("{place}诺如病毒聚集性疫情", "{place}报告急性胃肠炎病例{m}例，已采样送检并落实消毒措施。", ("department",)),
        ("{place}发热病例异常增多", "{place}卫生院发热门诊就诊人数较上周增加{n}%，已加强监测。", ("sensor", "department")),
    ],
    "flood": [
        ("{river}{place}段水位超警戒", "{river}{place}段水位超过警戒水位{k}0厘米，沿河群众{m}人已转移。", ("sensor", "department"), _FLOOD_SEASON),
        ("{river}{place}段凌汛", "{river}{place}段出现冰凌堆积，水位较常年同期偏高{k}0厘米，已组织巡堤查险。", ("sensor", "department"), _COLD),
        ("{place}山洪预警", "{place}1小时降雨量达{n}毫米，可能引发山洪，已通知沿沟村庄。", ("sensor",), _WARM),
        ("{place}水库超汛限水位", "{place}水库水位超汛限{k}0厘米，正在开闸泄洪。", ("sensor", "department"), _WARM),
    ],
    "weather": [
        ("吕梁市气象台发布暴雨{color}预警", "预计未来6小时{place}等地降雨量将达{n}毫米以上，请做好防范。", ("department",), _WARM),
        ("吕梁市气象台发布大风{color}预警", "预计{place}等地将出现{k}级以上阵风，请加固临时搭建物。", ("department",)),
        ("吕梁市气象台发布寒潮{color}预警", "受强冷空气影响，{place}等地气温将下降{k}℃以上。", ("department",), _COLD),
        ("吕梁市气象台发布道路结冰{color}预警", "{place}等地路面将出现结冰，请减速慢行。", ("department",), _COLD),
        ("吕梁市气象台发布冰雹{color}预警", "{place}等地可能出现冰雹，请注意防护农作物和车辆。", ("department",), _WARM),
        ("吕梁市气象台发布高温{color}预警", "{place}等地最高气温将达{n}℃以上，请注意防暑。", ("department",), _SUMMER),
    ],
    "safety": [
        ("{place}煤矿瓦斯浓度超限", "{place}某煤矿井下瓦斯传感器读数超限，已停止作业、撤出人员{m}人。", ("sensor",)),
        ("{place}危化品储罐压力异常", "{place}某化工企业储罐压力异常，企业已启动应急预案。", ("sensor", "department")),
        ("{place}建筑工地坍塌", "{place}一建筑工地发生局部坍塌，{k}人受伤已送医。", ("12345", "manual")),
    ],
    "traffic": [
        ("G20青银高速{place}段车辆追尾", "{place}段发生{k}车追尾事故，交警已到场，道路单向通行。", ("12345", "department")),
        ("G307{place}段货车侧翻", "一辆运煤货车在{place}段侧翻，无人员死亡，正在清障。", ("manual", "12345")),
        ("{place}道路结冰拥堵", "{place}路段结冰，车辆滞留约{m}辆，已撒布融雪剂。", ("sensor", "department"), _COLD),
    ],
    "other": [
        ("{place}供水管道爆裂", "{place}主供水管道爆裂，影响约{m}户居民用水，正在抢修。", ("12345",)),
        ("{place}集中供热中断", "{place}换热站故障，约{m}户停暖，预计{k}小时内恢复。", ("12345", "department"), _COLD),
        ("{place}燃气泄漏", "{place}一处燃气管道泄漏，已关阀疏散周边群众。", ("12345", "sensor")),
    ],
}
# How much more likely a category is in a given month (Jan..Dec), e.g. floods in July–August.
_SEASON = {
    "fire": (2.0, 2.5, 3.0, 3.0, 1.2, 0.6, 0.5, 0.5, 0.7, 1.2, 2.0, 2.2),
    "geological": (0.5, 0.5, 0.8, 1.0, 1.0, 1.5, 2.5, 2.5, 1.8, 1.0, 0.6, 0.5),
    "epidemic": (2.0, 1.8, 1.2, 1.0, 0.8, 0.6, 0.6, 0.6, 0.8, 1.0, 1.5, 2.0),
    "flood": (0.1, 0.1, 0.2, 0.4, 0.8, 2.0, 4.0, 4.0, 1.5, 0.4, 0.1, 0.1),
    "weather": (1.2, 1.0, 1.0, 1.2, 1.2, 1.6, 2.0, 1.8, 1.0, 0.8, 1.2, 1.4),
    "safety": (1.0,) * 12,
    "traffic": (1.8, 1.5, 1.0, 0.8, 0.8, 0.8, 0.9, 0.9, 0.9, 1.0, 1.3, 1.8),
    "other": (1.5, 1.3, 1.0, 0.8, 0.8, 0.8, 0.9, 0.9, 0.9, 1.0, 1.5, 1.6),
}
_BASE_RATE = np.array([0.18, 0.10, 0.06, 0.10, 0.16, 0.12, 0.20, 0.08])


def iso(ts: datetime) -> str:
    return ts.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def templates_for(category: str, month: int) -> list[tuple]:
    """The templates of `category` that fit the season of `month` (1–12)."""
    return [tpl for tpl in _TEMPLATES[category] if month in (tpl[3] if len(tpl) > 3 else _ALL_YEAR)]


def alert_row(rng: np.random.Generator, places: list[tuple[str, str, float, float]], category: str, level: int,
              occurred: datetime, status: str, alert_id: str, now: datetime) -> dict:
    """One alert in a random county or township from `places` (region_code, name, lon, lat)."""
    code, name, plon, plat = places[rng.integers(len(places))]
    fitting = templates_for(category, occurred.month)
    title, desc, sources = fitting[rng.integers(len(fitting))][:3]
    fill = dict(place=name, river=rng.choice(RIVERS), color=_COLOR[level], n=int(rng.integers(20, 95)),
                k=int(rng.integers(2, 9)), m=int(rng.integers(12, 400)))
    lon = lat = None
    if rng.random() >= 0.05:
        lons, lats = offset_point(rng, plon, plat, 10.0 if len(code) == 6 else 3.0, 1)
        lon, lat = inside_county(code, float(lons[0]), float(lats[0]), (plon, plat))
    if status in ("resolved", "closed"):
        updated = occurred + timedelta(minutes=int(rng.integers(60, 72 * 60)))
    elif status == "new":
        updated = occurred
    else:
        updated = occurred + timedelta(minutes=int(rng.integers(3, 120)))
    return dict(alert_id=alert_id, category=category, level=int(level), title=title.format(**fill),
                description=f"【{_GRADE[level]}】" + desc.format(**fill), region_code=code,
                lon=lon, lat=lat, source=str(rng.choice(sources)), occurred_at=iso(occurred), status=status,
                updated_at=iso(min(updated, now)))


def alert_places(regions: pd.DataFrame) -> list[tuple[str, str, float, float]]:
    """Where alerts happen: counties and townships that have a label point."""
    places = regions[regions.level.isin(["county", "township"])].dropna(subset=["lon", "lat"])
    return list(zip(places.region_code, places.name, places.lon.astype(float), places.lat.astype(float)))


def alerts_frame(seed: int, regions: pd.DataFrame, now: datetime, n_history: int = 3000,
                 n_open: int = 40) -> pd.DataFrame:
    """History of ~2.5 years (resolved or closed) followed by n_open open alerts of the last 3 days,
    covering every category and every level."""
    rng = rng_for(seed, "alerts")
    places = alert_places(regions)
    start = now - timedelta(days=910)
    offsets = np.sort(rng.uniform(0, 907 * 86400, n_history))
    rows = []
    for i, off in enumerate(offsets):
        occurred = (start + timedelta(seconds=float(off))).replace(microsecond=0)
        weights = _BASE_RATE * np.array([_SEASON[c][occurred.month - 1] for c in CATEGORIES])
        category = CATEGORIES[rng.choice(len(CATEGORIES), p=weights / weights.sum())]
        level = int(rng.choice([1, 2, 3, 4], p=[0.01, 0.05, 0.24, 0.70]))
        age_days = (now - occurred).days
        status = ("closed" if rng.random() < 0.9 else "resolved") if age_days > 30 else \
            ("resolved" if rng.random() < 0.6 else "closed")
        rows.append(alert_row(rng, places, category, level, occurred, status, f"ALT-{i + 1:06d}", now))
    categories = list(rng.permutation(CATEGORIES)) + list(rng.choice(CATEGORIES, n_open - len(CATEGORIES)))
    levels = [1, 2, 3, 4] + list(rng.choice([1, 2, 3, 4], n_open - 4, p=[0.05, 0.15, 0.35, 0.45]))
    levels = [int(v) for v in rng.permutation(levels)]
    for j, (category, level) in enumerate(zip(categories, levels)):
        status = str(rng.choice(OPEN_STATUSES, p=[0.4, 0.3, 0.3]))
        hours = rng.uniform(0.1, 8) if status == "new" else rng.uniform(1, 70)
        occurred = (now - timedelta(hours=float(hours))).replace(microsecond=0)
        rows.append(alert_row(rng, places, str(category), level, occurred, status, f"ALT-{n_history + j + 1:06d}",
                              now))
    return pd.DataFrame(rows)
