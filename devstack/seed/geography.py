"""Zhangzhou's eleven county-level divisions, shaped from public figures.

Centres are the seats of government (approximate, WGS84); population is the 2020
census in units of 10,000 (approximate). Longhai and Changtai became districts in
2021 and took new codes; registry exports may still carry the old ones.
"""

from __future__ import annotations

from dataclasses import dataclass
from random import Random

from chalicelib.core.counties import BY_CODE as BY_CODE_REF

# Whole prefecture, used to keep scattered points on the map.
LAT_MIN, LAT_MAX = 23.5, 25.2
LON_MIN, LON_MAX = 116.9, 118.2

FORMER_CODES = {"350681": "350604", "350625": "350605"}  # Longhai city, Changtai county


@dataclass(frozen=True)
class Township:
    zh: str
    en: str

    @property
    def is_street_office(self) -> bool:
        return self.zh.endswith("街道")

    @property
    def en_full(self) -> str:
        kind = "Subdistrict" if self.is_street_office else "Township" if self.zh.endswith("乡") else "Town"
        return f"{self.en} {kind}"


@dataclass(frozen=True)
class County:
    code: str
    zh: str
    en: str
    lat: float
    lon: float
    population: int  # x 10,000
    urban: bool
    radius: float  # degrees: how far its addresses spread from the centre
    townships: tuple[Township, ...]  # the first one is the seat


def _county(code: str, population: int, urban: bool, radius: float, townships: tuple[Township, ...]) -> County:
    # Names and seats come from the runtime's reference data: one source for both.
    ref = BY_CODE_REF[code]
    return County(code, ref.name_zh, ref.name_en, ref.lat, ref.lon, population, urban, radius, townships)


def _t(*pairs: str) -> tuple[Township, ...]:
    return tuple(Township(zh, en) for zh, en in (p.split("|") for p in pairs))


# fmt: off
COUNTIES: tuple[County, ...] = (
    _county(
        "350602", 60, True, 0.05,
        _t("南坊街道|Nanfang", "西桥街道|Xiqiao", "东铺头街道|Dongputou", "新桥街道|Xinqiao",
           "巷口街道|Xiangkou", "通北街道|Tongbei", "浦南镇|Punan", "天宝镇|Tianbao", "芝山镇|Zhishan"),
    ),
    _county(
        "350603", 32, True, 0.04,
        _t("碎铜街道|Suitong", "步文街道|Buwen", "蓝田街道|Lantian", "景山街道|Jingshan",
           "朝阳街道|Chaoyang", "郭坑镇|Guokeng"),
    ),
    _county(
        "350604", 90, False, 0.1,
        _t("石码街道|Shima", "海澄镇|Haicheng", "角美镇|Jiaomei", "榜山镇|Bangshan", "紫泥镇|Zini",
           "白水镇|Baishui", "颜厝镇|Yancuo", "港尾镇|Gangwei"),
    ),
    _county(
        "350605", 24, False, 0.08,
        _t("武安镇|Wu'an", "岩溪镇|Yanxi", "陈巷镇|Chenxiang", "枋洋镇|Fangyang", "坂里乡|Banli"),
    ),
    _county(
        "350622", 42, False, 0.09,
        _t("云陵镇|Yunling", "莆美镇|Pumei", "火田镇|Huotian", "列屿镇|Lieyu", "东厦镇|Dongxia", "陈岱镇|Chendai"),
    ),
    _county(
        "350623", 80, False, 0.12,
        _t("绥安镇|Sui'an", "旧镇镇|Jiuzhen", "佛昙镇|Fotan", "赤湖镇|Chihu", "杜浔镇|Duxun",
           "深土镇|Shentu", "古雷镇|Gulei"),
    ),
    _county(
        "350624", 60, False, 0.09,
        _t("南诏镇|Nanzhao", "四都镇|Sidu", "深桥镇|Shenqiao", "梅岭镇|Meiling", "太平镇|Taiping", "金星乡|Jinxing"),
    ),
    _county(
        "350626", 22, False, 0.05,
        _t("西埔镇|Xipu", "铜陵镇|Tongling", "康美镇|Kangmei", "杏陈镇|Xingchen", "陈城镇|Chencheng"),
    ),
    _county(
        "350627", 33, False, 0.1,
        _t("山城镇|Shancheng", "靖城镇|Jingcheng", "丰田镇|Fengtian", "龙山镇|Longshan", "书洋镇|Shuyang",
           "梅林镇|Meilin"),
    ),
    _county(
        "350628", 50, False, 0.11,
        _t("小溪镇|Xiaoxi", "山格镇|Shange", "文峰镇|Wenfeng", "坂仔镇|Banzai", "南胜镇|Nansheng", "五寨乡|Wuzhai"),
    ),
    _county(
        "350629", 16, False, 0.1,
        _t("华丰镇|Huafeng", "丰山镇|Fengshan", "沙建镇|Shajian", "新圩镇|Xinxu", "仙都镇|Xiandu"),
    ),
)
# fmt: on

BY_CODE = {c.code: c for c in COUNTIES}


def weight(county: County) -> float:
    """Share of doors, AEDs and volunteers: city districts are denser than their population."""
    return county.population * (1.6 if county.urban else 1.0)


def allocate(total: int, *, minimum: int = 1) -> dict[str, int]:
    """Split `total` over the counties by weight, exactly (largest remainder), each >= minimum."""
    floor_each = minimum if total >= minimum * len(COUNTIES) else 0
    rest = total - floor_each * len(COUNTIES)
    weights = [weight(c) for c in COUNTIES]
    shares = [rest * w / sum(weights) for w in weights]
    counts = [int(s) for s in shares]
    by_remainder = sorted(range(len(COUNTIES)), key=lambda i: (counts[i] - shares[i], i))
    for i in by_remainder[: rest - sum(counts)]:
        counts[i] += 1
    return {c.code: floor_each + n for c, n in zip(COUNTIES, counts, strict=True)}


def scatter(rng: Random, county: County, spread: float) -> tuple[float, float]:
    """A point around the county centre: Gaussian, `spread` x radius wide, kept in the prefecture.

    Rejection keeps the distribution honest (clamping would pile points on the edge).
    """
    sigma = county.radius * spread / 2
    while True:
        lat = rng.gauss(county.lat, sigma)
        lon = rng.gauss(county.lon, sigma)
        near = (lat - county.lat) ** 2 + (lon - county.lon) ** 2 <= county.radius**2
        if near and LAT_MIN < lat < LAT_MAX and LON_MIN < lon < LON_MAX:
            return round(lat, 6), round(lon, 6)
