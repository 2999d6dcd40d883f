"""What a caller reads about their call, in zh-CN (default) or en."""

from __future__ import annotations

STATUS_TEXT: dict[str, tuple[str, str]] = {
    "received": (
        "已收到呼救，正在为您派车。请保持电话畅通。",
        "Call received. An ambulance is being dispatched. Keep your phone on.",
    ),
    "waiting": (
        "附近救护车均在执行任务，调度员已在为您协调最近的车辆。请保持电话畅通。",
        "Every nearby ambulance is on a call; the dispatcher is finding the nearest one. Keep your phone on.",
    ),
    "assigned": ("救护车已派出，正在赶来。", "An ambulance has been dispatched to you."),
    "en_route": ("救护车已出发，正在赶来。", "An ambulance is on its way."),
    "on_scene": ("救护车已到达。", "The ambulance has arrived."),
    "transporting": ("正在送往医院。", "On the way to hospital."),
    "at_hospital": ("已到达医院。", "Arrived at hospital."),
    "closed": ("本次呼救已结束。", "This call is closed."),
    "cancelled": ("本次呼救已取消。", "This call was cancelled."),
}
CPR = (
    "如患者无反应、无正常呼吸：立即胸外按压，每分钟100-120次，深度5-6厘米，用力快压，不要停。",
    "If the person is unresponsive and not breathing normally: push hard and fast in the centre of the chest, "
    "100-120 per minute, 5-6 cm deep, without stopping.",
)

AED = (
    "附近有可立即使用的AED（自动体外除颤器），见下方位置。请身边的人去取，您不要停止按压。",
    "There is an AED you can use nearby (see below). Send someone to fetch it; do not stop pushing.",
)


def status_text(status: str, lang: str) -> str:
    zh, en = STATUS_TEXT.get(status, STATUS_TEXT["received"])
    return en if lang == "en" else zh


def cpr_text(lang: str) -> str:
    return CPR[1] if lang == "en" else CPR[0]


def aed_text(lang: str) -> str:
    return AED[1] if lang == "en" else AED[0]
