"""The runner: walk, read the deployment layers, detect services, run every ecosystem's analyse(),
then apply the catalog (levels, confidence, texts), the config (disable) and inline suppressions
(``pyroadvise: ignore[PD101]`` in a comment on the line or the line above), and build the report.
"""

from __future__ import annotations

import os
import re
import string
from pathlib import Path

from ..errors import UsageProblem, shown
from . import catalogdata, config as configuration, layers
from .ecosystems import COLLECTORS, ECOSYSTEMS, load
from .model import Context, Finding, Service, TypeState, Where

_SUPPRESS = re.compile(r"pyroadvise:\s*ignore\[([A-Za-z0-9_,\s]+)\]")
_COMMENT = ("#", "//", "/*", "<!--", "--", ";", "*", "'")
_RANK = {"error": 0, "warning": 1, "note": 2}


class _Blank(dict):
    def __missing__(self, key):
        return "{" + key + "}"


def check_root(root: Path) -> Path:
    """The project folder, or a UsageProblem (exit 2) saying why it cannot be read."""
    if not root.exists():
        raise UsageProblem(f"No such folder: {shown(str(root))}", ["Give the project folder: pyroadvise doctor PATH"])
    if not root.is_dir():
        raise UsageProblem(f"Not a folder: {shown(str(root))}", ["doctor reads a whole project: give its folder."])
    try:
        with os.scandir(root):
            pass
    except OSError as error:
        raise UsageProblem(f"Cannot read {shown(str(root))}: {error.strerror or error}") from None
    return root


def run(root: Path, *, for_text: str | None = None, config_override=None, doctor_data=None) -> dict:
    root = check_root(Path(root))
    data = doctor_data or catalogdata.load()
    config = configuration.read(root, config_override)
    tree = walk_tree(root, data, config)
    deployment = layers.read(tree, data.rules)

    def catalog_loader():
        from ..loader import load_catalog

        return load_catalog()

    ctx = Context(tree=tree, doctor=data, catalog_loader=catalog_loader, layers=deployment, for_text=for_text)
    pairs: list[tuple[object, Service]] = []
    for name in ECOSYSTEMS:
        module = load(name)
        if module is not None:
            pairs += [(module, s) for s in _guarded(tree, ".", name, module.detect, [], tree)]
    for _, service in pairs:
        layers.attach(service, deployment)
    for name in COLLECTORS:
        module = load(name)
        if module is not None:
            pairs += [(module, s) for s in _guarded(tree, ".", name, module.detect, [], tree, ctx)]
    ctx.services = [s for _, s in pairs]
    states: dict[int, dict[str, TypeState]] = {}
    raw: list[Finding] = []
    for module, service in pairs:
        got_states, found = _guarded(tree, service.path, service.language, module.analyse, ({}, []),
                                     service, tree, ctx)
        states[id(service)] = dict(got_states)
        raw += found
    from .ecosystems import generic

    raw += generic.analyse(ctx)
    if for_text is not None:
        from . import forfix

        raw += forfix.findings(ctx, states)
    # Docs, examples and tests are reported as such (PD905, service scopes), never as problems of the app.
    scopes = {s.name: s.scope for s in ctx.services}
    raw = [f for f in raw if f.check == "PD905" or (
        scopes.get(f.service, "app") == "app" and tree.scope_of(f.where.file) == "app")]
    findings = finish(raw, ctx, config)
    mark_empty(findings, pairs, states)
    report = build(root, pairs, states, findings, tree, config)
    if for_text is not None:
        from . import forfix

        report["for"] = forfix.plan(ctx, report)
    return report


def _guarded(tree, path: str, what: str, function, fallback, *args):
    """Run one ecosystem step; a bug in it costs that step (reported under skipped), not the whole run."""
    try:
        return function(*args)
    except Exception as error:  # noqa: BLE001 - never a traceback for the user
        tree.skip(path, f"doctor's {what} reader failed here ({type(error).__name__}: {str(error)[:80]}); "
                        "please report it")
        return fallback


def walk_tree(root: Path, data, config):
    from .walk import walk

    tree = walk(root, data.rules, config.exclude)
    for problem in config.problems:
        tree.skip(problem["path"], problem["reason"])
    return tree


def finish(raw: list[Finding], ctx: Context, config) -> list[dict]:
    """Findings as report entries: catalog texts filled, disabled and suppressed ones dropped, sorted."""
    checks = ctx.doctor.checks
    out: list[dict] = []
    seen = set()
    for finding in raw:
        check = checks.get(finding.check)
        if check is None:
            raise KeyError(f"doctor raised {finding.check}, which the catalog does not define")
        if finding.check in config.disable or suppressed(ctx, finding):
            continue
        values = _Blank({"service": finding.service or "the project"})
        values.update({k: ("" if v is None else str(v)) for k, v in finding.values.items()})
        entry = {
            "check": check.id,
            "slug": check.slug,
            "level": check.level,
            "confidence": getattr(finding, "confidence", None) or check.confidence,
            "service": finding.service,
            "file": finding.where.file,
            "line": finding.where.line,
            "title": check.title,
            "message": string.Formatter().vformat(check.message, (), values),
            "fix": string.Formatter().vformat(check.fix, (), values),
            "types": list(finding.types or check.types),
        }
        key = (entry["check"], entry["service"], entry["file"], entry["line"], entry["message"])
        if key in seen:
            continue
        seen.add(key)
        out.append(entry)
    out.sort(key=lambda f: (f["service"] or "", _RANK[f["level"]], f["file"], f["line"] or 0, f["check"],
                            f["message"]))
    return out


def suppressed(ctx: Context, finding: Finding) -> bool:
    """True when a comment on the finding's line, or a comment line just above it, says to ignore it."""
    source = ctx.tree.files.get(finding.where.file)
    if source is None or not finding.where.line:
        return False
    text = source.text()
    if text is None:
        return False
    lines = text.splitlines()
    for number in (finding.where.line, finding.where.line - 1):
        if not 1 <= number <= len(lines):
            continue
        line = lines[number - 1]
        for match in _SUPPRESS.finditer(line):
            before = line[: match.start()]
            if number == finding.where.line:
                in_comment = any(marker in before for marker in _COMMENT)
            else:
                in_comment = before.lstrip().startswith(_COMMENT)
            ids = {part.strip().upper() for part in match.group(1).split(",")}
            if in_comment and finding.check in ids:
                return True
    return False


def mark_empty(findings: list[dict], pairs, states) -> None:
    """A type that is on but named by an error finding of its service will come out empty."""
    by_name = {s.name: states[id(s)] for _, s in pairs}
    for finding in findings:
        if finding["level"] != "error" or finding["service"] not in by_name:
            continue
        service_states = by_name[finding["service"]]
        for type_id in finding["types"]:
            state = service_states.get(type_id)
            if state is not None and state.state == "on":
                service_states[type_id] = TypeState("empty-risk", Where(finding["file"], finding["line"]))


def build(root: Path, pairs, states, findings: list[dict], tree, config) -> dict:
    from . import DOCTOR_SCHEMA

    services = []
    for _, service in sorted(pairs, key=lambda p: (p[1].path, p[1].name, p[1].language)):
        types = {}
        for type_id, state in states[id(service)].items():
            types[type_id] = {"state": state.state, "file": state.where.file if state.where else None,
                              "line": state.where.line if state.where else None}
        services.append({
            "name": service.name,
            "path": service.path,
            "language": service.language,
            "scope": service.scope,
            "methods": [{"method": m.method, "package": m.package, "version": m.version,
                         "file": m.where.file, "line": m.where.line} for m in service.methods],
            "types": types,
        })
    counts = {level: sum(1 for f in findings if f["level"] == level) for level in _RANK}
    return {
        "doctor_schema": DOCTOR_SCHEMA,
        "path": str(root),
        "services": services,
        "findings": findings,
        "skipped": list(tree.skipped),
        "summary": {"services": len(services), "files_read": len(tree.files), "files_scanned": tree.scanned,
                    **counts},
        "config": config.file,
    }
