"""QR key ring: document parsing and the Secrets Manager cache (fetch and clock are fakes here)."""

from __future__ import annotations

import base64
import json

import pytest

from chalicelib.core.errors import ServiceUnavailable
from chalicelib.qr.keys import MIN_KEY_BYTES, SecretsManagerKeyRing, new_ring_json, parse_ring


def doc(current: str, **keys: bytes) -> str:
    return json.dumps({"current": current, "keys": {k: base64.b64encode(v).decode() for k, v in keys.items()}})


class FakeSecret:
    def __init__(self, text: str) -> None:
        self.text, self.calls, self.fail = text, 0, False

    def __call__(self) -> str:
        self.calls += 1
        if self.fail:
            raise ConnectionError("secrets manager down")
        return self.text


def test_new_ring_has_one_random_current_key() -> None:
    a, b = parse_ring(new_ring_json("k7")), parse_ring(new_ring_json("k7"))
    assert a.current_kid == "k7" and len(a.key("k7") or b"") == MIN_KEY_BYTES
    assert a.key("k7") != b.key("k7")


@pytest.mark.parametrize(
    "text",
    [
        "not json",
        doc("k2", k1=b"1" * 32),  # current kid without a key
        doc("k1", k1=b"short"),  # too short to be a real HMAC key
        json.dumps({"current": "k1", "keys": {"k1": "***"}}),  # not base64
        doc("bad kid!", **{"bad kid!": b"1" * 32}),
    ],
)
def test_invalid_documents_are_refused_without_echoing_keys(text: str) -> None:
    with pytest.raises(ValueError) as err:
        parse_ring(text)
    assert "MTEx" not in str(err.value)


def test_secret_is_read_once_per_ttl() -> None:
    # Given a ring cached for 300 s
    secret, now = FakeSecret(doc("k1", k1=b"1" * 32)), [0.0]
    ring = SecretsManagerKeyRing(secret, clock=lambda: now[0])
    assert ring.current_kid == "k1" and ring.key("k1") == b"1" * 32
    now[0] = 299
    assert ring.current_kid == "k1"
    assert secret.calls == 1
    # When the TTL passes after a rotation, then the new current key is seen
    secret.text = doc("k2", k1=b"1" * 32, k2=b"2" * 32)
    now[0] = 300
    assert ring.current_kid == "k2" and secret.calls == 2


def test_unknown_kid_forces_a_reload_at_most_every_30_s() -> None:
    secret, now = FakeSecret(doc("k1", k1=b"1" * 32)), [0.0]
    ring = SecretsManagerKeyRing(secret, clock=lambda: now[0])
    assert ring.key("k1")
    secret.text = doc("k2", k1=b"1" * 32, k2=b"2" * 32)
    # A forged kid within 30 s of the last load costs no call ...
    assert ring.key("k2") is None and secret.calls == 1
    # ... later, an unknown kid (a rotation newer than our copy) reloads once.
    now[0] = 31
    assert ring.key("k2") == b"2" * 32 and secret.calls == 2
    assert ring.key("nope") is None and secret.calls == 2


def test_failed_reload_keeps_the_last_good_ring() -> None:
    secret, now = FakeSecret(doc("k1", k1=b"1" * 32)), [0.0]
    ring = SecretsManagerKeyRing(secret, clock=lambda: now[0])
    assert ring.current_kid == "k1"
    secret.fail, now[0] = True, 400
    assert ring.key("k1") == b"1" * 32
    # and does not retry on every request
    assert ring.current_kid == "k1" and secret.calls == 2


def test_no_ring_at_all_is_503() -> None:
    secret = FakeSecret("")
    secret.fail = True
    with pytest.raises(ServiceUnavailable) as err:
        _ = SecretsManagerKeyRing(secret).current_kid
    assert err.value.code == "qr_keys_unavailable"
