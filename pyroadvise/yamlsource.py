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

from .limits import MAX_BYTES, MAX_DEPTH, MAX_NODES
from .problems import Problem, problem

Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

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


_UNREADABLE = object()  # a scalar that could not be constructed (its problem is reported)


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
            value = self.scalar(node, path, line)
            return None if value is _UNREADABLE else value
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

    def scalar(self, node: Any, path: Path, line: int) -> Any:
        # PyYAML's constructors raise plain ValueError/KeyError for a value that does not fit its tag
        # ('!!int abc', '!!bool maybe') or an integer longer than Python converts (4300 digits).
        try:
            return self.loader.construct_object(node)
        except (ValueError, KeyError, TypeError, OverflowError, yaml.YAMLError):
            shown = node.tag.replace("tag:yaml.org,2002:", "!!")
            value = node.value if len(node.value) <= 40 else node.value[:40] + "..."
            self.problems.append(
                problem("CAT006", self.rel, line, f"{_where(path)}: {value!r} cannot be read as {shown}; quote it")
            )
            return _UNREADABLE

    def mapping(self, node: Any, path: Path, depth: int) -> dict:
        out: dict = {}
        for key_node, value_node in node.value:
            line = key_node.start_mark.line + 1
            if not (isinstance(key_node, yaml.ScalarNode) and key_node.tag in _SCALAR_TAGS):
                if key_node.tag in (_SEQ, _MAP):
                    self.problems.append(problem("CAT006", self.rel, line, f"{_where(path)}: a key must be plain text"))
                else:  # a tagged key ('? !!python/name:os.system') or a merge key ('<<'): a tag, like any other
                    shown = key_node.tag.replace("tag:yaml.org,2002:", "!!")
                    hint = " (merge keys are not supported)" if shown == "!!merge" else ""
                    self.problems.append(
                        problem("CAT003", self.rel, line, f"{_where(path)}: key tag {shown!r} is not allowed{hint}")
                    )
                continue
            key = self.scalar(key_node, path, line)
            if key is _UNREADABLE:
                continue
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
    loader = None
    try:
        # The pure-Python loader checks for unprintable characters as it is made: keep that inside the try.
        loader = Loader(text)
        reader = _Reader(loader, rel)
        node = loader.get_single_node()
        if node is None:
            return None, {}, [problem("CAT002", rel, 1, "file is empty")]
        data = reader.convert(node, (), 0, node.start_mark.line + 1)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else None
        code = "CAT019" if "maximum nesting depth" in (exc.problem or "") else "CAT002"
        return None, {}, [problem(code, rel, line, _yaml_message(exc))]
    except yaml.reader.ReaderError as exc:
        found = yaml.reader.Reader.NON_PRINTABLE.search(text)
        line = text[: found.start()].count("\n") + 1 if found else None
        return None, {}, [problem("CAT002", rel, line, f"character {exc.character:#06x} is not allowed in YAML")]
    except yaml.YAMLError as exc:
        return None, {}, [problem("CAT002", rel, None, str(exc).splitlines()[0])]
    except _TooLarge as exc:
        limits = f"more than {MAX_NODES} values or {MAX_DEPTH} levels of nesting"
        return None, {}, [problem("CAT019", rel, exc.args[0], f"document has {limits} (alias expansion?)")]
    except RecursionError:
        return None, {}, [problem("CAT019", rel, None, "document nests too deeply")]
    finally:
        if loader is not None:
            loader.dispose()
    if data is None and not reader.problems:
        # 'null' or '~' alone is a document too; without this the file would be skipped without a word.
        return None, {}, [problem("CAT006", rel, node.start_mark.line + 1,
                                  "document: expected a mapping, got nothing (null)")]
    return data, reader.lines, reader.problems


def _yaml_message(exc: yaml.MarkedYAMLError) -> str:
    context = exc.context
    if (context and context.startswith("while") and exc.context_mark and exc.problem_mark
            and exc.context_mark.line != exc.problem_mark.line):
        # 'while scanning a quoted scalar' is reported where the file ends: say where it began.
        context += f" (from line {exc.context_mark.line + 1})"
    parts = [p for p in (context, exc.problem) if p]
    return "; ".join(parts) or "invalid YAML"
