"""Tree-sitter helpers: parse source code with the per-language grammar packages, list call sites.

Grammars are imported on first use, one language at a time. Comments are their own nodes in every
grammar, so commented-out calls never appear among the calls.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Iterator

# language -> (grammar package, function returning the language pointer)
GRAMMARS = {
    "go": ("tree_sitter_go", "language"),
    "java": ("tree_sitter_java", "language"),
    "javascript": ("tree_sitter_javascript", "language"),
    "typescript": ("tree_sitter_typescript", "language_typescript"),
    "tsx": ("tree_sitter_typescript", "language_tsx"),
    "csharp": ("tree_sitter_c_sharp", "language"),
    "ruby": ("tree_sitter_ruby", "language"),
    "rust": ("tree_sitter_rust", "language"),
}

# Node kinds that are calls, per language, and the fields holding the callee and the arguments.
_CALLS = {
    "go": {"call_expression": ("function", "arguments")},
    "java": {"method_invocation": (None, "arguments"), "object_creation_expression": ("type", "arguments")},
    "javascript": {"call_expression": ("function", "arguments"), "new_expression": ("constructor", "arguments")},
    "csharp": {"invocation_expression": ("function", "arguments"),
               "object_creation_expression": ("type", "arguments")},
    "ruby": {"call": (None, "arguments"), "method_call": (None, "arguments")},
    "rust": {"call_expression": ("function", "arguments"), "macro_invocation": ("macro", None)},
}
_CALLS["typescript"] = _CALLS["tsx"] = _CALLS["javascript"]


@dataclass
class Call:
    callee: str  # the callee as written, without spaces: "pyro.Start", "runtime.SetMutexProfileFraction"
    name: str  # the last part: "Start"
    receiver: str | None  # what it is called on: "pyro", or None
    args: list  # argument nodes (tree-sitter), comments left out
    line: int  # 1-based line of the call
    node: Any

    def arg_text(self, index: int, data: bytes) -> str | None:
        return text(self.args[index], data) if index < len(self.args) else None


class SyntaxUnavailable(Exception):
    """The grammar package for a language is not installed."""


@lru_cache(maxsize=None)
def parser(language: str):
    try:
        import tree_sitter

        module_name, function = GRAMMARS[language]
        module = importlib.import_module(module_name)
    except (ImportError, KeyError) as error:
        raise SyntaxUnavailable(f"no tree-sitter grammar for {language}: {error}") from None
    return tree_sitter.Parser(tree_sitter.Language(getattr(module, function)()))


def parse(language: str, data: bytes):
    """The syntax tree of ``data``; tree-sitter never raises on bad code (it marks ERROR nodes)."""
    return parser(language).parse(data)


def text(node: Any, data: bytes) -> str:
    return data[node.start_byte:node.end_byte].decode("utf-8", errors="replace")


def line(node: Any) -> int:
    return node.start_point[0] + 1


def walk(node: Any) -> Iterator[Any]:
    """Every named node below ``node`` (itself included), depth first, comments skipped."""
    stack = [node]
    while stack:
        current = stack.pop()
        if "comment" in current.type:
            continue
        yield current
        stack.extend(reversed(current.named_children))


def calls(language: str, data: bytes, tree: Any = None) -> list[Call]:
    """Every call site in the file, in source order."""
    kinds = _CALLS[language]
    root = (tree or parse(language, data)).root_node
    out: list[Call] = []
    for node in walk(root):
        spec = kinds.get(node.type)
        if spec is None:
            continue
        callee_field, args_field = spec
        if callee_field is None:  # java method_invocation / ruby call: object + name
            receiver = node.child_by_field_name("object") or node.child_by_field_name("receiver")
            name_node = node.child_by_field_name("name") or node.child_by_field_name("method")
            if name_node is None:
                continue
            name = text(name_node, data)
            receiver_text = _squash(text(receiver, data)) if receiver is not None else None
            callee = f"{receiver_text}.{name}" if receiver_text else name
        else:
            callee_node = node.child_by_field_name(callee_field)
            if callee_node is None:
                continue
            callee = _squash(text(callee_node, data))
            head, _, name = callee.rpartition(".")
            if "::" in name or (not head and "::" in callee):
                head, _, name = callee.rpartition("::")
            receiver_text = head or None
        args_node = node.child_by_field_name(args_field) if args_field else None
        if args_node is None and language == "rust" and node.type == "macro_invocation":
            args_node = next((c for c in node.named_children if c.type == "token_tree"), None)
        args = [c for c in args_node.named_children if "comment" not in c.type] if args_node is not None else []
        if language == "ruby" and args_node is None:
            block_args = node.child_by_field_name("block")
            args = [block_args] if block_args is not None else []
        out.append(Call(callee, name, receiver_text, args, line(node), node))
    out.sort(key=lambda c: (c.node.start_byte, -c.node.end_byte))
    return out


def comment_lines(language: str, data: bytes, tree: Any = None) -> dict[int, str]:
    """1-based line -> comment text, for inline suppressions."""
    root = (tree or parse(language, data)).root_node
    out: dict[int, str] = {}
    stack = [root]
    while stack:
        node = stack.pop()
        if "comment" in node.type:
            out[line(node)] = out.get(line(node), "") + text(node, data)
            continue
        stack.extend(node.children)
    return out


def _squash(value: str) -> str:
    return "".join(value.split())
