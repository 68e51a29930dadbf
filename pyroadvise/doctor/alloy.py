"""A small parser for Grafana Alloy configuration syntax (it is not HCL).

Alloy files are a body of attributes (``name = expr``) and blocks (``pyroscope.scrape "label" { ... }``).
Comments (``//``, ``/* */``, ``#``) are dropped by the tokenizer, so commented-out components never count.
Expressions become plain values: strings, numbers, booleans, None, lists, dicts, ``Ref`` for a
reference such as ``pyroscope.write.default.receiver``, ``Call`` for ``sys.env("X")``, and ``Expr``
for anything computed (``a + b``), whose value doctor cannot know.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


class AlloyError(Exception):
    def __init__(self, message: str, line: int):
        super().__init__(f"line {line}: {message}")
        self.line = line


@dataclass(frozen=True)
class Ref:
    name: str  # dotted path, e.g. "pyroscope.write.default.receiver"


@dataclass(frozen=True)
class Call:
    name: str
    args: tuple


@dataclass(frozen=True)
class Expr:
    text: str  # a computed expression, kept as the operands seen


@dataclass
class Attribute:
    name: str
    value: Any
    line: int


@dataclass
class Block:
    name: str  # e.g. "pyroscope.scrape" or "profiling_config"
    label: str | None
    line: int
    attributes: dict[str, Attribute] = field(default_factory=dict)
    blocks: list["Block"] = field(default_factory=list)

    @property
    def component_id(self) -> str:
        """How other components reference this one: name.label (or name)."""
        return f"{self.name}.{self.label}" if self.label is not None else self.name

    def get(self, name: str, default: Any = None) -> Any:
        attribute = self.attributes.get(name)
        return attribute.value if attribute is not None else default

    def children(self, name: str) -> list["Block"]:
        return [b for b in self.blocks if b.name == name]

    def child(self, name: str) -> "Block | None":
        found = self.children(name)
        return found[0] if found else None


_PUNCT = ("==", "!=", "<=", ">=", "&&", "||", "{", "}", "[", "]", "(", ")", "=", ",", ".", ":",
          "+", "-", "*", "/", "%", "^", "<", ">", "!")
_BINARY = {"==", "!=", "<=", ">=", "&&", "||", "+", "-", "*", "/", "%", "^", "<", ">"}


def tokenize(text: str, first_line: int = 1) -> list[tuple[str, str, int]]:
    """(kind, value, line) tokens; kinds: ident, string, number, punct, newline."""
    tokens: list[tuple[str, str, int]] = []
    i, line, n = 0, first_line, len(text)
    while i < n:
        ch = text[i]
        if ch == "\n":
            tokens.append(("newline", "\n", line))
            line += 1
            i += 1
        elif ch in " \t\r\ufeff":
            i += 1
        elif text.startswith("//", i) or ch == "#":
            end = text.find("\n", i)
            i = n if end < 0 else end
        elif text.startswith("/*", i):
            end = text.find("*/", i + 2)
            if end < 0:
                raise AlloyError("unterminated /* comment", line)
            line += text.count("\n", i, end)
            i = end + 2
        elif ch == '"':
            j, out = i + 1, []
            while j < n and text[j] != '"':
                if text[j] == "\n":
                    raise AlloyError("newline in a string", line)
                if text[j] == "\\" and j + 1 < n:
                    out.append({"n": "\n", "t": "\t", '"': '"', "\\": "\\"}.get(text[j + 1], text[j + 1]))
                    j += 2
                    continue
                out.append(text[j])
                j += 1
            if j >= n:
                raise AlloyError("unterminated string", line)
            tokens.append(("string", "".join(out), line))
            i = j + 1
        elif ch == "`":
            end = text.find("`", i + 1)
            if end < 0:
                raise AlloyError("unterminated raw string", line)
            tokens.append(("string", text[i + 1:end], line))
            line += text.count("\n", i, end)
            i = end + 1
        elif ch.isdigit():
            j = i
            while j < n and (text[j].isalnum() or text[j] in "._"):
                j += 1
            tokens.append(("number", text[i:j], line))
            i = j
        elif ch.isalpha() or ch == "_":
            j = i
            while j < n and (text[j].isalnum() or text[j] == "_"):
                j += 1
            tokens.append(("ident", text[i:j], line))
            i = j
        else:
            for p in _PUNCT:
                if text.startswith(p, i):
                    tokens.append(("punct", p, line))
                    i += len(p)
                    break
            else:
                raise AlloyError(f"unexpected character {ch!r}", line)
    tokens.append(("eof", "", line))
    return tokens


class _Parser:
    def __init__(self, tokens):
        self.tokens = tokens
        self.pos = 0
        self.depth = 0

    def peek(self, skip_newlines=True):
        if skip_newlines:
            while self.tokens[self.pos][0] == "newline":
                self.pos += 1
        return self.tokens[self.pos]

    def take(self, kind=None, value=None, skip_newlines=True):
        token = self.peek(skip_newlines)
        if (kind and token[0] != kind) or (value is not None and token[1] != value):
            want = value or kind
            raise AlloyError(f"expected {want!r}, found {token[1] or token[0]!r}", token[2])
        self.pos += 1
        return token

    def body(self, closing: str | None) -> tuple[dict, list]:
        attributes: dict[str, Attribute] = {}
        blocks: list[Block] = []
        while True:
            token = self.peek()
            if token[0] == "eof":
                if closing:
                    raise AlloyError(f"missing {closing!r}", token[2])
                return attributes, blocks
            if token[0] == "punct" and token[1] == closing:
                self.pos += 1
                return attributes, blocks
            name_token = self.take("ident")
            name = name_token[1]
            while self.peek(False)[1] == ".":
                self.pos += 1
                name += "." + self.take("ident", skip_newlines=False)[1]
            token = self.peek(False)
            if token[1] == "=" and "." not in name:
                self.pos += 1
                attributes[name] = Attribute(name, self.expression(), name_token[2])
            else:
                label = None
                if token[0] == "string":
                    label = token[1]
                    self.pos += 1
                self.take("punct", "{")
                self.depth += 1
                if self.depth > 50:
                    raise AlloyError("blocks nest too deeply", name_token[2])
                attrs, children = self.body("}")
                self.depth -= 1
                blocks.append(Block(name, label, name_token[2], attrs, children))

    def expression(self):
        value = self.unary()
        parts = None
        while self.peek(False)[0] == "punct" and self.peek(False)[1] in _BINARY:
            op = self.take()[1]
            parts = (parts or [_show(value)]) + [op, _show(self.unary())]
        return Expr(" ".join(parts)) if parts else value

    def unary(self):
        token = self.peek()
        if token[0] == "punct" and token[1] in ("!", "-"):
            self.pos += 1
            operand = self.unary()
            if token[1] == "-" and isinstance(operand, (int, float)):
                return -operand
            return Expr(token[1] + _show(operand))
        return self.postfix(self.primary())

    def primary(self):
        kind, value, line = self.take()
        if kind == "string":
            return value
        if kind == "number":
            try:
                return float(value) if any(c in value for c in ".eE") else int(value.replace("_", ""), 0)
            except ValueError:
                return Expr(value)
        if kind == "ident":
            if value in ("true", "false"):
                return value == "true"
            if value == "null":
                return None
            name = value
            while self.peek(False)[1] == ".":
                self.pos += 1
                name += "." + self.take("ident", skip_newlines=False)[1]
            if self.peek(False)[1] == "(":
                self.pos += 1
                args = self.items(")")
                return Call(name, tuple(args))
            return Ref(name)
        if value == "[":
            return self.items("]")
        if value == "{":
            out = {}
            while True:
                token = self.peek()
                if token[1] == "}":
                    self.pos += 1
                    return out
                key = self.take()
                if key[0] not in ("string", "ident"):
                    raise AlloyError("expected an object key", key[2])
                if self.peek()[1] not in ("=", ":"):
                    raise AlloyError("expected '=' in an object", key[2])
                self.pos += 1
                out[key[1]] = self.expression()
                if self.peek()[1] == ",":
                    self.pos += 1
        if value == "(":
            inner = self.expression()
            self.take("punct", ")")
            return inner
        raise AlloyError(f"unexpected {value or kind!r}", line)

    def items(self, closing: str) -> list:
        out = []
        while True:
            if self.peek()[1] == closing:
                self.pos += 1
                return out
            out.append(self.expression())
            if self.peek()[1] == ",":
                self.pos += 1
            elif self.peek()[1] != closing:
                token = self.peek()
                raise AlloyError(f"expected ',' or {closing!r}", token[2])

    def postfix(self, value):
        while self.peek(False)[1] in ("[", "."):
            if self.peek(False)[1] == "[":
                self.pos += 1
                index = self.expression()
                self.take("punct", "]")
                value = Expr(f"{_show(value)}[{_show(index)}]")
            else:
                self.pos += 1
                value = Expr(f"{_show(value)}.{self.take('ident')[1]}")
        return value


def _show(value: Any) -> str:
    if isinstance(value, Ref):
        return value.name
    if isinstance(value, Expr):
        return value.text
    if isinstance(value, Call):
        return f"{value.name}(...)"
    return repr(value)


def parse(text: str, first_line: int = 1) -> list[Block]:
    """The top-level blocks of an Alloy config; raise AlloyError on a syntax error."""
    parser = _Parser(tokenize(text, first_line))
    try:
        _, blocks = parser.body(None)
    except RecursionError:
        raise AlloyError("expression nests too deeply", first_line) from None
    return blocks


def refs(value: Any) -> list[str]:
    """Every reference inside a value (lists and objects included)."""
    if isinstance(value, Ref):
        return [value.name]
    if isinstance(value, list):
        return [r for item in value for r in refs(item)]
    if isinstance(value, dict):
        return [r for item in value.values() for r in refs(item)]
    if isinstance(value, Call):
        return [r for item in value.args for r in refs(item)]
    return []
