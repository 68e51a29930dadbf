"""Generated files, docs and CI stay true to the code: cache, completions, README, .ci/run."""

from __future__ import annotations

import re

import pytest
from conftest import ROOT, run

from pyroadvise.cli import COMMANDS
from pyroadvise.regen import stale_files

README = (ROOT / "README.md").read_text(encoding="utf-8")


def test_generated_files_are_fresh():
    """Cache, completion scripts and README outputs equal what `python -m pyroadvise.regen` writes."""
    stale = [str(p.relative_to(ROOT)) for p in stale_files(ROOT)]
    assert stale == [], f"stale: {stale}; run: python -m pyroadvise.regen"


@pytest.mark.parametrize("command", list(COMMANDS))
def test_every_command_is_documented_and_has_help(command):
    assert f"`{command}" in README or f"pyroadvise {command}" in README
    result = run(command, "--help")
    assert result.exit_code == 0 and "Usage: pyroadvise" in result.stdout
    assert len(result.stdout.splitlines()) > 5


def _fenced_commands(text: str) -> list[str]:
    return [line.strip() for line in re.findall(r"```sh\n(.*?)```", text, re.S)]


def test_readme_first_screen_has_exactly_the_two_fresh_machine_commands():
    first_screen = "\n".join(README.splitlines()[:30])
    commands = _fenced_commands(first_screen)
    assert len(commands) == 2
    install_and_run, install_and_test = commands
    assert "pip install ." in install_and_run and install_and_run.endswith("pyroadvise lang java")
    assert "pip install '.[test]'" in install_and_test and install_and_test.endswith("python -m pytest")


def test_ci_runs_the_readme_test_command():
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    test_command = _fenced_commands("\n".join(README.splitlines()[:30]))[1]
    assert test_command in ci
    assert "apt-get install -y zsh fish" in ci and "PYROADVISE_REQUIRE_SHELLS=1" in ci


def test_readme_lists_every_problem_code():
    from pyroadvise.problems import CODES

    for code in CODES:
        assert f"`{code}`" in README


def test_readme_outputs_do_not_depend_on_the_machine():
    assert str(ROOT) not in README
