"""Grafana Alloy's profiling components: pyroscope.ebpf, pyroscope.java, pyroscope.scrape, pyroscope.write.

An eBPF component is a service of its own (language ``ebpf``: it profiles whatever processes it targets).
Scrapes are attached to the services they target (see ``scrapes_for``); the Go module reads them.
Project-wide checks (``project_findings``): forward_to references, privileges of the workload that runs
Alloy, Go-only scrapes of other languages, and legacy annotations.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..alloy import Block, Ref, refs
from ..model import Context, Finding, MethodUse, Service, Tree, TypeState, Where

LANGUAGE = "ebpf"


@dataclass
class Scrape:
    """A pull of pprof endpoints: a pyroscope.scrape component, or pod annotations that ask for one."""

    config: object  # layers.AlloyConfig (None for annotations)
    block: Block | None
    enabled: dict  # profile name -> (on, line)
    hosts: list  # target hosts named in static targets
    discovered: bool  # targets come from discovery (not a static list)
    file: str = ""
    line: int | None = None
    component: str = ""
    package: str = "pyroscope.scrape"


def components(ctx: Context, name: str):
    """(config, block) for every top-level Alloy block called ``name``."""
    for config in ctx.layers.alloy:
        for block in config.blocks:
            if block.name == name:
                yield config, block


def _enabled(block: Block, profiles: dict) -> dict:
    config = block.child("profiling_config")
    out = {}
    for name, spec in profiles.items():
        on, line = bool(spec["default"]), block.line
        sub = config.child(f"profile.{name}") if config is not None else None
        if sub is not None:
            value = sub.get("enabled", spec["default"])
            on = value if isinstance(value, bool) else bool(spec["default"])
            line = sub.line
        out[name] = (on, line)
    return out


def scrapes(ctx: Context) -> list[Scrape]:
    cached = getattr(ctx, "_scrapes", None)
    if cached is not None:
        return cached
    profiles = ctx.doctor.keys["alloy"]["scrape_profiles"]
    out = []
    for config, block in components(ctx, "pyroscope.scrape"):
        targets = block.get("targets")
        hosts, discovered = [], not isinstance(targets, list)
        for target in targets if isinstance(targets, list) else []:
            if isinstance(target, dict) and isinstance(target.get("__address__"), str):
                hosts.append(target["__address__"].split("://")[-1].rsplit(":", 1)[0])
            else:
                discovered = True
        out.append(Scrape(config, block, _enabled(block, profiles), hosts, discovered, config.file, block.line,
                          block.component_id))
    ctx._scrapes = out
    return out


def _names(service: Service) -> set[str]:
    names = {service.name}
    for work in service.facts.get("workloads") or []:
        names.add(work.name)
    return names


def scrapes_for(service: Service, ctx: Context) -> list[Scrape]:
    """The scrapes whose static targets name the service (its name, or a compose/Kubernetes workload of
    it). A scrape fed by discovery is given to a Go service that serves pprof only when it is the one."""
    names = _names(service)
    # a Kubernetes service name may be written in full: queue.default.svc(.cluster.local)
    out = [s for s in scrapes(ctx) if names & (set(s.hosts) | {h.split(".")[0] for h in s.hosts})]
    out += _annotated(service, ctx)
    if not out:
        pull_services = [s for s in ctx.services if s.language == "go" and s.scope == "app"]
        if len(pull_services) == 1 and pull_services[0] is service:
            out = [s for s in scrapes(ctx) if s.discovered and not s.hosts and s.config.scope == "app"]
    return out


def _annotated(service: Service, ctx: Context) -> list[Scrape]:
    """Pod annotations profiles.grafana.com/<profile>.scrape: "true" on the service's Kubernetes workloads,
    which the k8s-monitoring chart's Alloy turns into scrapes (annotations on, everything else off)."""
    keys = ctx.doctor.keys["alloy"]
    prefix, suffix = keys["annotation_prefix"], keys["annotation_scrape_suffix"]
    names = keys["annotation_profiles"]
    out = []
    for work in service.facts.get("workloads") or []:
        if work.kind != "kubernetes":
            continue
        enabled = {name: (False, work.line) for name in keys["scrape_profiles"]}
        found = False
        for key, value in work.annotations.items():
            key = str(key)
            if key.startswith(prefix) and key.endswith(suffix):
                profile = names.get(key[len(prefix):-len(suffix)])
                if profile is not None:
                    found = True
                    enabled[profile] = (str(value).lower() == "true", work.annotation_lines.get(key, work.line))
        if found:
            out.append(Scrape(None, None, enabled, [], False, work.file, work.line,
                              f"{work.workload or work.name} annotations", keys["annotation_package"]))
    return out


# ------------------------------------------------------------------------------------------- services

def detect(tree: Tree, ctx: Context) -> list[Service]:
    services = []
    for config, block in components(ctx, "pyroscope.ebpf"):
        name = f"pyroscope.ebpf.{block.label}" if block.label else "pyroscope.ebpf"
        runner = next(iter(alloy_workloads(ctx, config)), None)
        if runner is not None:
            name = runner.name
        directory = config.file.rsplit("/", 1)[0] if "/" in config.file else "."
        service = Service(name=name, path=directory, language=LANGUAGE, scope=config.scope)
        service.methods.append(MethodUse("ebpf", "pyroscope.ebpf", None, Where(config.file, block.line)))
        service.facts["ebpf"] = (config, block)
        services.append(service)
    return services + _helm_ebpf(ctx)


def _helm_ebpf(ctx: Context) -> list[Service]:
    """eBPF switched on in Helm values of the k8s-monitoring chart (``profiling.ebpf.enabled: true``, at the
    top or under the chart's key when it is a dependency). The chart writes the Alloy config itself."""
    keys = ctx.doctor.keys["helm"]
    out = []
    for path, doc in ctx.layers.helm_values:
        candidates = [doc] + [v for v in doc.values() if isinstance(v, dict)]
        for values in candidates:
            profiling = values.get(keys["profiling_key"])
            if not isinstance(profiling, dict) or str(profiling.get("enabled", "")).lower() != "true":
                continue
            ebpf = profiling.get(keys["ebpf_key"])
            if not isinstance(ebpf, dict) or str(ebpf.get("enabled", "")).lower() != "true":
                continue
            directory = path.rsplit("/", 1)[0] if "/" in path else "."
            service = Service(name=keys["service_name"], path=directory, language=LANGUAGE,
                              scope=ctx.tree.scope_of(path))
            service.methods.append(MethodUse("ebpf", keys["package"], None, Where(path, profiling.line_of(
                keys["ebpf_key"]))))
            service.facts["helm_ebpf"] = (path, profiling.line_of(keys["ebpf_key"]))
            out.append(service)
    return out


def analyse(service: Service, tree: Tree, ctx: Context) -> tuple[dict[str, TypeState], list[Finding]]:
    keys = ctx.doctor.keys["ebpf"]
    states = {t: TypeState("off", None) for t in keys["types"]}
    if "helm_ebpf" in service.facts:
        states[keys["always_on"]] = TypeState("on", Where(*service.facts["helm_ebpf"]))
        return states, []
    config, block = service.facts["ebpf"]
    states[keys["always_on"]] = TypeState("on", Where(config.file, block.line))
    threshold = block.attributes.get(keys["off_cpu_setting"])
    if threshold is not None and isinstance(threshold.value, (int, float)) and threshold.value > 0:
        states[keys["off_cpu_type"]] = TypeState("on", Where(config.file, threshold.line))
    return states, []


# ------------------------------------------------------------------------------------------- checks

def alloy_workloads(ctx: Context, config) -> list:
    """The compose services or Kubernetes containers that run this Alloy config."""
    keys = ctx.doctor.keys["alloy"]
    images = tuple(keys["alloy_images"])
    runners = [w for w in ctx.layers.workloads if w.image and any(i in w.image for i in images)]
    if config.configmap:
        mounted = [w for w in runners if config.configmap in w.mounts]
        return mounted or [w for w in runners if w.file == config.file]
    directory = config.file.rsplit("/", 1)[0] if "/" in config.file else "."
    mounted = [w for w in runners if any(m == config.file or m == directory or config.file.startswith(m + "/")
                                         for m in w.mounts)]
    if mounted:
        return mounted
    same_file = [w for w in runners if w.file == config.file]
    return same_file


def project_findings(ctx: Context) -> list[Finding]:
    findings: list[Finding] = []
    keys = ctx.doctor.keys["alloy"]
    texts = ctx.doctor.keys["texts"]
    groups: dict[str, set[str]] = {}
    for config in ctx.layers.alloy:
        defined = groups.setdefault(config.group, set())
        for block in config.blocks:
            defined.add(block.component_id)
    ebpf_services = {id(s.facts.get("ebpf", (None, None))[1]): s.name for s in ctx.services if s.language == "ebpf"}
    for config in ctx.layers.alloy:
        has_modules = any(b.name.startswith(("import.", "declare")) for b in config.blocks)
        for block in config.blocks:
            if not block.name.startswith("pyroscope."):
                continue
            forward = block.attributes.get("forward_to")
            for ref in refs(forward.value) if forward is not None else []:
                if not ref.endswith(".receiver") or has_modules:
                    continue
                target = ref[: -len(".receiver")]
                if target not in groups.get(config.group, set()):
                    label = target.rsplit(".", 1)[-1]
                    findings.append(Finding("PD804", ebpf_services.get(id(block)),
                                            Where(config.file, forward.line),
                                            values={"component": block.component_id, "ref": ref, "label": label}))
            if block.name in keys["privileged_components"]:
                for work in alloy_workloads(ctx, config):
                    missing = _missing_privileges(work, texts)
                    if missing:
                        how = texts[f"privileges_fix_{work.kind}"]
                        findings.append(Finding("PD802", ebpf_services.get(id(block)), Where(work.file, work.line),
                                                values={"component": block.component_id,
                                                        "workload": work.workload or work.name,
                                                        "where": f"{work.file}:{work.line}",
                                                        "missing": texts["missing_join"].join(missing),
                                                        "how": how}))
    by_name = {}
    for service in ctx.services:
        for name in _names(service):
            by_name.setdefault(name, service)
    for scrape in scrapes(ctx):
        for host in scrape.hosts:
            target = by_name.get(host) or by_name.get(host.split(".")[0])
            if target is None or target.language in ("go", "ebpf"):
                continue
            left_on = [name for name in keys["go_only_profiles"] if scrape.enabled.get(name, (False,))[0]]
            if left_on:
                findings.append(Finding("PD803", target.name, Where(scrape.file, scrape.line), values={
                    "component": scrape.component, "target": host, "language": target.language}))
    prefixes = tuple(keys["legacy_annotation_prefixes"])
    for work in ctx.layers.workloads:
        for key, line in sorted(work.annotation_lines.items(), key=lambda item: item[1]):
            if str(key).startswith(prefixes):
                findings.append(Finding("PD805", None, Where(work.file, line), values={
                    "workload": work.workload or work.name, "annotation": key}))
    return findings


def _missing_privileges(work, texts: dict) -> list[str]:
    missing = []
    if not work.host_pid:
        missing.append(texts[f"missing_host_pid_{work.kind}"])
    capable = work.run_as_root and {"SYS_ADMIN", "BPF", "PERFMON"} & {c.upper() for c in work.capabilities}
    if not work.privileged and not capable:
        missing.append(texts["missing_privileged"])
    return missing


def ref_name(value) -> str | None:
    return value.name if isinstance(value, Ref) else None
