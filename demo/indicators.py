"""dim_indicator and fact_indicator: what a Chinese city's statistics bureau publishes monthly.

Additive flows (GDP, retail sales, revenue …) are generated at the finest level present
(townships, or villages when scale ≥ 2) as monthly amounts, turned into year-to-date sums and
added up the hierarchy, so every parent is exactly the sum of its children. Rates, indices and
per-capita incomes are generated per county and averaged (population- or output-weighted) to
the city. A warm-up year before the first published one gives every row a yoy_pct and a target.
"""
from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime

import numpy as np
import pandas as pd

from demo.rand import rng_for
from demo.regions import CITY, COUNTY_CODES, ECONOMY_SHARE, POPULATION_SHARE, TREND_GROWTH

FIRST_YEAR = 2023
# The bureau loads each month's indicators 10–20 days after the month ends: a month is published
# once the 20th of the next month has come (before that, its rows would be stamped in the future).
PUBLICATION_DAY = 20
STAMP_FORMAT = "%Y-%m-%dT%H:%M:%SZ"


@dataclass(frozen=True)
class Indicator:
    """One row of dim_indicator plus how its values are generated."""
    code: str
    name: str
    name_en: str
    category: str
    unit: str
    frequency: str
    cumulative: int
    higher_is_better: int
    headline: int
    kind: str  # flow (additive amount), income (per capita, cumulative), ytd_growth, level
    base: float  # flow: city annual total in the warm-up year; income: annual per capita; level: mean
    decimals: int
    season: tuple[float, ...] = ()
    noise: float = 0.0
    growth_offset: float = 0.0
    year_sd: float = 0.0
    weights: str = "economy"
    township: bool = False


def _m(*v: float) -> tuple[float, ...]:
    a = np.array(v)
    return tuple(a / a.mean())


INDICATORS: list[Indicator] = [
    Indicator("GDP", "地区生产总值", "Gross regional product", "economy", "亿元", "quarter", 1, 1, 1, "flow",
              1900.0, 4, _m(0.215, 0.245, 0.25, 0.29), 0.02, 0.0, 0.03, "economy", True),
    Indicator("IND_VA_GROWTH", "规模以上工业增加值增速", "Growth of industrial value added above designated size",
              "economy", "%", "month", 1, 1, 1, "ytd_growth", 0.0, 1, noise=4.0),
    Indicator("FAI_GROWTH", "固定资产投资增速", "Growth of fixed-asset investment", "economy", "%", "month", 1, 1, 1,
              "ytd_growth", 0.0, 1, noise=10.0),
    Indicator("RETAIL_SALES", "社会消费品零售总额", "Total retail sales of consumer goods", "economy", "亿元", "month",
              1, 1, 1, "flow", 480.0, 4, _m(1.14, 0.93, 0.94, 0.93, 0.98, 0.98, 0.95, 0.96, 0.99, 1.04, 1.02, 1.14),
              0.03, 0.005, 0.015, "population", True),
    Indicator("ELECTRICITY", "全社会用电量", "Electricity consumption", "economy", "亿千瓦时", "month", 1, 1, 0, "flow",
              290.0, 4, _m(1.08, 0.95, 1.02, 0.97, 0.97, 1.0, 1.05, 1.05, 0.96, 0.97, 0.98, 1.08), 0.03, 0.0, 0.02,
              "economy", True),
    Indicator("COAL_OUTPUT", "原煤产量", "Raw coal output", "economy", "万吨", "month", 1, 1, 0, "flow",
              14500.0, 4, _m(1.02, 0.8, 1.03, 1.02, 1.03, 1.0, 0.98, 0.98, 1.02, 1.04, 1.04, 1.06), 0.04, -0.03, 0.03,
              "economy", True),
    Indicator("BUDGET_REVENUE", "一般公共预算收入", "General public budget revenue", "fiscal", "亿元", "month", 1, 1, 1,
              "flow", 230.0, 4, _m(1.35, 0.6, 1.15, 1.2, 1.05, 1.0, 0.95, 0.8, 0.9, 1.1, 0.85, 1.05), 0.15, -0.01,
              0.05, "economy", True),
    Indicator("BUDGET_EXPENDITURE", "一般公共预算支出", "General public budget expenditure", "fiscal", "亿元", "month",
              1, 1, 0, "flow", 420.0, 4, _m(0.6, 0.55, 0.9, 0.85, 0.9, 1.05, 0.8, 0.8, 1.0, 0.85, 0.9, 2.8), 0.08,
              0.0, 0.03, "population", True),
    Indicator("URBAN_INCOME", "城镇居民人均可支配收入", "Per capita disposable income of urban residents",
              "livelihood", "元", "quarter", 1, 1, 1, "income", 37500.0, 0, (0.262, 0.508, 0.752, 1.0), 0.004, 0.0,
              0.008, "population"),
    Indicator("RURAL_INCOME", "农村居民人均可支配收入", "Per capita disposable income of rural residents",
              "livelihood", "元", "quarter", 1, 1, 0, "income", 13800.0, 0, (0.32, 0.50, 0.71, 1.0), 0.006, 0.02,
              0.01, "population"),
    Indicator("CPI", "居民消费价格指数", "Consumer price index", "livelihood", "上年同期=100", "month", 0, 0, 0,
              "level", 100.5, 1, (0.4, 0.3, -0.1, -0.2, -0.2, -0.1, 0.0, 0.1, 0.0, -0.1, -0.1, 0.0), 0.3,
              weights="population"),
    Indicator("UNEMPLOYMENT", "城镇调查失业率", "Surveyed urban unemployment rate", "livelihood", "%", "month", 0, 0, 1,
              "level", 5.3, 1, (0.1, 0.3, 0.2, 0.0, -0.1, 0.0, 0.2, 0.1, -0.1, -0.2, -0.2, -0.1), 0.1,
              weights="population"),
    Indicator("NEW_URBAN_JOBS", "城镇新增就业", "New urban jobs", "livelihood", "人", "month", 1, 1, 0, "flow",
              42000.0, 0, _m(0.7, 0.6, 1.15, 1.15, 1.1, 1.1, 1.05, 1.0, 1.1, 1.0, 0.95, 1.1), 0.08, 0.0, 0.02,
              "population", True),
    Indicator("GOOD_AIR_DAYS", "空气质量优良天数比例", "Share of days with good air quality", "environment", "%",
              "month", 0, 1, 1, "level", 0.0, 1, (62, 68, 72, 78, 80, 82, 88, 90, 88, 80, 70, 60), 4.0,
              weights="population", township=True),
    Indicator("PM25", "PM2.5平均浓度", "Average PM2.5 concentration", "environment", "微克/立方米", "month", 0, 0, 0,
              "level", 0.0, 0, (75, 62, 48, 40, 35, 30, 26, 25, 30, 42, 58, 72), 0.08, weights="population",
              township=True),
    Indicator("HOTLINE_TICKETS", "12345热线受理量", "12345 hotline tickets received", "governance", "件", "month", 1, 0,
              0, "flow", 420000.0, 0, _m(1.15, 0.9, 0.85, 0.85, 0.9, 0.95, 1.1, 1.1, 0.95, 0.95, 1.1, 1.2), 0.06,
              0.04, 0.03, "population", True),
    Indicator("ONLINE_SERVICE_RATE", "政务服务网办率", "Share of government services handled online", "governance",
              "%", "month", 0, 1, 0, "level", 78.0, 1, noise=0.6, weights="population"),
    Indicator("HOTLINE_SATISFACTION", "12345热线满意率", "12345 hotline satisfaction rate", "governance", "%", "month",
              0, 1, 0, "level", 93.0, 1, noise=0.8, weights="population"),
]
INDICATOR_BY_CODE = {i.code: i for i in INDICATORS}
ADDITIVE_INDICATORS: frozenset[str] = frozenset(i.code for i in INDICATORS if i.kind == "flow")
# Published GDP growth is real: nominal growth less this price change (coal prices peaked in 2022).
GDP_DEFLATOR_PCT = {2022: 4.0, 2023: 1.0, 2024: 0.5, 2025: 0.8, 2026: 1.2}
# Annual "true" growth of the two YTD growth rates, by year (the monthly figures wander around it).
YTD_GROWTH_PATH = {"IND_VA_GROWTH": {2022: 6.5, 2023: 3.1, 2024: 2.2, 2025: 4.8, 2026: 5.6},
                   "FAI_GROWTH": {2022: 9.0, 2023: -4.5, 2024: 3.2, 2025: -2.0, 2026: 4.0}}
CPI_PATH = {2022: 101.8, 2023: 100.2, 2024: 100.1, 2025: 99.8, 2026: 100.6}


# How each indicator compares (docs/warehouse.md): shares and rates in points, CPI around 100.
COMPARISON = {"%": "pp", "上年同期=100": "index"}
# Digits shown after the point: none for 元, counts and the PM2.5 concentration, else one.
WHOLE_UNITS = ("元", "人", "件", "微克/立方米")


def dim_indicator_frame() -> pd.DataFrame:
    """dim_indicator rows in display order, with how each compares and the digits it shows."""
    return pd.DataFrame([dict(indicator_code=i.code, name=i.name, name_en=i.name_en, category=i.category,
                              unit=i.unit, frequency=i.frequency, cumulative=i.cumulative,
                              higher_is_better=i.higher_is_better, headline=i.headline, display_order=10 * (n + 1),
                              comparison=COMPARISON.get(i.unit, "pct"), decimals=0 if i.unit in WHOLE_UNITS else 1)
                         for n, i in enumerate(INDICATORS)])


def publication_date(period: str) -> date:
    """The day the last indicator of month `period` ('YYYY-MM') is loaded: the 20th of the next month."""
    y, m = int(period[:4]), int(period[5:7])
    return date(y + m // 12, m % 12 + 1, PUBLICATION_DAY)


def latest_published_period(today: date) -> str:
    """The latest month whose publication date is not after `today`: the month before, or the one before that."""
    for months_back in (1, 2):
        i = today.year * 12 + today.month - 1 - months_back
        period = f"{i // 12:04d}-{i % 12 + 1:02d}"
        if publication_date(period) <= today:
            break
    return period


@dataclass
class Calendar:
    """Months from the warm-up January to end_period; rows are published from FIRST_YEAR on."""
    periods: np.ndarray
    year: np.ndarray
    month: np.ndarray
    updated_at: dict[str, np.ndarray]

    @classmethod
    def until(cls, end_period: str, seed: int, now: datetime | None = None) -> Calendar:
        """The calendar up to end_period; no load time is later than `now` (UTC; a month published
        on the day of the build, or an end_period not yet published, is stamped with `now`)."""
        end_y, end_m = int(end_period[:4]), int(end_period[5:7])
        if (end_y, end_m) < (FIRST_YEAR, 12):
            raise ValueError(f"end_period {end_period} leaves less than one year of data")
        n = (end_y - FIRST_YEAR + 1) * 12 + end_m
        idx = np.arange(n)
        year = FIRST_YEAR - 1 + idx // 12
        month = idx % 12 + 1
        periods = np.array([f"{y:04d}-{m:02d}" for y, m in zip(year, month)], dtype=object)
        # The bureau loads each indicator once a month, 10–20 days after the month ends.
        updated: dict[str, np.ndarray] = {}
        for i in INDICATORS:
            rng = rng_for(seed, "updated_at/" + i.code)
            day = rng.integers(10, 21, n)
            hour, minute = rng.integers(0, 10, n), rng.integers(0, 60, n)
            ny, nm = year + (month == 12), month % 12 + 1
            updated[i.code] = np.array([f"{a:04d}-{b:02d}-{d:02d}T{h:02d}:{mi:02d}:00Z"
                                        for a, b, d, h, mi in zip(ny, nm, day, hour, minute)], dtype=object)
            if now is not None:  # same ISO form, so text order is time order
                updated[i.code] = np.minimum(updated[i.code], now.strftime(STAMP_FORMAT))
        return cls(periods, year, month, updated)

    @property
    def n(self) -> int:
        return len(self.periods)

    def published(self, frequency: str) -> np.ndarray:
        """Indexes of the months that carry a row for this frequency."""
        keep = self.year >= FIRST_YEAR
        if frequency == "quarter":
            keep &= self.month % 3 == 0
        return np.flatnonzero(keep)

    def year_index(self) -> np.ndarray:
        return self.year - self.year[0]


def _frame(ind: Indicator, cal: Calendar, codes: np.ndarray, value: np.ndarray, target: np.ndarray | None,
           yoy: np.ndarray | None) -> pd.DataFrame:
    """Long rows for the published months of (n regions × all months) arrays."""
    cols = cal.published(ind.frequency)
    n, p = len(codes), len(cols)
    nan = np.full(n * p, np.nan)
    return pd.DataFrame({
        "indicator_code": ind.code,
        "region_code": np.repeat(np.asarray(codes, dtype=object), p),
        "period": np.tile(cal.periods[cols], n),
        "value": value[:, cols].ravel(),
        "target": nan if target is None else target[:, cols].ravel(),
        "yoy_pct": nan if yoy is None else yoy[:, cols].ravel(),
        "updated_at": np.tile(cal.updated_at[ind.code][cols], n),
    })


def _yoy(values: np.ndarray) -> np.ndarray:
    out = np.full(values.shape, np.nan)
    prev = values[:, :-12]
    with np.errstate(divide="ignore", invalid="ignore"):
        out[:, 12:] = np.where(prev > 0, (values[:, 12:] / prev - 1) * 100, np.nan)
    return np.round(out, 2)


def _ytd(flows: np.ndarray, cal: Calendar) -> np.ndarray:
    out = np.empty_like(flows)
    for y in np.unique(cal.year):
        cols = cal.year == y
        out[:, cols] = np.cumsum(flows[:, cols], axis=1)
    return out


def _annual_target(ytd: np.ndarray, cal: Calendar, growth: np.ndarray, decimals: int) -> np.ndarray:
    """Each year's target: the previous year's total × (1 + target growth), on every month of the year."""
    yi = cal.year_index()
    totals = ytd[:, cal.month == 12]  # complete years only; the last year may be partial
    target = np.full(ytd.shape, np.nan)
    has_prev = (yi >= 1) & (yi - 1 < totals.shape[1])
    target[:, has_prev] = totals[:, yi[has_prev] - 1] * (1 + growth[:, None])
    return np.round(target, decimals)


class FlowGenerator:
    """Monthly amounts for one county's leaves (townships or villages) of one additive indicator."""

    def __init__(self, seed: int, cal: Calendar):
        self.seed, self.cal = seed, cal
        # A city-wide shock per indicator and year (coal prices, policy) shared by all counties.
        self.year_shock = {i.code: rng_for(seed, "year_shock/" + i.code).normal(0, i.year_sd, cal.year_index()[-1] + 1)
                           for i in INDICATORS if i.kind == "flow"}

    def leaf_flows(self, ind: Indicator, county_idx: int, leaf_weights: np.ndarray) -> np.ndarray:
        cal = self.cal
        rng = rng_for(self.seed, "flow/" + ind.code, county_idx)
        n_leaf, n_years = len(leaf_weights), cal.year_index()[-1] + 1
        share = (ECONOMY_SHARE if ind.weights == "economy" else POPULATION_SHARE)[county_idx]
        growth = (TREND_GROWTH[county_idx] + ind.growth_offset + self.year_shock[ind.code][None, :]
                  + rng.normal(0, 0.012, (n_leaf, n_years)))
        growth[:, 0] = 0.0
        level = ind.base * share * leaf_weights[:, None] * np.cumprod(1 + growth, axis=1)
        season = np.asarray(ind.season)
        if ind.frequency == "quarter":
            per_month = np.where(cal.month % 3 == 0, season[(cal.month - 1) // 3] / 4, 0.0)
        else:
            per_month = season[cal.month - 1] / 12
        noise = rng.lognormal(-ind.noise**2 / 2, ind.noise, (n_leaf, cal.n))
        flows = level[:, cal.year_index()] * per_month[None, :] * noise
        return np.round(flows, ind.decimals)

    def target_growth(self, county_idx: int) -> float:
        # Targets are set ambitiously everywhere, so lagging counties visibly miss them.
        return 0.055 + max(TREND_GROWTH[county_idx] - 0.05, 0.0) * 0.5

    def real_growth(self, ind: Indicator, yoy: np.ndarray, key: str) -> np.ndarray:
        """GDP's published growth is real; it is derived from the deflator, not from value."""
        rng = rng_for(self.seed, "gdp_real/" + key)
        deflator = np.array([GDP_DEFLATOR_PCT.get(int(y), 1.0) for y in self.cal.year])
        return np.round(yoy - deflator[None, :] + rng.normal(0, 0.3, yoy.shape), 1)


def _leaf_weights(rng: np.random.Generator, n: int, boost: np.ndarray | None = None) -> np.ndarray:
    w = rng.lognormal(0, 0.6, n)
    if boost is not None:
        w = w * boost
    return w / w.sum()


def flow_frames(seed: int, regions: pd.DataFrame, cal: Calendar,
                villages: bool) -> Iterator[tuple[pd.DataFrame, float]]:
    """fact_indicator rows of the additive indicators, county by county, then counties and city.
    Yields (rows, fraction of this step done)."""
    gen = FlowGenerator(seed, cal)
    flows_ind = [i for i in INDICATORS if i.kind == "flow"]
    townships = regions[regions.level == "township"]
    village_rows = regions[regions.level == "village"]
    county_ytd: dict[str, list[np.ndarray]] = {i.code: [] for i in flows_ind}
    county_target: dict[str, list[np.ndarray]] = {i.code: [] for i in flows_ind}
    for ci, county in enumerate(COUNTY_CODES):
        rng = rng_for(seed, "leaf_weights", ci)
        towns = townships[townships.parent_code == county]
        t_codes = towns.region_code.to_numpy()
        street = towns.name.str.endswith("街道").to_numpy()
        t_weight = {"economy": _leaf_weights(rng, len(towns), np.where(street, 1.5, 1.0)),
                    "population": _leaf_weights(rng, len(towns), np.where(street, 3.0, 1.0))}
        if villages:
            vil = village_rows[village_rows.parent_code.isin(t_codes)]
            v_parent = pd.Categorical(vil.parent_code, categories=t_codes).codes
            order = np.argsort(v_parent, kind="stable")
            v_codes, v_parent = vil.region_code.to_numpy()[order], v_parent[order]
            inner = rng.lognormal(0, 0.5, len(v_codes))
            inner /= np.bincount(v_parent, inner)[v_parent]
            starts = np.flatnonzero(np.r_[True, v_parent[1:] != v_parent[:-1]])
        parts = []
        for ind in flows_ind:
            tg = gen.target_growth(ci)
            if villages:
                leaf = gen.leaf_flows(ind, ci, t_weight[ind.weights][v_parent] * inner)
                leaf_ytd = _ytd(leaf, cal)
                leaf_target = _annual_target(leaf_ytd, cal, np.full(len(leaf), tg), ind.decimals)
                parts.append(_frame(ind, cal, v_codes, np.round(leaf_ytd, ind.decimals), leaf_target,
                                    _yoy(leaf_ytd)))
                town_ytd = np.round(np.add.reduceat(leaf_ytd, starts, axis=0), ind.decimals)
                town_target = np.round(np.add.reduceat(leaf_target, starts, axis=0), ind.decimals)
            else:
                leaf = gen.leaf_flows(ind, ci, t_weight[ind.weights])
                town_ytd = np.round(_ytd(leaf, cal), ind.decimals)
                town_target = _annual_target(town_ytd, cal, np.full(len(leaf), tg), ind.decimals)
            town_yoy = _yoy(town_ytd)
            if ind.code == "GDP":
                town_yoy = gen.real_growth(ind, town_yoy, f"town/{county}")
            parts.append(_frame(ind, cal, t_codes, town_ytd, town_target, town_yoy))
            county_ytd[ind.code].append(np.round(town_ytd.sum(axis=0), ind.decimals))
            county_target[ind.code].append(np.round(town_target.sum(axis=0), ind.decimals))
        yield pd.concat(parts, ignore_index=True), (ci + 1) / (len(COUNTY_CODES) + 1)
    parts = []
    for ind in flows_ind:
        c_ytd = np.vstack(county_ytd[ind.code])
        c_target = np.vstack(county_target[ind.code])
        city_ytd = np.round(c_ytd.sum(axis=0, keepdims=True), ind.decimals)
        city_target = np.round(c_target.sum(axis=0, keepdims=True), ind.decimals)
        c_yoy, city_yoy = _yoy(c_ytd), _yoy(city_ytd)
        if ind.code == "GDP":
            c_yoy = gen.real_growth(ind, c_yoy, "county")
            city_yoy = gen.real_growth(ind, city_yoy, "city")
        parts.append(_frame(ind, cal, np.array(COUNTY_CODES), c_ytd, c_target, c_yoy))
        parts.append(_frame(ind, cal, np.array([CITY[0]]), city_ytd, city_target, city_yoy))
    yield pd.concat(parts, ignore_index=True), 1.0


def _weighted_city(county_values: np.ndarray, weights: np.ndarray, decimals: int) -> np.ndarray:
    return np.round((weights[:, None] * county_values).sum(axis=0, keepdims=True) / weights.sum(), decimals)


def _ar1(rng: np.random.Generator, shape: tuple[int, int], sd: float, phi: float = 0.6) -> np.ndarray:
    e = rng.normal(0, sd, shape)
    for t in range(1, shape[1]):
        e[:, t] += phi * e[:, t - 1]
    return e * np.sqrt(1 - phi**2)


def _level_values(seed: int, ind: Indicator, cal: Calendar) -> np.ndarray:
    """County-level values (13 × months) of a level indicator."""
    rng = rng_for(seed, "level/" + ind.code)
    shape = (len(COUNTY_CODES), cal.n)
    years = cal.year_index()
    lag = np.isin(np.arange(len(COUNTY_CODES)), [6, 7, 8])
    season = np.asarray(ind.season) if ind.season else np.zeros(12)
    s = season[cal.month - 1][None, :]
    if ind.code == "CPI":
        path = np.array([CPI_PATH.get(int(y), 100.5) for y in cal.year])[None, :]
        v = path + s + rng.normal(0, 0.3, (shape[0], 1)) + _ar1(rng, shape, ind.noise)
        return np.round(v, 1)
    if ind.code == "UNEMPLOYMENT":
        v = ind.base - 0.05 * years[None, :] + s + rng.normal(0, 0.35, (shape[0], 1)) + 0.4 * lag[:, None]
        return np.round(np.clip(v + _ar1(rng, shape, ind.noise), 3.5, 7.5), 1)
    if ind.code == "GOOD_AIR_DAYS":
        v = s + 1.0 * years[None, :] + rng.normal(0, 5, (shape[0], 1)) + rng.normal(0, ind.noise, shape)
        return np.round(np.clip(v, 25, 100), 1)
    if ind.code == "PM25":
        v = s * 0.97 ** years[None, :] * rng.lognormal(0, 0.15, (shape[0], 1)) * rng.lognormal(0, ind.noise, shape)
        return np.round(v, 0)
    if ind.code == "ONLINE_SERVICE_RATE":
        t = np.arange(cal.n) / 12
        trend = ind.base + (98 - ind.base) * (1 - np.exp(-t / 1.8))
        v = trend[None, :] + rng.normal(-2, 2.5, (shape[0], 1)) - 3 * lag[:, None] + _ar1(rng, shape, ind.noise)
        return np.round(np.clip(v, 40, 99.8), 1)
    if ind.code == "HOTLINE_SATISFACTION":
        v = ind.base + 0.6 * years[None, :] + rng.normal(0, 1.5, (shape[0], 1)) + _ar1(rng, shape, ind.noise)
        return np.round(np.clip(v, 70, 99.6), 1)
    raise ValueError(f"no generator for level indicator {ind.code}")


def _ytd_growth_values(seed: int, ind: Indicator, cal: Calendar) -> np.ndarray:
    """Year-to-date growth rates: the running mean of noisy monthly growth around the year's path,
    with county offsets that follow each county's trend."""
    rng = rng_for(seed, "ytd_growth/" + ind.code)
    shape = (len(COUNTY_CODES), cal.n)
    path = np.array([YTD_GROWTH_PATH[ind.code].get(int(y), 4.0) for y in cal.year])[None, :]
    offset = (TREND_GROWTH - TREND_GROWTH.mean())[:, None] * 100 * (1.0 if ind.code == "IND_VA_GROWTH" else 2.0)
    monthly = path + offset + rng.normal(0, ind.noise / 3, (shape[0], 1)) + rng.normal(0, ind.noise, shape)
    out = np.empty(shape)
    for y in np.unique(cal.year):
        cols = cal.year == y
        out[:, cols] = np.cumsum(monthly[:, cols], axis=1) / np.arange(1, cols.sum() + 1)
    return np.round(out, 1)


def _income_values(seed: int, ind: Indicator, cal: Calendar) -> np.ndarray:
    """YTD per-capita income per county; only quarter-end months are published."""
    rng = rng_for(seed, "income/" + ind.code)
    n_c, n_years = len(COUNTY_CODES), cal.year_index()[-1] + 1
    level0 = ind.base * rng.lognormal(0, 0.08 if ind.code == "URBAN_INCOME" else 0.15, n_c)
    level0[[6, 7, 8]] *= 0.85
    growth = (0.045 + ind.growth_offset + 0.3 * (TREND_GROWTH - TREND_GROWTH.mean())[:, None]
              + rng.normal(0, ind.year_sd, (n_c, n_years)))
    growth[:, 0] = 0.0
    annual = level0[:, None] * np.cumprod(1 + growth, axis=1)
    q = np.asarray(ind.season)
    frac = q[(cal.month - 1) // 3][None, :] + rng.normal(0, ind.noise, (n_c, cal.n))
    frac[:, cal.month == 12] = 1.0
    return np.round(annual[:, cal.year_index()] * frac, 0)


def other_frames(seed: int, regions: pd.DataFrame, cal: Calendar) -> Iterator[pd.DataFrame]:
    """fact_indicator rows of the non-additive indicators: counties, the city, and townships where
    the indicator has them."""
    codes = np.array(COUNTY_CODES)
    townships = regions[regions.level == "township"]
    for ind in INDICATORS:
        weights = ECONOMY_SHARE if ind.weights == "economy" else POPULATION_SHARE
        if ind.kind == "flow":
            continue
        if ind.kind == "income":
            county = _income_values(seed, ind, cal)
            city = _weighted_city(county, weights, 0)
            tg = 0.05 if ind.code == "URBAN_INCOME" else 0.07
            yield _frame(ind, cal, codes, county, _annual_target(county, cal, np.full(len(codes), tg), 0),
                         _yoy(county))
            yield _frame(ind, cal, np.array([CITY[0]]), city, _annual_target(city, cal, np.array([tg]), 0),
                         _yoy(city))
            continue
        if ind.kind == "ytd_growth":
            county = _ytd_growth_values(seed, ind, cal)
            city = _weighted_city(county, weights, 1)
            yield _frame(ind, cal, codes, county, None, None)
            yield _frame(ind, cal, np.array([CITY[0]]), city, None, None)
            continue
        county = _level_values(seed, ind, cal)
        city = _weighted_city(county, weights, ind.decimals)
        # CPI is itself a year-on-year index; a growth rate of it would mean nothing.
        with_yoy = ind.code != "CPI"
        yield _frame(ind, cal, codes, county, None, _yoy(county) if with_yoy else None)
        yield _frame(ind, cal, np.array([CITY[0]]), city, None, _yoy(city) if with_yoy else None)
        if ind.township:
            rng = rng_for(seed, "township/" + ind.code)
            parent = pd.Categorical(townships.parent_code, categories=codes).codes
            base = county[parent]
            if ind.code == "PM25":
                town = np.round(base * rng.lognormal(0, 0.06, base.shape), 0)
            else:
                town = np.round(np.clip(base + rng.normal(0, 2.5, base.shape), 25, 100), 1)
            yield _frame(ind, cal, townships.region_code.to_numpy(), town, None, _yoy(town))
