"""Every word the call page shows, in zh-CN (default) and en, and the language choice."""

from __future__ import annotations

Lang = str  # "zh" or "en"
LANGS: tuple[Lang, ...] = ("zh", "en")

# Most urgent first: a caller who taps only one chip should find cardiac arrest at once.
SYMPTOMS: dict[str, tuple[str, str]] = {
    "cardiac_arrest": ("心脏骤停", "Cardiac arrest"),
    "unconscious": ("昏迷", "Unconscious"),
    "breathing": ("呼吸困难", "Breathing"),
    "chest_pain": ("胸痛", "Chest pain"),
    "stroke_signs": ("疑似中风", "Stroke signs"),
    "bleeding": ("大出血", "Bleeding"),
    "trauma": ("外伤摔伤", "Injury, fall"),
    "pregnancy": ("孕产妇", "Pregnancy"),
    "newborn": ("新生儿", "Newborn"),
    "other": ("其他", "Other"),
}

TEXTS: dict[str, tuple[str, str]] = {
    "title": ("呼叫急救 120", "Call an ambulance (120)"),
    "brand": ("漳州 120 急救", "Zhangzhou 120 Emergency"),
    "toggle": ("English", "中文"),
    "here": ("您的位置", "Your location"),
    "hint": ("可选：点选情况，再按红色按钮", "Optional: tap what applies, then the red button"),
    "phone": ("您的手机号（可选，便于回拨）", "Your phone number (optional, for call-back)"),
    "call": ("呼叫急救", "Call for help"),
    "calling": ("正在发送呼救…", "Sending your call…"),
    "received": ("已收到呼救，正在为您派车。", "Call received. An ambulance is being dispatched."),
    "linked": ("附近已有人呼救，您的呼救已并入同一事件。", "Someone nearby already called; your call joined theirs."),
    "keep": ("请保持本页打开，保持电话畅通。", "Keep this page open and your phone on."),
    "offline": (
        "网络不通，正在重试（第 {n} 次），不会重复呼叫。",
        "No connection. Retrying (attempt {n}); no duplicate call.",
    ),
    "busy": ("系统繁忙，正在重试（第 {n} 次）。", "The system is busy. Retrying (attempt {n})."),
    "stale": ("网络不通，状态暂未更新，正在重试…", "No connection; status not updated. Retrying…"),
    "invalid": ("此二维码无法使用。请立即拨打 120。", "This code cannot be used. Call 120 now."),
    "failed": ("呼救未能发送。请立即拨打 120。", "Your call could not be sent. Call 120 now."),
    "lost": ("无法显示呼救进展。如需帮助请拨打 120。", "Cannot show your call's progress. Call 120 if needed."),
    "unit": ("救护车 {id}", "Ambulance {id}"),
    "eta": ("预计 {m} 分钟到达", "arriving in about {m} min"),
    "cpr_open": ("心肺复苏（CPR）指导", "CPR guidance"),
    "cpr_1": ("让患者平躺在坚硬的地面上。", "Lay the person flat on their back on a firm surface."),
    "cpr_2": ("双手交叠，掌根放在胸部正中。", "Heel of one hand in the centre of the chest, the other on top."),
    "cpr_3": (
        "用力快速按压：每分钟 100-120 次，深度 5-6 厘米，每次让胸部完全回弹。",
        "Push hard and fast: 100-120 a minute, 5-6 cm deep; let the chest rise fully.",
    ),
    "cpr_4": (
        "不要停，直到急救人员接手；有人可每 2 分钟轮换。",
        "Do not stop until the crew takes over; swap every 2 minutes.",
    ),
    "push": ("按压", "PUSH"),
    "beat": ("跟着闪动按压：每分钟 110 次", "Push with each flash: 110 a minute"),
    "sound": ("节拍声音", "Beat sound"),
    "tel": ("拨打 120", "Call 120"),
    "tel_hint": ("页面不能用？", "Page not working?"),
    "noscript": ("此页面需要 JavaScript。请直接拨打 120。", "This page needs JavaScript. Call 120 directly."),
    "bad_title": ("无法识别此二维码", "This code cannot be read"),
    "bad_body": ("请立即拨打 120，告诉接线员您的地址。", "Call 120 now and tell the operator your address."),
}


def table(lang: Lang) -> dict[str, str]:
    """All page texts in one language, symptom labels under `sym_<code>`."""
    i = LANGS.index(lang)
    return {k: v[i] for k, v in TEXTS.items()} | {f"sym_{k}": v[i] for k, v in SYMPTOMS.items()}
