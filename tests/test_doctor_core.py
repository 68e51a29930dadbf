"""doctor's framework: the walk, the layers, the Alloy parser, hostile trees, output formats and the CLI.

Fixture projects with exact expected reports are in test_doctor_fixtures.py.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
from conftest import FIXTURES, ROOT, run

import sarif_schema as _sarif

from pyroadvise.doctor import catalogdata, diagnose
from pyroadvise.doctor.alloy import AlloyError, Call, Expr, Ref, parse, refs
from pyroadvise.doctor.layers import read as read_layers, substitute
from pyroadvise.doctor.walk import walk

DOCTOR = FIXTURES / "doctor"


@pytest.fixture(scope="module")
def data():
    return catalogdata.load()


@pytest.fixture(scope="session")
def sarif_schema(tmp_path_factory):
    """The official SARIF 2.1.0 schema, fetched at test time (see tests/sarif_schema.py)."""
    return _sarif.load(tmp_path_factory.mktemp("sarif"))


def write(root: Path, files: dict[str, str | bytes]) -> Path:
    for rel, content in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")
    return root


GO_APP = {
    "go.mod": "module example.com/app\n\ngo 1.22\n\nrequire github.com/grafana/pyroscope-go v1.2.4\n",
    "main.go": 'package main\n\nimport "github.com/grafana/pyroscope-go"\n\nfunc main() {\n'
               '\tpyroscope.Start(pyroscope.Config{ApplicationName: "app", ServerAddress: "http://pyroscope:4040"})\n}\n',
}


# -- walk ---------------------------------------------------------------------------------------------


def test_walk_keeps_manifests_and_marker_files_only(tmp_path, data):
    write(tmp_path, {**GO_APP, "util.go": "package main\n\nfunc add(a, b int) int { return a + b }\n",
                     "README.md": "nothing here\n", "logo.png": b"\x89PNG\r\n",
                     "docs/setup.md": "Send profiles to Pyroscope.\n"})
    tree = walk(tmp_path, data.rules)
    assert sorted(tree.files) == ["docs/setup.md", "go.mod", "main.go"]
    assert tree.skipped == []
    assert tree.scope_of("docs/setup.md") == "docs" and tree.scope_of("main.go") == "app"


def test_walk_prunes_dependency_folders_and_honours_gitignore(tmp_path, data):
    write(tmp_path, {**GO_APP,
                     "node_modules/x/index.js": "require('pyroscope')",
                     "vendor/github.com/grafana/pyroscope-go/api.go": "package pyroscope",
                     ".venv/lib/pyroscope.py": "import pyroscope",
                     "build/out.go": "package pyroscope",
                     "gen/.gitignore": "*.gen.go\n",
                     "gen/a.gen.go": "package pyroscope",
                     "gen/b.go": "package gen // pyroscope",
                     ".gitignore": "secret/\n",
                     "secret/pyroscope.yaml": "pyroscope: true\n"})
    tree = walk(tmp_path, data.rules)
    assert sorted(tree.files) == ["gen/b.go", "go.mod", "main.go"]


def test_walk_excludes_globs_from_config(tmp_path, data):
    write(tmp_path, {**GO_APP, "legacy/go.mod": "module x\n"})
    assert "legacy/go.mod" not in walk(tmp_path, data.rules, ["legacy/**"]).files


def test_walk_caps_depth(tmp_path, data):
    deep = "/".join(f"d{i}" for i in range(45))
    write(tmp_path, {f"{deep}/go.mod": "module deep\n"})
    tree = walk(tmp_path, data.rules)
    assert tree.files == {}
    [skip] = tree.skipped
    assert skip["path"] == "/".join(f"d{i}" for i in range(41)) and "deeper than 40" in skip["reason"]


# -- hostile trees: never a traceback, always exit 0, every problem under `skipped` ------------------


def hostile(root: Path) -> Path:
    write(root, {**GO_APP,
                 "package.json": b"\x00\x01\x02binary\xff\xfe",  # binary named like a manifest
                 "compose.yaml": "services: [unclosed\n",
                 "pyproject.toml": "[tool.pyroadvise.doctor\nexclude = ",
                 "pom.xml": "<project><dependencies><dependency>pyroscope</dependency>",
                 "config.alloy": 'pyroscope.scrape "x" {\n  targets = [\n',
                 "bomb.yaml": "a: &a [pyroscope, pyroscope]\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]\n"
                              "c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]\nd: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]\n"
                              "e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]\nf: [*e,*e,*e,*e,*e,*e,*e,*e,*e]\n",
                 "deep.yaml": "pyroscope: " + "[" * 5000 + "]" * 5000 + "\n",
                 "latin1.properties": "pyroscope.application.name=caf\xe9".encode("latin-1"),
                 "Dockerfile": "ENV PYROSCOPE_X=1\n"})
    os.symlink("..", root / "loop")  # a symlink loop
    os.symlink("/etc/passwd", root / "passwd.yaml")  # out of the tree
    os.symlink("missing-target", root / "dangling.go")
    os.mkfifo(root / "fifo.yaml")
    with open(root / "huge.go", "wb") as handle:  # 1 GB, sparse
        handle.truncate(1 << 30)
    big = root / "big.go"
    big.write_text("package main // pyroscope\n" + "var x = 1\n" * 120_000)
    return root


def test_hostile_tree_is_diagnosed_with_skips(tmp_path):
    root = hostile(tmp_path / "proj")
    report = diagnose(root)
    skipped = {s["path"]: s["reason"] for s in report["skipped"] if "is not valid TOML" not in s["reason"]}
    # (an SDK reader may report the broken pyproject.toml once more, in its own words: the core's entry is kept)
    # The SDK readers report the broken pom.xml too (when they are installed); everything else is the core's.
    assert set(skipped) - {"pom.xml"} == {
        "Dockerfile", "big.go", "bomb.yaml", "compose.yaml", "config.alloy", "dangling.go", "deep.yaml", "fifo.yaml",
        "huge.go", "package.json", "passwd.yaml", "pyproject.toml"}
    assert {k: v for k, v in skipped.items() if k != "pom.xml"} == {
        "Dockerfile": "Dockerfile without FROM",
        "big.go": "larger than 1000000 bytes; not read",
        "bomb.yaml": "more than 100000 YAML values (alias expansion?)",
        "compose.yaml": skipped["compose.yaml"],
        "config.alloy": skipped["config.alloy"],
        "dangling.go": "symlink to outside the project (or broken); not followed",
        "deep.yaml": skipped["deep.yaml"],
        "fifo.yaml": "not a regular file (FIFO, socket or device); not opened",
        "huge.go": "larger than 1000000 bytes; not read",
        "package.json": "binary content (NUL bytes); not parsed",
        "passwd.yaml": "symlink to outside the project (or broken); not followed",
        "pyproject.toml": skipped["pyproject.toml"],
    }
    assert skipped["compose.yaml"].startswith("not valid YAML at line 2")
    assert skipped["config.alloy"].startswith("not valid Alloy syntax")
    assert skipped["deep.yaml"] in ("YAML nests deeper than 60 levels", "YAML nests too deeply") or \
        skipped["deep.yaml"].startswith("not valid YAML")
    assert "not valid TOML" in skipped["pyproject.toml"]
    assert [s["name"] for s in report["services"]] == ["app"]  # the real service is still found


def test_hostile_tree_cli_exit_0(tmp_path):
    root = hostile(tmp_path / "proj")
    result = run("doctor", str(root), "--format", "json")
    assert result.exit_code == 0 and result.stderr == ""
    assert len(json.loads(result.stdout)["skipped"]) >= 12


def test_unreadable_folder_is_skipped(tmp_path):
    """A folder the process may not list. Tests run as root here, where chmod does not stop reading, so a
    child process warms up (imports, doctor catalog) and then drops to the unprivileged user nobody
    before diagnosing; as a normal user, chmod alone makes the folder unreadable."""
    base = Path(tempfile.mkdtemp(prefix="doctor-unreadable-"))
    try:
        os.chmod(base, 0o755)
        root = write(base / "proj", {**GO_APP, "locked/go.mod": "module locked\n"})
        for path in (root, root / "main.go", root / "go.mod"):
            os.chmod(path, 0o755 if path.is_dir() else 0o644)
        os.chmod(root / "locked", 0o000)
        code = ("import json, os, sys\n"
                "from pyroadvise.doctor import catalogdata, checks\n"
                "data = catalogdata.load()\n"
                "checks.run(sys.argv[2], doctor_data=data)\n"  # every lazy import done while still allowed
                "if os.geteuid() == 0:\n    os.setgroups([]); os.setgid(65534); os.setuid(65534)\n"
                "print(json.dumps(checks.run(sys.argv[1], doctor_data=data)['skipped']))")
        warm = DOCTOR / "go-push-no-rates"
        result = subprocess.run([sys.executable, "-c", code, str(root), str(warm)], capture_output=True,
                                text=True, cwd=ROOT)
        assert result.returncode == 0, result.stderr
        assert json.loads(result.stdout) == [{"path": "locked", "reason": "cannot list the folder: Permission denied"}]
    finally:
        os.chmod(base / "proj" / "locked", 0o755)
        shutil.rmtree(base)


def test_unreadable_path_is_a_usage_error(tmp_path):
    result = run("doctor", str(tmp_path / "nope"))
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr == f"Error: No such folder: {tmp_path / 'nope'}\nGive the project folder: pyroadvise doctor PATH\n"
    file = write(tmp_path, {"x.txt": "x"}) / "x.txt"
    result = run("doctor", str(file))
    assert result.exit_code == 2 and result.stderr.startswith("Error: Not a folder:")


def test_empty_project(tmp_path):
    result = run("doctor", str(tmp_path))
    assert result.exit_code == 0
    assert result.stdout == ("No services found (no go.mod, pom.xml, package.json, pyproject.toml, Gemfile, Cargo.toml\n"
                             "or *.csproj, and no Alloy eBPF component).\n"
                             "0 errors, 0 warnings, 0 notes in 0 services; 0 files read, 0 skipped.\n")


# -- layers --------------------------------------------------------------------------------------------


def test_substitute():
    assert substitute("${A:-x}/${B}", {"B": "b"}) == "x/b"
    assert substitute("$A-$B", {"A": "1", "B": "2"}) == "1-2"
    assert substitute("${MISSING}", {}) is None
    assert substitute("$$HOME", {}) == "$HOME"


def test_layers_runtime_order_and_unknown_values(tmp_path, data):
    write(tmp_path, {
        "svc/go.mod": "module example.com/svc\n",
        "svc/Dockerfile": "FROM golang AS build\nENV PYROSCOPE_A=build-only\nFROM alpine\n"
                          "ARG REGION=eu\nENV PYROSCOPE_A=image PYROSCOPE_R=${REGION}\n"
                          "ENTRYPOINT [\"/svc\"]\nCMD [\"serve\"]\n",
        ".env": "TAG=1.2\n",
        "compose.yaml": "services:\n  svc:\n    build: ./svc\n    environment:\n"
                        "      - PYROSCOPE_A=compose\n      - PYROSCOPE_PASSTHROUGH\n"
                        "      - PYROSCOPE_T=${TAG}\n    command: [\"serve\", \"--debug\"]\n",
        "k8s/deploy.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: cfg}\ndata:\n  PYROSCOPE_C: from-cm\n"
                           "---\napiVersion: apps/v1\nkind: Deployment\nmetadata: {name: svc}\nspec:\n  template:\n"
                           "    spec:\n      containers:\n        - name: svc\n          image: example/svc:1\n"
                           "          env:\n            - name: PYROSCOPE_A\n              value: kube\n"
                           "            - name: PYROSCOPE_S\n              valueFrom:\n                secretKeyRef:"
                           " {name: sec, key: k}\n            - name: PYROSCOPE_C\n              valueFrom:\n"
                           "                configMapKeyRef: {name: cfg, key: PYROSCOPE_C}\n"
                           "            - name: JAVA_TOOL_OPTIONS\n              value: -Dpyroscope.x=1\n",
    })
    from pyroadvise.doctor.layers import attach
    from pyroadvise.doctor.model import Service

    tree = walk(tmp_path, data.rules)
    deployment = read_layers(tree, data.rules)
    service = Service("svc", "svc", "go")
    attach(service, deployment)
    got = [(s.name, s.value, s.layer, s.where.file, s.where.line, s.source) for s in service.settings]
    assert got == [
        ("PYROSCOPE_A", "image", "dockerfile", "svc/Dockerfile", 5, None),
        ("PYROSCOPE_R", "eu", "dockerfile", "svc/Dockerfile", 5, None),
        ("PYROSCOPE_A", "compose", "compose", "compose.yaml", 5, None),
        ("PYROSCOPE_PASSTHROUGH", None, "compose", "compose.yaml", 6, "the host environment"),
        ("PYROSCOPE_T", "1.2", "compose", "compose.yaml", 7, None),
        ("PYROSCOPE_A", "kube", "kubernetes", "k8s/deploy.yaml", 17, None),
        ("PYROSCOPE_S", None, "kubernetes", "k8s/deploy.yaml", 19, "Secret sec key k"),
        ("PYROSCOPE_C", "from-cm", "kubernetes", "k8s/deploy.yaml", 5, None),
        ("JAVA_TOOL_OPTIONS", "-Dpyroscope.x=1", "kubernetes", "k8s/deploy.yaml", 25, None),
        ("pyroscope.x", "1", "jvm-flag", "k8s/deploy.yaml", 25, None),
    ]
    # compose `command` replaces CMD and keeps the image ENTRYPOINT; Kubernetes sets neither here
    assert service.command == ["/svc", "serve", "--debug"]


def test_properties_and_env_files(tmp_path, data):
    from pyroadvise.doctor.layers import read_env_file, read_properties

    write(tmp_path, {"a.properties": "# c\npyroscope.server.address = http://x:4040\npyroscope.labels=a\\\n  :b\n"
                                     "! bang\npyroscope.format:jfr\n",
                     ".env": "export A=1\nB='two words'\n# C=3\nD=4 # note\n"})
    tree = walk(tmp_path, data.rules)
    props = read_properties(tree.files["a.properties"], tree)
    assert [(s.name, s.value, s.where.line) for s in props] == [
        ("pyroscope.server.address", "http://x:4040", 2), ("pyroscope.labels", "a:b", 3), ("pyroscope.format", "jfr", 6)]
    env = read_env_file(tree.files[".env"], tree)
    assert [(s.name, s.value, s.where.line) for s in env] == [("A", "1", 1), ("B", "two words", 2), ("D", "4", 4)]


# -- the Alloy parser ----------------------------------------------------------------------------------


ALLOY = '''
// a comment
discovery.docker "local" { host = "unix:///var/run/docker.sock" }
/* pyroscope.scrape "old" { } */
pyroscope.scrape "a" {
  targets    = [{"__address__" = "app:6060", service_name = "app"}, discovery.docker.local.targets[0]]
  forward_to = [pyroscope.write.out.receiver]
  profiling_config {
    profile.mutex { enabled = false }
    profile.memory {
      enabled = !false
    }
  }
}
pyroscope.write "out" {
  endpoint {
    url = sys.env("URL") + "/x"
    headers = {"X-Scope-OrgID" = `tenant`}
  }
  external_labels = {"env" = "prod", }
}
'''


def test_alloy_parser_blocks_attributes_and_lines():
    blocks = parse(ALLOY)
    assert [(b.name, b.label, b.line) for b in blocks] == [
        ("discovery.docker", "local", 3), ("pyroscope.scrape", "a", 5), ("pyroscope.write", "out", 15)]
    scrape = blocks[1]
    assert scrape.get("targets")[0] == {"__address__": "app:6060", "service_name": "app"}
    assert isinstance(scrape.get("targets")[1], Expr)
    assert scrape.get("forward_to") == [Ref("pyroscope.write.out.receiver")]
    profiles = scrape.child("profiling_config")
    assert [(b.name, b.line) for b in profiles.blocks] == [("profile.mutex", 9), ("profile.memory", 10)]
    assert profiles.child("profile.mutex").get("enabled") is False
    assert profiles.child("profile.memory").get("enabled") == Expr("!False")
    endpoint = blocks[2].child("endpoint")
    assert endpoint.get("url") == Expr("sys.env(...) + '/x'")
    assert endpoint.get("headers") == {"X-Scope-OrgID": "tenant"}
    assert blocks[2].get("external_labels") == {"env": "prod"}
    assert refs(scrape.get("forward_to")) == ["pyroscope.write.out.receiver"]
    assert parse('x = env("A")\n')[0:] == [] and parse("a.b { c = 1 }\n")[0].get("c") == 1
    assert isinstance(parse('a { u = sys.env("X") }')[0].get("u"), Call)


@pytest.mark.parametrize("text", ['pyroscope.scrape "x" {', 'a { b = }', 'a { b = "x\n" }', "/* open", 'a { b = [1 2] }',
                                  "a { b = " + "[" * 3000 + "]" * 3000 + " }"])
def test_alloy_parser_errors_are_alloy_errors(text):
    with pytest.raises(AlloyError):
        parse(text)


# -- output formats and the CLI -------------------------------------------------------------------------


def test_json_envelope_exact(tmp_path):
    root = write(tmp_path, {"go.mod": GO_APP["go.mod"], "main.go": GO_APP["main.go"].replace(
        '"http://pyroscope:4040"', '"pyroscope:4040"')})
    report = run("doctor", str(root), "--format", "json").json()
    types = {t: {"state": "on", "file": "main.go", "line": 6} for t in
             ("cpu", "alloc_objects", "alloc_space", "inuse_objects", "inuse_space")}
    types.update({t: {"state": "off", "file": "main.go", "line": 6} for t in
                  ("goroutines", "mutex_count", "mutex_duration", "block_count", "block_duration", "wall", "goroutine_leak")})
    assert report == {
        "doctor_schema": 1,
        "path": str(root),
        "services": [{"name": "app", "path": ".", "language": "go", "scope": "app",
                      "methods": [{"method": "sdk", "package": "github.com/grafana/pyroscope-go", "version": "v1.2.4",
                                   "file": "go.mod", "line": 5}],
                      "types": {k: types[k] for k in ("cpu", "alloc_objects", "alloc_space", "inuse_objects",
                                                       "inuse_space", "goroutines", "mutex_count", "mutex_duration",
                                                       "block_count", "block_duration", "wall", "goroutine_leak")}}],
        "findings": [{"check": "PD901", "slug": "addr-no-scheme", "level": "error", "confidence": "high",
                      "service": "app", "file": "main.go", "line": 6,
                      "title": "Server address without a scheme",
                      "message": "ServerAddress is pyroscope:4040, which has no http:// or https://; the address is "
                                 "misread and nothing is sent.",
                      "fix": "Write it as http://pyroscope:4040 (or https:// for a TLS endpoint).", "types": []}],
        "skipped": [],
        "summary": {"services": 1, "files_read": 2, "files_scanned": 2, "error": 1, "warning": 0, "note": 0},
        "config": None,
    }


def test_fail_on_exit_codes():
    project = str(DOCTOR / "go-push-dropped-defaults")  # 1 error, 3 warnings
    assert run("doctor", project).exit_code == 0
    assert run("doctor", project, "--fail-on", "error").exit_code == 1
    assert run("doctor", project, "--fail-on", "warning").exit_code == 1
    clean = str(DOCTOR / "config-disable")  # nothing left after the config
    assert run("doctor", clean, "--fail-on", "warning").exit_code == 0
    warned = str(DOCTOR / "go-legacy-suppressed")  # one warning, its error suppressed inline
    assert run("doctor", warned, "--fail-on", "error").exit_code == 0
    assert run("doctor", warned, "--fail-on", "warning").exit_code == 1
    bad = run("doctor", project, "--fail-on", "fatal")
    assert bad.exit_code == 2 and "'fatal' is not one of 'error', 'warning'" in bad.stderr


def test_inline_suppression_and_config():
    report = diagnose(DOCTOR / "go-legacy-suppressed")
    assert [f["check"] for f in report["findings"]] == ["PD906"]  # PD901 silenced by its comment
    report = diagnose(DOCTOR / "config-disable")
    assert report["findings"] == [] and report["config"] == ".pyroadvise.toml"
    assert [s["name"] for s in report["services"]] == ["svc"]  # legacy/ excluded
    again = diagnose(DOCTOR / "config-disable", config_override={})
    assert [(f["check"], f["service"]) for f in again["findings"]] == [("PD906", "legacy"), ("PD102", "svc")]


def test_unknown_config_keys_are_reported(tmp_path):
    write(tmp_path, {**GO_APP, ".pyroadvise.toml": 'exclude = "x"\ncolour = 1\n'})
    assert diagnose(tmp_path)["skipped"] == [
        {"path": ".pyroadvise.toml", "reason": "exclude must be a list of strings; ignored"},
        {"path": ".pyroadvise.toml", "reason": "unknown doctor setting 'colour' (known: exclude, disable); ignored"}]


@pytest.mark.parametrize("name", ["go-push-no-rates", "go-pull-alloy", "ebpf-compose", "address-cloud", "k8s-ebpf-helm"])
def test_sarif_validates_against_the_schema(name, sarif_schema):
    jsonschema = pytest.importorskip("jsonschema")
    schema = sarif_schema
    result = run("doctor", str(DOCTOR / name), "--format", "sarif")
    assert result.exit_code == 0 and result.stderr == ""
    sarif = json.loads(result.stdout)
    jsonschema.validate(sarif, schema)
    report = diagnose(DOCTOR / name)
    results = sarif["runs"][0]["results"]
    assert [(r["ruleId"], r["level"], r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
             r["locations"][0]["physicalLocation"]["region"]["startLine"]) for r in results] == \
        [(f["check"], f["level"], f["file"], f["line"]) for f in report["findings"]]
    rules = sarif["runs"][0]["tool"]["driver"]["rules"]
    assert all(rules[r["ruleIndex"]]["id"] == r["ruleId"] for r in results)


def test_table_view_at_80_columns():
    result = run("doctor", str(DOCTOR / "go-pull-alloy"))
    assert result.exit_code == 0 and result.stderr == ""
    lines = result.stdout.splitlines()
    assert max(len(line) for line in lines) <= 80
    assert lines[:6] == [
        "api  (go, api)",
        "  collected by alloy: pyroscope.scrape  [alloy/config.alloy:2]",
        "  empty-risk  mutex_count, mutex_duration, block_count, block_duration",
        "  on          cpu, alloc_objects, alloc_space, inuse_objects, inuse_space,",
        "              goroutines",
        "  off         wall, goroutine_leak",
    ]
    assert "Findings" in lines
    assert lines[-1] == "3 errors, 2 warnings, 0 notes in 1 service; 5 files read, 0 skipped."


def test_markdown_view():
    result = run("doctor", str(DOCTOR / "go-push-no-rates"), "--format", "markdown")
    assert result.exit_code == 0
    assert "| mutex_count | empty-risk | cmd/hooks/main.go:14 |" in result.stdout
    assert "| error | PD101 | cmd/hooks/main.go:14 |" in result.stdout


def test_for_prints_placed_fixes():
    result = run("doctor", str(DOCTOR / "go-push-no-rates"), "--for", "lock contention")
    assert result.exit_code == 0
    text = result.stdout
    start = text.index('For "lock contention"')
    assert text[start:].splitlines()[:8] == [
        'For "lock contention" (Lock contention)',
        "  hooks (go)",
        "    mutex_duration: empty-risk, emptied by PD101 [cmd/hooks/main.go:14]",
        "    mutex_count: empty-risk, emptied by PD101 [cmd/hooks/main.go:14]",
        "    block_duration: empty-risk, emptied by PD102 [cmd/hooks/main.go:14]",
        "    Add once at start-up, before pyro.Start (cmd/hooks/main.go:11):",
        "        runtime.SetMutexProfileFraction(5) // record about 1 in 5 contention events",
        "        runtime.SetBlockProfileRate(100_000_000) // about one sample per 100 ms spent blocked",
    ]


def test_for_with_an_unknown_symptom_is_a_usage_error():
    result = run("doctor", str(DOCTOR / "go-push-no-rates"), "--for", "zzqx")
    assert result.exit_code == 2 and result.stdout == ""
    assert result.stderr.startswith("Error: No symptom matches 'zzqx'.")


def test_doctor_never_writes(tmp_path):
    root = tmp_path / "proj"
    shutil.copytree(DOCTOR / "go-pull-alloy", root)
    before = {p: p.stat().st_mtime_ns for p in root.rglob("*")}
    run("doctor", str(root), "--for", "lock contention")
    assert {p: p.stat().st_mtime_ns for p in root.rglob("*")} == before


# -- the doctor catalog ----------------------------------------------------------------------------------


def test_every_check_in_code_is_in_the_catalog_and_back(data):
    used = catalogdata.used_check_ids()
    assert used == set(data.checks)
    _, problems = catalogdata.read(catalogdata.default_dir(), None, used=used)
    assert problems == []


def test_bad_doctor_check_is_reported(tmp_path):
    (tmp_path / "checks-x.yaml").write_text(
        "schema_version: 1\nchecks:\n  PD997:\n    slug: x\n    language: cobol\n    level: fatal\n"
        "    confidence: sure\n    title: ' padded '\n    message: '{unclosed'\n    fix: ok\n    colour: red\n"
        "  X1: {}\n", encoding="utf-8")
    for name in ("files.yaml",):
        shutil.copy(catalogdata.default_dir() / name, tmp_path / name)
    _, problems = catalogdata.read(tmp_path)
    assert [(p.code, p.line) for p in problems] == [
        ("CAT005", 11), ("CAT006", 6), ("CAT006", 7), ("CAT006", 5), ("CAT017", 8), ("CAT006", 9), ("CAT007", 12)]


# -- start-up: doctor's dependencies stay out of the other commands ----------------------------------------


DOCTOR_DEPS = {"tree_sitter", "tree_sitter_go", "tree_sitter_java", "tree_sitter_javascript", "tree_sitter_typescript",
               "tree_sitter_c_sharp", "tree_sitter_ruby", "tree_sitter_rust", "dockerfile_parse", "pathspec",
               "packaging", "tomllib", "tomli", "jsonschema"}


def imported_modules(*args: str) -> set[str]:
    # app() rather than main(): main() ends the process with os._exit, before anything could be printed.
    code = ("import sys; from pyroadvise.cli import app; sys.argv = ['pyroadvise', *sys.argv[1:]]\n"
            "try:\n    app(prog_name='pyroadvise')\nexcept SystemExit:\n    pass\n"
            "print('\\n'.join(sorted(sys.modules)), file=sys.stderr)")
    env = {k: v for k, v in os.environ.items() if k != "PYROADVISE_CATALOG"}
    result = subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True, env=env)
    return set(result.stderr.split())


def test_lang_json_imports_nothing_of_doctor():
    modules = imported_modules("lang", "java", "--format", "json")
    assert "pyroadvise.cli" in modules  # the measurement works
    assert not {m for m in modules if m.split(".")[0] in DOCTOR_DEPS}
    assert not {m for m in modules if m.startswith("pyroadvise.doctor")}


def test_doctor_loads_only_the_grammars_it_needs():
    modules = imported_modules("doctor", str(DOCTOR / "go-push-no-rates"), "--format", "json")
    assert {"tree_sitter", "tree_sitter_go", "dockerfile_parse"} <= modules
    assert not modules & {"tree_sitter_java", "tree_sitter_rust", "rich"}


def test_scrape_of_a_non_go_service_with_go_defaults(tmp_path, data):
    """PD803 on a service of another language (here made by hand: the Node reader lives in the SDK
    modules); the scrape that turns goroutine, mutex and block off stays quiet."""
    from pyroadvise.doctor.ecosystems import alloyebpf
    from pyroadvise.doctor.model import Context, Service

    write(tmp_path, {"alloy/config.alloy":
                     'pyroscope.scrape "web" {\n  targets = [{"__address__" = "web:3000"}]\n'
                     '  forward_to = [pyroscope.write.out.receiver]\n}\n'
                     'pyroscope.scrape "quiet" {\n  targets = [{"__address__" = "web:3000"}]\n'
                     '  forward_to = [pyroscope.write.out.receiver]\n  profiling_config {\n'
                     '    profile.goroutine { enabled = false }\n    profile.mutex { enabled = false }\n'
                     '    profile.block { enabled = false }\n  }\n}\n'
                     'pyroscope.write "out" {\n  endpoint { url = "http://pyroscope:4040" }\n}\n'})
    tree = walk(tmp_path, data.rules)
    ctx = Context(tree=tree, doctor=data, layers=read_layers(tree, data.rules))
    ctx.services = [Service("web", "web", "nodejs")]
    found = [(f.check, f.service, f.where.file, f.where.line, f.values["component"]) for f in
             alloyebpf.project_findings(ctx)]
    assert found == [("PD803", "web", "alloy/config.alloy", 1, "pyroscope.scrape.web")]


WRONG_SHAPES = {
    "compose.yaml": ["services: just-text\n", "services:\n  a: 5\n  b: [1, 2]\n",
                     "services:\n  a:\n    environment: 7\n    env_file: {path: 3}\n    build: {context: [x]}\n"
                     "    volumes: [{source: 1}, 2]\n    command: {a: b}\n    labels: [x]\n",
                     "- a\n- b\n", "~\n", "services:\n  a:\n    environment: [1, {x: y}, 'K=${UNSET:?boom}']\n"],
    "k8s.yaml": ["kind: Deployment\nspec: 5\n", "kind: Deployment\nspec:\n  template:\n    spec:\n      containers: 3\n",
                 "kind: Pod\nspec:\n  containers:\n    - env: [{name: A, valueFrom: 5}, {value: x}, 7]\n"
                 "      envFrom: [3, {configMapRef: {}}]\n      command: 5\n      securityContext: [x]\n",
                 "kind: List\nitems: [1, {kind: ConfigMap, data: [x]}]\n", "kind: ConfigMap\ndata:\n  config.alloy: 5\n"],
    "Dockerfile": ["FROM\n", "FROM a AS\nENV\nENV =x\nENTRYPOINT [1, 2]\nCMD [\"a\"\n", "\x00FROM x\n",
                   "ARG A\nFROM ${A}\nENV X=${A:?}\n"],
    "go.mod": ["require (\n", "module\nrequire x\n", "\ufeffmodule \"q\"\nrequire (\n  a\n)\n"],
    "main.go": ["package main\nimport pyroscope \"github.com/grafana/pyroscope-go\"\nfunc main() { pyroscope.Start(",
                "package main\nimport \"github.com/grafana/pyroscope-go\"\nfunc main() { pyroscope.Start(c, d)\n"
                "var c = pyroscope.Config{ProfileTypes: f()}\nruntime.SetBlockProfileRate(\"x\") }\n"],
    "config.alloy": ['pyroscope.scrape "a" { targets = 5\n forward_to = 7\n profiling_config = 3 }\n',
                     'pyroscope.ebpf "a" { forward_to = [x.y] off_cpu_threshold = "high" }\n'
                     'pyroscope.write "w" { endpoint { url = 5 } }\n'],
    "values.yaml": ["profiling: 5\n", "x:\n  profiling: {enabled: true, ebpf: 3}\n"],
    ".env": ["=\nexport\nA\n'\n", "\udcff".encode("utf-8", "surrogateescape").decode("utf-8", "replace")],
    "a.properties": ["\\\n\\", "=\n:\n"],
}


@pytest.mark.parametrize("name", sorted(WRONG_SHAPES))
def test_wrong_shapes_never_crash(tmp_path, name):
    for index, content in enumerate(WRONG_SHAPES[name]):
        root = write(tmp_path / f"case{index}", {**GO_APP, name: content + "\n# pyroscope\n"})
        report = diagnose(root)  # no exception, whatever the content
        assert report["doctor_schema"] == 1
        result = run("doctor", str(root), "--format", "sarif")
        assert result.exit_code == 0 and result.stderr == "", (name, index, result)


def test_odd_file_names_are_escaped_everywhere(tmp_path, sarif_schema):
    """A folder name with a newline and a byte that is not UTF-8, a file name with ESC: every format
    shows them escaped, on one line, and SARIF still validates."""
    write(tmp_path, {"go.mod": GO_APP["go.mod"]})
    folder = os.path.join(os.fsencode(tmp_path), b"sub\xff\ndir")
    os.makedirs(folder)
    with open(os.path.join(folder, b"ma\x1bin.go"), "wb") as handle:
        handle.write(GO_APP["main.go"].replace('"http://pyroscope:4040"', '"pyroscope:4040"').encode())
    table = run("doctor", str(tmp_path))
    assert table.exit_code == 0
    assert "  error   PD901  sub\\udcff\\ndir/ma\\x1bin.go:6  (app)" in table.stdout.splitlines()
    assert "\x1b" not in table.stdout
    markdown = run("doctor", str(tmp_path), "--format", "markdown").stdout
    assert "| error | PD901 | sub\\udcff\\ndir/ma\\x1bin.go:6 |" in markdown and "\x1b" not in markdown
    report = json.loads(run("doctor", str(tmp_path), "--format", "json").stdout)
    assert report["findings"][0]["file"] == "sub\udcff\ndir/ma\x1bin.go"
    sarif = json.loads(run("doctor", str(tmp_path), "--format", "sarif").stdout)
    pytest.importorskip("jsonschema").validate(sarif, sarif_schema)


def test_versions():
    from pyroadvise.doctor import versions

    assert str(versions.parse("v1.2.2")) == "1.2.2" and str(versions.parse("^0.4.8")) == "0.4.8"
    assert str(versions.parse("~> 0.5.14")) == "0.5.14" and versions.parse("latest") is None
    assert versions.is_exact("v1.2.2") and not versions.is_exact("^1.2") and not versions.is_exact(">=1, <2")
    assert versions.below("v1.2.2", "1.3.0") is True and versions.below("v1.3.0", "1.3.0") is False
    assert versions.at_least("1.10.0", "1.9.9") is True and versions.compare("x", "1.0") is None


def test_loopback_address_overridden_by_a_later_layer_is_fine(tmp_path):
    app = {"svc/go.mod": GO_APP["go.mod"],
           "svc/main.go": GO_APP["main.go"].replace('"http://pyroscope:4040"', 'os.Getenv("PYROSCOPE_SERVER_ADDRESS")')
                                           .replace('import "github.com/grafana/pyroscope-go"',
                                                    'import (\n\t"os"\n\n\t"github.com/grafana/pyroscope-go"\n)'),
           "svc/Dockerfile": "FROM alpine\nENV PYROSCOPE_SERVER_ADDRESS=http://localhost:4040\nCMD [\"/svc\"]\n"}
    write(tmp_path / "alone", app)
    assert [(f["check"], f["file"], f["line"]) for f in diagnose(tmp_path / "alone")["findings"]] == [
        ("PD902", "svc/Dockerfile", 2)]
    write(tmp_path / "composed", {**app, "compose.yaml": "services:\n  svc:\n    build: ./svc\n    environment:\n"
                                                        "      PYROSCOPE_SERVER_ADDRESS: http://alloy:4040\n"})
    assert diagnose(tmp_path / "composed")["findings"] == []


def test_config_in_pyproject(tmp_path):
    write(tmp_path, {**GO_APP, "main.go": GO_APP["main.go"].replace('"http://pyroscope:4040"', '"pyroscope:4040"'),
                     "pyproject.toml": '[project]\nname = "x"\n\n[tool.pyroadvise.doctor]\ndisable = ["PD901"]\n'})
    report = diagnose(tmp_path)
    assert report["findings"] == [] and report["config"] == "pyproject.toml" and report["skipped"] == []
