"""Triage of a patient: a level (1 dying ... 4 non-urgent), the time-critical pathway and the hospital
capabilities it needs, with NEWS2 beside it.

The engine (`engine.triage`) is pure: no I/O, no clock (the caller passes `now`). Its thresholds are
data, in `rules_v<N>.json`; the engine only interprets them, and every result names the rules that
fired and the rules version (docs/triage.md).
"""
