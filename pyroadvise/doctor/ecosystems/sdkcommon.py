"""Helpers shared by the Java, .NET, Node.js, Python, Ruby and Rust analysers.

Parsing helpers (tree-sitter call sites, Dockerfile stages), version comparison, scopes and the starting type
states from the catalog. Heavy modules (tree_sitter and its grammars, dockerfile_parse, packaging) are imported
inside the functions that need them, so importing this module costs nothing.
"""

from __future__ import annotations

import posixpath
import re
from dataclasses import dataclass, field
from typing import Any, Iterator

from ..model import Finding, Service, SourceFile, Tree, TypeState, Where

# ------------------------------------------------------------------ scopes

_SCOPE_DIRS = {
    "docs": {"docs", "doc", "documentation", "site", "website"},
    "example": {"examples", "example", "samples", "sample", "demo", "demos", "playground"},
    "test": {"test", "tests", "testdata", "fixtures", "__tests__", "spec", "e2e", "integration-tests"},
}
_DOC_SUFFIXES = (".md", ".mdx", ".rst", ".adoc")


def scope_of(path: str, ctx: Any = None) -> str:
    """The scope of a file: "app", "docs", "example" or "test" (the core's rules when there are any)."""
    rules = None
    if ctx is not None and getattr(ctx, "doctor", None) is not None:
        try:
            rules = ctx.doctor.rules
        except Exception:  # the core's rules are optional here: fall back to the built-in table
            rules = None
    if rules is not None and hasattr(rules, "scope_of"):
        return rules.scope_of(path)
    parts = path.split("/")
    for scope, names in _SCOPE_DIRS.items():
        if any(part in names for part in parts[:-1]):
            return scope
    if path.endswith(_DOC_SUFFIXES):
        return "docs"
    return "app"


def nearest_service_dir(path: str, dirs: set[str]) -> str | None:
    """The deepest directory of ``dirs`` that holds ``path`` (a file path)."""
    directory = posixpath.dirname(path) or "."
    while True:
        if directory in dirs:
            return directory
        if directory in (".", ""):
            return "." if "." in dirs else None
        directory = posixpath.dirname(directory) or "."


def own_files(service: Service, tree: Tree, services_dirs: set[str], suffixes: tuple[str, ...]) -> list[SourceFile]:
    """Files under the service's directory with one of ``suffixes`` whose nearest service is this one."""
    out = []
    for f in tree.under(service.path):
        if not f.path.endswith(suffixes):
            continue
        if nearest_service_dir(f.path, services_dirs) != service.path:
            continue
        out.append(f)
    return out


def service_name(path: str, tree: Tree, declared: str | None = None) -> str:
    """A service's name: what its manifest declares, else its directory name (the root folder's for ".")."""
    if declared:
        return declared
    if path in (".", ""):
        return tree.root.name or "."
    return posixpath.basename(path)


# ------------------------------------------------------------------ versions


def version(text: str | None):
    """A packaging Version for ``text`` (a leading v or = is dropped), or None when it is not a version."""
    if not text:
        return None
    from packaging.version import InvalidVersion, Version

    cleaned = text.strip().lstrip("v=").strip()
    try:
        return Version(cleaned)
    except InvalidVersion:
        return None


def has_key(entry: dict, ver) -> bool:
    """Whether a key entry ({name, since?, until?}) exists in release ``ver`` (a Version; None = newest)."""
    if ver is None:
        return "until" not in entry
    since, until = version(entry.get("since")), version(entry.get("until"))
    if since is not None and ver < since:
        return False
    if until is not None and ver >= until:
        return False
    return True


def is_exact(spec: str | None) -> bool:
    """Whether a declared version is one exact release (a pin or a lock), not a range."""
    return version(spec) is not None


# ------------------------------------------------------------------ type states


def base_states(ctx: Any, language: str, method: str = "sdk") -> dict[str, TypeState]:
    """Every type the language has, with the state its catalog default gives for ``method``."""
    states: dict[str, TypeState] = {}
    catalog = getattr(ctx, "catalog", None)
    lang = catalog.languages.get(language) if catalog is not None else None
    if lang is None:
        return states
    for type_id, entry in lang.types.items():
        default = "off"
        for step in entry.enable:
            if step.method == method:
                default = "on" if step.default == "on" else "off"
                break
        states[type_id] = TypeState(default, None)
    return states


def types_by_setting(ctx: Any, language: str, method: str = "sdk") -> dict[str, list[tuple[str, bool]]]:
    """The catalog's enable setting of each type: setting -> [(type, on by default)]."""
    out: dict[str, list[tuple[str, bool]]] = {}
    catalog = getattr(ctx, "catalog", None)
    lang = catalog.languages.get(language) if catalog is not None else None
    if lang is None:
        return out
    for type_id, entry in lang.types.items():
        for step in entry.enable:
            if step.method == method:
                out.setdefault(step.setting, []).append((type_id, step.default == "on"))
                break
    return out


def language_types(ctx: Any, language: str) -> tuple[str, ...]:
    catalog = getattr(ctx, "catalog", None)
    lang = catalog.languages.get(language) if catalog is not None else None
    return tuple(lang.types) if lang is not None else ()


def all_to(states: dict[str, TypeState], state: str, where: Where | None) -> None:
    for key in list(states):
        states[key] = TypeState(state, where)


def sdk_keys(ctx: Any, section: str) -> dict:
    doctor = getattr(ctx, "doctor", None)
    keys = getattr(doctor, "keys", None) or {}
    value = keys.get(section)
    return value if isinstance(value, dict) else {}


# ------------------------------------------------------------------ settings


def final(ctx: Any, service: Service, name: str):
    """The winning Setting of ``name`` for the service (app scope only), or None."""
    found = None
    for item in service.settings:
        if item.name == name and item.scope == "app":
            found = item
    return found


def setting_where(setting) -> Where:
    return setting.where if setting is not None else None


def app_settings(service: Service, prefix: str = "") -> dict[str, Any]:
    """The winning app-scope Setting of every name starting with ``prefix``, in first-seen order."""
    out: dict[str, Any] = {}
    for item in service.settings:
        if item.scope != "app" or not item.name.startswith(prefix):
            continue
        out[item.name] = item
    return out


# ------------------------------------------------------------------ tree-sitter

_GRAMMARS = {
    "java": ("tree_sitter_java", "language"),
    "javascript": ("tree_sitter_javascript", "language"),
    "typescript": ("tree_sitter_typescript", "language_typescript"),
    "tsx": ("tree_sitter_typescript", "language_tsx"),
    "ruby": ("tree_sitter_ruby", "language"),
    "rust": ("tree_sitter_rust", "language"),
    "csharp": ("tree_sitter_c_sharp", "language"),
}
_PARSERS: dict[str, Any] = {}


def parse(lang: str, data: bytes):
    """The root node of ``data`` parsed with the tree-sitter grammar ``lang``, or None when it cannot be."""
    parser = _PARSERS.get(lang)
    if parser is None:
        import importlib

        import tree_sitter

        module_name, attr = _GRAMMARS[lang]
        module = importlib.import_module(module_name)
        parser = tree_sitter.Parser(tree_sitter.Language(getattr(module, attr)()))
        _PARSERS[lang] = parser
    try:
        return parser.parse(data).root_node
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


def strip_c_comments(source: str) -> str:
    """``source`` with // and /* */ comments blanked (strings kept), line structure preserved.

    Used for Kotlin, which has no grammar listed for doctor: a conservative lexer, not a parser.
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
            out.append(source[i:j + 1])
            i = j + 1
        else:
            out.append(ch)
            i += 1
    return "".join(out)


# ------------------------------------------------------------------ Dockerfiles


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


_DOCKERFILES: dict[int, Dockerfile | None] = {}


def dockerfile(f: SourceFile) -> Dockerfile | None:
    """The stages of a Dockerfile (FROM, ENV with ${VAR} substituted per stage, every instruction)."""
    key = id(f)
    if key in _DOCKERFILES:
        return _DOCKERFILES[key]
    result = None
    content = f.text()
    if content is not None:
        try:
            result = _parse_dockerfile(f.path, content)
        except Exception:  # dockerfile-parse raises assorted errors on broken files
            result = None
    _DOCKERFILES[key] = result
    return result


def _parse_dockerfile(path: str, content: str) -> Dockerfile:
    import shlex

    from dockerfile_parse import DockerfileParser

    import io

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


def dockerfiles_of(service: Service, tree: Tree, service_dirs: set[str]) -> list[tuple[SourceFile, Dockerfile]]:
    """The Dockerfiles that belong to a service (nearest service directory), parsed."""
    out = []
    for f in tree.under(service.path):
        name = f.name
        if not (name == "Dockerfile" or name.startswith("Dockerfile.") or name.endswith(".Dockerfile")
                or name == "Containerfile"):
            continue
        if scope_of(f.path) != "app":
            continue
        if nearest_service_dir(f.path, service_dirs) != service.path:
            continue
        parsed = dockerfile(f)
        if parsed is not None and parsed.stages:
            out.append((f, parsed))
    return out


def command_words(service: Service) -> list[str]:
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


def empty_risk(states: dict, findings: list[Finding], ctx) -> None:
    """Types an error finding empties become empty-risk (when they were on or unknown)."""
    checks = getattr(getattr(ctx, "doctor", None), "checks", {}) or {}
    for finding in findings:
        check = checks.get(finding.check)
        level = getattr(check, "level", None)
        if level != "error":
            continue
        types = finding.types or tuple(getattr(check, "types", ()) or ())
        for t in types:
            if t in states and states[t].state in ("on", "unknown"):
                states[t] = TypeState("empty-risk", finding.where)
