"""Breaking the glass: the reason is trimmed before its length rule, and the trimmed text is kept."""

from __future__ import annotations

from typing import Any

from tests.integration.bookings.test_bookings_api import post
from tests.integration.fleet import test_fleet_api
from tests.integration.fleet.test_fleet_api import assign
from tests.integration.portrait.test_portrait_api import audit_of

fleet = test_fleet_api.fleet  # the seeded-fleet fixture


def test_a_reason_of_spaces_is_no_reason_and_the_kept_reason_is_trimmed(fleet: Any, client: Any) -> None:
    assign("AMB01", "INC-BG")
    doctor = fleet.token("hospital", "hospital:HOS03", subject="dr-li")
    for reason in (" " * 40, "\t\n  " * 5, "   too short   "):
        refused = post(client, "/v1/incidents/INC-BG/break-glass", doctor, {"reason": reason})
        assert refused.status_code == 422, (reason, refused.body)
        assert "reason" in refused.body.decode()
    too_long = post(client, "/v1/incidents/INC-BG/break-glass", doctor, {"reason": " " + "x" * 501 + " "})
    assert too_long.status_code == 422
    assert client.http.get("/v1/incidents/INC-BG/portrait", headers=doctor).status_code == 403  # no grant was made

    granted = post(client, "/v1/incidents/INC-BG/break-glass", doctor,
                   {"reason": "   walked into our ED with stroke signs   ", "minutes": 10})  # fmt: skip
    assert granted.status_code == 201, granted.body
    assert granted.json_body["reason"] == "walked into our ED with stroke signs"
    assert client.http.get("/v1/incidents/INC-BG/portrait", headers=doctor).status_code == 200
    trail = [(e["action"], e["reason"]) for e in audit_of(client, fleet, "INC-BG")]
    assert ("access.break_glass", "walked into our ED with stroke signs") in trail
    alerts = [m for t, m in fleet.publisher.sent if m.get("type") == "break_glass"]
    assert alerts[-1]["reason"] == "walked into our ED with stroke signs"


def test_a_reason_of_exactly_ten_characters_after_trimming_is_enough(fleet: Any, client: Any) -> None:
    assign("AMB01", "INC-BG10")
    doctor = fleet.token("hospital", "hospital:HOS03")
    resp = post(client, "/v1/incidents/INC-BG10/break-glass", doctor, {"reason": "  walked in  "})
    assert resp.status_code == 422  # "walked in" is 9 characters
    resp = post(client, "/v1/incidents/INC-BG10/break-glass", doctor, {"reason": "  walked in!  "})
    assert resp.status_code == 201 and resp.json_body["reason"] == "walked in!"
