"""22 stations and the 34 connected ambulances based at them.

Every county has at least one station; the city districts have more. Each station has
an ALS unit; two neonatal transport units sit with the maternity hospital
and the southern county hospital; two units are out of service so the sparse
"available" index has something to leave out.
"""

from __future__ import annotations

from datetime import UTC, datetime

from chalicelib.fleet.entities import Station, Unit, UnitStatus, UnitType

# A fixed instant, never the wall clock: the seed must be identical on every run.
SEED_TIME = datetime(2025, 6, 1, 0, 0, tzinfo=UTC)

# id, zh, en, county, lat, lon, roster (A = ALS, B = BLS, N = neonatal)
_STATIONS: tuple[tuple[str, str, str, str, float, float, str], ...] = (
    ("ST01", "漳州市120急救指挥中心", "Zhangzhou 120 Emergency Command Centre", "350602", 24.5150, 117.6550, "ABB"),
    ("ST02", "漳州市医院急救站", "Municipal Hospital Station", "350602", 24.5128, 117.6472, "AB"),
    ("ST03", "九〇九医院急救站", "No. 909 Hospital Station", "350602", 24.5236, 117.6603, "AB"),
    ("ST04", "妇幼保健院急救站", "Maternal and Child Health Hospital Station", "350603", 24.4968, 117.6902, "NA"),
    ("ST05", "龙文急救站", "Longwen Station", "350603", 24.5031, 117.7065, "AB"),
    ("ST06", "蓝田急救站", "Lantian Station", "350603", 24.5187, 117.7312, "A"),
    ("ST07", "石码急救站", "Shima Station", "350604", 24.4471, 117.8203, "AB"),
    ("ST08", "角美急救站", "Jiaomei Station", "350604", 24.5197, 117.9143, "A"),
    ("ST09", "海澄急救站", "Haicheng Station", "350604", 24.4105, 117.8306, "A"),
    ("ST10", "长泰急救站", "Changtai Station", "350605", 24.6248, 117.7571, "A"),
    ("ST11", "云霄急救站", "Yunxiao Station", "350622", 23.9571, 117.3398, "AB"),
    ("ST12", "漳浦急救站", "Zhangpu Station", "350623", 24.1168, 117.6142, "AN"),
    ("ST13", "旧镇急救站", "Jiuzhen Station", "350623", 23.9921, 117.6712, "A"),
    ("ST14", "古雷急救站", "Gulei Station", "350623", 23.8412, 117.5903, "A"),
    ("ST15", "诏安急救站", "Zhao'an Station", "350624", 23.7109, 117.1763, "AB"),
    ("ST16", "四都急救站", "Sidu Station", "350624", 23.7906, 117.1468, "A"),
    ("ST17", "东山急救站", "Dongshan Station", "350626", 23.7021, 117.4302, "AB"),
    ("ST18", "南靖急救站", "Nanjing Station", "350627", 24.5143, 117.3579, "A"),
    ("ST19", "靖城急救站", "Jingcheng Station", "350627", 24.5602, 117.5120, "A"),
    ("ST20", "平和急救站", "Pinghe Station", "350628", 24.3641, 117.3129, "AB"),
    ("ST21", "山格急救站", "Shange Station", "350628", 24.4418, 117.3806, "A"),
    ("ST22", "华安急救站", "Hua'an Station", "350629", 25.0040, 117.5338, "A"),
)
_TYPES = {"A": UnitType.ALS, "B": UnitType.BLS, "N": UnitType.NEONATAL}
_OUT_OF_SERVICE = {("ST01", 2), ("ST07", 1)}  # (station, position in its roster)


# Who rides each type (Chinese practice: a doctor on every ALS unit).
_CREW = {UnitType.ALS: ("DRV", "DOC", "NUR"), UnitType.BLS: ("DRV", "NUR"), UnitType.NEONATAL: ("DRV", "DOC", "NUR")}


def stations() -> list[Station]:
    return [
        Station(station_id=sid, name_zh=zh, name_en=en, county=county, lat=lat, lon=lon)
        for sid, zh, en, county, lat, lon, _ in _STATIONS
    ]


def units() -> list[Unit]:
    out: list[Unit] = []
    for sid, _zh, _en, county, lat, lon, roster in _STATIONS:
        for slot, letter in enumerate(roster):
            n = len(out) + 1
            status = UnitStatus.OUT_OF_SERVICE if (sid, slot) in _OUT_OF_SERVICE else UnitStatus.AVAILABLE
            out.append(
                Unit(
                    unit_id=f"AMB{n:02d}",
                    plate=f"闽E{12000 + 7 * n}",  # 闽E: Zhangzhou's licence plate prefix
                    type=_TYPES[letter],
                    station_id=sid,
                    county=county,
                    status=status,
                    lat=lat,
                    lon=lon,
                    position_at=SEED_TIME,
                    crew=[f"{county}-{role}{n:02d}" for role in _CREW[_TYPES[letter]]],
                )
            )
    return out
