"""The data doctor passes between its modules: places, files, settings, services, states, findings.

Pure data: no parsing, no rendering. Names here are shared with the ecosystem modules; add, never rename.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any, Callable


@dataclass(frozen=True)
class Where:
    """A place in the project; ``file`` is relative to the root, with posix separators."""

    file: str
    line: int | None = None


@dataclass
class SourceFile:
    path: str  # relative posix path
    size: int
    data: bytes  # already read, bounded by the size cap (walk.py)

    def text(self) -> str | None:
        """The file as UTF-8 text, or None when it is not valid UTF-8."""
        try:
            return self.data.decode("utf-8")
        except UnicodeDecodeError:
            return None

    @property
    def name(self) -> str:
        return PurePosixPath(self.path).name

    @property
    def directory(self) -> str:
        parent = str(PurePosixPath(self.path).parent)
        return parent if parent else "."


@dataclass
class Tree:
    root: Path
    files: dict[str, SourceFile]  # only files kept by walk: manifests/lockfiles by name + prefilter hits
    skipped: list[dict] = field(default_factory=list)  # {"path", "reason"}
    scanned: int = 0  # how many candidate files the walk looked at
    rules: Any = None  # walk.Rules: scopes, limits (set by walk)

    def scope_of(self, path: str) -> str:
        """'docs', 'example', 'test' or 'app' for a path in the tree."""
        return self.rules.scope_of(path) if self.rules is not None else "app"

    def named(self, *names: str) -> list[SourceFile]:
        """Kept files whose basename is one of ``names``, in path order."""
        wanted = set(names)
        return [f for p, f in sorted(self.files.items()) if f.name in wanted]

    def under(self, directory: str) -> list[SourceFile]:
        """Kept files at or below ``directory`` ("." for the whole tree), in path order."""
        if directory in ("", "."):
            return [f for _, f in sorted(self.files.items())]
        prefix = directory.rstrip("/") + "/"
        return [f for p, f in sorted(self.files.items()) if p.startswith(prefix)]

    def skip(self, path: str, reason: str) -> None:
        """Record a file doctor could not use, once per path and reason."""
        entry = {"path": path, "reason": reason}
        if entry not in self.skipped:
            self.skipped.append(entry)


@dataclass
class Setting:
    """One configuration value as the program will see it."""

    name: str  # env var name, system property, kwarg, option key
    value: str | None  # None = unknown (secret, template, undefined variable)
    where: Where
    layer: str  # "code" | "dockerfile" | "compose" | "kubernetes" | "helm" | "env-file" | "properties" | "jvm-flag" | "alloy"
    scope: str = "app"  # "app" | "docs" | "example" | "test"
    source: str | None = None  # for an unknown value: where it comes from ("secret x", "template")


@dataclass
class MethodUse:
    """How a service is profiled."""

    method: str  # "sdk" | "alloy" | "ebpf"
    package: str | None
    version: str | None  # exact when a lock/pin says so, else the declared range as written
    where: Where


@dataclass
class Service:
    name: str
    path: str  # directory relative to root ("." for the root)
    language: str  # catalog language id (go, java, dotnet, nodejs, python, ruby, rust, ebpf)
    methods: list[MethodUse] = field(default_factory=list)
    settings: list[Setting] = field(default_factory=list)  # runtime order, later wins (layers.py merges)
    command: list[str] | None = None  # effective command, shlex-split
    facts: dict = field(default_factory=dict)  # ecosystem-specific extras
    scope: str = "app"  # where the manifest lives: "app" | "docs" | "example" | "test"


@dataclass
class TypeState:
    state: str  # "on" | "empty-risk" | "off" | "unknown"
    where: Where | None = None


@dataclass
class Finding:
    check: str  # id in catalog/doctor/*.yaml
    service: str | None
    where: Where
    types: tuple[str, ...] = ()  # overrides the check's catalog `types` when given
    values: dict = field(default_factory=dict)  # fills {placeholders} of message and fix
    confidence: str | None = None  # overrides the check's catalog confidence when given


STATES = ("on", "empty-risk", "off", "unknown")
LEVELS = ("error", "warning", "note")
CONFIDENCES = ("high", "medium", "low")


@dataclass
class Context:
    """What an ecosystem's analyse() may consult besides the tree.

    ``doctor`` is the doctor catalog data (catalogdata.DoctorData), ``catalog`` the main pyroadvise catalog
    (loaded lazily: most checks never need it). ``layers`` holds the deployment facts found in the tree
    (layers.Deployment): compose services, Kubernetes workloads, Dockerfiles, Alloy configs.
    """

    tree: Tree
    doctor: Any
    catalog_loader: Callable[[], Any] | None = None
    layers: Any = None
    services: list[Service] = field(default_factory=list)
    for_text: str | None = None
    _catalog: Any = None

    @property
    def catalog(self) -> Any:
        if self._catalog is None and self.catalog_loader is not None:
            self._catalog = self.catalog_loader()
        return self._catalog

    def setting(self, service: Service, name: str) -> Setting | None:
        """The final value of ``name`` for ``service`` after every layer (later wins); None when unset."""
        found = None
        for item in service.settings:
            if item.name == name:
                found = item
        return found

    def settings(self, service: Service, name: str) -> list[Setting]:
        """Every layer that sets ``name`` for ``service``, in runtime order."""
        return [item for item in service.settings if item.name == name]
