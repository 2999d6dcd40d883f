"""Ingestion's implementations of its ports: the vitals table and the owners' api (`dynamo`), the
fleet's status machine, the rejects queue, MQTT and the ETA model (`outbound`). Imported on first use."""
