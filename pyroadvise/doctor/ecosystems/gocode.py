"""Reading a Go module: go.mod requirements, and with tree-sitter each file's imports (aliases resolved),
build constraint, pyroscope.Start sites with the Config they get (inline, or a variable built in the
same file), runtime rate calls and HTTP servers. Facts only; go.py turns them into states and findings."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..model import Context, Service, Setting, SourceFile, Tree, Where


# ------------------------------------------------------------------------------------------- go.mod

@dataclass
class Require:
    path: str
    version: str
    indirect: bool
    line: int


def read_gomod(source: SourceFile) -> tuple[str | None, list[Require]] | None:
    """(module path, requires) from a go.mod; None when it is not text."""
    text = source.text()
    if text is None:
        return None
    module, requires, in_block = None, [], False
    for number, raw in enumerate(text.splitlines(), 1):
        code, _, comment = raw.partition("//")
        words = code.split()
        if not words:
            continue
        if in_block:
            if words[0] == ")":
                in_block = False
                continue
            if len(words) >= 2:
                requires.append(Require(words[0].strip('"'), words[1], "indirect" in comment, number))
            continue
        if words[0] == "module" and len(words) >= 2:
            module = words[1].strip('"')
        elif words[0] == "require":
            if len(words) >= 2 and words[1] == "(":
                in_block = True
            elif len(words) >= 3:
                requires.append(Require(words[1].strip('"'), words[2], "indirect" in comment, number))
    return module, requires


# ------------------------------------------------------------------------------------------- code

@dataclass
class GoFile:
    source: SourceFile
    tree: object
    imports: dict  # local name -> import path
    import_lines: dict  # import path -> line
    tags: list  # positive, non-platform build tags
    constraint: str | None
    constraint_line: int | None
    calls: list


def _go_files(service: Service, tree: Tree, ctx: Context) -> list[SourceFile]:
    modules = sorted({s.path.rsplit("/", 1)[0] if "/" in s.path else "." for s in tree.named("go.mod")},
                     key=len, reverse=True)
    out = []
    for source in tree.under(service.path):
        if not source.path.endswith(".go"):
            continue
        owner = next((m for m in modules if m == "." or source.path.startswith(m + "/")), ".")
        if owner == service.path:
            out.append(source)
    return out


def _read(source: SourceFile, keys: dict) -> GoFile | None:
    from ..syntax import calls, parse, text

    data = source.data
    syntax_tree = parse("go", data)
    imports, import_lines = {}, {}
    root = syntax_tree.root_node
    constraint, constraint_line = None, None
    for node in root.named_children:
        if node.type == "comment" and constraint is None:
            body = text(node, data)
            if body.startswith("//go:build"):
                constraint, constraint_line = body[len("//go:build"):].strip(), node.start_point[0] + 1
        if node.type != "import_declaration":
            continue
        specs = [n for n in node.named_children if n.type == "import_spec"]
        for spec_list in (n for n in node.named_children if n.type == "import_spec_list"):
            specs += [n for n in spec_list.named_children if n.type == "import_spec"]
        for spec in specs:
            path_node, name_node = spec.child_by_field_name("path"), spec.child_by_field_name("name")
            if path_node is None:
                continue
            path = text(path_node, data).strip('"`')
            local = text(name_node, data) if name_node is not None else \
                keys["packages"].get(path, path.rstrip("/").split("/")[-1])
            imports[local] = path
            import_lines.setdefault(path, spec.start_point[0] + 1)
    tags = []
    if constraint:
        platform = set(keys["platform_tags"])
        for match in re.finditer(r"(!?)([A-Za-z0-9_.]+)", constraint):
            if not match.group(1) and match.group(2) not in platform:
                tags.append(match.group(2))
        if re.search(r"(^|[^!\w])ignore\b", constraint):
            return None  # `//go:build ignore`: never compiled
    return GoFile(source, syntax_tree, imports, import_lines, tags, constraint, constraint_line,
                  calls("go", data, syntax_tree))


@dataclass
class StartSite:
    file: GoFile
    line: int
    fields: dict  # field name -> (node, line)
    resolved: bool  # False when the Config could not be read (built elsewhere)


@dataclass
class Analysis:
    files: list = field(default_factory=list)
    starts: list = field(default_factory=list)
    mutex_rates: list = field(default_factory=list)  # (value or None when not a literal, Where)
    block_rates: list = field(default_factory=list)
    pprof: Where | None = None
    godeltaprof: Where | None = None
    servers: list = field(default_factory=list)  # (handler text, Where) for ListenAndServe with a handler
    listens: list = field(default_factory=list)  # (address literal, Where) for every ListenAndServe
    default_mux_served: bool = False


def _aliases(imports: dict, paths) -> set[str]:
    wanted = set(paths)
    return {local for local, path in imports.items() if path in wanted}


def analyse_code(files: list[SourceFile], keys: dict, tree: Tree) -> Analysis:
    out = Analysis()
    for source in files:
        try:
            parsed = _read(source, keys)
        except Exception as error:  # noqa: BLE001 - a file tree-sitter cannot take is skipped, not fatal
            tree.skip(source.path, f"Go code not readable ({type(error).__name__})")
            continue
        if parsed is None:
            continue
        out.files.append(parsed)
        data = source.data
        sdk = _aliases(parsed.imports, keys["sdk_imports"])
        runtime = _aliases(parsed.imports, ["runtime"])
        nethttp = _aliases(parsed.imports, ["net/http"])
        for path in keys["pprof_imports"]:
            if path in parsed.import_lines and out.pprof is None:
                out.pprof = Where(source.path, parsed.import_lines[path])
        for path in keys["godeltaprof_imports"]:
            if path in parsed.import_lines and out.godeltaprof is None:
                out.godeltaprof = Where(source.path, parsed.import_lines[path])
        for call in parsed.calls:
            if call.receiver in sdk and call.name == "Start" and call.args:
                out.starts.append(_start_site(parsed, call, data))
            elif call.receiver in runtime and call.name in ("SetMutexProfileFraction", "SetBlockProfileRate"):
                value = _int(call.arg_text(0, data))
                target = out.mutex_rates if call.name == "SetMutexProfileFraction" else out.block_rates
                target.append((value, Where(source.path, call.line), call.name))
            elif call.receiver in nethttp and call.name in ("ListenAndServe", "ListenAndServeTLS"):
                handler = call.arg_text(len(call.args) - 1, data) if call.args else None
                address = call.arg_text(0, data)
                if address and address[:1] in ('"', "`"):
                    out.listens.append((address[1:-1], Where(source.path, call.line)))
                if handler is None or handler == "nil" or handler.endswith("DefaultServeMux"):
                    out.default_mux_served = True
                else:
                    out.servers.append((handler, Where(source.path, call.line)))
    return out


def _int(value: str | None) -> int | None:
    if value is None:
        return None
    try:
        return int(value.replace("_", ""), 0)
    except ValueError:
        return None


def _start_site(parsed: GoFile, call, data: bytes) -> StartSite:
    from ..syntax import text, walk

    arg = call.args[0]
    while arg.type in ("unary_expression", "parenthesized_expression") and arg.named_children:
        arg = arg.child_by_field_name("operand") or arg.named_children[-1]
    fields: dict = {}
    resolved = False
    if arg.type == "composite_literal":
        fields, resolved = _literal_fields(arg, data), True
    elif arg.type == "identifier":
        name = text(arg, data)
        for node in walk(parsed.tree.root_node):
            if node.start_byte > call.node.start_byte:
                break
            if node.type in ("short_var_declaration", "assignment_statement", "var_spec"):
                left = node.child_by_field_name("left") or node.child_by_field_name("name")
                right = node.child_by_field_name("right") or node.child_by_field_name("value")
                if left is None or right is None:
                    continue
                left_text = text(left, data).strip()
                value = right.named_children[0] if right.type == "expression_list" and right.named_children \
                    else right
                while value.type == "unary_expression" and value.child_by_field_name("operand") is not None:
                    value = value.child_by_field_name("operand")
                if left_text == name and value.type == "composite_literal":
                    fields, resolved = _literal_fields(value, data), True
                elif left_text.startswith(name + ".") and resolved:
                    fields[left_text[len(name) + 1:]] = (value, node.start_point[0] + 1)
    return StartSite(parsed, call.line, fields, resolved)


def _literal_fields(node, data: bytes) -> dict:
    from ..syntax import text

    body = node.child_by_field_name("body")
    out = {}
    for element in body.named_children if body is not None else []:
        if element.type != "keyed_element":
            continue
        key, value = element.child_by_field_name("key"), element.child_by_field_name("value")
        if key is None or value is None:
            continue
        inner = value.named_children[0] if value.type == "literal_element" and value.named_children else value
        out[text(key, data).strip()] = (inner, element.start_point[0] + 1)
    return out


def _profile_types(site: StartSite, keys: dict, data: bytes) -> tuple[set[str] | None, list[str], int | None]:
    """(types turned on or None when unknown, constants listed, line of ProfileTypes)."""
    from ..syntax import text, walk

    sdk = _aliases(site.file.imports, keys["sdk_imports"])
    if "ProfileTypes" not in site.fields:
        if not site.resolved:
            return None, [], None
        constants = list(keys["defaults"])
        return _types_of(constants, keys), [], None
    node, line = site.fields["ProfileTypes"]
    if node.type == "identifier":  # a variable: look for its literal in the same file
        name = text(node, data)
        for candidate in walk(site.file.tree.root_node):
            if candidate.type in ("short_var_declaration", "var_spec", "assignment_statement"):
                left = candidate.child_by_field_name("left") or candidate.child_by_field_name("name")
                right = candidate.child_by_field_name("right") or candidate.child_by_field_name("value")
                if left is not None and right is not None and text(left, data).strip() == name:
                    value = right.named_children[0] if right.type == "expression_list" else right
                    if value.type == "composite_literal":
                        node = value
                        break
    if node.type != "composite_literal":
        return None, [], line
    body = node.child_by_field_name("body")
    constants = []
    for element in body.named_children if body is not None else []:
        inner = element.named_children[0] if element.type == "literal_element" and element.named_children \
            else element
        if inner.type == "selector_expression":
            operand, field_node = inner.child_by_field_name("operand"), inner.child_by_field_name("field")
            if operand is not None and text(operand, data) in sdk and field_node is not None:
                constants.append(text(field_node, data))
                continue
        elif inner.type == "identifier" and text(inner, data) in keys["constants"] and "." in site.file.imports:
            constants.append(text(inner, data))
            continue
        return None, constants, line  # something computed: doctor cannot tell which types
    return _types_of(constants, keys), constants, line


def _types_of(constants: list[str], keys: dict) -> set[str]:
    return {t for c in constants for t in keys["constants"].get(c, ())}


def _field_value(site: StartSite, name: str, service: Service, ctx: Context) -> Setting | None:
    from ..syntax import text

    if name not in site.fields:
        return None
    node, line = site.fields[name]
    where = Where(site.file.source.path, line)
    data = site.file.source.data
    if node.type in ("interpreted_string_literal", "raw_string_literal"):
        return Setting(name, text(node, data)[1:-1], where, "code")
    if node.type == "call_expression":
        function = node.child_by_field_name("function")
        args = node.child_by_field_name("arguments")
        fn = text(function, data) if function is not None else ""
        os_alias = _aliases(site.file.imports, ["os"])
        if fn.split(".")[0] in os_alias and fn.endswith((".Getenv", ".LookupEnv")) and args is not None \
                and args.named_children and args.named_children[0].type == "interpreted_string_literal":
            var = text(args.named_children[0], data)[1:-1]
            env = ctx.setting(service, var)
            if env is None:
                return Setting(name, None, where, "code", source=None)
            return Setting(name, env.value, env.where, env.layer, env.scope, env.source)
    return Setting(name, None, where, "code")  # an expression doctor does not evaluate


