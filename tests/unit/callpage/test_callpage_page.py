"""The GET /q/{token} view: language, content, security headers, bad tokens.

The view is called directly: the full route opens an X-Ray socket, which unit tests forbid; the
e2e browser test covers the route over HTTP."""

from __future__ import annotations

import base64
import hashlib
import json
import re

import pytest
from chalice import Response

from chalicelib.callpage import assets, routes
from chalicelib.core.http import Ctx
from tests.unit.callpage.test_callpage_doorplate import token


def get(tok: str, lang: str | None = None) -> Response:
    headers = {"accept-language": lang} if lang else {}
    ctx = Ctx(principal=None, body=None, query=None, params={"token": tok}, correlation_id="c", headers=headers)
    resp: Response = routes.call_page.__wrapped__(ctx)  # type: ignore[attr-defined]
    return resp


def test_given_no_language_preference_when_opened_then_chinese_page_with_address_and_big_button() -> None:
    resp = get(token())
    html = resp.body
    assert resp.status_code == 200
    assert '<html lang="zh-CN">' in html
    assert "芗城区胜利西路1号" in html
    assert '<span data-t="call">呼叫急救</span><small id="call-alt">Call for help</small>' in html
    assert 'href="tel:120"' in html
    chips = re.findall(r'data-s="(\w+)"', html)
    assert chips[:2] == ["cardiac_arrest", "unconscious"] and len(chips) == 10


def test_given_an_english_browser_when_opened_then_english_page_with_the_chinese_address() -> None:
    resp = get(token(), "en-GB,en;q=0.9")
    html = resp.body
    assert '<html lang="en">' in html
    assert '<span data-t="call">Call for help</span><small id="call-alt">呼叫急救</small>' in html
    assert "芗城区胜利西路1号" in html
    assert resp.headers["Content-Language"] == "en"


def test_page_is_tiny_and_loads_nothing_from_anywhere_else() -> None:
    html = get(token()).body
    assert len(html.encode()) < 30_000
    assert not re.search(r"(src|href)=\"(https?:)?//", html)
    assert "@import" not in html and "url(" not in html


def test_security_headers_and_a_csp_that_admits_exactly_the_inline_code() -> None:
    resp = get(token())
    h, html = resp.headers, resp.body
    assert h["Content-Type"] == "text/html; charset=utf-8"
    assert h["Cache-Control"] == "no-store"
    assert h["Referrer-Policy"] == "no-referrer"
    assert h["X-Content-Type-Options"] == "nosniff"
    csp = dict(d.strip().split(" ", 1) for d in h["Content-Security-Policy"].split(";"))
    assert "unsafe" not in h["Content-Security-Policy"]
    assert csp["default-src"] == "'none'" and csp["connect-src"] == "'self'"
    scripts = re.findall(r"<script>(.*?)</script>", html, re.S)
    styles = re.findall(r"<style>(.*?)</style>", html, re.S)
    assert len(scripts) == 2 and len(styles) == 1
    assert sorted(csp["script-src"].split()) == sorted(_sha(s) for s in scripts)
    assert csp["style-src"] == _sha(styles[0])


def test_given_markup_in_the_token_text_when_rendered_then_it_stays_text() -> None:
    html = get(token(t="</script><script>alert(1)</script><b>&")).body
    assert "<b>" not in html and "alert(1)</script>" not in html
    assert "&lt;/script&gt;&lt;script&gt;alert(1)" in html
    assert html.count("<script") == 3  # the inert config block and our two scripts


@pytest.mark.parametrize("bad", ["garbage", "a.b.c", "bm90IGpzb24.abcd", token({"t": "no code"})])
def test_given_an_unreadable_token_when_opened_then_400_page_says_call_120(bad: str) -> None:
    resp = get(bad)
    html = resp.body
    assert resp.status_code == 400
    assert "无法识别此二维码" in html and 'href="tel:120"' in html
    assert "<script" not in html
    assert "script-src 'none'" in resp.headers["Content-Security-Policy"]
    assert resp.headers["Cache-Control"] == "no-store"
    assert "This code cannot be read" in get(bad, "en").body


def test_every_element_the_scripts_look_up_is_on_the_page() -> None:
    html = get(token()).body
    ids = set(re.findall(r'\bid="([\w-]+)"', html))
    for source in assets.load().scripts:
        wanted = set(re.findall(r"\$\('([\w-]+)'\)", source)) | set(re.findall(r"getElementById\('([\w-]+)'\)", source))
        assert wanted and wanted <= ids, wanted - ids


def test_every_text_key_the_page_and_script_use_exists() -> None:
    html = get(token()).body
    used = set(re.findall(r'data-t="(\w+)"', html)) | set(re.findall(r"\bt\('(\w+)'", assets.load().scripts[0]))
    texts = re.search(r'<script id="cfg" type="application/json">(.*?)</script>', html, re.S)
    assert texts is not None
    cfg = json.loads(texts.group(1))
    assert cfg["lang"] == "zh" and cfg["code"] == "350602-0001"
    for lang in ("zh", "en"):
        assert used <= set(cfg["texts"][lang]), used - set(cfg["texts"][lang])


def _sha(source: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(source.encode()).digest()).decode() + "'"
