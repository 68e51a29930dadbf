"""Plain-text pieces shared by the table and Markdown views (no rich here)."""

from __future__ import annotations

import re

SHOWN_EVIDENCE = ("test", "source", "docs")  # evidence levels that need no mark next to an ID


def setting(step: dict) -> str:
    """The setting as the user writes it: with the value the step sets where the catalog gives one
    (`PYROSCOPE_PROFILER_EVENT=wall`), else its name."""
    item = (step.get("item") or "").strip()
    found = re.match(rf"(?:export\s+)?({re.escape(step['setting'])}\s*=\s*\S.*?),?$", item)
    return found.group(1) if found and "\n" not in item else step["setting"]


def primary_step(item: dict, method: str | None) -> dict | None:
    """The enable step of the language's first collection method, else its first step."""
    steps = item.get("enable") or []
    return next((s for s in steps if s["method"] == method), steps[0] if steps else None)


COMMENTS = {"sh": "#", "python": "#", "ruby": "#", "yaml": "#", "toml": "#", "go": "//", "alloy": "//",
            "js": "//", "ts": "//", "rust": "//", "csharp": "//", "java": "//"}


def comment(syntax: str | None, text: str) -> str:
    """A line of text as a comment in a snippet's language (`#` when the language is unknown)."""
    return f"{COMMENTS.get(syntax or '', '#')} {text}"
