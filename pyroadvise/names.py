"""How names typed by people are compared: one normal form, used by validation and lookups alike."""

from __future__ import annotations

import os
import re

_SEPARATORS = re.compile(r"[\s\-_.]+")


def loose(name: str) -> str:
    """Fold case, width and separators: 'Node.js', 'node js' and 'NODE_JS' all become 'nodejs'.

    Punctuation that carries meaning (the '#' of C#, the '+' of C++) is kept.
    """
    if not name.isascii():  # NFKC leaves ASCII as it is: most names never need the Unicode tables
        import unicodedata

        name = unicodedata.normalize("NFKC", name)
    return _SEPARATORS.sub("", name.casefold())


def type_key(name: str) -> str:
    """Profile type spellings: 'mutex_duration', 'mutex-duration' and 'Mutex Duration' are one key."""
    return loose(name)


def closest(wrong: str, candidates: list[str], limit: int = 3) -> list[str]:
    """The candidates nearest to a wrong name, best first (compared by their loose forms).

    Ranked as people expect: names that start with what was typed ('alloc' -> alloc_objects,
    alloc_space), then names that contain it, then names spelled nearly alike ('mutx' -> mutex_count,
    'deadlok'), judged over the whole name or over its beginning. A very short or unlike name gets
    no suggestion rather than a wrong one.
    """
    import difflib

    key = loose(wrong)
    if not key:
        return []
    by_key: dict[str, str] = {}
    for candidate in candidates:
        by_key.setdefault(loose(candidate), candidate)
    ranked: list[tuple[int, float, int, str]] = []
    for order, (k, candidate) in enumerate(by_key.items()):
        if k == key:
            continue
        shared = len(os.path.commonprefix([key, k]))
        if k.startswith(key):
            tier, score = 0, len(key) / len(k)
        elif len(key) >= 3 and key in k:
            tier, score = 1, len(key) / len(k)
        elif shared >= 4:  # 'allocations' and alloc_space begin alike
            tier, score = 2, shared / max(len(key), len(k))
        else:
            whole = difflib.SequenceMatcher(None, key, k).ratio()
            start = difflib.SequenceMatcher(None, key, k[: len(key)]).ratio() if len(key) >= 4 else 0.0
            if whole < 0.65 and start < 0.75:
                continue
            tier, score = 3, max(whole, start)
        ranked.append((tier, -score, order, candidate))
    ranked.sort()
    if ranked and ranked[0][0] < 3:  # names that begin or contain what was typed beat lookalikes
        ranked = [r for r in ranked if r[0] < 3]
    return [candidate for *_, candidate in ranked[:limit]]
