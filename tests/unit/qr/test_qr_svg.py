"""Doorplate SVG: the drawn modules are exactly segno's matrix; sheets hold every plate."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

import segno

from chalicelib.qr.svg import COLS, ROWS, Plate, _qr_path, plate_svg, sheet_svg, wrap

SVG = "{http://www.w3.org/2000/svg}"
URL = "http://127.0.0.1:8000/q/eyJ2IjoxfQ.c2ln"


def test_path_draws_exactly_the_dark_modules_inside_a_quiet_zone() -> None:
    path, side = _qr_path(URL)
    drawn = set()
    for x, y, n in re.findall(r"M(\d+) (\d+)h(\d+)v1h-\3z", path):
        drawn |= {(int(x) + i, int(y)) for i in range(int(n))}
    matrix = list(segno.make_qr(URL, error="m").matrix_iter(border=4))
    expected = {(x, y) for y, row in enumerate(matrix) for x, dark in enumerate(row) if dark}
    assert drawn == expected and side == len(matrix)


def test_plate_is_valid_svg_with_code_and_wrapped_text_under_it() -> None:
    text = "漳州市芗城区西桥街道新华社区胜利东路12号3幢2单元1203室"
    root = ET.fromstring(plate_svg(Plate("ZA1<&>", text, URL)).encode())  # noqa: S314 - our own output
    texts = [t.text or "" for t in root.iter(f"{SVG}text")]
    assert "ZA1<&>" in texts  # escaped in the markup, intact once parsed
    assert "".join(t.text or "" for t in root.iter(f"{SVG}text") if t.get("class") == "address") == text
    assert root.get("width") == "63mm"


def test_sheet_holds_every_plate_on_a4_pages() -> None:
    plates = [Plate(f"ZA{i:03d}", f"胜利东路12号3幢{i}室", URL) for i in range(COLS * ROWS + 1)]
    root = ET.fromstring(sheet_svg(plates, title="新华社区").encode())  # noqa: S314 - our own output
    groups = [g for g in root.iter(f"{SVG}g") if g.get("class") == "plate"]
    assert [g.get("data-code") for g in groups] == [p.code for p in plates]
    assert len([g for g in root.iter(f"{SVG}g") if g.get("class") == "page"]) == 2
    assert (root.get("width"), root.get("height")) == ("210mm", "594mm")


def test_wrap_keeps_short_text_and_ellipsises_overlong_text() -> None:
    assert wrap("短地址") == ["短地址"]
    lines = wrap("长" * 200)
    assert len(lines) == 5 and lines[-1].endswith("…")


def test_wrap_never_splits_a_door_number() -> None:
    lines = wrap("漳州市东山县西埔镇溪口社区健康东路362号21幢4单元802室")
    assert "".join(lines) == "漳州市东山县西埔镇溪口社区健康东路362号21幢4单元802室"
    assert lines[-1] == "802室" and all(len(line) <= 14 for line in lines)
