"""Project YAML (compose, Kubernetes, Helm values) read with PyYAML's safe loader, keeping lines.

Every document of a multi-document file is returned. Scalars stay the text that was written (so an
env value ``on`` or ``0755`` is not turned into a boolean or a number), ``null``/``~``/empty become None,
merge keys (``<<: *anchor``) are applied, and alias bombs and deep nesting are cut off.
"""

from __future__ import annotations

from typing import Any

MAX_NODES = 100_000
MAX_DEPTH = 60


class YMap(dict):
    """A mapping with the 1-based line of itself and of each key."""

    line: int = 0

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.lines: dict[str, int] = {}

    def line_of(self, key: str) -> int:
        return self.lines.get(key, self.line)


class YList(list):
    line: int = 0

    def __init__(self, *args):
        super().__init__(*args)
        self.lines: list[int] = []

    def line_of(self, index: int) -> int:
        return self.lines[index] if index < len(self.lines) else self.line


class YText(str):
    """A scalar string that knows its line and, for block scalars, the line its content starts on."""

    line: int = 0
    content_line: int = 0
    plain: bool = True


class YAMLTrouble(Exception):
    """The file is not YAML doctor can read; the message says why (for `skipped`)."""


def load_all(text: str) -> list[Any]:
    """Every document in ``text``; raise YAMLTrouble on a syntax error, bombs or excessive nesting."""
    import yaml

    loader_class = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    try:
        nodes = list(yaml.compose_all(text, Loader=loader_class))
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        where = f" at line {mark.line + 1}" if mark else ""
        raise YAMLTrouble(f"not valid YAML{where}: {error.problem or error.context or 'syntax error'}") from None
    except (yaml.YAMLError, RecursionError) as error:
        raise YAMLTrouble(f"not valid YAML ({type(error).__name__})") from None
    counter = [0]
    try:
        return [_convert(node, 0, counter) for node in nodes if node is not None]
    except RecursionError:
        raise YAMLTrouble("YAML nests too deeply") from None


def _convert(node: Any, depth: int, counter: list) -> Any:
    import yaml

    counter[0] += 1
    if counter[0] > MAX_NODES:
        raise YAMLTrouble(f"more than {MAX_NODES} YAML values (alias expansion?)")
    if depth > MAX_DEPTH:
        raise YAMLTrouble(f"YAML nests deeper than {MAX_DEPTH} levels")
    line = node.start_mark.line + 1
    if isinstance(node, yaml.ScalarNode):
        if node.tag == "tag:yaml.org,2002:null":
            return None
        text = YText(node.value)
        text.line = line
        text.plain = node.style is None
        text.content_line = line + 1 if node.style in ("|", ">") else line
        return text
    if isinstance(node, yaml.SequenceNode):
        out = YList()
        out.line = line
        for item in node.value:
            out.append(_convert(item, depth + 1, counter))
            out.lines.append(item.start_mark.line + 1)
        return out
    out = YMap()
    out.line = line
    for key_node, value_node in node.value:
        if key_node.tag == "tag:yaml.org,2002:merge":
            merged = _convert(value_node, depth + 1, counter)
            for source in merged if isinstance(merged, list) else [merged]:
                if isinstance(source, YMap):
                    for key, value in source.items():
                        if key not in out:
                            out[key] = value
                            out.lines[key] = source.line_of(key)
            continue
        if not isinstance(key_node, yaml.ScalarNode):
            continue
        key = str(key_node.value)
        out[key] = _convert(value_node, depth + 1, counter)
        out.lines[key] = key_node.start_mark.line + 1
    return out


def get(data: Any, *path: str | int) -> Any:
    """data[path[0]][path[1]]... or None when any step is missing or of the wrong kind."""
    for step in path:
        if isinstance(step, int):
            if not isinstance(data, list) or step >= len(data):
                return None
        elif not isinstance(data, dict):
            return None
        data = data[step] if isinstance(step, int) else data.get(step)
        if data is None:
            return None
    return data


def line_of(data: Any, default: int = 0) -> int:
    return getattr(data, "line", default) or default
