"""Node.js: the @pyroscope/nodejs SDK (init, then start or the start* calls, or the pull middlewares).

Services come from package.json; the exact version from package-lock.json / npm-shrinkwrap.json / yarn.lock.
A package only in a lockfile (someone else's dependency) is not a use. Code is read with the tree-sitter
JavaScript and TypeScript grammars: require(), ESM imports (default, namespace, named) and chained calls.
"""

from __future__ import annotations

import json
import re

from ..model import Finding, MethodUse, Service, Setting, Tree, TypeState, Where
from . import sdkcommon as common

LANGUAGE = "nodejs"
PACKAGE = "@pyroscope/nodejs"
_SUFFIXES = (".js", ".mjs", ".cjs", ".jsx", ".ts", ".mts", ".cts", ".tsx")
_YARN_ENTRY = re.compile(r'^"?@pyroscope/nodejs@[^\n]*:\n\s+version:? "?([^"\n]+)"?', re.M)


def detect(tree: Tree) -> list[Service]:
    services = []
    for f in tree.named("package.json"):
        try:
            doc = json.loads(f.data.decode("utf-8"))
        except (ValueError, UnicodeDecodeError, RecursionError):
            tree.skip(f.path, "package.json is not valid JSON")
            continue
        if not isinstance(doc, dict):
            continue
        declared = doc.get("name") if isinstance(doc.get("name"), str) else None
        service = Service(common.service_name(f.directory, tree, declared), f.directory, LANGUAGE,
                          scope=common.scope_of(f.directory + "/x", tree))
        for group in ("dependencies", "devDependencies", "optionalDependencies"):
            deps = doc.get(group)
            if isinstance(deps, dict) and isinstance(deps.get(PACKAGE), str):
                spec = deps[PACKAGE]
                exact = locked_version(tree, f.directory) or spec
                service.methods.append(MethodUse("sdk", PACKAGE, exact, Where(f.path, _line(f.data, PACKAGE))))
                service.facts["dev_only"] = group == "devDependencies"
                break
        services.append(service)
    return services


def _line(data: bytes, needle: str) -> int | None:
    index = data.find(f'"{needle}"'.encode())
    return data.count(b"\n", 0, index) + 1 if index >= 0 else None


def locked_version(tree: Tree, directory: str) -> str | None:
    """The version a lockfile next to package.json pins for the SDK."""
    prefix = "" if directory == "." else directory + "/"
    for name in ("package-lock.json", "npm-shrinkwrap.json"):
        f = tree.files.get(prefix + name)
        if f is None:
            continue
        try:
            doc = json.loads(f.data.decode("utf-8"))
        except (ValueError, UnicodeDecodeError, RecursionError):
            tree.skip(f.path, f"{name} is not valid JSON")
            continue
        packages = doc.get("packages") if isinstance(doc, dict) else None
        if isinstance(packages, dict):
            entry = packages.get("node_modules/" + PACKAGE)
            if isinstance(entry, dict) and isinstance(entry.get("version"), str):
                return entry["version"]
        deps = doc.get("dependencies") if isinstance(doc, dict) else None
        if isinstance(deps, dict) and isinstance(deps.get(PACKAGE), dict):
            ver = deps[PACKAGE].get("version")
            if isinstance(ver, str):
                return ver
    f = tree.files.get(prefix + "yarn.lock")
    if f is not None:
        m = _YARN_ENTRY.search(f.text() or "")
        if m:
            return m.group(1)
    return None


# ------------------------------------------------------------------ code


class _Use:
    def __init__(self):
        self.inits: list[tuple[str, int, object]] = []      # (file, line, config node)
        self.starts: list[tuple[str, str, int]] = []       # (call name, file, line)
        self.pull: list[tuple[str, str, int]] = []


def _module_names(root) -> tuple[set[str], set[str]]:
    """Names bound to the SDK module (namespace-like) and to its functions (destructured / named imports)."""
    modules, functions = set(), set()
    for node in common.nodes(root):
        if node.type == "variable_declarator":
            value = node.child_by_field_name("value")
            target = node.child_by_field_name("name")
            if value is None or target is None:
                continue
            if value.type == "await_expression" and value.named_children:
                value = value.named_children[0]
            if not _requires_sdk(value):
                continue
            _bind(target, modules, functions)
        elif node.type == "import_statement":
            source = node.child_by_field_name("source")
            if common.string_value(source) != PACKAGE:
                continue
            for clause in node.named_children:
                if clause.type != "import_clause":
                    continue
                for part in clause.named_children:
                    if part.type == "identifier":
                        modules.add(common.text(part))
                    elif part.type == "namespace_import":
                        for ident in part.named_children:
                            modules.add(common.text(ident))
                    elif part.type == "named_imports":
                        for spec in part.named_children:
                            alias = spec.child_by_field_name("alias") or spec.child_by_field_name("name")
                            if alias is not None:
                                functions.add(common.text(alias))
    # a second pass: `const { expressMiddleware } = Pyroscope.default` (or = Pyroscope)
    for node in common.nodes(root):
        if node.type == "variable_declarator":
            value, target = node.child_by_field_name("value"), node.child_by_field_name("name")
            if value is not None and target is not None and target.type == "object_pattern" and (
                    common.text(value) in modules or common.text(value).removesuffix(".default") in modules):
                _bind(target, set(), functions)
    return modules, functions


def _bind(target, modules: set[str], functions: set[str]) -> None:
    if target.type == "identifier":
        modules.add(common.text(target))
    elif target.type == "object_pattern":
        for part in target.named_children:
            if part.type == "shorthand_property_identifier_pattern":
                functions.add(common.text(part))
            elif part.type == "pair_pattern":
                v = part.child_by_field_name("value")
                if v is not None:
                    functions.add(common.text(v))


def _requires_sdk(node) -> bool:
    if node is None or node.type != "call_expression":
        return False
    fn = node.child_by_field_name("function")
    args = common.arg_nodes(node.child_by_field_name("arguments"))
    if fn is None or common.text(fn) not in ("require", "import") or not args:
        return False
    return common.string_value(args[0]) == PACKAGE


def _scan(service: Service, tree: Tree, dirs: set[str], keys: dict) -> _Use:
    use = _Use()
    for f in common.own_files(service, tree, dirs, _SUFFIXES):
        if common.scope_of(f.path, tree) != "app" or b"pyroscope" not in f.data.lower():
            continue
        lang = "tsx" if f.path.endswith(".tsx") else "typescript" if f.path.endswith((".ts", ".mts", ".cts")) \
            else "javascript"
        root = common.parse(lang, f.data)
        if root is None:
            continue
        modules, functions = _module_names(root)
        for call in common.calls(lang, root):
            receiver_node = call.node.child_by_field_name("function") if call.node is not None else None
            obj = receiver_node.child_by_field_name("object") if receiver_node is not None and \
                receiver_node.type == "member_expression" else None
            ours = False
            if obj is not None:
                base = common.text(obj)
                ours = base in modules or base.removesuffix(".default") in modules or _requires_sdk(obj)
            elif call.receiver == "" and call.name in functions:
                ours = True
            if not ours:
                continue
            if call.name == "init":
                args = common.arg_nodes(call.args)
                use.inits.append((f.path, call.line, args[0] if args else None))
            elif call.name in (keys.get("starts") or {}):
                use.starts.append((call.name, f.path, call.line))
            elif call.name in (keys.get("pull") or ()):
                use.pull.append((call.name, f.path, call.line))
    return use


def _object_keys(node) -> dict[str, tuple[object, int]]:
    out = {}
    if node is None or node.type != "object":
        return out
    for pair in node.named_children:
        if pair.type == "pair":
            key = pair.child_by_field_name("key")
            name = common.string_value(key) if key is not None and key.type == "string" else common.text(key)
            out[name] = (pair.child_by_field_name("value"), common.line(pair))
        elif pair.type == "shorthand_property_identifier":
            out[common.text(pair)] = (None, common.line(pair))
    return out


def analyse(service: Service, tree: Tree, ctx):
    keys = common.sdk_keys(ctx, "nodejs-options")
    name = service.name
    states = common.base_states(ctx, LANGUAGE)
    for t in states:
        states[t] = TypeState("off", None)
    findings: list[Finding] = []
    if not service.methods or service.scope != "app":
        return states, findings
    dirs = common.service_dirs(service, ctx)
    use = _scan(service, tree, dirs, keys)
    if service.facts.get("dev_only"):
        findings.append(Finding("PD406", name, service.methods[0].where,
                                values={"service": name, "manifest": service.methods[0].where.file}))
    ver = common.version(service.methods[0].version)
    starts = keys.get("starts", {})

    config_keys: dict = {}
    init_where = None
    for file, line, config in use.inits:
        init_where = init_where or Where(file, line)
        if config is None or config.type != "object":
            continue
        found = _object_keys(config)
        config_keys.update({k: (v, Where(file, ln)) for k, (v, ln) in found.items()})
        options = {o["name"]: o for o in keys.get("options", ())}
        nested = keys.get("nested", {})
        advice = keys.get("advice", {})
        for key, (value, ln) in found.items():
            entry = options.get(key)
            if entry is not None and common.has_key(entry, ver):
                if key in nested and value is not None and value.type == "object":
                    for sub, (_, sub_line) in _object_keys(value).items():
                        if sub not in nested[key]:
                            findings.append(Finding("PD404", name, Where(file, sub_line), values={
                                "service": name, "key": f"{key}.{sub}", "version": _shown(service),
                                "advice": advice.get(sub, keys.get("advice_default", ""))}))
                continue
            findings.append(Finding("PD404", name, Where(file, ln), values={
                "service": name, "key": key, "version": _shown(service),
                "advice": advice.get(key, keys.get("advice_default", ""))}))
        address = found.get("serverAddress")
        if address is not None:
            value = common.string_value(address[0]) if address[0] is not None else None
            if value is not None:
                service.settings.append(Setting("serverAddress", value, Where(file, address[1]), "code"))

    started: dict[str, Where] = {}
    for call, file, line in use.starts:
        for t in starts.get(call, ()):
            started.setdefault(t, Where(file, line))
    for call, file, line in use.pull:
        for t in starts.get("start", ()):
            started.setdefault(t, Where(file, line))
    if use.inits and not use.starts and not use.pull:
        findings.append(Finding("PD401", name, init_where, values={"service": name}))
        for t in starts.get("start", ()):
            if t in states:
                states[t] = TypeState("on", init_where)
    for t, where in started.items():
        if t in states:
            states[t] = TypeState("on", where)
    wall_types = set(starts.get("startWallProfiling", ()))
    heap_types = set(starts.get("startHeapProfiling", ()))
    if wall_types & set(started) and not heap_types & set(started):
        call = next(c for c in use.starts if wall_types & set(starts.get(c[0], ())))
        findings.append(Finding("PD402", name, Where(call[1], call[2]), values={"service": name,
                                                                              "call": call[0] + "()"}))

    # ---- CPU time inside the wall profile (an option of the wall block, or the env variable)
    option, flag = keys.get("cpu_time_option", ["", ""])
    cpu_types = [t for t in keys.get("cpu_time_types", ()) if t in states]
    cpu_where = None
    wall_cfg = config_keys.get(option)
    if wall_cfg is not None and wall_cfg[0] is not None and wall_cfg[0].type == "object":
        cpu = _object_keys(wall_cfg[0]).get(flag)
        if cpu is not None and cpu[0] is not None and common.text(cpu[0]) == "true":
            cpu_where = Where(wall_cfg[1].file, cpu[1])
    env_cpu = common.final(ctx, service, keys.get("cpu_time_env", ""))
    if cpu_where is None and env_cpu is not None and (env_cpu.value or "").lower() in ("true", "1"):
        cpu_where = env_cpu.where
    wall_on = [t for t in wall_types if t in states and states[t].state == "on"]
    if cpu_types and wall_on:
        if cpu_where is not None:
            for t in cpu_types:
                states[t] = TypeState("on", cpu_where)
        elif env_cpu is not None and env_cpu.value is None:
            for t in cpu_types:
                states[t] = TypeState("unknown", env_cpu.where)
        elif use.starts or use.pull:
            findings.append(Finding("PD403", name, states[wall_on[0]].where, values={"service": name}))

    # ---- auth and tenant in the environment
    for env_name, option in (keys.get("env_code_only") or {}).items():
        s = common.final(ctx, service, env_name)
        if s is None or not use.inits or option in config_keys:
            continue
        findings.append(Finding("PD405", name, s.where, values={"service": name, "key": env_name,
                                                              "option": option}))
    return states, findings


def _shown(service: Service) -> str:
    return service.methods[0].version or "?"
