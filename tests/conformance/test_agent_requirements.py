"""A missing SDK, tool or registry: the conformance tests skip saying why, or fail under
PYROADVISE_REQUIRE_AGENTS=1 (CI). Not marked conformance: nothing is installed here."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from . import agents
from .agents import InstallError, Installs, install_node_sdk, unavailable


def test_unavailable_skips_with_the_reason_or_fails_in_ci(monkeypatch):
    monkeypatch.delenv("PYROADVISE_REQUIRE_AGENTS", raising=False)
    with pytest.raises(pytest.skip.Exception, match="npm is not installed.*PYROADVISE_REQUIRE_AGENTS=1"):
        unavailable("npm is not installed (not found on PATH)")
    monkeypatch.setenv("PYROADVISE_REQUIRE_AGENTS", "1")
    with pytest.raises(pytest.fail.Exception, match="npm is not installed.*requires the real SDKs"):
        unavailable("npm is not installed (not found on PATH)")


def test_node_install_without_node_on_path_says_so(tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", str(Path(sys.executable).parent / "no-such-dir"))
    with pytest.raises(InstallError, match="node is not installed"):
        install_node_sdk(tmp_path, "0.6.4")


def test_a_failed_install_skips_the_tests_that_need_it(tmp_path, monkeypatch):
    monkeypatch.delenv("PYROADVISE_REQUIRE_AGENTS", raising=False)
    monkeypatch.setenv("PATH", str(Path(sys.executable).parent / "no-such-dir"))
    sdks = Installs(tmp_path)
    monkeypatch.setattr(agents, "PYTHON_VERSIONS", ())  # install only the Node.js SDK
    try:
        with pytest.raises(pytest.skip.Exception, match="node is not installed"):
            sdks.get("node-0.6.4")
    finally:
        sdks.close()
