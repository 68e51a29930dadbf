"""Output conventions as a user meets them (issue 11): snippets to pipe, --color, links, no padding,
schema_version, --help and --version, the narrow layout.

Real processes throughout (conftest's run_process, test_terminal's pty helper); snippets are checked
by the real parsers that are installed here (node, python, bash).
"""

from __future__ import annotations

import json
import os
import re
import shlex
import shutil
import subprocess
import sys

import pytest
from conftest import catalog_yaml, pyroadvise_command, run, run_process
from test_terminal import COLOURFUL, POSIX, USER, colour_codes, ok, plain, run_pty, strip_ansi

from pyroadvise.loader import default_catalog_dir

LANGS = {p.stem: catalog_yaml(f"languages/{p.name}") for p in sorted((default_catalog_dir() / "languages").glob("*.yaml"))}
COMMENT = {"sh": "#", "python": "#", "ruby": "#", "go": "//", "alloy": "//", "js": "//", "rust": "//"}


def setup_cases():
    """Every language and collection method with a snippet, with one type the method collects."""
    out = []
    for lang, raw in LANGS.items():
        for method, meth in raw["methods"].items():
            if not meth.get("snippet"):
                continue
            type_id = next(t for t, entry in raw["types"].items() if any(s["method"] == method for s in entry["enable"]))
            out.append((lang, method, type_id, meth["snippet"]["syntax"]))
    return out


SETUP = setup_cases()
SETUP_IDS = [f"{lang}-{method}-{type_id}" for lang, method, type_id, _ in SETUP]


# --- setup --snippet --------------------------------------------------------------------------------


@pytest.mark.parametrize("lang,method,type_id,syntax", SETUP, ids=SETUP_IDS)
def test_snippet_prints_only_the_code(lang, method, type_id, syntax):
    data = run("setup", lang, type_id, "--method", method, "--format", "json").json()
    result = run_process("setup", lang, type_id, "--method", method, "--snippet")
    assert (result.exit_code, result.stderr) == (0, "")
    assert result.stdout == data["snippet"].rstrip("\n") + "\n"
    first = result.stdout.splitlines()[0]
    assert not first.startswith(f"{COMMENT[syntax]} {data['language']['name']}, ")  # no title line


@pytest.mark.parametrize("lang,method,type_id,syntax", SETUP, ids=SETUP_IDS)
def test_snippet_comments_are_in_the_language_syntax(lang, method, type_id, syntax):
    out = run_process("setup", lang, type_id, "--method", method, "--snippet").stdout
    other = {"#": "//", "//": "#"}[COMMENT[syntax]]
    wrong = [line for line in out.splitlines() if line.lstrip().startswith(other) and not line.lstrip().startswith("#[")]
    assert not wrong, wrong


@pytest.mark.parametrize("lang,method,type_id,syntax", SETUP, ids=SETUP_IDS)
def test_table_title_line_is_a_comment_of_the_snippet(lang, method, type_id, syntax):
    out = run_process("setup", lang, type_id, "--method", method).stdout
    assert out.startswith(f"{COMMENT[syntax]} {LANGS[lang]['name']}, "), out.splitlines()[0]


PARSERS = {  # syntax -> a real parser installed here, given a file
    "js": (["node", "--check"], ".js"),
    "python": ([sys.executable, "-m", "py_compile"], ".py"),
    "sh": (["bash", "-n"], ".sh"),
}


@POSIX
@pytest.mark.parametrize("with_title", [False, True], ids=["snippet", "table title and snippet"])
@pytest.mark.parametrize("lang,method,type_id,syntax", [c for c in SETUP if c[3] in PARSERS],
                         ids=[i for c, i in zip(SETUP, SETUP_IDS) if c[3] in PARSERS])
def test_snippet_appended_to_a_file_parses(tmp_path, lang, method, type_id, syntax, with_title):
    """`pyroadvise setup L T --snippet >> file` gives a file the language's own parser accepts; so
    does the table view's title line copied along with the code (agent-conformance N15)."""
    command, suffix = PARSERS[syntax]
    if not shutil.which(command[0]):
        pytest.skip(f"{command[0]} is not installed")
    target = tmp_path / f"snippet{suffix}"
    args = ["setup", lang, type_id, "--method", method, "--snippet"]
    subprocess.run(["bash", "-c", f"{shlex.join(pyroadvise_command() + args)} >> {shlex.quote(str(target))}"],
                   check=True, stdin=subprocess.DEVNULL, timeout=60)
    if with_title:
        title = run_process(*args[:-1]).stdout.splitlines()[0]
        target.write_text(title + "\n" + target.read_text())
    checked = subprocess.run(command + [str(target)], capture_output=True, text=True, timeout=60)
    assert checked.returncode == 0, checked.stderr


def test_snippet_json_is_the_whole_report():
    assert run("setup", "go", "cpu", "--snippet", "--format", "json").json() == \
        run("setup", "go", "cpu", "--format", "json").json()


def test_setup_takes_sources_with_links():
    result = run("setup", "go", "mutex_duration", "--sources", env={"COLUMNS": "80"})
    assert result.exit_code == 0 and result.stderr == ""
    data = run("setup", "go", "mutex_duration", "--format", "json").json()
    assert data["sources"]
    words = result.stdout.split()
    for source in data["sources"]:
        assert " ".join(source["title"].split()) in " ".join(words)
    assert any(w.startswith("https://github.com/grafana/pyroscope-go/blob/") for w in words)


# --- colour and links -------------------------------------------------------------------------------


@POSIX
def test_color_never_on_a_terminal_has_no_escape_codes():
    result = ok(run_pty("lang", "java", "--sources", "--color", "never", env=COLOURFUL | {"TERM": "xterm-256color"}))
    assert "\x1b" not in result.stdout
    assert result.stdout == plain(["lang", "java", "--sources"])


@pytest.mark.parametrize("args", [["lang", "java"], ["matrix"], ["type", "heap"], ["setup", "go", "cpu"],
                                  ["list", "types"]], ids=" ".join)
def test_color_always_into_a_pipe(args):
    result = ok(run_process(*args, "--color", "always", env=COLOURFUL))
    assert "\x1b[" in result.stdout
    assert strip_ansi(result.stdout) == plain(args)


def test_color_always_still_honours_no_color():
    result = ok(run_process("lang", "java", "--color", "always", env=USER | {"NO_COLOR": "1"}))
    assert "\x1b[" in result.stdout and not colour_codes(result.stdout)  # bold and dim only


def test_color_rejects_other_values():
    result = run("lang", "java", "--color", "sometimes")
    assert result.exit_code == 2 and "Invalid value for '--color'" in result.stderr


OSC8 = re.compile(r"\x1b\]8;[^;]*;([^\x1b\x07]*)(?:\x1b\\|\x07)")


@POSIX
def test_links_are_clickable_on_a_terminal_only():
    tty = ok(run_pty("lang", "java", "--sources", env=COLOURFUL | {"TERM": "xterm-256color", "COLUMNS": "80"}))
    targets = [t for t in OSC8.findall(tty.stdout) if t]
    assert targets and all(t.startswith("https://") for t in targets)
    assert "https://github.com/grafana/pyroscope/blob/3fe6a457/docs/sources/configure-client/language-sdks/java.md" \
        in targets
    piped = ok(run_process("lang", "java", "--sources", env=COLOURFUL | {"COLUMNS": "80"}))
    assert "\x1b" not in piped.stdout
    assert set(targets) <= set(piped.stdout.split())  # the same links, whole, as text


# --- layout -----------------------------------------------------------------------------------------

@pytest.mark.parametrize("kind", ["languages", "types", "symptoms"])
@pytest.mark.parametrize("width", [30, 40, 80])
def test_lists_keep_ids_whole_at_any_width(kind, width):
    data = run("list", kind, "--format", "json").json()
    out = run_process("list", kind, env={"COLUMNS": str(width)}).stdout
    words = {w.strip(",;():") for line in out.splitlines() for w in line.split()}
    assert [item["id"] for item in data[kind] if item["id"] not in words] == []
    assert all(len(line) <= width or len(line.split()) == 1 for line in out.splitlines())


PIPED = [["lang", "java"], ["lang", "java", "--long"], ["lang", "ruby", "--sources"], ["type", "heap"],
         ["symptom", "leak", "--lang", "go"], ["matrix"], ["matrix", "--diff", "1.2.0"], ["list", "languages"],
         ["list", "symptoms"], ["setup", "dotnet", "exceptions", "heap"], ["catalog", "check"]]


@pytest.mark.parametrize("width", [40, 80, 200])
@pytest.mark.parametrize("args", PIPED, ids=" ".join)
def test_piped_output_has_no_trailing_spaces(args, width):
    out = run_process(*args, env={"COLUMNS": str(width)}).stdout
    padded = [line for line in out.splitlines() if line != line.rstrip()]
    assert not padded, padded[:3]


@pytest.mark.parametrize("args", [["lang", "java", "--long"], ["type", "heap"], ["symptom", "leak", "--lang", "go"]],
                         ids=" ".join)
def test_prose_stops_near_100_columns_on_a_wide_terminal(args):
    lines = run_process(*args, env={"COLUMNS": "200"}).stdout.splitlines()
    assert max(len(line) for line in lines) <= 100
    assert max(len(line) for line in lines) > 90  # the room is used


@pytest.mark.parametrize("args,tokens", [
    (["type", "heap"], ["memory:inuse_space:bytes:space:bytes", "PYROSCOPE_PROFILING_HEAP_ENABLED=true"]),
    (["type", "exceptions"], ["PYROSCOPE_PROFILING_EXCEPTION_ENABLED=true", "exception:exception:count:cpu:nanoseconds"]),
    (["setup", "dotnet", "exceptions", "heap"], ["PYROSCOPE_PROFILING_EXCEPTION_ENABLED", "PYROSCOPE_PROFILING_HEAP_ENABLED"]),
    (["lang", "dotnet"], ["PYROSCOPE_PROFILING_EXCEPTION_ENABLED=true", "process_cpu:cpu:nanoseconds:cpu:nanoseconds"]),
], ids=lambda v: " ".join(v) if isinstance(v, list) and v[0] in ("type", "setup", "lang") else "")
@pytest.mark.parametrize("width", [30, 40, 60, 80])
def test_the_strings_people_copy_are_never_split(args, tokens, width):
    """Newcomer trial rows 9 and 38: IDs and variable names whole at any width, the narrow layout
    everywhere (at 40 columns `type` and `setup` stack like `symptom`)."""
    words = {w.strip(",;():") for line in run_process(*args, env={"COLUMNS": str(width)}).stdout.splitlines()
             for w in line.split()}
    assert not [t for t in tokens if t not in words], width


# --- JSON -------------------------------------------------------------------------------------------

JSON = [["lang", "java"], ["lang", "java", "--long"], ["symptom", "leak"], ["type", "cpu"], ["matrix"],
        ["matrix", "--diff", "1.2.0"], ["list", "types"], ["setup", "go", "cpu"], ["catalog", "check"]]


@pytest.mark.parametrize("args", JSON, ids=" ".join)
def test_every_json_report_starts_with_schema_version(args):
    result = run_process(*args, "--format", "json")
    assert result.exit_code == 0 and result.stderr == ""
    assert result.stdout.startswith('{\n  "schema_version": 1,\n')
    assert json.loads(result.stdout)["schema_version"] == 1


# --- help and version --------------------------------------------------------------------------------


def test_help_lists_whole_summaries_at_80_columns():
    out = run_process("--help", env={"COLUMNS": "80"}).stdout
    commands = out.split("Commands:\n", 1)[1].splitlines()
    assert len(commands) >= 8
    for line in commands:
        assert not line.rstrip().endswith("..."), line
        assert len(line) <= 80


@pytest.mark.parametrize("command,usage", [
    ("lang", "Usage: pyroadvise lang [OPTIONS] [LANGUAGE]"),  # without it, the languages are listed
    ("setup", "Usage: pyroadvise setup [OPTIONS] LANGUAGE TYPE..."),
    ("type", "Usage: pyroadvise type [OPTIONS] TYPE"),
    ("symptom", "Usage: pyroadvise symptom [OPTIONS] TEXT..."),
])
def test_usage_lines_use_plain_metavars(command, usage):
    out = run(command, "--help").stdout
    assert out.splitlines()[0] == usage
    assert "{" not in out.splitlines()[0]


def test_type_help_points_to_the_list_of_types():
    assert "pyroadvise list types" in run("type", "--help").stdout


@pytest.mark.parametrize("option", ["--long", "--color", "--sources"])
def test_lang_help_documents_the_view_options(option):
    assert option in run("lang", "--help").stdout


def test_version_names_the_catalogued_releases():
    from pyroadvise import __version__

    result = run_process("--version")
    releases = ", ".join(sorted(p.stem for p in (default_catalog_dir() / "versions").glob("*.yaml")))
    assert (result.exit_code, result.stderr) == (0, "")
    assert result.stdout == f"pyroadvise {__version__}\ncatalogued Pyroscope releases: {releases}\n"


if __name__ == "__main__":  # pragma: no cover
    sys.exit(pytest.main([__file__, "-q", *os.sys.argv[1:]]))


def _modules(*args: str) -> set[str]:
    code = "import sys; from pyroadvise.cli import main; sys.argv = ['pyroadvise', *sys.argv[1:]]; main()"
    env = {k: v for k, v in os.environ.items() if k != "PYROADVISE_CATALOG"}
    result = subprocess.run([sys.executable, "-X", "importtime", "-c", code, *args], capture_output=True, text=True,
                            env=env)
    return {line.rsplit("|", 1)[1].strip() for line in result.stderr.splitlines()
            if line.startswith("import time:") and "|" in line}


@pytest.mark.parametrize("args", [["lang", "java"], ["lang", "java", "--long"], ["type", "heap"], ["matrix"],
                                  ["setup", "go", "cpu"], ["list", "types"], ["matrix", "--diff", "1.2.0"]],
                         ids=" ".join)
def test_views_drawn_from_flows_do_not_import_rich_table(args):
    """Start-up: the one-screen summary and the other Flow-drawn views skip rich.table (and PyYAML)."""
    found = _modules(*args)
    assert "rich.console" in found  # the measurement works
    assert not {"rich.table", "yaml"} & found


def test_snippet_imports_no_rich():
    found = _modules("setup", "go", "cpu", "--snippet")
    assert "typer" in found and not {m for m in found if m.split(".")[0] in ("rich", "yaml")}


# --- the matrix --------------------------------------------------------------------------------------


def _matrix_row(out: str, name: str) -> list[str]:
    return next(line for line in out.splitlines() if line.startswith(name + " ")).split()[len(name.split()):]


@pytest.mark.parametrize("width", [80, 100])
def test_matrix_is_a_grid_at_80_columns(width):
    """Newcomer trial row 19: a grid with the columns' own names at the default terminal width."""
    data = run("matrix", "--format", "json").json()
    out = run_process("matrix", env={"COLUMNS": str(width)}).stdout
    assert all(len(line) <= width for line in out.splitlines())
    assert _matrix_row(out, "CPU") == ["Y"] * 6 + ["Y[1]", "Y", "Y", "Y[2]"]
    assert len(_matrix_row(out, "CPU")) == len(data["columns"])
    header = " ".join(out.split("─", 1)[0].split())
    assert all(word in header for col in data["columns"] for word in col["name"].split())


def test_matrix_narrower_uses_letters_and_a_key():
    data = run("matrix", "--format", "json").json()
    out = run_process("matrix", env={"COLUMNS": "72"}).stdout
    assert all(len(line) <= 72 for line in out.splitlines())
    assert " ".join(next(line for line in out.splitlines() if line.startswith("Profile type")).split()) == \
        "Profile type " + " ".join("ABCDEFGHIJ"[:len(data["columns"])])
    key = " ".join(out.split())
    for letter, col in zip("ABCDEFGHIJ", data["columns"]):
        assert f"{letter} {col['name']}" in key
    assert "S: in the source code, not in the docs matrix" in key


def test_matrix_at_40_columns_is_one_paragraph_per_type():
    out = run_process("matrix", env={"COLUMNS": "40"}).stdout
    assert all(len(line) <= 40 for line in out.splitlines())
    assert re.search(r"^Goroutine Leak: Go \(push\) S\[\d+\]$", out, re.M)


def test_render_modules_import_no_circle():
    """Issue 11 item 11: tables imports widgets (and the modules built on it), never the other way."""
    import ast
    from pathlib import Path

    render = Path(__file__).resolve().parent.parent / "pyroadvise" / "render"
    graph = {}
    for path in render.glob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        graph[path.stem] = {(node.module or "").split(".")[0] for node in ast.walk(tree)
                            if isinstance(node, ast.ImportFrom) and node.level == 1 and node.module}

    def reaches(start, goal, seen=()):
        return any(n == goal or (n not in seen and reaches(n, goal, (*seen, n))) for n in graph.get(start, ()))

    assert not [m for m in graph if reaches(m, m)]
    assert "tables" not in graph["widgets"] and "widgets" in graph["tables"]


@pytest.mark.parametrize("env", [{"FORCE_COLOR": "1"}, {}], ids=["FORCE_COLOR", "--color always"])
def test_forced_styles_into_a_pipe_carry_no_links(env):
    args = ["lang", "java", "--sources"] + ([] if env else ["--color", "always"])
    result = ok(run_process(*args, env=COLOURFUL | env))
    assert "\x1b[" in result.stdout and "\x1b]8;" not in result.stdout


@pytest.mark.parametrize("args", [["symptom", "leak", "--lang", "go"], ["catalog", "check"], ["matrix", "--diff", "1.2.0"]],
                         ids=" ".join)
def test_every_table_command_takes_color(args):
    result = ok(run_process(*args, "--color", "never", env=COLOURFUL | {"FORCE_COLOR": "1"}))
    assert "\x1b" not in result.stdout


def test_snippet_without_a_snippet_is_an_error_naming_the_steps(catalog):
    """A collection method with no snippet in the catalog: --snippet fails (exit 1 via the CLI's
    error handling) rather than print nothing a user would append to a file."""
    from pyroadvise.errors import PyroadviseError
    from pyroadvise.render import emit
    from pyroadvise.setup import setup_report

    report = setup_report(catalog, "go", ["cpu"], None, None) | {"snippet": None}
    with pytest.raises(PyroadviseError) as raised:
        emit("setup-snippet", report, "table")
    assert raised.value.exit_code == 1
    assert list(raised.value.hints) == ["See the steps instead: pyroadvise setup go cpu"]


def test_check_summary_never_wraps_the_path(tmp_path):
    """Issue 11 item 5: `Catalog <path>: ...` keeps the path whole however long it is."""
    deep = tmp_path / ("a" * 60) / ("b" * 60)
    result = run_process("catalog", "check", str(deep), env={"COLUMNS": "40"})
    assert result.exit_code == 1
    summary = result.stdout.splitlines()[-1]
    assert summary.startswith(f"Catalog {deep}: "), summary  # whole, on the one line
