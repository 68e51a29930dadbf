"""Deployment layers: what a program sees at run time, read from Dockerfiles, compose files, Kubernetes
manifests, Helm values, .env and .properties files, and JVM flags.

``read(tree, rules)`` gathers every deployment fact of the tree once; ``attach(service, ...)`` gives a
service its settings in runtime order (lowest first, later wins) and its effective command:

    properties < dockerfile (final stage) < env-file < compose < kubernetes < jvm-flag

A value doctor cannot see (a Secret, an unknown ConfigMap, a template, an undefined variable) is kept
as a Setting whose value is None, with ``source`` saying where it comes from.
"""

from __future__ import annotations

import io
import posixpath
import re
import shlex
from dataclasses import dataclass, field
from typing import Any

from .model import Service, Setting, SourceFile, Tree, Where
from .yamldocs import YAMLTrouble, YMap, get, load_all

ORDER = ("code", "properties", "dockerfile", "env-file", "compose", "kubernetes", "helm", "jvm-flag")
WORKLOAD_KINDS = {"Deployment", "StatefulSet", "DaemonSet", "Pod", "Job", "CronJob", "ReplicaSet"}
JAVA_OPTION_VARS = ("JAVA_TOOL_OPTIONS", "JDK_JAVA_OPTIONS", "JAVA_OPTS", "_JAVA_OPTIONS")
_VAR = re.compile(r"\$(?:\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-=?+])([^}]*))?\}|([A-Za-z_][A-Za-z0-9_]*))")


@dataclass
class Stage:
    index: int
    name: str | None
    base: str
    line: int
    env: list[Setting] = field(default_factory=list)
    instructions: list[tuple[str, str, int]] = field(default_factory=list)  # (INSTRUCTION, value, line)


@dataclass
class Image:
    """One Dockerfile."""

    path: str
    directory: str
    stages: list[Stage]
    entrypoint: list[str] | None = None
    entrypoint_line: int | None = None
    entrypoint_exec: bool = True
    cmd: list[str] | None = None
    cmd_line: int | None = None
    cmd_exec: bool = True

    @property
    def final(self) -> Stage:
        return self.stages[-1]

    def command(self) -> list[str] | None:
        parts = (self.entrypoint or []) + (self.cmd or [])
        return parts or None


@dataclass
class Workload:
    """Something that runs a container: a compose service or a Kubernetes container."""

    kind: str  # "compose" | "kubernetes"
    name: str  # compose service name, or the container name
    file: str
    line: int
    image: str | None = None
    build_context: str | None = None  # compose: relative to the root
    dockerfile: str | None = None  # compose: relative to the root
    env: list[Setting] = field(default_factory=list)
    entrypoint: list[str] | None = None
    command: list[str] | None = None  # compose command / Kubernetes args
    command_line: int | None = None
    privileged: bool = False
    host_pid: bool = False
    run_as_root: bool | None = None
    capabilities: list[str] = field(default_factory=list)
    annotations: dict = field(default_factory=dict)
    annotation_lines: dict = field(default_factory=dict)
    workload: str | None = None  # Kubernetes: the owning object, e.g. "DaemonSet/alloy"
    siblings: list[str] = field(default_factory=list)  # other containers' images in the same pod
    mounts: list[str] = field(default_factory=list)  # compose volume sources, ConfigMap names
    scope: str = "app"

    def effective(self, image: Image | None) -> list[str] | None:
        """The command this workload runs: its own overrides first, then the image's."""
        if self.kind == "compose":
            entry = self.entrypoint if self.entrypoint is not None else (image.entrypoint if image else None)
            cmd = self.command if self.command is not None else (
                (image.cmd if image else None) if self.entrypoint is None else None)
        else:
            entry = self.entrypoint if self.entrypoint is not None else (image.entrypoint if image else None)
            cmd = self.command if self.command is not None else (
                (image.cmd if image else None) if self.entrypoint is None else None)
        parts = (entry or []) + (cmd or [])
        return parts or None


@dataclass
class AlloyConfig:
    file: str
    blocks: list  # alloy.Block
    scope: str
    configmap: str | None = None  # the ConfigMap it is embedded in, if any
    group: str = ""  # configs loaded together (one folder, or one ConfigMap)


@dataclass
class Deployment:
    images: list[Image] = field(default_factory=list)
    workloads: list[Workload] = field(default_factory=list)
    configmaps: dict[str, tuple[str, YMap]] = field(default_factory=dict)  # name -> (file, data)
    helm_values: list[tuple[str, YMap]] = field(default_factory=list)
    env_files: dict[str, list[Setting]] = field(default_factory=dict)
    properties: dict[str, list[Setting]] = field(default_factory=dict)
    alloy: list[AlloyConfig] = field(default_factory=list)
    yaml: dict[str, list] = field(default_factory=dict)  # every YAML file read: path -> documents


# --------------------------------------------------------------------------------------------- reading

def read(tree: Tree, rules) -> Deployment:
    """Every deployment fact in the tree. Files that cannot be parsed are added to tree.skipped."""
    from fnmatch import fnmatch

    out = Deployment()
    for path, source in sorted(tree.files.items()):
        name = source.name
        scope = rules.scope_of(path)
        if name == "Dockerfile" or name.startswith("Dockerfile.") or name.endswith(".Dockerfile") \
                or name == "Containerfile":
            image = read_dockerfile(source, tree, scope)
            if image is not None:
                out.images.append(image)
        elif name.endswith((".yaml", ".yml")):
            if "/templates/" in f"/{path}" and _templated(source):
                tree.skip(path, "Helm template (not rendered; only values files are read)")
                continue
            text = source.text()
            if text is None:
                tree.skip(path, "not UTF-8 text")
                continue
            try:
                docs = load_all(text)
            except YAMLTrouble as error:
                tree.skip(path, str(error))
                continue
            out.yaml[path] = docs
            if fnmatch(name, "compose*.y*ml") or fnmatch(name, "docker-compose*.y*ml"):
                _compose(out, source, docs, tree, scope)
            elif fnmatch(name, "values*.y*ml"):
                out.helm_values += [(path, doc) for doc in docs if isinstance(doc, YMap)]
            else:
                _kubernetes(out, source, docs, scope)
        elif name == ".env" or name.startswith(".env.") or name.endswith(".env"):
            out.env_files[path] = read_env_file(source, tree)
        elif name.endswith(".properties"):
            out.properties[path] = read_properties(source, tree)
        elif name.endswith((".alloy", ".river")):
            _alloy_file(out, source, tree, scope)
    for path, docs in out.yaml.items():  # Alloy configs embedded in ConfigMaps or Helm values
        for doc in docs:
            _embedded_alloy(out, path, doc, rules.scope_of(path), tree)
    return out


def _templated(source: SourceFile) -> bool:
    return b"{{" in source.data


def read_dockerfile(source: SourceFile, tree: Tree, scope: str) -> Image | None:
    from dockerfile_parse import DockerfileParser
    from dockerfile_parse.util import extract_key_values

    try:
        parser = DockerfileParser(fileobj=io.BytesIO(source.data), env_replace=False)
        structure = parser.structure
    except Exception as error:  # noqa: BLE001 - any parser failure is a skipped file, not a crash
        tree.skip(source.path, f"Dockerfile not readable ({type(error).__name__})")
        return None
    directory = source.directory
    image = Image(source.path, directory, [])
    args: dict[str, str] = {}
    env: dict[str, str] = {}
    for item in structure:
        instruction, value = item["instruction"].upper(), item["value"]
        line = item["startline"] + 1
        if instruction == "FROM":
            words = value.split()
            base = substitute(words[0], {**args}) if words else ""
            name = words[2] if len(words) >= 3 and words[1].upper() == "AS" else None
            image.stages.append(Stage(len(image.stages), name, base or "", line))
            env = {}
            image.entrypoint = image.cmd = None
            continue
        if not image.stages:
            if instruction == "ARG":
                for key, default in _arg(value):
                    args[key] = default
            continue
        stage = image.stages[-1]
        stage.instructions.append((instruction, value, line))
        if instruction == "ARG":
            for key, default in _arg(value):
                if default is not None:
                    args[key] = default
        elif instruction == "ENV":
            try:
                pairs = extract_key_values(False, {}, {}, value)
            except Exception:  # noqa: BLE001
                tree.skip(source.path, f"line {line}: ENV not readable")
                continue
            for key, raw in pairs:
                resolved = substitute(raw, {**args, **env})
                env[key] = resolved if resolved is not None else raw
                stage.env.append(Setting(key, resolved, Where(source.path, _line_in(item, key)), "dockerfile",
                                         scope, None if resolved is not None else "a build argument"))
        elif instruction in ("ENTRYPOINT", "CMD"):
            words, exec_form = _command(value)
            if instruction == "ENTRYPOINT":
                image.entrypoint, image.entrypoint_line, image.entrypoint_exec = words, line, exec_form
                image.cmd = None
            else:
                image.cmd, image.cmd_line, image.cmd_exec = words, line, exec_form
    if not image.stages:
        tree.skip(source.path, "Dockerfile without FROM")
        return None
    return image


def _arg(value: str):
    for word in value.split():
        key, _, default = word.partition("=")
        yield key, (default.strip('"\'') if "=" in word else None)


def _line_in(item: dict, key: str) -> int:
    for offset, text in enumerate(item["content"].splitlines()):
        if re.search(rf"(^|\s){re.escape(key)}[=\s]", text):
            return item["startline"] + 1 + offset
    return item["startline"] + 1


def _command(value: str) -> tuple[list[str], bool]:
    """(words, exec_form). Shell form becomes ["/bin/sh", "-c", text]."""
    import json

    stripped = value.strip()
    if stripped.startswith("["):
        try:
            words = json.loads(stripped)
            if isinstance(words, list) and all(isinstance(w, str) for w in words):
                return words, True
        except ValueError:
            pass
    return ["/bin/sh", "-c", stripped], False


def substitute(value: str, variables: dict[str, str]) -> str | None:
    """$VAR / ${VAR} / ${VAR:-default} filled from ``variables``; None when a variable is unknown."""
    missing = []

    def fill(match):
        name = match.group(1) or match.group(4)
        op, default = match.group(2), match.group(3)
        have = variables.get(name)
        if op in (":-", "-", ":=", "="):
            return have if have not in (None, "") or (op in ("-", "=") and have is not None) else (default or "")
        if op in (":+", "+"):
            return (default or "") if have else ""
        if have is None:
            missing.append(name)
            return ""
        return have

    result = _VAR.sub(fill, value.replace("$$", "\0")).replace("\0", "$")
    return None if missing else result


def _compose(out: Deployment, source: SourceFile, docs: list, tree: Tree, scope: str) -> None:
    directory = source.directory
    dot_env = {s.name: s.value for s in out.env_files.get(_rel(directory, ".env"), [])}
    if not dot_env:
        env_source = tree.files.get(_rel(directory, ".env"))
        if env_source is not None:
            dot_env = {s.name: s.value for s in read_env_file(env_source, tree)}
    for doc in docs:
        services = get(doc, "services")
        if not isinstance(services, dict):
            continue
        for name, spec in services.items():
            if not isinstance(spec, dict):
                continue
            work = Workload("compose", name, source.path, services.line_of(name), scope=scope)
            work.image = _interpolate(spec.get("image"), dot_env)
            build = spec.get("build")
            if isinstance(build, str):
                work.build_context = _rel(directory, build)
            elif isinstance(build, dict):
                context = _rel(directory, build.get("context") or ".")
                work.build_context = context
                if isinstance(build.get("dockerfile"), str):
                    work.dockerfile = _rel(context, build["dockerfile"])
            env_files = spec.get("env_file")
            for item in ([env_files] if isinstance(env_files, str) else env_files or []):
                path = item.get("path") if isinstance(item, dict) else item
                if not isinstance(path, str):
                    continue
                rel = _rel(directory, path)
                env_source = tree.files.get(rel)
                if env_source is not None:
                    work.env += [Setting(s.name, s.value, s.where, "env-file", scope, s.source)
                                 for s in read_env_file(env_source, tree)]
            environment = spec.get("environment")
            if isinstance(environment, dict):
                for key, value in environment.items():
                    work.env.append(_compose_value(key, value, dot_env, source.path,
                                                   environment.line_of(key), scope))
            elif isinstance(environment, list):
                for index, item in enumerate(environment):
                    if isinstance(item, str):
                        key, has, value = item.partition("=")
                        work.env.append(_compose_value(key, value if has else None, dot_env, source.path,
                                                       environment.line_of(index), scope, listed=not has))
            for key in ("entrypoint", "command"):
                value = spec.get(key)
                if value is None:
                    continue
                words = _words(value)
                if key == "entrypoint":
                    work.entrypoint = words
                else:
                    work.command = words
                work.command_line = spec.line_of(key)
            work.privileged = str(spec.get("privileged", "")).lower() == "true"
            work.host_pid = str(spec.get("pid", "")).lower() == "host"
            user = spec.get("user")
            work.run_as_root = None if user is None else str(user).split(":")[0] in ("0", "root")
            work.capabilities = [str(c) for c in spec.get("cap_add") or [] if isinstance(c, str)]
            for volume in spec.get("volumes") or []:
                if isinstance(volume, str):
                    work.mounts.append(_rel(directory, volume.split(":")[0]) if volume.startswith(".")
                                       else volume.split(":")[0])
                elif isinstance(volume, dict) and isinstance(volume.get("source"), str):
                    work.mounts.append(_rel(directory, volume["source"]))
            labels = spec.get("labels")
            if isinstance(labels, dict):
                work.annotations = dict(labels)
                work.annotation_lines = dict(labels.lines)
            out.workloads.append(work)


def _compose_value(key, value, dot_env, file, line, scope, listed=False) -> Setting:
    if value is None:
        # `- KEY` or `KEY:` passes the variable through from the host: doctor cannot see it.
        return Setting(str(key), None, Where(file, line), "compose", scope, "the host environment")
    resolved = _interpolate(value, dot_env)
    return Setting(str(key), resolved, Where(file, line), "compose", scope,
                   None if resolved is not None else "an undefined compose variable")


def _interpolate(value: Any, variables: dict) -> str | None:
    if value is None:
        return None
    return substitute(str(value), {k: v for k, v in variables.items() if v is not None})


def _words(value: Any) -> list[str]:
    if isinstance(value, list):
        return [str(v) for v in value]
    try:
        return shlex.split(str(value))
    except ValueError:
        return str(value).split()


def _rel(directory: str, path: str) -> str:
    joined = posixpath.normpath(posixpath.join(directory, path)) if directory != "." else posixpath.normpath(path)
    return joined.lstrip("/") if not joined.startswith("..") else joined


def _kubernetes(out: Deployment, source: SourceFile, docs: list, scope: str) -> None:
    for doc in docs:
        for item in (doc.get("items") or [] if get(doc, "kind") == "List" else [doc]):
            if not isinstance(item, dict):
                continue
            kind = item.get("kind")
            name = get(item, "metadata", "name") or ""
            if kind == "ConfigMap":
                data = item.get("data")
                if isinstance(data, YMap):
                    out.configmaps[str(name)] = (source.path, data)
                continue
            if kind not in WORKLOAD_KINDS:
                continue
            if kind == "CronJob":
                template = get(item, "spec", "jobTemplate", "spec", "template")
            elif kind == "Pod":
                template = item
            else:
                template = get(item, "spec", "template")
            pod = get(template, "spec")
            if not isinstance(pod, dict):
                continue
            annotations = get(template, "metadata", "annotations") or YMap()
            containers = [c for c in (pod.get("containers") or []) if isinstance(c, dict)]
            images = [str(c.get("image") or "") for c in containers]
            configmaps = [str(get(v, "configMap", "name")) for v in pod.get("volumes") or []
                          if isinstance(v, dict) and get(v, "configMap", "name")]
            pod_root = str(get(pod, "securityContext", "runAsUser")) == "0"
            for index, container in enumerate(containers):
                work = Workload("kubernetes", str(container.get("name") or name), source.path,
                                container.line, scope=scope)
                work.workload = f"{kind}/{name}"
                work.image = container.get("image")
                work.host_pid = str(pod.get("hostPID", "")).lower() == "true"
                security = container.get("securityContext") or {}
                work.privileged = str(get(security, "privileged") or "").lower() == "true"
                user = get(security, "runAsUser")
                work.run_as_root = (str(user) == "0") if user is not None else (True if pod_root else None)
                work.capabilities = [str(c) for c in get(security, "capabilities", "add") or []]
                if isinstance(annotations, dict):
                    work.annotations = dict(annotations)
                    work.annotation_lines = dict(getattr(annotations, "lines", {}))
                work.siblings = [img for i, img in enumerate(images) if i != index]
                work.mounts = configmaps
                if container.get("command") is not None:
                    work.entrypoint = _words(container["command"])
                    work.command_line = container.line_of("command")
                if container.get("args") is not None:
                    work.command = _words(container["args"])
                    work.command_line = work.command_line or container.line_of("args")
                work.env = _k8s_env(out, container, source.path, scope)
                out.workloads.append(work)


def _k8s_env(out: Deployment, container: dict, file: str, scope: str) -> list[Setting]:
    settings: list[Setting] = []
    for ref in container.get("envFrom") or []:
        if not isinstance(ref, dict):
            continue
        cm = get(ref, "configMapRef", "name")
        prefix = str(ref.get("prefix") or "")
        if cm and str(cm) in out.configmaps:
            cm_file, data = out.configmaps[str(cm)]
            settings += [Setting(prefix + str(k), None if v is None else str(v), Where(cm_file, data.line_of(k)),
                                 "kubernetes", scope) for k, v in data.items()]
        elif cm or get(ref, "secretRef", "name"):
            what = f"ConfigMap {cm}" if cm else f"Secret {get(ref, 'secretRef', 'name')}"
            settings.append(Setting(f"{prefix}*", None, Where(file, ref.line), "kubernetes", scope,
                                    f"{what} (envFrom: every key unknown)"))
    env = container.get("env") or []
    for index, item in enumerate(env):
        if not isinstance(item, dict) or not item.get("name"):
            continue
        key, line = str(item["name"]), env.line_of(index)
        if "value" in item:
            value = item.get("value")
            settings.append(Setting(key, "" if value is None else str(value), Where(file, line), "kubernetes", scope))
            continue
        secret = get(item, "valueFrom", "secretKeyRef")
        cm = get(item, "valueFrom", "configMapKeyRef")
        if isinstance(cm, dict) and str(cm.get("name")) in out.configmaps and cm.get("key") in \
                out.configmaps[str(cm.get("name"))][1]:
            cm_file, data = out.configmaps[str(cm["name"])]
            value = data.get(cm["key"])
            settings.append(Setting(key, None if value is None else str(value),
                                    Where(cm_file, data.line_of(cm["key"])), "kubernetes", scope))
        elif isinstance(secret, dict):
            settings.append(Setting(key, None, Where(file, line), "kubernetes", scope,
                                    f"Secret {secret.get('name')} key {secret.get('key')}"))
        elif isinstance(cm, dict):
            settings.append(Setting(key, None, Where(file, line), "kubernetes", scope,
                                    f"ConfigMap {cm.get('name')} key {cm.get('key')}"))
        else:
            settings.append(Setting(key, None, Where(file, line), "kubernetes", scope, "a valueFrom field"))
    return settings


def read_env_file(source: SourceFile, tree: Tree) -> list[Setting]:
    """KEY=VALUE lines; `export`, quotes and # comments handled."""
    text = source.text()
    if text is None:
        tree.skip(source.path, "not UTF-8 text")
        return []
    out: list[Setting] = []
    for number, raw in enumerate(text.splitlines(), 1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith("export "):
            line = line[7:].lstrip()
        key, has, value = line.partition("=")
        key = key.strip()
        if not has or not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_.]*", key):
            continue
        value = value.strip()
        if value[:1] in ("'", '"') and value.endswith(value[0]) and len(value) >= 2:
            value = value[1:-1]
        elif " #" in value:
            value = value.split(" #", 1)[0].rstrip()
        out.append(Setting(key, value, Where(source.path, number), "env-file"))
    return out


def read_properties(source: SourceFile, tree: Tree) -> list[Setting]:
    """A Java .properties file: `=`, `:` or space separators, `\\` continuations, # and ! comments."""
    text = source.text()
    if text is None:
        text = source.data.decode("latin-1")
    out: list[Setting] = []
    lines = text.splitlines()
    i = 0
    while i < len(lines):
        start = i
        line = lines[i].lstrip()
        while line.endswith("\\") and not line.endswith("\\\\") and i + 1 < len(lines):
            i += 1
            line = line[:-1] + lines[i].lstrip()
        i += 1
        if not line or line[0] in "#!":
            continue
        match = re.match(r"((?:\\.|[^=:\s\\])+)\s*[=:\s]\s*(.*)$", line)
        if match:
            key = match.group(1).replace("\\", "")
            value = match.group(2).encode("latin-1", "backslashreplace").decode("unicode_escape", "replace")
            out.append(Setting(key, value, Where(source.path, start + 1), "properties"))
        elif line:
            out.append(Setting(line.replace("\\", ""), "", Where(source.path, start + 1), "properties"))
    return out


def _alloy_file(out: Deployment, source: SourceFile, tree: Tree, scope: str) -> None:
    from .alloy import AlloyError, parse

    text = source.text()
    if text is None:
        tree.skip(source.path, "not UTF-8 text")
        return
    try:
        blocks = parse(text)
    except AlloyError as error:
        tree.skip(source.path, f"not valid Alloy syntax ({error})")
        return
    out.alloy.append(AlloyConfig(source.path, blocks, scope, group=source.directory))


def _embedded_alloy(out: Deployment, path: str, doc: Any, scope: str, tree: Tree, depth: int = 0) -> None:
    """Alloy configs written as YAML string values (a ConfigMap's `config.alloy: |`, Helm values)."""
    from .alloy import AlloyError, parse

    if depth > 20:
        return
    if isinstance(doc, dict):
        configmap = str(get(doc, "metadata", "name")) if get(doc, "kind") == "ConfigMap" else None
        for key, value in doc.items():
            if isinstance(value, str) and "pyroscope." in value and "{" in value and (
                    str(key).endswith((".alloy", ".river")) or re.search(r"^\s*pyroscope\.[a-z_]+\s+\"", value, re.M)):
                try:
                    blocks = parse(value, getattr(value, "content_line", 1))
                except AlloyError as error:
                    tree.skip(path, f"embedded Alloy config {key!r} not readable ({error})")
                    continue
                out.alloy.append(AlloyConfig(path, blocks, scope, configmap or None,
                                             group=f"{path}#{configmap or key}"))
            else:
                _embedded_alloy(out, path, value, scope, tree, depth + 1)
    elif isinstance(doc, list):
        for value in doc:
            _embedded_alloy(out, path, value, scope, tree, depth + 1)


# -------------------------------------------------------------------------------------------- attaching

def image_for(service: Service, deployment: Deployment) -> Image | None:
    """The Dockerfile that builds ``service``: named by a compose build, else in the service's folder."""
    for work in workloads_for(service, deployment):
        if work.kind == "compose" and work.build_context is not None:
            wanted = work.dockerfile or _rel(work.build_context, "Dockerfile")
            for image in deployment.images:
                if image.path == wanted:
                    return image
    for image in deployment.images:
        if image.directory == service.path:
            return image
    return None


def workloads_for(service: Service, deployment: Deployment) -> list[Workload]:
    """Compose services building the service's folder (or named like it), then Kubernetes containers whose
    name or image matches the service's name or a matching compose image."""
    compose = [w for w in deployment.workloads if w.kind == "compose" and (
        w.build_context == service.path or (w.build_context is None and w.name == service.name))]
    names = {service.name} | {w.name for w in compose}
    images = {_image_name(w.image) for w in compose if w.image}
    kube = [w for w in deployment.workloads if w.kind == "kubernetes" and (
        w.name in names or _image_name(w.image) in names | images)]
    return compose + kube


def _image_name(image: str | None) -> str:
    if not image:
        return ""
    last = image.split("/")[-1]
    return last.split("@")[0].split(":")[0]


def attach(service: Service, deployment: Deployment) -> None:
    """Give ``service`` its deployment settings (runtime order) and its effective command."""
    image = image_for(service, deployment)
    works = workloads_for(service, deployment)
    settings: list[Setting] = []
    for path, props in deployment.properties.items():
        if service.path == "." or path.startswith(service.path + "/"):
            settings += props
    if image is not None:
        settings += image.final.env
    for kind in ("compose", "kubernetes"):
        for work in works:
            if work.kind == kind:
                settings += work.env
    command = None
    command_where = None
    for work in works:  # a workload that overrides the command decides it (the last one found)
        if work.entrypoint is None and work.command is None:
            continue
        effective = work.effective(image)
        if effective is not None:
            command = effective
            command_where = Where(work.file, work.command_line or work.line)
    if command is None and image is not None:
        command = image.command()
        line = image.entrypoint_line or image.cmd_line
        command_where = Where(image.path, line) if line else None
    settings += jvm_flags(command, command_where, settings)
    service.settings = [s for s in service.settings if s.layer == "code"] + settings
    service.command = command
    service.facts.setdefault("image", image)
    service.facts.setdefault("workloads", works)
    service.facts.setdefault("command_where", command_where)


def jvm_flags(command: list[str] | None, where: Where | None, settings: list[Setting]) -> list[Setting]:
    """-Dkey=value system properties from the command line and the JVM option variables."""
    out: list[Setting] = []
    final: dict[str, Setting] = {}
    for s in settings:
        final[s.name] = s
    for var in JAVA_OPTION_VARS:
        s = final.get(var)
        if s is not None and s.value:
            out += _d_flags(_split(s.value), s.where, s.scope)
    if command:
        words = list(command)
        if len(words) >= 3 and words[0].endswith("sh") and words[1] == "-c":
            words = _split(words[2])
        out += _d_flags(words, where or Where("", None), "app")
    return out


def _split(text: str) -> list[str]:
    try:
        return shlex.split(text)
    except ValueError:
        return text.split()


def _d_flags(words: list[str], where: Where, scope: str) -> list[Setting]:
    out = []
    for word in words:
        if word.startswith("-D") and len(word) > 2:
            key, _, value = word[2:].partition("=")
            out.append(Setting(key, value, where, "jvm-flag", scope))
    return out
