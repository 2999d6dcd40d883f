"""CDK app (Python) that deploys the EMS backend: a stateful stack (KMS key, tables,
queues, user pool) and a stateless one (Chalice API and functions, state machines,
IoT rules, alarms). Everything is derived from the runtime's own registries."""

import os

# Node 20 works for jsii but prints a banner on every start; keep synth output readable.
os.environ.setdefault("JSII_SILENCE_WARNING_DEPRECATED_NODE_VERSION", "1")
os.environ.setdefault("JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION", "20")
