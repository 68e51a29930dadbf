"""The root command group: lazy subcommands, and every error turned into a message and an exit code.

Also the console-script entry's stream handling (broken pipes, closed streams, narrow encodings).
"""

import sys

import typer
import typer.core

from .errors import PyroadviseError, safe


def _click_exception_class() -> type:
    # Typer 0.26+ vendors click privately; its public BadParameter leads to the base class.
    return next(k for k in typer.BadParameter.__mro__ if k.__name__ == "ClickException")


# Subcommands are built only when used: Typer inspects a command's signature when it builds it, and a
# user runs one command at a time (click's documented "lazily loading subcommands" pattern).
COMMANDS: dict = {}


def command(name: str, **kwargs):
    """Register a subcommand on its own Typer app, to be built on first use."""
    sub = typer.Typer(rich_markup_mode=None, add_completion=False, pretty_exceptions_enable=False)
    COMMANDS[name] = sub
    return sub.command(name=name, **kwargs)


class App(typer.core.TyperGroup):
    """The root group: builds subcommands lazily, and turns every error into a message and an exit code."""

    def list_commands(self, ctx):
        return list(COMMANDS)

    def get_command(self, ctx, name):
        sub = COMMANDS.get(name)
        if sub is None:
            return None
        built = _BUILT.get(name)
        if built is None:
            built = _BUILT[name] = _plain_metavars(typer.main.get_command(sub))
        return built

    def resolve_command(self, ctx, args):
        name = args[0] if args else ""
        if name and not name.startswith("-") and name not in COMMANDS:
            from .names import closest

            near = closest(name, list(COMMANDS))
            hint = f" Did you mean: {', '.join(near)}?" if near else ""
            ctx.fail(f"No such command '{name}'.{hint} Commands: {', '.join(COMMANDS)}.")
        return super().resolve_command(ctx, args)

    def main(self, args=None, prog_name=None, complete_var=None, standalone_mode=True, **extra):
        try:
            code = super().main(args=args, prog_name=prog_name or "pyroadvise", complete_var=complete_var,
                                standalone_mode=False, **extra)
            code = code if isinstance(code, int) else 0
        except Exception as exc:  # noqa: BLE001 - every error ends as a message, never a traceback
            try:
                code = report_error(exc)
            except OSError as failed:  # e.g. help for a bare `pyroadvise` with stdout closed
                code = report_error(failed)
        if standalone_mode:
            sys.exit(code)
        return code


_BUILT: dict = {}


class _PlainArgument(typer.core.TyperArgument):
    """An argument shown in usage lines as its metavar alone (`LANGUAGE`, not Typer's `{LANGUAGE}`)."""

    def make_metavar(self, ctx=None, *, usage: bool = False) -> str:
        if self.metavar is not None:
            return self.metavar if self.required or self.metavar.startswith("[") else f"[{self.metavar}]"
        return super().make_metavar(ctx, usage=usage)


def _plain_metavars(command):
    for param in getattr(command, "params", []):
        if type(param) is typer.core.TyperArgument:
            param.__class__ = _PlainArgument
    return command


def report_error(exc: Exception) -> int:
    """Print an error for people (input quoted safely) and return its exit code."""
    from .problems import CatalogError

    if isinstance(exc, CatalogError):
        from .checking import catalog_to_check, first_few, shown_path

        where = catalog_to_check(None)
        count = f"{len(exc.problems)} problem" + ("" if len(exc.problems) == 1 else "s")
        lines = [f"Error: the catalog at {where} is invalid ({count}):"]
        lines += [f"  {line}" for line in first_few(where, exc.problems)]
        lines.append(f"See every problem with: pyroadvise catalog check {shown_path(where, '')}")
        _stderr("\n".join(lines))
        return 1
    if isinstance(exc, PyroadviseError):
        _stderr("\n".join([f"Error: {exc.message}", *exc.hints]))
        return exc.exit_code
    if type(exc).__name__ == "NoArgsIsHelpError" and getattr(exc, "ctx", None) is not None:
        sys.stdout.write(exc.ctx.get_help() + "\n")  # bare `pyroadvise` or `pyroadvise catalog`: help
        return 0
    if isinstance(exc, _click_exception_class()):
        ctx = getattr(exc, "ctx", None)
        lines = []
        if ctx is not None:
            lines += [ctx.get_usage(), f"Try '{ctx.command_path} --help' for help.", ""]
        lines.append(f"Error: {exc.format_message()}")
        if type(exc).__name__ == "NoSuchOption" and ctx is not None and ctx.info_name == "symptom":
            # Pasted text often holds flags (-XX:+UseG1GC, -Xmx4g): after `--` they are text.
            lines.append("Text that starts with a dash (a pasted flag such as -XX:+UseG1GC) goes after --, with "
                         "the options before it: pyroadvise symptom --lang java -- -XX:+UseG1GC pauses are long")
        _stderr("\n".join(lines))
        return exc.exit_code
    if isinstance(exc, typer.Abort):
        _stderr("Aborted.")
        return 1
    if isinstance(exc, (KeyboardInterrupt, EOFError)):
        return 130
    if isinstance(exc, OSError):
        _stderr(f"Error: {exc.strerror or exc}")
        return 1
    raise exc


def _stderr(text: str) -> None:
    sys.stderr.write(safe(text) + "\n")
    sys.stderr.flush()


class _ClosedStream:
    """Stands in for a standard stream the process was started without (`>&-`)."""

    encoding = "utf-8"

    def __init__(self, name: str):
        self.name = name

    def isatty(self) -> bool:
        return False

    def write(self, text: str) -> int:
        import errno

        raise OSError(errno.EBADF, f"standard {self.name} is closed")

    def flush(self) -> None:
        pass


def exit_now(run) -> None:
    """Run the command, flush what it printed, and end the process at once.

    A normal interpreter exit tears down every module and object first: with Typer and the catalog
    loaded that costs more than the whole command (measured: 1.24x the `import typer` floor with the
    teardown, 1.02x without). Nothing here needs it: output is flushed by hand, and a failed flush is
    reported like any other write error.
    """
    import os

    try:
        run()
        code = 0
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except OSError as failed:  # e.g. /dev/full; a closed pipe already ended the process (SIGPIPE)
            if stream is sys.stdout:
                try:
                    code = report_error(failed) if code == 0 else code
                    sys.stderr.flush()
                except OSError:
                    code = code or 1
            else:
                code = code or 1
    os._exit(code)


def prepare_streams() -> None:
    """Before anything is printed: quiet broken pipes, tolerant encodings, closed streams made explicit."""
    import signal

    # `pyroadvise ... | head -1` must end quietly: die by SIGPIPE as coreutils do.
    if hasattr(signal, "SIGPIPE"):
        signal.signal(signal.SIGPIPE, signal.SIG_DFL)
    if sys.stderr is None:
        import os

        sys.stderr = open(os.devnull, "w")  # nowhere to report to; keep the exit code right
    if sys.stdout is None:
        sys.stdout = _ClosedStream("output")  # writing fails with a clear error and exit 1
    # On a terminal that cannot show every character (LANG=C, cp1252), replace rather than crash.
    for stream in (sys.stdout, sys.stderr):
        encoding = (getattr(stream, "encoding", None) or "").lower().replace("-", "")
        if encoding != "utf8" and hasattr(stream, "reconfigure"):
            stream.reconfigure(errors="replace")
