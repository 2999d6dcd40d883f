"""HTML of the call page and of the "cannot read this code" page, with their response headers.

Every server-rendered text carries `data-t` so the script can switch language in place.
"""

from __future__ import annotations

import json
from html import escape

from chalicelib.callpage import assets
from chalicelib.callpage.doorplate import Doorplate
from chalicelib.callpage.i18n import LANGS, SYMPTOMS, Lang, table

HTML_LANG = {"zh": "zh-CN", "en": "en"}


def headers(lang: Lang, *, scripts: bool) -> dict[str, str | list[str]]:
    return {
        "Content-Type": "text/html; charset=utf-8",
        "Content-Language": HTML_LANG[lang],
        # The URL carries a signed doorplate token and the page a live call: never cache, never leak.
        "Cache-Control": "no-store",
        "Content-Security-Policy": assets.load().csp(scripts=scripts),
        "Referrer-Policy": "no-referrer",
        "X-Content-Type-Options": "nosniff",
        "X-Frame-Options": "DENY",
        "Vary": "Accept-Language",
    }


def call_page(plate: Doorplate, lang: Lang) -> str:
    tx = table(lang)
    other = table("en" if lang == "zh" else "zh")
    chips = "".join(
        f'<button type="button" class="chip" aria-pressed="false" data-s="{code}" data-t="sym_{code}">'
        f"{escape(tx['sym_' + code])}</button>"
        for code in SYMPTOMS
    )
    steps = "".join(_t(tx, f"cpr_{i}", "li") for i in range(1, 5))
    body = f"""
<section class="addr" aria-labelledby="here">{_t(tx, "here", "p", 'class="label" id="here"')}
<p class="address" id="address">{escape(plate.text)}</p></section>
<section id="start">{_t(tx, "hint", "p", 'class="hint"')}<div class="chips">{chips}</div>
<button type="button" class="call" id="call">{_t(tx, "call")}<small id="call-alt">{escape(other["call"])}</small>
</button><label class="phone">{_t(tx, "phone")}<input id="phone" type="tel" inputmode="tel" autocomplete="tel"
 maxlength="20"></label></section>
<section id="status" hidden aria-live="polite"><p class="state" id="state"></p><p class="unit" id="unit"></p>
<p class="small" id="linked"></p>{_t(tx, "keep", "p", 'class="small"')}<p class="net" id="net"></p></section>
<section id="cpr" hidden>{_t(tx, "cpr_open", "button", 'type="button" id="cpr-open" aria-expanded="false"')}
<div id="cpr-body" hidden><div class="beat" id="beat" aria-hidden="true">{_t(tx, "push")}</div>
{_t(tx, "beat", "p", 'class="center"')}
<label class="center"><input type="checkbox" id="sound"> {_t(tx, "sound")}</label>
<p class="small" id="guidance"></p><ol>{steps}</ol></div></section>
<noscript><p class="state">{escape(tx["noscript"])}</p></noscript>"""
    config = {"lang": lang, "code": plate.code, "texts": {code: table(code) for code in LANGS}}
    data = f'<script id="cfg" type="application/json">{_json_for_html(config)}</script>'
    scripts = "".join(f"<script>{s}</script>" for s in assets.load().scripts)
    return _document(tx, lang, body, data + scripts)


def unreadable_page(lang: Lang) -> str:
    tx = table(lang)
    body = f"""
<section class="addr bad-page">{_t(tx, "bad_title", "p", 'class="address"')}
{_t(tx, "bad_body", "p", 'class="small"')}</section>"""
    return _document(tx, lang, body, "", urgent=True)


def _document(tx: dict[str, str], lang: Lang, body: str, tail: str, *, urgent: bool = False) -> str:
    toggle = _t(tx, "toggle", "button", 'type="button" id="lang"') if tail else ""
    fallback_class = "fallback urgent" if urgent else "fallback"
    # On the error page the whole page already says "phone instead"; the hint would be noise.
    hint = "" if urgent else _t(tx, "tel_hint", "small") + " "
    return f"""<!doctype html>
<html lang="{HTML_LANG[lang]}"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width,initial-scale=1"><meta name="referrer" content="no-referrer">
<meta name="robots" content="noindex"><link rel="icon" href="data:,"><title>{escape(tx["title"])}</title>
<style>{assets.load().css}</style></head><body>
<header>{_t(tx, "brand", "strong")}{toggle}</header><main>{body}</main>
<footer class="{fallback_class}" id="fallback"><a href="tel:120">{hint}☎ {_t(tx, "tel")}</a>
</footer>
{tail}</body></html>
"""


def _t(tx: dict[str, str], key: str, tag: str = "span", attrs: str = "") -> str:
    space = " " if attrs else ""
    return f'<{tag}{space}{attrs} data-t="{key}">{escape(tx[key])}</{tag}>'


def _json_for_html(value: object) -> str:
    # Inside <script>, "</script>" or "<!--" in an address text would end or derail the block.
    raw = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    return raw.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
