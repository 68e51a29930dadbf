"""Terminal output with rich. The only module that imports rich.

Every catalog text and every piece of user input goes into ``Text`` objects or a console with
markup off, so brackets in them are printed as they are. Columns fold instead of cutting with an
ellipsis, so an ID or an env var name is never truncated.
"""

from __future__ import annotations

import sys

from rich import box
from rich.console import Console
from rich.table import Table
from rich.text import Text
from rich.theme import Theme

from . import labels as L
from .widgets import MatrixView, Rows

THEME = Theme({
    "title": "bold",
    "type.name": "bold",
    "type.id": "cyan",
    "label": "dim",
    "status.documented": "green",
    "status.source-only": "yellow",
    "status.none": "dim",
    "code": "cyan",
    "warn": "yellow",
    "muted": "dim",
})


def make_console(stderr: bool = False) -> Console:
    """The one place a Console is made: no markup, no emoji, no highlighting of our text."""
    return Console(
        file=sys.stderr if stderr else sys.stdout,
        theme=THEME,
        markup=False,
        emoji=False,
        highlight=False,
    )


def print_report(kind: str, report: dict, show_sources: bool, console: Console | None = None) -> None:
    console = console or make_console()
    parts = RENDERERS[kind](report)
    if show_sources and report.get("sources"):
        parts.append(sources_table(report["sources"]))
    for i, part in enumerate(parts):
        if i and kind not in ("check", "setup"):
            console.print()
        if isinstance(part, Verbatim):
            console.print(part.text, soft_wrap=True)
        else:
            console.print(part)


class Verbatim:
    """Printed as it is, never wrapped: snippets to copy, problem lines that must stay one per line."""

    def __init__(self, text: Text):
        self.text = text


def _table(*headers: str, title: str | None = None, narrow_first: bool = False) -> Table:
    table = Table(box=box.SIMPLE_HEAD, title=title, title_justify="left", title_style="title",
                  show_edge=False, pad_edge=False, expand=False)
    for i, header in enumerate(headers):
        first = narrow_first and i == len(headers) - 2
        table.add_column(header, overflow="fold", vertical="top", max_width=24 if first else None)
    return table


def _kv(*pairs: tuple[str, object]) -> Text:
    """Labelled lines in one cell: 'Shows  ...' / 'Use when  ...'."""
    text = Text()
    for label, value in pairs:
        if value in (None, "", []):
            continue
        if text:
            text.append("\n")
        text.append(f"{label}: ", style="label")
        if isinstance(value, Text):
            text.append_text(value)
        else:
            text.append(str(value))
    return text


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


def _via(methods: list[dict]) -> str:
    parts = []
    for meth in methods:
        mark = L.SOURCE_MARK if meth["status"] == "source-only" else ""
        parts.append(f"{L.METHOD_NAMES.get(meth['method'], meth['method'])}{mark}")
    return ", ".join(parts)


def _method_notes(methods: list[dict]) -> list:
    return [(L.NOTE, note) for note in dict.fromkeys(meth["note"] for meth in methods if meth["note"])]


def _enable(steps: list[dict]) -> Text:
    text = Text()
    for step in steps:
        if text:
            text.append("\n")
        text.append(step["setting"], style="code")
        text.append(f" ({L.DEFAULT} {step['default']}")
        if step.get("start"):
            text.append(f"; {L.START} {step['start']}")
        text.append(")")
        if len(steps) > 1:
            text.append(f" [{L.METHOD_NAMES.get(step['method'], step['method'])}]")
    return text


def _ids(ids: list[dict]) -> Text:
    text = Text()
    for pid in ids:
        if text:
            text.append("\n")
        text.append(pid["id"], style="code")
        if pid["evidence"] not in ("test", "source", "docs"):
            text.append(f" ({pid['evidence']})", style="warn")
    return text


def _notes(title: str, lines: list[str]) -> Text:
    text = Text(title, style="title")
    for line in lines:
        text.append("\n- ")
        text.append(line)
    return text


def lang(report: dict) -> list:
    language = report["language"]
    head = Text(f"{language['name']}", style="title")
    head.append(f" ({language['id']}), Pyroscope {report['pyroscope']}")
    head.append("\n")
    head.append(language["summary"], style="muted")
    if language.get("sdk_checked"):
        head.append(f"\n{L.CHECKED}: {language['sdk_checked']}", style="muted")
    rows = []
    for item in report["supported"]:
        via = _via(item["methods"])
        rows.append(([_type_cell(item, via)], _type_line(item, via), _kv(
            (L.SHOWS, item["measures"]),
            (L.WHEN, item["when_to_use"]),
            (L.TURN_ON, _enable(item["enable"])),
            (L.QUERY, _ids(item["ids"])),
            *_method_notes(item["methods"]),
        )))
    out: list = [head, Rows((L.TYPE, L.DETAILS), rows)]
    if any(meth["status"] == "source-only" for item in report["supported"] for meth in item["methods"]):
        out.append(Text(L.SOURCE_MARK_LEGEND, style="muted"))
    if report["unsupported"]:
        missing = [f"{u['name']} ({u['type']})" + (f": {', '.join(u['languages'])}" if u["languages"] else "")
                   for u in report["unsupported"]]
        out.append(_notes(L.NOT_IN.format(name=language["name"], version=report["pyroscope"]), missing))
    if language["notes"]:
        out.append(_notes(L.NOTES, language["notes"]))
    return out


def symptom(report: dict) -> list:
    from .symptom import render  # the symptom answer has its own module

    return render(report)


def type_(report: dict) -> list:
    t = report["type"]
    head = Text(t["name"], style="title")
    head.append(f" ({t['id']}), Pyroscope {report['pyroscope']}")
    if t["experimental"]:
        head.append(f"  {L.EXPERIMENTAL}", style="warn")
    facts = Table.grid(padding=(0, 2))
    facts.add_column(style="label", no_wrap=True)
    facts.add_column(overflow="fold")
    for label, value in ((L.UNIT, t["unit"]), (L.KIND, L.KINDS[t["kind"]]), (L.MEASURES, t["measures"]),
                         (L.WHEN, t["when_to_use"]), (L.FLAMEGRAPH, t["flamegraph_insight"]),
                         (L.CAUTION, t["caution"]), (L.CANNOT, "\n".join(f"- {c}" for c in t["cannot_show"])),
                         (L.OVERHEAD, t["overhead"]), (L.IF_EMPTY, t["if_empty"]),
                         (L.SEE_ALSO, ", ".join(t["see_also"]))):
        if value:
            facts.add_row(label, Text(value))
    out: list = [head, facts]
    if t["per_language"]:
        table = _table(L.LANGUAGE, L.TURN_ON, L.QUERY)
        for item in t["per_language"]:
            who = Text(item["name"], style="type.name")
            who.append(f"\n{_via(item['methods'])}", style="muted")
            table.add_row(who, _enable(item["enable"]), _ids(item["ids"]))
        out.append(table)
    else:
        versions = ", ".join(t["in_versions"]) or "-"
        out.append(Text(L.TYPE_ABSENT.format(version=report["pyroscope"], versions=versions), style="warn"))
    return out


def matrix(report: dict) -> list:
    view = MatrixView(report)
    legend = Text(L.MATRIX_LEGEND, style="muted")
    legend.append("\n" + report["layout"], style="muted")
    out: list = [view, legend]
    if view.notes:
        out.append(Text("\n".join(f"[{i}] {n}" for i, n in enumerate(view.notes, 1))))
    return out


def diff(report: dict) -> list:
    table = _table(L.LANGUAGE, L.PROFILE_TYPE, L.CHANGE, report["from"], report["to"],
                   title=L.DIFF_TITLE.format(old=report["from"], new=report["to"]))
    for change in report["changes"]:
        table.add_row(change["language_name"], Text(f"{change['name']} ({change['type']})"),
                      L.CHANGES[change["change"]], _methods_text(change["before"]), _methods_text(change["after"]))
    out: list = [table if report["changes"] else Text(L.NO_CHANGES)]
    if report["notes"]:
        out.append(_notes(L.WHAT_CHANGED, report["notes"]))
    return out


def _methods_text(via: list[dict]) -> str:
    return ", ".join(L.METHOD_NAMES.get(v["method"], v["method"]) +
                     (f" ({L.SOURCE_ONLY})" if v["status"] == "source-only" else "") for v in via) or "-"


def listing(report: dict) -> list:
    kind = next(k for k in ("languages", "types", "symptoms") if k in report)
    if kind == "languages":
        table = _table(L.ID, L.NAME, L.ALIASES, L.CHECKED)
        for item in report[kind]:
            table.add_row(Text(item["id"], style="type.id"), item["name"], ", ".join(item["aliases"]),
                          item.get("sdk_checked") or "")
    elif kind == "types":
        table = _table(L.ID, L.NAME, L.UNIT, L.LANGUAGES)
        for item in report[kind]:
            table.add_row(Text(item["id"], style="type.id"), item["name"], item["unit"], ", ".join(item["languages"]))
    else:
        table = _table(L.ID, L.NAME, L.CATEGORY)
        for item in report[kind]:
            table.add_row(Text(item["id"], style="type.id"), item["name"], item["category"])
    return [table]


def setup(report: dict) -> list:
    head = Text(f"# {report['language']['name']}, {report['method']['name']}: {', '.join(report['types'])}",
                style="muted")
    steps = _table(L.PROFILE_TYPE, L.TURN_ON, L.HOW)
    for step in report["steps"]:
        steps.add_row(Text(step["type"], style="type.id"), _enable([step | {"method": ""}]), step["how"])
    body = Verbatim(Text(report["snippet"])) if report["snippet"] else Text(L.NO_SNIPPET, style="warn")
    return [head, body, Text(""), steps]


def check(report: dict) -> list:
    out: list = [Verbatim(Text(f"{p['code']} {p['where']} {p['message']}")) for p in report["problems"]]
    out.append(Text(L.CHECK_OK.format(directory=report["catalog"]) if report["ok"] else
                    L.CHECK_BAD.format(count=len(report["problems"]), directory=report["catalog"]),
                    style="status.documented" if report["ok"] else "warn"))
    return out


def sources_table(sources: list[dict]) -> Table:
    table = _table(L.SOURCE, L.WHERE, title=L.SOURCES)
    for source in sources:
        where = source["where"] + (f"\n{source['url']}" if source.get("url") else "")
        table.add_row(Text(f"{source['title']}\n{source['id']} ({source['kind']})"), Text(where))
    return table


RENDERERS = {"lang": lang, "symptom": symptom, "type": type_, "matrix": matrix, "diff": diff, "list": listing,
             "setup": setup, "check": check}
