"""Python: the pyroscope-io SDK (pyroscope.configure(...)).

Services come from pyproject.toml (PEP 621, dependency groups, Poetry) and requirements*.txt; the exact version
from uv.lock / poetry.lock / Pipfile.lock or an == pin. Code is read with the stdlib ast: import aliases,
keyword arguments, whether the call runs at import time, and the try/except around it. configure() takes no
**kwargs, so an argument the installed release lacks raises TypeError (signatures in catalog/doctor).
"""

from __future__ import annotations

import ast
import re

from ..model import Finding, MethodUse, Service, Setting, Tree, TypeState, Where
from . import sdkcommon as common

LANGUAGE = "python"
PACKAGE = "pyroscope-io"
_REQ = re.compile(r"^\s*(pyroscope[-_.]io)\s*(\[[^\]]*\])?\s*([^;#]*)", re.I)




def _norm(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def detect(tree: Tree) -> list[Service]:
    by_dir: dict[str, Service] = {}

    def service(directory: str, declared: str | None = None) -> Service:
        if directory not in by_dir:
            by_dir[directory] = Service(common.service_name(directory, tree, declared), directory, LANGUAGE,
                                        scope=common.scope_of(directory + "/x", tree))
        elif declared:
            by_dir[directory].name = declared
        return by_dir[directory]

    for f in tree.named("pyproject.toml"):
        doc = common.load_toml(f.data)
        if doc is None:
            tree.skip(f.path, "pyproject.toml is not valid TOML")
            continue
        project = doc.get("project") if isinstance(doc.get("project"), dict) else {}
        poetry = (doc.get("tool") or {}).get("poetry") if isinstance(doc.get("tool"), dict) else None
        poetry = poetry if isinstance(poetry, dict) else {}
        declared = project.get("name") or poetry.get("name")
        if not (project or poetry):
            continue
        s = service(f.directory, declared if isinstance(declared, str) else None)
        groups = doc.get("dependency-groups") if isinstance(doc.get("dependency-groups"), dict) else {}
        spec = _pyproject_spec(project, poetry, groups)
        if spec is not None:
            if spec[1] != "dependencies":
                s.facts["dev_group"] = spec[1]
            locked = _locked(tree, f.directory)
            s.methods.append(MethodUse("sdk", PACKAGE, locked[0] if locked else spec[0] or None,
                                       Where(f.path, _line(f.data, b"pyroscope"))))
            s.facts["version_from"] = locked[1] if locked else f.path
            s.facts["spec"] = spec[0]
            s.facts["manifest"] = f.path
    for f in sorted(tree.files.values(), key=lambda x: x.path):
        if not (f.name.startswith("requirements") and f.name.endswith(".txt")):
            continue
        if common.scope_of(f.path, tree) != "app" and f.directory not in by_dir:
            continue
        s = service(f.directory)
        if s.methods:
            continue
        for number, raw in enumerate((f.text() or "").splitlines(), 1):
            m = _REQ.match(raw)
            if m is None:
                continue
            spec = m.group(3).strip()
            exact = spec[2:].strip() if spec.startswith("==") else None
            locked = None if exact else _locked(tree, f.directory)
            s.methods.append(MethodUse("sdk", PACKAGE, exact or (locked[0] if locked else spec or None),
                                       Where(f.path, number)))
            s.facts["version_from"] = locked[1] if locked else f.path
            s.facts["spec"] = spec
            s.facts["manifest"] = f.path
            stem = f.name[len("requirements"):-len(".txt")].strip("-_.")
            if stem:
                s.facts["requirements_stem"] = stem
            break
    return [by_dir[k] for k in sorted(by_dir)]


def _pyproject_spec(project: dict, poetry: dict, groups: dict | None = None) -> tuple[str, str] | None:
    """(declared spec, where): "dependencies" for a runtime dependency, else the name of the dev group."""
    for dep in project.get("dependencies") or []:
        if isinstance(dep, str):
            m = _REQ.match(dep)
            if m:
                return m.group(3).strip(), "dependencies"
    tables = [("dependencies", poetry.get("dependencies"))]
    tables += [(name, (body or {}).get("dependencies")) for name, body in (poetry.get("group") or {}).items()
               if isinstance(body, dict)] if isinstance(poetry.get("group"), dict) else []
    tables.append(("dev", poetry.get("dev-dependencies")))
    for group, deps in tables:
        if isinstance(deps, dict):
            for key, value in deps.items():
                if _norm(key) == PACKAGE:
                    if isinstance(value, dict):
                        value = value.get("version", "")
                    return _poetry_spec(str(value)), group
    for group, deps in (groups or {}).items():
        for dep in deps if isinstance(deps, list) else []:
            m = _REQ.match(dep) if isinstance(dep, str) else None
            if m:
                return m.group(3).strip(), group
    return None


def _poetry_spec(value: str) -> str:
    value = value.strip()
    if value.startswith("^"):
        base = common.version(value[1:])
        if base is not None:
            upper = f"{base.major + 1}.0.0" if base.major > 0 else f"0.{base.minor + 1}.0"
            return f">={value[1:]},<{upper}"
    if value.startswith("~") and not value.startswith("~="):
        base = common.version(value[1:])
        if base is not None:
            return f">={value[1:]},<{base.major}.{base.minor + 1}.0"
    if common.version(value) is not None:
        return "==" + value
    return value


def _line(data: bytes, needle: bytes) -> int | None:
    index = data.lower().find(needle)
    return data.count(b"\n", 0, index) + 1 if index >= 0 else None


def _locked(tree: Tree, directory: str) -> tuple[str, str] | None:
    prefix = "" if directory == "." else directory + "/"
    for name in ("uv.lock", "poetry.lock"):
        f = tree.files.get(prefix + name)
        if f is None:
            continue
        doc = common.load_toml(f.data)
        if doc is None:
            tree.skip(f.path, f"{name} is not valid TOML")
            continue
        for package in doc.get("package") or []:
            if isinstance(package, dict) and _norm(str(package.get("name", ""))) == PACKAGE:
                ver = package.get("version")
                return (ver, f.path) if isinstance(ver, str) else None
    return None


# ------------------------------------------------------------------ code


class _Configure:
    def __init__(self, file: str, call: ast.Call, at_import: bool, handler: ast.ExceptHandler | None):
        self.file = file
        self.call = call
        self.at_import = at_import
        self.handler = handler

    @property
    def where(self) -> Where:
        return Where(self.file, self.call.lineno)


def _parents(module: ast.AST) -> dict:
    parents = {}
    for node in ast.walk(module):
        for child in ast.iter_child_nodes(node):
            parents[child] = node
    return parents


def _silent(handler: ast.ExceptHandler, reporting: tuple[str, ...]) -> bool:
    """A handler that catches TypeError (or wider) and neither re-raises nor reports."""
    caught = handler.type
    names = []
    if caught is None:
        names = ["BaseException"]
    elif isinstance(caught, ast.Tuple):
        names = [getattr(e, "id", getattr(e, "attr", "")) for e in caught.elts]
    else:
        names = [getattr(caught, "id", getattr(caught, "attr", ""))]
    if not any(n in ("Exception", "BaseException", "TypeError") for n in names):
        return False
    for node in ast.walk(ast.Module(body=handler.body, type_ignores=[])):
        if isinstance(node, ast.Raise):
            return False
        if isinstance(node, ast.Call):
            fn = node.func
            called = getattr(fn, "attr", None) or getattr(fn, "id", "") or ""
            if any(word in called.lower() for word in reporting):
                return False
    return True


def _scan(files, reporting: tuple[str, ...] = ()) -> tuple[list[_Configure], set[str]]:
    found: list[_Configure] = []
    strings: set[str] = set()
    for f in files:
        try:
            module = ast.parse(f.data)
        except (SyntaxError, ValueError, RecursionError, MemoryError):
            continue
        modules, functions = set(), set()
        for node in ast.walk(module):
            if isinstance(node, ast.Import):
                for alias in node.names:
                    if alias.name == "pyroscope":
                        modules.add(alias.asname or "pyroscope")
            elif isinstance(node, ast.ImportFrom) and node.module == "pyroscope":
                for alias in node.names:
                    if alias.name == "configure":
                        functions.add(alias.asname or "configure")
            elif isinstance(node, ast.Constant) and isinstance(node.value, str):
                strings.add(node.value)
        if not modules and not functions:
            continue
        parents = _parents(module)
        for node in ast.walk(module):
            if not isinstance(node, ast.Call):
                continue
            fn = node.func
            ours = (isinstance(fn, ast.Attribute) and fn.attr == "configure" and isinstance(fn.value, ast.Name)
                    and fn.value.id in modules) or (isinstance(fn, ast.Name) and fn.id in functions)
            if not ours:
                continue
            at_import, handler, child, parent = True, None, node, parents.get(node)
            while parent is not None:
                if isinstance(parent, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)):
                    at_import = False
                if isinstance(parent, ast.Try) and handler is None and child in parent.body:
                    for h in parent.handlers:
                        if _silent(h, reporting):
                            handler = h
                            break
                child, parent = parent, parents.get(parent)
            found.append(_Configure(f.path, node, at_import, handler))
    return found, strings


def _gunicorn_preload(service: Service, tree: Tree, dirs: set[str]) -> tuple[str, Where] | None:
    for f in common.own_files(service, tree, dirs, ("gunicorn.conf.py", "gunicorn_config.py")):
        try:
            module = ast.parse(f.data)
        except (SyntaxError, ValueError, RecursionError, MemoryError):
            continue
        for node in module.body:
            if isinstance(node, ast.Assign) and any(getattr(t, "id", None) == "preload_app" for t in node.targets):
                if isinstance(node.value, ast.Constant) and node.value.value is True:
                    return "preload_app = True", Where(f.path, node.lineno)
    words = common.command_words(service)
    if "gunicorn" in " ".join(words) and "--preload" in words:
        return "--preload", service.facts.get("command_where") or Where(service.path, None)
    return None


def analyse(service: Service, tree: Tree, ctx):
    keys = common.sdk_keys(ctx, "python-configure")
    name = service.name
    states = common.base_states(ctx, LANGUAGE)
    findings: list[Finding] = []
    if not service.methods or service.scope != "app":
        return {k: TypeState("off", None) for k in states}, findings
    dirs = common.service_dirs(service, ctx)
    files = [f for f in common.own_files(service, tree, dirs, (".py",)) if common.scope_of(f.path, tree) == "app"]
    configures, strings = _scan(files, tuple(keys.get("reporting_calls", ())))
    method = service.methods[0]
    group = service.facts.get("dev_group") or (
        service.facts.get("requirements_stem") if service.facts.get("requirements_stem") in keys.get(
            "dev_requirements", ()) else None)
    if group:
        findings.append(Finding("PD504", name, method.where, values={
            "service": name, "group": group, "manifest": service.facts.get("manifest", "")}))
    if not configures:
        findings.append(Finding("PD506", name, method.where,
                                values={"service": name, "manifest": service.facts.get("manifest", "")}))
        return {k: TypeState("off", None) for k in states}, findings

    by_setting = common.types_by_setting(ctx, LANGUAGE)
    kwargs_known = {k["name"]: k for k in keys.get("kwargs", ())}
    advice = keys.get("advice", {})
    exact = common.version(method.version) if common.is_exact(method.version) else None
    spec = service.facts.get("spec") or ""
    newest = common.version(keys.get("newest"))
    first = configures[0]
    for t in states:
        states[t] = TypeState("on" if states[t].state == "on" else "off", first.where if states[t].state == "on"
                              else None)
    for conf in configures:
        for kw in conf.call.keywords:
            if kw.arg is None:
                continue
            where = Where(conf.file, kw.value.lineno)
            value = kw.value.value if isinstance(kw.value, ast.Constant) else None
            if kw.arg in by_setting:
                # a switch set from a variable or a call is a value doctor cannot see
                state = ("on" if value else "off") if isinstance(value, bool) else "unknown"
                for t, _ in by_setting[kw.arg]:
                    if t in states:
                        states[t] = TypeState(state, where)
            if kw.arg == "server_address" and isinstance(value, str):
                service.settings.append(Setting("server_address", value, where, "code"))
            entry = kwargs_known.get(kw.arg)
            if exact is not None:
                if entry is None or not common.has_key(entry, exact):
                    findings.append(Finding("PD501", name, where, values={
                        "service": name, "version": str(exact), "pinned": service.facts.get("version_from", ""),
                        "kwarg": kw.arg, "advice": advice.get(kw.arg, keys.get("advice_default", ""))}))
            elif entry is not None and newest is not None and not common.has_key(entry, newest) \
                    and _admits(spec, newest):
                findings.append(Finding("PD508", name, where, values={
                    "service": name, "kwarg": kw.arg, "spec": f"{PACKAGE}{spec}", "admitted": str(newest),
                    "advice": advice.get(kw.arg, keys.get("advice_default", ""))}))
        if conf.handler is not None:
            findings.append(Finding("PD507", name, conf.where, values={
                "service": name, "handler": f"{conf.file}:{conf.handler.lineno}"}))

    preload = _gunicorn_preload(service, tree, dirs)
    if preload is not None:
        for conf in configures:
            if conf.at_import and not conf.file.endswith(("gunicorn.conf.py", "gunicorn_config.py")):
                findings.append(Finding("PD503", name, conf.where, values={
                    "service": name, "server": "Gunicorn", "setting": preload[0],
                    "config_file": preload[1].file}))
                break

    for key, setting in common.app_settings(service, "PYROSCOPE_").items():
        if setting.layer == "code" or key in strings:
            continue
        findings.append(Finding("PD505", name, setting.where, values={"service": name, "key": key}))
    return states, findings


def _admits(spec: str, ver) -> bool:
    from packaging.specifiers import InvalidSpecifier, SpecifierSet

    try:
        return SpecifierSet(spec.replace(" ", "")).contains(ver, prereleases=False)
    except InvalidSpecifier:
        return False
