"""Versions of SDK packages: parse what manifests say, compare, and test catalog gates.

Built on ``packaging`` (PEP 440). Go (``v1.2.3``), npm (``^1.2.3``), RubyGems (``~> 0.5``) and Cargo
(``"2.0"``) spellings are reduced to the version they name; a range keeps its lowest admitted version.
"""

from __future__ import annotations

import re
from functools import lru_cache

_NUMBER = re.compile(r"\d+(?:\.\d+)*(?:[-.+]?[0-9A-Za-z.]+)?")


@lru_cache(maxsize=512)
def parse(text: str | None):
    """A packaging Version for a version or the lowest bound of a simple range; None when unreadable."""
    if not text:
        return None
    from packaging.version import InvalidVersion, Version

    found = _NUMBER.search(text.strip().lstrip("v"))
    if not found:
        return None
    candidate = found.group()
    for attempt in (candidate, candidate.split("-")[0].split("+")[0]):
        try:
            return Version(attempt)
        except InvalidVersion:
            continue
    return None


def is_exact(text: str | None) -> bool:
    """True when ``text`` names one version (a pin or a lock), not a range."""
    if not text:
        return False
    stripped = text.strip()
    return not any(stripped.startswith(p) for p in ("^", "~", ">", "<", "*", "=>", "!=")) and "," not in stripped \
        and " " not in stripped and "x" not in stripped.lower().replace("0x", "")


def compare(left: str | None, right: str) -> int | None:
    """-1, 0 or 1 comparing ``left`` with ``right``; None when ``left`` cannot be read."""
    a, b = parse(left), parse(right)
    if a is None or b is None:
        return None
    return (a > b) - (a < b)


def at_least(version: str | None, minimum: str) -> bool | None:
    result = compare(version, minimum)
    return None if result is None else result >= 0


def below(version: str | None, limit: str) -> bool | None:
    result = compare(version, limit)
    return None if result is None else result < 0
