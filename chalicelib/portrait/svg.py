"""The portrait as a body map (SVG) for the ambulance and emergency-department screens.

Large shapes, white outlines and a text mark beside every colour (危 / 险 / 安), so the picture
reads at arm's length on a moving vehicle and without relying on colour alone. Each region's
shape carries `id="region-<name>"` and `data-colour`; `ANCHORS` are points inside each shape.
"""

from __future__ import annotations

from xml.sax.saxutils import escape

from chalicelib.portrait.schemas import Portrait, RegionView

FILL = {"red": "#D32F2F", "orange": "#EF6C00", "green": "#2E7D32", "none": "#9E9E9E"}
MARK = {"red": "危", "orange": "险", "green": "安"}
FONT = "Noto Sans CJK SC, WenQuanYi Micro Hei, Microsoft YaHei, PingFang SC, sans-serif"
WIDTH, HEIGHT = 800, 820
_LINE = 21  # characters of a reason line in the side panel

# Shapes of the front view (x, y, width, height, corner radius), the back as a spine strip on the
# left and skin/systemic as a band under the figure. Arms and legs are drawn as pairs.
_SHAPES: dict[str, list[tuple[int, int, int, int, int]]] = {
    "neck": [(182, 138, 36, 26, 6)],
    "chest": [(136, 164, 128, 110, 22)],
    "abdomen": [(142, 274, 116, 80, 8)],
    "pelvis": [(136, 354, 128, 62, 14)],
    "arms": [(90, 170, 42, 240, 20), (268, 170, 42, 240, 20)],
    "legs": [(142, 416, 56, 290, 22), (202, 416, 56, 290, 22)],
    "back": [(16, 170, 52, 246, 14)],
    "skin": [(16, 724, 368, 70, 14)],
}
_HEAD = (200, 84, 46, 54)  # ellipse cx, cy, rx, ry
# Points inside each shape clear of its text (the screen test samples the colour there).
ANCHORS: dict[str, list[tuple[int, int]]] = {
    "head": [(200, 52)],
    "neck": [(200, 145)],
    "chest": [(160, 185)],
    "abdomen": [(160, 290)],
    "pelvis": [(150, 365)],
    "arms": [(111, 200), (289, 200)],
    "legs": [(170, 660), (230, 660)],
    "back": [(42, 200)],
    "skin": [(40, 740)],
}
# Where each region's name goes (x, y, one line?): narrow shapes put the mark on a second line.
_LABELS: dict[str, tuple[int, int, bool]] = {
    "head": (200, 96, True),
    "neck": (226, 157, True),
    "chest": (200, 228, True),
    "abdomen": (200, 322, True),
    "pelvis": (200, 394, True),
    "arms": (111, 300, False),
    "legs": (170, 560, False),
    "back": (42, 290, False),
    "skin": (200, 768, True),
}


def render(p: Portrait) -> str:
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{HEIGHT}" '
        f'viewBox="0 0 {WIDTH} {HEIGHT}" font-family="{FONT}" role="img" '
        f'aria-label="健康画像 {escape(p.incident_id)}">',
        f'<rect width="{WIDTH}" height="{HEIGHT}" fill="#FFFFFF"/>',
        *_title(p),
        *(_region(r) for r in p.regions),
        *_panel(p),
        "</svg>",
    ]
    return "\n".join(parts)


def _title(p: Portrait) -> list[str]:
    level = f"{p.level}级 {p.label.zh}" if p.level and p.label else "尚无分级"
    colour = {"red": "#D32F2F", "orange": "#EF6C00", "yellow": "#F9A825", "green": "#2E7D32"}.get(
        p.colour or "", "#757575"
    )
    return [
        f'<rect x="420" y="16" width="364" height="56" rx="10" fill="{colour}"/>',
        f'<text x="602" y="54" font-size="28" font-weight="bold" fill="#FFFFFF" text-anchor="middle">'
        f"{escape(level)}</text>",
        f'<text x="420" y="96" font-size="16" fill="#212121">事件 {escape(p.incident_id)}'
        f"{' · NEWS2 ' + str(p.news2) if p.news2 is not None else ''}</text>",
    ]


def _region(r: RegionView) -> str:
    fill = FILL[r.colour]
    common = f'id="region-{r.region}" data-colour="{r.colour}" fill="{fill}" stroke="#FFFFFF" stroke-width="3"'
    title = f"<title>{escape(r.label.zh)}：{escape('；'.join(x.label.zh for x in r.reasons) or '未见异常')}</title>"
    if r.region == "head":
        cx, cy, rx, ry = _HEAD
        shapes = [f'<ellipse cx="{cx}" cy="{cy}" rx="{rx}" ry="{ry}"/>']
    else:
        shapes = [f'<rect x="{x}" y="{y}" width="{w}" height="{h}" rx="{rr}"/>' for x, y, w, h, rr in _SHAPES[r.region]]
    x, y, one_line = _LABELS[r.region]
    colour = "#212121" if r.region == "neck" else "#FFFFFF"  # the neck's name sits beside it, on white
    anchor = "start" if r.region == "neck" else "middle"
    name, mark = _short(r), MARK[r.colour]
    lines = [(y, f"{name} {mark}")] if one_line else [(y, name), (y + 24, mark)]
    label = "".join(
        f'<text x="{x}" y="{ly}" font-size="18" font-weight="bold" fill="{colour}" stroke="none" '
        f'text-anchor="{anchor}" pointer-events="none">{escape(text)}</text>'
        for ly, text in lines
    )
    return f"<g {common}>{title}{''.join(shapes)}{label}</g>"


def _short(r: RegionView) -> str:
    return {"back": "背部", "skin": "皮肤/全身"}.get(r.region, r.label.zh)


def _panel(p: Portrait) -> list[str]:
    """Flags first (what changes how the crew and team protect themselves and treat), then the reasons."""
    out: list[str] = []
    y = 130
    for text, colour in _flag_lines(p):
        out.append(f'<rect x="420" y="{y - 24}" width="364" height="34" rx="6" fill="{colour}"/>')
        out.append(f'<text x="432" y="{y}" font-size="18" font-weight="bold" fill="#FFFFFF">{escape(text[:22])}</text>')
        y += 42
    y += 8
    for r in p.regions:
        if not r.reasons or y > HEIGHT - 40:
            continue
        out.append(f'<rect x="420" y="{y - 16}" width="18" height="18" fill="{FILL[r.colour]}"/>')
        reasons = "；".join(x.label.zh for x in r.reasons)
        text = f"{r.label.zh}：{reasons}"
        for i in range(0, min(len(text), 2 * _LINE), _LINE):  # two lines at most; the JSON has it all
            out.append(f'<text x="446" y="{y}" font-size="16" fill="#212121">{escape(text[i : i + _LINE])}</text>')
            y += 22
        y += 8
    return out


def _flag_lines(p: Portrait) -> list[tuple[str, str]]:
    f = p.flags
    lines: list[tuple[str, str]] = []
    if f.infectious:
        names = "、".join(i.label.zh for i in f.infectious)
        lines.append((f"传染病：{names}", "#6A1B9A"))
        lines.append(("隔离：" + "、".join(i.label.zh.split("（")[0] for i in f.isolation), "#6A1B9A"))
    if f.drug_allergies:
        lines.append(("药物过敏：" + "、".join(a.substance or "?" for a in f.drug_allergies), "#C62828"))
    if f.anticoagulants:
        lines.append(("抗凝：" + "、".join(f.anticoagulants), "#AD1457"))
    if f.pregnancy:
        lines.append((f"妊娠 {f.pregnancy.weeks} 周" if f.pregnancy.weeks else "妊娠", "#AD1457"))
    if f.chronic_diseases:
        lines.append(("慢病：" + "、".join(c.display or c.code or "?" for c in f.chronic_diseases), "#455A64"))
    if not p.patient.identified:
        lines.append(("未关联健康档案", "#757575"))
    return lines
