"""A resident scans a doorplate: the call page in a real headless Chromium against the devstack.

Debian's chromium, chromedriver and a CJK font are installed by `make browser` (part of `make test`).
Set CALL_PAGE_SCREENSHOTS=DIR to keep the screenshots for a look.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import requests
from selenium.webdriver.common.by import By
from selenium.webdriver.remote.webdriver import WebDriver

from tests.e2e.call_page_support import CALL_WAIT_S, chromium, open_page, status_text, stored_call, text, wait_for
from tests.e2e.conftest import Devstack

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory) -> Iterator[WebDriver]:
    driver = chromium(tmp_path_factory.mktemp("chromium-profile"))
    yield driver
    driver.quit()


@pytest.fixture(scope="module")
def doorplate(devstack: Devstack) -> Callable[[int], dict[str, Any]]:
    """The n-th demo address with a freshly issued QR token and its call-page URL on the devstack."""
    addresses = json.loads(devstack.cli("fixtures", "--addresses", "300"))["addresses"]

    def issue(n: int) -> dict[str, Any]:
        code = addresses[n]["code"]
        resp = requests.post(f"{devstack.api}/addresses/{code}/qr", headers=devstack.token("admin"), timeout=30)
        if resp.status_code in (404, 405):
            pytest.skip(f"POST /v1/addresses/{{code}}/qr not available yet ({resp.status_code})")
        assert resp.status_code in (200, 201), resp.text
        tok = resp.json()["token"]
        assert resp.json()["url"].endswith(f"/q/{tok}")
        # The issued URL names the public origin; the same route answers on the devstack's port.
        return {**addresses[n], "token": tok, "url": f"http://127.0.0.1:{devstack.api_port}/q/{tok}"}

    return issue


def test_page_over_http_has_its_security_headers_and_refuses_junk(devstack: Devstack, doorplate: Any) -> None:
    plate = doorplate(0)
    resp = requests.get(plate["url"], timeout=30)
    assert resp.status_code == 200 and plate["text"] in resp.text
    h = resp.headers
    assert h["Cache-Control"] == "no-store" and "script-src 'sha256-" in h["Content-Security-Policy"]
    junk = requests.get(f"http://127.0.0.1:{devstack.api_port}/q/not-a-token", timeout=30)
    assert junk.status_code == 400 and "tel:120" in junk.text


def test_resident_taps_call_and_sees_the_status(
    devstack: Devstack, doorplate: Any, browser: WebDriver, tmp_path: Path
) -> None:
    # Given the page a doorplate opens
    plate = doorplate(0)
    open_page(browser, plate)
    assert browser.find_element(By.CSS_SELECTOR, 'a[href="tel:120"]').is_displayed()
    assert "呼叫急救" in text(browser, "call")
    shots = Path(os.environ.get("CALL_PAGE_SCREENSHOTS", tmp_path))
    browser.save_screenshot(str(shots / "call_page_before.png"))

    # When the resident marks cardiac arrest and taps the button
    chip = browser.find_element(By.CSS_SELECTOR, '.chip[data-s="cardiac_arrest"]')
    chip.click()
    assert chip.get_attribute("aria-pressed") == "true"
    browser.find_element(By.ID, "call").click()

    # Then the page shows the status GET /v1/calls/{id} reports, and the CPR metronome on request
    wait_for("call placed", lambda: stored_call(browser, plate["code"]).get("call_id"), CALL_WAIT_S)
    call = stored_call(browser, plate["code"])
    # Read the API's text on each poll: dispatch may move the call on (received -> assigned) meanwhile.
    assert wait_for("status text", lambda: text(browser, "state") == status_text(devstack, call, "zh"))
    browser.find_element(By.ID, "cpr-open").click()
    assert browser.find_element(By.ID, "beat").is_displayed()
    browser.save_screenshot(str(shots / "call_page_status.png"))

    # And a reload resumes the same call; English shows the server's English status
    browser.refresh()
    assert wait_for("resumed status", lambda: text(browser, "state") == status_text(devstack, call, "zh"))
    assert not browser.find_element(By.ID, "call").is_displayed()
    browser.find_element(By.ID, "lang").click()
    assert wait_for("English status", lambda: text(browser, "state") == status_text(devstack, call, "en"))
    assert "Call 120" in text(browser, "fallback") and text(browser, "lang") == "中文"
    assert stored_call(browser, plate["code"])["key"] == call["key"]
    browser.save_screenshot(str(shots / "call_page_en.png"))


def test_offline_tap_retries_with_the_same_key_and_says_so(devstack: Devstack, doorplate: Any, browser: Any) -> None:
    # Given the page loaded, then the network drops
    plate = doorplate(1)
    open_page(browser, plate)
    net = {"latency": 0, "download_throughput": -1, "upload_throughput": -1}
    browser.set_network_conditions(offline=True, **net)
    try:
        # When the resident taps, the page says it is retrying and keeps one key
        browser.find_element(By.ID, "call").click()
        assert wait_for("retry notice", lambda: "重试" in text(browser, "net"))
        key = stored_call(browser, plate["code"])["key"]
    finally:
        browser.set_network_conditions(offline=False, **net)
    # Then, back online, the same key places the call: a replay of it returns that very call
    call = wait_for("call placed", lambda: stored_call(browser, plate["code"]).get("call_id"), CALL_WAIT_S)
    stored = stored_call(browser, plate["code"])
    assert stored["key"] == key and stored["call_id"] == call
    replay = requests.post(f"{devstack.api}/calls", json=stored["body"], headers={"Idempotency-Key": key}, timeout=30)
    assert replay.status_code == 201 and replay.json()["call_id"] == call, replay.text
    assert wait_for("status text", lambda: text(browser, "state") == status_text(devstack, stored, "zh"))
