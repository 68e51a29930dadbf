"""Go: the pyroscope-go push SDK, and net/http/pprof pulled by Alloy's pyroscope.scrape.

A service is a Go module (go.mod). Its code is read with tree-sitter: imports (aliases resolved),
build constraints, ``pyroscope.Start`` sites and the Config they get (inline, or a variable built in the
same file), and the runtime rate calls that mutex and block profiles need.
"""

from __future__ import annotations

import re
from pathlib import PurePosixPath

from ..model import Context, Finding, MethodUse, Service, Setting, Tree, TypeState, Where
from .gocode import StartSite, _aliases, _field_value, _go_files, _profile_types, analyse_code, read_gomod

LANGUAGE = "go"


def language_types(ctx: Context) -> list[str]:
    """Every type Go has at the newest Pyroscope release in the catalog (the states doctor reports)."""
    from ...matrix import available_types

    catalog = ctx.catalog
    return list(available_types(catalog.versions[catalog.newest], LANGUAGE))


def detect(tree: Tree) -> list[Service]:
    services = []
    for source in tree.named("go.mod"):
        parsed = read_gomod(source)
        if parsed is None:
            tree.skip(source.path, "go.mod is not UTF-8 text")
            continue
        module, requires = parsed
        directory = source.directory
        name = (module or "").rstrip("/").split("/")[-1] or PurePosixPath(directory).name or "app"
        service = Service(name=name, path=directory, language=LANGUAGE, scope=tree.scope_of(source.path))
        service.facts["gomod"] = source.path
        service.facts["requires"] = requires
        services.append(service)
    return services


# ------------------------------------------------------------------------------------------- analyse

def analyse(service: Service, tree: Tree, ctx: Context) -> tuple[dict[str, TypeState], list[Finding]]:
    keys = ctx.doctor.keys["go"]
    texts = ctx.doctor.keys["texts"]
    findings: list[Finding] = []
    types = language_types(ctx)
    groups = keys["groups"]
    states = {t: TypeState("off", None) for t in types}
    requires = service.facts.get("requires", [])
    gomod = service.facts["gomod"]
    for req in requires:
        if req.indirect:
            continue
        if req.path in keys["sdk_modules"] or req.path in keys["legacy_modules"]:
            service.methods.append(MethodUse("sdk", req.path, req.version, Where(gomod, req.line)))
        if req.path in keys["legacy_modules"]:
            findings.append(Finding("PD906", service.name, Where(gomod, req.line), values={
                "package": req.path, "what": texts["legacy_go_client"], "replacement": "github.com/grafana/pyroscope-go"}))
    code = analyse_code(_go_files(service, tree, ctx), keys, tree)
    service.facts["go"] = code
    positive_mutex = any(v is None or v > 0 for v, _, _ in code.mutex_rates)
    positive_block = any(v is None or v > 0 for v, _, _ in code.block_rates)
    for value, where, name in code.mutex_rates + code.block_rates:
        if value is None or value <= 0:
            continue
        if name == "SetBlockProfileRate" and value < keys["block_rate_fine_below"]:
            findings.append(Finding("PD104", service.name, where, values={
                "call": f"runtime.{name}", "rate": value, "what": texts["blocking"], "start": _start_value(ctx, name)}))
        elif name == "SetMutexProfileFraction" and value <= keys["mutex_fraction_fine_at_most"]:
            findings.append(Finding("PD104", service.name, where, values={
                "call": f"runtime.{name}", "rate": value, "what": texts["mutex_contention"],
                "start": _start_value(ctx, name)}))
    # push
    for site in code.starts:
        data = site.file.source.data
        where = Where(site.file.source.path, site.line)
        if not service.methods or all(m.method != "sdk" for m in service.methods):
            service.methods.append(MethodUse("sdk", "github.com/grafana/pyroscope-go", None, where))
        on, constants, types_line = _profile_types(site, keys, data)
        decided = Where(site.file.source.path, types_line or site.line)
        findings += _too_new(service, constants, decided, keys, gomod)
        start_text = f"{_alias(site, keys)}.Start ({where.file}:{where.line})"
        if on is None:
            for t in types:
                if states[t].state == "off":
                    states[t] = TypeState("unknown", decided)
        else:
            for t in on:
                states[t] = TypeState("on", decided)
            for t in types:  # not in the list (or not a default): decided here too
                if states[t].state == "off" and states[t].where is None:
                    states[t] = TypeState("off", decided)
            if "ProfileTypes" in site.fields:
                missing, add = [], []
                if keys["cpu_type"] not in on:
                    missing.append(texts["go_missing_cpu"])
                    add.append(f"{_alias(site, keys)}.ProfileCPU")
                if not on & set(groups["memory"]):
                    missing.append(texts["go_missing_memory"])
                    add.append(f"{_alias(site, keys)}.ProfileInuseSpace")
                if missing:
                    findings.append(Finding("PD103", service.name, decided, values={
                        "missing": texts["go_missing_join"].join(missing),
                        "constants": texts["go_constants_join"].join(add)}))
            if on & set(groups["mutex"]) and not positive_mutex:
                findings.append(Finding("PD101", service.name, decided, values={
                    "via": texts["listed_in_profile_types"], "start": start_text}))
            if on & set(groups["block"]) and not positive_block:
                findings.append(Finding("PD102", service.name, decided, values={
                    "via": texts["listed_in_profile_types"], "start": start_text}))
        for setting_name in ("ServerAddress", "BasicAuthUser", "BasicAuthPassword", "AuthToken"):
            setting = _field_value(site, setting_name, service, ctx)
            if setting is not None:
                service.settings.insert(0, Setting(setting_name, setting.value, setting.where, "code",
                                                   setting.scope, setting.source))
        if site.file.tags and not _tag_built(site.file.tags, tree):
            tag = site.file.tags[0]
            findings.append(Finding("PD109", service.name, Where(site.file.source.path, site.file.constraint_line),
                                    values={"file": site.file.source.path, "tag": tag,
                                            "constraint": f"//go:build {site.file.constraint}"}))
    # pull
    from . import alloyebpf

    for scrape in alloyebpf.scrapes_for(service, ctx):
        where = Where(scrape.file, scrape.line)
        service.methods.append(MethodUse("alloy", scrape.package, None, where))
        component = scrape.component
        if code.pprof is None:
            findings.append(Finding("PD105", service.name, where, values={
                "component": component, "file_alloy": scrape.file}))
        elif code.servers and not code.default_mux_served:
            handler, server_where = code.servers[0]
            findings.append(Finding("PD106", service.name, server_where, values={"handler": handler}))
        for address, listen_where in code.listens:
            host = address.rsplit(":", 1)[0].strip("[]").lower()
            remote = [h for h in scrape.hosts if h.lower() not in keys["loopback_listen_hosts"]]
            if host in keys["loopback_listen_hosts"] and (remote or scrape.discovered):
                findings.append(Finding("PD110", service.name, listen_where, values={
                    "addr": address, "component": component, "target": ", ".join(scrape.hosts) or "discovered targets",
                    "port": address.rsplit(":", 1)[-1]}))
        profiles = ctx.doctor.keys["alloy"]["scrape_profiles"]
        for name, (enabled, line) in scrape.enabled.items():
            if not enabled:
                for t in profiles[name]["types"]:
                    if states[t].state == "off" and states[t].where is None:
                        states[t] = TypeState("off", Where(scrape.file, line))
                continue
            for t in profiles[name]["types"]:
                if states[t].state in ("off", "unknown"):
                    states[t] = TypeState("on", Where(scrape.file, line))
            if name.startswith("godeltaprof_") and code.godeltaprof is None and code.pprof is not None:
                kind = name[len("godeltaprof_"):]
                findings.append(Finding("PD107", service.name, Where(scrape.file, line), values={
                    "component": component, "kind": kind,
                    "endpoint": ctx.doctor.keys["alloy"]["delta_endpoints"][kind]}))
        for plain, delta in ctx.doctor.keys["alloy"]["delta_pairs"].items():
            if scrape.enabled.get(plain, (False,))[0] and scrape.enabled.get(delta, (False,))[0]:
                findings.append(Finding("PD108", service.name, Where(scrape.file, scrape.enabled[delta][1]),
                                        values={"component": component, "kind": plain}))
        start_text = texts["pull_start"]
        via = texts["scraped_by"].format(component=component)
        mutex_on = scrape.enabled.get("mutex", (False,))[0] or scrape.enabled.get("godeltaprof_mutex", (False,))[0]
        block_on = scrape.enabled.get("block", (False,))[0] or scrape.enabled.get("godeltaprof_block", (False,))[0]
        if mutex_on and not positive_mutex and code.pprof is not None:
            findings.append(Finding("PD101", service.name, _line_of(scrape, "mutex"), values={
                "via": via, "start": start_text}))
        if block_on and not positive_block and code.pprof is not None:
            findings.append(Finding("PD102", service.name, _line_of(scrape, "block"), values={
                "via": via, "start": start_text}))
    return states, findings


def _alias(site: StartSite, keys: dict) -> str:
    return next(iter(sorted(_aliases(site.file.imports, keys["sdk_imports"]))), "pyroscope")


def _start_value(ctx: Context, call: str) -> str:
    """The catalog's start value for a rate call (the Go language file's enable steps)."""
    type_id = ctx.doctor.keys["go"]["rate_types"][call]
    try:
        steps = ctx.catalog.languages["go"].types[type_id].enable
        return next(s.start for s in steps if s.method == "sdk" and s.start)
    except (AttributeError, KeyError, StopIteration):
        return "?"


def _line_of(scrape, profile: str) -> Where:
    """Where a scrape turns ``profile`` (or its godeltaprof twin) on."""
    for name in (profile, f"godeltaprof_{profile}"):
        on, line = scrape.enabled.get(name, (False, None))
        if on:
            return Where(scrape.file, line)
    return Where(scrape.file, scrape.line)


def _too_new(service: Service, constants: list[str], where: Where, keys: dict, gomod: str) -> list[Finding]:
    """PD111 for constants newer than the pyroscope-go version go.mod requires."""
    from ..versions import below

    sdk = next((m for m in service.methods if m.method == "sdk" and m.package in keys["sdk_modules"]), None)
    if sdk is None or not sdk.version:
        return []
    out = []
    for constant in dict.fromkeys(constants):
        minimum = keys["constant_minimums"].get(constant)
        if minimum and below(sdk.version, minimum):
            out.append(Finding("PD111", service.name, where, types=tuple(keys["constants"].get(constant, ())),
                               values={"constant": constant, "minimum": minimum, "gomod": gomod,
                                       "version": sdk.version}))
    return out


def _tag_built(tags: list[str], tree: Tree) -> bool:
    """True when a build file in the tree passes one of the tags with -tags."""
    pattern = re.compile(r"-tags[= ]+[\"']?([A-Za-z0-9_.,\s]+)")
    for source in tree.files.values():
        name = source.name
        if not (name.startswith(("Dockerfile", "Makefile", "GNUmakefile", "Containerfile"))
                or name.endswith((".Dockerfile", ".mk", ".sh", ".yaml", ".yml"))):
            continue
        text = source.text() or ""
        for match in pattern.finditer(text):
            given = set(re.split(r"[,\s]+", match.group(1).strip()))
            if given & set(tags):
                return True
    return False
