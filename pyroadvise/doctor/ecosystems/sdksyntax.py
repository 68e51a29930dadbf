"""Tree-sitter call sites and a comment-blanking lexer for doctor's SDK readers (comments never count).

tree_sitter and its grammars are imported on first use, so importing this module costs nothing.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Iterator


def parse(lang: str, data: bytes):
    """The root node of ``data`` parsed with the tree-sitter grammar ``lang``, or None when it cannot be
    (the grammars and parsers are the core's, in doctor/syntax.py)."""
    from ..syntax import SyntaxUnavailable, parser

    try:
        return parser(lang).parse(data).root_node
    except SyntaxUnavailable:
        return None
    except Exception:  # a grammar that rejects the input outright: treat the file as unreadable
        return None


COMMENT_TYPES = {"comment", "line_comment", "block_comment", "doc_comment"}


def nodes(root) -> Iterator[Any]:
    """Every node below ``root`` (pre-order), skipping comments; iterative, so deep files cannot overflow."""
    stack = [root]
    while stack:
        node = stack.pop()
        if node.type in COMMENT_TYPES:
            continue
        yield node
        stack.extend(reversed(node.children))


def text(node) -> str:
    return node.text.decode("utf-8", "replace") if node is not None else ""


def line(node) -> int:
    return node.start_point[0] + 1


def string_value(node) -> str | None:
    """The value of a plain string literal node (no interpolation), else None."""
    if node is None:
        return None
    if node.type in ("string", "string_literal", "raw_string_literal", "string_content", "template_string"):
        parts = [c for c in node.children if c.type in ("string_fragment", "string_content", "escape_sequence")]
        if node.type == "template_string" and any(c.type == "template_substitution" for c in node.children):
            return None
        if any(c.type in ("interpolation", "template_substitution") for c in node.children):
            return None
        if parts:
            return "".join(text(c) for c in parts)
        raw = text(node)
        if len(raw) >= 2 and raw[0] in "\"'`" and raw[-1] == raw[0]:
            return raw[1:-1]
        return ""
    return None


@dataclass
class Call:
    name: str                # the called name (method or function), e.g. "start"
    receiver: str            # the text before the name ("" for a bare call)
    args: Any                # the argument node (or None)
    line: int
    node: Any = field(repr=False, default=None)


def calls(lang: str, root) -> list[Call]:
    """Every call site in a parsed file (comments never count)."""
    out: list[Call] = []
    if root is None:
        return out
    for node in nodes(root):
        t = node.type
        if lang == "java" and t == "method_invocation":
            name = node.child_by_field_name("name")
            obj = node.child_by_field_name("object")
            out.append(Call(text(name), text(obj), node.child_by_field_name("arguments"), line(name or node), node))
        elif lang in ("javascript", "typescript", "tsx") and t == "call_expression":
            fn = node.child_by_field_name("function")
            args = node.child_by_field_name("arguments")
            if fn is None:
                continue
            if fn.type == "member_expression":
                prop = fn.child_by_field_name("property")
                obj = fn.child_by_field_name("object")
                out.append(Call(text(prop), text(obj), args, line(prop or node), node))
            else:
                out.append(Call(text(fn), "", args, line(node), node))
        elif lang == "ruby" and t == "call":
            method = node.child_by_field_name("method")
            receiver = node.child_by_field_name("receiver")
            out.append(Call(text(method), text(receiver), node.child_by_field_name("arguments"),
                            line(method or node), node))
        elif lang == "rust" and t == "call_expression":
            fn = node.child_by_field_name("function")
            args = node.child_by_field_name("arguments")
            if fn is None:
                continue
            if fn.type == "field_expression":
                fld = fn.child_by_field_name("field")
                out.append(Call(text(fld), text(fn.child_by_field_name("value")), args, line(fld or node), node))
            elif fn.type == "scoped_identifier":
                name = fn.child_by_field_name("name")
                path = fn.child_by_field_name("path")
                out.append(Call(text(name), text(path), args, line(name or node), node))
            elif fn.type == "generic_function":
                inner = fn.child_by_field_name("function")
                out.append(Call(text(inner).split("::")[-1].split(".")[-1], "", args, line(node), node))
            else:
                out.append(Call(text(fn), "", args, line(node), node))
    return out


def arg_nodes(args) -> list[Any]:
    if args is None:
        return []
    return [c for c in args.named_children if c.type not in COMMENT_TYPES]


# ------------------------------------------------------------------ comment-free text (for Kotlin and shell)


def strip_c_comments(source: str, strings: bool = False) -> str:
    """``source`` with // and /* */ comments blanked (strings kept), line structure preserved.

    With ``strings`` the contents of string literals are blanked as well. Used for Kotlin, which has no grammar
    listed for doctor: a conservative lexer, not a parser.
    """
    out: list[str] = []
    i, n = 0, len(source)
    while i < n:
        ch = source[i]
        if source.startswith("//", i):
            j = source.find("\n", i)
            j = n if j < 0 else j
            out.append(" " * (j - i))
            i = j
        elif source.startswith("/*", i):
            j = source.find("*/", i + 2)
            j = n if j < 0 else j + 2
            out.append("".join("\n" if c == "\n" else " " for c in source[i:j]))
            i = j
        elif ch in "\"'":
            j = i + 1
            while j < n and source[j] != ch and source[j] != "\n":
                j += 2 if source[j] == "\\" else 1
            out.append(ch + " " * (j - i - 1) + source[j:j + 1] if strings else source[i:j + 1])
            i = j + 1
        else:
            out.append(ch)
            i += 1
    return "".join(out)
