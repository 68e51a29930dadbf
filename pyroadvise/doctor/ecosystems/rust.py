"""Rust: the pyroscope crate (PyroscopeAgentBuilder / PyroscopeAgent::builder, a backend, build, start).

Services come from Cargo.toml files with a [package] (tomllib): dependencies in [dependencies] and every
[target.'cfg(...)'.dependencies] table, `workspace = true` resolved through the root [workspace.dependencies];
the exact version from Cargo.lock. Code is read with the tree-sitter Rust grammar.
"""

from __future__ import annotations

import posixpath

from ..model import Finding, MethodUse, Service, Tree, TypeState, Where
from . import sdkcommon as common

LANGUAGE = "rust"
CRATE = "pyroscope"




def _dep_tables(doc: dict):
    """Every runtime dependency table of a manifest: [dependencies] and the target-specific ones."""
    tables = []
    if isinstance(doc.get("dependencies"), dict):
        tables.append(doc["dependencies"])
    targets = doc.get("target")
    if isinstance(targets, dict):
        for spec in targets.values():
            if isinstance(spec, dict) and isinstance(spec.get("dependencies"), dict):
                tables.append(spec["dependencies"])
    return tables


def _dep(doc: dict, name: str, workspace: dict) -> dict | None:
    """A dependency as {version, features}, with workspace inheritance applied."""
    for table in _dep_tables(doc):
        for key, value in table.items():
            package = value.get("package", key) if isinstance(value, dict) else key
            if package != name and key != name:
                continue
            if isinstance(value, str):
                return {"version": value, "features": []}
            if not isinstance(value, dict):
                continue
            features = list(value.get("features") or [])
            ver = value.get("version")
            if value.get("workspace") is True:
                inherited = workspace.get(key) or workspace.get(name)
                if isinstance(inherited, str):
                    ver = inherited
                elif isinstance(inherited, dict):
                    ver = inherited.get("version")
                    features = list(inherited.get("features") or []) + features
            return {"version": ver, "features": features}
    return None


def _line(data: bytes, needle: bytes) -> int | None:
    index = data.find(needle)
    return data.count(b"\n", 0, index) + 1 if index >= 0 else None


def detect(tree: Tree) -> list[Service]:
    manifests = {}
    for f in tree.named("Cargo.toml"):
        doc = common.load_toml(f.data)
        if doc is None:
            tree.skip(f.path, "Cargo.toml is not valid TOML")
            continue
        manifests[f.directory] = (f, doc)
    services = []
    for directory, (f, doc) in sorted(manifests.items()):
        package = doc.get("package")
        if not isinstance(package, dict):
            continue
        workspace = _workspace_deps(directory, manifests)
        name = package.get("name") if isinstance(package.get("name"), str) else None
        service = Service(common.service_name(directory, tree, name), directory, LANGUAGE,
                          scope=common.scope_of(directory + "/x", tree))
        dep = _dep(doc, CRATE, workspace)
        if dep is not None:
            locked = _locked(tree, directory, CRATE)
            service.methods.append(MethodUse("sdk", CRATE, locked or dep["version"],
                                             Where(f.path, _line(f.data, b"pyroscope"))))
            service.facts["features"] = dep["features"]
        for other in ("pyroscope_pprofrs",):
            d = _dep(doc, other, workspace)
            if d is not None:
                service.facts["pprofrs"] = (_locked(tree, directory, other) or d["version"],
                                            Where(f.path, _line(f.data, other.encode())))
        for crate in ("tikv-jemallocator", "jemallocator"):
            d = _dep(doc, crate, workspace)
            if d is not None:
                service.facts["jemallocator"] = (crate, d["features"], Where(f.path, _line(f.data, crate.encode())))
        services.append(service)
    return services


def _workspace_deps(directory: str, manifests: dict) -> dict:
    current = directory
    while True:
        entry = manifests.get(current)
        if entry is not None:
            ws = entry[1].get("workspace")
            if isinstance(ws, dict) and isinstance(ws.get("dependencies"), dict):
                return ws["dependencies"]
        if current in (".", ""):
            return {}
        current = posixpath.dirname(current) or "."


_LOCKS: dict = {}  # Cargo.lock path -> (source file, parsed), so a workspace's lock is parsed once per run


def _locked(tree: Tree, directory: str, crate: str) -> str | None:
    current = directory
    while True:
        prefix = "" if current == "." else current + "/"
        f = tree.files.get(prefix + "Cargo.lock")
        if f is not None:
            doc = _LOCKS.get(f.path) if _LOCKS.get(f.path, (None,))[0] is f else None
            doc = doc[1] if doc is not None else common.load_toml(f.data)
            if len(_LOCKS) >= 64:
                _LOCKS.clear()
            _LOCKS[f.path] = (f, doc)
            if doc is None:
                tree.skip(f.path, "Cargo.lock is not valid TOML")
                return None
            versions = [p.get("version") for p in doc.get("package") or []
                        if isinstance(p, dict) and p.get("name") == crate]
            return versions[0] if len(versions) == 1 and isinstance(versions[0], str) else None
        if current in (".", ""):
            return None
        current = posixpath.dirname(current) or "."


def analyse(service: Service, tree: Tree, ctx):
    keys = common.sdk_keys(ctx, "rust-crate")
    name = service.name
    states = {t: TypeState("off", None) for t in common.base_states(ctx, LANGUAGE)}
    findings: list[Finding] = []
    if not service.methods or service.scope != "app":
        return states, findings
    dirs = common.service_dirs(service, ctx)
    method = service.methods[0]
    ver = common.version(method.version)

    backends: dict[str, Where] = {}
    builds: list[Where] = []
    started = False
    strings: set[str] = set()
    for f in common.own_files(service, tree, dirs, (".rs",)):
        if common.scope_of(f.path, tree) != "app":
            continue
        root = common.parse("rust", f.data)
        if root is None:
            continue
        for node in common.nodes(root):
            if node.type == "string_content":
                strings.add(common.text(node))
        for call in common.calls("rust", root):
            if call.name in (keys.get("backends") or {}):
                backends.setdefault(call.name, Where(f.path, call.line))
            elif call.name == "build" and ("PyroscopeAgent" in call.receiver or "builder" in call.receiver.lower()
                                           or "Pyroscope" in common.text(call.node)):
                builds.append(Where(f.path, call.line))
            elif call.name == "start":
                started = True
    backend_types = keys.get("backends") or {}
    for backend, where in backends.items():
        t = backend_types.get(backend)
        if t in states:
            states[t] = TypeState("on", where)
    if builds and not started:
        findings.append(Finding("PD703", name, builds[0], values={"service": name}))

    pprofrs = service.facts.get("pprofrs")
    below = common.version(keys.get("pprofrs_for_below", "1.0.0"))
    if pprofrs is not None and ver is not None and below is not None and ver >= below:
        findings.append(Finding("PD701", name, pprofrs[1], values={"service": name, "backend_version": pprofrs[0],
                                                                 "version": str(ver)}))

    features = service.facts.get("features") or []
    if "jemalloc_backend" in backends or "backend-jemalloc" in features:
        conf = keys.get("malloc_conf") or {}
        missing = keys.get("missing") or {}
        jem = service.facts.get("jemallocator")
        unprefixed = jem is not None and conf.get("unprefixed_feature") in jem[1]
        variable = conf.get("unprefixed", "MALLOC_CONF") if unprefixed else conf.get("prefixed", "_RJEM_MALLOC_CONF")
        where = backends.get("jemalloc_backend") or method.where
        problem = None
        if jem is None:
            problem = missing.get("allocator", "")
        elif keys.get("jemalloc_profiling_feature", "profiling") not in jem[1]:
            problem = missing.get("feature", "")
            where = jem[2]
        else:
            setting = common.final(ctx, service, variable)
            if setting is None or (setting.value is not None and "prof:true" not in setting.value):
                problem = missing.get("env", "").format(variable=variable)
        if problem:
            findings.append(Finding("PD702", name, where, values={"service": name, "missing": problem,
                                                                "variable": variable}))

    for key, setting in common.app_settings(service, "PYROSCOPE_").items():
        if setting.layer == "code" or key in strings:
            continue
        findings.append(Finding("PD705", name, setting.where, values={"service": name, "key": key}))
    return states, findings
