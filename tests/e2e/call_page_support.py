"""Driving Debian's headless Chromium for the call-page browser test, and reading what the page shows."""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import requests
from selenium import webdriver
from selenium.webdriver.chrome.options import Options
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.remote.webdriver import WebDriver

from tests.e2e.conftest import Devstack

CHROMIUM, CHROMEDRIVER = Path("/usr/bin/chromium"), Path("/usr/bin/chromedriver")
# Quiet, self-contained and CI-safe: no sandbox (root in CI), no GPU, no calls home.
FLAGS = "--headless --no-sandbox --disable-gpu --disable-dev-shm-usage --no-first-run --disable-background-networking"
FLAGS += " --disable-component-update --disable-sync --window-size=412,915"  # a common phone viewport
CALL_WAIT_S = 60  # the page backs off on 429 if other e2e tests used up the per-client call budget


def chromium(profile: Path) -> WebDriver:
    """A phone-sized headless Chromium preferring zh-CN, with its own fresh profile."""
    missing = [str(p) for p in (CHROMIUM, CHROMEDRIVER) if not p.exists()]
    assert not missing, f"{missing} not installed: run `make browser`"
    opts = Options()
    opts.binary_location = str(CHROMIUM)
    for flag in [*FLAGS.split(), f"--user-data-dir={profile}"]:
        opts.add_argument(flag)
    opts.add_experimental_option("prefs", {"intl.accept_languages": "zh-CN,zh"})
    # An explicit driver path keeps Selenium Manager from trying to download one.
    driver = webdriver.Chrome(service=Service(executable_path=str(CHROMEDRIVER)), options=opts)
    driver.set_page_load_timeout(30)
    return driver


def wait_for(what: str, check: Callable[[], Any], timeout: float = 30) -> Any:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if result := check():
            return result
        time.sleep(0.2)
    raise AssertionError(f"timed out waiting for {what}")


def stored_call(driver: WebDriver, code: str) -> dict[str, Any]:
    """What the page keeps in sessionStorage so a reload resumes the call."""
    return dict(
        json.loads(driver.execute_script("return sessionStorage.getItem(arguments[0])", f"ems-call:{code}") or "{}")
    )


def text(driver: WebDriver, element_id: str) -> str:
    return str(driver.find_element(By.ID, element_id).text).strip()


def open_page(driver: WebDriver, plate: dict[str, Any]) -> None:
    """A fresh visit: the tab's sessionStorage (language, earlier calls) is cleared first."""
    driver.get(plate["url"])
    driver.execute_script("sessionStorage.clear()")
    driver.refresh()
    assert wait_for("address", lambda: text(driver, "address") == plate["text"])


def status_text(devstack: Devstack, call: dict[str, Any], lang: str) -> str:
    auth = {"Authorization": f"Bearer {call['caller_token']}", "Accept-Language": lang}
    resp = requests.get(f"{devstack.api}/calls/{call['call_id']}", headers=auth, timeout=30)
    assert resp.status_code == 200, resp.text
    return str(resp.json()["status_text"])
