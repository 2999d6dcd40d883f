"""The body map as the ambulance and ED screens show it: fetched over HTTP from the devstack and
rendered by a real headless Chromium, whose pixels must carry each region's colour.

Set CALL_PAGE_SCREENSHOTS=DIR to keep the rendered picture for a look.
"""

from __future__ import annotations

import base64
import os
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import requests
from selenium.webdriver.remote.webdriver import WebDriver

from chalicelib.portrait.svg import ANCHORS, FILL, HEIGHT, WIDTH
from tests.e2e.call_page_support import chromium
from tests.e2e.conftest import Devstack
from tests.unit.archive.test_archive import ID_NUMBER, resident_bundle

pytestmark = pytest.mark.e2e

# Draws the SVG on a canvas the size of the picture and reads the pixel under each anchor.
PIXELS_JS = """
const [svg, points, width, height, done] = arguments;
const img = new Image();
img.onload = () => {
  const canvas = document.createElement('canvas');
  canvas.width = width; canvas.height = height;
  const ctx = canvas.getContext('2d');
  ctx.drawImage(img, 0, 0);
  done({pixels: points.map(([x, y]) => Array.from(ctx.getImageData(x, y, 1, 1).data).slice(0, 3)),
        png: canvas.toDataURL('image/png')});
};
img.onerror = () => done({error: 'the SVG did not render'});
img.src = 'data:image/svg+xml;base64,' + svg;
"""


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory) -> Iterator[WebDriver]:
    driver = chromium(tmp_path_factory.mktemp("chromium-profile"))
    driver.set_script_timeout(30)
    yield driver
    driver.quit()


def rgb(hex_colour: str) -> tuple[int, int, int]:
    return (int(hex_colour[1:3], 16), int(hex_colour[3:5], 16), int(hex_colour[5:7], 16))


def stroke_incident(devstack: Devstack) -> tuple[str, dict[str, str]]:
    """A county desk opens an incident, identifies the archived patient and records a stroke."""
    api, desk = devstack.api, devstack.token("dispatcher")
    assert requests.post(f"{api}/archive/bundles", json=resident_bundle(), headers=devstack.token("admin"),
                         timeout=30).status_code == 201  # fmt: skip
    body = {"location": {"lat": 24.51, "lon": 117.65}, "symptoms": ["stroke_signs"]}
    created = requests.post(f"{api}/incidents", json=body, headers=desk, timeout=30)
    assert created.status_code == 201, created.text
    incident_id = str(created.json()["incident_id"])
    who = requests.post(f"{api}/incidents/{incident_id}/patient", json={"id_number": ID_NUMBER}, headers=desk,
                        timeout=30)  # fmt: skip
    assert who.status_code == 200 and who.json()["matched"], who.text
    lkw = (datetime.now(UTC) - timedelta(minutes=50)).isoformat()
    findings = {"be_fast": True, "lams": 5, "last_known_well": lkw, "trauma": {"red": ["pelvic_fracture"]}}
    assessed = requests.post(f"{api}/incidents/{incident_id}/assessments", json={"findings": findings},
                             headers=desk, timeout=30)  # fmt: skip
    assert assessed.status_code == 201, assessed.text
    return incident_id, desk


def test_the_body_map_renders_each_region_in_its_colour(devstack: Devstack, browser: WebDriver, tmp_path: Path) -> None:
    incident_id, desk = stroke_incident(devstack)
    try:
        portrait = requests.get(f"{devstack.api}/incidents/{incident_id}/portrait", headers=desk, timeout=30).json()
        expected = {r["region"]: r["colour"] for r in portrait["regions"]}
        assert expected["head"] == "red" and expected["pelvis"] == "red" and expected["chest"] == "orange"
        assert expected["legs"] == "green"

        resp = requests.get(f"{devstack.api}/incidents/{incident_id}/portrait.svg", headers=desk, timeout=30)
        assert resp.status_code == 200 and resp.headers["Content-Type"].startswith("image/svg+xml")
        points = [(region, xy) for region, xys in ANCHORS.items() for xy in xys]
        svg = base64.b64encode(resp.content).decode()
        got: dict[str, Any] = browser.execute_async_script(PIXELS_JS, svg, [xy for _, xy in points], WIDTH, HEIGHT)
        assert "error" not in got, got
        shots = Path(os.environ.get("CALL_PAGE_SCREENSHOTS", tmp_path))
        (shots / "portrait.png").write_bytes(base64.b64decode(got["png"].split(",", 1)[1]))
        for (region, xy), pixel in zip(points, got["pixels"], strict=True):
            want = rgb(FILL[expected[region]])
            assert max(abs(a - b) for a, b in zip(pixel, want, strict=True)) <= 2, (region, xy, pixel, want)
    finally:
        requests.post(f"{devstack.api}/incidents/{incident_id}/cancel", json={"reason": "portrait test done"},
                      headers=desk, timeout=30)  # fmt: skip
