"""Reading the address out of a doorplate token for display, and choosing the page language."""

from __future__ import annotations

import base64
import json
import re
from typing import Any

import pytest

from chalicelib.callpage import doorplate
from chalicelib.callpage.i18n import SYMPTOMS, TEXTS
from chalicelib.core.i18n import pick_language
from chalicelib.incidents.schemas import Symptom


def b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode("ascii")


def token(payload: Any = None, **fields: Any) -> str:
    data = (
        payload if payload is not None else {"v": 1, "k": "k1", "a": "350602-0001", "t": "芗城区胜利西路1号", **fields}
    )
    return b64(json.dumps(data, ensure_ascii=False).encode()) + "." + b64(b"\x07" * 32)


def test_given_a_doorplate_token_when_read_then_address_code_and_text_come_out() -> None:
    assert doorplate.read(token()) == doorplate.Doorplate(code="350602-0001", text="芗城区胜利西路1号")


def test_given_a_token_without_text_when_read_then_the_code_is_shown_instead() -> None:
    assert doorplate.read(token({"a": "X-9"})) == doorplate.Doorplate(code="X-9", text="X-9")


@pytest.mark.parametrize(
    "bad",
    [
        "",
        "garbage",
        "a.b.c",
        "no dots at all",
        "%%%.abc",
        b64(b"\xff\xfe not utf-8") + ".abcd",
        b64(b"not json") + ".abcd",
        b64(b"[1, 2]") + ".abcd",
        token({"t": "no code"}),
        token({"a": 42, "t": "code not a string"}),
        token({"a": "   ", "t": "blank code"}),
        token({"a": "x" * 65}),
        token() + "A" * 1024,
    ],
)
def test_given_junk_when_read_then_none_and_never_an_exception(bad: str) -> None:
    assert doorplate.read(bad) is None


@pytest.mark.parametrize(
    ("header", "lang"),
    [
        (None, "zh"),
        ("", "zh"),
        ("en-US,en;q=0.9", "en"),
        ("zh-CN,zh;q=0.9,en;q=0.8", "zh"),
        ("en;q=0.4,zh-TW;q=0.8", "zh"),
        ("zh;q=0.5, en;q=0.9", "en"),
        ("fr-FR, de", "zh"),
        ("en;q=banana, zh", "zh"),
    ],
)
def test_language_follows_the_browser_preference_and_defaults_to_chinese(header: str | None, lang: str) -> None:
    assert pick_language(header) == lang


def test_every_symptom_of_the_call_api_has_a_chip_and_urgent_ones_come_first() -> None:
    assert set(SYMPTOMS) == {s.value for s in Symptom}
    assert list(SYMPTOMS)[:2] == ["cardiac_arrest", "unconscious"]


def test_every_text_exists_in_both_languages_with_the_same_placeholders() -> None:
    for key, (zh, en) in TEXTS.items():
        assert zh and en, key
        assert re.findall(r"\{\w+\}", zh) == re.findall(r"\{\w+\}", en), key
