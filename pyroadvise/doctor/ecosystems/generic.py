"""Checks that hold for every SDK: server addresses (scheme, loopback in a container, Grafana Cloud
without basic auth), settings whose value doctor cannot see, and setups found only in docs or examples.
Plus the project-wide Alloy checks (alloyebpf.project_findings).

An SDK module records a code-level address as a Setting named like the SDK's field (``ServerAddress``,
``server_address``, ``serverAddress``): the names are in catalog/doctor/sdk-keys.yaml, section generic.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from ..model import Context, Finding, Service, Where

_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*://")


def analyse(ctx: Context) -> list[Finding]:
    from . import alloyebpf

    keys = ctx.doctor.keys["generic"]
    findings: list[Finding] = []
    for service in ctx.services:
        if service.language == "ebpf":
            continue
        findings += _addresses(service, ctx, keys)
        findings += _unknown(service, keys)
    findings += alloyebpf.project_findings(ctx)
    findings += _alloy_addresses(ctx, keys)
    findings += _docs_only(ctx)
    return findings


def _reads_env(service: Service, keys: dict) -> bool:
    return service.language in keys.get("env_reading_languages", ())


def _address_settings(service: Service, ctx: Context, keys: dict):
    for name in keys["address_settings"]:
        setting = ctx.setting(service, name)
        if setting is None or setting.value is None or not setting.value.strip():
            continue
        if setting.layer != "code" and not _reads_env(service, keys) and not _is_code_name(name):
            continue
        yield setting


def _is_code_name(name: str) -> bool:
    return not (name.isupper() or "." in name)


def _addresses(service: Service, ctx: Context, keys: dict) -> list[Finding]:
    out = []
    containerized = bool(service.facts.get("image") or service.facts.get("workloads"))
    for setting in _address_settings(service, ctx, keys):
        value = setting.value.strip()
        if not _SCHEME.match(value):
            out.append(Finding("PD901", service.name, setting.where, values={"setting": setting.name, "value": value}))
            continue
        host = (urlsplit(value).hostname or "").lower()
        if containerized and host in keys["loopback_hosts"] and not _sidecar(service, ctx):
            works = service.facts.get("workloads") or []
            deployed = ", ".join(sorted({w.kind for w in works})) or ctx.doctor.keys["texts"]["deployed_dockerfile"]
            out.append(Finding("PD902", service.name, setting.where, values={
                "value": value, "setting": setting.name, "deployed": deployed}))
        if host.endswith(tuple(keys["cloud_suffixes"])):
            users = [ctx.setting(service, n) for n in keys["basic_auth_user_settings"]]
            if not any(u is not None and (u.value is None or u.value.strip()) for u in users):
                tokens = [ctx.setting(service, n) for n in keys["auth_token_settings"]]
                token = ctx.doctor.keys["texts"]["token_only"] if any(tokens) else ""
                out.append(Finding("PD903", service.name, setting.where, values={"value": value, "token": token}))
    return out


def _sidecar(service: Service, ctx: Context) -> bool:
    images = tuple(ctx.doctor.keys["alloy"]["alloy_images"]) + ("pyroscope",)
    for work in service.facts.get("workloads") or []:
        if any(any(i in sibling for i in images) for sibling in work.siblings):
            return True
    return False


def _unknown(service: Service, keys: dict) -> list[Finding]:
    out = []
    seen = set()
    for setting in service.settings:
        if setting.value is not None or setting.source is None or setting.name in seen:
            continue
        name = setting.name
        if not (name.upper().startswith("PYROSCOPE") or name in keys["address_settings"]):
            continue
        seen.add(name)
        out.append(Finding("PD907", service.name, setting.where, values={"setting": name, "source": setting.source}))
    return out


def _alloy_addresses(ctx: Context, keys: dict) -> list[Finding]:
    from . import alloyebpf

    out = []
    for config, block in alloyebpf.components(ctx, "pyroscope.write"):
        for endpoint in block.children("endpoint"):
            url = endpoint.attributes.get("url")
            if url is None or not isinstance(url.value, str):
                continue
            value = url.value.strip()
            where = Where(config.file, url.line)
            if not _SCHEME.match(value):
                out.append(Finding("PD901", None, where, values={"setting": f"{block.component_id} url",
                                                                 "value": value}, confidence="medium"))
            elif (urlsplit(value).hostname or "").lower().endswith(tuple(keys["cloud_suffixes"])) \
                    and endpoint.child("basic_auth") is None:
                out.append(Finding("PD903", None, where, values={"value": value, "token": "",
                                                                 "service": block.component_id}))
    return out


def _docs_only(ctx: Context) -> list[Finding]:
    app_setups = [s for s in ctx.services if s.scope == "app" and s.methods]
    if app_setups or any(c.scope == "app" for c in ctx.layers.alloy):
        return []
    elsewhere = []
    for path, source in sorted(ctx.tree.files.items()):
        scope = ctx.tree.scope_of(path)
        if b"pyroscope" not in source.data.lower():
            continue
        if scope == "app":
            return []  # app code that mentions Pyroscope outside any service doctor recognised: not docs-only
        elsewhere.append((path, scope, source))
    if not elsewhere:
        return []
    path, _, source = elsewhere[0]
    line = source.data.lower()[: source.data.lower().find(b"pyroscope")].count(b"\n") + 1
    texts = ctx.doctor.keys["texts"]
    scopes = sorted({scope for _, scope, _ in elsewhere})
    count = texts["files_one" if len(elsewhere) == 1 else "files_many"].format(count=len(elsewhere))
    return [Finding("PD905", None, Where(path, line), values={"scope": texts["scope_join"].join(scopes),
                                                             "count": count})]
