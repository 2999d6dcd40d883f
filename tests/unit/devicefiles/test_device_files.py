"""The pure rules of device files: types and sizes per kind, object keys, the stored-object verdict.

Who may see them is the health-data access rule (tests/unit/healthaccess/test_health_access.py)."""

from __future__ import annotations

import pytest

from chalicelib.devicefiles import rules
from chalicelib.devicefiles.rules import MB, FileKind, FileNotAccepted, FileStatus

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
