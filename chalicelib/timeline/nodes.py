"""Time nodes of the response around the ambulance: telephone CPR, volunteers, ... in one table.

A node is named `<namespace>.<event>` (`cpr.compressions_started`) or `<namespace>.<id>.<event>`
(`volunteer.V12.en_route`); the namespace is its source on the timeline. The first write of a node
is its time: a repeat (a retried request, a second phone at the scene) changes nothing, so the
earliest report stands whatever order the reports arrive in.
"""

from __future__ import annotations

import re
from datetime import datetime

from chalicelib.core.clock import utcnow
from chalicelib.core.observability import count
from chalicelib.timeline.entities import ResponseNode
from chalicelib.timeline.wiring import get_response_nodes

NODE = re.compile(r"^[a-z][a-z0-9_]{0,19}(\.[A-Za-z0-9_-]{1,40})?\.[a-z][a-z0-9_]{0,39}$")
# zh-CN and en per node; `*` stands for the id segment (a volunteer's id ...).
LABELS: dict[str, tuple[str, str]] = {
    "cpr.guidance_started": ("开始电话指导心肺复苏", "Telephone CPR guidance started"),
    "cpr.compressions_started": ("开始胸外按压", "Chest compressions started"),
    "cpr.aed_attached": ("AED电极片已贴好", "AED pads attached"),
    "cpr.rosc": ("恢复自主循环", "Return of spontaneous circulation"),
    "volunteer.*.alerted": ("志愿者{id}已通知", "Volunteer {id} alerted"),
    "volunteer.*.accepted": ("志愿者{id}已响应", "Volunteer {id} accepted"),
    "volunteer.*.en_route": ("志愿者{id}出发", "Volunteer {id} en route"),
    "volunteer.*.aed_fetched": ("志愿者{id}已取到AED", "Volunteer {id} fetched an AED"),
    "volunteer.*.on_scene": ("志愿者{id}到达现场", "Volunteer {id} on scene"),
    "volunteer.*.cpr_started": ("志愿者{id}开始心肺复苏", "Volunteer {id} started CPR"),
    "volunteer.*.aed_attached": ("志愿者{id}已贴AED电极片", "Volunteer {id} attached the AED"),
    "volunteer.*.handed_to_crew": ("志愿者{id}已交接给急救人员", "Volunteer {id} handed over to the crew"),
}


def valid(node: str) -> bool:
    return NODE.fullmatch(node) is not None


def record_node(incident_id: str, node: str, at: datetime, by: str, detail: str | None = None) -> bool:
    """Store `node` at `at` unless it is already there. True when this call recorded it.

    The caller checks who may record it and that `at` is not in the future; a malformed name is a
    programming error (ValueError), never a user's input.
    """
    if not valid(node):
        raise ValueError(f"not a node name: {node!r}")
    short = (detail or None) and detail[:200]
    if not get_response_nodes().add(ResponseNode(incident_id, node, at, by, short, utcnow())):
        return False
    count(f"ResponseNode_{source(node)}")
    return True


def node_at(incident_id: str, node: str) -> datetime | None:
    """The stored time of `node` (read consistently: right after `record_node` lost a race)."""
    return get_response_nodes().at(incident_id, node)


def nodes_of(incident_id: str, namespace: str | None = None) -> dict[str, datetime]:
    """Every response node of the incident (of one namespace when given), by name."""
    return get_response_nodes().of_incident(incident_id, namespace)


def source(node: str) -> str:
    return node.split(".", 1)[0]


def label(node: str) -> tuple[str, str]:
    """The node's zh-CN and en label (its name when it has none)."""
    parts = node.split(".")
    if node in LABELS:
        return LABELS[node]
    if len(parts) == 3 and (template := LABELS.get(f"{parts[0]}.*.{parts[2]}")):
        return template[0].format(id=parts[1]), template[1].format(id=parts[1])
    return node, node
