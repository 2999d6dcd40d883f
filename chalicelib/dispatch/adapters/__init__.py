"""Dispatch's implementations of its ports: the claim store over the incident's and the fleet's
parts of one transaction (`claims`), the candidate source (`candidates`), routing providers
(`routing`), MQTT, EventBridge and Step Functions (`aws`). Private; imported on first use."""
