"""Java: the pyroscope-java agent (-javaagent, JAVA_TOOL_OPTIONS, or PyroscopeAgent.start in code).

Services come from pom.xml (xml.etree), build.gradle(.kts) and gradle/libs.versions.toml, and from Dockerfiles
that fetch the agent jar. Java code is read with tree-sitter; Kotlin has no grammar here, so .kt files are read
conservatively: comments are blanked by a small lexer and only a literal ``PyroscopeAgent.start(`` counts.
"""

from __future__ import annotations

import difflib
import posixpath
import re
import shlex

from ..model import Finding, MethodUse, Service, Tree, TypeState, Where
from . import sdkcommon as common
from .javabuild import (KOTLIN_START, PACKAGE, agent_jar_in_image, builder_calls, catalog_agent,  # noqa: F401
                        code_start, gradle_agent, read_pom)

LANGUAGE = "java"


# ------------------------------------------------------------------ detect


def detect(tree: Tree) -> list[Service]:
    found: dict[str, Service] = {}
    for f in tree.named("pom.xml"):
        pom = read_pom(f.data)
        if pom is None:
            tree.skip(f.path, "pom.xml is not well-formed XML")
            continue
        if pom["aggregator"]:
            continue
        service = _service(found, tree, f.directory, pom["artifactId"])
        if pom["agent"] is not None:
            version, line = pom["agent"]
            service.methods.append(MethodUse("sdk", PACKAGE, version, Where(f.path, line)))
        service.facts["java_release"] = pom["release"]
    for f in tree.named("build.gradle", "build.gradle.kts"):
        service = _service(found, tree, f.directory, None)
        hit = gradle_agent(f.text() or "")
        if hit is not None:
            service.methods.append(MethodUse("sdk", PACKAGE, hit[0], Where(f.path, hit[1])))
    for f in tree.named("libs.versions.toml"):
        base = posixpath.dirname(f.directory) if f.directory.endswith("gradle") else f.directory
        base = base or "."
        hit = catalog_agent(f.data)
        if hit is not None and base in found:
            found[base].methods.append(MethodUse("sdk", PACKAGE, hit[0], Where(f.path, hit[1])))
    # A Dockerfile that fetches the agent jar makes a Java service even without a build file next to it.
    for f in tree.files.values():
        if not _is_dockerfile(f.name) or common.scope_of(f.path, tree) != "app":
            continue
        parsed = common.dockerfile(f)
        if parsed is None or parsed.final is None:
            continue
        jar = agent_jar_in_image(parsed)
        if jar is None:
            continue
        owner = _owner_dir(f.directory, set(found))
        if owner is None:
            if _other_manifest(tree, f.directory):
                continue
            owner = f.directory
        service = _service(found, tree, owner, None)
        service.facts["jar"] = jar
        service.methods.append(MethodUse("sdk", PACKAGE, jar["version"], Where(f.path, jar["line"])))
    return [found[k] for k in sorted(found)]


def _service(found: dict, tree: Tree, directory: str, declared: str | None) -> Service:
    if directory not in found:
        found[directory] = Service(common.service_name(directory, tree, declared), directory, LANGUAGE,
                                   scope=common.scope_of(directory + "/x", tree))
    elif declared and found[directory].name == common.service_name(directory, tree):
        found[directory].name = declared
    return found[directory]


def _owner_dir(directory: str, dirs: set[str]) -> str | None:
    # a Dockerfile in src/main/docker belongs to the build file above it
    return common.nearest_service_dir(directory + "/Dockerfile", dirs)


def _other_manifest(tree: Tree, directory: str) -> bool:
    names = ("package.json", "go.mod", "pyproject.toml", "requirements.txt", "Gemfile", "Cargo.toml")
    return any(f.directory == directory for f in tree.named(*names)) or any(
        f.directory == directory and f.name.endswith(".csproj") for f in tree.files.values())


def _is_dockerfile(name: str) -> bool:
    return name in ("Dockerfile", "Containerfile") or name.startswith("Dockerfile.") or name.endswith(".Dockerfile")


# ------------------------------------------------------------------ analyse


def _config_keys(ctx) -> dict:
    return common.sdk_keys(ctx, "java-agent")


def _to_env(name: str) -> str:
    return name.upper().replace(".", "_") if name.lower().startswith("pyroscope.") else name


def _dockerfile_command(service: Service, tree: Tree, dirs: set[str]):
    """(command words, exec form?, the instruction entry, file) from the service's final Dockerfile stage."""
    for f, parsed in common.dockerfiles_of(service, tree, dirs):
        entry_point, cmd = None, None
        for entry in parsed.final.instructions:
            if entry["instruction"].upper() == "ENTRYPOINT":
                entry_point = entry
            elif entry["instruction"].upper() == "CMD":
                cmd = entry
        chosen = [e for e in (entry_point, cmd) if e is not None]
        if not chosen:
            continue
        words: list[str] = []
        for e in chosen:
            exec_words = common.exec_form(e)
            if exec_words is not None:
                words.extend(exec_words)
            else:
                words.extend(["sh", "-c", e["value"]])
        return words, chosen, f, parsed
    return None


def _jvm_args(words: list[str]) -> tuple[list[str], str | None, int | None]:
    """Split a java command into the JVM options, what ends them (-jar X or the main class) and its index."""
    try:
        start = next(i for i, w in enumerate(words) if posixpath.basename(w) == "java")
    except StopIteration:
        return [], None, None
    for i in range(start + 1, len(words)):
        w = words[i]
        if w == "-jar":
            return words[start + 1:i], "-jar " + (words[i + 1] if i + 1 < len(words) else ""), i
        if w in ("-cp", "-classpath", "--class-path", "-p", "--module-path"):
            continue
        if i > start + 1 and words[i - 1] in ("-cp", "-classpath", "--class-path", "-p", "--module-path"):
            continue
        if not w.startswith("-") and not w.startswith("$"):
            return words[start + 1:i], w, i
    return words[start + 1:], None, None


def analyse(service: Service, tree: Tree, ctx):
    keys = _config_keys(ctx)
    dirs = common.service_dirs(service, ctx)
    findings: list[Finding] = []
    states = common.base_states(ctx, LANGUAGE)
    name = service.name
    if not service.methods and code_start(service, tree, dirs) is None:
        # no agent anywhere: every type is off, nothing to say
        return {k: TypeState("off", None) for k in states}, []

    # ---- where settings come from: env and properties layers, -D flags, the builder in code
    values: dict[str, tuple[str | None, Where, str]] = {}
    for item in service.settings:
        if item.scope != "app":
            continue
        if item.name.upper().startswith("PYROSCOPE_") or item.name.lower().startswith("pyroscope."):
            values[_to_env(item.name)] = (item.value, item.where, item.layer)
    docker = _dockerfile_command(service, tree, dirs)
    command = list(service.command) if service.command else (docker[0] if docker else None)
    command_where = service.facts.get("command_where")
    if docker is not None and not service.command:
        command_where = Where(docker[2].path, docker[1][-1]["startline"] + 1)
    words = common.command_words(Service(name, service.path, LANGUAGE, command=command)) if command else []
    tool_options = []
    for var in ("JAVA_TOOL_OPTIONS", "JDK_JAVA_OPTIONS"):
        s = common.final(ctx, service, var)
        if s is not None:
            tool_options.append((var, s))
    jvm_words = list(words)
    for var, s in tool_options:
        if s.value:
            try:
                jvm_words.extend(shlex.split(s.value))
            except ValueError:
                jvm_words.extend(s.value.split())
    builder = builder_calls(service, tree, dirs, keys)
    for env_name, (value, where) in builder.items():
        values.setdefault(env_name, (value, where, "code"))

    # ---- is the agent loaded?
    jar = service.facts.get("jar")
    loaded, unknown = False, False
    attach_at: list[Where] = []
    opts, ends, end_index = _jvm_args(words)
    agent_flags = [i for i, w in enumerate(words) if w.startswith("-javaagent:") and "pyroscope" in w.lower()]
    if agent_flags:
        if end_index is not None and all(i > end_index for i in agent_flags):
            findings.append(Finding("PD202", name, command_where or service_where(service),
                                    values={"service": name, "after": ends.split(" ")[0] if ends.startswith(
                                        "-jar") else ends, "command": _show(words)}))
        else:
            loaded = True
            attach_at.append(command_where or service_where(service))
    for var, s in tool_options:
        if s.value is None:
            unknown = True
        elif "-javaagent:" in s.value and "pyroscope" in s.value.lower():
            loaded = True
            attach_at.append(s.where)
    shell = bool(command) and command[0] in ("sh", "bash", "/bin/sh", "/bin/bash")
    java_opts = common.final(ctx, service, "JAVA_OPTS")
    if java_opts is not None and java_opts.value and "-javaagent:" in java_opts.value and shell and any(
            "$JAVA_OPTS" in w or "${JAVA_OPTS}" in w for w in (command or [])):
        loaded = True
        attach_at.append(java_opts.where)
    started_at = code_start(service, tree, dirs)
    if started_at is not None:
        loaded = True
        attach_at.append(started_at)
    exec_form_hit = False
    if docker is not None:
        for entry in docker[1]:
            exec_words = common.exec_form(entry)
            if exec_words is None or (service.command and not set(exec_words) <= set(service.command)):
                continue
            for w in exec_words:
                m = re.search(r"\$\{?([A-Za-z_][A-Za-z0-9_]*)\}?", w)
                if m and any(posixpath.basename(x) == "java" for x in exec_words):
                    findings.append(Finding("PD203", name, Where(docker[2].path, entry["startline"] + 1),
                                            values={"service": name, "instruction": entry["instruction"].upper(),
                                                    "variable": w, "variable_name": m.group(1)}))
                    exec_form_hit = True
                    break
    if not loaded and not unknown and not exec_form_hit and command is not None and not agent_flags and (
            jar is not None or service.methods):
        jar_path = jar["path"] if jar else "pyroscope.jar"
        findings.append(Finding("PD201", name, command_where or service_where(service),
                                values={"service": name, "jar": jar_path, "command": _show(command)}))

    # ---- type states: what is on by default is decided where the agent is attached
    attach_where = attach_at[0] if attach_at else None
    hidden = next((s.where for _, s in tool_options if s.value is None), None)
    for t, st in states.items():
        if st.state == "on":
            # whether the agent loads at all hangs on a value doctor cannot see (a secret, a template)
            states[t] = TypeState("unknown", hidden) if not loaded and unknown else TypeState("on", attach_where)

    def where_of(key):
        return values[key][1] if key in values else None

    by_setting = common.types_by_setting(ctx, LANGUAGE)
    event = (values.get("PYROSCOPE_PROFILER_EVENT", (None,))[0] or "itimer").lower()
    if event == keys.get("wall_event"):
        # the event setting's off-by-default types are the ones the wall event brings
        _set(states, tuple(t for t, on in by_setting.get("PYROSCOPE_PROFILER_EVENT", ()) if not on), "on",
             where_of("PYROSCOPE_PROFILER_EVENT"))
    alloc = values.get("PYROSCOPE_PROFILER_ALLOC")
    lock = values.get("PYROSCOPE_PROFILER_LOCK")
    alloc_types = tuple(t for t, _ in by_setting.get("PYROSCOPE_PROFILER_ALLOC", ()))
    lock_types = tuple(t for t, _ in by_setting.get("PYROSCOPE_PROFILER_LOCK", ()))
    for entry, types in ((alloc, alloc_types), (lock, lock_types)):
        if entry is None:
            continue
        if entry[0] is None:
            _set(states, types, "unknown", entry[1])
        elif entry[0].strip():
            _set(states, types, "on", entry[1])
    live = values.get("PYROSCOPE_ALLOC_LIVE")
    live_types = tuple(t for t, _ in by_setting.get("PYROSCOPE_ALLOC_LIVE", ()))
    if live_types and live is not None and (live[0] or "").lower() == "true" and alloc is not None:
        _set(states, live_types, "on", live[1])
        alloc_types += live_types

    # ---- thresholds of zero
    starts = keys.get("starts", {"alloc": "512k", "lock": "10ms"})
    for key, kind in (("PYROSCOPE_PROFILER_ALLOC", "alloc"), ("PYROSCOPE_PROFILER_LOCK", "lock")):
        entry = values.get(key)
        if entry is not None and entry[0] is not None and _too_fine(entry[0], kind):
            findings.append(Finding("PD204", name, entry[1], types=alloc_types if kind == "alloc" else lock_types,
                                    values={"service": name, "key": _spelled(key, entry[2]), "value": entry[0],
                                            "event": "allocation" if kind == "alloc" else "lock",
                                            "start": starts.get(kind, "")}))

    # ---- old agent without JFR
    ver = _agent_version(service)
    jfr_since = common.version(keys.get("jfr_default_since", "0.12.0"))
    fmt = (values.get("PYROSCOPE_FORMAT", (None,))[0] or "").lower()
    if ver is not None and jfr_since is not None and ver < jfr_since and fmt != "jfr":
        for key, kind, types in (("PYROSCOPE_PROFILER_ALLOC", "allocation", alloc_types),
                                 ("PYROSCOPE_PROFILER_LOCK", "lock", lock_types)):
            entry = values.get(key)
            if entry is not None and entry[0]:
                findings.append(Finding("PD205", name, entry[1], types=types,
                                        values={"service": name, "version": str(ver), "event": kind,
                                                "key": _spelled(key, entry[2])}))

    # ---- live objects on JDK 8
    if live is not None and (live[0] or "").lower() == "true":
        jdk = _jdk(service, tree, dirs, tuple(keys.get("jdk_images", ())))
        if jdk is not None:
            findings.append(Finding("PD206", name, live[1], values={"service": name, "jdk": jdk}))

    # ---- cpu event in a container
    ev = values.get("PYROSCOPE_PROFILER_EVENT")
    if ev is not None and (ev[0] or "").lower() == "cpu" and (docker is not None or service.command):
        findings.append(Finding("PD207", name, ev[1], values={"service": name}))

    # ---- unknown keys
    known = set(keys.get("keys", ()))
    not_settings = set(keys.get("not_settings", ()))
    if known:
        for key, (value, where, layer) in values.items():
            if key in known or key in not_settings or not key.startswith("PYROSCOPE_") or layer == "code":
                continue
            best = difflib.get_close_matches(key, sorted(known), n=1, cutoff=0.8)
            if not best:
                continue
            findings.append(Finding("PD208", name, where, values={"service": name, "key": _spelled(key, layer),
                                                                  "best": _spelled(best[0], layer)}))

    # ---- the master switch
    enabled = values.get("PYROSCOPE_AGENT_ENABLED")
    if enabled is not None and (enabled[0] or "").strip().lower() == "false":
        findings.append(Finding("PD210", name, enabled[1],
                                values={"service": name, "key": _spelled("PYROSCOPE_AGENT_ENABLED", enabled[2]),
                                        "value": enabled[0]}))

    return states, findings


def service_where(service: Service) -> Where:
    for m in service.methods:
        return m.where
    return Where(service.path if service.path != "." else ".", None)


def _spelled(env_key: str, layer: str) -> str:
    if layer in ("properties", "jvm-flag"):
        return env_key.lower().replace("_", ".")
    return env_key


def _show(words) -> str:
    return " ".join(shlex.quote(w) if w and not any(c in w for c in "$") else w for w in words)


def _set(states: dict, types, state: str, where) -> None:
    for t in types:
        if t in states:
            states[t] = TypeState(state, where)


def _too_fine(value: str, kind: str) -> bool:
    v = value.strip().lower()
    if v == "0":
        return True
    m = re.fullmatch(r"(\d+)\s*([a-z]*)", v)
    if not m:
        return False
    number, unit = int(m.group(1)), m.group(2)
    if kind == "alloc":
        scale = {"": 1, "b": 1, "k": 1024, "kb": 1024, "m": 1 << 20, "mb": 1 << 20, "g": 1 << 30}.get(unit)
        return scale is not None and number * scale < 1024
    scale = {"": 1, "ns": 1, "us": 1000, "ms": 1_000_000, "s": 1_000_000_000}.get(unit)
    return scale is not None and number * scale < 1_000_000


def _agent_version(service: Service):
    for m in service.methods:
        v = common.version(m.version)
        if v is not None:
            return v
    return None


_JDK8 = re.compile(r"(?:^|[:/-])(?:8|1\.8)(?:u\d+)?(?:[-.]|$)")


def _jdk(service: Service, tree: Tree, dirs: set[str], images: tuple[str, ...]) -> str | None:
    """A description of a JDK 8 runtime for this service (final image or compiler release), else None."""
    for f, parsed in common.dockerfiles_of(service, tree, dirs):
        base = parsed.final.base
        tag = base.rsplit(":", 1)[1] if ":" in base.rsplit("/", 1)[-1] else ""
        if tag and _JDK8.search(":" + tag) and any(k in base for k in images):
            return base
    release = service.facts.get("java_release")
    if release in ("8", "1.8"):
        return f"Java {release}"
    return None
