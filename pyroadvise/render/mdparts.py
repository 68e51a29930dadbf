"""Markdown pieces shared by the Markdown views (the general ones and the symptom answer)."""

from __future__ import annotations

from . import labels as L
from .links import source_links
from .plain import SHOWN_EVIDENCE, setting


def _cell(value: object) -> str:
    text = "" if value is None else str(value)
    return text.replace("\\", "\\\\").replace("|", "\\|").replace("\n", "<br>")


def _code(value: str) -> str:
    fence = "``" if "`" in value else "`"
    return f"{fence}{value}{fence}"


def _table(headers: list[str], rows: list[list[object]]) -> str:
    lines = ["| " + " | ".join(_cell(h) for h in headers) + " |", "|" + "---|" * len(headers)]
    lines += ["| " + " | ".join(_cell(c) for c in row) + " |" for row in rows]
    return "\n".join(lines) + "\n"


def _via(methods: list[dict]) -> str:
    return ", ".join(L.METHOD_NAMES.get(m["method"], m["method"]) +
                     (f" ({L.SOURCE_ONLY})" if m["status"] == "source-only" else "") for m in methods)


def _enable(steps: list[dict]) -> str:
    parts = []
    for step in steps:
        text = f"{_code(setting(step))} ({L.DEFAULT} {step['default']}"
        text += f"; {L.START} {step['start']})" if step.get("start") else ")"
        parts.append(text)
    return "<br>".join(parts)


def _ids(ids: list[dict]) -> str:
    return "<br>".join(_code(p["id"]) + ("" if p["evidence"] in SHOWN_EVIDENCE else f" ({p['evidence']})")
                       for p in ids)


def _bullets(title: str, lines: list[str]) -> str:
    return f"**{title}**\n\n" + "".join(f"- {line}\n" for line in lines) + "\n"


def _observed(source: dict) -> str:
    seen = source.get("observed")
    return ". " + L.OBSERVED.format(sdk=seen["sdk"], versions=", ".join(seen["versions"])) if seen else ""


def _sources(report: dict, show: bool) -> str:
    if not show or not report.get("sources"):
        return ""
    return f"\n## {L.SOURCES}\n\n" + _table([L.SOURCE, L.WHERE], [
        [f"{s['title']} ({s['id']})", s["where"] + "".join(f"<br><{url}>" for url in source_links(s)) + _observed(s)]
        for s in report["sources"]
    ])
