"""`pyroadvise setup`: the config lines to add for chosen profile types, as one snippet per language."""

from __future__ import annotations

from . import lookup
from . import model as m
from .errors import UsageProblem
from .matrix import available_types


def setup_report(catalog: m.Catalog, lang_name: str, type_names: list[str], method: str | None,
                 version_name: str | None) -> dict:
    lang = lookup.language(catalog, lang_name)
    version = lookup.version(catalog, version_name)
    if not type_names:
        raise UsageProblem("Name at least one profile type.", [f"For example: pyroadvise setup {lang.id} cpu"])
    chosen: list[m.ProfileType] = []
    for name in type_names:
        t = lookup.profile_type(catalog, name)
        if t not in chosen:
            chosen.append(t)
    have = available_types(version, lang.id)
    missing = [t.id for t in chosen if t.id not in have]
    if missing:
        raise UsageProblem(
            f"{lang.name} has no {', '.join(missing)} at Pyroscope {version.id}.",
            [f"{lang.name} has: {', '.join(have) or 'nothing'}."],
        )
    if method is not None and method not in lang.methods:
        _no_such_method(catalog, lang, chosen, have, method)
    method_id = _method(lang, chosen, have, method)
    steps = [step for t in chosen for step in lang.types[t.id].enable if step.method == method_id]
    snippet = lang.methods[method_id].snippet
    return {
        "pyroscope": version.id,
        "language": {"id": lang.id, "name": lang.name},
        "method": {"id": method_id, "name": lang.methods[method_id].name},
        "types": [t.id for t in chosen],
        "steps": [{"type": t.id, "setting": s.setting, "default": s.default, "how": s.how, "start": s.start}
                  for t in chosen for s in lang.types[t.id].enable if s.method == method_id],
        "syntax": snippet.syntax if snippet else None,
        "snippet": compose(snippet.template, steps) if snippet else None,
        "sources": _sources(catalog, lang, chosen),
    }


def _sources(catalog: m.Catalog, lang: m.Language, chosen: list[m.ProfileType]) -> list[dict]:
    """The sources behind the language's setup and each chosen type's steps, first mentions first."""
    refs = dict.fromkeys([*lang.sources, *(ref for t in chosen for ref in lang.types[t.id].sources)])
    return [catalog.sources[ref]._asdict() for ref in refs if ref in catalog.sources]


def _no_such_method(catalog: m.Catalog, lang: m.Language, chosen: list[m.ProfileType], have: dict, wanted: str):
    """`setup go cpu --method ebpf`: name the methods there are, and who has the one asked for."""
    types = ", ".join(t.id for t in chosen)
    usable = [meth for meth in lang.methods if all(meth in [col.method for col, _ in have[t.id]] for t in chosen)]
    hints = [f"{types} for {lang.name}: {' or '.join(usable) or 'no single method'}."]
    owners = [other for other in catalog.languages.values() if wanted in other.methods and other.id != lang.id]
    if owners:
        hints.append(f"{owners[0].name} collects with '{wanted}': pyroadvise setup {owners[0].id} {types.replace(', ', ' ')}")
    raise UsageProblem(f"{lang.name} has no collection method '{wanted}'.", hints)


def _method(lang: m.Language, chosen: list[m.ProfileType], have: dict, wanted: str | None) -> str:
    """The collection method: the one asked for, else the first that collects every chosen type."""
    per_type = {t.id: [col.method for col, _ in have[t.id]] for t in chosen}
    usable = [meth for meth in lang.methods if all(meth in methods for methods in per_type.values())]
    if wanted is not None:
        if wanted not in usable:
            lacking = [t for t, methods in per_type.items() if wanted not in methods]
            detail = f"it does not collect {', '.join(lacking)}" if wanted in lang.methods else "it is not one of them"
            raise UsageProblem(f"{lang.name} cannot use method '{wanted}' here: {detail}.",
                               [f"Methods for these types: {', '.join(usable) or 'none in common'}."])
        return wanted
    if not usable:
        raise UsageProblem(f"No single {lang.name} collection method collects all of {', '.join(per_type)}.",
                           ["Ask for fewer types, or pick one method with --method."])
    return usable[0]


def compose(template: str, steps: list[m.EnableStep]) -> str:
    """Fill a snippet: the line {items} takes the steps' item lines, {extra} their extra lines.

    Each inserted line gets the placeholder's indentation; repeated lines appear once; a placeholder
    with nothing to insert disappears.
    """
    items = list(dict.fromkeys(line for s in steps if s.item for line in s.item.splitlines()))
    extra = list(dict.fromkeys(line for s in steps for block in s.extra for line in block.splitlines()))
    out: list[str] = []
    for line in template.splitlines():
        stripped = line.strip()
        if stripped in ("{items}", "{extra}"):
            indent = line[: len(line) - len(line.lstrip())]
            out += [indent + fill for fill in (items if stripped == "{items}" else extra)]
        else:
            out.append(line)
    return "\n".join(out)
