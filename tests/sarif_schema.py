"""The official SARIF 2.1.0 JSON schema, taken at test time from a registry package that ships it.

No copy lives in this repository. `@microsoft/jest-sarif` (npm) ships the OASIS schema as
`lib/schemas/sarif-2.1.0-rtm.5.json`; `npm pack` fetches the tarball into a scratch folder (reused
under PYROADVISE_AGENT_DIR when set). Without npm or the registry the SARIF tests skip, saying why;
with PYROADVISE_REQUIRE_AGENTS=1 (CI, set by .ci/run) they fail instead.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import tarfile
from pathlib import Path

import pytest

PACKAGE = "@microsoft/jest-sarif@1.0.0-beta.0"
MEMBER = "package/lib/schemas/sarif-2.1.0-rtm.5.json"


def _unavailable(reason: str):
    if os.environ.get("PYROADVISE_REQUIRE_AGENTS") == "1":
        pytest.fail(f"{reason}, and PYROADVISE_REQUIRE_AGENTS=1 requires the SARIF schema", pytrace=False)
    pytest.skip(f"{reason}; set PYROADVISE_REQUIRE_AGENTS=1 to make this a failure")


def load(scratch: Path) -> dict:
    """The schema as a dict, fetched once into scratch."""
    base = Path(os.environ["PYROADVISE_AGENT_DIR"]) if os.environ.get("PYROADVISE_AGENT_DIR") else scratch
    target = base / "sarif-schema" / "sarif-2.1.0-rtm.5.json"
    if not target.is_file():
        npm = shutil.which("npm")
        if npm is None:
            _unavailable("npm is not installed, so the SARIF 2.1.0 schema cannot be fetched")
        folder = target.parent
        folder.mkdir(parents=True, exist_ok=True)
        try:
            done = subprocess.run([npm, "pack", PACKAGE, "--silent", "--pack-destination", str(folder)],
                                  capture_output=True, text=True, timeout=120, cwd=folder)
        except subprocess.TimeoutExpired:
            _unavailable(f"`npm pack {PACKAGE}` did not finish in 120 s")
        tarballs = sorted(folder.glob("*.tgz"))
        if done.returncode != 0 or not tarballs:
            _unavailable(f"`npm pack {PACKAGE}` failed: {(done.stderr or done.stdout).strip()[-200:]}")
        with tarfile.open(tarballs[0]) as archive:
            member = archive.extractfile(MEMBER)
            target.write_bytes(member.read())
    schema = json.loads(target.read_text(encoding="utf-8"))
    assert schema["title"].startswith("Static Analysis Results Format (SARIF) Version 2.1.0"), schema["title"]
    return schema
