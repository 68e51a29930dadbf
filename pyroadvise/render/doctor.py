"""The doctor report for people: a plain-text table view and Markdown (SARIF and JSON are data).

Table: one block per service (how it is collected, then its types grouped by state), then the findings
(most severe first), then what was skipped, then one summary line. Plain text, so it reads the same
under NO_COLOR, when piped and at 80 columns. Outside text (paths, values) is escaped.
"""

from __future__ import annotations

import textwrap

from ..errors import inline

STATE_ORDER = ("empty-risk", "unknown", "on", "off")
LEVEL_WORD = {"error": "error", "warning": "warning", "note": "note"}


def _where(file, line) -> str:
    if not file:
        return ""
    return inline(f"{file}:{line}" if line else file)


def _wrap(text: str, indent: int, width: int) -> list[str]:
    return textwrap.wrap(inline(text), width=max(width - indent, 20), initial_indent=" " * indent,
                         subsequent_indent=" " * indent, break_on_hyphens=False, break_long_words=False) or [""]


def table(report: dict, width: int = 80) -> str:
    out: list[str] = []
    services = report["services"]
    if not services:
        out.append("No services found (no go.mod, pom.xml, package.json, pyproject.toml, Gemfile, Cargo.toml")
        out.append("or *.csproj, and no Alloy eBPF component).")
    for service in services:
        scope = f", {service['scope']} files" if service.get("scope", "app") != "app" else ""
        out.append(inline(f"{service['name']}  ({service['language']}, {service['path']}{scope})"))
        if service["methods"]:
            for method in service["methods"]:
                version = f" {method['version']}" if method["version"] else ""
                package = f" {method['package']}" if method["package"] else ""
                out += _wrap(f"collected by {method['method']}:{package}{version}  "
                             f"[{_where(method['file'], method['line'])}]", 2, width)
        else:
            out.append("  not profiled: no SDK, Alloy or eBPF collection found")
        groups: dict[str, list[str]] = {}
        for type_id, state in service["types"].items():
            groups.setdefault(state["state"], []).append(type_id)
        for state in STATE_ORDER:
            if state not in groups:
                continue
            names = ", ".join(groups[state])
            lines = textwrap.wrap(names, width=max(width - 14, 20)) or [""]
            out.append(f"  {state:<11} {lines[0]}")
            out += [f"  {'':<11} {line}" for line in lines[1:]]
        out.append("")
    findings = report["findings"]
    if findings:
        out.append("Findings")
        for finding in findings:
            head = f"  {LEVEL_WORD[finding['level']]:<7} {finding['check']}  {_where(finding['file'], finding['line'])}"
            if finding["service"]:
                head += inline(f"  ({finding['service']})")
            out.append(head)
            out += _wrap(finding["message"], 10, width)
            out += _wrap(f"fix: {finding['fix']}", 10, width)
        out.append("")
    plan = report.get("for")
    if plan:
        out += _plan(plan, width)
    skipped = report["skipped"]
    if skipped:
        out.append("Skipped")
        for item in skipped[:20]:
            out += _wrap(f"{item['path']}: {item['reason']}", 2, width)
        if len(skipped) > 20:
            out.append(f"  ... and {len(skipped) - 20} more (see --format json)")
        out.append("")
    out.append(summary(report))
    return "\n".join(out) + "\n"


def _plan(plan: dict, width: int) -> list[str]:
    out = [inline(f"For \"{plan['query']}\" ({plan['symptom']['name']})")]
    for entry in plan["services"]:
        out.append(inline(f"  {entry['service']} ({entry['language']})"))
        if not entry["types"]:
            out.append("    no profile type of this language answers it")
        for row in entry["types"]:
            extra = f" [{_where(row['file'], row['line'])}]" if row["file"] else ""
            emptied = f", emptied by {', '.join(row['findings'])}" if row["findings"] else ""
            out.append(inline(f"    {row['type']}: {row['state']}{emptied}{extra}"))
        for add in entry["add"]:
            for part in ("items", "extra"):
                block = add[part]
                if not block:
                    continue
                out += _wrap(block["where"] + ":", 4, width)
                out += [inline(f"        {line}") for line in block["lines"]]
        out.append("")
    return out


def summary(report: dict) -> str:
    s = report["summary"]

    def count(n, word):
        return f"{n} {word}{'' if n == 1 else 's'}"

    return (f"{count(s['error'], 'error')}, {count(s['warning'], 'warning')}, {count(s['note'], 'note')} "
            f"in {count(s['services'], 'service')}; {s['files_read']} files read, "
            f"{len(report['skipped'])} skipped.")


def markdown(report: dict) -> str:
    def cell(text) -> str:
        return inline(str(text if text is not None else "")).replace("|", "\\|")

    out = [f"# pyroadvise doctor: {cell(report['path'])}", ""]
    for service in report["services"]:
        out += [f"## {cell(service['name'])} ({service['language']}, `{cell(service['path'])}`)", ""]
        for method in service["methods"]:
            version = f" {method['version']}" if method["version"] else ""
            out.append(f"- collected by **{method['method']}**: {cell(method['package'])}{cell(version)} "
                       f"(`{_where(method['file'], method['line'])}`)")
        if not service["methods"]:
            out.append("- not profiled: no SDK, Alloy or eBPF collection found")
        out += ["", "| Type | State | Decided at |", "|---|---|---|"]
        for type_id, state in service["types"].items():
            out.append(f"| {type_id} | {state['state']} | {cell(_where(state['file'], state['line']))} |")
        out.append("")
    if report["findings"]:
        out += ["## Findings", "", "| Level | Check | Where | Message | Fix |", "|---|---|---|---|---|"]
        for f in report["findings"]:
            out.append(f"| {f['level']} | {f['check']} | {cell(_where(f['file'], f['line']))} | {cell(f['message'])} "
                       f"| {cell(f['fix'])} |")
        out.append("")
    plan = report.get("for")
    if plan:
        out += [f"## For \"{cell(plan['query'])}\"", ""]
        for entry in plan["services"]:
            out.append(f"### {cell(entry['service'])}")
            out.append("")
            for row in entry["types"]:
                out.append(f"- {row['type']}: {row['state']}")
            for add in entry["add"]:
                for part in ("items", "extra"):
                    block = add[part]
                    if block:
                        out += ["", cell(block["where"]) + ":", "", f"```{add['syntax'] or ''}",
                                *[inline(line) for line in block["lines"]], "```"]
            out.append("")
    if report["skipped"]:
        out += ["## Skipped", ""]
        out += [f"- `{cell(s['path'])}`: {cell(s['reason'])}" for s in report["skipped"]]
        out.append("")
    out.append(summary(report))
    return "\n".join(out) + "\n"


def emit(report: dict, fmt: str) -> None:
    import shutil
    import sys

    if fmt == "json":
        from . import to_json

        sys.stdout.write(to_json(report))
    elif fmt == "sarif":
        from .. import __version__
        from ..doctor.sarif import to_sarif
        from . import to_json

        sys.stdout.write(to_json(to_sarif(report, __version__), versioned=False))  # SARIF allows no extra keys
    elif fmt == "markdown":
        sys.stdout.write(markdown(report))
    else:
        width = min(shutil.get_terminal_size((80, 24)).columns, 100) if sys.stdout.isatty() else 80
        sys.stdout.write(table(report, width))
