"""Deterministic randomness: every random stream is derived from the seed plus a name.

Nothing here reads the clock or the operating system's entropy, so the same seed and the same
names always give the same numbers, whatever order the streams are created in.
"""

from __future__ import annotations

import base64
import hashlib
import string

import numpy as np

_ALNUM = string.ascii_letters + string.digits
_LOWER_ALNUM = string.ascii_lowercase + string.digits


def _words(seed: int, names: tuple[object, ...]) -> list[int]:
    digest = hashlib.blake2b(repr((seed, *names)).encode(), digest_size=16).digest()
    return [int.from_bytes(digest[i : i + 4], "little") for i in range(0, 16, 4)]


def rng_for(seed: int, *names: object) -> np.random.Generator:
    """A numpy generator for one named purpose, e.g. ``rng_for(7, "shifts", day)``."""
    return np.random.default_rng(np.random.SeedSequence(_words(seed, names)))


def digest_hex(seed: int, *names: object, size: int = 16) -> str:
    return hashlib.blake2b(repr((seed, *names)).encode(), digest_size=size).hexdigest()


def uuid4_like(seed: int, *names: object) -> str:
    """A deterministic string shaped like a random (version 4) UUID."""
    h = list(digest_hex(seed, *names))
    h[12] = "4"
    h[16] = "89ab"[int(h[16], 16) % 4]
    s = "".join(h)
    return f"{s[:8]}-{s[8:12]}-{s[12:16]}-{s[16:20]}-{s[20:32]}"


def alnum(rng: np.random.Generator, n: int, *, lower: bool = False) -> str:
    chars = _LOWER_ALNUM if lower else _ALNUM
    return "".join(chars[i] for i in rng.integers(0, len(chars), n))


def opaque_token(seed: int, *names: object, length: int = 120) -> str:
    """A pagination token: opaque, URL-safe, deterministic."""
    raw = b""
    counter = 0
    while len(raw) * 4 // 3 < length + 4:
        raw += hashlib.blake2b(repr((seed, counter, *names)).encode(), digest_size=64).digest()
        counter += 1
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")[:length]


def splitmix64(x: np.ndarray) -> np.ndarray:
    """Vectorised SplitMix64 finaliser: a cheap, well-mixed hash of uint64 values."""
    z = x.astype(np.uint64) + np.uint64(0x9E3779B97F4A7C15)
    z = (z ^ (z >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
    z = (z ^ (z >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
    return z ^ (z >> np.uint64(31))
