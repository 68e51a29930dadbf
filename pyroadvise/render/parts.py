"""The pieces every table view is made of (labelled lines, enable steps, IDs, type headings, notes,
legends), shared by the lang, type, setup and symptom renderers. Imports widgets, never tables."""

from __future__ import annotations

from rich.text import Text

from . import labels as L
from .plain import SHOWN_EVIDENCE, setting
from .widgets import Flow, Span, code, token


class Verbatim:
    """Printed as it is, never wrapped: snippets to copy, problem lines that must stay one per line."""

    def __init__(self, text: Text, style: str | None = None):
        self.text = text
        self.style = style


def _kv(*pairs: tuple[str, object]) -> Flow:
    """Labelled lines in one cell: 'Shows: ...' / 'Use when: ...'."""
    spans: list = []
    for label, value in pairs:
        if value in (None, "", []) or (isinstance(value, Flow) and not value):
            continue
        if spans:
            spans.append(Span("\n"))
        spans.append(Span(f"{label}: ", "label"))
        spans += value.spans if isinstance(value, Flow) else [Span(str(value))]
    return Flow(*spans)


def _enable(steps: list[dict], short: bool = False) -> Flow:
    spans: list = []
    for step in steps:
        if spans:
            spans.append(Span("\n"))
        spans.append(code(setting(step)))
        spans.append(Span(f" ({L.DEFAULT} {step['default']}"))
        if step.get("start") and not short and step["start"] not in setting(step):
            spans.append(Span(f"; {L.START} {step['start']}"))
        spans.append(Span(")"))
        if len(steps) > 1:
            spans.append(Span(f" [{L.METHOD_NAMES.get(step['method'], step['method'])}]"))
    return Flow(*spans)


def _ids(ids: list[dict], notes: bool = False) -> Flow:
    spans: list = []
    for pid in ids:
        if spans:
            spans.append(Span("\n"))
        spans.append(token(pid["id"]))
        if pid["evidence"] not in SHOWN_EVIDENCE:
            spans.append(Span(f" ({pid['evidence']})", "warn"))
        if notes and len(ids) > 1 and pid.get("note"):
            spans.append(Span(f": {pid['note']}", "muted"))
    return Flow(*spans)


def _via(methods: list[dict]) -> str:
    parts = []
    for meth in methods:
        mark = L.SOURCE_MARK if meth["status"] == "source-only" else ""
        parts.append(f"{L.METHOD_NAMES.get(meth['method'], meth['method'])}{mark}")
    return ", ".join(parts)


def _method_notes(methods: list[dict]) -> list:
    return [(L.NOTE, note) for note in dict.fromkeys(meth["note"] for meth in methods if meth["note"])]


def _type_line(item: dict, extra: str | None = None, rank: int | None = None) -> Text:
    text = Text(f"{rank}. " if rank else "")
    text.append(item["name"], style="type.name")
    text.append(" (")
    text.append(item["type"], style="type.id")
    text.append(")")
    if extra:
        text.append(f"  {extra}", style="muted")
    return text


def _type_cell(item: dict, extra: str | None = None) -> Text:
    text = Text(item["name"], style="type.name")
    text.append("\n")
    text.append(item["type"], style="type.id")
    if extra:
        text.append("\n")
        text.append(extra, style="muted")
    return text


def _head(name: str, type_id: str, extra: str | None = None) -> Flow:
    spans = [token(name, "type.name"), Span("\n"), token(type_id, "type.id")]
    if extra:
        spans += [Span("\n"), Span(extra, "muted")]
    return Flow(*spans)


def notes(title: str, lines: list[str]) -> Flow:
    spans: list = [Span(title, "title")]
    for line in lines:
        spans += [Span("\n"), Span("- " + line)]
    return Flow(*spans, indent=2)


def legend(marks: set[str]) -> Flow | None:
    """One line per mark shown; a `command` in a legend is kept whole, without its backquotes."""
    lines = [L.LEGEND[mark] for mark in L.LEGEND if mark in marks]
    if not lines:
        return None
    spans: list = []
    for i, line in enumerate(lines):
        for n, piece in enumerate(line.split("`")):
            spans.append(token(piece, "muted") if n % 2 else Span(("\n" if i and not n else "") + piece, "muted"))
    return Flow(*spans, indent=2)


def marks_in(items: list[dict]) -> set[str]:
    """Which marks a list of usages shows, for the legend: evidence levels, source-only methods."""
    found = {pid["evidence"] for item in items for pid in item.get("ids", [])}
    if any(meth["status"] == "source-only" for item in items for meth in item.get("methods", [])):
        found.add(L.SOURCE_MARK)
    return found
