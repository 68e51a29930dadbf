"""Hostile text as every argument and option value: no traceback, a known exit code, nothing raw.

Every command and option gets arbitrary text: any Unicode (astral, combining, right-to-left, bidi
controls), control and escape sequences, rich markup, backslashes, thousands of characters, empty
strings, strings starting with '-', and the lone surrogates U+DC80..U+DCFF that POSIX argv holds for
bytes that are not UTF-8. NUL is left out: it cannot be in argv.

For every run:
- no traceback, and no exception escapes CliRunner (conftest's run() uses catch_exceptions=False);
- exit code 0, 1 or 2; a usage error (2) says "Error: ..." on stderr and writes nothing to stdout;
  a success writes nothing to stderr;
- no control character (C0, DEL, C1), bidi control or lone surrogate from the input appears raw in
  stdout or stderr (the CLI escapes them, e.g. as \\x1b);
- where the input is echoed in a message, it is echoed exactly: escaped the same way, capped at 80
  characters, and rich markup such as [bold] printed literally, brackets included.

Examples per test: 50 by default; HYPOTHESIS_PROFILE=ci raises it to 300. The profiles are applied
per test (not loaded globally), so other test files keep their own hypothesis settings.
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

import pytest
from hypothesis import HealthCheck, event, example, given, settings
from hypothesis import strategies as st
from hypothesis.control import currently_in_test_context

from conftest import run

# --- hypothesis profiles -------------------------------------------------------------------------

_COMMON = dict(
    deadline=None,  # the machine is noisy; a slow example is not a failure
    print_blob=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.filter_too_much,
                           HealthCheck.large_base_example],
)
settings.register_profile("pyroadvise-fuzz", max_examples=50, **_COMMON)
settings.register_profile("pyroadvise-fuzz-ci", max_examples=300, **_COMMON)
PROFILE = "pyroadvise-fuzz-ci" if os.environ.get("HYPOTHESIS_PROFILE") == "ci" else "pyroadvise-fuzz"
FUZZ = settings.get_profile(PROFILE)

# --- what the CLI must escape, and how it echoes input -------------------------------------------

# C0 (tab and newline included: inside an echoed value they must not break the line), DEL, C1,
# every Unicode Bidi_Control character, and lone surrogates (undecodable argv bytes).
BIDI_CONTROLS = "\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069"
UNSAFE = re.compile(f"[\x00-\x1f\x7f-\x9f{BIDI_CONTROLS}\ud800-\udfff]")
SHOWN_MAX = 80


def echoed(text: str) -> str:
    """How a message quotes user input: unsafe characters as Python escapes, at most 80 characters."""
    out = UNSAFE.sub(lambda m: m.group().encode("unicode_escape").decode("ascii"), text)
    return out if len(out) <= SHOWN_MAX else out[: SHOWN_MAX - 3] + "..."


def check(result, *inputs: str) -> None:
    """The rules every run must follow, whatever the input."""
    __tracebackhide__ = True
    assert result.exit_code in (0, 1, 2), result
    if currently_in_test_context():  # how often the fuzz gets past the parser: --hypothesis-show-statistics
        event(f"exit {result.exit_code}")
    for stream in (result.stdout, result.stderr):
        assert "Traceback (most recent call last)" not in stream, result
    if result.exit_code == 0:
        # Success may come with a warning or a note on stderr (a --pyroscope release the catalog lacks,
        # a language without an SDK of its own), each one line; nothing else.
        assert all(line.startswith(("Warning: ", "Note: ")) for line in result.stderr.splitlines()), result
        assert result.stdout, result
    elif result.exit_code == 2:
        assert "Error: " in result.stderr, result
        assert result.stdout == "", result
    else:
        assert result.stdout or result.stderr.startswith("Error: "), result
    # Newline and tab are the output's own too, so they are told apart by check_echo, not here.
    raw = {c for text in inputs for c in text if UNSAFE.match(c)} - {"\n", "\t"}
    leaked = raw & set(result.stdout + result.stderr)
    assert not leaked, f"raw {sorted(leaked)!r} from the input in the output: {result!r}"


def check_echo(result, prefix: str, text: str, suffix: str = "'") -> None:
    """When the message that quotes `text` is there, the quote is exact (markup literal, escapes escaped)."""
    __tracebackhide__ = True
    if prefix in result.stderr:
        assert f"{prefix}{echoed(text)}{suffix}" in result.stderr, (echoed(text), result)


def check_choice_echo(result, value: str) -> None:
    """click quotes a bad choice with repr(), which escapes everything non-printable itself."""
    __tracebackhide__ = True
    if "Error: Invalid value for " in result.stderr:
        assert f": {value!r} is not one of " in result.stderr, result


# --- strategies --------------------------------------------------------------------------------

# Any code point argv can hold: everything but NUL and surrogates, plus the surrogateescape range.
ARGV_CHAR = st.one_of(
    st.characters(exclude_categories=("Cs",), exclude_characters="\x00"),
    st.characters(min_codepoint=0xDC80, max_codepoint=0xDCFF),
)
MARKUP = ["[bold]", "[/bold]", "[/x]", "[/]", "[link=http://x]", "[/link]", "[red]", "[bold red on white]",
          "[@click=app.bell]", "[", "]", "[[", "\\[", "\\", "\\\\[bold]", ":smile:", "{service_name=\"x\"}",
          "[default: x]", "%s", "{0}", "$(id)", "`id`", "'", '"']
ESCAPES = ["\x1b[31m", "\x1b[0m", "\x1b]8;;http://x\x1b\\", "\x1b]0;title\x07", "\x1bc", "\x1b[2J", "\x07", "\r",
           "\n", "\t", "\x08", "\x0b", "\x0c", "\x1f", "\x7f", "\x85", "\x9b31m", "\x90", "\x9d", "\x1b"]
UNICODE = ["\u202e", "\u202a", "\u2066", "\u2069", "\u200e", "\u200f", "\u061c", "\u200b", "\u200d", "\u2028",
           "\ufeff", "e\u0301", "\u0301\u0302\u0303", "\U0001f525", "\U0001d54f", "\U00010348",
           "\U0001f468\u200d\U0001f469", "\u0645\u0631\u062d\u0628\u0627", "\u05e9\u05dc\u05d5\u05dd",
           "\uff4a\uff41\uff56\uff41", "\u01c5", "\u00df", "\u0130", "\ufdfa", "\u3000", "\u00a0", "\udcff", "\udc80"]
WORDS = ["java", "go", "Go", "golang", "c#", "C#", "kotlin", "node", "mutex_duration", "Mutex Duration", "cpu",
         "memory:inuse_space:bytes:space:bytes", "process_cpu:cpu:nanoseconds:cpu:nanoseconds:delta", "memory",
         "leak", "deadlok", "memory keeps growing", "1.2.0", "2.2.1", "v1.2", "2.2", "latest", "json", "table",
         "markdown", "bash", "zsh", "languages", "types", "symptoms", "sdk", "alloy", "ebpf", " ", ":"]
DASHES = ["-", "--", "-x", "--x", "-f", "--format", "-h", "--help", "--version", "-p", "--pyroscope=", "=", "-1"]

PIECE = st.one_of(st.sampled_from(MARKUP + ESCAPES + UNICODE + WORDS + DASHES), st.text(ARGV_CHAR, max_size=12))
SHORT = st.lists(PIECE, max_size=6).map("".join)
LONG = st.builds(lambda piece, n: (piece * (n // len(piece) + 1))[:n], PIECE.filter(bool), st.integers(300, 6000))
# A valid name wrapped in what lookups fold away (case, width, Unicode whitespace such as NEL or
# U+001F, separators), so that hostile text also reaches the success paths and their output.
FOLDED = st.text(st.sampled_from(" \t\n\x1c\x1f\x85\u3000\u00a0_-."), max_size=2)
NEAR = st.builds(lambda pre, word, post, upper: pre + (word.upper() if upper else word) + post,
                 FOLDED.filter(lambda s: not s.startswith("-")), st.sampled_from(WORDS), FOLDED, st.booleans())
TEXT = st.one_of(SHORT, SHORT.map(lambda s: "-" + s), LONG, st.just(""), NEAR)
FORMAT = st.sampled_from(["table", "json", "markdown"])
WORD_LIST = st.lists(TEXT, min_size=1, max_size=8)

# Text with rich markup in it and nothing the CLI escapes or strips, short enough to be echoed whole.
PLAIN_CHAR = st.characters(min_codepoint=0x20, max_codepoint=0x7e, exclude_characters="-")
MARKUP_TEXT = st.builds(
    lambda before, tag, after: f"{before}{tag}{after}".strip(),
    st.text(PLAIN_CHAR, max_size=10), st.sampled_from([m for m in MARKUP if "[" in m or "]" in m]),
    st.text(st.one_of(PLAIN_CHAR, st.sampled_from("\u00e9\U0001f525\u4e2d")), max_size=10),
).filter(lambda s: 0 < len(s) <= 60)

NO_DIR = "/nonexistent-pyroadvise-fuzz"


def positional(args: list[str], separate: bool) -> list[str]:
    """Positional arguments, after '--' when asked, so that '-x' reaches the command as text."""
    return ["--", *args] if separate else args


# --- one test per command and option ------------------------------------------------------------


@FUZZ
@given(name=TEXT, separate=st.booleans(), fmt=FORMAT)
@example(name="\x1b[31mred", separate=False, fmt="table")
@example(name="[bold]x", separate=False, fmt="table")
@example(name="-x", separate=True, fmt="table")
@example(name="", separate=False, fmt="table")
@example(name="\x85JAVA\u3000", separate=False, fmt="json")
def test_lang(name, separate, fmt):
    result = run("lang", f"--format={fmt}", *positional([name], separate))
    check(result, name)
    if separate or not name.startswith("-"):
        check_echo(result, "Unknown language '", name.strip(), "'.")


@FUZZ
@given(name=TEXT, separate=st.booleans(), fmt=FORMAT)
@example(name="memory:[bold]:x", separate=False, fmt="table")
@example(name="mutex\x85duration", separate=False, fmt="json")
def test_type(name, separate, fmt):
    result = run("type", f"--format={fmt}", *positional([name], separate))
    check(result, name)
    if separate or not name.startswith("-"):
        check_echo(result, "Unknown profile type '", name.strip(), "'.")
        check_echo(result, "No catalogued profile type has the ID '", name.strip(), "'.")


@FUZZ
@given(words=WORD_LIST, separate=st.booleans(), fmt=FORMAT)
@example(words=["memory", "leak", "\x9b\u202e"], separate=False, fmt="json")
@example(words=["[red]deadlok[/red]"], separate=False, fmt="table")
def test_symptom(words, separate, fmt):
    result = run("symptom", f"--format={fmt}", *positional(words, separate))
    check(result, *words)
    if separate or not any(w.startswith("-") for w in words):
        check_echo(result, "No symptom matches '", " ".join(words), "'.")


@FUZZ
@given(words=st.one_of(WORD_LIST, st.just(["memory", "leak"])), lang=TEXT, fmt=FORMAT)
def test_symptom_lang(words, lang, fmt):
    result = run("symptom", f"--lang={lang}", f"--format={fmt}", "--", *words)
    check(result, lang, *words)
    check_echo(result, "Unknown language '", lang.strip(), "'.")
    check_echo(result, "No symptom matches '", " ".join(words), "'.")


@FUZZ
@given(lang=st.one_of(TEXT, st.sampled_from(["go", "java", "python"])),
       types=st.lists(st.one_of(TEXT, st.sampled_from(["cpu", "mutex_duration", "alloc_space"])), max_size=4),
       method=st.one_of(st.none(), TEXT, st.sampled_from(["sdk", "alloy", "ebpf", "SDK"])),
       fmt=FORMAT)
@example(lang="go", types=["cpu", "[bold]"], method=None, fmt="table")
def test_setup(lang, types, method, fmt):
    options = [f"--format={fmt}"] + ([f"--method={method}"] if method is not None else [])
    result = run("setup", *options, "--", lang, *types)
    check(result, lang, *types, *([method] if method else []))
    check_echo(result, "Unknown language '", lang.strip(), "'.")
    if "Unknown profile type '" in result.stderr:
        assert any(f"Unknown profile type '{echoed(t.strip())}'." in result.stderr for t in types), result
    if method is not None:
        check_choice_echo(result, method)


@FUZZ
@given(method=TEXT)
def test_method(method):
    result = run("setup", "go", "cpu", "mutex_duration", f"--method={method}")
    check(result, method)
    check_choice_echo(result, method)


@FUZZ
@given(kind=TEXT, separate=st.booleans())
def test_list(kind, separate):
    result = run("list", *positional([kind], separate))
    check(result, kind)
    if separate or not kind.startswith("-"):
        check_echo(result, "Cannot list '", kind.strip())


@FUZZ
@given(shell=TEXT, separate=st.booleans())
def test_completion(shell, separate):
    result = run("completion", *positional([shell], separate))
    check(result, shell)
    if separate or not shell.startswith("-"):
        check_choice_echo(result, shell)


@FUZZ
@given(old=TEXT)
@example(old="2.2.1")
@example(old="[/x]")
def test_matrix_diff(old):
    result = run("matrix", f"--diff={old}")
    check(result, old)
    check_echo(result, "Pyroscope version '", old, "' is not catalogued.")


COMMANDS = {
    "lang": ["lang", "java"],
    "symptom": ["symptom", "memory", "leak"],
    "symptom --lang": ["symptom", "--lang", "go", "memory", "leak"],
    "type": ["type", "mutex_duration"],
    "matrix": ["matrix"],
    "matrix --diff": ["matrix", "--diff", "1.2.0"],
    "list": ["list", "types"],
    "setup": ["setup", "go", "mutex_duration"],
}


@pytest.mark.parametrize("command", list(COMMANDS))
@FUZZ
@given(version=TEXT, joined=st.booleans())
def test_pyroscope_option(command, version, joined):
    option = [f"--pyroscope={version}"] if joined else ["-p", version]
    result = run(*COMMANDS[command], *option)
    check(result, version)
    if joined or not version.startswith("-"):
        check_echo(result, "Pyroscope version '", version, "' is not catalogued.")


@pytest.mark.parametrize("command", [*COMMANDS, "catalog check"])
@FUZZ
@given(fmt=TEXT, joined=st.booleans())
def test_format_option(command, fmt, joined):
    base = ["catalog", "check"] if command == "catalog check" else COMMANDS[command]
    option = [f"--format={fmt}"] if joined else ["-f", fmt]
    result = run(*base, *option)
    check(result, fmt)
    if joined or not fmt.startswith("-"):
        check_choice_echo(result, fmt)


@FUZZ
@given(name=TEXT, fmt=FORMAT)
@example(name="\x1b[31mred", fmt="table")
@example(name="[bold]x\n\u202e", fmt="markdown")
@example(name="\udcff\x85", fmt="json")
def test_catalog_check_missing_dir(name, fmt):
    path = f"{NO_DIR}/{name}"
    result = run("catalog", "check", f"--format={fmt}", "--", path)
    check(result, name)
    assert result.exit_code == 1, result
    if result.stderr:  # e.g. a name too long for the file system: said, without a traceback
        assert result.stderr.startswith("Error: ") and result.stdout == "", result
        return
    shown = str(Path(path))
    if fmt == "json":
        report = json.loads(result.stdout)
        assert report["ok"] is False and report["catalog"] == shown, result
    else:  # the path, escaped, with markup literal; rich may wrap it, so compare without whitespace
        squeeze = lambda s: re.sub(r"\s", "", s)  # noqa: E731
        escaped_path = UNSAFE.sub(lambda m: m.group().encode("unicode_escape").decode("ascii"), shown)
        assert squeeze(escaped_path) in squeeze(result.stdout), result


@FUZZ
@given(name=TEXT)
def test_catalog_check_relative(name):
    """A bare relative name: whatever it is, a missing directory is reported, never a traceback."""
    if os.path.lexists(name.encode("utf-8", "surrogateescape")) or not name or name.startswith("-"):
        return  # exists here (e.g. '.'), or is the default catalog, or is an option
    result = run("catalog", "check", name)
    check(result, name)
    assert result.exit_code == 1, result


ROOTS = ["lang", "type", "symptom", "setup", "list", "matrix", "completion", "catalog", "catalog check", "--help",
         "--version", ""]


@FUZZ
@given(root=st.sampled_from(ROOTS), args=st.lists(st.one_of(TEXT, st.sampled_from(DASHES + WORDS)), max_size=6))
def test_any_argv(root, args):
    """Whole command lines: any command, then any mix of words, options and hostile text."""
    result = run(*root.split(), *args)
    check(result, *args)


@FUZZ
@given(text=MARKUP_TEXT)
@example(text="[bold]x")
@example(text="[/x]")
@example(text="[link=http://x]click[/link]")
@example(text="\\[red]")
def test_markup_is_echoed_literally(text):
    """Markup in input is never interpreted: every echo quotes it character for character."""
    assert run("lang", "--", text).stderr.startswith(f"Error: Unknown language '{text}'.\n")
    typed = run("type", "--", text).stderr
    assert f"Unknown profile type '{text}'." in typed or f"No catalogued profile type has the ID '{text}'." in typed
    for args in (["lang", "java", f"--pyroscope={text}"], ["matrix", f"--diff={text}"]):
        assert f"Error: Pyroscope version '{text}' is not catalogued." in run(*args).stderr
    assert f"Error: Unknown language '{text}'." in run("symptom", f"--lang={text}", "leak").stderr
    assert f"Error: Unknown language '{text}'." in run("setup", "--", text, "cpu").stderr
    assert f"Error: Unknown profile type '{text}'." in run("setup", "--", "go", text).stderr or ":" in text
    assert f"{text!r} is not one of " in run("lang", "java", f"--format={text}").stderr
    result = run("symptom", "--", "qqqq", text)  # no symptom has 'qqqq'; text may still match one
    # An answer, or a refusal that quotes the text as typed ("No symptom matches '...'", or "'...' reads as
    # <a symptom of another runtime>" when --lang and the text disagree).
    assert result.exit_code == 0 or f"'qqqq {text}'" in result.stderr, result
    shown = Path(f"{NO_DIR}/{text}")
    checked = run("catalog", "check", f"{NO_DIR}/{text}")  # plain lines, never wrapped
    assert f"Catalog {shown}: 1 problem.\n" in checked.stdout, checked
    checked = run("catalog", "check", "--format=markdown", f"{NO_DIR}/{text}")
    assert f"Catalog {shown}: 1 problem(s)." in checked.stdout, checked


# --- exact forms, written out -----------------------------------------------------------------

ESC = "\x1b"


@pytest.mark.parametrize("args, expected", [
    (["lang", f"{ESC}[31mred"], "Error: Unknown language '\\x1b[31mred'.\n"),
    (["lang", "[bold]x"], "Error: Unknown language '[bold]x'.\n"),
    (["lang", "[/x]"], "Error: Unknown language '[/x]'.\n"),
    (["lang", "[link=http://x]y[/link]"], "Error: Unknown language '[link=http://x]y[/link]'.\n"),
    (["lang", "a\\[b\\"], "Error: Unknown language 'a\\[b\\'.\n"),
    (["lang", "a\nError: forged"], "Error: Unknown language 'a\\nError: forged'.\n"),
    (["lang", "a\rb\tc\x07d\x7fe"], "Error: Unknown language 'a\\rb\\tc\\x07d\\x7fe'.\n"),
    (["lang", "x\x9b31m\x85y"], "Error: Unknown language 'x\\x9b31m\\x85y'.\n"),
    (["lang", "\x85\u3000"], "Error: Name a language."),  # NEL and ideographic space are whitespace
    (["lang", "\u202eavaj"], "Error: Unknown language '\\u202eavaj'.\n"),
    (["lang", "a\u2066b\u2069c\u200ed\u200fe\u061cf"],
     "Error: Unknown language 'a\\u2066b\\u2069c\\u200ed\\u200fe\\u061cf'.\n"),
    (["lang", "\udcff"], "Error: Unknown language '\\udcff'.\n"),
    (["lang", "\U0001f525\u0301"], "Error: Unknown language '\U0001f525\u0301'.\n"),
    (["lang", "--", "-x"], "Error: Unknown language '-x'.\n"),
    (["type", f"{ESC}]8;;http://evil{ESC}\\x"],
     "Error: Unknown profile type '\\x1b]8;;http://evil\\x1b\\x'.\n"),
    (["type", f"{ESC}[1mcpu"], "Error: Unknown profile type '\\x1b[1mcpu'.\n"),
    (["type", "[bold]:x"], "Error: Unknown profile type '[bold]:x'.\n"),
    (["type", "[bold]:x:y"], "Error: No catalogued profile type has the ID '[bold]:x:y'.\n"),
    (["symptom", "zzzz", f"{ESC}[2J"], "Error: No symptom matches 'zzzz \\x1b[2J'.\n"),
    (["symptom", "--lang", "[red]go", "leak"], "Error: Unknown language '[red]go'.\n"),
    (["lang", "java", "--pyroscope", "\u202e1.2.0"], "Error: Pyroscope version '\\u202e1.2.0' is not catalogued.\n"),
    (["matrix", "--diff", "[/]\x1b"], "Error: Pyroscope version '[/]\\x1b' is not catalogued.\n"),
    (["setup", "go", "[bold]cpu"], "Error: Unknown profile type '[bold]cpu'.\n"),
    (["lang", "java", "--format", f"[red]{ESC}"], "'[red]\\x1b' is not one of 'table', 'json', 'markdown'."),
    (["setup", "go", "cpu", "--method", "[b]\u202e"], "'[b]\\u202e' is not one of 'sdk', 'alloy', 'ebpf'."),
    (["list", "\\[x]"], "Error: Cannot list '\\[x]': choose languages, types or symptoms."),
    (["completion", "[bold]bash"], "'[bold]bash' is not one of 'bash', 'zsh', 'fish'."),
])
def test_exact_escaped_form(args, expected):
    result = run(*args)
    check(result, *args)
    assert result.exit_code == 2, result
    assert expected in result.stderr, result


def test_long_input_is_capped():
    result = run("lang", "x" * 5000)
    assert result.exit_code == 2
    assert result.stderr.startswith("Error: Unknown language '" + "x" * 77 + "...'.\n"), result
    assert len(result.stderr) < 500, result


def test_long_input_cap_counts_escapes():
    """The cap applies to what is shown: escapes count with their full length, and are never cut raw."""
    result = run("lang", "a" * 70 + ESC * 5)
    check(result, ESC)
    assert "'" + "a" * 70 + "\\x1b\\x1..." + "'." in result.stderr, result


@pytest.mark.parametrize("fmt", ["table", "markdown", "json"])
@pytest.mark.parametrize("name, escaped", [
    (f"{ESC}[31mred", "\\x1b[31mred"),
    ("a\nCAT999 forged", "a\\nCAT999forged"),
    ("[bold]x[/bold]", "[bold]x[/bold]"),
    ("\u202eevil\x07\x85", "\\u202eevil\\x07\\x85"),
    ("\udcff", "\\udcff"),
])
def test_catalog_check_escapes_the_path(fmt, name, escaped):
    """`catalog check DIR` prints DIR on stdout: its control characters must be escaped there too."""
    path = f"{NO_DIR}/{name}"
    result = run("catalog", "check", "--format", fmt, path)
    check(result, name)
    assert result.exit_code == 1, result
    if fmt == "json":
        assert json.loads(result.stdout)["catalog"] == path
    else:
        assert f"{NO_DIR}/{escaped}".replace(" ", "") in result.stdout.replace(" ", ""), result
        assert "CAT999" not in "".join(line[:6] for line in result.stdout.splitlines()), result


@pytest.mark.parametrize("text", ["\x85", "\x9b", "\x7f", "\u202e", "\u2066", "\u200f", "\udcff"])
def test_json_never_carries_raw_controls(text):
    """JSON echoes the query; non-ASCII stays readable, but controls and surrogates are \\u escapes."""
    query = f"memory leak {text}é"
    result = run("symptom", "--format", "json", query)
    check(result, query)
    assert result.exit_code == 0, result
    assert json.loads(result.stdout)["query"] == query
    assert "é" in result.stdout  # UTF-8 output is not forced to ASCII
    assert f"\\u{ord(text):04x}" in result.stdout, result


def test_type_json_query_escapes_c1():
    """A C1 NEL is whitespace for the lookup (it matches), and the JSON echo still escapes it."""
    result = run("type", "--format", "json", "mutex\x85duration")
    check(result, "\x85")
    assert result.exit_code == 0
    assert json.loads(result.stdout)["query"] == "mutex\x85duration"
