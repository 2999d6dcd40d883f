"""Printable doorplates as SVG: one plate, or sheets of A4 pages for a building or community.

Units are millimetres. The QR is drawn as one path from segno's matrix so plates can be laid
out on a sheet without nesting SVG documents; the address text sits under the code.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from xml.sax.saxutils import escape, quoteattr

CELL_W, CELL_H = 63.0, 92.0  # 3 x 3 plates fill an A4 page inside 10 mm margins
PAGE_W, PAGE_H, MARGIN = 210.0, 297.0, 10.0
COLS, ROWS = 3, 3
QR_MM = 50.0
LINE_CHARS, MAX_LINES = 14, 5
_TOKENS = re.compile(r"\d+(?:单元|[号幢栋室楼层])?|.", re.DOTALL)
FONT = "'Noto Sans CJK SC','Source Han Sans SC','PingFang SC','Microsoft YaHei',sans-serif"


@dataclass(frozen=True)
class Plate:
    code: str
    text_zh: str
    url: str


def plate_svg(plate: Plate) -> str:
    body = _plate(plate, 0.0, 0.0)
    return _document(CELL_W, CELL_H, body)


def sheet_svg(plates: list[Plate], title: str = "") -> str:
    """All plates on A4 pages stacked top to bottom: print at 100 %, one page per 297 mm."""
    per_page = COLS * ROWS
    pages = max(1, math.ceil(len(plates) / per_page))
    parts = []
    for page in range(pages):
        top = page * PAGE_H
        parts.append(f'<g class="page" transform="translate(0 {top:g})">')
        for i, plate in enumerate(plates[page * per_page : (page + 1) * per_page]):
            x = (PAGE_W - COLS * CELL_W) / 2 + (i % COLS) * CELL_W
            y = MARGIN + (i // COLS) * CELL_H
            # Cut marks: a hairline around each plate.
            parts.append(
                f'<rect x="{x:g}" y="{y:g}" width="{CELL_W:g}" height="{CELL_H:g}" fill="none" '
                'stroke="#bbb" stroke-width="0.1" stroke-dasharray="1 1"/>'
            )
            parts.append(_plate(plate, x, y))
        footer = escape(f"{title}  {page + 1}/{pages}".strip())
        parts.append(_text(PAGE_W / 2, PAGE_H - 4, footer, 2.5, fill="#666"))
        parts.append("</g>")
    return _document(PAGE_W, PAGE_H * pages, "".join(parts))


def wrap(text: str, width: int = LINE_CHARS, max_lines: int = MAX_LINES) -> list[str]:
    # Never split "1203室" or "3幢" across lines: a broken door number is misread at night.
    lines = [""]
    for token in _TOKENS.findall(text):
        if lines[-1] and len(lines[-1]) + len(token) > width:
            lines.append("")
        lines[-1] += token
    if len(lines) > max_lines:
        lines = [*lines[: max_lines - 1], lines[max_lines - 1][: width - 1] + "…"]
    return lines


def _plate(plate: Plate, x: float, y: float) -> str:
    path, modules = _qr_path(plate.url)
    scale = QR_MM / modules
    cx = x + CELL_W / 2
    qr_x, qr_y = cx - QR_MM / 2, y + 11
    parts = [
        f'<g class="plate" data-code={quoteattr(plate.code)}>',
        _text(cx, y + 5.5, "扫码呼叫急救", 4.2, weight="bold"),
        _text(cx, y + 9, "Scan to call an ambulance", 2.6),
        f'<path transform="translate({qr_x:g} {qr_y:g}) scale({scale:g})" d="{path}" fill="#000" '
        'shape-rendering="crispEdges"/>',
        _text(cx, qr_y + QR_MM + 5, escape(plate.code), 3.2, family="monospace", weight="bold"),
    ]
    for n, line in enumerate(wrap(plate.text_zh)):
        parts.append(_text(cx, qr_y + QR_MM + 10.5 + n * 4.4, escape(line), 3.4, cls="address"))
    parts.append("</g>")
    return "".join(parts)


def _qr_path(url: str) -> tuple[str, int]:
    """Path data in module units (one subpath per run of dark modules) and the side length."""
    import segno  # on first render only: most requests never draw a plate

    qr = segno.make_qr(url, error="m")  # M: survives ~15 % damage; segno boosts to Q if free
    border = 4  # the quiet zone the QR standard requires
    rows = [list(row) for row in qr.matrix_iter(border=0)]
    runs = []
    for y, row in enumerate(rows):
        x = 0
        while x < len(row):
            if row[x]:
                start = x
                while x < len(row) and row[x]:
                    x += 1
                runs.append(f"M{start + border} {y + border}h{x - start}v1h-{x - start}z")
            else:
                x += 1
    return "".join(runs), len(rows) + 2 * border


def _text(
    x: float,
    y: float,
    text: str,
    size: float,
    *,
    weight: str = "normal",
    family: str = FONT,
    fill: str = "#000",
    cls: str = "",
) -> str:
    klass = f' class="{cls}"' if cls else ""
    return (
        f'<text{klass} x="{x:g}" y="{y:g}" font-size="{size:g}" font-weight="{weight}" font-family="{family}" '
        f'fill="{fill}" text-anchor="middle">{text}</text>'
    )


def _document(width: float, height: float, body: str) -> str:
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width:g}mm" height="{height:g}mm" '
        f'viewBox="0 0 {width:g} {height:g}"><rect width="100%" height="100%" fill="#fff"/>{body}</svg>\n'
    )
