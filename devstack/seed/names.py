"""Word lists for plausible Zhangzhou addresses and places, each with its pinyin."""

from __future__ import annotations


def _pairs(text: str) -> tuple[tuple[str, str], ...]:
    return tuple((zh, en) for zh, en in (item.split("|") for item in text.split()))


# Road and community names common in southern Fujian.
ROADS = _pairs(
    "新华|Xinhua 胜利|Shengli 延安|Yan'an 建元|Jianyuan 瑞京|Ruijing 南昌|Nanchang 水仙|Shuixian "
    "元光|Yuanguang 大同|Datong 丹霞|Danxia 博爱|Bo'ai 九龙|Jiulong 华侨|Huaqiao 中山|Zhongshan "
    "人民|Renmin 解放|Jiefang 和平|Heping 迎宾|Yingbin 江滨|Jiangbin 振兴|Zhenxing 腾飞|Tengfei "
    "文化|Wenhua 学院|Xueyuan 健康|Jiankang 平安|Ping'an 开元|Kaiyuan 龙泉|Longquan 金峰|Jinfeng"
)
ROAD_KINDS = _pairs("路|Road 路|Road 路|Road 街|Street 大道|Avenue")
DIRECTIONS = (("", ""), ("", ""), ("东", "East "), ("西", "West "), ("南", "South "), ("北", "North "))
COMMUNITIES = _pairs(
    "东坂|Dongban 西洋|Xiyang 南山|Nanshan 田中|Tianzhong 霞东|Xiadong 溪口|Xikou 后坂|Houban "
    "前亭|Qianting 蔡坂|Caiban 桥南|Qiaonan 上坂|Shangban 下洋|Xiayang 塘边|Tangbian 林内|Linnei "
    "新村|Xincun 古塘|Gutang 美山|Meishan 湖内|Hunei 岭下|Lingxia 洋尾|Yangwei 浦头|Putou 山美|Shanmei"
)

# Public places that host an AED, with the building's opening hours.
AED_PLACES = (
    ("汽车站", "Bus Station", "24h"),
    ("人民政府便民服务中心", "Government Service Centre", "08:00-18:00"),
    ("体育馆", "Gymnasium", "06:00-22:00"),
    ("中学", "Middle School", "07:00-21:30"),
    ("商场", "Shopping Mall", "09:00-22:00"),
    ("公园", "Park", "24h"),
    ("派出所", "Police Station", "24h"),
    ("消防救援站", "Fire Station", "24h"),
    ("社区卫生服务中心", "Community Health Centre", "08:00-17:30"),
    ("景区游客中心", "Scenic Area Visitor Centre", "08:00-18:00"),
)

SURNAMES = "陈林黄张李王吴刘蔡杨郑许戴曾庄洪沈方苏周"
GIVEN = "志明伟芳秀英建华文丽国强金水海燕美玲晓雪俊杰佳慧宇航思颖振宏淑贞"
# Mobile prefixes of the three carriers; the last eight digits are drawn without repetition.
MOBILE_PREFIXES = ("133", "135", "136", "137", "138", "139", "150", "158", "159", "180", "186", "188", "189", "199")
