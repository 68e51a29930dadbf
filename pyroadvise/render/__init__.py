"""All output goes through here: one report dict, three formats.

JSON and Markdown are plain strings built without rich, so scripts and docs never pay for it;
tables import rich lazily (render/tables.py is the only module that imports it).
"""

from __future__ import annotations

import sys

FORMATS = ("table", "json", "markdown")


def emit(kind: str, report: dict, fmt: str, *, show_sources: bool = False) -> None:
    """Write one report to stdout in the chosen format."""
    if fmt == "json":
        sys.stdout.write(to_json(report))
    elif fmt == "markdown":
        from .markdown import RENDERERS

        sys.stdout.write(RENDERERS[kind](report, show_sources))
    else:
        from .tables import print_report

        print_report(kind, report, show_sources)


def to_json(report: dict) -> str:
    import json

    encoding = (getattr(sys.stdout, "encoding", None) or "").lower().replace("-", "")
    return json.dumps(report, indent=2, ensure_ascii=encoding != "utf8") + "\n"
