""".NET: the pyroscope-dotnet native CLR profiler, attached with CORECLR_* env vars.

Services come from *.csproj / *.fsproj / *.vbproj (xml.etree): target framework and the managed Pyroscope
package. The native profiler never comes from NuGet, so its version is read from the Dockerfile (release tarball
name or pyroscope-dotnet image tag). Every setting is an environment variable; the profiler looks a name up as
DD_X, then X, then PYROSCOPE_X (pyroscope-dotnet shared/src/native-src/util.cpp).
"""

from __future__ import annotations

import posixpath
import re

from ..model import Finding, MethodUse, Service, Tree, TypeState, Where
from . import sdkcommon as common

LANGUAGE = "dotnet"
NATIVE = "pyroscope-dotnet"
_PROJECT_SUFFIXES = (".csproj", ".fsproj", ".vbproj")
_TARBALL = re.compile(r"pyroscope[.-]v?(\d+\.\d+\.\d+)-(glibc|musl)")
_IMAGE = re.compile(r"pyroscope-dotnet:v?(\d+\.\d+\.\d+)(?:-pyroscope)?-(glibc|musl)")
_TFM = re.compile(r"^net(?:coreapp)?(\d+)\.(\d+)")


def detect(tree: Tree) -> list[Service]:
    services: list[Service] = []
    taken: set[str] = set()
    for path in sorted(tree.files):
        f = tree.files[path]
        if not f.name.endswith(_PROJECT_SUFFIXES):
            continue
        project = read_project(f.data)
        if project is None:
            tree.skip(f.path, "project file is not well-formed XML")
            continue
        if f.directory in taken:
            continue
        taken.add(f.directory)
        name = posixpath.splitext(f.name)[0]
        home = image_home(tree, f)
        service = Service(name, home, LANGUAGE, scope=common.scope_of(home + "/x", tree))
        service.facts["project"] = f.path
        service.facts["frameworks"] = project["frameworks"]
        for package, ver, line in project["packages"]:
            service.facts.setdefault("packages", []).append((package, ver, line))
        services.append(service)
    dirs = {s.path for s in services}
    for service in services:
        origin = native_origin(service, tree, dirs)
        if origin is not None:
            service.facts["native"] = origin
            service.methods.append(MethodUse("sdk", NATIVE, origin["version"], origin["where"]))
        for package, ver, line in service.facts.get("packages", []):
            service.methods.append(MethodUse("sdk", package, ver, Where(service.facts["project"], line)))
    return services


def image_home(tree: Tree, project) -> str:
    """The folder a project is deployed from: its own, or the nearest folder above whose Dockerfile builds it
    (grafana/pyroscope's .NET examples keep the Dockerfile one level above example/Example.csproj)."""
    directory = project.directory
    if any(common.is_dockerfile(f.name) and f.directory == directory for f in tree.under(directory)):
        return directory
    manifests = ("package.json", "go.mod", "pyproject.toml", "pom.xml", "Cargo.toml", "Gemfile")
    current = directory
    while current not in (".", ""):
        current = posixpath.dirname(current) or "."
        here = [f for f in tree.under(current) if f.directory == current]
        if any(f.name in manifests or f.name.endswith(_PROJECT_SUFFIXES) for f in here):
            return directory
        rel = directory[len(current) + 1:] if current != "." else directory
        for f in here:
            if common.is_dockerfile(f.name) and _copies(f, rel, project.name):
                return current
    return directory


def _copies(dockerfile, rel: str, name: str) -> bool:
    """Whether a Dockerfile ADDs or COPYs the project's folder (or the project file) from the build context."""
    import shlex

    parsed = common.dockerfile(dockerfile)
    for stage in parsed.stages if parsed is not None else ():
        for entry in stage.instructions:
            if entry["instruction"].upper() not in ("ADD", "COPY") or "--from" in entry["value"]:
                continue
            try:
                words = shlex.split(entry["value"])
            except ValueError:
                continue
            sources = [w.rstrip("/") for w in words[:-1] if not w.startswith("--")]
            if any(w in (rel, f"{rel}/{name}", f"./{rel}") or w.endswith("/" + name) or w == name
                   for w in sources):
                return True
    return False


def read_project(data: bytes) -> dict | None:
    """Target frameworks and Pyroscope package references of an MSBuild project file."""
    import xml.etree.ElementTree as ET

    try:
        root = ET.fromstring(data)
    except ET.ParseError:
        return None
    frameworks: list[str] = []
    packages: list[tuple[str, str | None, int | None]] = []
    for node in root.iter():
        tag = node.tag.rsplit("}", 1)[-1]
        if tag in ("TargetFramework", "TargetFrameworks") and node.text:
            frameworks += [t.strip() for t in node.text.split(";") if t.strip()]
        elif tag == "PackageReference":
            include = node.get("Include") or ""
            if include.lower() in ("pyroscope", "pyroscope.opentelemetry"):
                ver = node.get("Version")
                if ver is None:
                    child = next((c for c in node if c.tag.rsplit("}", 1)[-1] == "Version"), None)
                    ver = child.text.strip() if child is not None and child.text else None
                needle = f'Include="{include}"'.encode()
                index = data.find(needle)
                line = data.count(b"\n", 0, index) + 1 if index >= 0 else None
                packages.append((include, ver, line))
    return {"frameworks": frameworks, "packages": packages}


def native_origin(service: Service, tree: Tree, dirs: set[str]) -> dict | None:
    """Where the image gets the native profiler: build (glibc/musl), version, the line, and the stage."""
    for f, parsed in common.dockerfiles_of(service, tree, dirs):
        for stage in parsed.stages:
            for entry in stage.instructions:
                text = entry.get("expanded", entry["value"])
                m = _TARBALL.search(text) or _IMAGE.search(text)
                if m is None:
                    continue
                return {"version": m.group(1), "build": m.group(2), "where": Where(f.path, entry["startline"] + 1),
                        "dockerfile": f.path, "text": m.group(0)}
            m = _IMAGE.search(stage.base)
            if m is not None:
                return {"version": m.group(1), "build": m.group(2), "where": Where(f.path, stage.base_line),
                        "dockerfile": f.path, "text": m.group(0)}
    return None


def _lookup(service: Service, name: str):
    """The winning Setting for a profiler name, with the profiler's DD_X / X / PYROSCOPE_X lookup chain."""
    suffix = name[len("PYROSCOPE_"):] if name.startswith("PYROSCOPE_") else name
    for candidate in ("DD_" + suffix, suffix, "PYROSCOPE_" + suffix):
        found = common.final(None, service, candidate)
        if found is not None:
            return found
    return None


def _bool(value: str | None, keys: dict) -> bool | None:
    if value is None:
        return None
    v = value.strip().strip('"').strip("'")
    if v in keys.get("false_values", ("0", "false")):
        return False
    if v in keys.get("true_values", ("1", "true")):
        return True
    return None


def analyse(service: Service, tree: Tree, ctx):
    keys = common.sdk_keys(ctx, "dotnet-profiler")
    findings: list[Finding] = []
    name = service.name
    states = common.base_states(ctx, LANGUAGE)
    env = common.app_settings(service)
    pyro = {k: s for k, s in env.items() if k.startswith(("PYROSCOPE_", "DD_PROFILING_"))}
    guid = (keys.get("profiler_guid") or "").lower()
    profiler = env.get("CORECLR_PROFILER")
    attached = profiler is not None and (profiler.value or "").strip().lower() == guid
    native = service.facts.get("native")
    dirs = common.service_dirs(service, ctx)

    # ---- settings only in a build stage
    final_names = set(env)
    by_setting = common.types_by_setting(ctx, LANGUAGE)
    for f, parsed in common.dockerfiles_of(service, tree, dirs):
        for stage in parsed.stages[:-1]:
            for key, (value, line) in stage.env.items():
                if not key.startswith(("PYROSCOPE_", "CORECLR_", "DD_PROFILING_")) or key in final_names:
                    continue
                types = tuple(t for t, _ in by_setting.get("PYROSCOPE_" + key.split("_", 1)[1], ())) \
                    if key.startswith("DD_") else tuple(t for t, _ in by_setting.get(key, ()))
                findings.append(Finding("PD305", name, Where(f.path, line), types=types,
                                        values={"service": name, "key": key,
                                                "stage": stage.name or str(stage.index)}))

    if not pyro and not attached and native is None and profiler is None:
        return {k: TypeState("off", None) for k in states}, findings

    # ---- type switches
    where_default = (profiler.where if profiler is not None else None) or (native or {}).get("where")
    switches = common.types_by_setting(ctx, LANGUAGE)
    deprecated = keys.get("deprecated", {})
    for switch, spec in switches.items():
        if not switch.startswith("PYROSCOPE_PROFILING_"):
            continue
        setting = _lookup(service, switch)
        if setting is None:
            for old, new in deprecated.items():
                if new == switch:
                    setting = _lookup(service, old)
        types = [t for t, _ in spec if t in states]
        if setting is None:
            for t, default_on in spec:
                states[t] = TypeState("on" if default_on else "off", where_default if default_on else None)
            continue
        parsed = _bool(setting.value, keys)
        state = "unknown" if parsed is None else ("on" if parsed else "off")
        for t in types:
            states[t] = TypeState(state, setting.where)
    for old in deprecated:
        setting = _lookup(service, old)
        if setting is not None and setting.name.endswith(old[len("PYROSCOPE_"):]):
            findings.append(Finding("PD307", name, setting.where, values={"service": name, "key": setting.name}))

    # ---- will the CLR load it?
    reason = None
    enable = env.get("CORECLR_ENABLE_PROFILING")
    path = env.get("CORECLR_PROFILER_PATH") or env.get("CORECLR_PROFILER_PATH_64")
    diagnostics = env.get("DOTNET_EnableDiagnostics")
    diag_profiler = env.get("DOTNET_EnableDiagnostics_Profiler")
    anchor = next(iter(pyro.values())).where if pyro else where_default
    if enable is None or (enable.value is not None and enable.value.strip() != "1"):
        reason = ("CORECLR_ENABLE_PROFILING", enable.value if enable is not None else "unset", "1",
                  enable.where if enable is not None else anchor)
    elif profiler is None or (profiler.value is not None and not attached):
        reason = ("CORECLR_PROFILER", profiler.value if profiler is not None else "unset",
                  keys.get("profiler_guid", ""), profiler.where if profiler is not None else anchor)
    elif path is None:
        reason = ("CORECLR_PROFILER_PATH", "unset", f"the path of {keys.get('native_library', 'the library')}",
                  anchor)
    elif diagnostics is not None and (diagnostics.value or "").strip() == "0" and (
            diag_profiler is None or (diag_profiler.value or "").strip() != "1"):
        reason = ("DOTNET_EnableDiagnostics", "0", "1 (or DOTNET_EnableDiagnostics_Profiler=1)", diagnostics.where)
    if reason is not None and not (enable is not None and enable.value is None):
        findings.append(Finding("PD302", name, reason[3] or Where(service.path, None),
                                values={"service": name, "key": reason[0], "value": reason[1],
                                        "needed": reason[2]}))

    # ---- live heap needs .NET 7
    heap_types = [t for t, _ in common.types_by_setting(ctx, LANGUAGE).get("PYROSCOPE_PROFILING_HEAP_ENABLED", ())]
    heap = [t for t in heap_types if t in states and states[t].state == "on"]
    if heap:
        low = _old_framework(service, int(keys.get("heap_min_dotnet", 7)))
        if low is not None:
            findings.append(Finding("PD303", name, states[heap[0]].where or Where(service.facts["project"], None),
                                    types=tuple(heap),
                                    values={"service": name, "project": service.facts.get("project", name),
                                            "framework": low}))

    # ---- the master switch
    master = None
    for key in keys.get("master", ("DD_PROFILING_ENABLED", "PYROSCOPE_PROFILING_ENABLED")):
        if key in env:
            master = env[key]
            break
    if master is None:
        if reason is None:
            findings.append(Finding("PD306", name, (enable or profiler).where if (enable or profiler) else
                                    Where(service.path, None), values={"service": name}))
    else:
        parsed = _bool(master.value, keys)
        if parsed is False:
            findings.append(Finding("PD301", name, master.where,
                                    values={"service": name, "key": master.name, "value": master.value}))
            for t, st in states.items():
                if st.state == "on":
                    states[t] = TypeState("off", master.where)
        elif parsed is None and master.value is None:
            for t, st in states.items():
                if st.state == "on":
                    states[t] = TypeState("unknown", master.where)

    # ---- glibc / musl
    if native is not None:
        for f, parsed in common.dockerfiles_of(service, tree, dirs):
            if f.path != native["dockerfile"]:
                continue
            base = parsed.final.base
            musl = any(k in base.lower() for k in keys.get("musl_images", ()))
            known = musl or any(k in base.lower() for k in keys.get("glibc_images", ()))
            libc = "musl" if musl else "glibc"
            if known and libc != native["build"]:
                findings.append(Finding("PD304", name, Where(f.path, parsed.final.base_line),
                                        values={"service": name, "build": native["build"], "origin": native["text"],
                                                "base": base, "libc": libc}))
    return states, findings


def _old_framework(service: Service, minimum: int) -> str | None:
    frameworks = service.facts.get("frameworks") or []
    if not frameworks:
        return None
    majors = []
    for tfm in frameworks:
        m = _TFM.match(tfm)
        if m is None:
            return None
        major = 3 if tfm.startswith("netcoreapp") else int(m.group(1))
        majors.append((major, tfm))
    newest = max(majors)
    return newest[1] if newest[0] < minimum else None
