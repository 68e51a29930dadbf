"""How names typed by people are compared: one normal form, used by validation and lookups alike."""

from __future__ import annotations

import re
import unicodedata

_SEPARATORS = re.compile(r"[\s\-_.]+")


def loose(name: str) -> str:
    """Fold case, width and separators: 'Node.js', 'node js' and 'NODE_JS' all become 'nodejs'.

    Punctuation that carries meaning (the '#' of C#, the '+' of C++) is kept.
    """
    return _SEPARATORS.sub("", unicodedata.normalize("NFKC", name).casefold())


def type_key(name: str) -> str:
    """Profile type spellings: 'mutex_duration', 'mutex-duration' and 'Mutex Duration' are one key."""
    return loose(name)


def closest(wrong: str, candidates: list[str], limit: int = 3) -> list[str]:
    """The candidates nearest to a wrong name, best first (by their loose form)."""
    import difflib

    key = loose(wrong)
    by_key: dict[str, str] = {}
    for candidate in candidates:
        by_key.setdefault(loose(candidate), candidate)
    matches = difflib.get_close_matches(key, list(by_key), n=limit, cutoff=0.6)
    found = [by_key[m] for m in matches]
    if len(found) < limit and key:
        # A prefix is a strong hint too: 'mutex' should offer mutex_count and mutex_duration.
        for k, candidate in by_key.items():
            if k.startswith(key) and candidate not in found:
                found.append(candidate)
                if len(found) == limit:
                    break
    return found
