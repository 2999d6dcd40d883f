"""Drains a work queue into its consumer function as Lambda's SQS event source mapping does:
batches of up to `batch_size` gathered for at most `window_s`, the SQS event shape, and the
partial batch response (`batchItemFailures`): the ids returned stay on the queue and come back
after the visibility timeout; the rest are deleted. A function error leaves the whole batch, and
after `max_receive` deliveries SQS itself moves a message to the dead-letter queue."""

from __future__ import annotations

import hashlib
import logging
import threading
import time
from collections.abc import Callable
from typing import Any

from chalicelib.core.aws import client
from iot_rules import Consumer

log = logging.getLogger(__name__)

Invoke = Callable[[str, dict[str, Any]], tuple[bool, Any]]


class QueuePoller:
    def __init__(self, queue_url: str, consumer: Consumer, invoke: Invoke, *, region: str) -> None:
        self.url, self.consumer, self.invoke, self.region = queue_url, consumer, invoke, region
        self.arn = client("sqs").get_queue_attributes(QueueUrl=queue_url, AttributeNames=["QueueArn"])["Attributes"][
            "QueueArn"
        ]
        self.batches = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, name=f"sqs-{consumer.function}", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=15)

    def _loop(self) -> None:
        while not self._stop.is_set():
            try:
                batch = self._gather()
                if batch:
                    self._deliver(batch)
            except Exception:  # the poller must outlive a moto hiccup; messages stay on the queue
                log.exception("polling %s failed", self.consumer.function)
                self._stop.wait(1.0)

    def _gather(self) -> list[dict[str, Any]]:
        sqs, batch = client("sqs"), list[dict[str, Any]]()
        deadline: float | None = None
        while len(batch) < self.consumer.batch_size and not self._stop.is_set():
            wait = 1 if deadline is None else max(0.0, deadline - time.monotonic())
            if deadline is not None and wait == 0:
                break
            got = sqs.receive_message(
                QueueUrl=self.url,
                MaxNumberOfMessages=min(10, self.consumer.batch_size - len(batch)),
                WaitTimeSeconds=0 if deadline is not None else 1,
                AttributeNames=["All"],
                MessageAttributeNames=["All"],
            ).get("Messages", [])
            if got and deadline is None:
                deadline = time.monotonic() + self.consumer.window_s  # the window opens with the first message
            batch += got
            if not got and deadline is not None:
                self._stop.wait(min(0.05, wait))
            if not got and deadline is None:
                break  # nothing within the long poll: go round (and notice a stop)
        return batch

    def _deliver(self, batch: list[dict[str, Any]]) -> None:
        event = {"Records": [self._record(m) for m in batch]}
        ok, payload = self.invoke(self.consumer.function, event)
        self.batches += 1
        if not ok:
            log.warning("%s failed a batch of %d; it comes back after the visibility timeout",
                        self.consumer.function, len(batch))  # fmt: skip
            return
        failed = {f["itemIdentifier"] for f in (payload or {}).get("batchItemFailures", [])}
        done = [m for m in batch if m["MessageId"] not in failed]
        for start in range(0, len(done), 10):
            entries = [
                {"Id": str(i), "ReceiptHandle": m["ReceiptHandle"]} for i, m in enumerate(done[start : start + 10])
            ]
            client("sqs").delete_message_batch(QueueUrl=self.url, Entries=entries)

    def _record(self, m: dict[str, Any]) -> dict[str, Any]:
        return {
            "messageId": m["MessageId"],
            "receiptHandle": m["ReceiptHandle"],
            "body": m["Body"],
            "attributes": m.get("Attributes", {}),
            "messageAttributes": m.get("MessageAttributes", {}),
            "md5OfBody": m.get("MD5OfBody") or hashlib.md5(m["Body"].encode()).hexdigest(),  # noqa: S324 (SQS's own checksum)
            "eventSource": "aws:sqs",
            "eventSourceARN": self.arn,
            "awsRegion": self.region,
        }
