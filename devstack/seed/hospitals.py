"""The 17 receiving hospitals. Names follow real Zhangzhou institutions; positions and
capability sets are approximate and illustrative, not a statement about any hospital.

Shape that matters for routing: the city centre holds the only 24/7 PCI, thrombectomy,
level-1 trauma and ECMO services; county hospitals thrombolyse and stabilise; one
maternity and children's hospital has the NICU; the TCM hospital does less.
"""

from __future__ import annotations

from chalicelib.hospitals.entities import Capability as C
from chalicelib.hospitals.entities import Hospital

_CITY_TERTIARY = {
    C.CHEST_PAIN_CENTER,
    C.PCI_24X7,
    C.STROKE_THROMBOLYSIS,
    C.STROKE_THROMBECTOMY,
    C.TRAUMA_LEVEL_1,
    C.ECMO,
}
_COUNTY = {C.CHEST_PAIN_CENTER, C.STROKE_THROMBOLYSIS}
_COUNTY_PLUS = _COUNTY | {C.TRAUMA_LEVEL_2, C.PAEDIATRICS}

# id, zh, en, grade, county, lat, lon, capabilities
_ROWS: tuple[tuple[str, str, str, str, str, float, float, set[C]], ...] = (
    ("HOS01", "漳州市医院", "Zhangzhou Municipal Hospital (Affiliated Zhangzhou Hospital of Fujian Medical University)",
     "3A", "350602", 24.5128, 117.6472,
     _CITY_TERTIARY | {C.BURNS, C.PAEDIATRICS, C.MATERNAL_CRITICAL_CARE, C.NICU}),
    ("HOS02", "联勤保障部队第九〇九医院", "No. 909 Hospital of the Joint Logistics Support Force", "3A", "350602",
     24.5236, 117.6603, _CITY_TERTIARY | {C.BURNS}),
    ("HOS03", "漳州市第三医院", "Zhangzhou Third Hospital", "3B", "350602", 24.5052, 117.6531,
     {C.CHEST_PAIN_CENTER, C.STROKE_THROMBOLYSIS, C.TRAUMA_LEVEL_2}),
    ("HOS04", "漳州市中医院", "Zhangzhou Hospital of Traditional Chinese Medicine", "3A", "350602", 24.5161, 117.6558,
     {C.STROKE_THROMBOLYSIS}),
    ("HOS05", "漳州市妇幼保健院", "Zhangzhou Maternal and Child Health Hospital", "3A", "350603", 24.4968, 117.6902,
     {C.NICU, C.MATERNAL_CRITICAL_CARE, C.PAEDIATRICS}),
    ("HOS06", "漳州正兴医院", "Zhangzhou Zhengxing Hospital", "3B", "350603", 24.5031, 117.7065,
     {C.CHEST_PAIN_CENTER, C.PCI_24X7, C.STROKE_THROMBOLYSIS, C.TRAUMA_LEVEL_2}),
    ("HOS07", "漳州市第二医院", "Zhangzhou Second Hospital", "3B", "350604", 24.4471, 117.8203,
     {C.CHEST_PAIN_CENTER, C.PCI_24X7, C.STROKE_THROMBOLYSIS, C.TRAUMA_LEVEL_2, C.PAEDIATRICS}),
    ("HOS08", "长泰区医院", "Changtai District Hospital", "2A", "350605", 24.6248, 117.7571, _COUNTY),
    ("HOS09", "云霄县医院", "Yunxiao County Hospital", "2A", "350622", 23.9571, 117.3398, _COUNTY_PLUS),
    ("HOS10", "漳浦县医院", "Zhangpu County Hospital", "3B", "350623", 24.1168, 117.6142,
     _COUNTY_PLUS | {C.PCI_24X7, C.MATERNAL_CRITICAL_CARE}),
    ("HOS11", "漳浦县中医院", "Zhangpu County Hospital of TCM", "2A", "350623", 24.1209, 117.6083,
     {C.STROKE_THROMBOLYSIS}),
    ("HOS12", "诏安县医院", "Zhao'an County Hospital", "2A", "350624", 23.7109, 117.1763, _COUNTY_PLUS),
    ("HOS13", "诏安县中医院", "Zhao'an County Hospital of TCM", "2A", "350624", 23.7152, 117.1702,
     {C.STROKE_THROMBOLYSIS}),
    ("HOS14", "东山县医院", "Dongshan County Hospital", "2A", "350626", 23.7021, 117.4302, _COUNTY | {C.BURNS}),
    ("HOS15", "南靖县医院", "Nanjing County Hospital", "2A", "350627", 24.5143, 117.3579, _COUNTY),
    ("HOS16", "平和县医院", "Pinghe County Hospital", "2A", "350628", 24.3641, 117.3129, _COUNTY_PLUS),
    ("HOS17", "华安县医院", "Hua'an County Hospital", "2A", "350629", 25.0040, 117.5338, _COUNTY),
)  # fmt: skip


def hospitals() -> list[Hospital]:
    return [
        Hospital(
            hospital_id=hid,
            name_zh=zh,
            name_en=en,
            grade=grade,
            county=county,
            lat=lat,
            lon=lon,
            capabilities=frozenset(caps),
        )
        for hid, zh, en, grade, county, lat, lon, caps in _ROWS
    ]
