"""Deployment layers: what a program sees at run time, read from Dockerfiles, compose files, Kubernetes
manifests, Helm values, .env and .properties files, and JVM flags.

``read(tree, rules)`` gathers every deployment fact of the tree once; ``attach(service, ...)`` gives a
service its settings in runtime order (lowest first, later wins) and its effective command:

    properties < dockerfile (final stage) < env-file < compose < kubernetes < jvm-flag

A value doctor cannot see (a Secret, an unknown ConfigMap, a template, an undefined variable) is kept
as a Setting whose value is None, with ``source`` saying where it comes from.
"""
from __future__ import annotations

import shlex

from .deployfiles import _rel, read, read_dockerfile, read_env_file, read_properties, substitute
from .deployment import (JAVA_OPTION_VARS, ORDER, AlloyConfig, Deployment, Image, Stage, Workload)
from .model import Service, Setting, Where

__all__ = ["ORDER", "AlloyConfig", "Deployment", "Image", "Stage", "Workload", "attach", "image_for",
           "jvm_flags", "read", "read_dockerfile", "read_env_file", "read_properties", "substitute",
           "workloads_for"]


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
