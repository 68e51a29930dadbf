"""GitHub-flavoured Markdown output, built as plain strings (no rich)."""

from __future__ import annotations

from . import labels as L
from .mdparts import _bullets, _cell, _code, _enable, _ids, _observed, _sources, _table, _via  # noqa: F401
from .plain import SHOWN_EVIDENCE, primary_step, setting


def _lang_head(report: dict) -> str:
    lang_ = report["language"]
    checked = f"{L.SDK_CHECKED.format(release=lang_['sdk_checked'])}\n\n" if lang_.get("sdk_checked") else ""
    return f"# {lang_['name']} ({lang_['id']}), Pyroscope {report['pyroscope']}\n\n{lang_['summary']}\n\n{checked}"


def lang(report: dict, show_sources: bool) -> str:
    """The summary: one row per type (setting and default, first query ID), what it lacks, the notes."""
    lang_ = report["language"]
    method = lang_["methods"][0]["id"] if lang_["methods"] else None
    head = [h.format(method=L.METHOD_NAMES.get(method, method or "")) for h in L.SUMMARY_HEAD]
    rows = []
    for item in report["supported"]:
        step = primary_step(item, method)
        first = item["ids"][0] if item["ids"] else None
        enable = f"{_code(setting(step))} ({L.DEFAULT} {step['default']})" if step else ""
        ids = (_ids([first]) + (" " + L.MORE_IDS.format(count=len(item["ids"]) - 1) if len(item["ids"]) > 1 else "")
               if first else "")
        rows.append([_code(item["type"]), enable, ids])
    out = _lang_head(report) + _table(head, rows)
    if report["unsupported"]:
        out += (f"\n**{L.LACKS.format(version=report['pyroscope'])}** "
                + ", ".join(_code(u["type"]) for u in report["unsupported"]) + "\n\n")
    if lang_["notes"]:
        out += _bullets(L.NOTES, lang_["notes"])
    out += f"{L.SEE_MORE} {_code('pyroadvise lang ' + lang_['id'] + ' --long')}\n"
    return out + _sources(report, show_sources)


def lang_long(report: dict, show_sources: bool) -> str:
    lang_ = report["language"]
    out = _lang_head(report)
    out += _table([L.TYPE, "Via", L.SHOWS, L.WHEN, L.TURN_ON, L.QUERY], [
        [f"{i['name']} ({_code(i['type'])})", _via(i["methods"]), i["measures"], i["when_to_use"],
         _enable(i["enable"]), _ids(i["ids"])] for i in report["supported"]
    ])
    if report["unsupported"]:
        out += "\n" + _bullets(L.NOT_IN.format(name=lang_["name"], version=report["pyroscope"]), [
            f"{u['name']} ({_code(u['type'])})" + (f": {', '.join(u['languages'])}" if u["languages"] else "")
            for u in report["unsupported"]
        ])
    if lang_["notes"]:
        out += _bullets(L.NOTES, lang_["notes"])
    return out + _sources(report, show_sources)


def symptom(report: dict, show_sources: bool) -> str:
    from .symptom_markdown import render  # the symptom answer has its own module

    return render(report, show_sources)


def type_(report: dict, show_sources: bool) -> str:
    t = report["type"]
    out = f"# {t['name']} ({_code(t['id'])}), Pyroscope {report['pyroscope']}\n\n"
    rows = [(L.UNIT, t["unit"]), (L.KIND, L.KINDS[t["kind"]]), (L.MEASURES, t["measures"]),
            (L.WHEN, t["when_to_use"]), (L.FLAMEGRAPH, t["flamegraph_insight"]), (L.CAUTION, t["caution"]),
            (L.OVERHEAD, t["overhead"]), (L.IF_EMPTY, t["if_empty"])]
    out += "".join(f"- **{label}:** {value}\n" for label, value in rows)
    out += "\n" + _bullets(L.CANNOT, t["cannot_show"])
    if t["per_language"]:
        out += _table([L.LANGUAGE, "Via", L.TURN_ON, L.QUERY], [
            [p["name"], _via(p["methods"]), _enable(p["enable"]), _ids(p["ids"])] for p in t["per_language"]
        ])
    else:
        out += L.TYPE_ABSENT.format(version=report["pyroscope"], versions=", ".join(t["in_versions"]) or "-") + "\n"
    return out + _sources(report, show_sources)


def matrix(report: dict, show_sources: bool) -> str:
    headers = [L.PROFILE_TYPE] + [c["name"] for c in report["columns"]]
    rows = []
    for row in report["rows"]:
        cells = [row["name"]]
        for col in report["columns"]:
            mark = ""
            if col["id"] in row["supported"]:
                mark = L.CELL_SOURCE_ONLY if col["id"] in row["source_only"] else L.CELL_YES
            cells.append(mark)
        rows.append(cells)
    out = f"# Pyroscope {report['pyroscope']}: {report['title']}\n\n" + _table(headers, rows)
    out += f"\n{L.MATRIX_LEGEND}\n\n{report['layout']}\n"
    return out + _sources(report, show_sources)


def diff(report: dict, show_sources: bool) -> str:
    out = f"# {L.DIFF_TITLE.format(old=report['from'], new=report['to'])}\n\n"
    if report["changes"]:
        out += _table([L.LANGUAGE, L.PROFILE_TYPE, L.CHANGE, report["from"], report["to"]], [
            [c["language_name"], f"{c['name']} ({_code(c['type'])})", L.CHANGES[c["change"]],
             _via(c["before"]) or "-", _via(c["after"]) or "-"] for c in report["changes"]
        ])
    else:
        out += L.NO_CHANGES + "\n"
    if report["notes"]:
        out += "\n" + _bullets(L.WHAT_CHANGED, report["notes"])
    return out + _sources(report, show_sources)


def listing(report: dict, show_sources: bool) -> str:
    if "languages" in report:
        return _table([L.ID, L.NAME, L.ALIASES, L.CHECKED], [
            [_code(i["id"]), i["name"], ", ".join(i["aliases"]), i.get("sdk_checked") or ""]
            for i in report["languages"]])
    if "types" in report:
        return _table([L.ID, L.NAME, L.UNIT, L.LANGUAGES], [
            [_code(i["id"]), i["name"], i["unit"], ", ".join(i["languages"])] for i in report["types"]])
    return _table([L.ID, L.NAME, L.CATEGORY], [[_code(i["id"]), i["name"], i["category"]] for i in report["symptoms"]])


def setup(report: dict, show_sources: bool) -> str:
    out = f"# {report['language']['name']}, {report['method']['name']}: {', '.join(report['types'])}\n\n"
    if report["snippet"]:
        out += f"```{report['syntax']}\n{report['snippet']}\n```\n\n"
    out += _table([L.PROFILE_TYPE, L.TURN_ON, L.HOW], [
        [_code(s["type"]), _enable([s]), s["how"]] for s in report["steps"]])
    return out + _sources(report, show_sources)


def check(report: dict, show_sources: bool) -> str:
    lines = [f"- `{p['code']}` {p['where']} {p['message']}" for p in report["problems"]]
    summary = (L.CHECK_OK.format(directory=report["catalog"]) if report["ok"]
               else L.CHECK_BAD.format(count=len(report["problems"]), directory=report["catalog"]))
    return "\n".join(lines + [summary]) + "\n"


RENDERERS = {"lang": lang, "lang-long": lang_long, "symptom": symptom, "type": type_, "matrix": matrix, "diff": diff, "list": listing,
             "setup": setup, "check": check}
