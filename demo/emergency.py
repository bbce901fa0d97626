"""Departments, cameras and emergency resources (dim_department, dim_camera, dim_resource)."""
from __future__ import annotations

import pandas as pd

from demo.rand import rng_for
from demo.regions import COUNTIES, inside_county, offset_point

DEPARTMENTS: list[tuple[str, str]] = [
    ("YJGLJ", "吕梁市应急管理局"),
    ("XFZD", "吕梁市消防救援支队"),
    ("ZRZYJ", "吕梁市自然资源局"),
    ("WJW", "吕梁市卫生健康委员会"),
    ("GAJ", "吕梁市公安局"),
    ("JTYSJ", "吕梁市交通运输局"),
    ("SLJ", "吕梁市水利局"),
    ("QXJ", "吕梁市气象局"),
    ("ZJJ", "吕梁市住房和城乡建设局"),
    ("STHJJ", "吕梁市生态环境局"),
    ("LCJ", "吕梁市林业和草原局"),
    ("NYNCJ", "吕梁市农业农村局"),
    ("FGW", "吕梁市发展和改革委员会"),
    ("GXJ", "吕梁市工业和信息化局"),
    ("NYJ", "吕梁市能源局"),
    ("CGJ", "吕梁市城市管理局"),
    ("SPJ", "吕梁市行政审批服务管理局"),
]
DEPT_NAME = dict(DEPARTMENTS)

CAMERA_KINDS = ("public_security", "traffic", "forest_fire", "city", "water", "other")
_CAMERA_OWNER = {"public_security": "GAJ", "traffic": "JTYSJ", "forest_fire": "LCJ", "city": "CGJ",
                 "water": "SLJ", "other": "YJGLJ"}
_ROADS = ("滨河路", "永宁路", "龙凤大街", "北川河大道", "凤山路", "建设路", "胜溪路", "新华街", "体育路", "迎宾路",
          "朝阳路", "府前街", "振兴路", "崇文街", "人民路", "文化路")
_PLACES = {"public_security": ("{road}与{road2}交叉口", "{road}汽车站广场", "{road}人民医院门口", "{road}中学东门"),
           "traffic": ("G20青银高速{k}公里处", "G307国道{k}公里处", "G209国道{k}公里处", "S50太佳高速{k}公里处",
                       "{road}收费站"),
           "forest_fire": ("{place}林区瞭望塔", "{place}山顶防火监控点", "{place}林场"),
           "city": ("{road}城市客厅", "{road}垃圾中转站", "{road}广场", "{road}公园"),
           "water": ("{river}{place}段", "{river}水文站", "{place}水库大坝"),
           "other": ("{place}供热站", "{place}变电站", "{place}物资储备库")}
RIVERS = ("三川河", "北川河", "东川河", "南川河", "湫水河", "屈产河", "文峪河", "磁窑河", "汾河", "岚河", "蔚汾河",
          "黄河")


def departments_frame(seed: int) -> pd.DataFrame:
    rng = rng_for(seed, "departments")
    rows = []
    for code, name in DEPARTMENTS:
        phone = f"0358-{rng.choice([8, 3, 2])}{rng.integers(0, 1_000_000):06d}"
        # About half have a room on the intranet video-conference system.
        url = f"http://conf.lvliang.gov.local/room/{rng.integers(1000, 10000)}" if rng.random() < 0.55 else None
        rows.append(dict(dept_code=code, name=name, phone=phone, conference_url=url))
    return pd.DataFrame(rows)


def _town_names(regions: pd.DataFrame) -> dict[str, list[str]]:
    towns = regions[regions.level == "township"]
    return {county: group.tolist() for county, group in towns.groupby("parent_code").name}


def cameras_frame(seed: int, regions: pd.DataFrame, n: int = 300) -> pd.DataFrame:
    """~300 cameras with GB/T 28181-style 20-digit ids; ~10 % offline; stream_url mostly NULL."""
    rng = rng_for(seed, "cameras")
    towns = _town_names(regions)
    kinds = rng.choice(CAMERA_KINDS, n, p=[0.32, 0.22, 0.16, 0.14, 0.10, 0.06])
    rows = []
    for i, kind in enumerate(kinds):
        code, cname, _en, lon, lat = COUNTIES[rng.integers(len(COUNTIES))]
        template = _PLACES[kind][rng.integers(len(_PLACES[kind]))]
        road, road2 = rng.choice(_ROADS, 2, replace=False)
        name = template.format(road=road, road2=road2, k=int(rng.integers(300, 900)), river=rng.choice(RIVERS),
                               place=towns[code][rng.integers(len(towns[code]))])
        spread = 15.0 if kind in ("forest_fire", "water", "traffic") else 3.0
        plon, plat = offset_point(rng, lon, lat, spread, 1)
        # GB/T 28181: 8-digit centre code, 2-digit trade, 3-digit type (132 = IP camera), net flag, serial.
        camera_id = f"{code}00" + "00" + "132" + "0" + f"{i + 1:06d}"
        stream = f"http://media.lvliang.gov.local/live/{camera_id}.m3u8" if rng.random() < 0.05 else None
        clon, clat = inside_county(code, float(plon[0]), float(plat[0]), (lon, lat))
        rows.append(dict(camera_id=camera_id, name=f"{cname}{name}", region_code=code, lon=clon,
                         lat=clat, kind=str(kind), stream_url=stream,
                         status="offline" if rng.random() < 0.1 else "online", owner_dept=_CAMERA_OWNER[kind]))
    return pd.DataFrame(rows)


_RESOURCES = {
    "rescue_team": (("{county}消防救援大队", "XFZD", "{n}人，消防车{v}辆"), ("{county}矿山救护队", "YJGLJ", "{n}人"),
                    ("{county}森林消防专业队", "LCJ", "{n}人"), ("{county}蓝天救援队", "YJGLJ", "{n}人（社会力量）")),
    "supply_depot": (("{county}应急物资储备库", "YJGLJ", "帐篷{t}顶，折叠床{b}张，棉被{q}床"),
                     ("{county}防汛物资仓库", "SLJ", "编织袋{q}条，冲锋舟{v}艘，救生衣{b}件")),
    "shelter": (("{town}应急避难场所", "YJGLJ", "可容纳{p}人"), ("{county}体育馆避难点", "ZJJ", "可容纳{p}人")),
    "medical": (("{county}人民医院", "WJW", "床位{beds}张，救护车{v}辆"), ("{county}中医院", "WJW", "床位{beds}张"),
                ("{town}卫生院", "WJW", "床位{small}张")),
    "vehicle": (("{county}应急救援车辆编组", "YJGLJ", "越野车{v}辆，运输车{v2}辆"),
                ("{county}交通抢险车队", "JTYSJ", "挖掘机{v}台，装载机{v2}台")),
}


def resources_frame(seed: int, regions: pd.DataFrame, n: int = 150) -> pd.DataFrame:
    """~150 resources of every kind, spread over the counties."""
    rng = rng_for(seed, "resources")
    towns = _town_names(regions)
    kinds = list(_RESOURCES)
    rows = []
    seen: dict[str, int] = {}
    for i in range(n):
        kind = kinds[i % len(kinds)]
        code, cname, _en, lon, lat = COUNTIES[rng.integers(len(COUNTIES))]
        template, dept, cap = _RESOURCES[kind][rng.integers(len(_RESOURCES[kind]))]
        town = towns[code][rng.integers(len(towns[code]))]
        fill = dict(county=cname, town=town, n=int(rng.integers(12, 80)), v=int(rng.integers(2, 15)),
                    v2=int(rng.integers(2, 10)), t=int(rng.integers(2, 20)) * 100, b=int(rng.integers(5, 30)) * 100,
                    q=int(rng.integers(10, 80)) * 100, p=int(rng.integers(5, 60)) * 100,
                    beds=int(rng.integers(20, 90)) * 10, small=int(rng.integers(10, 60)))
        plon, plat = offset_point(rng, lon, lat, 10.0 if "town" in template else 2.5, 1)
        name = template.format(**fill)
        seen[name] = seen.get(name, 0) + 1
        if seen[name] > 1:
            name += f"（{seen[name]}号点）"
        rlon, rlat = inside_county(code, float(plon[0]), float(plat[0]), (lon, lat))
        rows.append(dict(resource_id=f"RES-{i + 1:04d}", kind=kind, name=name, region_code=code,
                         lon=rlon, lat=rlat, capacity=cap.format(**fill), dept_code=dept))
    return pd.DataFrame(rows)
