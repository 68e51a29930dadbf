"""The symptom answer as a terminal table (rich): heading, language, alternatives, the ranked types.

Most important first: what was understood (symptom, language, confidence), then the types to open,
the main trap of the top one (its caution), then what lies beyond Pyroscope. ``--explain`` adds the
evidence: the words and signals that decided, and the ranking.
"""

from __future__ import annotations

from rich.text import Text

from . import labels as L
from . import symptom_labels as S
from .parts import _enable, _ids, _kv, _method_notes, _type_cell, _type_line, _via
from .parts import notes as _notes
from .widgets import Flow, Rows, Span, token


def heading(report: dict) -> list:
    sym = report["symptom"]
    head = Text(sym["name"], style="title")
    lang = report["language"]
    where = f"{lang['name']}, " if lang else ""
    head.append(f"\n{L.SYMPTOM} {sym['id']}; {where}Pyroscope {report['pyroscope']}; "
                f"{S.CONFIDENCE} {report['confidence']}", style="muted")
    out: list = [head]
    if lang and lang["from"] == "text":
        cues = ", ".join(f"'{c}'" for c in lang["cues"])
        out.append(Text(S.FROM_TEXT.format(name=lang["name"], cues=cues), style="warn"))
    return out


def alternatives(report: dict) -> list:
    others = report["other_matches"]
    if not others:
        return []
    spans: list = [Span(S.LOW_CONFIDENCE if report["confidence"] == "low" else S.ALSO_CLOSE, "muted")]
    for other in others:  # the command is copied: never broken across lines
        spans += [Span("\n- "), Span(other["name"] + ":"), Span(" "), token(other["command"])]
    return [Flow(*spans, indent=2)]


def triage(report: dict) -> list:
    if not report["triage"]:
        return []
    spans: list = [Span(S.TRIAGE, "title")]
    for branch in report["triage"]:
        spans.append(Span("\n- "))
        for n, type_id in enumerate(branch["types"]):
            last = n == len(branch["types"]) - 1
            spans += [token(type_id + (":" if last else ","), "type.id"), Span(" ")]
        spans.append(Span(branch["if"]))
    return [Flow(*spans, indent=2)]


def recommendations(report: dict) -> list:
    if not report["recommendations"]:
        return [Text(L.NO_PROFILE.format(name=report["language"]["name"], version=report["pyroscope"]),
                     style="warn")]
    rows = []
    for rank, rec in enumerate(report["recommendations"], 1):
        via = _via(rec["methods"]) if "methods" in rec else ", ".join(rec["languages"])
        rows.append(([Text(f"{rank}."), _type_cell(rec, via)], _type_line(rec, via, rank), _kv(
            (L.WHY, rec["why"]),
            (L.FLAMEGRAPH, rec["flamegraph_insight"]),
            (L.TURN_ON, _enable(rec["enable"]) if "enable" in rec else None),
            (L.QUERY, _ids(rec["ids"]) if "ids" in rec else None),
            *_method_notes(rec.get("methods", [])),
        )))
    top = report["recommendations"][0]
    return [Rows(("#", L.TYPE, L.DETAILS), rows), _kv((f"{S.CAUTION} ({top['name']})", top["caution"]))]


def unavailable(report: dict) -> list:
    if not report["unavailable"]:
        return []
    lines = []
    for u in report["unavailable"]:
        alt = u["alternative"]
        lines.append(f"{u['name']} ({u['type']})" + (f": {L.USE_INSTEAD} {alt['name']} ({alt['type']})"
                                                      if alt["type"] else ""))
    return [_notes(L.MISSING.format(name=report["language"]["name"]), lines)]


def explain(report: dict) -> list:
    if "explain" not in report:
        return []
    text = Text(S.EXPLAIN, style="title")
    for item in report["matched"]:
        text.append("\n- ")
        text.append(S.EXPLAIN_SIGNAL.format(**item) if item["signal"] else S.EXPLAIN_WORD.format(**item))
    ranking = report["explain"]["ranking"]
    if ranking:
        text.append("\n")
        text.append(S.EXPLAIN_RANKING.format(ranking=", ".join(f"{r['id']} {r['score']}" for r in ranking)))
        text.append("\n")
        text.append(S.EXPLAIN_PHRASE.format(**ranking[0]), style="muted")
    return [text]


def render(report: dict) -> list:
    out = heading(report) + alternatives(report) + triage(report) + recommendations(report) + unavailable(report)
    if report["beyond"]:
        out.append(_kv((L.BEYOND, report["beyond"])))
    return out + explain(report)
