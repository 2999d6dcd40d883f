"""The address table, bound to the command's flags with the EMS_* settings as fallback."""

from __future__ import annotations

import os
import re
from typing import TYPE_CHECKING

from chalicelib.core import root

if TYPE_CHECKING:
    from chalicelib.addresses.dal import AddressRecord

LOOPBACK = re.compile(r"^https?://(127\.0\.0\.1|localhost|\[::1\])(:\d+)?/?$")


def open_table(endpoint_url: str | None, region: str | None, prefix: str | None, workers: int) -> type[AddressRecord]:
    """The address table bound to the flags, falling back to the EMS_* settings."""
    from chalicelib.addresses.dal import AddressRecord
    from chalicelib.core.config import get_settings
    from chalicelib.core.tables import bind

    # The environment as it is now, not as this process first saw it; and no binding left, since
    # bind() keeps the first it made and the flags must win.
    root.reset()
    settings = get_settings()
    if endpoint_url and LOOPBACK.match(endpoint_url):
        from devstack.config import StackConfig

        prefix = prefix or StackConfig().prefix
        for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"):
            os.environ.setdefault(name, "devstack")  # moto accepts any credentials; botocore wants some
    model = bind(
        AddressRecord,
        prefix=prefix or settings.table_prefix,
        region=region or settings.region,
        host=endpoint_url or settings.aws_endpoint_url,
    )
    # One HTTP connection per writing thread (PynamoDB defaults to 10).
    model.Meta.max_pool_connections = max(10, workers)  # type: ignore[attr-defined]
    return model
