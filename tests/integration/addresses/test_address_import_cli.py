"""`import-addresses` refuses unusable input with exit status 2, before writing anything (no AWS needed)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from admin.__main__ import main
from chalicelib.core import root

ARGS = ["--table-prefix", "ems-unit-", "--progress", "off"]
HEADER = "code,county,township,community,road,number,text_zh,text_en,lat,lon\n"


@pytest.fixture(autouse=True)
def _settings(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.delenv("EMS_AWS_ENDPOINT_URL", raising=False)
    yield
    # The command binds the address table to its flags: leave no binding to later tests.
    root.reset()


def _run(path: Path, *extra: str) -> int:
    return main(["import-addresses", str(path), *ARGS, *extra])


def test_given_geojson_broken_mid_file_then_the_run_stops_and_says_where(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "reg.geojson"
    path.write_text('{"type": "FeatureCollection", "features": [{"type": "Feature"}, {"type": }]}')
    assert _run(path) == 2
    err = capsys.readouterr().err
    assert "feature 0: geometry: expected a Point" in err
    assert "cannot read past record 1: invalid JSON at character 73" in err


def test_given_the_wrong_encoding_then_the_run_stops_and_suggests_the_flag(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "reg.csv"
    path.write_bytes(
        (HEADER + "ZA1,350602,南坊街道,溪口社区,丹霞大道,1,丹霞大道1号,No. 1,24.5,117.6\n").encode("gb18030")
    )
    assert _run(path) == 2
    assert "--encoding" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("name", "text", "message"),
    [
        ("reg.csv", "code,county\n", "lacks required columns: community, lat, lon"),
        ("reg.txt", HEADER, "cannot tell the format of reg.txt"),
        ("missing.csv", None, "No such file"),
    ],
)
def test_given_an_unusable_file_then_nothing_is_written(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], name: str, text: str | None, message: str
) -> None:
    if text is not None:
        (tmp_path / name).write_text(text, encoding="utf-8")
    assert _run(tmp_path / name) == 2
    assert message in capsys.readouterr().err


def test_batch_size_above_dynamodb_limit_is_refused(tmp_path: Path) -> None:
    with pytest.raises(SystemExit) as exit_:
        _run(tmp_path / "reg.csv", "--batch", "26")
    assert exit_.value.code == 2
