"""API responses as the AWS CLI v2 prints them, so the lake cannot tell boto3 from the mirror.

boto3 hands back timezone-aware ``datetime`` objects (in local time); the CLI prints ISO-8601
with an offset. Here they are printed in UTC (``2024-05-01T09:00:00+00:00``, microseconds
only when non-zero, exactly ``datetime.isoformat()``); ``ResponseMetadata`` is dropped.

>>> from datetime import datetime, timezone, timedelta
>>> cli_json({"CreationTime": datetime(2024, 5, 1, 11, tzinfo=timezone(timedelta(hours=2)))})
'{"CreationTime": "2024-05-01T09:00:00+00:00"}'
"""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime
from typing import Any


def cli_time(value: datetime) -> str:
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(UTC).isoformat()


def cli_value(value: Any) -> Any:
    """The JSON-ready value: datetimes as ISO strings, no ``ResponseMetadata``."""
    if isinstance(value, datetime):
        return cli_time(value)
    if isinstance(value, dict):
        return {k: cli_value(v) for k, v in value.items() if k != "ResponseMetadata"}
    if isinstance(value, list | tuple):
        return [cli_value(v) for v in value]
    return value


def cli_json(value: Any) -> str:
    return json.dumps(cli_value(value))


def digest(*parts: str) -> str:
    """A short content hash, for change detection and stable names."""
    h = hashlib.sha256()
    for part in parts:
        h.update(part.encode())
        h.update(b"\x00")
    return h.hexdigest()[:24]
