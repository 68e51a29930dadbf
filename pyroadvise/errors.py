"""Errors the user sees, with their exit codes. Raised by advice logic, printed by the CLI."""

from __future__ import annotations

from functools import lru_cache

EXIT_OK = 0
EXIT_DOMAIN = 1  # invalid catalog, or another domain error
EXIT_USAGE = 2  # bad usage or unknown name (as click does)

MAX_SHOWN = 80

# Characters a terminal may act on beyond C0 (a regex class body): DEL and C1; every Unicode Bidi_Control
# character (ALM, LRM, RLM, embeddings, overrides, isolates); and lone surrogates, which is how argv holds
# bytes that are not UTF-8 (they would also crash a strict UTF-8 stdout). The one list of them: user input
# is escaped with it, JSON output too, and catalog validation refuses them in catalog text.
UNSAFE_BEYOND_C0 = "\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\ud800-\udfff"


@lru_cache(maxsize=None)
def _unsafe():
    """C0 and UNSAFE_BEYOND_C0 (compiled on first use: most runs never print an error)."""
    import re

    return re.compile(f"[\x00-\x1f{UNSAFE_BEYOND_C0}]")


class PyroadviseError(Exception):
    """A domain error: a message and optional hints (closest names, next steps)."""

    exit_code = EXIT_DOMAIN

    def __init__(self, message: str, hints: list[str] | tuple[str, ...] = ()):
        super().__init__(message)
        self.message = message
        self.hints = tuple(hints)


class UsageProblem(PyroadviseError):
    """Bad input from the user: an unknown name, an empty string, an impossible combination."""

    exit_code = EXIT_USAGE


def inline(text: str) -> str:
    """Outside text (a path, a file name) on one line: every unsafe character escaped, \\n and \\t too."""
    return _unsafe().sub(lambda m: m.group().encode("unicode_escape").decode("ascii"), text)


def shown(user_text: str) -> str:
    """User input made safe to print inside a message: control characters escaped, length capped."""
    text = inline(user_text)
    if len(text) > MAX_SHOWN:
        text = text[: MAX_SHOWN - 3] + "..."
    return text


def safe(text: str) -> str:
    """Any text (e.g. a message from click that quotes user input) with control characters escaped.

    Line breaks and tabs of the message itself are kept.
    """
    return _unsafe().sub(
        lambda m: m.group() if m.group() in "\n\t" else m.group().encode("unicode_escape").decode("ascii"), text
    )
