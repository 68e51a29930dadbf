"""Where a Java service declares, fetches or starts the Pyroscope agent: pom.xml (xml.etree, ${properties} resolved),
Gradle builds (comments blanked, then the coordinate), gradle/libs.versions.toml (tomllib), and a Dockerfile's
final stage (ADD/COPY/curl of pyroscope.jar, version from the release URL), and the code: PyroscopeAgent.start
and Config.Builder calls in Java (tree-sitter); Kotlin has no grammar here, so .kt files only count a literal
PyroscopeAgent.start( once comments are blanked.
"""

from __future__ import annotations

import posixpath
import re
import shlex

from ..model import Service, Tree, Where
from . import sdkcommon as common

PACKAGE = "io.pyroscope:agent"
_COORD = re.compile(r"""["']io\.pyroscope:agent:([^"'\s$]+)["']""")
KOTLIN_START = re.compile(r"\bPyroscopeAgent\s*\.\s*start\s*\(")
_JAR_URL_VERSION = re.compile(r"/download/v?(\d+\.\d+\.\d+[^/]*)/pyroscope\.jar")


def read_pom(data: bytes) -> dict | None:
    """artifactId, the agent dependency (version with ${properties} resolved, line), release, aggregator."""
    import xml.etree.ElementTree as ET

    try:
        root = ET.fromstring(data)
    except ET.ParseError:
        return None

    def local(tag: str) -> str:
        return tag.rsplit("}", 1)[-1]

    def child(node, name):
        for c in node:
            if local(c.tag) == name:
                return c
        return None

    props: dict[str, str] = {}
    properties = child(root, "properties")
    if properties is not None:
        for p in properties:
            props[local(p.tag)] = (p.text or "").strip()
    agent = None
    for dep in root.iter():
        if local(dep.tag) != "dependency":
            continue
        group, artifact, ver = child(dep, "groupId"), child(dep, "artifactId"), child(dep, "version")
        if group is None or artifact is None:
            continue
        if (group.text or "").strip() == "io.pyroscope" and (artifact.text or "").strip() == "agent":
            raw = (ver.text or "").strip() if ver is not None else None
            if raw:
                raw = re.sub(r"\$\{([^}]+)\}", lambda m: props.get(m.group(1), m.group(0)), raw)
            agent = (raw or None, _line_of(data, b"<artifactId>agent</artifactId>"))
    artifact_id = child(root, "artifactId")
    packaging = child(root, "packaging")
    modules = child(root, "modules")
    release = props.get("maven.compiler.release") or props.get("maven.compiler.target") or props.get(
        "java.version")
    return {
        "artifactId": (artifact_id.text or "").strip() if artifact_id is not None else None,
        "agent": agent,
        "release": release,
        "aggregator": packaging is not None and (packaging.text or "").strip() == "pom" and modules is not None,
    }


def _line_of(data: bytes, needle: bytes) -> int | None:
    index = data.find(needle)
    return data.count(b"\n", 0, index) + 1 if index >= 0 else None


def gradle_agent(source: str) -> tuple[str, int] | None:
    """The io.pyroscope:agent coordinate in a Gradle build (comments ignored): (version, line)."""
    clean = common.strip_c_comments(source)
    m = _COORD.search(clean)
    if m is None:
        return None
    return m.group(1), clean.count("\n", 0, m.start()) + 1


def catalog_agent(data: bytes) -> tuple[str | None, int | None] | None:
    try:
        import tomllib
    except ModuleNotFoundError:  # Python 3.10
        import tomli as tomllib
    try:
        doc = tomllib.loads(data.decode("utf-8"))
    except (ValueError, UnicodeDecodeError, RecursionError):
        return None
    libraries = doc.get("libraries") if isinstance(doc, dict) else None
    versions = doc.get("versions") if isinstance(doc, dict) else {}
    if not isinstance(libraries, dict):
        return None
    for entry in libraries.values():
        if isinstance(entry, str) and entry.startswith("io.pyroscope:agent:"):
            return entry.rsplit(":", 1)[1], _line_of(data, b"io.pyroscope:agent")
        if not isinstance(entry, dict):
            continue
        module = entry.get("module") or f"{entry.get('group')}:{entry.get('name')}"
        if module != PACKAGE:
            continue
        ver = entry.get("version")
        if isinstance(ver, dict) and isinstance(versions, dict):
            ver = versions.get(ver.get("ref"))
        return (ver if isinstance(ver, str) else None), _line_of(data, b"io.pyroscope")
    return None


def agent_jar_in_image(parsed: common.Dockerfile) -> dict | None:
    """Where the final stage gets the agent jar (ADD/COPY/RUN curl|wget): path in the image, version, line."""
    final = parsed.final
    for entry in final.instructions:
        instr = entry["instruction"].upper()
        expanded = entry.get("expanded", entry["value"])
        if instr not in ("ADD", "COPY", "RUN") or "pyroscope" not in expanded.lower():
            continue
        if ".jar" not in expanded:
            continue
        try:
            words = shlex.split(expanded)
        except ValueError:
            words = expanded.split()
        words = [w for w in words if not w.startswith("--")]
        target = None
        if instr in ("ADD", "COPY") and len(words) >= 2:
            target = words[-1]
            if target.endswith("/"):
                target = target + posixpath.basename(words[-2])
        elif instr == "RUN":
            for i, w in enumerate(words):
                if w in ("-o", "-O", "--output") and i + 1 < len(words):
                    target = words[i + 1]
        if target is None or not target.endswith(".jar") or "pyroscope" not in target.lower():
            if target is None and instr in ("ADD", "COPY"):
                continue
            if target is None:
                target = "pyroscope.jar"
        m = _JAR_URL_VERSION.search(expanded)
        return {"path": target, "version": m.group(1) if m else None, "line": entry["startline"] + 1}
    return None


def code_files(service: Service, tree: Tree, dirs: set[str]):
    for f in common.own_files(service, tree, dirs, (".java", ".kt")):
        if common.scope_of(f.path, tree) != "app":
            continue
        yield f


def code_start(service: Service, tree: Tree, dirs: set[str]):
    for f in code_files(service, tree, dirs):
        if f.path.endswith(".kt"):
            source = f.text() or ""
            clean = common.strip_c_comments(source, strings=True)
            m = KOTLIN_START.search(clean)
            if m:
                return Where(f.path, clean.count("\n", 0, m.start()) + 1)
            continue
        root = common.parse("java", f.data)
        for call in common.calls("java", root):
            if call.name == "start" and call.receiver.split(".")[-1] == "PyroscopeAgent":
                return Where(f.path, call.line)
    return None


def builder_calls(service: Service, tree: Tree, dirs: set[str], keys: dict) -> dict:
    """Settings made in code through Config.Builder (setProfilingAlloc("512k") and so on)."""
    builder = keys.get("builder", {})
    out: dict = {}
    for f in code_files(service, tree, dirs):
        if not f.path.endswith(".java"):
            continue
        root = common.parse("java", f.data)
        for call in common.calls("java", root):
            env_name = builder.get(call.name)
            if env_name is None:
                continue
            args = common.arg_nodes(call.args)
            if len(args) != 1:
                continue
            arg = args[0]
            value = common.string_value(arg)
            if value is None:
                raw = common.text(arg)
                if raw in ("true", "false"):
                    value = raw
                elif "." in raw and raw.split(".")[-1].isupper():
                    value = raw.split(".")[-1].lower()   # EventType.WALL, Format.JFR
                else:
                    value = None
            out[env_name] = (value, Where(f.path, call.line))
    return out
