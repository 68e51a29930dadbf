"""Dockerfile stages for doctor's SDK readers: FROM, ARG and ENV per stage (with ${VAR} substituted), every
instruction, and exec-form commands. dockerfile-parse is imported on first use.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..model import SourceFile



@dataclass
class Stage:
    index: int
    name: str | None
    base: str
    base_line: int
    env: dict[str, tuple[str, int]] = field(default_factory=dict)   # name -> (value, line)
    args: dict[str, str] = field(default_factory=dict)              # ARG name -> default
    instructions: list[dict] = field(default_factory=list)          # dockerfile-parse structure entries


@dataclass
class Dockerfile:
    path: str
    stages: list[Stage]

    @property
    def final(self) -> Stage | None:
        return self.stages[-1] if self.stages else None


# Parsed Dockerfiles by file path, with the SourceFile they came from (an identity check, so a new run with
# the same path is parsed again); bounded, so a long-lived process does not keep old trees alive.
_DOCKERFILES: dict[str, tuple[SourceFile, Dockerfile | None]] = {}
_CACHE_LIMIT = 512


def dockerfile(f: SourceFile) -> Dockerfile | None:
    """The stages of a Dockerfile (FROM, ENV with ${VAR} substituted per stage, every instruction)."""
    cached = _DOCKERFILES.get(f.path)
    if cached is not None and cached[0] is f:
        return cached[1]
    result = None
    content = f.text()
    if content is not None:
        try:
            result = _parse_dockerfile(f.path, content)
        except Exception:  # dockerfile-parse raises assorted errors on broken files
            result = None
    if len(_DOCKERFILES) >= _CACHE_LIMIT:
        _DOCKERFILES.clear()
    _DOCKERFILES[f.path] = (f, result)
    return result


def _parse_dockerfile(path: str, content: str) -> Dockerfile:
    import io
    import shlex

    from dockerfile_parse import DockerfileParser

    parser = DockerfileParser(fileobj=io.BytesIO(content.encode("utf-8")), env_replace=False)
    structure = parser.structure
    stages: list[Stage] = []
    global_args: dict[str, str] = {}
    current: Stage | None = None
    stage_vars: dict[str, str] = {}
    for entry in structure:
        instr = entry["instruction"].upper()
        value = entry["value"]
        if instr == "FROM":
            words = value.split()
            base = _subst(words[0], global_args) if words else ""
            name = words[2] if len(words) >= 3 and words[1].upper() == "AS" else None
            current = Stage(len(stages), name, base, entry["startline"] + 1)
            stages.append(current)
            stage_vars = {}
            continue
        if current is None:
            if instr == "ARG":
                for k, v in _pairs(value, shlex):
                    global_args[k] = v
            continue
        current.instructions.append(entry)
        if instr == "ARG":
            for k, v in _pairs(value, shlex):
                if v == "" and k in global_args:
                    v = global_args[k]
                stage_vars[k] = v
                current.args[k] = v
        elif instr == "ENV":
            for k, v in _pairs(value, shlex):
                v = _subst(v, {**stage_vars, **{n: e[0] for n, e in current.env.items()}})
                current.env[k] = (v, entry["startline"] + 1)
    for stage in stages:
        env_vars = {**stage.args, **{n: e[0] for n, e in stage.env.items()}}
        for entry in stage.instructions:
            entry["expanded"] = _subst(entry["value"], env_vars)
    return Dockerfile(path, stages)


def _pairs(value: str, shlex) -> list[tuple[str, str]]:
    try:
        words = shlex.split(value)
    except ValueError:
        words = value.split()
    if not words:
        return []
    if "=" not in words[0]:
        # legacy form: ENV KEY value with spaces
        return [(words[0], " ".join(words[1:]))]
    out = []
    for word in words:
        if "=" in word:
            k, v = word.split("=", 1)
            out.append((k, v))
        else:
            out.append((word, ""))
    return out


_VAR = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)(?::?[-+][^}]*)?\}|\$([A-Za-z_][A-Za-z0-9_]*)")


def _subst(value: str, variables: dict[str, str]) -> str:
    def repl(m):
        name = m.group(1) or m.group(2)
        return variables.get(name, m.group(0))

    return _VAR.sub(repl, value)


def exec_form(entry: dict) -> list[str] | None:
    """The argument list of an exec-form (JSON array) instruction, else None."""
    import json

    raw = entry["value"].strip()
    if not raw.startswith("["):
        return None
    try:
        value = json.loads(raw)
    except ValueError:
        return None
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return value
    return None


def command_words(service) -> list[str]:
    """The effective command of a service, with `sh -c "..."` opened up into its words."""
    import shlex

    words = list(service.command or [])
    out: list[str] = []
    i = 0
    while i < len(words):
        word = words[i]
        if word in ("sh", "bash", "/bin/sh", "/bin/bash") and i + 2 < len(words) + 1 and i + 1 < len(words) \
                and words[i + 1] in ("-c", "-ec", "-lc"):
            if i + 2 < len(words):
                try:
                    out.extend(shlex.split(words[i + 2]))
                except ValueError:
                    out.extend(words[i + 2].split())
            i += 3
            continue
        out.append(word)
        i += 1
    return out
