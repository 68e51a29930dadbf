"""Doctor's Java, .NET, Node.js, Python, Ruby and Rust readers: the parsers and the version gates, one by one.

The whole-project behaviour (services, type states, findings) is pinned by the fixtures under
tests/fixtures/doctor/ through tests/test_doctor_fixtures.py; these tests pin the pieces those rely on.
"""

from __future__ import annotations

import ast
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from pyroadvise.cli import app
from pyroadvise.doctor import catalogdata
from pyroadvise.doctor.ecosystems import dotnet, java, nodejs, python, ruby, rust
from pyroadvise.doctor.ecosystems import sdkcommon as common
from pyroadvise.doctor.model import SourceFile, Tree

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "doctor"


def tree_of(files: dict[str, str]) -> Tree:
    tree = Tree(Path("/project"), {p: SourceFile(p, len(t.encode()), t.encode()) for p, t in files.items()})
    tree.rules = catalogdata.load().rules
    return tree


@pytest.fixture(scope="module")
def keys():
    return catalogdata.load().keys


# ------------------------------------------------------------------ Java


def test_pom_version_comes_from_a_property():
    pom = java.read_pom(b"""<project xmlns="http://maven.apache.org/POM/4.0.0"><artifactId>orders</artifactId>
      <properties><pyroscope.version>0.11.0</pyroscope.version><maven.compiler.release>8</maven.compiler.release>
      </properties><dependencies><dependency><groupId>io.pyroscope</groupId>
      <artifactId>agent</artifactId><version>${pyroscope.version}</version></dependency></dependencies></project>""")
    assert pom["artifactId"] == "orders"
    assert pom["agent"] == ("0.11.0", 4)
    assert pom["release"] == "8"


def test_broken_pom_is_none():
    assert java.read_pom(b"<project><artifactId>x</project>") is None


def test_gradle_coordinate_ignores_commented_lines():
    source = '// implementation("io.pyroscope:agent:0.11.0")\n/* "io.pyroscope:agent:0.9.0" */\n' \
             'implementation("io.pyroscope:agent:2.1.2")\n'
    assert java.gradle_agent(source) == ("2.1.2", 3)
    assert java.gradle_agent('// implementation("io.pyroscope:agent:0.11.0")\n') is None


def test_version_catalog_entry_with_a_version_ref():
    data = b'[versions]\npyroscope = "2.9.1"\n[libraries]\nagent = { module = "io.pyroscope:agent", ' \
           b'version.ref = "pyroscope" }\n'
    assert java.catalog_agent(data) == ("2.9.1", 4)


def test_jvm_options_end_at_jar_or_main_class():
    opts, ends, index = java._jvm_args(["java", "-Xmx1g", "-cp", "app/lib/*", "com.acme.Main", "-javaagent:x"])
    assert opts == ["-Xmx1g", "-cp", "app/lib/*"] and ends == "com.acme.Main" and index == 4
    assert java._jvm_args(["java", "-jar", "app.jar"])[1] == "-jar app.jar"


def test_agent_jar_version_through_env_substitution():
    f = SourceFile("Dockerfile", 0, b"FROM eclipse-temurin:17-jre\nENV V=v2.1.2\n"
                                    b"ENV URL=https://github.com/grafana/pyroscope-java/releases/download/${V}/pyroscope.jar\n"
                                    b"ADD ${URL} /opt/pyroscope.jar\n")
    parsed = common.dockerfile(f)
    assert java.agent_jar_in_image(parsed) == {"path": "/opt/pyroscope.jar", "version": "2.1.2", "line": 4}


@pytest.mark.parametrize("value,kind,fine", [("0", "alloc", True), ("512", "alloc", True), ("512k", "alloc", False),
                                             ("1", "lock", True), ("10ms", "lock", False), ("0", "lock", True),
                                             ("abc", "alloc", False)])
def test_thresholds_that_record_every_event(value, kind, fine):
    assert java._too_fine(value, kind) is fine


def test_kotlin_lexer_blanks_comments_but_keeps_strings_and_lines():
    source = 'val a = "// not a comment"\n// PyroscopeAgent.start()\n/* x\n y */ PyroscopeAgent.start(cfg)\n'
    clean = common.strip_c_comments(source)
    assert clean.count("\n") == source.count("\n")
    assert '"// not a comment"' in clean
    assert java.KOTLIN_START.search(clean) and clean.count("PyroscopeAgent") == 1


def test_java_builder_calls_in_comments_never_count():
    root = common.parse("java", b'class A { void m() { new Config.Builder()\n // .setAllocLive(true)\n'
                                b'.setProfilingLock("10ms").build(); } }')
    names = [c.name for c in common.calls("java", root)]
    assert "setProfilingLock" in names and "setAllocLive" not in names


# ------------------------------------------------------------------ .NET


def test_project_file_frameworks_and_packages():
    project = dotnet.read_project(b'<Project Sdk="Microsoft.NET.Sdk"><PropertyGroup>'
                                  b'<TargetFrameworks>net6.0;net8.0</TargetFrameworks></PropertyGroup>\n<ItemGroup>'
                                  b'<PackageReference Include="Pyroscope" Version="0.8.14" /></ItemGroup></Project>')
    assert project == {"frameworks": ["net6.0", "net8.0"], "packages": [("Pyroscope", "0.8.14", 2)]}


def test_profiler_booleans_follow_the_native_parser(keys):
    section = keys["dotnet-profiler"]
    assert [dotnet._bool(v, section) for v in ("0", "false", "N", "1", "TRUE", "yes", "maybe", None)] == [
        False, False, False, True, True, True, None, None]


@pytest.mark.parametrize("frameworks,low", [(["net6.0"], "net6.0"), (["net8.0"], None), (["net6.0", "net7.0"], None),
                                            (["netcoreapp3.1"], "netcoreapp3.1"), (["net48"], None), ([], None)])
def test_live_heap_needs_net7(frameworks, low):
    from pyroadvise.doctor.model import Service

    assert dotnet._old_framework(Service("x", ".", "dotnet", facts={"frameworks": frameworks}), 7) == low


def test_dotnet_lookup_chain_prefers_dd_names():
    from pyroadvise.doctor.model import Service, Setting, Where

    here = Where("Dockerfile", 1)
    service = Service("x", ".", "dotnet", settings=[Setting("PYROSCOPE_PROFILING_HEAP_ENABLED", "true", here, "dockerfile"),
                                                    Setting("DD_PROFILING_HEAP_ENABLED", "0", here, "kubernetes")])
    assert dotnet._lookup(service, "PYROSCOPE_PROFILING_HEAP_ENABLED").value == "0"


# ------------------------------------------------------------------ Node.js


def test_lockfile_pins_the_exact_version_and_yarn_too():
    lock = {"packages": {"node_modules/@pyroscope/nodejs": {"version": "0.4.8"}}}
    assert nodejs.locked_version(tree_of({"package-lock.json": json.dumps(lock)}), ".") == "0.4.8"
    yarn = '"@pyroscope/nodejs@^0.4.0":\n  version "0.4.11"\n  resolved "x"\n'
    assert nodejs.locked_version(tree_of({"web/yarn.lock": yarn}), "web") == "0.4.11"


def test_a_package_only_in_the_lockfile_is_not_a_use():
    tree = tree_of({"package.json": '{"name": "r", "dependencies": {"kit": "1"}}',
                    "package-lock.json": '{"packages": {"node_modules/@pyroscope/nodejs": {"version": "0.4.8"}}}'})
    assert [s.methods for s in nodejs.detect(tree)] == [[]]


@pytest.mark.parametrize("source,modules,functions", [
    ("const P = require('@pyroscope/nodejs');", {"P"}, set()),
    ("const { init, start: go } = require('@pyroscope/nodejs');", set(), {"init", "go"}),
    ("import Pyro from '@pyroscope/nodejs';", {"Pyro"}, set()),
    ("import * as Pyro from '@pyroscope/nodejs';", {"Pyro"}, set()),
    ("import { init as setup, start } from '@pyroscope/nodejs';", set(), {"setup", "start"}),
    ("const P = await import('@pyroscope/nodejs');", {"P"}, set()),
    ("// const P = require('@pyroscope/nodejs');", set(), set()),
    ("const P = require('pyroscope-fork');", set(), set()),
    ("const P = require('@pyroscope/nodejs');\nconst { expressMiddleware } = P.default;", {"P"},
     {"expressMiddleware"}),
])
def test_sdk_bindings(source, modules, functions):
    root = common.parse("typescript", source.encode())
    assert nodejs._module_names(root) == (modules, functions)


# ------------------------------------------------------------------ Python


@pytest.mark.parametrize("spec,expected", [("^1.2.0", ">=1.2.0,<2.0.0"), ("^0.8.7", ">=0.8.7,<0.9.0"),
                                           ("~1.2.0", ">=1.2.0,<1.3.0"), ("1.1.0", "==1.1.0"), ("*", "*")])
def test_poetry_constraints_become_pep440(spec, expected):
    assert python._poetry_spec(spec) == expected


@pytest.mark.parametrize("kwarg,version,present", [
    ("mem_enabled", "1.1.0", False), ("mem_enabled", "1.2.0", True), ("detect_subprocesses", "0.8.16", True),
    ("detect_subprocesses", "1.0.1", False), ("auth_token", "1.4.0", False), ("cpu_implementation", "1.2.5", False),
    ("cpu_implementation", "1.3.0", True), ("application_name", "0.8.16", True)])
def test_configure_signature_by_release(keys, kwarg, version, present):
    entries = {k["name"]: k for k in keys["python-configure"]["kwargs"]}
    assert common.has_key(entries[kwarg], common.version(version)) is present


def _handler(source: str):
    return ast.parse(source).body[0].handlers[0]


@pytest.mark.parametrize("source,silent", [
    ("try:\n    f()\nexcept Exception:\n    pass\n", True),
    ("try:\n    f()\nexcept:\n    pass\n", True),
    ("try:\n    f()\nexcept (ValueError, TypeError):\n    x = 1\n", True),
    ("try:\n    f()\nexcept ImportError:\n    pass\n", False),
    ("try:\n    f()\nexcept Exception:\n    logger.exception('no profiling')\n", False),
    ("try:\n    f()\nexcept Exception:\n    raise\n", False),
])
def test_handlers_that_hide_a_type_error(keys, source, silent):
    reporting = tuple(keys["python-configure"]["reporting_calls"])
    assert python._silent(_handler(source), reporting) is silent


def test_configure_calls_with_aliases_and_import_time():
    f = SourceFile("app.py", 0, b"import pyroscope as p\nfrom pyroscope import configure as c\n"
                                b"# p.configure(mem_enabled=True)\np.configure(mem_enabled=True)\n"
                                b"def later():\n    c(application_name='x')\n")
    found, strings = python._scan([f])
    assert [(c.call.lineno, c.at_import) for c in found] == [(4, True), (6, False)]
    assert "x" in strings


def test_requirements_pin_and_lock():
    tree = tree_of({"requirements.txt": "flask\npyroscope-io==1.1.0 ; python_version >= '3.9'\n"})
    [service] = python.detect(tree)
    assert (service.methods[0].version, service.methods[0].where.line) == ("1.1.0", 2)
    tree = tree_of({"pyproject.toml": '[project]\nname = "inv"\ndependencies = ["pyroscope-io>=1.2"]\n',
                    "uv.lock": '[[package]]\nname = "pyroscope-io"\nversion = "1.4.0"\n'})
    [service] = python.detect(tree)
    assert (service.name, service.methods[0].version, service.facts["version_from"]) == ("inv", "1.4.0", "uv.lock")


# ------------------------------------------------------------------ Ruby


def test_gemfile_gem_call_not_comments():
    assert ruby.gemfile_gem(b'# gem "pyroscope"\ngem "rails"\ngem "pyroscope", "~> 0.5.14"\n') == ("~> 0.5.14", 3)
    assert ruby.gemfile_gem(b'# gem "pyroscope"\n') is None


def test_lockfile_version_drops_the_platform_and_ignores_nested_dependencies():
    lock = "GEM\n  specs:\n    kit (2.1.0)\n      pyroscope (>= 0.5)\n    pyroscope (1.0.7-x86_64-linux)\n"
    assert ruby.lock_version(tree_of({"Gemfile.lock": lock}), ".") == "1.0.7"


def test_configure_block_attributes():
    root = common.parse("ruby", b'Pyroscope.configure do |c|\n  c.app_name = "a"\n  # c.auth_token = "x"\n'
                                b'  c.detect_subprocesses = true\nend\n')
    [(line, param, attrs, _)] = ruby._configure_blocks(root)
    assert (line, param, [(a, ln) for a, ln, _ in attrs]) == (1, "c", [("app_name", 2), ("detect_subprocesses", 4)])


def test_ruby_attribute_removed_in_0_6_9(keys):
    entries = {a["name"]: a for a in keys["ruby-config"]["attributes"]}
    assert common.has_key(entries["detect_subprocesses"], common.version("0.6.7"))
    assert not common.has_key(entries["detect_subprocesses"], common.version("0.6.9"))


# ------------------------------------------------------------------ Rust


def test_workspace_inheritance_and_target_tables():
    workspace = {"pyroscope": {"version": "2.0.0", "features": ["backend-pprof-rs"]}}
    doc = {"target": {"cfg(unix)": {"dependencies": {"pyroscope": {"workspace": True,
                                                                  "features": ["backend-jemalloc"]}}}},
           "dev-dependencies": {"pyroscope_pprofrs": "0.2.10"}}
    assert rust._dep(doc, "pyroscope", workspace) == {"version": "2.0.0",
                                                      "features": ["backend-pprof-rs", "backend-jemalloc"]}
    assert rust._dep(doc, "pyroscope_pprofrs", workspace) is None


def test_two_locked_versions_of_a_crate_are_not_one_answer():
    lock = '[[package]]\nname = "pyroscope"\nversion = "0.5.7"\n\n[[package]]\nname = "pyroscope"\nversion = "2.0.0"\n'
    assert rust._locked(tree_of({"Cargo.lock": lock}), "crates/a", "pyroscope") is None
    one = '[[package]]\nname = "pyroscope"\nversion = "2.1.1"\n'
    assert rust._locked(tree_of({"Cargo.lock": one}), "crates/a", "pyroscope") == "2.1.1"


def test_rust_calls_in_comments_never_count():
    root = common.parse("rust", b"fn main() { let a = b.build()?;\n // let r = a.start()?;\n }")
    assert [c.name for c in common.calls("rust", root)] == ["build"]


# ------------------------------------------------------------------ shared helpers


def test_dockerfile_stages_env_per_stage_and_global_args():
    f = SourceFile("Dockerfile", 0, b"ARG V=1.4.0\nFROM sdk AS build\nENV A=1\nFROM base:${V}\nARG V\n"
                                    b"ENV B=x-${V}\n")
    parsed = common.dockerfile(f)
    assert [s.name for s in parsed.stages] == ["build", None]
    assert parsed.stages[0].env == {"A": ("1", 3)}
    assert parsed.final.base == "base:1.4.0" and parsed.final.env == {"B": ("x-1.4.0", 6)}


def test_broken_dockerfile_is_none_not_a_traceback():
    assert common.dockerfile(SourceFile("Dockerfile", 3, b"\xff\xfe\x00")) is None


@pytest.mark.parametrize("path,scope", [("docs/setup.md", "docs"), ("examples/demo.py", "example"),
                                        ("app/main.py", "app"), ("README.md", "docs"), ("tests/x/y.rb", "test")])
def test_scopes(path, scope):
    assert common.scope_of(path, tree_of({})) == scope


def test_sdk_modules_import_nothing_heavy():
    import subprocess
    import sys

    code = ("import sys\nimport pyroadvise.doctor.ecosystems.java, pyroadvise.doctor.ecosystems.dotnet, "
            "pyroadvise.doctor.ecosystems.nodejs, pyroadvise.doctor.ecosystems.python, "
            "pyroadvise.doctor.ecosystems.ruby, pyroadvise.doctor.ecosystems.rust\n"
            "print(sorted(m for m in sys.modules if m.split('.')[0] in "
            "('tree_sitter', 'dockerfile_parse', 'packaging', 'tomllib', 'tomli', 'typer', 'rich')))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


# ------------------------------------------------------------------ end to end, as the user sees it


def test_cli_gate_on_an_sdk_fixture():
    result = CliRunner().invoke(app, ["doctor", str(FIXTURES / "python-mem-old-sdk"), "--format", "json",
                                      "--fail-on", "error"])
    assert result.exit_code == 1
    report = json.loads(result.stdout)
    assert [(f["check"], f["level"], f["file"], f["line"]) for f in report["findings"]] == [
        ("PD501", "error", "app/profiling.py", 12), ("PD507", "warning", "app/profiling.py", 9)]
    assert "has no mem_enabled argument" in report["findings"][0]["message"]


def test_a_java_package_named_example_is_app_code():
    tree = tree_of({})
    assert common.scope_of("src/main/java/org/example/rideshare/Main.java", tree) == "app"
    assert common.scope_of("svc/src/main/kotlin/com/example/App.kt", tree) == "app"
    assert common.scope_of("examples/svc/src/main/java/org/acme/Main.java", tree) == "example"


def test_a_dotnet_project_is_deployed_from_the_folder_whose_dockerfile_copies_it():
    tree = tree_of({"Dockerfile": "FROM mcr.microsoft.com/dotnet/sdk:8.0\nADD example .\n",
                    "example/Example.csproj": "<Project/>", "other/Other.csproj": "<Project/>"})
    assert dotnet.image_home(tree, tree.files["example/Example.csproj"]) == "."
    assert dotnet.image_home(tree, tree.files["other/Other.csproj"]) == "other"


NASTY = [b"", b"\x00\xff\xfe" * 50, b"[" * 20_000, b"{" * 20_000, b"(" * 20_000, b"a = [" * 10_000,
         "\u202e\u0000é".encode(), b"<a>" * 10_000, b"<?xml version='1.0'?><!DOCTYPE x [<!ENTITY a 'aaaa'>]><x>&a;</x>"]
MANIFESTS = ["package.json", "package-lock.json", "yarn.lock", "pom.xml", "build.gradle.kts", "App.csproj",
             "pyproject.toml", "requirements.txt", "poetry.lock", "uv.lock", "Gemfile", "Gemfile.lock", "Cargo.toml",
             "Cargo.lock", "Dockerfile", "index.js", "app.ts", "app.py", "gunicorn.conf.py", "main.rs", "init.rb",
             "Main.java", "App.kt", "config/puma.rb", "libs.versions.toml"]


@pytest.mark.parametrize("content", NASTY, ids=range(len(NASTY)))
def test_hostile_files_never_raise(tmp_path, content):
    """Every reader meets every hostile content at once: a report comes back, never a traceback."""
    for name in MANIFESTS:
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(b"pyroscope " + content if name.endswith((".js", ".ts", ".py", ".rs", ".rb", ".java", ".kt"))
                         else content)
    report = __import__("pyroadvise.doctor", fromlist=["diagnose"]).diagnose(tmp_path)
    assert report["doctor_schema"] == 1
    assert all(set(s) >= {"path", "reason"} for s in report["skipped"])


def test_kotlin_start_inside_a_string_does_not_count():
    source = 'val s = "PyroscopeAgent.start( here"\nPyroscopeAgent.start(cfg)\n'
    clean = common.strip_c_comments(source, strings=True)
    assert [clean.count("\n", 0, m.start()) + 1 for m in java.KOTLIN_START.finditer(clean)] == [2]


@pytest.mark.parametrize("files,group", [
    ({"pyproject.toml": '[project]\nname = "a"\n[dependency-groups]\ndev = ["pyroscope-io>=1.2"]\n'}, "dev"),
    ({"pyproject.toml": '[tool.poetry]\nname = "a"\n[tool.poetry.group.test.dependencies]\npyroscope-io = "^1.2"\n'},
     "test"),
    ({"pyproject.toml": '[project]\nname = "a"\ndependencies = ["pyroscope-io"]\n'}, None),
    ({"requirements-dev.txt": "pyroscope-io==1.4.0\n"}, "dev"),
    ({"requirements.txt": "pyroscope-io==1.4.0\n"}, None),
])
def test_dev_only_groups(keys, files, group):
    [service] = python.detect(tree_of(files))
    stem = service.facts.get("requirements_stem")
    found = service.facts.get("dev_group") or (stem if stem in keys["python-configure"]["dev_requirements"] else None)
    assert service.methods and found == group


def test_agent_attached_through_a_secret_is_unknown_not_missing(tmp_path):
    (tmp_path / "pom.xml").write_text("<project><artifactId>svc</artifactId></project>")
    (tmp_path / "Dockerfile").write_text("FROM eclipse-temurin:21-jre\nADD https://github.com/grafana/pyroscope-java/"
                                         "releases/download/v2.9.1/pyroscope.jar /p.jar\n"
                                         'ENTRYPOINT ["java", "-jar", "/app.jar"]\n')
    (tmp_path / "deploy.yaml").write_text(
        "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: svc}\nspec:\n  template:\n    spec:\n"
        "      containers:\n        - name: svc\n          env:\n            - name: JAVA_TOOL_OPTIONS\n"
        "              valueFrom: {secretKeyRef: {name: jvm, key: opts}}\n"
        "            - {name: PYROSCOPE_APPLICATION_NAME, value: svc}\n")
    from pyroadvise.doctor import diagnose

    report = diagnose(tmp_path)
    assert "PD201" not in [f["check"] for f in report["findings"]]
    assert report["services"][0]["types"]["cpu"] == {"state": "unknown", "file": "deploy.yaml", "line": 10}


@pytest.mark.parametrize("module", [java, dotnet, nodejs, python, ruby, rust], ids=lambda m: m.LANGUAGE)
def test_every_sdk_key_the_code_reads_is_in_the_catalog(keys, module):
    """A key renamed or dropped in sdk-keys-sdk.yaml would silently switch a check off: pin them."""
    import re

    sections = {"java": "java-agent", "dotnet": "dotnet-profiler", "nodejs": "nodejs-options",
                "python": "python-configure", "ruby": "ruby-config", "rust": "rust-crate"}
    source = Path(module.__file__).read_text(encoding="utf-8")
    read = set(re.findall(r'keys\.get\("([a-z_]+)"', source))
    assert read, module.__name__
    assert read <= set(keys[sections[module.LANGUAGE]]), read - set(keys[sections[module.LANGUAGE]])


def test_node_options_by_release_and_nested_typos(tmp_path):
    (tmp_path / "package.json").write_text('{"name": "n", "dependencies": {"@pyroscope/nodejs": "0.5.0"}}')
    (tmp_path / "index.js").write_text(
        "const P = require('@pyroscope/nodejs');\n"
        "P.init({ appName: 'n', stripFilenames: 'all', wall: { SamplingDurationMs: 1000, collectCpuTime: true } });\n"
        "P.start();\n")
    from pyroadvise.doctor import diagnose

    report = diagnose(tmp_path)
    found = [(f["check"], f["line"], f["message"].split(":")[1].split(" is not")[0].strip()) for f in report["findings"]]
    assert found == [("PD404", 2, "stripFilenames"), ("PD404", 2, "wall.SamplingDurationMs")]
    assert report["services"][0]["types"]["cpu"]["state"] == "on"


def test_python_memory_switch_from_a_variable_is_unknown(tmp_path):
    (tmp_path / "requirements.txt").write_text("pyroscope-io==1.4.0\n")
    (tmp_path / "app.py").write_text("import os\nimport pyroscope\n"
                                     "pyroscope.configure(application_name='a', mem_enabled=os.environ.get('MEM') == '1')\n")
    from pyroadvise.doctor import diagnose

    types = diagnose(tmp_path)["services"][0]["types"]
    assert types["cpu"] == {"state": "on", "file": "app.py", "line": 3}
    assert {types[t]["state"] for t in types if t != "cpu"} == {"unknown"}
