"""The command line: Typer wiring only. Logic lives in advice.py, output in render/.

Start-up matters (this runs mid-incident and from scripts), so nothing heavy is imported at module
level: the catalog, the advice logic and rich are imported by the commands that use them.
"""


import sys
from enum import Enum
from typing import Annotated, Callable, List, Optional

import typer

from . import __version__
from .appgroup import COMMANDS, App, command, exit_now, prepare_streams
from .model import METHODS


class Format(str, Enum):
    table = "table"
    json = "json"
    markdown = "markdown"


class ListKind(str, Enum):
    languages = "languages"
    types = "types"
    symptoms = "symptoms"


class Shell(str, Enum):
    bash = "bash"
    zsh = "zsh"
    fish = "fish"


Method = Enum("Method", {name: name for name in METHODS}, type=str)  # the catalog's collection methods


app = typer.Typer(
    name="pyroadvise",
    cls=App,
    rich_markup_mode=None,
    pretty_exceptions_enable=False,
    add_completion=False,
    no_args_is_help=True,
    context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100},
    help="""Pick the right Grafana Pyroscope profile type, and learn how to turn it on.

\b
Start from what you know:
  pyroadvise lang java                       what Java can profile, and how
  pyroadvise symptom memory keeps growing --lang go
  pyroadvise type mutex_duration             everything about one profile type
  pyroadvise matrix                          which language has which type
  pyroadvise setup go mutex_duration         the config lines to add
  pyroadvise doctor .                        what a project profiles, and what comes out empty

The advice commands take --format table|json|markdown and --pyroscope VERSION (default: the
newest release in the catalog). PYROADVISE_CATALOG=DIR reads the catalog from DIR.""",
)

FormatOpt = Annotated[Format, typer.Option("--format", "-f", case_sensitive=False,
                                           help="Output format: a table for people, json for scripts, markdown for docs.")]
VersionOpt = Annotated[Optional[str], typer.Option("--pyroscope", "-p", metavar="VERSION",
                                                   help="Pyroscope release to advise for, e.g. 1.2.0 [default: newest].")]
SourcesOpt = Annotated[bool, typer.Option("--sources", help="Also list the sources behind the facts shown, with links.")]


class Color(str, Enum):
    auto = "auto"
    always = "always"
    never = "never"


ColorOpt = Annotated[Color, typer.Option("--color", case_sensitive=False,
                                         help="Styles in tables: auto (the terminal decides; NO_COLOR and FORCE_COLOR "
                                              "are honoured), always, or never (no escape codes at all).")]


def _run(kind: str, fmt: Format, build: Callable, show_sources: bool = False, color: Color = Color.auto,
         pyroscope: str | None = None, notice: Callable | None = None) -> None:
    from .errors import safe
    from .loader import load_catalog
    from .render import emit

    catalog = load_catalog()
    report = build(catalog)
    if pyroscope is not None:
        from .lookup import with_release_asked

        report, warning = with_release_asked(catalog, report, pyroscope)
        if warning:
            sys.stderr.write(safe(f"Warning: {warning}") + "\n")
    note = notice(catalog) if notice else None
    if note:
        sys.stderr.write(safe(f"Note: {note}") + "\n")
    emit(kind, report, fmt.value, show_sources=show_sources, color=color.value)


def _version(value: bool) -> None:
    if value:
        from .loader import load_catalog

        releases = ", ".join(load_catalog().versions)
        sys.stdout.write(f"pyroadvise {__version__}\ncatalogued Pyroscope releases: {releases}\n")
        raise typer.Exit()


@app.callback()
def root(
    version: Annotated[bool, typer.Option("--version", callback=_version, is_eager=True,
                                          help="Show the version and the catalogued Pyroscope releases, and exit.")] = False,
) -> None:
    pass


@command("lang", short_help="What a language can profile, how to turn it on, the query IDs.")
def lang(
    language: Annotated[Optional[str], typer.Argument(
        metavar="LANGUAGE", show_default=False,
        help="A language: go, java, dotnet, ruby, python, rust, nodejs, ebpf (also golang, kotlin, c#, node, py...).")] = None,
    long: Annotated[bool, typer.Option("--long", help="Everything about each type, all query IDs and every note.")] = False,
    fmt: FormatOpt = Format.table,
    pyroscope: VersionOpt = None,
    sources: SourcesOpt = False,
    color: ColorOpt = Color.auto,
) -> None:
    """Show what a language can profile, how to turn each type on, and what it cannot profile.

    One screen by default: each type with the setting that turns it on and its query ID, what the
    language lacks, the main notes. --long shows everything.

    \b
    Examples:
      pyroadvise lang java
      pyroadvise lang java --long
      pyroadvise lang kotlin --pyroscope 1.2.0
      pyroadvise lang "C#" --format json
    """
    from .advice import lang_report
    from .lookup import language_notice

    _run("lang-long" if long else "lang", fmt, lambda c: lang_report(c, language, pyroscope), sources, color,
         pyroscope, notice=lambda c: language_notice(c, language))


@command("symptom", short_help="Rank the profile types that answer a symptom, in your own words.")
def symptom(
    text: Annotated[List[str], typer.Argument(metavar="TEXT...", help="The symptom in your words; quotes optional.")],
    lang: Annotated[Optional[str], typer.Option("--lang", "-l", metavar="LANGUAGE",
                                                help="Recommend only what this language has.")] = None,
    fmt: FormatOpt = Format.table,
    pyroscope: VersionOpt = None,
    sources: SourcesOpt = False,
    color: ColorOpt = Color.auto,
    explain: Annotated[bool, typer.Option("--explain", help="Also show the words and signals that decided, "
                                                             "and how the symptoms ranked.")] = False,
) -> None:
    """Rank the profile types that answer a symptom, with why and what the flame graph will show.

    Whole sentences, pasted errors and typos are fine. A runtime named in the text (JVM, Kestrel,
    gunicorn, goroutine...) picks the language unless --lang is given; the answer says how sure it is.

    \b
    Examples:
      pyroadvise symptom pods keep getting OOMKilled, exit code 137 --lang go
      pyroadvise symptom "p99 high but cpu idle" --lang java
      pyroadvise symptom the JVM heap keeps climbing between deploys
      pyroadvise symptom deadlok --lang go --explain   (typos are fine)
    """
    from .advice import symptom_report

    _run("symptom", fmt, lambda c: symptom_report(c, " ".join(text), lang, pyroscope, explain), sources, color,
         pyroscope)


@command("type", short_help="One profile type in depth, and how each language turns it on.")
def type_(
    name: Annotated[str, typer.Argument(metavar="TYPE", help="A profile type: mutex_duration, mutex-duration, "
                                                             "'Mutex Duration', or a profile type ID.")],
    fmt: FormatOpt = Format.table,
    pyroscope: VersionOpt = None,
    sources: SourcesOpt = False,
    color: ColorOpt = Color.auto,
) -> None:
    """Explain one profile type: what it measures, its limits, and how each language turns it on.

    Every profile type: pyroadvise list types

    \b
    Examples:
      pyroadvise type mutex_duration
      pyroadvise type "Inuse Space"
      pyroadvise type memory:inuse_space:bytes:space:bytes
    """
    from .advice import type_report

    _run("type", fmt, lambda c: type_report(c, name, pyroscope), sources, color, pyroscope)


@command("matrix", short_help="The support matrix: which language collects which profile type.")
def matrix(
    diff: Annotated[Optional[str], typer.Option("--diff", metavar="OLD",
                                                help="Show what changed from release OLD to --pyroscope.")] = None,
    fmt: FormatOpt = Format.table,
    pyroscope: VersionOpt = None,
    sources: SourcesOpt = False,
    color: ColorOpt = Color.auto,
) -> None:
    """Show the support matrix: which language collects which profile type.

    \b
    Examples:
      pyroadvise matrix
      pyroadvise matrix --pyroscope 1.2.0
      pyroadvise matrix --diff 1.2.0             what changed since 1.2.0
    """
    from .advice import diff_report, matrix_report

    if diff is not None:
        from .lookup import release

        _run("diff", fmt, lambda c: diff_report(c, diff, pyroscope), sources, color, pyroscope,
             notice=lambda c: release(c, diff)[1])  # OLD may be a release the catalog lacks too
    else:
        _run("matrix", fmt, lambda c: matrix_report(c, pyroscope), sources, color, pyroscope)


@command("list", short_help="List the languages, profile types or symptoms the catalog knows.")
def list_(
    kind: Annotated[Optional[str], typer.Argument(metavar="KIND", show_default=False,
                                                  help="What to list: languages, types or symptoms.")] = None,
    fmt: FormatOpt = Format.table,
    pyroscope: VersionOpt = None,
    color: ColorOpt = Color.auto,
) -> None:
    """List the languages, profile types or symptoms the catalog knows.

    \b
    Examples:
      pyroadvise list symptoms
      pyroadvise list types --format json
    """
    from .advice import list_report
    from .lookup import list_kind

    what = list_kind(kind, [k.value for k in ListKind])  # before the catalog: a typo costs no load
    _run("list", fmt, lambda c: list_report(c, what, pyroscope), color=color, pyroscope=pyroscope)


@command("setup", short_help="Only what to add to your config to collect the chosen types.")
def setup(
    language: Annotated[str, typer.Argument(metavar="LANGUAGE", help="The language to configure.")],
    types: Annotated[List[str], typer.Argument(metavar="TYPE...", help="The profile types to turn on.")],
    method: Annotated[Optional[Method], typer.Option("--method", "-m", case_sensitive=False,
                                                     help="Collection method [default: the first that has them all].")] = None,
    snippet: Annotated[bool, typer.Option("--snippet", help="Print only the code, to append to a file or pipe "
                                                             "to the clipboard.")] = False,
    fmt: FormatOpt = Format.table,
    pyroscope: VersionOpt = None,
    sources: SourcesOpt = False,
    color: ColorOpt = Color.auto,
) -> None:
    """Print only what to add to your config to collect the chosen types.

    \b
    Examples:
      pyroadvise setup go mutex_duration block_duration
      pyroadvise setup go mutex_duration --snippet >> main.go
      pyroadvise setup java alloc_space lock_duration --method alloy
      pyroadvise setup python inuse_space --format markdown
    """
    from .setup import setup_report

    _run("setup-snippet" if snippet else "setup", fmt,
         lambda c: setup_report(c, language, types, method.value if method else None, pyroscope), sources, color,
         pyroscope)


from . import cli_doctor  # noqa: E402,F401  (registers `doctor` here, in its place in the list)


@command("completion", short_help="Print a shell completion script for bash, zsh or fish.")
def completion(shell: Annotated[Shell, typer.Argument(case_sensitive=False, metavar="SHELL",
                                                      help="bash, zsh or fish.")]) -> None:
    """Print a shell completion script (static: a TAB never starts Python).

    \b
    Install, then open a new shell:
      bash (needs the bash-completion package: apt install bash-completion, brew install bash-completion@2)
        mkdir -p ~/.local/share/bash-completion/completions
        pyroadvise completion bash > ~/.local/share/bash-completion/completions/pyroadvise
      zsh
        mkdir -p ~/.zfunc
        pyroadvise completion zsh > ~/.zfunc/_pyroadvise
        echo 'fpath=(~/.zfunc $fpath); autoload -Uz compinit && compinit' >> ~/.zshrc
      fish
        mkdir -p ~/.config/fish/completions
        pyroadvise completion fish > ~/.config/fish/completions/pyroadvise.fish
    Print it again after upgrading pyroadvise: the script lists the catalog's names.
    """
    from .completion import script
    from .loader import load_catalog

    sys.stdout.write(script(shell.value, load_catalog(), app_command()))


catalog_app = typer.Typer(no_args_is_help=True, rich_markup_mode=None, add_completion=False,
                          pretty_exceptions_enable=False, help="Work with the catalog itself.")
COMMANDS["catalog"] = catalog_app


@catalog_app.callback()
def catalog() -> None:
    """Work with the catalog itself."""


@catalog_app.command("check")
def catalog_check(
    directory: Annotated[Optional[str], typer.Argument(
        metavar="[DIR]", help="Catalog directory [default: the one the other commands read: "
                              "$PYROADVISE_CATALOG, else the shipped catalog].")] = None,
    show_all: Annotated[bool, typer.Option("--all", help="Also list the problems that follow from others.")] = False,
    fmt: FormatOpt = Format.table,
    color: ColorOpt = Color.auto,
) -> None:
    """Validate a catalog and print its problems as path:line:col: CODE message, root causes first.

    Problems caused by another one (a reference into a file that is itself broken) are counted
    under it; --all lists them too. Exits 1 when there is any problem. Explain a code with
    `pyroadvise catalog explain CODE`.

    \b
    Examples:
      pyroadvise catalog check
      pyroadvise catalog check ./my-catalog --format json
    """
    from .checking import check_report

    report = check_report(directory)
    if fmt.value == "table":
        from .checking import text_lines
        from .errors import inline

        # Plain lines, never wrapped: a path cut in two is one an editor cannot open.
        sys.stdout.write("".join(inline(line) + "\n" for line in text_lines(report, show_all)))
    else:
        from .render import emit

        emit("check", report, fmt.value, color=color.value)
    if not report["ok"]:
        raise typer.Exit(1)


@catalog_app.command("explain")
def catalog_explain(
    code: Annotated[Optional[str], typer.Argument(metavar="[CODE]", show_default=False,
                                                  help="A problem code such as CAT010 [default: list every code].")] = None,
    fmt: FormatOpt = Format.table,
) -> None:
    """Explain a catalog problem code: what it means, how to fix it, and an example (works offline).

    \b
    Examples:
      pyroadvise catalog explain CAT010
      pyroadvise catalog explain             every code with its summary
    """
    from .explaining import explain_report, text

    report = explain_report(code)
    if fmt.value == "json":
        from .render import to_json

        sys.stdout.write(to_json(report))
    else:
        sys.stdout.write(text(report))


def app_command():
    """The click command tree, for generating completion scripts and docs."""
    return typer.main.get_command(app)


def main() -> None:
    """Console-script entry point."""
    prepare_streams()
    exit_now(lambda: app(prog_name="pyroadvise"))
