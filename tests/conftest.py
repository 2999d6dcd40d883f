"""Shared test setup: fake AWS credentials and a region, so no test can reach AWS."""

from __future__ import annotations

import os

os.environ.update(
    {
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_DEFAULT_REGION": "cn-northwest-1",
        "AWS_REGION": "cn-northwest-1",
        "POWERTOOLS_TRACE_DISABLED": "true",
        "JSII_SILENCE_WARNING_DEPRECATED_NODE_VERSION": "1",
    }
)
