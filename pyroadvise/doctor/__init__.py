"""pyroadvise doctor: read a project's files and say what is profiled, what will come out empty, what to add.

Pure logic: nothing under pyroadvise.doctor imports typer or rich.
"""

from __future__ import annotations

from pathlib import Path

DOCTOR_SCHEMA = 1


def diagnose(root: Path, *, for_text: str | None = None, config_override=None) -> dict:
    """The doctor report for the project at ``root`` (the JSON envelope of issue 12)."""
    from .checks import run

    return run(Path(root), for_text=for_text, config_override=config_override)
