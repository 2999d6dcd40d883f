"""Applies the iot_rules/ topic rules on the local broker as IoT Core's rules engine does: match the topic
filter, evaluate the SQL, run each action, send failures to the errorAction queue. Each rule has its own
subscription (MQTT 3.1.1 may deliver one copy per matching subscription of a client, so shared clients
could fire rules twice); one worker thread runs handlers, so a slow one cannot stall paho's network loop."""

from __future__ import annotations

import base64
import copy
import json
import logging
import queue
import threading
from collections.abc import Callable
from datetime import UTC, datetime
from functools import partial
from typing import Any

from devstack.iot_sql import Rule, parse
from devstack.mqtt_client import MqttSubscriber

log = logging.getLogger(__name__)

Invoke = Callable[[str, dict[str, Any]], Any]
Sink = Callable[[str, dict[str, Any]], None]


class Bridge:
    def __init__(
        self,
        rules: list[dict[str, Any]],
        *,
        host: str,
        port: int,
        invoke: Invoke,
        dead_letter: Sink,
        enqueue: Sink | None = None,
        client_prefix: str = "iot-rule",
        timeout_s: float = 10.0,
    ) -> None:
        # Parse up front: a rule outside the subset fails at startup, as CreateTopicRule would in AWS.
        self.rules = [(spec, parse(spec["sql"], spec["sqlVersion"])) for spec in rules]
        if enqueue is None and any("sqs" in a for spec in rules for a in spec["actions"]):
            raise ValueError("a rule has an sqs action, so the bridge needs an `enqueue` sink")
        self.invoke, self.dead_letter, self.enqueue, self.timeout_s = invoke, dead_letter, enqueue, timeout_s
        self._counters = {"received": 0, "skipped": 0, "delivered": 0, "failed": 0, "lost": 0}
        self._lock = threading.Lock()
        self._inbox: queue.Queue[tuple[dict[str, Any], Rule, str, bytes, str] | None] = queue.Queue()
        self._worker: threading.Thread | None = None
        client = partial(MqttSubscriber, host=host, port=port, timeout_s=timeout_s)
        self._subscribers = [
            client(client_id=f"{client_prefix}-{s['name']}", topic_filter=r.topic_filter,
                   on_message=partial(self._receive, s, r))
            for s, r in self.rules
        ]  # fmt: skip

    def start(self) -> None:
        """Returns once every rule's subscription is acknowledged by the broker."""
        self._worker = threading.Thread(target=self._work, name="iot-rules-bridge", daemon=True)
        self._worker.start()
        try:
            for subscriber in self._subscribers:
                subscriber.connect()
        except Exception:
            self.stop()
            raise

    def stop(self) -> None:
        """Stops receiving, then finishes the messages already received before returning."""
        for subscriber in self._subscribers:
            subscriber.close()
        if self._worker is not None:
            self._inbox.put(None)  # queued after every received message, so they are all handled first
            self._worker.join(self.timeout_s)
            if self._worker.is_alive():
                raise TimeoutError(f"bridge worker still busy after {self.timeout_s}s")
            self._worker = None

    @property
    def subscribed(self) -> bool:
        """False while any rule's client is (re)connecting, e.g. after a broker restart."""
        return all(subscriber.ready.is_set() for subscriber in self._subscribers)

    @property
    def counters(self) -> dict[str, int]:
        """received (per rule), skipped (WHERE not true), delivered (actions run), failed (dead-lettered), lost."""
        with self._lock:
            return dict(self._counters)

    def _count(self, name: str) -> None:
        with self._lock:
            self._counters[name] += 1

    def _receive(self, spec: dict[str, Any], rule: Rule, topic: str, payload: bytes) -> None:
        self._count("received")
        self._inbox.put((spec, rule, topic, payload, datetime.now(UTC).isoformat(timespec="milliseconds")))

    def _work(self) -> None:
        while (item := self._inbox.get()) is not None:
            try:
                self._apply(*item)
            except Exception:  # the worker must outlive any one message
                log.exception("IoT rule bridge could not handle a message")

    def _apply(self, spec: dict[str, Any], rule: Rule, topic: str, raw: bytes, received_at: str) -> None:
        def failure(reason: str, exc: BaseException, action: dict[str, Any] | None = None) -> None:
            self._dead_letter(spec, _record(spec, topic, raw, received_at, reason, exc, action))

        try:
            payload = _decode(raw, rule)
        except (ValueError, TypeError) as exc:
            return failure("invalid_json" if isinstance(exc, ValueError) else "not_an_object", exc)
        projected = rule.evaluate(payload, topic, raw=raw)
        if projected is None:
            return self._count("skipped")
        for action in spec["actions"]:
            try:
                if "lambda" in action:
                    self.invoke(action["lambda"]["function"], copy.deepcopy(projected))
                else:
                    self.enqueue(action["sqs"]["queue"], fit_queue(copy.deepcopy(projected), raw))  # type: ignore[misc]
            except Exception as exc:  # IoT Core sends any action failure to the errorAction
                failure("action_failed", exc, action)
            else:
                self._count("delivered")
        return None

    def _dead_letter(self, spec: dict[str, Any], record: dict[str, Any]) -> None:
        try:
            self.dead_letter(spec["errorAction"]["sqs"]["queue"], record)
        except Exception:
            self._count("lost")
            # Never the record itself: its payload may be a patient's readings.
            log.exception("dead letter for IoT rule %s failed; record lost (topic %s, reason %s)",
                          spec["name"], record.get("topic"), record.get("reason"))  # fmt: skip
        else:
            self._count("failed")


# An SQS message holds 256 KiB. IoT Core refuses MQTT messages over 128 KiB, so its rules never meet a
# larger one; the local broker takes them, so the bridge keeps what it forwards within a message: the
# payload's beginning and its size, which the consumer rejects as too large.
SQS_MAX_BYTES = 256 * 1024
COPY_CHARS = 64 * 1024


def fit_queue(record: dict[str, Any], raw: bytes) -> dict[str, Any]:
    if len(json.dumps(record)) <= SQS_MAX_BYTES - 1024:
        return record
    for key, value in record.items():
        if isinstance(value, str) and len(value) > COPY_CHARS:
            record[key] = value[:COPY_CHARS]
    return record | {"payload_truncated": True, "payload_bytes": len(raw)}


def _decode(raw: bytes, rule: Rule) -> dict[str, Any]:
    """The JSON object the rule's fields read. A rule that reads only the bytes (encode(*, 'base64'))
    takes anything, as IoT Core does, and leaves judging the payload to its consumer."""
    try:
        payload = json.loads(raw)
    except (ValueError, RecursionError) as exc:  # ValueError includes UnicodeDecodeError
        if rule.binary:
            return {}
        if isinstance(exc, RecursionError):
            raise ValueError("payload nested too deep to read") from None
        raise
    if not isinstance(payload, dict):
        if rule.binary:
            return {}
        raise TypeError(f"payload is a JSON {type(payload).__name__}")
    return payload


def _record(spec: dict[str, Any], topic: str, raw: bytes, received_at: str, reason: str, exc: BaseException,
            action: dict[str, Any] | None) -> dict[str, Any]:  # fmt: skip
    payload = base64.b64encode(raw).decode("ascii")
    error: dict[str, Any] = {"type": type(exc).__name__, "message": str(exc)}
    if len(payload) > COPY_CHARS:  # the record must fit its queue: the beginning and the size
        payload, error["payload_bytes"] = payload[:COPY_CHARS], len(raw)
    failures = [{"failedAction": f"{k.capitalize()}Action", "failedResource": next(iter(v.values())),
                 "errorMessage": str(exc)} for k, v in (action or {}).items()]  # fmt: skip
    # Also IoT Core's errorAction fields (ruleName, base64OriginalPayload, failures): one consumer reads both.
    return {"rule": spec["name"], "topic": topic, "reason": reason, "error": error, "action": action,
            "payload": payload, "received_at": received_at, "ruleName": spec["name"],
            "base64OriginalPayload": payload, "failures": failures}  # fmt: skip
