"""The pure rules of device files: types and sizes per kind, object keys, the stored-object
verdict, and who may see an incident's files (against a fake that counts reads)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from chalicelib.core.auth import Principal, Role
from chalicelib.core.errors import Forbidden, NotFound
from chalicelib.devicefiles import access, rules
from chalicelib.devicefiles.entities import IncidentRef
from chalicelib.devicefiles.ports import IncidentDirectory
from chalicelib.devicefiles.rules import MB, FileKind, FileNotAccepted, FileStatus
from chalicelib.fleet.entities import UnitState
from chalicelib.fleet.models import Unit, UnitStatus, UnitType

K = FileKind


@pytest.mark.parametrize(
    ("kind", "content_type"),
    [
        (K.ECG_12LEAD, "application/pdf"),
        (K.ECG_12LEAD, "application/dicom"),
        (K.ECG_12LEAD, "application/xml"),
        (K.ULTRASOUND_IMAGE, "image/jpeg"),
        (K.ULTRASOUND_IMAGE, "image/png"),
        (K.ULTRASOUND_IMAGE, "application/dicom"),
        (K.ULTRASOUND_CLIP, "video/mp4"),
        (K.ULTRASOUND_CLIP, "application/dicom"),
    ],
)
def test_each_kind_accepts_its_types_up_to_its_limit(kind: FileKind, content_type: str) -> None:
    assert rules.check_upload(kind, content_type, rules.RULES[kind].max_bytes) == content_type


def test_the_limits_are_5_20_and_200_mb() -> None:
    assert [rules.RULES[k].max_bytes for k in K] == [5 * MB, 20 * MB, 200 * MB]


def test_the_content_type_is_signed_in_lower_case() -> None:
    assert rules.check_upload(K.ECG_12LEAD, " Application/PDF ", 10) == "application/pdf"


@pytest.mark.parametrize(
    ("kind", "content_type"),
    [
        (K.ECG_12LEAD, "image/jpeg"),
        (K.ECG_12LEAD, "application/pdf; charset=binary"),  # parameters would not match the signed policy
        (K.ULTRASOUND_IMAGE, "video/mp4"),
        (K.ULTRASOUND_CLIP, "image/png"),
        (K.ULTRASOUND_CLIP, "text/html"),
    ],
)
def test_a_type_foreign_to_the_kind_is_refused_naming_content_type(kind: FileKind, content_type: str) -> None:
    with pytest.raises(FileNotAccepted) as info:
        rules.check_upload(kind, content_type, 10)
    assert info.value.status == 400 and info.value.code == "content_type_not_allowed"
    assert info.value.details[0]["field"] == "content_type"
    assert content_type not in info.value.message  # the submitted value is never echoed


@pytest.mark.parametrize("kind", list(K))
def test_one_byte_over_the_limit_is_refused_naming_size_bytes(kind: FileKind) -> None:
    rule = rules.RULES[kind]
    with pytest.raises(FileNotAccepted) as info:
        rules.check_upload(kind, sorted(rule.content_types)[0], rule.max_bytes + 1)
    assert info.value.code == "file_too_large" and info.value.details[0]["field"] == "size_bytes"


def test_objects_live_under_their_incident() -> None:
    assert rules.object_key("INC20250601080000ab12cd34ef", "0f1e2d") == "incidents/INC20250601080000ab12cd34ef/0f1e2d"
    assert rules.object_key("I", "F").startswith(rules.KEY_PREFIX)


@pytest.mark.parametrize(("incident_id", "file_id"), [("../x", "f"), ("I", "a/b"), ("", "f"), ("I", "f" * 65)])
def test_no_id_can_shape_another_key(incident_id: str, file_id: str) -> None:
    with pytest.raises(ValueError):
        rules.object_key(incident_id, file_id)


@pytest.mark.parametrize(
    ("size", "content_type", "encryption", "expected"),
    [
        (100, "application/pdf", "aws:kms", (FileStatus.STORED, None)),
        (99, "application/pdf", "aws:kms", (FileStatus.REJECTED, "size_mismatch")),
        (100, "image/gif", "aws:kms", (FileStatus.REJECTED, "content_type_mismatch")),
        (100, None, "aws:kms", (FileStatus.REJECTED, "content_type_mismatch")),
        (100, "application/pdf", "AES256", (FileStatus.REJECTED, "not_encrypted")),
    ],
)
def test_a_stored_object_must_be_what_was_announced(
    size: int, content_type: str | None, encryption: str, expected: tuple[FileStatus, str | None]
) -> None:
    got = rules.verdict(
        declared_size=100, declared_type="application/pdf", size=size, content_type=content_type, encryption=encryption
    )
    assert got == expected


class Fleet:
    """Just `get`, counting which units were read."""

    def __init__(self, assignments: dict[str, str | None]) -> None:
        self.assignments = assignments
        self.reads: list[str] = []

    def get(self, unit_id: str, *, consistent: bool = False) -> UnitState | None:
        self.reads.append(unit_id)
        if unit_id not in self.assignments:
            return None
        unit = Unit(
            unit_id=unit_id, plate="闽E1", type=UnitType.ALS, station_id="ST01", county="350602",
            status=UnitStatus.EN_ROUTE, lat=24.5, lon=117.6, position_at=datetime(2025, 6, 1, tzinfo=UTC),
        )  # fmt: skip
        return UnitState(unit=unit, version=2, incident_id=self.assignments[unit_id])


class Incidents(IncidentDirectory):
    def __init__(self, *refs: IncidentRef) -> None:
        self.refs = {r.incident_id: r for r in refs}

    def get(self, incident_id: str) -> IncidentRef | None:
        return self.refs.get(incident_id)


def who(role: Role, *scopes: str) -> Principal:
    return Principal(subject="someone", role=role, scopes=list(scopes))


INC = IncidentRef("INC1", "350602", "H01")


def test_a_crew_reaches_only_its_own_units_assignment() -> None:
    fleet: Any = Fleet({"AMB01": "INC1", "AMB02": "INC2", "AMB03": None})
    assert access.assigned_unit(fleet, who(Role.CREW, "unit:AMB01"), "INC1") == "AMB01"
    for unit_id in ("AMB02", "AMB03", "AMB99"):
        with pytest.raises(Forbidden) as info:
            access.assigned_unit(fleet, who(Role.CREW, f"unit:{unit_id}"), "INC1")
        assert info.value.code == "not_assigned"
    assert fleet.reads == ["AMB01", "AMB02", "AMB03", "AMB99"]  # never a unit outside the token
    with pytest.raises(Forbidden) as info:
        access.assigned_unit(fleet, who(Role.CREW), "INC1")
    assert info.value.code == "scope_denied"


@pytest.mark.parametrize(
    ("principal", "incident_id", "code"),
    [
        (who(Role.DISPATCHER, "county:350602"), "INC1", None),
        (who(Role.DISPATCHER), "INC1", None),
        (who(Role.HOSPITAL, "hospital:H01"), "INC1", None),
        (who(Role.DISPATCHER, "county:350603"), "INC1", "scope_denied"),
        (who(Role.DISPATCHER, "county:350603"), "NOPE", "scope_denied"),
        (who(Role.DISPATCHER), "NOPE", "incident_not_found"),
        (who(Role.HOSPITAL, "hospital:H02"), "INC1", "not_destination"),
        (who(Role.HOSPITAL, "hospital:H01"), "NOPE", "not_destination"),
    ],
)
def test_who_may_list(principal: Principal, incident_id: str, code: str | None) -> None:
    fleet: Any = Fleet({})
    if code is None:
        access.may_list(fleet, Incidents(INC), principal, incident_id)
        return
    with pytest.raises((Forbidden, NotFound)) as info:
        access.may_list(fleet, Incidents(INC), principal, incident_id)
    assert info.value.code == code
