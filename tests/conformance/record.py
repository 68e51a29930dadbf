"""Re-record the SDK captures under tests/fixtures/captures/ (needs network, pip and npm).

    python -m tests.conformance.record [SCRATCH_DIR]

Run from the repository root. Each fixture is one short run of a real SDK against the capture
server, written as JSON lines (one request per line, body in base64).
"""

from __future__ import annotations

import json
import sys
import tempfile
from pathlib import Path

from . import capture
from .agents import NODE_APP, NODE_VERSIONS, PY_APP, PYTHON_VERSIONS, Case, install_node_sdk, install_python_sdk, \
    run_case

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "captures"
PYTHON_FIXTURE = FIXTURES / f"pyroscope-io-{PYTHON_VERSIONS[0]}-mem.jsonl"
NODE_FIXTURE = FIXTURES / f"pyroscope-nodejs-{NODE_VERSIONS[0]}-cpu.jsonl"


def main(argv: list[str]) -> int:
    base = Path(argv[0]) if argv else Path(tempfile.mkdtemp(prefix="pyroadvise-agents-"))
    python = install_python_sdk(base, PYTHON_VERSIONS[0])
    result = run_case(Case("mem", [json.dumps({"mem_enabled": True}), "1"]), [str(python), str(PY_APP)], None,
                      "PYROADVISE_CAPTURE")
    capture.save(result.requests, PYTHON_FIXTURE)
    home = install_node_sdk(base, NODE_VERSIONS[0])
    result = run_case(Case("cpu", [json.dumps({"init": {"wall": {"collectCpuTime": True}}}), "1.5"],
                           {"PYROSCOPE_FLUSH_INTERVAL_MS": "1000"}), ["node", str(NODE_APP)], home,
                      "PYROSCOPE_ADHOC_SERVER_ADDRESS")
    capture.save(result.requests, NODE_FIXTURE)
    for path in (PYTHON_FIXTURE, NODE_FIXTURE):
        print(f"wrote {path.relative_to(Path.cwd())} ({path.stat().st_size} bytes)")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
