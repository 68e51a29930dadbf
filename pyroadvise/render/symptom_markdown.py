"""The symptom answer as GitHub-flavoured Markdown (plain strings, no rich)."""

from __future__ import annotations

from . import labels as L
from . import symptom_labels as S
from .mdparts import _bullets, _code, _enable, _ids, _sources


def render(report: dict, show_sources: bool) -> str:
    sym = report["symptom"]
    lang = report["language"]
    where = f"{lang['name']}, " if lang else ""
    out = f"# {sym['name']} ({_code(sym['id'])})\n\n{where}Pyroscope {report['pyroscope']}; " \
          f"{S.CONFIDENCE} {report['confidence']}\n\n"
    if lang and lang["from"] == "text":
        out += S.FROM_TEXT.format(name=lang["name"], cues=", ".join(f"'{c}'" for c in lang["cues"])) + "\n\n"
    if report["other_matches"]:
        title = S.LOW_CONFIDENCE if report["confidence"] == "low" else S.ALSO_CLOSE
        out += _bullets(title.rstrip(":"), [f"{o['name']}: {_code(o['command'])}" for o in report["other_matches"]])
    if report["triage"]:
        out += _bullets(S.TRIAGE, [(", ".join(_code(t) for t in b["types"]) + ": " if b["types"] else "") + b["if"]
                                   for b in report["triage"]])
    for rank, rec in enumerate(report["recommendations"], 1):
        out += f"{rank}. **{rec['name']}** ({_code(rec['type'])}): {rec['why']}\n"
        out += f"   - {L.FLAMEGRAPH}: {rec['flamegraph_insight']}\n"
        if "enable" in rec:
            out += f"   - {L.TURN_ON}: {_enable(rec['enable']).replace('<br>', '; ')}\n"
            out += f"   - {L.QUERY}: {_ids(rec['ids']).replace('<br>', ', ')}\n"
    if report["recommendations"]:
        top = report["recommendations"][0]
        out += f"\n**{S.CAUTION} ({top['name']}):** {top['caution']}\n"
    else:
        out += L.NO_PROFILE.format(name=lang["name"], version=report["pyroscope"]) + "\n"
    out += "\n"
    if report["unavailable"]:
        out += _bullets(L.MISSING.format(name=lang["name"]), [
            f"{u['name']} ({_code(u['type'])})" + (f": {L.USE_INSTEAD} {u['alternative']['name']}"
                                                   if u["alternative"]["type"] else "")
            for u in report["unavailable"]
        ])
    if report["beyond"]:
        out += f"**{L.BEYOND}:** {report['beyond']}\n"
    if "explain" in report:
        out += "\n" + _bullets(S.EXPLAIN, [
            S.EXPLAIN_SIGNAL.format(**m) if m["signal"] else S.EXPLAIN_WORD.format(**m) for m in report["matched"]
        ] + [S.EXPLAIN_RANKING.format(ranking=", ".join(f"{r['id']} {r['score']}"
                                                          for r in report["explain"]["ranking"]))])
    return out + _sources(report, show_sources)
