"""The deployment facts doctor reads from a tree: Dockerfile images and stages, compose services and
Kubernetes containers (workloads), Alloy configs, .env and .properties files. Data only."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from .model import Setting
from .yamldocs import YMap

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


