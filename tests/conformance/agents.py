"""Install the real SDKs into a scratch directory and run the sample apps against a capture server.

Nothing here lands in the repository: SDKs go under PYROADVISE_AGENT_DIR when set (to reuse them
between runs), else under the session's pytest temporary directory. Every process started is ended by
its own id (its process group, which it leads) when it overruns its time limit.

A missing tool, registry or package skips the tests that need it, with the reason; with
PYROADVISE_REQUIRE_AGENTS=1 (CI, set by .ci/run) it fails them instead.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from . import wire
from .capture import CaptureServer

APPS = Path(__file__).resolve().parent / "apps"
PY_APP = APPS / "py_app.py"
NODE_APP = APPS / "node_app.js"

# The SDK releases the conformance layer installs; catalog/sources.yaml names the same ones.
PYTHON_SDK = "pyroscope-io"
PYTHON_VERSIONS = ("1.4.0", "1.1.0")
NODE_SDK = "@pyroscope/nodejs"
NODE_VERSIONS = ("0.6.4",)

INSTALL_TIMEOUT = 240
RUN_TIMEOUT = 40
WORKERS = 4  # cases run side by side; each is short and mostly waits


def required() -> bool:
    return os.environ.get("PYROADVISE_REQUIRE_AGENTS") == "1"


def unavailable(reason: str):
    if required():
        pytest.fail(f"{reason}, and PYROADVISE_REQUIRE_AGENTS=1 requires the real SDKs", pytrace=False)
    pytest.skip(f"{reason}; set PYROADVISE_REQUIRE_AGENTS=1 to make this a failure")


class InstallError(Exception):
    pass


def _run_install(cmd: list[str], cwd: Path | None = None, env: dict | None = None) -> None:
    try:
        done = run_bounded(cmd, cwd=cwd, env=env, timeout=INSTALL_TIMEOUT)
    except FileNotFoundError as exc:
        raise InstallError(f"{cmd[0]} is not installed ({exc})") from None
    if done.timed_out:
        raise InstallError(f"`{' '.join(cmd)}` did not finish in {INSTALL_TIMEOUT} s")
    if done.returncode != 0:
        tail = (done.stderr or done.stdout).strip().splitlines()[-3:]
        raise InstallError(f"`{' '.join(cmd)}` failed (exit {done.returncode}): {' / '.join(tail)}")


def install_python_sdk(base: Path, version: str) -> Path:
    """A venv with pyroscope-io==version; returns its interpreter."""
    home = base / f"pyroscope-io-{version}"
    python = home / "bin" / "python"
    if (home / "installed").is_file():
        return python
    shutil.rmtree(home, ignore_errors=True)
    _run_install([sys.executable, "-m", "venv", str(home)])
    _run_install([str(python), "-m", "pip", "install", "--quiet", "--disable-pip-version-check",
                  "--retries", "1", "--timeout", "20", f"{PYTHON_SDK}=={version}"])
    (home / "installed").write_text(version)
    return python


def install_node_sdk(base: Path, version: str) -> Path:
    """A folder whose node_modules holds @pyroscope/nodejs@version; returns the folder."""
    home = base / f"pyroscope-nodejs-{version}"
    if (home / "installed").is_file():
        return home
    if shutil.which("node") is None:
        raise InstallError("node is not installed (not found on PATH)")
    if shutil.which("npm") is None:
        raise InstallError("npm is not installed (not found on PATH)")
    shutil.rmtree(home, ignore_errors=True)
    home.mkdir(parents=True)
    (home / "package.json").write_text(json.dumps({"name": "conformance-node", "private": True}))
    _run_install(["npm", "install", "--no-audit", "--no-fund", "--loglevel=error", "--fetch-retries=1",
                  "--fetch-timeout=20000", f"{NODE_SDK}@{version}"], cwd=home)
    (home / "installed").write_text(version)
    return home


# -- running a process, bounded ---------------------------------------------------------------------

@dataclass
class Done:
    returncode: int | None
    stdout: str
    stderr: str
    timed_out: bool


def run_bounded(cmd: list[str], *, cwd=None, env=None, timeout: float) -> Done:
    """Run to completion or kill it (its own process group, by id) at the time limit."""
    proc = subprocess.Popen(cmd, cwd=cwd, env=env, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, start_new_session=True)
    try:
        out, err = proc.communicate(timeout=timeout)
        return Done(proc.returncode, out, err, False)
    except subprocess.TimeoutExpired:
        _kill_group(proc)
        out, err = proc.communicate()
        return Done(proc.returncode, out, err, True)
    finally:
        if proc.poll() is None:
            _kill_group(proc)
            proc.wait()


def _kill_group(proc: subprocess.Popen) -> None:
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass


def clean_env(extra: dict[str, str]) -> dict[str, str]:
    """The test environment without any PYROSCOPE_* setting of the developer's, plus ``extra``."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYROSCOPE_")}
    env.pop("PYTHONPATH", None)
    return env | extra


# -- one case ---------------------------------------------------------------------------------------

@dataclass
class Case:
    name: str
    args: list[str]                   # after the app path: config JSON or --snippet FILE, then seconds
    env: dict[str, str] = field(default_factory=dict)
    command: list[str] | None = None  # interpreter and app, where it differs from the batch's


@dataclass
class Result:
    case: Case
    summary: dict
    requests: list[dict]
    uploads: list[wire.Upload]
    stderr: str

    @property
    def ids(self) -> set[str]:
        return wire.all_ids(self.uploads)

    def profiles(self, name: str) -> list[wire.Profile]:
        return [u.profile for u in self.uploads if wire.relabel(u.labels)["__name__"] == name]

    def explain(self) -> str:
        return (f"case {self.case.name}: summary {self.summary}, {len(self.requests)} request(s), "
                f"IDs {sorted(self.ids)}; stderr tail: {self.stderr[-400:]!r}")


def run_case(case: Case, command: list[str], cwd: Path | None, server_env: str) -> Result:
    with CaptureServer() as server:
        env = clean_env(case.env | {server_env: server.address})
        done = run_bounded(command + case.args, cwd=cwd, env=env, timeout=RUN_TIMEOUT)
        time.sleep(0.2)  # an upload still in flight when the process exited
        requests = server.snapshot()
    if done.timed_out:
        raise AssertionError(f"case {case.name} did not finish in {RUN_TIMEOUT} s; stderr: {done.stderr[-400:]}")
    lines = [line for line in done.stdout.splitlines() if line.startswith("{")]
    if not lines:
        raise AssertionError(f"case {case.name} printed no summary (exit {done.returncode}); "
                             f"stderr: {done.stderr[-600:]}")
    uploads = [u for r in requests for u in wire.parse_request(r)]
    return Result(case, json.loads(lines[-1]), requests, uploads, done.stderr)


def run_cases(cases: list[Case], command: list[str], cwd: Path | None, server_env: str) -> dict[str, Result]:
    with ThreadPoolExecutor(max_workers=WORKERS) as pool:
        futures = {case.name: pool.submit(run_case, case, case.command or command, cwd, server_env)
                   for case in cases}
    return {name: future.result() for name, future in futures.items()}


class Installs:
    """The SDK installs of one session, started together on first use, each awaited where needed."""

    def __init__(self, base: Path):
        self.base = base
        self._lock = threading.Lock()
        self._pool: ThreadPoolExecutor | None = None
        self._futures: dict[str, object] = {}

    def _start(self) -> None:
        with self._lock:
            if self._pool is not None:
                return
            self.base.mkdir(parents=True, exist_ok=True)
            self._pool = ThreadPoolExecutor(max_workers=3)
            for v in PYTHON_VERSIONS:
                self._futures[f"python-{v}"] = self._pool.submit(install_python_sdk, self.base, v)
            for v in NODE_VERSIONS:
                self._futures[f"node-{v}"] = self._pool.submit(install_node_sdk, self.base, v)

    def get(self, key: str) -> Path:
        self._start()
        try:
            return self._futures[key].result()
        except InstallError as exc:
            unavailable(str(exc))

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True)
