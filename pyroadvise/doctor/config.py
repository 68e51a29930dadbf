"""Doctor's project configuration: ``[tool.pyroadvise.doctor]`` in pyproject.toml, or ``.pyroadvise.toml``
(keys at the top or under ``[doctor]``). Keys: ``exclude`` (globs, relative to the root) and ``disable``
(check ids). A config doctor cannot use is reported under ``skipped`` and ignored, never fatal.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass, field
from pathlib import Path

KEYS = ("exclude", "disable")


@dataclass
class Config:
    exclude: list[str] = field(default_factory=list)
    disable: list[str] = field(default_factory=list)
    file: str | None = None
    problems: list[dict] = field(default_factory=list)  # {"path", "reason"}


def _toml():
    if sys.version_info >= (3, 11):
        import tomllib
    else:  # pragma: no cover - Python 3.10
        import tomli as tomllib
    return tomllib


def read(root: Path, override: dict | None = None) -> Config:
    """The config for ``root``; ``override`` (a dict with the same keys) replaces any file."""
    if override is not None:
        return _from(dict(override), None)
    for name, path in ((".pyroadvise.toml", ()), ("pyproject.toml", ("tool", "pyroadvise", "doctor"))):
        file = Path(root) / name
        if not file.is_file():
            continue
        try:
            if file.stat().st_size > 1_000_000:
                return Config(problems=[{"path": name, "reason": "config file larger than 1000000 bytes; ignored"}])
            data = _toml().loads(file.read_bytes().decode("utf-8"))
        except (OSError, UnicodeDecodeError, ValueError) as error:
            reason = f"not valid TOML ({str(error).splitlines()[0][:120]}); its doctor settings were ignored"
            return Config(problems=[{"path": name, "reason": reason}])
        if name == ".pyroadvise.toml":
            table = data.get("doctor", data)
        else:
            table = data
            for step in path:
                table = table.get(step) if isinstance(table, dict) else None
            if table is None:
                continue
        return _from(table, name)
    return Config()


def _from(table, name: str | None) -> Config:
    config = Config(file=name)
    where = name or "--config"
    if not isinstance(table, dict):
        config.problems.append({"path": where, "reason": "doctor settings must be a table; ignored"})
        return config
    for key, value in table.items():
        if key not in KEYS:
            config.problems.append({"path": where, "reason": f"unknown doctor setting {key!r} (known: "
                                                             f"{', '.join(KEYS)}); ignored"})
            continue
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            config.problems.append({"path": where, "reason": f"{key} must be a list of strings; ignored"})
            continue
        setattr(config, key, list(value))
    return config
