"""fact_household: poverty-relapse monitoring (防返贫监测), one row per rural household.

ID numbers have the real layout (county code, birth date, serial) but a deliberately wrong
check digit, so no generated number can be a real person's.
"""
from __future__ import annotations

from datetime import UTC, datetime, timedelta

import numpy as np
import pandas as pd

from demo.rand import rng_for

SURNAMES = list("王李张刘郭杨赵高武任贾薛冯马宋霍白梁韩孙田曹段吴崔康温侯秦乔闫成郝")
GIVEN = list("建国华军明亮强伟红英芳兰花秀珍平文斌峰海林春梅玉凤桂金宝生福贵荣娟丽霞")
STATUSES = ("stable", "monitored", "at_risk", "risk_eliminated")
RISK_TYPES = ("illness", "disability", "disaster", "unemployment", "education", "accident")
MEASURES = ("医疗救助", "临时救助", "公益性岗位", "产业帮扶", "低保兜底", "教育资助", "小额信贷", "务工就业帮扶",
            "危房改造", "残疾人两项补贴")
_ID_WEIGHTS = np.array([7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2])
_ID_CHECK = np.array(list("10X98765432"))


def fake_id_numbers(rng: np.random.Generator, county_codes: np.ndarray) -> np.ndarray:
    """18-character ID numbers: county code, birth date 1940–2002, serial, and a check character
    that is never the valid one."""
    n = len(county_codes)
    birth = np.datetime64("1940-01-01") + rng.integers(0, 365 * 62, n).astype("timedelta64[D]")
    body = np.char.add(np.char.add(county_codes.astype(str), np.datetime_as_string(birth).astype(str)),
                       np.char.zfill(rng.integers(1, 1000, n).astype(str), 3))
    body = np.char.replace(body, "-", "")
    digits = np.array([list(b) for b in body], dtype=int)
    valid = (digits * _ID_WEIGHTS).sum(axis=1) % 11
    wrong = (valid + rng.integers(1, 11, n)) % 11
    return np.char.add(body, _ID_CHECK[wrong])


def households_frame(seed: int, regions: pd.DataFrame, end_period: str, n: int = 20_000,
                     now: datetime | None = None) -> pd.DataFrame:
    """Households updated in the half year before the month after end_period, never after `now`."""
    rng = rng_for(seed, "households")
    villages = regions[(regions.level == "village") & regions.name.str.endswith("村")].region_code.to_numpy()
    weights = rng.lognormal(0, 0.5, len(villages))
    village = np.sort(rng.choice(villages, n, p=weights / weights.sum()))
    serial = pd.Series(village).groupby(village).cumcount().to_numpy() + 1
    codes = np.char.add(village.astype(str), np.char.zfill(serial.astype(str), 4))
    status = rng.choice(STATUSES, n, p=[0.87, 0.05, 0.03, 0.05])
    median = {"stable": 15000, "monitored": 8500, "at_risk": 6200, "risk_eliminated": 11000}
    income = np.round(np.array([median[s] for s in status]) * rng.lognormal(0, 0.3, n), -1)
    names = np.char.add(rng.choice(SURNAMES, n), rng.choice(GIVEN, n))
    two = rng.random(n) < 0.6
    names = np.where(two, np.char.add(names, rng.choice(GIVEN, n)), names)
    flagged = status != "stable"
    risk = np.where(flagged, rng.choice(RISK_TYPES, n, p=[0.4, 0.2, 0.12, 0.15, 0.08, 0.05]), None)
    measures = [("、".join(rng.choice(MEASURES, int(rng.integers(1, 4)), replace=False)) if f else None)
                for f in flagged]
    y, m = int(end_period[:4]), int(end_period[5:7])
    end = datetime(y + m // 12, m % 12 + 1, 1, tzinfo=UTC)
    updated = [min(end - timedelta(minutes=int(m)), now or end).strftime("%Y-%m-%dT%H:%M:%SZ")
               for m in rng.integers(0, 180 * 24 * 60, n)]
    return pd.DataFrame(dict(household_code=codes, region_code=village, head_name=names,
                             id_number=fake_id_numbers(rng, np.array([v[:6] for v in village])),
                             members=rng.choice(np.arange(1, 8), n, p=[0.16, 0.24, 0.2, 0.2, 0.12, 0.05, 0.03]),
                             income_per_capita=income, monitor_status=status, risk_type=risk, measures=measures,
                             updated_at=updated))
