"""Session fixtures of the conformance layer: the installed SDKs (see agents.py)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from .agents import Installs


@pytest.fixture(scope="session")
def installs(tmp_path_factory):
    base = Path(os.environ["PYROADVISE_AGENT_DIR"]) if os.environ.get("PYROADVISE_AGENT_DIR") else \
        tmp_path_factory.mktemp("agents")
    sdks = Installs(base)
    yield sdks
    sdks.close()
