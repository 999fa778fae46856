"""What of a Cognito user reaches the lake: ``keep`` (default), ``hash`` or ``drop``.

The ``sub`` attribute is always kept: it is the key every fact joins on (the worker logs'
``cognito_sub_id``). Every other attribute (email, name, phone, custom ones) and the
``Username`` (usually the e-mail address for invited workers) are identifying:

- ``hash``: values become ``hmac-sha256:<hex>`` keyed with ``GTWH_IDENTITY_KEY`` (a secret
  kept outside the lake), or ``sha256:<hex>`` when no key is set, which only pseudonymises:
  a known e-mail address can be hashed and matched;
- ``drop``: those attributes and the ``Username`` are removed.

Status, dates, ``Enabled`` and ``MFAOptions`` (which names attributes, not values) are kept.

>>> Identity("drop").user({"Username": "a@b.c", "Attributes": [
...     {"Name": "sub", "Value": "1"}, {"Name": "email", "Value": "a@b.c"}]})
{'Attributes': [{'Name': 'sub', 'Value': '1'}]}
"""

from __future__ import annotations

import hashlib
import hmac
import os
from typing import Any

from extract.sources.aws.options import IDENTITY_MODES, IdentityMode

KEPT_ATTRIBUTES = frozenset({"sub"})


class Identity:
    def __init__(self, mode: IdentityMode = "keep", *, key: str | None = None) -> None:
        if mode not in IDENTITY_MODES:
            raise ValueError(f"identity mode {mode!r}: use one of {', '.join(IDENTITY_MODES)}")
        self.mode = mode
        secret = key if key is not None else os.environ.get("GTWH_IDENTITY_KEY")
        self._key = secret.encode() if secret else None

    def pseudonym(self, value: str | None) -> str | None:
        if value is None:
            return None
        if self._key:
            return "hmac-sha256:" + hmac.new(self._key, value.encode(), hashlib.sha256).hexdigest()
        return "sha256:" + hashlib.sha256(value.encode()).hexdigest()

    def user(self, user: dict[str, Any]) -> dict[str, Any]:
        """The user as it may be stored (a new dict; the key order is kept)."""
        if self.mode == "keep":
            return user
        out: dict[str, Any] = {}
        for name, value in user.items():
            if name == "Username":
                if self.mode == "hash":
                    out[name] = self.pseudonym(value)
            elif name == "Attributes":
                out[name] = [self._attribute(a) for a in value if self._attribute(a)]
            else:
                out[name] = value
        return out

    def _attribute(self, attribute: dict[str, Any]) -> dict[str, Any] | None:
        if attribute.get("Name") in KEPT_ATTRIBUTES:
            return attribute
        if self.mode == "drop":
            return None
        return {**attribute, "Value": self.pseudonym(attribute.get("Value"))}
