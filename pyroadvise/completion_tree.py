"""The command tree and value sources that the completion scripts are generated from.

Read from the click command that Typer builds, so the scripts never drift from the CLI. Which
catalog list completes which parameter is declared once, in VALUE_SOURCES.
"""

from __future__ import annotations

import re
from typing import NamedTuple

PROG = "pyroadvise"

# click parameter name -> the list of values it completes
VALUE_SOURCES = {
    "language": "languages",
    "lang": "languages",
    "name": "types",
    "types": "language_types",  # setup LANGUAGE TYPES...: the types that language has
    "text": "symptoms",
    "pyroscope": "versions",
    "diff": "versions",
    "directory": "directories",
    "kind": ("languages", "types", "symptoms"),  # `list KIND` (cli.ListKind; a test keeps the two equal)
}

_SAFE_VALUE = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.+-]*")


class Opt(NamedTuple):
    names: tuple[str, ...]
    help: str
    takes_value: bool
    values: str | tuple[str, ...] | None  # a VALUE_SOURCES list name, fixed choices, or None


class Arg(NamedTuple):
    name: str
    repeat: bool
    values: str | tuple[str, ...] | None


class Cmd(NamedTuple):
    path: tuple[str, ...]  # ("catalog", "check")
    help: str
    options: tuple[Opt, ...]
    args: tuple[Arg, ...]
    subcommands: tuple[str, ...]


def _plain(text: str | None, limit: int = 70) -> str:
    """A one-line description safe in every shell's quoting: first sentence, no brackets or quotes."""
    text = re.sub(r"\s*\[[^\]]*\]", "", (text or "").strip().split("\n")[0])
    text = re.sub(r"[`$\\\"'\[\]]", "", text).rstrip(".")
    return text if len(text) <= limit else text[: limit - 3].rstrip() + "..."


def _values_of(param) -> str | tuple[str, ...] | None:
    choices = getattr(param.type, "choices", None)
    if choices:
        return tuple(str(getattr(c, "value", c)) for c in choices)
    return VALUE_SOURCES.get(param.name)


def command_tree(command, path: tuple[str, ...] = (), parent=None) -> list[Cmd]:
    """Flatten the click command tree: the root first, then each subcommand in registration order."""
    import typer

    settings = dict(command.context_settings or {})
    ctx = typer.Context(command, info_name=path[-1] if path else PROG, parent=parent, **settings)
    options, args = [], []
    for param in command.get_params(ctx):
        if getattr(param, "hidden", False):
            continue
        if param.param_type_name == "option":
            # Long names first, otherwise as declared: click builds the help option's names from a
            # set, so without a fixed order every run could write a different script (`regen --check`).
            names = tuple(sorted(tuple(param.opts) + tuple(param.secondary_opts),
                                 key=lambda n: not n.startswith("--")))
            takes = not param.is_flag
            options.append(Opt(names, _plain(param.help), takes, _values_of(param) if takes else None))
        else:
            args.append(Arg(param.name, param.nargs == -1, _values_of(param)))
    subnames = tuple(command.list_commands(ctx)) if hasattr(command, "list_commands") else ()
    help_text = command.get_short_help_str(limit=200) if path else ""
    out = [Cmd(path, _plain(help_text), tuple(options), tuple(args), subnames)]
    for name in subnames:
        out += command_tree(command.get_command(ctx, name), path + (name,), ctx)
    return out
