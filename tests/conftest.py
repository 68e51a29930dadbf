"""Shared test setup: a pinned terminal, the catalog, and helpers that run the CLI like a user would."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

# Pin the environment before the app is imported: width, no colour, no forced terminal.
for _var in ("PYROADVISE_CATALOG", "FORCE_COLOR", "GITHUB_ACTIONS", "PY_COLORS", "TTY_COMPATIBLE", "TERM"):
    os.environ.pop(_var, None)
os.environ.update({"COLUMNS": "100", "LINES": "50", "NO_COLOR": "1", "_TYPER_FORCE_DISABLE_TERMINAL": "1"})

import pytest  # noqa: E402
import yaml  # noqa: E402
from typer.testing import CliRunner  # noqa: E402

from pyroadvise.cli import app  # noqa: E402
from pyroadvise.loader import default_catalog_dir, load_catalog  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
CATALOG_DIR = default_catalog_dir()
FIXTURES = Path(__file__).resolve().parent / "fixtures"


@pytest.fixture(scope="session")
def catalog():
    """The shipped catalog, parsed and validated from its YAML (not from the start-up cache)."""
    return load_catalog(CATALOG_DIR)


def catalog_yaml(rel: str):
    """A shipped catalog file as plain data, read independently of pyroadvise's loader."""
    return yaml.safe_load((CATALOG_DIR / rel).read_text(encoding="utf-8"))


class Run:
    """What a user sees from one command: exit code, stdout, stderr."""

    def __init__(self, exit_code: int, stdout: str, stderr: str):
        self.exit_code = exit_code
        self.stdout = stdout
        self.stderr = stderr

    def json(self):
        """The report, after checking the envelope every JSON report has: `schema_version` first."""
        assert self.exit_code == 0, self.stderr
        assert self.stderr == ""
        data = json.loads(self.stdout)
        assert next(iter(data)) == "schema_version" and data.pop("schema_version") == 1, list(data)[:3]
        return data

    def __repr__(self) -> str:
        return f"Run(exit_code={self.exit_code}, stdout={self.stdout[:300]!r}, stderr={self.stderr[:300]!r})"


def run(*args: str, env: dict | None = None) -> Run:
    """Run the CLI in process (CliRunner) with the pinned environment."""
    result = CliRunner().invoke(app, list(args), prog_name="pyroadvise", env=env, catch_exceptions=False)
    return Run(result.exit_code, result.stdout, result.stderr)


def pyroadvise_command() -> list[str]:
    """The installed console script when there is one next to this interpreter, else python -m."""
    script = shutil.which("pyroadvise", path=str(Path(sys.executable).parent))
    return [script] if script else [sys.executable, "-m", "pyroadvise"]


def run_process(*args: str, env: dict | None = None, stdin=subprocess.DEVNULL, timeout: float = 60) -> Run:
    """Run the CLI as a real process (for terminals, pipes, encodings, imports)."""
    full_env = {k: v for k, v in os.environ.items()} | (env or {})
    full_env = {k: v for k, v in full_env.items() if v is not None}
    result = subprocess.run(pyroadvise_command() + list(args), capture_output=True, env=full_env, stdin=stdin,
                            timeout=timeout)
    return Run(result.returncode, result.stdout.decode("utf-8", "replace"), result.stderr.decode("utf-8", "replace"))
