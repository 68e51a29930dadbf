"""The `doctor` command's wiring (kept apart from cli.py, which wires the advice commands)."""

from enum import Enum
from typing import Annotated, Optional

import typer

from .appgroup import command


class DoctorFormat(str, Enum):
    table = "table"
    json = "json"
    sarif = "sarif"
    markdown = "markdown"


class FailOn(str, Enum):
    error = "error"
    warning = "warning"


@command("doctor", short_help="What a project's files profile, and what will come out empty.")
def doctor(
    path: Annotated[Optional[str], typer.Argument(metavar="[PATH]", help="The project folder [default: .].")] = None,
    fmt: Annotated[DoctorFormat, typer.Option("--format", "-f", case_sensitive=False,
                                              help="table for people, json for scripts, sarif for code "
                                                   "scanning, markdown for docs.")] = DoctorFormat.table,
    fail_on: Annotated[Optional[FailOn], typer.Option("--fail-on", case_sensitive=False,
                                                      help="Exit 1 when a finding at this level or above "
                                                           "exists (a CI gate).")] = None,
    for_text: Annotated[Optional[str], typer.Option("--for", metavar="TEXT",
                                                    help="A symptom in your words: which types answer it, "
                                                         "whether they are on, and the lines to add.")] = None,
) -> None:
    """Read a project's files and say what is profiled, what will come out empty, and what to add.

    Offline and read-only: doctor never changes a file. Exit codes: 0 (findings do not fail by default),
    1 with --fail-on when a finding at that level exists, 2 for usage errors or an unreadable PATH.
    Silence a finding with a comment `pyroadvise: ignore[PD101]` on its line (or the line above);
    exclude paths or disable checks under [tool.pyroadvise.doctor] in pyproject.toml or in .pyroadvise.toml.

    \b
    Examples:
      pyroadvise doctor
      pyroadvise doctor ./services --format json
      pyroadvise doctor . --for "lock contention"
      pyroadvise doctor . --format sarif --fail-on error > doctor.sarif
    """
    from pathlib import Path

    from .doctor import diagnose
    from .render.doctor import emit

    report = diagnose(Path(path if path is not None else "."), for_text=for_text)
    emit(report, fmt.value)
    levels = {"error": ("error",), "warning": ("error", "warning")}
    if fail_on is not None and any(f["level"] in levels[fail_on.value] for f in report["findings"]):
        raise typer.Exit(1)
