"""Completion in real shells: bash, fish and zsh run the static scripts and a TAB is completed.

Both the shipped copies under completions/ and the output of `pyroadvise completion SHELL` are
tested. Expected candidates are exact sets derived from the catalog (and from the CLI's command
tree), never copied lists of catalog ids.

* bash: source the script, set COMP_WORDS/COMP_CWORD/COMP_LINE/COMP_POINT, call _pyroadvise,
  read COMPREPLY.
* fish: `fish --no-config -c 'source SCRIPT; complete -C LINE'`, lines are `value<TAB>description`.
* zsh: tests/zsh-capture.zsh runs an interactive zsh in a pseudo-terminal (zsh/zpty) with the
  real compinit, types each line and presses TAB (one session per install method and script).

A shell that is not installed skips its tests, unless PYROADVISE_REQUIRE_SHELLS=1 (CI), which
turns a missing shell into a failure. Every shell runs with fake `pyroadvise`, `python` and
`python3` first on PATH that log any call: a TAB must never start either.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Callable, NamedTuple

import pytest

from conftest import ROOT, run, run_process

SHIPPED = {"bash": ROOT / "completions" / "pyroadvise.bash", "zsh": ROOT / "completions" / "_pyroadvise",
           "fish": ROOT / "completions" / "pyroadvise.fish"}
ORIGINS = ("shipped", "generated")
ZSH_METHODS = ("fpath", "source")
ZSH_DRIVER = Path(__file__).resolve().parent / "zsh-capture.zsh"
TIMEOUT = 30  # seconds for one shell run; the zsh driver also gives up on each step after 10 s
DOCUMENTED_SUBCOMMANDS = {"lang", "symptom", "type", "matrix", "list", "setup", "completion", "catalog"}
FORMATS = {"table", "json", "markdown"}
DECOY_DIR = "decoy-dir"  # the only directory in the shells' working directory (next to a decoy file)


# -- shells ----------------------------------------------------------------------------------------

def require_shell(name: str) -> str:
    """The shell's path; skip when it is missing, or fail when PYROADVISE_REQUIRE_SHELLS=1 (CI)."""
    path = shutil.which(name)
    problem = None if path else f"{name} is not installed (not found on PATH)"
    if path and name == "zsh":
        probe = subprocess.run([path, "-f", "-c", "zmodload zsh/zpty"], capture_output=True, timeout=TIMEOUT)
        if probe.returncode != 0:
            problem = "zsh has no zsh/zpty module, needed to press TAB in a real zsh"
    if problem:
        if os.environ.get("PYROADVISE_REQUIRE_SHELLS") == "1":
            pytest.fail(f"{problem}, and PYROADVISE_REQUIRE_SHELLS=1 requires every shell", pytrace=False)
        pytest.skip(f"{problem}; set PYROADVISE_REQUIRE_SHELLS=1 to make this a failure")
    return path


# -- what each line must complete to ---------------------------------------------------------------

class Expect(NamedTuple):
    """The catalog and CLI facts the expectations are built from."""
    languages: set[str]
    types: set[str]
    symptoms: set[str]
    versions: set[str]
    subcommands: set[str]
    lang_options: set[str]  # every name of every option of `pyroadvise lang`, --help and -h too
    types_of: dict[str, set[str]]  # language -> the types it has at the newest release


def _mutex_types(x: Expect) -> set[str]:
    found = {t for t in x.types if t.startswith("mutex")}
    assert 2 <= len(found) < len(x.types), found  # the prefix must filter, and leave a choice
    return found


# name -> (the command line typed before TAB, the exact set of candidates). The first case is the
# first TAB of every zsh session, which checks that an fpath install completes on the first TAB.
CASES: dict[str, tuple[str, Callable[[Expect], set[str]]]] = {
    "lang": ("pyroadvise lang ", lambda x: x.languages),
    "commands": ("pyroadvise ", lambda x: x.subcommands),
    "lang-prefix": ("pyroadvise lang j", lambda x: {lang for lang in x.languages if lang.startswith("j")}),
    "type": ("pyroadvise type ", lambda x: x.types),
    "type-prefix": ("pyroadvise type mutex", _mutex_types),
    "symptom": ("pyroadvise symptom ", lambda x: x.symptoms),
    "format": ("pyroadvise lang java --format ", lambda x: FORMATS),
    "format-short": ("pyroadvise lang java -f ", lambda x: FORMATS),
    "format-equals": ("pyroadvise lang java --format=", lambda x: FORMATS),
    "pyroscope": ("pyroadvise matrix --pyroscope ", lambda x: x.versions),
    "diff": ("pyroadvise matrix --diff ", lambda x: x.versions),
    "setup-language": ("pyroadvise setup ", lambda x: x.languages),
    "setup-types": ("pyroadvise setup go cpu ", lambda x: x.types_of["go"]),
    "setup-types-ruby": ("pyroadvise setup ruby ", lambda x: x.types_of["ruby"]),
    "setup-types-alias": ("pyroadvise setup golang ", lambda x: x.types_of["go"]),
    "setup-types-after-option": ("pyroadvise setup --format json java ", lambda x: x.types_of["java"]),
    "symptom-lang-option": ("pyroadvise symptom --lang ", lambda x: x.languages),
    "after-option-value": ("pyroadvise lang --format json ", lambda x: x.languages),
    "after-option-equals": ("pyroadvise lang --format=json ", lambda x: x.languages),
    "symptom-lang-equals": ("pyroadvise symptom --lang=", lambda x: x.languages),
    "catalog": ("pyroadvise catalog ", lambda x: {"check", "explain"}),
    "catalog-check": ("pyroadvise catalog check ", lambda x: {DECOY_DIR}),
    "lang-options": ("pyroadvise lang -", lambda x: x.lang_options),
}
# `lang` takes one language: after it, no language may be offered again.
LANG_DONE = "pyroadvise lang java "
LINES = [line for line, _ in CASES.values()] + [LANG_DONE]
DESCRIBED = {"lang": "languages", "type": "types", "symptom": "symptoms"}  # case -> catalog dict


def description(entry) -> str:
    """What a completion menu shows next to a value: a type's unit (its name would only repeat the id),
    else the entry's name."""
    return getattr(entry, "unit", None) or entry.name


@pytest.fixture(scope="session")
def expect(catalog) -> Expect:
    import typer

    from pyroadvise.cli import app_command

    group = app_command()
    ctx = typer.Context(group, info_name="pyroadvise")
    subcommands = {name for name in group.list_commands(ctx) if not group.get_command(ctx, name).hidden}
    lang = group.get_command(ctx, "lang")
    lang_ctx = typer.Context(lang, info_name="lang", parent=ctx)
    lang_options = {name for param in lang.get_params(lang_ctx) if param.param_type_name == "option"
                    and not param.hidden for name in (*param.opts, *param.secondary_opts)}
    from pyroadvise.matrix import available_types

    newest = catalog.versions[catalog.newest]
    types_of = {lang: set(available_types(newest, lang)) for lang in catalog.languages}
    assert types_of["ruby"] == {"cpu"} and "heap" not in types_of["go"]  # the cases below mean something
    return Expect(set(catalog.languages), set(catalog.types), set(catalog.symptoms), set(catalog.versions),
                  subcommands, lang_options, types_of)


def shown_name(name: str, shell: str) -> str:
    """A catalog name as the shell shows it: zsh's _describe splits on ':', so the script writes ' -'."""
    return name.replace(":", " -") if shell == "zsh" else name


# -- scripts, working directory, tripwire ----------------------------------------------------------

@pytest.fixture(scope="session")
def scripts(tmp_path_factory) -> dict[tuple[str, str], Path]:
    """(shell, origin) -> script file: the shipped copy, or `pyroadvise completion SHELL` written out."""
    out = tmp_path_factory.mktemp("generated")
    found = {}
    for shell, shipped in SHIPPED.items():
        result = run("completion", shell)
        assert result.exit_code == 0, result
        generated = out / shipped.name
        generated.write_text(result.stdout, encoding="utf-8")
        found[(shell, "shipped")] = shipped
        found[(shell, "generated")] = generated
    return found


@pytest.fixture(scope="session")
def workdir(tmp_path_factory) -> Path:
    """Where the shells run: one directory and one file, so a fallback to file completion shows."""
    path = tmp_path_factory.mktemp("work")
    (path / DECOY_DIR).mkdir()
    (path / "decoy-file").write_text("", encoding="utf-8")
    return path


@pytest.fixture(scope="session")
def tripwire(tmp_path_factory) -> Path:
    """A bin directory whose pyroadvise, python and python3 only log that they were started."""
    path = tmp_path_factory.mktemp("tripwire")
    for name in ("pyroadvise", "python", "python3"):
        fake = path / name
        fake.write_text('#!/bin/sh\necho "$0 $*" >> "$PYROADVISE_TRIPWIRE_LOG"\n', encoding="utf-8")
        fake.chmod(0o755)
    return path


def trip_log(tripwire: Path, shell: str) -> Path:
    return tripwire / f"{shell}.log"


def shell_env(tripwire: Path, shell: str) -> dict[str, str]:
    """The environment every shell runs in: the tripwire first on PATH, a throw-away home."""
    home = tripwire / f"home-{shell}"
    home.mkdir(exist_ok=True)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("BASH_FUNC_", "PYROADVISE_"))}
    env.update({"PATH": f"{tripwire}{os.pathsep}{os.environ.get('PATH', os.defpath)}", "HOME": str(home),
                "XDG_CONFIG_HOME": str(home / ".config"), "XDG_DATA_HOME": str(home / ".local" / "share"),
                "PYROADVISE_TRIPWIRE_LOG": str(trip_log(tripwire, shell)), "LC_ALL": "C.UTF-8"})
    env.pop("ZDOTDIR", None)
    return env


def _check(result: subprocess.CompletedProcess, what: str) -> str:
    assert result.returncode == 0, f"{what} failed ({result.returncode}):\n{result.stdout}\n{result.stderr}"
    return result.stdout


def once(cache: dict, key, compute: Callable):
    """compute(key) the first time; later calls reuse the result, or fail at once with the same error."""
    if key not in cache:
        try:
            cache[key] = (True, compute(key))
        except (AssertionError, subprocess.TimeoutExpired) as exc:
            cache[key] = (False, f"{type(exc).__name__}: {exc}")
    ok, value = cache[key]
    if not ok:
        pytest.fail(value, pytrace=False)
    return value


# -- bash ------------------------------------------------------------------------------------------

# $1 script, $2 COMP_LINE, then COMP_WORDS (the last word is the one being completed, maybe empty).
BASH_DRIVER = r'''
source "$1" || exit 2
COMP_LINE=$2; COMP_POINT=${#COMP_LINE}
COMP_WORDS=("${@:3}"); COMP_CWORD=$(( ${#COMP_WORDS[@]} - 1 ))
COMPREPLY=(left-over-from-before)
_pyroadvise pyroadvise "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD-1]}" || exit 3
(( ${#COMPREPLY[@]} )) && printf '%s\n' "${COMPREPLY[@]}"
exit 0
'''


def bash_words(line: str) -> list[str]:
    """COMP_WORDS as bash builds them: "pyroadvise lang " -> [pyroadvise, lang, ""] (a new word), and
    "=" is in COMP_WORDBREAKS: "--format=" -> [--format, =], "--format=js" -> [--format, =, js]."""
    words = []
    for word in line.split(" "):
        words += [part for part in re.split(r"(=)", word) if part] if word else [""]
    return words


def bash_complete(bash: str, script: Path, line: str, cwd: Path, env: dict) -> list[str]:
    words = bash_words(line)
    result = subprocess.run([bash, "--norc", "--noprofile", "-c", BASH_DRIVER, "bash", str(script), line, *words],
                            capture_output=True, text=True, cwd=cwd, env=env, timeout=TIMEOUT)
    return _check(result, f"bash completion of {line!r}").splitlines()


@pytest.fixture(scope="session")
def bash():
    return require_shell("bash")


@pytest.mark.parametrize("origin", ORIGINS)
@pytest.mark.parametrize("case", list(CASES))
def test_bash_completes(bash, scripts, workdir, tripwire, expect, case, origin):
    line, expected = CASES[case]
    got = bash_complete(bash, scripts[("bash", origin)], line, workdir, shell_env(tripwire, "bash"))
    assert len(got) == len(set(got)), got
    assert set(got) == expected(expect)


def test_bash_words_split_like_bash():
    assert bash_words("pyroadvise lang ") == ["pyroadvise", "lang", ""]
    assert bash_words("pyroadvise type mutex") == ["pyroadvise", "type", "mutex"]
    assert bash_words("pyroadvise lang --format=") == ["pyroadvise", "lang", "--format", "="]
    assert bash_words("pyroadvise lang --format=js") == ["pyroadvise", "lang", "--format", "=", "js"]
    assert bash_words("pyroadvise lang --format=json ") == ["pyroadvise", "lang", "--format", "=", "json", ""]


@pytest.mark.parametrize("origin", ORIGINS)
def test_bash_registers_the_function_without_file_fallback(bash, scripts, workdir, tripwire, expect, origin):
    script = scripts[("bash", origin)]
    out = _check(subprocess.run([bash, "--norc", "--noprofile", "-c", 'source "$1" && complete -p pyroadvise',
                                 "bash", str(script)], capture_output=True, text=True,
                                env=shell_env(tripwire, "bash"), timeout=TIMEOUT), "complete -p")
    assert out.strip() == "complete -F _pyroadvise pyroadvise"
    assert bash_complete(bash, script, LANG_DONE, workdir, shell_env(tripwire, "bash")) == []


# -- fish ------------------------------------------------------------------------------------------

FISH_DRIVER = """
source $argv[1]; or exit 2
for line in $argv[2..-1]
    echo '<<CASE>>'
    complete -C $line
end
"""


def parse_fish(out: str) -> list[dict[str, str]]:
    """complete -C output per line: value -> description ('' when there is none)."""
    cases = out.split("<<CASE>>\n")
    assert cases[0] == "", out[:500]
    parsed = []
    for text in cases[1:]:
        pairs = [row.split("\t", 1) + [""] for row in text.splitlines()]
        values = [pair[0] for pair in pairs]
        assert len(values) == len(set(values)), values
        parsed.append({pair[0]: pair[1] for pair in pairs})
    return parsed


@pytest.fixture(scope="session")
def fish():
    return require_shell("fish")


@pytest.fixture(scope="session")
def fish_results(fish, scripts, workdir, tripwire) -> Callable[[str], dict[str, dict[str, str]]]:
    """origin -> {line: {value: description}}: one fish process per script runs every line."""
    cache = {}

    def run_fish(origin: str):
        result = subprocess.run([fish, "--no-config", "-c", FISH_DRIVER, str(scripts[("fish", origin)]), *LINES],
                                capture_output=True, text=True, cwd=workdir, env=shell_env(tripwire, "fish"),
                                timeout=TIMEOUT)
        parsed = parse_fish(_check(result, "fish complete -C"))
        assert len(parsed) == len(LINES), result.stdout[:2000]
        return dict(zip(LINES, parsed))

    return lambda origin: once(cache, origin, run_fish)


@pytest.mark.parametrize("origin", ORIGINS)
@pytest.mark.parametrize("case", list(CASES))
def test_fish_completes(fish_results, expect, case, origin):
    line, expected = CASES[case]
    got = {value.rstrip("/") for value in fish_results(origin)[line]}  # fish writes directories as "dir/"
    option, equals, _ = line.rpartition(" ")[2].rpartition("=")
    if equals:  # fish offers the whole word: --format=json
        assert all(value.startswith(option + "=") for value in got), got
        got = {value[len(option) + 1:] for value in got}
    assert got == expected(expect)


@pytest.mark.parametrize("origin", ORIGINS)
@pytest.mark.parametrize("case", list(DESCRIBED))
def test_fish_descriptions_are_catalog_names(fish_results, catalog, case, origin):
    entries = getattr(catalog, DESCRIBED[case])
    got = fish_results(origin)[CASES[case][0]]
    assert got == {key: shown_name(description(entry), "fish") for key, entry in entries.items()}  # java: "Java"


@pytest.mark.parametrize("origin", ORIGINS)
def test_fish_offers_no_second_language(fish_results, expect, origin):
    assert not set(fish_results(origin)[LANG_DONE]) & expect.languages


# -- zsh -------------------------------------------------------------------------------------------

class ZshTab(NamedTuple):
    """What one TAB produced: every value the completion functions added, and the screen."""
    candidates: set[str]
    screen: list[str]

    def listing(self) -> dict[str, str]:
        """The `value  -- description` rows zsh printed below the command line."""
        rows = [re.fullmatch(r"(\S+) +-- (.*)", line) for line in self.screen]
        return {row.group(1): row.group(2) for row in rows if row}


def parse_zsh(out: str) -> list[ZshTab]:
    tabs, current = [], None
    for row in out.splitlines():
        if row.startswith("<<CASE>>"):
            current = ZshTab(set(), [])
        elif row.startswith("<<END>>"):
            tabs.append(current)
            current = None
        elif row.startswith("<<C>>"):
            current.candidates.add(row[5:])
        elif row.startswith("<<S>>"):
            current.screen.append(row[5:])
    return tabs


@pytest.fixture(scope="session")
def zsh():
    return require_shell("zsh")


@pytest.fixture(scope="session")
def zsh_results(zsh, scripts, tripwire) -> Callable[[str, str], dict[str, ZshTab]]:
    """(method, origin) -> {line: ZshTab}: one interactive zsh per install method and script."""
    cache = {}

    def run_zsh(key: tuple[str, str]):
        method, origin = key
        result = subprocess.run([zsh, "-f", str(ZSH_DRIVER), method, str(scripts[("zsh", origin)]), *LINES],
                                capture_output=True, text=True, env=shell_env(tripwire, "zsh"), timeout=TIMEOUT)
        tabs = parse_zsh(_check(result, f"zsh-capture.zsh {method}"))
        assert len(tabs) == len(LINES), result.stdout[-2000:]
        return dict(zip(LINES, tabs))

    return lambda method, origin: once(cache, (method, origin), run_zsh)


@pytest.mark.parametrize("origin", ORIGINS)
@pytest.mark.parametrize("method", ZSH_METHODS)
@pytest.mark.parametrize("case", list(CASES))
def test_zsh_completes(zsh_results, expect, case, method, origin):
    line, expected = CASES[case]
    assert zsh_results(method, origin)[line].candidates == expected(expect)


@pytest.mark.parametrize("origin", ORIGINS)
def test_zsh_fpath_install_completes_on_the_first_tab(zsh_results, expect, origin):
    first_line, expected = next(iter(CASES.values()))
    assert LINES[0] == first_line
    tab = zsh_results("fpath", origin)[first_line]
    assert tab.candidates == expected(expect)
    assert "decoy-file" not in "\n".join(tab.screen)  # no fallback to file names


@pytest.mark.parametrize("origin", ORIGINS)
@pytest.mark.parametrize("method", ZSH_METHODS)
@pytest.mark.parametrize("case", list(DESCRIBED))
def test_zsh_listing_shows_catalog_names(zsh_results, catalog, case, method, origin):
    entries = getattr(catalog, DESCRIBED[case])
    listing = zsh_results(method, origin)[CASES[case][0]].listing()
    # e.g. `pyroadvise lang <TAB>` lists "java    -- Java"
    assert listing == {key: shown_name(description(entry), "zsh") for key, entry in entries.items()}


@pytest.mark.parametrize("origin", ORIGINS)
@pytest.mark.parametrize("method", ZSH_METHODS)
def test_zsh_offers_no_second_language(zsh_results, expect, method, origin):
    assert not zsh_results(method, origin)[LANG_DONE].candidates & expect.languages


@pytest.mark.parametrize("origin", ORIGINS)
def test_zsh_script_is_an_fpath_file(scripts, origin):
    assert scripts[("zsh", origin)].read_text(encoding="utf-8").split("\n", 1)[0] == "#compdef pyroadvise"


# -- static: a TAB never starts Python -------------------------------------------------------------

# pyroadvise or python in a command position: line start, after ; & | ` $( ( { eval exec command,
# or first in fish's -n 'CONDITION'.
_CALL = re.compile(r"(?:^|[;&|`({]|\$\(|\b(?:eval|exec|command|builtin)\s|-n\s*')\s*(?:pyroadvise|python[0-9.]*)"
                   r"(?=[\s;&|)`'\"]|$)", re.M)
_CONTROL = re.compile(r"[\x00-\x09\x0b-\x1f\x7f-\x9f]")


@pytest.mark.parametrize("origin", ORIGINS)
@pytest.mark.parametrize("shell", list(SHIPPED))
def test_script_is_static(scripts, shell, origin):
    text = scripts[(shell, origin)].read_text(encoding="utf-8")
    code = "\n".join(line for line in text.splitlines() if not line.lstrip().startswith("#"))
    assert "_PYROADVISE_COMPLETE" not in text and "_TYPER_COMPLETE" not in text
    assert _CALL.findall(code) == []
    assert "`" not in code  # no backtick command substitution at all
    assert "pyroadvise " in code  # sanity: the check above looked at real code


@pytest.mark.parametrize("origin", ORIGINS)
@pytest.mark.parametrize("shell", list(SHIPPED))
def test_script_has_no_control_characters(scripts, shell, origin):
    text = scripts[(shell, origin)].read_bytes().decode("utf-8")
    assert [(i, repr(c)) for i, c in enumerate(text) if _CONTROL.match(c)] == []
    assert text.endswith("\n") and "\r" not in text


def test_script_is_the_same_in_every_run():
    """click builds the help option's names from a set: the script must not follow the hash seed."""
    # Seeds 0 and 2 order {"-h", "--help"} differently (CPython's str hash).
    outputs = {seed: run_process("completion", "fish", env={"PYTHONHASHSEED": seed}) for seed in ("0", "2")}
    assert all(out.exit_code == 0 for out in outputs.values()), outputs
    assert outputs["0"].stdout == outputs["2"].stdout


def test_static_check_catches_calls():
    for call in ('x=$(pyroadvise list)', 'eval "$(_PYROADVISE_COMPLETE=source_bash pyroadvise)"',
                 "complete -c pyroadvise -a '(pyroadvise list languages)'", "  python -m pyroadvise",
                 "complete -c pyroadvise -n 'pyroadvise x' -a go", "out=`python3 -c 1`"):
        assert _CALL.search(call) or "_PYROADVISE_COMPLETE" in call, call
    for fine in ("complete -F _pyroadvise pyroadvise", "compdef _pyroadvise pyroadvise",
                 "complete -c pyroadvise -n '__pyroadvise_at \\'lang\\' 0' -a python -d 'Python'",
                 '    COMPREPLY=($(compgen -W "python go" -- "$cur"))', "    'python:Python'"):
        assert not _CALL.search(fine), fine


@pytest.mark.parametrize("shell", list(SHIPPED))
def test_tab_never_starts_pyroadvise_or_python(request, scripts, workdir, tripwire, shell):
    """Every line in every script with fakes first on PATH: none of them may run."""
    env = shell_env(tripwire, shell)
    which = shutil.which("pyroadvise", path=env["PATH"])
    assert which == str(tripwire / "pyroadvise")  # the fakes really are what a script would find
    if shell == "bash":
        path = request.getfixturevalue("bash")
        for origin in ORIGINS:
            for line in LINES:
                bash_complete(path, scripts[("bash", origin)], line, workdir, env)
    elif shell == "fish":
        for origin in ORIGINS:
            request.getfixturevalue("fish_results")(origin)
    else:
        for method in ZSH_METHODS:
            for origin in ORIGINS:
                request.getfixturevalue("zsh_results")(method, origin)
    log = trip_log(tripwire, shell)
    assert not log.exists(), log.read_text(encoding="utf-8")


# -- guards ----------------------------------------------------------------------------------------

def test_documented_subcommands_exist(expect):
    assert DOCUMENTED_SUBCOMMANDS <= expect.subcommands


def test_require_shell_skips_or_fails(monkeypatch):
    monkeypatch.setenv("PATH", str(Path(sys.executable).parent / "no-such-dir"))
    monkeypatch.delenv("PYROADVISE_REQUIRE_SHELLS", raising=False)
    with pytest.raises(pytest.skip.Exception, match="not installed"):
        require_shell("zsh")
    monkeypatch.setenv("PYROADVISE_REQUIRE_SHELLS", "1")
    with pytest.raises(pytest.fail.Exception, match="PYROADVISE_REQUIRE_SHELLS=1"):
        require_shell("fish")


@pytest.mark.parametrize("origin", ORIGINS)
def test_fish_option_values_do_not_repeat_the_option_help(fish_results, origin):
    """`--format <TAB>` in fish: the values alone, not the option's help after each of them."""
    assert fish_results(origin)["pyroadvise lang java --format "] == {"table": "", "json": "", "markdown": ""}


# -- the install recipes, as written in the README and in `completion --help`, in a new home --------------

README_TEXT = (ROOT / "README.md").read_text(encoding="utf-8")


def recipe(shell: str) -> list[str]:
    """The README's install commands for one shell (the fenced block after its paragraph)."""
    section = README_TEXT.split("## Shell completion", 1)[1].split("\n## ", 1)[0]
    blocks = re.findall(r"```sh\n(.*?)```", section, re.S)
    [block] = [b for b in blocks if f"completion {shell} >" in b]
    return block.strip().splitlines()


@pytest.mark.parametrize("shell", ["bash", "zsh", "fish"])
def test_help_and_readme_give_the_same_recipe(shell):
    help_text = run("completion", "--help").stdout
    for line in recipe(shell):
        assert line in help_text, line


def _fresh_home(tmp_path: Path, shell: str) -> tuple[Path, dict]:
    """Run the README recipe as written in a new, empty home folder; returns (home, environment)."""
    home = tmp_path / "home"
    home.mkdir()
    bindir = Path(sys.executable).parent  # where the pyroadvise console script is installed
    env = {"HOME": str(home), "PATH": f"{bindir}{os.pathsep}{os.environ['PATH']}", "LC_ALL": "C.UTF-8"}
    script = "set -e\n" + "\n".join(recipe(shell))
    result = subprocess.run(["sh", "-c", script], capture_output=True, text=True, env=env, cwd=home, timeout=60)
    assert result.returncode == 0 and result.stderr == "", result
    return home, env


def test_bash_recipe_works_in_a_new_home(bash, tmp_path):
    home, env = _fresh_home(tmp_path, "bash")
    installed = home / ".local/share/bash-completion/completions/pyroadvise"
    assert installed.read_text(encoding="utf-8") == run("completion", "bash").stdout
    # bash-completion loads $XDG_DATA_HOME (~/.local/share)/bash-completion/completions/NAME on the first TAB;
    # the package is not installed here, so the file is sourced the way it would: then TAB works.
    got = bash_complete(bash, installed, "pyroadvise setup ruby ", home, env)
    assert got == ["cpu"]


def test_zsh_recipe_works_in_a_new_home(tmp_path):
    zsh = require_shell("zsh")
    home, env = _fresh_home(tmp_path, "zsh")
    assert (home / ".zfunc/_pyroadvise").read_text(encoding="utf-8") == run("completion", "zsh").stdout
    probe = subprocess.run([zsh, "-c", "source ~/.zshrc; print -r -- $_comps[pyroadvise]"], capture_output=True,
                           text=True, env=env | {"ZDOTDIR": str(home)}, cwd=home, timeout=60)
    assert probe.stdout.strip() == "_pyroadvise", probe  # compinit found the file in ~/.zfunc


def test_fish_recipe_works_in_a_new_home(fish, tmp_path):
    home, env = _fresh_home(tmp_path, "fish")
    result = subprocess.run([fish, "-c", 'complete -C "pyroadvise setup ruby "'], capture_output=True, text=True,
                            env=env, cwd=home, timeout=60)
    assert result.stdout.splitlines() == [f"cpu\t{_unit('cpu')}"], result  # fish autoloads ~/.config/fish/...


def _unit(type_id: str) -> str:
    from pyroadvise.loader import load_catalog

    return load_catalog().types[type_id].unit
