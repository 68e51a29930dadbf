"""Helpers shared by the Java, .NET, Node.js, Python, Ruby and Rust analysers.

Parsing helpers (tree-sitter call sites, Dockerfile stages), version comparison, scopes and the starting type
states from the catalog. Heavy modules (tree_sitter and its grammars, dockerfile_parse, packaging) are imported
inside the functions that need them, so importing this module costs nothing.
"""

from __future__ import annotations

import posixpath
from typing import Any

from ..model import Finding, Service, SourceFile, Tree, TypeState, Where
from .dockerstages import Dockerfile, Stage, command_words, dockerfile, exec_form  # noqa: F401  (shared names)
from .sdksyntax import (COMMENT_TYPES, Call, arg_nodes, calls, line, nodes, parse, string_value,  # noqa: F401
                        strip_c_comments, text)

# ------------------------------------------------------------------ scopes

_JVM_SOURCE_ROOTS = ("src/main/java/", "src/main/kotlin/", "src/main/scala/", "src/main/groovy/")


def scope_of(path: str, tree: Tree) -> str:
    """The scope of a file: "app", "docs", "example" or "test", by the walk's rules (catalog/doctor/files.yaml).

    Below a JVM source root only the part before it counts: a package named org.example is app code.
    """
    for root in _JVM_SOURCE_ROOTS:
        index = path.find(root)
        if index == 0 or (index > 0 and path[index - 1] == "/"):
            path = path[:index + len(root)] + "Main.java"
            break
    return tree.scope_of(path) if hasattr(tree, "scope_of") else "app"


def nearest_service_dir(path: str, dirs: set[str]) -> str | None:
    """The deepest directory of ``dirs`` that holds ``path`` (a file path)."""
    directory = posixpath.dirname(path) or "."
    while True:
        if directory in dirs:
            return directory
        if directory in (".", ""):
            return "." if "." in dirs else None
        directory = posixpath.dirname(directory) or "."


def own_files(service: Service, tree: Tree, services_dirs: set[str], suffixes: tuple[str, ...]) -> list[SourceFile]:
    """Files under the service's directory with one of ``suffixes`` whose nearest service is this one."""
    out = []
    for f in tree.under(service.path):
        if not f.path.endswith(suffixes):
            continue
        if nearest_service_dir(f.path, services_dirs) != service.path:
            continue
        out.append(f)
    return out


def service_name(path: str, tree: Tree, declared: str | None = None) -> str:
    """A service's name: what its manifest declares, else its directory name (the root folder's for ".")."""
    if declared:
        return declared
    if path in (".", ""):
        return tree.root.name or "."
    return posixpath.basename(path)


# ------------------------------------------------------------------ versions


def version(text: str | None):
    """A packaging Version for ``text`` (a leading v or = is dropped), or None when it is not a version."""
    if not text:
        return None
    from packaging.version import InvalidVersion, Version

    cleaned = text.strip().lstrip("v=").strip()
    try:
        return Version(cleaned)
    except InvalidVersion:
        return None


def has_key(entry: dict, ver) -> bool:
    """Whether a key entry ({name, since?, until?}) exists in release ``ver`` (a Version; None = newest)."""
    if ver is None:
        return "until" not in entry
    since, until = version(entry.get("since")), version(entry.get("until"))
    if since is not None and ver < since:
        return False
    if until is not None and ver >= until:
        return False
    return True


def is_exact(spec: str | None) -> bool:
    """Whether a declared version is one exact release (a pin or a lock), not a range."""
    return version(spec) is not None


# ------------------------------------------------------------------ type states


def base_states(ctx: Any, language: str, method: str = "sdk") -> dict[str, TypeState]:
    """Every type the language has, with the state its catalog default gives for ``method``."""
    states: dict[str, TypeState] = {}
    catalog = getattr(ctx, "catalog", None)
    lang = catalog.languages.get(language) if catalog is not None else None
    if lang is None:
        return states
    for type_id, entry in lang.types.items():
        default = "off"
        for step in entry.enable:
            if step.method == method:
                default = "on" if step.default == "on" else "off"
                break
        states[type_id] = TypeState(default, None)
    return states


def types_by_setting(ctx: Any, language: str, method: str = "sdk") -> dict[str, list[tuple[str, bool]]]:
    """The catalog's enable setting of each type: setting -> [(type, on by default)]."""
    out: dict[str, list[tuple[str, bool]]] = {}
    catalog = getattr(ctx, "catalog", None)
    lang = catalog.languages.get(language) if catalog is not None else None
    if lang is None:
        return out
    for type_id, entry in lang.types.items():
        for step in entry.enable:
            if step.method == method:
                out.setdefault(step.setting, []).append((type_id, step.default == "on"))
                break
    return out


def language_types(ctx: Any, language: str) -> tuple[str, ...]:
    catalog = getattr(ctx, "catalog", None)
    lang = catalog.languages.get(language) if catalog is not None else None
    return tuple(lang.types) if lang is not None else ()


def all_to(states: dict[str, TypeState], state: str, where: Where | None) -> None:
    for key in list(states):
        states[key] = TypeState(state, where)


def sdk_keys(ctx: Any, section: str) -> dict:
    doctor = getattr(ctx, "doctor", None)
    keys = getattr(doctor, "keys", None) or {}
    value = keys.get(section)
    return value if isinstance(value, dict) else {}


# ------------------------------------------------------------------ settings


def final(ctx: Any, service: Service, name: str):
    """The winning Setting of ``name`` for the service (app scope only), or None."""
    found = None
    for item in service.settings:
        if item.name == name and item.scope == "app":
            found = item
    return found


def setting_where(setting) -> Where:
    return setting.where if setting is not None else None


def app_settings(service: Service, prefix: str = "") -> dict[str, Any]:
    """The winning app-scope Setting of every name starting with ``prefix``, in first-seen order."""
    out: dict[str, Any] = {}
    for item in service.settings:
        if item.scope != "app" or not item.name.startswith(prefix):
            continue
        out[item.name] = item
    return out


# ------------------------------------------------------------------ Dockerfiles of a service


def is_dockerfile(name: str) -> bool:
    return name in ("Dockerfile", "Containerfile") or name.startswith("Dockerfile.") or name.endswith(".Dockerfile")


def dockerfiles_of(service: Service, tree: Tree, service_dirs: set[str]) -> list[tuple[SourceFile, Dockerfile]]:
    """The Dockerfiles that belong to a service (nearest service directory), parsed."""
    out = []
    for f in tree.under(service.path):
        if not is_dockerfile(f.name):
            continue
        if scope_of(f.path, tree) != "app":
            continue
        if nearest_service_dir(f.path, service_dirs) != service.path:
            continue
        parsed = dockerfile(f)
        if parsed is not None and parsed.stages:
            out.append((f, parsed))
    return out


def empty_risk(states: dict, findings: list[Finding], ctx) -> None:
    """Types an error finding empties become empty-risk (when they were on or unknown)."""
    checks = getattr(getattr(ctx, "doctor", None), "checks", {}) or {}
    for finding in findings:
        check = checks.get(finding.check)
        level = getattr(check, "level", None)
        if level != "error":
            continue
        types = finding.types or tuple(getattr(check, "types", ()) or ())
        for t in types:
            if t in states and states[t].state in ("on", "unknown"):
                states[t] = TypeState("empty-risk", finding.where)


def load_toml(data: bytes):
    """A TOML document (pyproject, Cargo.toml, lockfiles) as a dict, or None when it cannot be read."""
    from ..config import _toml

    try:
        return _toml().loads(data.decode("utf-8"))
    except (ValueError, UnicodeDecodeError, RecursionError):
        return None


def service_dirs(service: Service, ctx: Any) -> set[str]:
    """The folders of every detected service, this one included (a file belongs to the nearest)."""
    return {s.path for s in getattr(ctx, "services", []) or []} | {service.path}
