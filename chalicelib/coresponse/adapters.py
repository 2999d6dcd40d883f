"""The county dispatch desk's map, over MQTT."""

from __future__ import annotations

from chalicelib.coresponse.ports import Desk


def desk_topic(county: str) -> str:
    return f"ems/dispatch/{county}/responders"


class MqttDesk(Desk):
    def position(self, county: str, message: dict[str, object]) -> None:
        from chalicelib.core.publisher import get_publisher

        # QoS 0: the next fix (seconds later) supersedes a lost one, and a desk that was offline
        # wants the map now, not a backlog of where teams were; GET .../responders fills it in.
        # The publisher is looked up per call: the local stack installs its own after start-up.
        get_publisher().publish(desk_topic(county), message, qos=0)
