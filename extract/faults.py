"""Fault injection for crash-safety tests: ``GTWH_CRASH_AT=<point>:<n>`` kills the process
with SIGKILL the n-th time execution reaches ``point``. Unset (the default), it does nothing."""

from __future__ import annotations

import os
import signal

_hits: dict[str, int] = {}


def maybe_crash(point: str) -> None:
    spec = os.environ.get("GTWH_CRASH_AT")
    if not spec:
        return
    name, _, count = spec.partition(":")
    if name != point:
        return
    _hits[point] = _hits.get(point, 0) + 1
    if _hits[point] >= int(count or 1):
        os.kill(os.getpid(), signal.SIGKILL)
