"""NEWS2, the National Early Warning Score 2 (Royal College of Physicians, 2017).

`score(Observations) -> News2` scores the seven parameters of the RCP chart; `crossed`
tells whether the risk band rose, so a deterioration alert goes out once per threshold.

A parameter not observed is listed in `missing` and absent from `parameters`, never
assumed normal; `total` sums the parameters present, so a partial score is a lower bound
on the full one (every parameter scores 0 or more), and so is its `risk`.

Rounding: the chart's bands are whole numbers (temperature: one decimal), so a reading
is first rounded half up to the chart's precision, as it would be written on the chart.
Half up is the usual way a reading is written down, and it sends every tie the same way;
Python's round() rounds ties to even (20.5 -> 20 but 21.5 -> 22), so which band a tie
fell in would depend on parity. Decimal on the value's shortest repr rounds 35.05 as
written (to 35.1) rather than as its binary approximation (35.0499...).
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

Risk = Literal["low", "low_medium", "medium", "high"]
# RCP chart 4 rows: routine monitoring, assessment, clinician review, urgent, emergency response.
Response = Literal["routine", "assess", "review", "urgent", "emergency"]
Bands = tuple[tuple[int, int], ...]  # (highest value in band, points), ascending

PARAMETERS = ("rr", "spo2", "on_oxygen", "sbp", "hr", "consciousness", "temp_c")  # chart order
RISK_ORDER: tuple[Risk, ...] = ("low", "low_medium", "medium", "high")

_RR: Bands = ((8, 3), (11, 1), (20, 0), (24, 2))
_SPO2_SCALE_1: Bands = ((91, 3), (93, 2), (95, 1))
_SPO2_SCALE_2: Bands = ((83, 3), (85, 2), (87, 1), (92, 0))
_SPO2_SCALE_2_ON_OXYGEN: Bands = ((94, 1), (96, 2))
_SBP: Bands = ((90, 3), (100, 2), (110, 1), (219, 0))
_HR: Bands = ((40, 3), (50, 1), (90, 0), (110, 1), (130, 2))
_TEMP_TENTHS: Bands = ((350, 3), (360, 1), (380, 0), (390, 1))


class Observations(BaseModel):
    """One set of observations; any of them may be unknown (None)."""

    model_config = ConfigDict(frozen=True, extra="forbid", allow_inf_nan=False)

    rr: float | None = Field(None, ge=0, description="Respiratory rate, /min")
    spo2: float | None = Field(None, ge=0, le=100, description="%")
    on_oxygen: bool | None = Field(None, description="Supplemental oxygen (False: air)")
    sbp: float | None = Field(None, ge=0, description="Systolic pressure, mmHg")
    hr: float | None = Field(None, ge=0, description="Pulse, /min")
    consciousness: Literal["alert", "confusion", "voice", "pain", "unresponsive"] | None = Field(
        None, description="ACVPU; 'confusion' means new confusion"
    )
    temp_c: float | None = None
    spo2_scale: Literal[1, 2] = Field(1, description="2 only for confirmed hypercapnic respiratory failure")


class News2(BaseModel):
    model_config = ConfigDict(frozen=True)

    total: int
    parameters: dict[str, int]
    missing: tuple[str, ...]
    complete: bool
    red: bool  # some single parameter scores 3
    risk: Risk
    response: Response


def _half_up(value: float, places: int = 0) -> int:
    """The value rounded half up to `places` decimals, times 10**places."""
    return int(Decimal(repr(float(value))).scaleb(places).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def _band(value: int, bands: Bands, above: int) -> int:
    return next((points for highest, points in bands if value <= highest), above)


def _spo2(spo2: float, scale: Literal[1, 2], on_oxygen: bool | None) -> int:
    value = _half_up(spo2)
    if scale == 1:
        return _band(value, _SPO2_SCALE_1, 0)
    if value <= 92 or not on_oxygen:  # oxygen unknown scores as air: the lower bound
        return _band(value, _SPO2_SCALE_2, 0)
    return _band(value, _SPO2_SCALE_2_ON_OXYGEN, 3)


def _parameters(obs: Observations) -> dict[str, int]:
    points = {
        "rr": None if obs.rr is None else _band(_half_up(obs.rr), _RR, 3),
        "spo2": None if obs.spo2 is None else _spo2(obs.spo2, obs.spo2_scale, obs.on_oxygen),
        "on_oxygen": None if obs.on_oxygen is None else 2 * obs.on_oxygen,
        "sbp": None if obs.sbp is None else _band(_half_up(obs.sbp), _SBP, 3),
        "hr": None if obs.hr is None else _band(_half_up(obs.hr), _HR, 3),
        "consciousness": None if obs.consciousness is None else 3 * (obs.consciousness != "alert"),
        "temp_c": None if obs.temp_c is None else _band(_half_up(obs.temp_c, 1), _TEMP_TENTHS, 2),
    }
    return {name: p for name, p in points.items() if p is not None}


def _risk(total: int, red: bool) -> tuple[Risk, Response]:
    if total >= 7:
        return "high", "emergency"
    if total >= 5:
        return "medium", "urgent"
    if red:
        return "low_medium", "review"
    return "low", "assess" if total else "routine"


def score(obs: Observations) -> News2:
    parameters = _parameters(obs)
    total, red = sum(parameters.values()), 3 in parameters.values()
    missing = tuple(name for name in PARAMETERS if name not in parameters)
    risk, response = _risk(total, red)
    return News2(
        total=total, parameters=parameters, missing=missing, complete=not missing, red=red, risk=risk, response=response
    )


def crossed(previous: News2 | None, current: News2) -> bool:
    """Whether the risk band rose from `previous` (None: no earlier score, taken as low).

    Pass the highest score already alerted on, not merely the last reading: a probe that
    drops off lowers a partial score, and its return would otherwise alert again.
    """
    before = RISK_ORDER.index(previous.risk) if previous else 0
    return RISK_ORDER.index(current.risk) > before
