"""`python -m admin provision-unit` against moto: thing, active certificate with the shared policy,
files for the device, idempotent reruns, rotation, and refusal of units the fleet does not know."""

from __future__ import annotations

import json
import stat
from pathlib import Path
from typing import Any

import boto3
import pytest

from admin.__main__ import main
from iot_rules.policies import ambulance_policy
from tests.integration.conftest import REGION, Env

POLICY = "ems-test-ambulance"  # stage "test", as aws_env sets it


@pytest.fixture
def iot(aws_env: Env) -> Any:
    from chalicelib.core.tables import bound
    from chalicelib.fleet.dal import UnitRecord, unit_record
    from devstack.seed.fleet import units

    with bound(UnitRecord).batch_write() as batch:  # the seeded fleet, as the devstack loads it
        for unit in units():
            batch.save(unit_record(unit))
    return boto3.client("iot", region_name=REGION)


def provision(out: Path, unit: str = "AMB01", *extra: str) -> int:
    return main(["provision-unit", unit, "--out", str(out), *extra])


def thing_certificates(iot: Any, unit: str) -> list[str]:
    return [p for p in iot.list_thing_principals(thingName=unit)["principals"] if ":cert/" in p]


def status(iot: Any, arn: str) -> str:
    return str(iot.describe_certificate(certificateId=arn.rsplit("/", 1)[1])["certificateDescription"]["status"])


def test_given_a_seeded_unit_when_provisioned_then_thing_certificate_policy_and_files(
    iot: Any, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "AMB01"
    assert provision(out) == 0
    thing = iot.describe_thing(thingName="AMB01")
    assert thing["attributes"] == {"unit_type": "ALS", "county": "350602", "station": "ST01"}
    (cert,) = thing_certificates(iot, "AMB01")
    assert status(iot, cert) == "ACTIVE"
    assert [p["policyName"] for p in iot.list_attached_policies(target=cert)["policies"]] == [POLICY]
    account = boto3.client("sts", region_name=REGION).get_caller_identity()["Account"]
    stored = json.loads(iot.get_policy(policyName=POLICY)["policyDocument"])
    assert stored == ambulance_policy("aws-cn", REGION, account)
    # The device's files: its certificate, its key readable by the owner only, how to connect.
    pem = iot.describe_certificate(certificateId=cert.rsplit("/", 1)[1])["certificateDescription"]["certificatePem"]
    assert (out / "certificate.pem.crt").read_text() == pem
    key = out / "private.pem.key"
    assert stat.S_IMODE(key.stat().st_mode) == 0o600 and "PRIVATE KEY" in key.read_text()
    device = json.loads((out / "device.json").read_text())
    assert device["client_id"] == device["thing_name"] == "AMB01"
    assert "-ats.iot." in device["endpoint"] and device["root_ca"].endswith("AmazonRootCA1.pem")
    assert device["topics"]["iot:Publish"] == [f"ems/units/AMB01/{k}" for k in ("telemetry", "vitals", "status")]
    assert "policy ems-test-ambulance: created" in capsys.readouterr().out


def test_given_a_provisioned_unit_when_run_again_then_nothing_new_is_made(iot: Any, tmp_path: Path) -> None:
    out = tmp_path / "AMB02"
    assert provision(out, "AMB02") == 0
    key = (out / "private.pem.key").read_text()
    (cert,) = thing_certificates(iot, "AMB02")
    assert provision(out, "AMB02") == 0
    assert [t["thingName"] for t in iot.list_things()["things"]] == ["AMB02"]
    assert thing_certificates(iot, "AMB02") == [cert] and status(iot, cert) == "ACTIVE"
    assert len(iot.list_certificates()["certificates"]) == 1
    assert (out / "private.pem.key").read_text() == key


def test_given_a_provisioned_unit_when_rotated_then_the_old_certificate_is_retired(iot: Any, tmp_path: Path) -> None:
    out = tmp_path / "AMB03"
    assert provision(out, "AMB03") == 0
    (old,) = thing_certificates(iot, "AMB03")
    (out / "private.pem.key").chmod(0o644)  # someone loosened it meanwhile: the rewrite tightens it
    assert provision(out, "AMB03", "--rotate") == 0
    (new,) = thing_certificates(iot, "AMB03")
    assert new != old and status(iot, new) == "ACTIVE" and status(iot, old) == "INACTIVE"
    assert [p["policyName"] for p in iot.list_attached_policies(target=new)["policies"]] == [POLICY]
    assert new.endswith(json.loads((out / "device.json").read_text())["certificate_id"])
    assert stat.S_IMODE((out / "private.pem.key").stat().st_mode) == 0o600


def test_an_unknown_unit_is_refused_before_anything_is_made(
    iot: Any, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert provision(tmp_path / "AMB99", "AMB99") == 2
    assert "unknown unit 'AMB99'" in capsys.readouterr().err
    assert iot.list_things()["things"] == [] and iot.list_certificates()["certificates"] == []
    assert not (tmp_path / "AMB99").exists()


def test_a_unit_id_that_is_no_topic_level_is_refused(iot: Any, tmp_path: Path) -> None:
    with pytest.raises(SystemExit) as exit_:
        provision(tmp_path / "x", "AMB01/#")
    assert exit_.value.code == 2


def test_against_aws_the_key_directory_must_be_named(iot: Any, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["provision-unit", "AMB01"]) == 2
    assert "--out" in capsys.readouterr().err
    assert iot.list_things()["things"] == []


def test_given_an_unreadable_units_table_then_the_unit_is_provisioned_by_name_with_a_warning(
    iot: Any, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # Stage "other" has no units table here, as when the fleet lives in another account.
    assert provision(tmp_path / "AMB01", "AMB01", "--stage", "other") == 0
    assert "cannot read ems-other-units" in capsys.readouterr().err
    assert iot.describe_thing(thingName="AMB01")["attributes"] == {}
    (cert,) = thing_certificates(iot, "AMB01")
    assert [p["policyName"] for p in iot.list_attached_policies(target=cert)["policies"]] == ["ems-other-ambulance"]
