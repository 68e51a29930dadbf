"""Terminal output with rich: one renderer per report kind, built from widgets.py and parts.py.

Every catalog text and every piece of user input goes into Flows, Text objects or a console with
markup off, so brackets in them are printed as they are. Tokens (IDs, settings, commands, URLs) are
never broken (widgets.Flow); lines carry no trailing padding; URLs are links on a terminal.
"""

from __future__ import annotations

import sys

from rich.console import Console
from rich.segment import Segment, Segments
from rich.text import Text
from rich.theme import Theme

from . import labels as L
from .links import source_links
from .plain import comment
from .matrixview import MatrixView
from .parts import (Verbatim, _enable, _head, _ids, _kv, _method_notes, _type_cell, _type_line, _via, marks_in,
                    legend as _legend, notes as _notes)
from .summary import LangSummary
from .widgets import Flow, Rows, Span, flow_of, token

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
    "link": "underline",
})

MAX_WIDTH = 100  # prose is hard to read wider than this, however wide the terminal


def make_console(stderr: bool = False, color: str = "auto") -> Console:
    """The one place a Console is made: no markup, no emoji, no highlighting of our text.

    color: auto (rich's reading of the terminal, NO_COLOR, FORCE_COLOR, TERM=dumb), always (styles
    even into a pipe; NO_COLOR still removes colour), never (no escape codes at all).
    """
    extra: dict = {}
    if color == "always":
        extra = {"force_terminal": True}
    elif color == "never":
        extra = {"color_system": None}
    console = Console(file=sys.stderr if stderr else sys.stdout, theme=THEME, markup=False, emoji=False,
                      highlight=False, **extra)
    console.width = min(console.width, MAX_WIDTH)
    return console


def print_report(kind: str, report: dict, show_sources: bool, console: Console | None = None,
                 color: str = "auto") -> None:
    console = console or make_console(color=color)
    parts = RENDERERS[kind](report)
    if show_sources and report.get("sources"):
        parts.append(sources_view(report["sources"]))
    for i, part in enumerate(parts):
        if i and kind not in ("check", "setup"):
            console.print()
        print_trimmed(console, part)


def print_trimmed(console: Console, part) -> None:
    """Print without cropping and without the padding rich puts at the ends of lines."""
    if isinstance(part, Verbatim):
        lines = [[Segment(line, console.get_style(part.style) if part.style else None)]
                 for line in part.text.plain.split("\n")]
    else:
        lines = Segment.split_lines(console.render(part, console.options))
    out: list[Segment] = []
    for line in lines:
        out += _rstrip(list(line))
        out.append(Segment.line())
    console.print(Segments(out), crop=False)


def _rstrip(line: list[Segment]) -> list[Segment]:
    while line and not line[-1].control and not line[-1].text.strip():
        line.pop()
    if line and not line[-1].control:
        last = line[-1]
        line[-1] = Segment(last.text.rstrip(), last.style)
    return line


def lang_long(report: dict) -> list:
    language = report["language"]
    out: list = [_lang_head(report)]
    rows = []
    for item in report["supported"]:
        rows.append((_head(item["name"], item["type"], _via(item["methods"])), _kv(
            (L.SHOWS, item["measures"]),
            (L.WHEN, item["when_to_use"]),
            (L.TURN_ON, _enable(item["enable"])),
            (L.QUERY, _ids(item["ids"], notes=True)),
            *_method_notes(item["methods"]),
        )))
    out.append(Rows((L.TYPE, L.DETAILS), rows))
    legend = _legend(marks_in(report["supported"]))
    if legend:
        out.append(legend)
    if report["unsupported"]:
        missing = [f"{u['name']} ({u['type']})" + (f": {', '.join(u['languages'])}" if u["languages"] else "")
                   for u in report["unsupported"]]
        out.append(_notes(L.NOT_IN.format(name=language["name"], version=report["pyroscope"]), missing))
    if language["notes"]:
        out.append(_notes(L.NOTES, language["notes"]))
    return out


def _lang_head(report: dict) -> Flow:
    language = report["language"]
    spans = [Span(f"{language['name']} ({language['id']}), Pyroscope {report['pyroscope']}", "title")]
    spans += [Span("\n"), Span(language["summary"], "muted")]
    if language.get("sdk_checked"):  # its own line: the first line stays the heading alone
        spans += [Span("\n"), Span(L.SDK_CHECKED.format(release=language["sdk_checked"]), "muted")]
    return Flow(*spans)


def lang(report: dict) -> list:
    return [LangSummary(report, _lang_head(report))]


def symptom(report: dict) -> list:
    from .symptom import render  # the symptom answer has its own module

    return render(report)


def type_(report: dict) -> list:
    t = report["type"]
    head = Flow(Span(f"{t['name']} ({t['id']}), Pyroscope {report['pyroscope']}", "title"),
                Span(f"  {L.EXPERIMENTAL}", "warn") if t["experimental"] else "")
    facts = []
    for label, value in ((L.UNIT, t["unit"]), (L.KIND, L.KINDS[t["kind"]]), (L.MEASURES, t["measures"]),
                         (L.WHEN, t["when_to_use"]), (L.FLAMEGRAPH, t["flamegraph_insight"]),
                         (L.CAUTION, t["caution"]), (L.CANNOT, "\n".join(f"- {c}" for c in t["cannot_show"])),
                         (L.OVERHEAD, t["overhead"]), (L.IF_EMPTY, t["if_empty"]),
                         (L.SEE_ALSO, ", ".join(t["see_also"]))):
        if value:
            facts.append((Flow(Span(label, "label")), Flow(Span(value), indent=2 if label == L.CANNOT else 0)))
    out: list = [head, Rows(("", ""), facts, headers_shown=False, stacked_gap=False, min_width=50, inline=True)]
    if t["per_language"]:
        rows = []
        for item in t["per_language"]:
            rows.append((Flow(token(item["name"], "type.name"), Span("\n"), Span(_via(item["methods"]), "muted")),
                         _kv((L.TURN_ON, _enable(item["enable"])), (L.QUERY, _ids(item["ids"], notes=True)))))
        out.append(Rows((L.LANGUAGE, L.DETAILS), rows))
        legend = _legend(marks_in(t["per_language"]))
        if legend:
            out.append(legend)
    else:
        versions = ", ".join(t["in_versions"]) or "-"
        out.append(Flow(Span(L.TYPE_ABSENT.format(version=report["pyroscope"], versions=versions), "warn")))
    out.append(Flow(Span(L.TYPE_MORE + " ", "muted"), token("pyroadvise list types", "code")))
    return out


def matrix(report: dict) -> list:
    view = MatrixView(report)
    entries = [Span(("\n" if i else "") + entry, "muted") for i, entry in enumerate(L.MATRIX_LEGEND.split("   "))]
    legend = Flow(*entries, Span("\n"), Span(report["layout"], "muted"))  # an entry a line
    out: list = [view, legend]
    if view.notes:
        out.append(Flow(*[Span(("\n" if i > 1 else "") + f"[{i}] {n}") for i, n in enumerate(view.notes, 1)],
                        indent=4))
    return out


def diff(report: dict) -> list:
    rows = []
    for change in report["changes"]:
        rows.append((Flow(token(change["language_name"], "type.name")), Flow(
            Span(f"{change['name']} ("), token(change["type"], "type.id"), Span(f") {L.CHANGES[change['change']]}: "),
            Span(f"{report['from']} {_methods_text(change['before'])}, {report['to']} {_methods_text(change['after'])}"))))
    title = Flow(Span(L.DIFF_TITLE.format(old=report["from"], new=report["to"]), "title"))
    out: list = [title, Rows((L.LANGUAGE, L.CHANGE), rows, stacked_gap=False) if report["changes"]
                 else Flow(Span(L.NO_CHANGES))]
    if report["notes"]:
        out.append(_notes(L.WHAT_CHANGED, report["notes"]))
    return out


def _methods_text(via: list[dict]) -> str:
    return ", ".join(L.METHOD_NAMES.get(v["method"], v["method"]) +
                     (f" ({L.SOURCE_ONLY})" if v["status"] == "source-only" else "") for v in via) or "-"


def listing(report: dict) -> list:
    kind = next(k for k in ("languages", "types", "symptoms") if k in report)
    if kind == "languages":
        rows = []
        for item in report[kind]:
            spans: list = [Span(item["name"], "type.name"), Span(f"  {L.ALIASES}:")]
            for n, alias in enumerate(item["aliases"]):
                spans += [Span(" "), token(alias + ("," if n < len(item["aliases"]) - 1 else ""), None)]
            if item.get("sdk_checked"):
                spans.append(Span(f"  {L.CHECKED}: {item['sdk_checked']}", "muted"))
            rows.append((Flow(token(item["id"], "type.id")), Flow(*spans, indent=2)))
        return [Rows((L.ID, L.NAME), rows, stacked_gap=False)]
    rows = []
    for item in report[kind]:
        if kind == "types":
            langs = item["languages"]
            spans = [Span(item["name"], "type.name"), Span(f"  {L.UNIT}: {item['unit']}  {L.LANGUAGES}:")]
            spans += [s for i, lang in enumerate(langs or ["-"])
                      for s in (Span(" "), token(lang + ("," if i < len(langs) - 1 else ""), None))]
        else:
            spans = [Span(item["name"], "type.name"), Span(f"  {L.CATEGORY}: {item['category']}")]
        rows.append((Flow(token(item["id"], "type.id")), Flow(*spans, indent=2)))
    return [Rows((L.ID, L.DETAILS), rows, stacked_gap=False)]


def setup(report: dict) -> list:
    head = Verbatim(Text(setup_title(report)), "muted")
    rows = [(Flow(token(step["type"], "type.id")), _kv((L.TURN_ON, _enable([step | {"method": ""}])),
                                                      (L.HOW, step["how"]))) for step in report["steps"]]
    body = Verbatim(Text(report["snippet"])) if report["snippet"] else Flow(Span(L.NO_SNIPPET, "warn"))
    return [head, body, Text(""), Rows((L.PROFILE_TYPE, L.DETAILS), rows, stacked_gap=False)]


def setup_title(report: dict) -> str:
    """The title line, as a comment of the snippet's own language, so that copying it along is harmless."""
    text = f"{report['language']['name']}, {report['method']['name']}: {', '.join(report['types'])}"
    return comment(report.get("syntax"), text)


def check(report: dict) -> list:
    out: list = [Verbatim(Text(f"{p['code']} {p['where']} {p['message']}")) for p in report["problems"]]
    template = L.CHECK_OK if report["ok"] else L.CHECK_BAD.replace("{count}", str(len(report["problems"])))
    before, after = template.split("{directory}")
    style = "status.documented" if report["ok"] else "warn"
    out.append(Flow(Span(before, style), token(report["catalog"], style), Span(after, style)))  # the path whole
    return out


def _observed(source: dict) -> str | None:
    seen = source.get("observed")
    return L.OBSERVED.format(sdk=seen["sdk"], versions=", ".join(seen["versions"])) if seen else None


def sources_view(sources: list[dict]) -> Flow:
    spans: list = [Span(L.SOURCES, "title")]
    for source in sources:
        spans += [Span("\n"), Span(f"{source['title']} ({source['id']}, {source['kind']})", "type.name")]
        links = source_links(source)
        spans += [Span("\n  "), Span(source["where"], "muted")]
        for url in links:
            spans += [Span("\n  "), token(url, "link", link=url)]
        observed = _observed(source)
        if observed:
            spans += [Span("\n  "), Span(observed)]
    return Flow(*spans, indent=2)


RENDERERS = {"lang": lang, "lang-long": lang_long, "symptom": symptom, "type": type_, "matrix": matrix,
             "diff": diff, "list": listing, "setup": setup, "check": check}

__all__ = ["THEME", "make_console", "print_report", "flow_of"]
