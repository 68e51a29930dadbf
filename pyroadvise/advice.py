"""The answers pyroadvise gives, as plain data: one report per command.

A report is a dict that is exactly the command's JSON output; the table and Markdown renderers read
the same dict. Nothing here imports Typer or rich.
"""

from __future__ import annotations

from . import lookup
from . import model as m
from .errors import UsageProblem, shown
from .matrix import available_types, languages_with


def _sources(catalog: m.Catalog, *groups) -> list[dict]:
    refs = dict.fromkeys(ref for group in groups for ref in group)  # first mentions, in order
    return [_source(catalog.sources[s]) for s in refs if s in catalog.sources]


def _source(source: m.Source) -> dict:
    observed = source.observed
    return source._asdict() | {"observed": observed and {"sdk": observed.sdk, "versions": list(observed.versions)}}


def _methods(have: list[tuple[m.Column, m.Cell]]) -> list[dict]:
    return [
        {"column": col.id, "name": col.name, "method": col.method, "status": m.STATUS_NAMES[cell.status],
         "note": cell.note}
        for col, cell in have
    ]


def _status(have: list[tuple[m.Column, m.Cell]]) -> str:
    documented = any(cell.status == m.DOCUMENTED for _, cell in have)
    return m.STATUS_NAMES[m.DOCUMENTED if documented else m.SOURCE_ONLY]


def _ids(catalog: m.Catalog, entry: m.LanguageType) -> list[dict]:
    return [
        {"id": pid.id, "evidence": pid.evidence, "note": pid.note,
         "query": None if pid.id == "unknown" else catalog.query_hint.replace("{id}", pid.id)}
        for pid in entry.ids
    ]


def _usage(catalog: m.Catalog, lang: m.Language, type_id: str, have: list[tuple[m.Column, m.Cell]]) -> dict:
    """How one language collects one type at one version: methods, enable steps, IDs."""
    entry = lang.types[type_id]
    methods_here = {col.method for col, _ in have}
    return {
        "status": _status(have),
        "methods": _methods(have),
        "enable": [step._asdict() | {"extra": list(step.extra)} for step in entry.enable if step.method in methods_here],
        "ids": _ids(catalog, entry),
        "if_empty": entry.if_empty or catalog.types[type_id].if_empty,
    }


def _language_head(lang: m.Language, version: m.Version) -> dict:
    columns = [col for col in version.columns if col.language == lang.id]
    methods = {col.method for col in columns}
    return {
        "id": lang.id, "name": lang.name, "summary": lang.summary, "sdk_checked": lang.sdk_checked,
        "methods": [{"id": meth.id, "name": meth.name, "package": meth.package}
                    for meth in lang.methods.values() if meth.id in methods],
        "covers": [col.covers for col in columns if col.covers],
        "notes": list(lang.notes),
    }


def _type_head(t: m.ProfileType) -> dict:
    return {"type": t.id, "name": t.name}


def lang_report(catalog: m.Catalog, name: str, version_name: str | None) -> dict:
    lang = lookup.language(catalog, name)
    version = lookup.version(catalog, version_name)
    have = available_types(version, lang.id)
    supported, unsupported, refs = [], [], [lang.sources, version.sources]
    for type_id in version.rows:
        t = catalog.types[type_id]
        if type_id in have:
            refs.append(lang.types[type_id].sources)
            supported.append(_type_head(t) | {
                "measures": t.measures, "when_to_use": t.when_to_use, "flamegraph_insight": t.flamegraph_insight,
                "caution": t.caution,
            } | _usage(catalog, lang, type_id, have[type_id]))
        else:
            unsupported.append(_type_head(t) | {"languages": languages_with(version, type_id)})
    return {
        "pyroscope": version.id,
        "query": name,
        "language": _language_head(lang, version),
        "supported": supported,
        "unsupported": unsupported,
        "sources": _sources(catalog, *refs),
    }


def symptom_report(catalog: m.Catalog, text: str, lang_name: str | None, version_name: str | None,
                   explain: bool = False) -> dict:
    version = lookup.version(catalog, version_name)
    lang = lookup.language(catalog, lang_name) if lang_name is not None else None
    found = _match_symptom(catalog, text, lang.id if lang else None)
    symptom = catalog.symptoms[found.symptom]
    if lang is None and found.language:
        lang = catalog.languages[found.language]
    recommendations, unavailable, beyond, refs = _answer_for(catalog, version, symptom, lang)
    report = {
        "pyroscope": version.id,
        "query": text,
        "language": ({"id": lang.id, "name": lang.name, "from": found.language_from, "cues": list(found.cues)}
                     if lang else None),
        "symptom": {"id": symptom.id, "name": symptom.name, "category": symptom.category},
        "confidence": found.confidence,
        "matched": list(found.matched),
        "triage": _triage(catalog, version, symptom, lang),
        "other_matches": [_other(catalog.symptoms[s], lang) for s in found.others],
        "recommendations": recommendations,
        "unavailable": unavailable,
        "beyond": beyond,
        "sources": _sources(catalog, *refs),
    }
    if explain:
        report["explain"] = {"ranking": [{"id": r.symptom, "score": r.score, "phrase": r.phrase,
                                          "coverage": r.coverage} for r in found.ranked[:5]]}
    return report


def _answer_for(catalog: m.Catalog, version: m.Version, symptom: m.Symptom, lang: m.Language | None):
    """Recommendations (best first), what would help but is missing, the beyond text, the sources."""
    entry = symptom.languages.get(lang.id) if lang else None
    ranking = entry.suggest if entry and entry.suggest is not None else symptom.suggest
    beyond = (entry.beyond if entry else None) or symptom.beyond
    refs = [symptom.sources]
    recommendations, unavailable = [], []
    if lang:
        have = available_types(version, lang.id)
        for suggestion in ranking:
            t = catalog.types[suggestion.type]
            if suggestion.type in have:
                refs.append(lang.types[suggestion.type].sources)
                recommendations.append(_recommendation(t, suggestion) | _usage(catalog, lang, t.id, have[t.id]))
            elif not recommendations:
                unavailable.append(_type_head(t) | {"why": suggestion.why})
        best = recommendations[0] if recommendations else None
        alternative = ({"type": best["type"], "name": best["name"], "text": None} if best
                       else {"type": None, "name": None, "text": beyond})
        unavailable = [u | {"alternative": alternative} for u in unavailable]
    else:
        for suggestion in ranking:
            holders = languages_with(version, suggestion.type)
            if holders:
                recommendations.append(_recommendation(catalog.types[suggestion.type], suggestion) |
                                       {"languages": holders})
    return recommendations, unavailable, beyond, refs


def _triage(catalog: m.Catalog, version: m.Version, symptom: m.Symptom, lang: m.Language | None) -> list[dict]:
    """For a vague question: each branch's condition and the first types of the symptom it leads to."""
    out = []
    for branch in symptom.triage:
        recs = _answer_for(catalog, version, catalog.symptoms[branch.symptom], lang)[0]
        out.append({"if": branch.condition, "symptom": branch.symptom, "types": [r["type"] for r in recs[:3]]})
    return out


def _other(symptom: m.Symptom, lang: m.Language | None) -> dict:
    command = f"pyroadvise symptom {symptom.id}" + (f" --lang {lang.id}" if lang else "")
    return {"id": symptom.id, "name": symptom.name, "command": command}


def _recommendation(t: m.ProfileType, suggestion: m.Suggestion) -> dict:
    return _type_head(t) | {"why": suggestion.why, "flamegraph_insight": t.flamegraph_insight, "caution": t.caution}


def _match_symptom(catalog: m.Catalog, text: str, lang_id: str | None):
    from .symptoms import answer, has_words

    if not has_words(text):
        raise UsageProblem(
            "Describe the symptom in a few words.",
            ['For example: pyroadvise symptom "memory keeps growing" --lang go',
             "See every symptom: pyroadvise list symptoms"],
        )
    found = answer(catalog, text, lang_id)
    if found.symptom is None and found.others:
        lang = catalog.languages[found.language]
        other = catalog.symptoms[found.others[0]]
        owners = " or ".join(catalog.languages[r].name for r in other.runtimes)
        raise UsageProblem(f"'{shown(text)}' reads as '{other.name}', which belongs to {owners}, not {lang.name}.",
                           [f"For {owners}: pyroadvise symptom {other.id} --lang {other.runtimes[0]}",
                            f"For {lang.name}, describe what you see (slow requests, high CPU, memory growing...).",
                            "See every symptom: pyroadvise list symptoms"])
    if found.symptom is None:
        hints = []
        if found.language:
            name = catalog.languages[found.language].name
            hints.append(f"Advising for {name} needs a symptom too, e.g. memory keeps growing, high CPU, slow requests.")
        raise UsageProblem(f"No symptom matches '{shown(text)}'.",
                           ["It holds no word the symptom catalog knows."] + hints +
                           ["See every symptom: pyroadvise list symptoms"])
    return found


def type_report(catalog: m.Catalog, name: str, version_name: str | None) -> dict:
    t = lookup.profile_type(catalog, name)
    version = lookup.version(catalog, version_name)
    per_language, refs = [], [t.sources]
    for lang_id in languages_with(version, t.id):
        lang = catalog.languages[lang_id]
        refs.append(lang.types[t.id].sources)
        have = available_types(version, lang_id)[t.id]
        per_language.append({"language": lang.id, "name": lang.name} | _usage(catalog, lang, t.id, have))
    body = t._asdict() | {"cannot_show": list(t.cannot_show), "see_also": list(t.see_also)}
    del body["sources"]
    return {
        "pyroscope": version.id,
        "query": name,
        "type": body | {
            "languages": [p["language"] for p in per_language],
            "in_versions": [v.id for v in catalog.versions.values() if t.id in v.rows],
            "per_language": per_language,
        },
        "sources": _sources(catalog, *refs),
    }


def matrix_report(catalog: m.Catalog, version_name: str | None) -> dict:
    version = lookup.version(catalog, version_name)
    rows = []
    for type_id, cells in version.rows.items():
        pairs = list(zip(version.columns, cells))
        rows.append(_type_head(catalog.types[type_id]) | {
            "supported": [col.id for col, cell in pairs if cell.status != m.NONE],
            "source_only": [col.id for col, cell in pairs if cell.status == m.SOURCE_ONLY],
            "notes": {col.id: cell.note for col, cell in pairs if cell.note},
        })
    return {
        "pyroscope": version.id,
        "title": version.title,
        "layout": version.layout,
        "columns": [col._asdict() for col in version.columns],
        "rows": rows,
        "sources": _sources(catalog, version.sources),
    }


def diff_report(catalog: m.Catalog, old_name: str, new_name: str | None) -> dict:
    old = lookup.version(catalog, old_name)
    new = lookup.version(catalog, new_name)
    if old.id == new.id:
        raise UsageProblem(f"Both sides of the comparison are Pyroscope {old.id}.",
                           [f"Compare two different versions: {', '.join(catalog.versions)}."])
    changes = []
    for lang_id, lang in catalog.languages.items():
        before, after = available_types(old, lang_id), available_types(new, lang_id)
        for type_id in _union(old.rows, new.rows):
            was, now = _via(before.get(type_id, [])), _via(after.get(type_id, []))
            if was == now:
                continue
            change = "added" if not was else "removed" if not now else "changed"
            changes.append({"language": lang_id, "language_name": lang.name, "type": type_id,
                            "name": catalog.types[type_id].name, "change": change, "before": was, "after": now})
    return {
        "from": old.id,
        "to": new.id,
        "changes": changes,
        "notes": list(new.changes) if _order(catalog, new) > _order(catalog, old) else list(old.changes),
        "sources": _sources(catalog, old.sources, new.sources),
    }


def _via(have: list[tuple[m.Column, m.Cell]]) -> list[dict]:
    """Collection methods and their status, one per method (the best status wins)."""
    best: dict[str, str] = {}
    for col, cell in have:
        if best.get(col.method) != m.DOCUMENTED:
            best[col.method] = cell.status
    return [{"method": meth, "status": m.STATUS_NAMES[status]} for meth, status in sorted(best.items())]


def _union(*orders) -> list[str]:
    return list(dict.fromkeys(k for order in orders for k in order))


def _order(catalog: m.Catalog, version: m.Version) -> int:
    return list(catalog.versions).index(version.id)


def list_report(catalog: m.Catalog, kind: str, version_name: str | None) -> dict:
    version = lookup.version(catalog, version_name)
    if kind == "languages":
        items = [{"id": lang.id, "name": lang.name, "aliases": list(lang.aliases), "summary": lang.summary,
                  "sdk_checked": lang.sdk_checked, "types": list(available_types(version, lang.id))}
                 for lang in catalog.languages.values()]
    elif kind == "types":
        items = [{"id": t.id, "name": t.name, "unit": t.unit, "kind": t.kind, "experimental": t.experimental,
                  "languages": languages_with(version, t.id)}
                 for t in catalog.types.values() if t.id in version.rows]
    else:
        items = [{"id": s.id, "name": s.name, "category": s.category, "phrases": list(s.phrases)}
                 for s in catalog.symptoms.values()]
    return {"pyroscope": version.id, kind: items}
