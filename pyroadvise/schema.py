"""A small declarative checker for the catalog's plain data (in the spirit of pre-commit's cfgv).

A check is a function ``(ctx, value, path) -> value``; it reports problems to ``ctx`` and returns
``BAD`` when the value cannot be used. Nothing here knows about profile types: validate.py
describes the catalog with these pieces.
"""

from __future__ import annotations

import re
from typing import Any, Callable

from .errors import UNSAFE_BEYOND_C0
from .problems import Problem, problem

BAD = object()  # marks a value that failed its check

_CONTROL = re.compile(f"[\x00-\x08\x0b-\x1f{UNSAFE_BEYOND_C0}]")  # tabs and line breaks allowed
_CONTROL_OR_NEWLINE = re.compile(f"[\x00-\x1f{UNSAFE_BEYOND_C0}]")

Check = Callable[["Context", Any, tuple], Any]


class Context:
    """Where problems go, and how a path in one file maps back to a line."""

    def __init__(self, rel: str, lines: dict[tuple, int], problems: list[Problem]):
        self.rel = rel
        self.lines = lines
        self.problems = problems

    def line(self, path: tuple) -> int | None:
        while path:
            if path in self.lines:
                return self.lines[path]
            path = path[:-1]
        return self.lines.get(())

    def report(self, code: str, path: tuple, message: str) -> None:
        self.problems.append(problem(code, self.rel, self.line(path), f"{dotted(path)}: {message}"))


def dotted(path: tuple) -> str:
    text = ""
    for part in path:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text or "document"


def describe(value: Any) -> str:
    if value is None:
        return "nothing (null)"
    if isinstance(value, bool):
        return f"the boolean {str(value).lower()} (YAML reads bare yes/no/on/off/true/false as booleans; quote it)"
    if isinstance(value, (int, float)):
        return f"the number {value!r} (quote it to make it text)"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    return type(value).__name__


def text(ctx: Context, value: Any, path: tuple) -> Any:
    """One line of plain text: non-empty, no surrounding spaces, no control characters."""
    if not isinstance(value, str):
        ctx.report("CAT006", path, f"expected text, got {describe(value)}")
        return BAD
    if not value.strip():
        ctx.report("CAT017", path, "text is empty")
        return BAD
    if value != value.strip():
        ctx.report("CAT017", path, "text has spaces or line breaks around it")
        return BAD
    if _CONTROL_OR_NEWLINE.search(value):
        ctx.report("CAT017", path, "text contains a control character or line break")
        return BAD
    return value


def block(ctx: Context, value: Any, path: tuple) -> Any:
    """Several lines of text (code snippets); the final newline of a YAML block is dropped."""
    if not isinstance(value, str):
        ctx.report("CAT006", path, f"expected text, got {describe(value)}")
        return BAD
    value = value.rstrip("\n")
    if not value.strip():
        ctx.report("CAT017", path, "text is empty")
        return BAD
    if _CONTROL.search(value.replace("\t", "    ")):
        ctx.report("CAT017", path, "text contains a control character")
        return BAD
    return value


def matching(pattern: str, what: str, code: str = "CAT007") -> Check:
    regex = re.compile(pattern)

    def check(ctx: Context, value: Any, path: tuple) -> Any:
        value = text(ctx, value, path)
        if value is not BAD and not regex.fullmatch(value):
            ctx.report(code, path, f"{value!r} is not a valid {what} (expected {pattern})")
            return BAD
        return value

    return check


def one_of(choices: tuple[str, ...]) -> Check:
    def check(ctx: Context, value: Any, path: tuple) -> Any:
        value = text(ctx, value, path)
        if value is not BAD and value not in choices:
            ctx.report("CAT006", path, f"{value!r} must be one of: {', '.join(choices)}")
            return BAD
        return value

    return check


def boolean(ctx: Context, value: Any, path: tuple) -> Any:
    if not isinstance(value, bool):
        ctx.report("CAT006", path, f"expected true or false, got {describe(value)}")
        return BAD
    return value


def list_of(item: Check, min_items: int = 0) -> Check:
    def check(ctx: Context, value: Any, path: tuple) -> Any:
        if not isinstance(value, list):
            ctx.report("CAT006", path, f"expected a list, got {describe(value)}")
            return BAD
        if len(value) < min_items:
            ctx.report("CAT004", path, f"needs at least {min_items} item(s)")
            return BAD
        # BAD items stay in place so that indexes keep matching the file's lines.
        return [item(ctx, v, path + (i,)) for i, v in enumerate(value)]

    return check


def mapping_of(value_check: Check, min_items: int = 0) -> Check:
    """A mapping with free keys (ids); keys are checked by the caller against registries.

    Values that fail their check stay as BAD, as in list_of."""

    def check(ctx: Context, value: Any, path: tuple) -> Any:
        if not isinstance(value, dict):
            ctx.report("CAT006", path, f"expected a mapping, got {describe(value)}")
            return BAD
        if len(value) < min_items:
            ctx.report("CAT004", path, f"needs at least {min_items} entry(ies)")
            return BAD
        return {k: value_check(ctx, v, path + (k,)) for k, v in value.items()}

    return check


Field = tuple  # (required: bool, check)


def record(fields: dict[str, Field]) -> Check:
    """A mapping with a fixed set of keys. Missing required keys and unknown keys are reported."""

    def check(ctx: Context, value: Any, path: tuple) -> Any:
        if not isinstance(value, dict):
            ctx.report("CAT006", path, f"expected a mapping, got {describe(value)}")
            return BAD
        ok = True
        for key in value:
            if key not in fields:
                from .names import closest

                near = closest(key, list(fields), limit=1)
                hint = f"; did you mean {near[0]!r}?" if near else ""
                ctx.report("CAT005", path + (key,), f"unknown field {key!r}{hint}")
        out: dict[str, Any] = {}
        for key, (required, field_check) in fields.items():
            if key not in value:
                if required:
                    ctx.report("CAT004", path, f"required field {key!r} is missing")
                    ok = False
                out[key] = None
                continue
            checked = field_check(ctx, value[key], path + (key,))
            if checked is BAD:
                ok = ok and not required
                out[key] = None
            else:
                out[key] = checked
        return out if ok else BAD

    return check


def required(check: Check) -> Field:
    return (True, check)


def optional(check: Check) -> Field:
    return (False, check)
