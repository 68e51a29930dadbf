"""All output goes through here: one report dict, three formats.

JSON and Markdown are plain strings built without rich, so scripts and docs never pay for it;
tables import rich lazily (only tables.py and the modules it builds on, widgets, parts, summary and
matrixview, import it).
"""

from __future__ import annotations

import sys

FORMATS = ("table", "json", "markdown")
COLORS = ("auto", "always", "never")
SCHEMA_VERSION = 1  # of every JSON report; raised when a key is renamed or removed or changes meaning


def emit(kind: str, report: dict, fmt: str, *, show_sources: bool = False, color: str = "auto") -> None:
    """Write one report to stdout in the chosen format.

    Kinds with a view suffix (`lang-long`, `setup-snippet`) are the same report in another view;
    JSON is always the whole report.
    """
    if kind == "check" and fmt != "json":
        report = _printable_check(report)
    if fmt == "json":
        sys.stdout.write(to_json(report))
    elif kind == "setup-snippet":
        sys.stdout.write(snippet_text(report))
    elif fmt == "markdown":
        from .markdown import RENDERERS

        sys.stdout.write(RENDERERS[kind](report, show_sources))
    else:
        from .tables import print_report

        print_report(kind, report, show_sources, color=color)


def snippet_text(report: dict) -> str:
    """Only the code of a setup report, to append to a file or pipe to the clipboard."""
    if report["snippet"]:
        return report["snippet"].rstrip("\n") + "\n"
    from ..errors import PyroadviseError
    from . import labels as L

    raise PyroadviseError(L.NO_SNIPPET, [L.NO_SNIPPET_HINT.format(language=report["language"]["id"],
                                                                  types=" ".join(report["types"]))])


def _printable_check(report: dict) -> dict:
    """`catalog check DIR` echoes a directory and file names from outside: escape their control
    characters, so each problem stays on its one line and nothing reaches the terminal raw.
    (JSON escapes its own.)"""
    from ..errors import inline

    return report | {"catalog": inline(report["catalog"]), "problems": [
        p | {key: inline(p[key]) for key in ("file", "where", "message")} for p in report["problems"]]}


def to_json(report: dict, *, versioned: bool = True) -> str:
    """The report as JSON, `schema_version` first (the one place it is added).

    `versioned=False` writes a document whose format belongs to someone else (SARIF), unchanged.
    """
    import json

    if versioned:
        report = {"schema_version": SCHEMA_VERSION} | report
    encoding = (getattr(sys.stdout, "encoding", None) or "").lower().replace("-", "")
    text = json.dumps(report, indent=2, ensure_ascii=encoding != "utf8") + "\n"
    if encoding == "utf8" and not (text.isascii() and "\x7f" not in text):
        # json.dumps escapes C0 itself, but without ensure_ascii it leaves DEL, C1, bidi controls and
        # lone surrogates (undecodable argv bytes) raw: escape them too. The same strings for a JSON
        # reader; nothing a terminal acts on, and nothing a strict UTF-8 stdout refuses.
        import re

        from ..errors import UNSAFE_BEYOND_C0

        text = re.sub(f"[{UNSAFE_BEYOND_C0}]", lambda m: f"\\u{ord(m.group()):04x}", text)
    return text
