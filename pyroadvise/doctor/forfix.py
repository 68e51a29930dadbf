"""`doctor --for "<symptom>"`: for each service, the profile types that answer the symptom, whether
they are on, and the lines to add, placed at the file doctor found. Doctor never writes files.

Symptom matching goes through ``answers()`` only, so it can be pointed at another matcher in one place.
Snippets and lines come from the catalog's enable steps, through ``pyroadvise.setup``.
"""

from __future__ import annotations

from ..errors import PyroadviseError
from .model import Context, Finding, TypeState, Where



def answers(catalog, text: str, language: str | None) -> dict:
    """The symptom matched for ``text`` and the types that answer it for ``language`` (ranked), via the
    symptom engine's public report. Raises UsageProblem when nothing matches."""
    from ..advice import symptom_report

    report = symptom_report(catalog, text, language, None)
    types = [r["type"] for r in report["recommendations"]]
    return {"symptom": report["symptom"], "types": types}


def _answers(ctx: Context, language: str | None) -> dict:
    cache = ctx.__dict__.setdefault("_answers", {})
    if language not in cache:
        cache[language] = answers(ctx.catalog, ctx.for_text, language)
    return cache[language]


def findings(ctx: Context, states: dict) -> list[Finding]:
    """PD801 for services only eBPF profiles, when the symptom needs more than CPU."""
    out = []
    overall = _answers(ctx, None)  # raises for an unknown symptom before anything is printed
    for service in ctx.services:
        if service.language != "ebpf":
            continue
        collects = set(ctx.doctor.keys["ebpf"]["types"])
        wanted = [t for t in overall["types"] if t not in collects]
        if wanted and overall["types"][0] not in collects:
            method = service.methods[0]
            out.append(Finding("PD801", service.name, method.where, types=tuple(wanted), values={
                "wanted": overall["symptom"]["name"].lower(), "types_text": " ".join(wanted[:3])}))
    return out


def plan(ctx: Context, report: dict) -> dict:
    overall = _answers(ctx, None)
    out = {"query": ctx.for_text, "symptom": overall["symptom"], "services": []}
    by_name = {s.name: s for s in ctx.services}
    for entry in report["services"]:
        service = by_name.get(entry["name"])
        if service is None:
            continue
        try:
            wanted = _answers(ctx, service.language)["types"]
        except PyroadviseError:
            wanted = []
        rows = []
        for type_id in wanted:
            state = entry["types"].get(type_id, {"state": "off", "file": None, "line": None})
            emptied = [f["check"] for f in report["findings"] if f["service"] == service.name and
                       type_id in f["types"] and f["level"] == "error"]
            rows.append({"type": type_id, "state": state["state"], "file": state["file"], "line": state["line"],
                         "findings": emptied})
        missing = [r["type"] for r in rows if r["state"] in ("off", "unknown")]
        emptied = [r["type"] for r in rows if r["state"] == "empty-risk"]
        needed = missing + emptied
        out["services"].append({"service": service.name, "language": service.language, "types": rows,
                                "add": _additions(ctx, service, needed, set(missing)) if needed else []})
    return out


def _additions(ctx: Context, service, missing: list[str], listed: set[str]) -> list[dict]:
    """What to add for ``missing`` types: list items only for the types in ``listed`` (the others are
    listed already but come out empty), extra lines for all."""
    from ..setup import setup_report

    catalog = ctx.catalog
    detected = [m.method for m in service.methods]
    language = catalog.languages.get(service.language)
    if language is None:
        return []
    groups: list[tuple[str | None, list[str]]] = []
    for method in detected + [None]:
        try:
            report = setup_report(catalog, service.language, missing, method, None)
        except PyroadviseError:
            continue
        groups.append((report["method"]["id"], report))
        break
    else:
        # No one method collects them all: one addition per type, each with the first method that has it.
        for type_id in missing:
            for method in detected + [None]:
                try:
                    report = setup_report(catalog, service.language, [type_id], method, None)
                except PyroadviseError:
                    continue
                groups.append((report["method"]["id"], report))
                break
    out = []
    for method_id, report in groups:
        item_steps = [s for t in report["types"] if t in listed for s in language.types[t].enable
                      if s.method == method_id]
        items = list(dict.fromkeys(line for s in item_steps if s.item for line in s.item.splitlines()))
        places = _places(ctx, service, method_id)
        if places.get("annotations"):  # pulled by pod annotations: the lines to add are annotations
            items = _annotation_lines(ctx, [t for t in report["types"] if t in listed])
        # Where the extra lines go into the app's own code (Go pull: the rate calls), take them from the
        # method that writes that code (placements: extra_lines_from).
        source_method = places.get("extra_lines_from") or method_id
        extra_steps = [s for t in report["types"] for s in language.types[t].enable if s.method == source_method]
        extra = list(dict.fromkeys(line for s in extra_steps for block in s.extra for line in block.splitlines()))
        if places.get("none"):  # nothing to add to: the whole snippet
            snippet = (report["snippet"] or "").splitlines()
            out.append({"types": report["types"], "method": method_id, "file": None, "line": None,
                        "items": {"where": places["items"], "lines": snippet}, "extra": None,
                        "snippet": report["snippet"], "syntax": report["syntax"]})
            continue
        out.append({"types": report["types"], "method": method_id, "file": places["file"], "line": places["line"],
                    "items": {"where": places["items"], "lines": items} if items else None,
                    "extra": {"where": places["extra"], "lines": extra} if extra else None,
                    "snippet": report["snippet"], "syntax": report["syntax"]})
    return out


def _places(ctx: Context, service, method_id: str) -> dict:
    keys = ctx.doctor.keys["placements"]
    texts = dict(keys["default"])
    texts.update(keys.get(service.language, {}).get(method_id, {}))
    use = next((m for m in service.methods if m.method == method_id), None)
    values = {"file": None, "line": None, "call": "the SDK start call", "component": "the component"}
    has_list = True
    if service.language == "go" and method_id == "sdk":
        code = service.facts.get("go")
        if code is not None and code.starts:
            site = code.starts[0]
            from .ecosystems.go import _alias

            alias = _alias(site, ctx.doctor.keys["go"])
            values.update(file=site.file.source.path, line=site.line, call=f"{alias}.Start")
            if "ProfileTypes" in site.fields:
                values["items_line"] = site.fields["ProfileTypes"][1]
            else:
                has_list = False
    elif use is not None:
        values.update(file=use.where.file, line=use.where.line, component=_component(ctx, use))
        annotations = use.package == ctx.doctor.keys["alloy"]["annotation_package"]
        if annotations:
            texts["items"] = texts["items_annotations"]
        code = service.facts.get("go")
        if service.language == "go" and code is not None and code.pprof is not None and "extra_at_app" in texts:
            texts["extra"] = texts["extra_at_app"]
            values.update(app_file=code.pprof.file, app_line=code.pprof.line)
    if values["file"] is None:
        return {"file": None, "line": None, "items": texts["none"], "extra": texts["none"], "none": True}
    fill = {k: v if v is not None else "?" for k, v in values.items()}
    items = texts["items"] if has_list else texts.get("items_no_list", texts["items"])
    item_fill = dict(fill, line=values.get("items_line") or fill["line"])
    return {"file": values["file"], "line": values.get("items_line") or values["line"],
            "items": items.format(**item_fill), "extra": texts["extra"].format(**fill),
            "extra_lines_from": texts.get("extra_lines_from"),
            "annotations": use is not None and use.package == ctx.doctor.keys["alloy"]["annotation_package"]}


def _annotation_lines(ctx: Context, types: list[str]) -> list[str]:
    """profiles.grafana.com/<name>.scrape: "true" for each type, by the scrape profiles that collect it."""
    keys = ctx.doctor.keys["alloy"]
    by_profile = {profile: name for name, profile in keys["annotation_profiles"].items()}
    lines = []
    for type_id in types:
        for profile, spec in keys["scrape_profiles"].items():
            if type_id in spec["types"] and profile in by_profile:
                lines.append(f'{keys["annotation_prefix"]}{by_profile[profile]}{keys["annotation_scrape_suffix"]}: "true"')
                break
    return list(dict.fromkeys(lines))


def _component(ctx: Context, use) -> str:
    for config in ctx.layers.alloy:
        if config.file == use.where.file:
            for block in config.blocks:
                if block.line == use.where.line:
                    return block.component_id
    return use.package or "the component"


__all__ = ["answers", "findings", "plan", "TypeState", "Where"]
