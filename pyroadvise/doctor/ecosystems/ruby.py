"""Ruby: the pyroscope gem (Pyroscope.configure do |config| ... end).

Services come from Gemfile (read with the tree-sitter Ruby grammar: a gem call, not a text match) and the
version from Gemfile.lock. A gem that appears in Gemfile.lock only under another gem is not a use. The
configuration block is read with tree-sitter: ``config.<attribute> = value`` assignments; an attribute the
locked gem's Config struct lacks raises NoMethodError at boot.
"""

from __future__ import annotations

import re

from ..model import Finding, MethodUse, Service, Tree, TypeState, Where
from . import sdkcommon as common

LANGUAGE = "ruby"
GEM = "pyroscope"
_LOCK_SPEC = re.compile(r"^    pyroscope \(([^)\s]+)\)", re.M)


def detect(tree: Tree) -> list[Service]:
    services = []
    for f in tree.named("Gemfile", "gems.rb"):
        service = Service(common.service_name(f.directory, tree), f.directory, LANGUAGE,
                          scope=common.scope_of(f.directory + "/x", tree))
        hit = gemfile_gem(f.data)
        if hit is not None:
            spec, line = hit
            locked = lock_version(tree, f.directory)
            service.methods.append(MethodUse("sdk", GEM, locked or spec, Where(f.path, line)))
        services.append(service)
    return services


def gemfile_gem(data: bytes) -> tuple[str | None, int] | None:
    root = common.parse("ruby", data)
    for call in common.calls("ruby", root):
        if call.name != "gem" or call.receiver:
            continue
        args = common.arg_nodes(call.args)
        if args and common.string_value(args[0]) == GEM:
            specs = [common.string_value(a) for a in args[1:] if common.string_value(a) is not None]
            return (", ".join(specs) or None), call.line
    # `gem "x"` without parentheses parses as a call too; nothing else declares a gem
    return None


def lock_version(tree: Tree, directory: str) -> str | None:
    prefix = "" if directory == "." else directory + "/"
    f = tree.files.get(prefix + "Gemfile.lock") or tree.files.get(prefix + "gems.locked")
    if f is None:
        return None
    m = _LOCK_SPEC.search(f.text() or "")
    if m is None:
        return None
    return re.sub(r"-(x86_64|aarch64|arm64|x86|universal)[-\w.]*$", "", m.group(1))


def _configure_blocks(root):
    """(call line, block parameter, [(attribute, line, value node)]) for each Pyroscope.configure block."""
    out = []
    for call in common.calls("ruby", root):
        if call.name != "configure" or call.receiver not in ("Pyroscope", "::Pyroscope"):
            continue
        block = call.node.child_by_field_name("block")
        if block is None:
            continue
        param = None
        params = block.child_by_field_name("parameters")
        if params is not None:
            names = [c for c in params.named_children if c.type == "identifier"]
            param = common.text(names[0]) if names else None
        attrs = []
        for node in common.nodes(block):
            if node.type == "assignment":
                left = node.child_by_field_name("left")
                if left is not None and left.type == "call":
                    receiver = left.child_by_field_name("receiver")
                    method = left.child_by_field_name("method")
                    if receiver is not None and method is not None and (param is None or common.text(receiver)
                                                                        == param):
                        attrs.append((common.text(method), common.line(node), node.child_by_field_name("right")))
        out.append((call.line, param, attrs, call.node))
    return out


def _puma(service: Service, tree: Tree, dirs: set[str], hooks: tuple[str, ...]):
    for f in common.own_files(service, tree, dirs, ("puma.rb",)):
        root = common.parse("ruby", f.data)
        workers, preload, hook_configures = None, False, False
        for call in common.calls("ruby", root):
            if call.name == "workers" and not call.receiver:
                for arg in common.arg_nodes(call.args):
                    for node in common.nodes(arg):
                        if node.type == "integer" and int(common.text(node).replace("_", "") or 0) > 0:
                            workers = workers or (common.text(node), call.line)
            elif call.name == "preload_app!":
                preload = True
            elif call.name in hooks and b"Pyroscope" in common.text(
                    call.node).encode():
                hook_configures = True
        if root is not None:
            for node in common.nodes(root):
                if node.type == "identifier" and common.text(node) == "preload_app!":
                    preload = True
        if workers and preload and not hook_configures:
            return workers[0], Where(f.path, workers[1])
    return None


def analyse(service: Service, tree: Tree, ctx):
    keys = common.sdk_keys(ctx, "ruby-config")
    name = service.name
    states = {t: TypeState("off", None) for t in common.base_states(ctx, LANGUAGE)}
    findings: list[Finding] = []
    if not service.methods or service.scope != "app":
        return states, findings
    dirs = common.service_dirs(service, ctx)
    method = service.methods[0]
    ver = common.version(method.version) if common.is_exact(method.version) else None
    attributes = {a["name"]: a for a in keys.get("attributes", ())}
    strings: set[str] = set()
    blocks = []
    for f in common.own_files(service, tree, dirs, (".rb", ".ru", ".rake")):
        if common.scope_of(f.path, tree) != "app" or f.name in ("Gemfile", "gems.rb"):
            continue
        root = common.parse("ruby", f.data)
        if root is None:
            continue
        for node in common.nodes(root):
            if node.type == "string_content":
                strings.add(common.text(node))
        for line, param, attrs, _ in _configure_blocks(root):
            blocks.append((f.path, line, attrs))
    if not blocks:
        findings.append(Finding("PD605", name, method.where, values={"service": name, "manifest": method.where.file}))
        return states, findings
    file, line, _ = blocks[0]
    for t in states:
        states[t] = TypeState("on", Where(file, line))
    for file, line, attrs in blocks:
        for attr, attr_line, _ in attrs:
            entry = attributes.get(attr)
            if ver is not None and attributes and (entry is None or not common.has_key(entry, ver)):
                findings.append(Finding("PD603", name, Where(file, attr_line),
                                        values={"service": name, "version": str(ver), "attribute": attr}))
    puma = _puma(service, tree, dirs, tuple(keys.get("worker_hooks", ())))
    if puma is not None:
        findings.append(Finding("PD601", name, puma[1], values={"service": name, "workers": puma[0]}))
    for key, setting in common.app_settings(service, "PYROSCOPE_").items():
        if setting.layer == "code" or key in strings:
            continue
        findings.append(Finding("PD604", name, setting.where, values={"service": name, "key": key}))
    return states, findings
