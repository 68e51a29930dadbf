"""Reading deployment files into facts: Dockerfiles (final stage, with dockerfile-parse), compose files
(environment, env_file, entrypoint, command, privileges), Kubernetes manifests (env, envFrom, command,
args; secretKeyRef/configMapKeyRef resolved from ConfigMaps in the tree, else unknown), Helm values
(templates are skipped), .env and .properties files, and Alloy configs (files, or embedded in YAML).
Anything that cannot be parsed is recorded under the tree's skipped files."""

from __future__ import annotations

import io
import posixpath
import re
from typing import Any

from .deployment import _VAR, AlloyConfig, Deployment, Image, Stage, Workload
from .kubefiles import _kubernetes, _words, read_env_file, read_properties
from .model import Setting, SourceFile, Tree, Where
from .yamldocs import YAMLTrouble, YMap, get, load_all


# --------------------------------------------------------------------------------------------- reading

def read(tree: Tree, rules) -> Deployment:
    """Every deployment fact in the tree. Files that cannot be parsed are added to tree.skipped."""
    from fnmatch import fnmatch

    out = Deployment()
    for path, source in sorted(tree.files.items()):
        try:
            _read_one(out, path, source, tree, rules, fnmatch)
        except Exception as error:  # noqa: BLE001 - a file of an unexpected shape is skipped, never a crash
            tree.skip(path, f"could not be read as a deployment file ({type(error).__name__})")
    for path, docs in out.yaml.items():  # Alloy configs embedded in ConfigMaps or Helm values
        for doc in docs:
            _embedded_alloy(out, path, doc, rules.scope_of(path), tree)
    return out


def _read_one(out: Deployment, path: str, source: SourceFile, tree: Tree, rules, fnmatch) -> None:
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
            return
        text = source.text()
        if text is None:
            tree.skip(path, "not UTF-8 text")
            return
        try:
            docs = load_all(text)
        except YAMLTrouble as error:
            tree.skip(path, str(error))
            return
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
                context = _rel(directory, build["context"] if isinstance(build.get("context"), str) else ".")
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


def _rel(directory: str, path: str) -> str:
    joined = posixpath.normpath(posixpath.join(directory, path)) if directory != "." else posixpath.normpath(path)
    return joined.lstrip("/") if not joined.startswith("..") else joined


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
                    if str(key).endswith((".alloy", ".river")):  # named as Alloy: say why it was not used
                        tree.skip(path, f"embedded Alloy config {key!r} not readable ({error})")
                    continue  # otherwise it was a guess (text that looks like Alloy); nothing to report
                out.alloy.append(AlloyConfig(path, blocks, scope, configmap or None,
                                             group=f"{path}#{configmap or key}"))
            else:
                _embedded_alloy(out, path, value, scope, tree, depth + 1)
    elif isinstance(doc, list):
        for value in doc:
            _embedded_alloy(out, path, value, scope, tree, depth + 1)


