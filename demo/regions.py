"""吕梁市 and its counties (real GB/T 2260 codes), with generated townships and villages."""
from __future__ import annotations

import functools
import json
import math
from pathlib import Path

import numpy as np
import pandas as pd
import shapely
import shapely.geometry
import shapely.prepared

from demo.rand import rng_for

CITY = ("141100", "吕梁市", "Lüliang Shi", 111.14, 37.52)

# (code, name, name_en, lon, lat): label points near each county seat, WGS84.
COUNTIES: list[tuple[str, str, str, float, float]] = [
    ("141102", "离石区", "Lishi Qu", 111.15, 37.52),
    ("141121", "文水县", "Wenshui Xian", 112.03, 37.44),
    ("141122", "交城县", "Jiaocheng Xian", 112.16, 37.55),
    ("141123", "兴县", "Xing Xian", 111.13, 38.46),
    ("141124", "临县", "Lin Xian", 110.99, 37.95),
    ("141125", "柳林县", "Liulin Xian", 110.89, 37.43),
    ("141126", "石楼县", "Shilou Xian", 110.83, 37.00),
    ("141127", "岚县", "Lan Xian", 111.67, 38.28),
    ("141128", "方山县", "Fangshan Xian", 111.24, 37.89),
    ("141129", "中阳县", "Zhongyang Xian", 111.18, 37.36),
    ("141130", "交口县", "Jiaokou Xian", 111.18, 36.98),
    ("141181", "孝义市", "Xiaoyi Shi", 111.78, 37.14),
    ("141182", "汾阳市", "Fenyang Shi", 111.79, 37.26),
]
COUNTY_CODES = [c[0] for c in COUNTIES]

# Rough shares of the city's population and output, and each county's trend growth:
# 孝义/柳林 carry the coal and coke economy, 石楼/岚县/方山 clearly lag.
POPULATION_SHARE = np.array([0.11, 0.10, 0.06, 0.08, 0.15, 0.09, 0.03, 0.05, 0.04, 0.04, 0.03, 0.14, 0.12])
ECONOMY_SHARE = np.array([0.10, 0.05, 0.07, 0.09, 0.05, 0.14, 0.02, 0.03, 0.02, 0.07, 0.04, 0.24, 0.11])
TREND_GROWTH = np.array([0.058, 0.050, 0.047, 0.082, 0.054, 0.062, 0.008, 0.012, 0.015, 0.052, 0.045, 0.066, 0.056])
LAGGING_COUNTIES = ("141126", "141127", "141128")
POPULATION_SHARE = POPULATION_SHARE / POPULATION_SHARE.sum()
ECONOMY_SHARE = ECONOMY_SHARE / ECONOMY_SHARE.sum()

# 街道 per county: the three urban districts/cities have several, the rest one or none.
_STREETS = {"141102": 5, "141181": 5, "141182": 4, "141121": 1, "141122": 1, "141123": 1, "141124": 1}

_FIRST = ("东dong 西xi 南nan 北bei 大da 小xiao 高gao 王wang 李li 张zhang 刘liu 石shi 柳liu 杨yang 马ma 白bai "
          "红hong 青qing 金jin 新xin 安an 永yong 兴xing 凤feng 龙long 梁liang 枣zao 槐huai 杏xing 桃tao 米mi "
          "贾jia 郭guo 赵zhao 孙sun 田tian 韩han 曹cao 冯feng 任ren 薛xue 霍huo 武wu 段duan 吴wu 宋song 崔cui")
_SECOND = ("峪yu 沟gou 坪ping 庄zhuang 河he 山shan 泉quan 城cheng 关guan 口kou 头tou 堡bao 寨zhai 岭ling 坡po "
           "园yuan 林lin 桥qiao 湾wan 塔ta 阳yang 平ping 店dian 营ying 峁mao 垣yuan 会hui 滩tan 洼wa 圪ge")


def _syllables(spec: str) -> list[tuple[str, str]]:
    return [(s[0], s[1:]) for s in spec.split()]


FIRST_SYLLABLES = _syllables(_FIRST)
SECOND_SYLLABLES = _syllables(_SECOND)


def pinyin_join(parts: list[str]) -> str:
    """Join pinyin syllables into one word, with the apostrophe pinyin needs before a, o, e."""
    out = parts[0]
    for p in parts[1:]:
        out += ("'" + p) if p[0] in "aoe" else p
    return out.capitalize()


COUNTIES_FILE = Path(__file__).parent / "data" / "lvliang_counties.geojson"
# Steps, from the point back to the anchor, tried when a point falls outside its county.
_PULL_STEPS = np.linspace(0.9, 0.0, 10)


@functools.cache
def _county_shapes() -> dict[str, shapely.prepared.PreparedGeometry]:
    collection = json.loads(COUNTIES_FILE.read_text(encoding="utf-8"))
    return {f["id"]: shapely.prepared.prep(shapely.geometry.shape(f["geometry"])) for f in collection["features"]}


def inside_county(code: str, lon: float, lat: float, anchor: tuple[float, float]) -> tuple[float, float]:
    """(lon, lat) when it lies in the real county of region `code`, else the point pulled back
    toward `anchor` (a point inside that county) until it does.

    Random offsets around a county seat or a township otherwise land in the next county about
    a third of the time, and a map with real borders shows the alert in the wrong place. No
    random numbers are drawn, so the rest of the demo data stays as it was.
    """
    shape = _county_shapes().get(code[:6])
    if shape is None or shape.contains(shapely.Point(lon, lat)):
        return lon, lat
    for t in _PULL_STEPS:
        pulled = (round(anchor[0] + t * (lon - anchor[0]), 4), round(anchor[1] + t * (lat - anchor[1]), 4))
        if shape.contains(shapely.Point(*pulled)):
            return pulled
    return anchor


def offset_point(rng: np.random.Generator, lon: float, lat: float, max_km: float,
                 n: int) -> tuple[np.ndarray, np.ndarray]:
    """n points uniformly within max_km of (lon, lat), rounded to ~10 m."""
    r = max_km * np.sqrt(rng.uniform(0.05, 1.0, n))
    theta = rng.uniform(0, 2 * math.pi, n)
    dlat = r * np.sin(theta) / 111.0
    dlon = r * np.cos(theta) / (111.0 * math.cos(math.radians(lat)))
    return np.round(lon + dlon, 4), np.round(lat + dlat, 4)


def _unique_names(rng: np.random.Generator, n: int, with_jia: bool, taken: set[str]) -> list[tuple[str, str]]:
    names: list[tuple[str, str]] = []
    while len(names) < n:
        a = FIRST_SYLLABLES[rng.integers(len(FIRST_SYLLABLES))]
        b = SECOND_SYLLABLES[rng.integers(len(SECOND_SYLLABLES))]
        parts = [a, ("家", "jia"), b] if with_jia and rng.random() < 0.5 else [a, b]
        zh = "".join(p[0] for p in parts)
        if zh in taken:
            continue
        taken.add(zh)
        names.append((zh, pinyin_join([p[1] for p in parts])))
    return names


def build_regions(seed: int, scale: int = 1) -> pd.DataFrame:
    """dim_region rows: the city (top, parent NULL), 13 counties, 8–15 townships per county and
    3–7 × scale villages per township. Township codes: 001– 街道, 100– 镇, 200– 乡; village
    codes 001– 社区 (in 街道), 200– 村, as in the statistical division codes."""
    rng = rng_for(seed, "regions")
    rows = [dict(region_code=CITY[0], name=CITY[1], name_en=CITY[2], level="city", parent_code=None,
                 lon=CITY[3], lat=CITY[4])]
    for code, name, name_en, lon, lat in COUNTIES:
        rows.append(dict(region_code=code, name=name, name_en=name_en, level="county", parent_code=CITY[0],
                         lon=lon, lat=lat))
    townships = []
    for code, _name, _en, lon, lat in COUNTIES:
        n_total = int(rng.integers(8, 16))
        n_street = _STREETS.get(code, 0)
        n_town = int(rng.integers(4, 8))
        n_xiang = max(n_total - n_street - n_town, 1)
        names = _unique_names(rng, n_street + n_town + n_xiang, with_jia=False, taken=set())
        kinds = ["街道"] * n_street + ["镇"] * n_town + ["乡"] * n_xiang
        starts = {"街道": 1, "镇": 100, "乡": 200}
        counters = dict(starts)
        # 街道 sit in the county seat; towns and townships spread out to ~20 km.
        tl, tb = offset_point(rng, lon, lat, 19.0, len(kinds))
        sl, sb = offset_point(rng, lon, lat, 3.0, len(kinds))
        for i, (kind, (zh, en)) in enumerate(zip(kinds, names)):
            tcode = f"{code}{counters[kind]:03d}"
            counters[kind] += 1
            is_street = kind == "街道"
            tlon, tlat = inside_county(code, float(sl[i] if is_street else tl[i]),
                                       float(sb[i] if is_street else tb[i]), (lon, lat))
            townships.append(dict(region_code=tcode, name=zh + kind,
                                  name_en=f"{en} {dict(街道='Jiedao', 镇='Zhen', 乡='Xiang')[kind]}",
                                  level="township", parent_code=code, lon=tlon, lat=tlat))
    rows.extend(townships)
    for t in townships:
        is_street = t["name"].endswith("街道")
        n = min(int(rng.integers(3, 8)) * scale, 799)
        names = _unique_names(rng, n, with_jia=not is_street, taken=set())
        vl, vb = offset_point(rng, t["lon"], t["lat"], 2.0 if is_street else 6.0, n)
        first = 1 if is_street else 200
        suffix, suffix_en = ("社区", "Shequ") if is_street else ("村", "Cun")
        for j, (zh, en) in enumerate(names):
            vlon, vlat = inside_county(t["region_code"], float(vl[j]), float(vb[j]), (t["lon"], t["lat"]))
            rows.append(dict(region_code=f"{t['region_code']}{first + j:03d}", name=zh + suffix,
                             name_en=f"{en} {suffix_en}", level="village", parent_code=t["region_code"],
                             lon=vlon, lat=vlat))
    return pd.DataFrame(rows, columns=["region_code", "name", "name_en", "level", "parent_code", "lon", "lat"])
