"""The key document in the shape CloudFormation generates it (flat) parses like the nested one."""

from __future__ import annotations

import base64
import json
import secrets

from chalicelib.qr.keys import new_ring_json, parse_ring


def test_flat_secret_shape_parses() -> None:
    key = base64.b64encode(secrets.token_bytes(33)).decode()
    ring = parse_ring(json.dumps({"current": "k1", "k1": key}))
    assert ring.current_kid == "k1" and ring.key("k1") == base64.b64decode(key)


def test_nested_shape_still_parses() -> None:
    ring = parse_ring(new_ring_json("k7"))
    assert ring.current_kid == "k7" and ring.key("k7") is not None
