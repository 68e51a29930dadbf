"""Read one catalog YAML file into plain data, with the line of every value.

This is the only module that imports PyYAML. It composes the node tree with the safe loader (the C one
when PyYAML has it) and converts nodes itself, so that:
- only plain scalars, lists and mappings are accepted; any other tag (``!!python/object``, dates,
  sets, binary) is reported, never constructed, so nothing in a catalog can run code;
- duplicate mapping keys, which PyYAML silently keeps the last of, are reported;
- alias bombs and deep nesting are cut off by node and depth limits;
- every value keeps its line, so validation problems can name ``file:line``.
"""

from __future__ import annotations

from typing import Any

import yaml

from .problems import Problem, problem

Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

MAX_BYTES = 2_000_000
MAX_NODES = 200_000
MAX_DEPTH = 40

_SCALAR_TAGS = {
    "tag:yaml.org,2002:str",
    "tag:yaml.org,2002:int",
    "tag:yaml.org,2002:float",
    "tag:yaml.org,2002:bool",
    "tag:yaml.org,2002:null",
}
_SEQ = "tag:yaml.org,2002:seq"
_MAP = "tag:yaml.org,2002:map"

Path = tuple  # a path of keys and indexes into the data, e.g. ("types", 3, "unit")


class _TooLarge(Exception):
    pass


class _Reader:
    def __init__(self, loader: Any, rel: str):
        self.loader = loader
        self.rel = rel
        self.lines: dict[Path, int] = {}
        self.problems: list[Problem] = []
        self.nodes = 0

    def convert(self, node: Any, path: Path, depth: int, line: int) -> Any:
        self.nodes += 1
        if self.nodes > MAX_NODES or depth > MAX_DEPTH:
            raise _TooLarge(line)
        self.lines[path] = line
        tag = node.tag
        if isinstance(node, yaml.ScalarNode) and tag in _SCALAR_TAGS:
            return self.loader.construct_object(node)
        if isinstance(node, yaml.SequenceNode) and tag == _SEQ:
            return [
                self.convert(item, path + (i,), depth + 1, item.start_mark.line + 1)
                for i, item in enumerate(node.value)
            ]
        if isinstance(node, yaml.MappingNode) and tag == _MAP:
            return self.mapping(node, path, depth)
        shown = tag.replace("tag:yaml.org,2002:", "!!")
        hint = " (quote dates and versions)" if shown == "!!timestamp" else ""
        self.problems.append(problem("CAT003", self.rel, line, f"{_where(path)}: tag {shown!r} is not allowed{hint}"))
        return None

    def mapping(self, node: Any, path: Path, depth: int) -> dict:
        out: dict = {}
        for key_node, value_node in node.value:
            line = key_node.start_mark.line + 1
            if not (isinstance(key_node, yaml.ScalarNode) and key_node.tag in _SCALAR_TAGS):
                self.problems.append(problem("CAT006", self.rel, line, f"{_where(path)}: a key must be plain text"))
                continue
            key = self.loader.construct_object(key_node)
            if not isinstance(key, str):
                self.problems.append(
                    problem("CAT006", self.rel, line, f"{_where(path)}: key {key!r} must be text; quote it")
                )
                continue
            if key in out:
                self.problems.append(problem("CAT009", self.rel, line, f"{_where(path)}: key {key!r} appears twice"))
                continue
            out[key] = self.convert(value_node, path + (key,), depth + 1, line)
            self.lines[path + (key,)] = line
        return out


def _where(path: Path) -> str:
    if not path:
        return "document"
    text = ""
    for part in path:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text


def read_yaml(raw: bytes, rel: str) -> tuple[Any, dict[Path, int], list[Problem]]:
    """Parse one file's bytes. Returns (data, lines by path, problems); data is None when unusable."""
    if len(raw) > MAX_BYTES:
        return None, {}, [problem("CAT019", rel, None, f"file is {len(raw)} bytes; the limit is {MAX_BYTES}")]
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        return None, {}, [problem("CAT002", rel, line, "file is not UTF-8 text")]
    loader = Loader(text)
    reader = _Reader(loader, rel)
    try:
        node = loader.get_single_node()
        if node is None:
            return None, {}, [problem("CAT002", rel, 1, "file is empty")]
        data = reader.convert(node, (), 0, node.start_mark.line + 1)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else None
        return None, {}, [problem("CAT002", rel, line, _yaml_message(exc))]
    except yaml.YAMLError as exc:
        return None, {}, [problem("CAT002", rel, None, str(exc).splitlines()[0])]
    except _TooLarge as exc:
        limits = f"more than {MAX_NODES} values or {MAX_DEPTH} levels of nesting"
        return None, {}, [problem("CAT019", rel, exc.args[0], f"document has {limits} (alias expansion?)")]
    except RecursionError:
        return None, {}, [problem("CAT019", rel, None, "document nests too deeply")]
    finally:
        loader.dispose()
    return data, reader.lines, reader.problems


def _yaml_message(exc: yaml.MarkedYAMLError) -> str:
    parts = [p for p in (exc.context, exc.problem) if p]
    return "; ".join(parts) or "invalid YAML"
