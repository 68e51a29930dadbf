"""Kubernetes manifests and key-value files: workloads with their env (valueFrom resolved from the
ConfigMaps in the tree, Secrets left unknown), envFrom, command and args, privileges and annotations;
.env files; Java .properties files."""

from __future__ import annotations

import re
import shlex
from typing import Any

from .deployment import WORKLOAD_KINDS, Deployment, Workload
from .model import Setting, SourceFile, Tree, Where
from .yamldocs import YMap, get


def _words(value: Any) -> list[str]:
    """A command as a list: YAML lists as they are, strings split like a shell."""
    if isinstance(value, list):
        return [str(v) for v in value]
    try:
        return shlex.split(str(value))
    except ValueError:
        return str(value).split()


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


