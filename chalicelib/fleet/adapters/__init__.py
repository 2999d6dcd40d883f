"""The fleet's PynamoDB and MQTT implementations of its ports: private to the domain, imported on
first use (`wiring`, `api`), never at cold start."""
