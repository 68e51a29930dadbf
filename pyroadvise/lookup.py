"""Resolve what the user typed to catalog entries: languages, profile types, versions.

Every failure is a UsageProblem naming the closest valid choices.
"""

from __future__ import annotations

from . import model as m
from .errors import UsageProblem, shown
from .names import closest, loose, type_key

NEWEST_WORDS = ("latest", "newest", "current")


def _require_text(value: str, what: str, example: str) -> str:
    if not value or not value.strip():
        raise UsageProblem(f"Give a {what}, for example: {example}")
    return value.strip()


def language(catalog: m.Catalog, name: str | None) -> m.Language:
    if name is None or not name.strip():
        raise UsageProblem("Name a language.", [f"Languages: {', '.join(catalog.languages)}."])
    name = name.strip()
    key = loose(name)
    for lang in catalog.languages.values():
        if key in {loose(lang.id), loose(lang.name)} | {loose(a) for a in lang.aliases}:
            return lang
    names = [lang.id for lang in catalog.languages.values()]
    aliases = names + [a for lang in catalog.languages.values() for a in lang.aliases]
    near = _unique(_language_of(catalog, a) for a in closest(name, aliases))
    raise UsageProblem(
        f"Unknown language '{shown(name)}'.",
        _did_you_mean(near) + [f"Known languages: {', '.join(names)}."],
    )


def language_notice(catalog: m.Catalog, name: str) -> str | None:
    """One line for a name that has no Pyroscope SDK of its own ('php' is profiled by eBPF)."""
    key = loose(name or "")
    for lang in catalog.languages.values():
        for display in lang.no_sdk:
            if loose(display) == key:
                methods = ", ".join(meth.name for meth in lang.methods.values())
                return f"{display} has no Pyroscope SDK; {methods} profiles it. Showing {lang.name}."
    return None


def _language_of(catalog: m.Catalog, alias: str) -> str:
    for lang in catalog.languages.values():
        if alias == lang.id or alias in lang.aliases:
            return lang.id
    return alias


def profile_type(catalog: m.Catalog, name: str, version: m.Version | None = None) -> m.ProfileType:
    """A type by id, display name or any spelling of either; by a Pyroscope profile type ID; or by
    the names Grafana's profile type picker shows (``process_cpu``, ``memory:inuse_space``,
    ``memory - inuse_space``), which are the first parts of the catalog's profile type IDs."""
    name = _require_text(name, "profile type", "pyroadvise type mutex_duration")
    picked = _PICKER_SEPARATOR.sub(":", name)
    if picked.count(":") >= 2:
        return _type_from_profile_id(catalog, picked, name)
    key = type_key(name)
    for ptype in catalog.types.values():
        if key in (type_key(ptype.id), type_key(ptype.name)):
            return ptype
    owners = _picker_owners(catalog, picked)
    if len(owners) == 1:
        return catalog.types[owners[0]]
    ids = list(catalog.types)
    if owners:
        raise UsageProblem(
            f"'{shown(name)}' names several profile types (Grafana's profile type picker groups them).",
            [f"Did you mean: {', '.join(owners)}?"],
        )
    near = closest(name, ids + [t.name for t in catalog.types.values()])
    near = _unique(_type_id_of(catalog, n) for n in near)
    raise UsageProblem(
        f"Unknown profile type '{shown(name)}'.",
        _did_you_mean(near) + [f"Known types: {', '.join(ids)}."],
    )


_PICKER_SEPARATOR = __import__("re").compile(r"\s+-\s+|\s*:\s*")  # 'memory - inuse_space', 'memory : inuse_space'


def _picker_owners(catalog: m.Catalog, picked: str) -> list[str]:
    """The types whose profile type IDs begin with NAME or NAME:SAMPLE_TYPE, narrowed the way a reader
    of Grafana's picker means them: the type named like the sample type (memory:inuse_space), else
    the types named after the series (mutex:delay -> mutex_duration, process_cpu -> cpu)."""
    parts = [type_key(p) for p in picked.split(":")]
    if not parts or not parts[0]:
        return []
    owners: list[str] = []
    for lang in catalog.languages.values():
        for type_id, entry in lang.types.items():
            for pid in entry.ids:
                head = [type_key(p) for p in pid.id.split(":")[: len(parts)]]
                if head == parts and type_id not in owners:
                    owners.append(type_id)
    if len(owners) <= 1:
        return owners
    if len(parts) == 2:
        named = [t for t in owners if type_key(t) == parts[1]]
        if named:
            return named
    series = parts[0]
    words = {type_key(w) for w in picked.split(":")[0].replace("-", "_").split("_")}
    after_series = [t for t in owners if type_key(t).startswith(series) or type_key(t) in words]
    return sorted(after_series or owners, key=list(catalog.types).index)


def _type_id_of(catalog: m.Catalog, name: str) -> str:
    for ptype in catalog.types.values():
        if name in (ptype.id, ptype.name):
            return ptype.id
    return name


def _type_from_profile_id(catalog: m.Catalog, wanted: str, profile_id: str) -> m.ProfileType:
    wanted = wanted.strip()
    if wanted.endswith(":delta"):
        wanted = wanted[: -len(":delta")]
    owners = _unique(
        type_id
        for lang in catalog.languages.values()
        for type_id, entry in lang.types.items()
        for pid in entry.ids
        if pid.id == wanted
    )
    if len(owners) > 1:
        # Several languages file one ID under different types (.NET's heap is its in-use data):
        # the sample type, the ID's second part, names the type when it is one of them.
        named = [t for t in owners if t == wanted.split(":")[1]]
        owners = named or owners
    if len(owners) == 1:
        return catalog.types[owners[0]]
    if owners:
        raise UsageProblem(
            f"The profile type ID '{shown(profile_id)}' is used by several types: {', '.join(owners)}.",
            [f"Ask for one of them by name, e.g. pyroadvise type {owners[0]}"],
        )
    raise UsageProblem(
        f"No catalogued profile type has the ID '{shown(profile_id)}'.",
        ["IDs differ per runtime and agent version; list the ones your server stores with:"
         " profilecli query series --label-names=__profile_type__"],
    )


def version(catalog: m.Catalog, name: str | None) -> m.Version:
    """The catalogued release to advise from for the one asked (see release())."""
    return release(catalog, name)[0]


def release(catalog: m.Catalog, name: str | None) -> tuple[m.Version, str | None]:
    """The release to advise from, and a warning when it is not the one asked for.

    People run releases the catalog does not describe (1.14.0, 2.0.0): those get the nearest
    catalogued release at or below them, or the newest when they are newer than all of it. "2.2"
    means the newest catalogued 2.2.x. A release older than the oldest catalogued is an error.
    """
    if name is None:
        return catalog.versions[catalog.newest], None
    value = name.strip().lower()
    if value in NEWEST_WORDS:
        return catalog.versions[catalog.newest], None
    if value.startswith("v"):
        value = value[1:]
    if value in catalog.versions:
        return catalog.versions[value], None
    prefixed = [v for v in catalog.versions if v.startswith(value + ".")] if value else []
    if prefixed:
        return catalog.versions[prefixed[-1]], None
    asked = _release_number(value)
    known = list(catalog.versions)
    if asked is None:
        raise UsageProblem(
            f"Pyroscope version '{shown(name)}' is not catalogued.",
            [f"Catalogued versions: {', '.join(known)} (default: {catalog.newest}, the newest)."],
        )
    at_or_below = [v for v in sorted(known, key=_release_number) if _release_number(v) <= asked]
    if not at_or_below:
        oldest = min(known, key=_release_number)
        raise UsageProblem(
            f"Pyroscope {shown(value)} is older than the oldest catalogued release, {oldest}.",
            [f"Catalogued versions: {', '.join(known)}. pyroadvise has no advice for releases before {oldest}."],
        )
    used = at_or_below[-1]
    if used == catalog.newest and asked > _release_number(used):
        why = "newer than every catalogued release; advising from the newest"
    else:
        why = "not catalogued; advising from the nearest catalogued release below it"
    return catalog.versions[used], f"Pyroscope {shown(value)} is {why}, {used}."


def _release_number(value: str) -> tuple[int, int, int] | None:
    """'2.0.0' -> (2, 0, 0); '2' and '2.0' count as 2.0.0; anything else is None."""
    parts = value.split(".")
    if not 1 <= len(parts) <= 3 or not all(p.isascii() and p.isdigit() and len(p) <= 6 for p in parts):
        return None
    numbers = [int(p) for p in parts] + [0] * (3 - len(parts))
    return numbers[0], numbers[1], numbers[2]


def list_kind(name: str | None, kinds: list[str]) -> str:
    """What `list` lists: 'languages', 'types' or 'symptoms'; singular forms and any case are fine."""
    choices = ", ".join(kinds[:-1]) + " or " + kinds[-1]
    if name is None or not name.strip():
        raise UsageProblem(f"Name what to list: {choices}.", [f"For example: pyroadvise list {kinds[0]}"])
    key = loose(name)
    for kind in kinds:
        if key in (kind, kind[:-1]):
            return kind
    near = closest(name, kinds)
    raise UsageProblem(f"Cannot list '{shown(name.strip())}': choose {choices}.", _did_you_mean(near))


def _unique(items) -> list[str]:
    return list(dict.fromkeys(items))  # first occurrences, in order


def _did_you_mean(names: list[str]) -> list[str]:
    return [f"Did you mean: {', '.join(names)}?"] if names else []


def with_release_asked(catalog: m.Catalog, report: dict, asked: str) -> tuple[dict, str | None]:
    """A --pyroscope release the catalog lacks: the report with `pyroscope_asked` next to the release
    used (for every command alike), and the warning to print; the report unchanged otherwise."""
    _, warning = release(catalog, asked)
    if warning is None:
        return report, None
    after = "pyroscope" if "pyroscope" in report else "to"  # `matrix --diff` reports from/to
    out: dict = {}
    for key, value in report.items():
        out[key] = value
        if key == after:
            out["pyroscope_asked"] = asked
    return out, warning
