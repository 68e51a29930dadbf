"""Real processes in the terminals people have: colour switches, widths, encodings, pipes, no stdin.

Each test runs the installed console script (conftest's run_process, or a pty / a shell pipeline
where a pipe or a terminal is the point) and checks exit codes and what was printed, not only that
nothing crashed.
"""

from __future__ import annotations

import json
import os
import re
import select
import shlex
import signal
import subprocess
import sys
from functools import lru_cache

import pytest

from conftest import Run, pyroadvise_command, run_process

POSIX = pytest.mark.skipif(os.name != "posix", reason="needs POSIX pipes, signals and ptys")

TABLES = {  # the table outputs checked at every width
    "lang java": ["lang", "java"],
    "lang java --long": ["lang", "java", "--long"],
    "type mutex_duration": ["type", "mutex_duration"],
    "symptom leak --lang go": ["symptom", "leak", "--lang", "go"],
    "matrix": ["matrix"],
}
MORE = {  # more outputs for the colour and encoding checks
    "matrix --diff 1.2.0": ["matrix", "--diff", "1.2.0"],
    "list symptoms": ["list", "symptoms"],
    "setup go mutex_duration": ["setup", "go", "mutex_duration", "block_duration"],
    "catalog check": ["catalog", "check"],
    "lang java --sources": ["lang", "java", "--sources"],
    "lang java markdown": ["lang", "java", "--format", "markdown"],
    "--help": ["--help"],
}
ALL = TABLES | MORE

# Environments are given relative to conftest's pinned one (COLUMNS=100, NO_COLOR=1, no TERM,
# _TYPER_FORCE_DISABLE_TERMINAL=1); None removes a variable, as a user's shell would not have it.
USER = {"_TYPER_FORCE_DISABLE_TERMINAL": None}
COLOURFUL = USER | {"NO_COLOR": None}

ANSI = re.compile(r"\x1b(?:\[[0-?]*[ -/]*[@-~]|\][^\x07\x1b]*(?:\x07|\x1b\\)|[@-Z\\-_])")
SGR = re.compile(r"\x1b\[([0-9;:]*)m")


def strip_ansi(text: str) -> str:
    return ANSI.sub("", text)


def colour_codes(text: str) -> list[str]:
    """SGR sequences that set a colour (foreground, background, 256/true colour); bold and dim are not colour."""
    found = []
    for match in SGR.finditer(text):
        params = [int(p) for p in re.split("[;:]", match.group(1)) if p]
        if any(p in (38, 48, 58) or 30 <= p <= 37 or 40 <= p <= 47 or 90 <= p <= 97 or 100 <= p <= 107
               for p in params):
            found.append(match.group())
    return found


def ok(result: Run) -> Run:
    __tracebackhide__ = True
    assert result.exit_code == 0, result
    assert result.stderr == "", result
    assert result.stdout.strip(), result
    return result


@lru_cache(maxsize=None)
def _plain(args: tuple[str, ...]) -> Run:
    return ok(run_process(*args))


def plain(args: list[str]) -> str:
    """The output in conftest's pinned environment (no colour, 100 columns, UTF-8), run once per session."""
    return _plain(tuple(args)).stdout


def expected_head(args: list[str]) -> str:
    """The first line the command prints, worked out from its JSON (not from its table)."""
    if args[0] == "lang":
        data = run_process(*args, "--format", "json").json()
        return f"{data['language']['name']} ({data['language']['id']}), Pyroscope {data['pyroscope']}"
    raise AssertionError(args)


def newest() -> str:
    return run_process("matrix", "--format", "json").json()["pyroscope"]


# --- a terminal -----------------------------------------------------------------------------------


def run_pty(*args: str, env: dict | None = None, timeout: float = 60) -> Run:
    """Run the CLI with stdout on a pseudo-terminal (stdin too), stderr on a pipe."""
    import pty

    full_env = {k: v for k, v in (dict(os.environ) | (env or {})).items() if v is not None}
    master, slave = pty.openpty()
    try:
        proc = subprocess.Popen(pyroadvise_command() + list(args), stdin=slave, stdout=slave,
                                stderr=subprocess.PIPE, env=full_env)
    finally:
        os.close(slave)
    chunks = []
    try:
        while True:
            ready, _, _ = select.select([master], [], [], timeout)
            if not ready:
                proc.kill()
                raise AssertionError(f"no output for {timeout}s from {args}")
            try:
                data = os.read(master, 65536)
            except OSError:  # EIO: the child closed the terminal
                break
            if not data:
                break
            chunks.append(data)
    finally:
        os.close(master)
    stderr = proc.stderr.read()
    proc.stderr.close()
    proc.wait(timeout)
    stdout = b"".join(chunks).decode("utf-8", "replace").replace("\r\n", "\n")
    return Run(proc.returncode, stdout, stderr.decode("utf-8", "replace"))


# --- colour switches ------------------------------------------------------------------------------


@pytest.mark.parametrize("name", list(ALL))
def test_no_color_piped_has_no_escape_codes(name):
    result = ok(run_process(*ALL[name], env=USER | {"NO_COLOR": "1"}))
    assert "\x1b" not in result.stdout


def test_no_color_error_has_no_escape_codes():
    result = run_process("lang", "kotln", env=USER | {"NO_COLOR": "1", "FORCE_COLOR": "1"})
    assert result.exit_code == 2
    assert result.stderr.startswith("Error: Unknown language 'kotln'.\nDid you mean: java?\n"), result
    assert "\x1b" not in result.stderr and result.stdout == ""


@pytest.mark.parametrize("name", list(TABLES))
def test_no_color_beats_force_color(name):
    """NO_COLOR removes colour even where FORCE_COLOR forces a terminal (bold and dim may stay)."""
    forced = ok(run_process(*TABLES[name], env=USER | {"NO_COLOR": "1", "FORCE_COLOR": "1"}))
    assert not colour_codes(forced.stdout), colour_codes(forced.stdout)[:5]
    assert strip_ansi(forced.stdout) == plain(TABLES[name])


@POSIX
@pytest.mark.parametrize("name", ["lang java", "matrix"])
def test_no_color_on_a_real_terminal(name):
    result = ok(run_pty(*TABLES[name], env=USER | {"NO_COLOR": "1", "TERM": "xterm-256color"}))
    assert not colour_codes(result.stdout), colour_codes(result.stdout)[:5]
    assert strip_ansi(result.stdout) == plain(TABLES[name])


@POSIX
def test_a_real_terminal_gets_colour():
    """The control for the test above: without NO_COLOR the same terminal does get colour."""
    result = ok(run_pty("lang", "java", env=COLOURFUL | {"TERM": "xterm-256color"}))
    assert colour_codes(result.stdout)
    assert strip_ansi(result.stdout) == plain(["lang", "java"])


@pytest.mark.parametrize("name", list(ALL))
@pytest.mark.parametrize("extra", [{}, {"FORCE_COLOR": "1"}], ids=["piped", "force_color"])
def test_term_dumb_has_no_escape_codes_at_all(name, extra):
    result = ok(run_process(*ALL[name], env=COLOURFUL | {"TERM": "dumb"} | extra))
    assert "\x1b" not in result.stdout
    assert result.stdout == plain(ALL[name])


@POSIX
def test_term_dumb_on_a_real_terminal():
    result = ok(run_pty("lang", "java", env=COLOURFUL | {"TERM": "dumb"}))
    assert "\x1b" not in result.stdout
    assert result.stdout == plain(["lang", "java"])


@pytest.mark.parametrize("name", list(ALL))
def test_force_color_piped(name):
    """FORCE_COLOR=1 into a pipe (`| cat`): colour allowed, the text itself unchanged, no crash."""
    result = ok(run_process(*ALL[name], env=COLOURFUL | {"FORCE_COLOR": "1"}))
    assert strip_ansi(result.stdout) == plain(ALL[name])
    if name in TABLES:
        assert "\x1b[" in result.stdout  # forced: styles are on (the matrix is only bold)
    if name == "lang java":
        assert colour_codes(result.stdout)


def test_force_color_error_message_is_plain():
    result = run_process("type", "mutex_duratoin", env=COLOURFUL | {"FORCE_COLOR": "1"})
    assert result.exit_code == 2 and result.stdout == ""
    assert result.stderr.startswith("Error: Unknown profile type 'mutex_duratoin'.\n"), result
    assert "Did you mean: mutex_duration" in result.stderr, result
    assert "\x1b" not in result.stderr


# --- widths ---------------------------------------------------------------------------------------

WIDTHS = [30, 35, 40, 50, 60, 71, 72, 80, 100, 120, 150, 200]
GUTTER = " │|"  # what separates table columns: spaces, and the ASCII box's bar


def squeeze(text: str) -> str:
    return re.sub(r"\s", "", text)


def _is_rule(line: str) -> bool:
    body = line.strip()
    return bool(body) and set(body) <= set("─━═-+|│┼")


def _drop_title(lines: list[str], titles: list[str]) -> list[str]:
    """A table's title sits right above its header: drop the lines that spell one of the titles."""
    for title in titles:
        want, got, i = squeeze(title), "", 0
        while i < len(lines) and len(got) < len(want) and want.startswith(got + squeeze(lines[i])):
            got += squeeze(lines[i])
            i += 1
        if want and got == want:
            return lines[i:]
    return lines


def _columns(block: list[str]) -> list[str]:
    """Undo line-folding inside a table: each column's text, top to bottom, whitespace removed.

    Columns are found from the gutters: runs of at least three positions that are blank (or a
    box bar) on every line of the block.
    """
    lines = [line for line in block if not _is_rule(line)]
    if not lines:
        return []
    width = max(len(line) for line in lines)
    lines = [line.ljust(width) for line in lines]
    blank = [all(line[x] in GUTTER for line in lines) for x in range(width)]
    starts, run = [0], 0
    for x in range(width):
        if blank[x]:
            run += 1
            continue
        if run >= 3 and x - run > 0:
            starts.append(x)
        run = 0
    bounds = list(zip(starts, starts[1:] + [width]))
    return ["".join(squeeze(line[a:b].replace("|", " ").replace("│", " ")) for line in lines) for a, b in bounds]


def unfolded(output: str, titles: list[str]) -> list[str]:
    """Texts in which a folded word can be found whole: the whole output, and every table column."""
    lines = output.splitlines()
    texts = [squeeze(output)]
    for r, line in enumerate(lines):
        if not _is_rule(line) or (r and _is_rule(lines[r - 1])):
            continue
        top = r
        while top > 0 and lines[top - 1].strip():
            top -= 1
        bottom = r + 1
        while bottom < len(lines) and lines[bottom].strip():
            bottom += 1
        texts += _columns(_drop_title(lines[top:r], titles) + lines[r:bottom])
    return texts


def names_in(args: list[str]) -> tuple[list[str], list[str]]:
    """What must survive any width, from the command's JSON: profile type IDs, query IDs, settings
    (env var names and config keys), names; and the titles of its tables."""
    return _names_in(tuple(args))


@lru_cache(maxsize=None)
def _names_in(args: tuple[str, ...]) -> tuple[list[str], list[str]]:
    data = run_process(*args, "--format", "json").json()
    want: list[str] = []

    def usage(item):
        want.extend(pid["id"] for pid in item.get("ids", []))
        want.extend(step["setting"] for step in item.get("enable", []))

    if args[0] == "lang" and "--long" not in args:  # the summary: each type's first ID and first step
        want.append(data["language"]["id"])
        for item in data["supported"]:
            want.append(item["type"])
            want.append(item["ids"][0]["id"])
            want.append(item["enable"][0]["setting"])
        want.extend(item["type"] for item in data["unsupported"])
        return want, []
    if args[0] == "lang":
        want.append(data["language"]["id"])
        for item in data["supported"]:
            want.append(item["type"])
            usage(item)
        want.extend(item["type"] for item in data["unsupported"])
        return want, []
    if args[0] == "type":
        want.append(data["type"]["id"])
        for item in data["type"]["per_language"]:
            want.append(item["name"])
            usage(item)
        return want, []
    if args[0] == "symptom":
        want.append(data["symptom"]["id"])
        for item in data["recommendations"]:
            want.append(item["type"])
            usage(item)
        want.extend(item["type"] for item in data["unavailable"])
        want.extend(item["id"] for item in data["other_matches"])
        return want, []
    if args[0] == "matrix":  # the matrix shows names, not IDs: every type's, and every word of the columns'
        want.extend(row["name"] for row in data["rows"])  # (headings may stack a name's words)
        want.extend(word for col in data["columns"] for word in col["name"].split())
        return want, [data["title"], f"Pyroscope {data['pyroscope']}: {data['title']}"]
    raise AssertionError(args)


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("name", list(TABLES))
def test_every_id_survives_any_width(name, width):
    result = ok(run_process(*TABLES[name], env={"COLUMNS": str(width)}))
    assert "…" not in result.stdout, "rich cut something with an ellipsis"
    too_wide = [line for line in result.stdout.splitlines() if len(line) > width and not lone_token(line)]
    assert not too_wide, too_wide[:3]
    want, titles = names_in(TABLES[name])
    assert want
    texts = unfolded(result.stdout, titles)
    missing = [w for w in want if not any(squeeze(w) in text for text in texts)]
    assert not missing, f"not in the output at {width} columns: {missing}"


@pytest.mark.parametrize("width", [30, 60, 100])
@pytest.mark.parametrize("name", list(MORE))
def test_other_outputs_fit_any_width(name, width):
    result = ok(run_process(*MORE[name], env={"COLUMNS": str(width)}))
    assert "…" not in result.stdout
    # Markdown is never wrapped, click wraps help itself, and setup snippets are printed unwrapped so
    # that they can be copied as they are; so are catalog check's lines, whose paths an editor opens.
    if name not in ("--help", "lang java markdown") and not name.startswith(("setup", "catalog check")):
        too_wide = [line for line in result.stdout.splitlines() if len(line) > width and not lone_token(line)]
        assert not too_wide, too_wide[:3]


def lone_token(line: str) -> bool:
    """A line that holds one token longer than the terminal (an ID, a URL): it overflows rather than
    being split, so that it can be copied whole. A command to copy is one token too."""
    return len(line.split()) == 1 or line.strip().startswith("pyroadvise ")


@pytest.mark.parametrize("width", [40, 60, 80, 100])
@pytest.mark.parametrize("name", ["lang java", "lang java --long", "type mutex_duration", "lang java --sources"])
def test_no_token_is_split_across_lines(name, width):
    """Every ID, setting and URL in the output appears whole on one line (not just after unfolding)."""
    args = ALL[name]
    result = ok(run_process(*args, env={"COLUMNS": str(width)}))
    data = run_process(*[a for a in args if a != "--sources"], "--format", "json").json()
    items = data.get("supported") or data.get("type", {}).get("per_language", [])
    summary = args[0] == "lang" and "--long" not in args
    tokens = [pid["id"] for item in items for pid in item["ids"][:1 if summary else None]]
    words = {w.strip(",;():") for line in result.stdout.splitlines() for w in line.split()}
    missing = [t for t in tokens if t not in words]
    assert not missing, missing
    if "--sources" in args:
        urls = [w for w in words if w.startswith("https://")]
        assert urls and all(" " not in u for u in urls)
        assert all(u.rstrip("/").count("/") >= 3 for u in urls)


def test_the_id_finder_finds_folded_ids():
    """The helper above, checked: a word folded inside the second column of a table is found whole,
    and a word cut with an ellipsis is not."""
    table = ["Profile type     Details",
             "─" * 30,
             "CPU              Query ID:",
             "cpu              process_cpu:c",
             "SDK, Alloy       pu:nanosecond",
             "                 s:cpu"]
    assert any("process_cpu:cpu:nanoseconds:cpu" in t for t in unfolded("\n".join(table), []))
    assert not any("process_cpu:cpu:nanoseconds:cpu" in t for t in unfolded("\n".join(table[:4]) + "…", []))


# --- encodings ------------------------------------------------------------------------------------

NOT_UTF8 = {
    "PYTHONIOENCODING=ascii": {"PYTHONIOENCODING": "ascii"},
    "LANG=C": {"LANG": "C", "LC_ALL": "C", "PYTHONUTF8": "0", "PYTHONIOENCODING": None},
    "PYTHONIOENCODING=cp1252": {"PYTHONIOENCODING": "cp1252"},
}


@pytest.mark.parametrize("encoding", list(NOT_UTF8))
@pytest.mark.parametrize("name", list(ALL))
def test_output_on_a_stream_that_is_not_utf8(name, encoding):
    """Exit 0, every byte ASCII (the catalog is ASCII: borders and marks must be too), nothing replaced."""
    args = ALL[name]
    full = subprocess.run(pyroadvise_command() + args, capture_output=True, stdin=subprocess.DEVNULL,
                          env={k: v for k, v in (dict(os.environ) | NOT_UTF8[encoding]).items() if v is not None})
    assert full.returncode == 0, full.stderr
    assert full.stderr == b""
    text = full.stdout.decode("ascii")  # raises if anything is not ASCII
    utf8 = plain(args)
    assert text.count("?") == utf8.count("?"), "characters were replaced with '?'"
    if any(line.strip() and set(line.strip()) <= set("─") for line in utf8.splitlines()):
        assert any(_is_rule(line) and "-" in line for line in text.splitlines()), "no ASCII border"
    if name in TABLES:
        want, titles = names_in(args)
        texts = unfolded(text, titles)
        missing = [w for w in want if not any(squeeze(w) in t for t in texts)]
        assert not missing, missing


@pytest.mark.parametrize("encoding", list(NOT_UTF8))
def test_json_on_a_stream_that_is_not_utf8(encoding):
    result = run_process("symptom", "leak", "--lang", "go", "--format", "json", env=NOT_UTF8[encoding])
    data = result.json()
    assert data["symptom"]["id"] == "memory-leak"
    assert result.stdout.isascii()


@pytest.mark.parametrize("encoding, shown", [
    ("PYTHONIOENCODING=ascii", "j?v?[bold]"),  # one character each, not encodable: replaced
    ("LANG=C", "j\\udcc3\\udca4v\\udcc3\\udca4[bold]"),  # two undecodable argv bytes each: escaped
    ("PYTHONIOENCODING=cp1252", "j\u00e4v\u00e4[bold]"),  # encodable: kept
])
def test_error_with_non_ascii_input_on_a_stream_that_is_not_utf8(encoding, shown):
    env = {k: v for k, v in (dict(os.environ) | NOT_UTF8[encoding]).items() if v is not None}
    result = subprocess.run(pyroadvise_command() + ["lang", "j\u00e4v\u00e4[bold]"], capture_output=True, env=env,
                            stdin=subprocess.DEVNULL, timeout=60)
    assert result.returncode == 2 and result.stdout == b"", result
    stderr = result.stderr.decode("cp1252" if "cp1252" in encoding else "ascii")  # raises if not encoded so
    assert stderr.startswith(f"Error: Unknown language '{shown}'.\n"), stderr


def test_undecodable_argv_bytes_on_a_strict_utf8_stdout():
    """A Latin-1 file name in a UTF-8 locale: argv holds lone surrogates, and stdout refuses to write
    them (errors=strict, as under en_US.UTF-8). Output must escape them, not crash."""
    strict = {"PYTHONIOENCODING": "utf-8"}
    checked = run_process("catalog", "check", "/nonexistent-pyroadvise/caf\udce9", env=strict)
    assert checked.exit_code == 1, checked
    assert "Traceback" not in checked.stderr and checked.stderr == "", checked
    assert "Catalog /nonexistent-pyroadvise/caf\\udce9: 1 problem." in checked.stdout, checked
    symptom = run_process("symptom", "memory leak caf\udce9", "--format", "json", env=strict)
    assert json.loads(symptom.stdout)["query"] == "memory leak caf\udce9", symptom
    assert symptom.exit_code == 0 and symptom.stderr == ""
    error = run_process("lang", "caf\udce9", env=strict)
    assert error.exit_code == 2 and error.stderr.startswith("Error: Unknown language 'caf\\udce9'.\n"), error


# --- pipes ----------------------------------------------------------------------------------------

BROKEN = ("BrokenPipe", "Broken pipe", "Traceback", "Exception ignored", "EPIPE")


@POSIX
@pytest.mark.parametrize("args", [
    ["lang", "java"], ["matrix"], ["list", "symptoms", "--format", "json"], ["lang", "java", "--format", "markdown"],
    ["completion", "bash"], ["--help"], ["matrix", "--sources"],
], ids=" ".join)
def test_piped_into_head(args):
    command = shlex.join(pyroadvise_command() + args)
    result = subprocess.run(["bash", "-c", f"set +o pipefail; {command} | head -1"], capture_output=True,
                            stdin=subprocess.DEVNULL, timeout=60)
    stderr = result.stderr.decode("utf-8", "replace")
    assert result.returncode == 0, stderr
    assert not any(word in stderr for word in BROKEN), stderr
    assert stderr == ""
    first = result.stdout.decode("utf-8")
    assert first.endswith("\n") and first.count("\n") == 1
    assert first == plain(args).splitlines(keepends=True)[0]


@POSIX
def test_head_gets_the_right_first_line():
    result = subprocess.run(["bash", "-c", f"set +o pipefail; {shlex.join(pyroadvise_command())} lang java | head -1"],
                            capture_output=True, stdin=subprocess.DEVNULL, timeout=60)
    assert result.returncode == 0 and result.stderr == b""
    assert result.stdout.decode() == f"{expected_head(['lang', 'java'])}\n"
    assert result.stdout.decode() == f"Java (java), Pyroscope {newest()}\n"


@POSIX
@pytest.mark.parametrize("args", [["lang", "java"], ["lang", "java", "--format", "json"],
                                  ["lang", "java", "--format", "markdown"], ["completion", "zsh"], ["--help"]],
                         ids=" ".join)
@pytest.mark.parametrize("entry", ["script", "python -m"])
def test_reader_gone_before_the_first_write(args, entry):
    """The reader closed the pipe before anything was written, so every write fails (EPIPE).
    The CLI ends like coreutils: killed by SIGPIPE, silently (Python itself would ignore SIGPIPE and
    raise BrokenPipeError, which rich or the interpreter would report)."""
    command = pyroadvise_command() if entry == "script" else [sys.executable, "-m", "pyroadvise"]
    read_end, write_end = os.pipe()
    os.close(read_end)
    try:
        result = subprocess.run(command + args, stdout=write_end, stderr=subprocess.PIPE,
                                stdin=subprocess.DEVNULL, timeout=60)
    finally:
        os.close(write_end)
    stderr = result.stderr.decode("utf-8", "replace")
    assert stderr == "", stderr
    assert result.returncode == -signal.SIGPIPE, (result.returncode, stderr)


# --- stdin ----------------------------------------------------------------------------------------


def test_stdin_devnull():
    result = ok(run_process("lang", "java", stdin=subprocess.DEVNULL))
    assert result.stdout.splitlines()[0] == expected_head(["lang", "java"])
    error = run_process("symptom", stdin=subprocess.DEVNULL)
    assert error.exit_code == 2 and error.stdout == ""
    assert error.stderr.rstrip().endswith("Error: Missing argument 'TEXT...'."), error


@POSIX
@pytest.mark.parametrize("args, code", [
    (["lang", "java"], 0), (["symptom", "leak", "--lang", "go", "--format", "json"], 0), ([], 0),
    (["lang", "kotln"], 2), (["symptom"], 2),
], ids=lambda v: " ".join(v) if isinstance(v, list) else str(v))
def test_stdin_closed(args, code):
    """File descriptor 0 not open at all (`cmd <&-`): the same output as with /dev/null."""
    command = shlex.join(pyroadvise_command() + args)
    result = subprocess.run(["bash", "-c", f"exec 0<&-; {command}"], capture_output=True, timeout=60,
                            env={k: v for k, v in os.environ.items()})
    closed = Run(result.returncode, result.stdout.decode("utf-8", "replace"), result.stderr.decode("utf-8", "replace"))
    devnull = run_process(*args)
    assert closed.exit_code == code, closed
    assert (closed.stdout, closed.stderr) == (devnull.stdout, devnull.stderr)
    assert "Traceback" not in closed.stderr


@POSIX
def test_stdin_closed_without_a_shell():
    """The same with the descriptor closed by the parent between fork and exec."""
    result = subprocess.run(pyroadvise_command() + ["type", "mutex_duration"], capture_output=True, timeout=60,
                            stdin=None, preexec_fn=lambda: os.close(0))
    assert result.returncode == 0, result.stderr
    assert result.stderr == b""
    assert result.stdout.decode().startswith("Mutex Duration (mutex_duration), Pyroscope ")


# --- stdout or stderr closed ------------------------------------------------------------------


def shell(script: str) -> Run:
    result = subprocess.run(["bash", "-c", script], capture_output=True, stdin=subprocess.DEVNULL, timeout=60)
    return Run(result.returncode, result.stdout.decode("utf-8", "replace"), result.stderr.decode("utf-8", "replace"))


@POSIX
@pytest.mark.parametrize("args", [["lang", "java"], ["lang", "java", "--format", "json"],
                                  ["matrix", "--format", "markdown"], ["catalog", "check"]], ids=" ".join)
def test_stdout_closed(args):
    """`cmd >&-`: nowhere to write the report. Fail and say so on stderr (as coreutils do), rather
    than exit 0 having printed nothing (tables) or crash on sys.stdout being None (JSON, Markdown)."""
    result = shell(f"{shlex.join(pyroadvise_command() + args)} >&-")
    assert (result.exit_code, result.stderr) == (1, "Error: standard output is closed\n"), result


@POSIX
@pytest.mark.parametrize("args", [["--version"], ["completion", "bash"], []], ids=lambda a: " ".join(a) or "bare")
def test_stdout_closed_outside_the_reports(args):
    result = shell(f"{shlex.join(pyroadvise_command() + args)} >&-")
    assert "Traceback" not in result.stderr, result.stderr[-300:]
    assert result.exit_code == 1 and result.stderr.startswith("Error: "), result


@POSIX
def test_stderr_closed_on_success():
    result = shell(f"{shlex.join(pyroadvise_command())} lang java 2>&-")
    assert result.exit_code == 0
    assert result.stdout == plain(["lang", "java"])


@POSIX
def test_stderr_closed_keeps_the_exit_code():
    result = shell(f"{shlex.join(pyroadvise_command())} lang kotln 2>&-")
    assert result.exit_code == 2, result


if __name__ == "__main__":  # pragma: no cover
    sys.exit(pytest.main([__file__, "-q"]))


def test_a_full_disk_is_an_error_not_a_silent_loss():
    """Output is flushed by hand before the process ends at once (appgroup.exit_now): a write that
    fails there is reported like any other."""
    with open("/dev/full", "wb") as full:
        result = subprocess.run(pyroadvise_command() + ["lang", "java", "--format", "json"], stdout=full,
                                capture_output=False, stderr=subprocess.PIPE, timeout=60)
    assert result.returncode == 1
    assert result.stderr.decode() == "Error: No space left on device\n"
