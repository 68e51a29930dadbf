"""Every miniature project under tests/fixtures/doctor/ diagnosed, compared exactly with its expected.json.

expected.json holds the exact `services` and `findings` (and `skipped`, when the fixture is about it),
with paths relative to the fixture. A fixture can ask for `--for` with a top-level "for" key; then the
`for` plan is compared too. Regenerate after a reviewed change with UPDATE_DOCTOR_FIXTURES=1.
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest

from pyroadvise.doctor import diagnose

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "doctor"
CASES = sorted(p.name for p in FIXTURES.iterdir() if p.is_dir()) if FIXTURES.is_dir() else []
COMPARED = ("services", "findings", "skipped")


@pytest.mark.parametrize("name", CASES)
def test_fixture(name, tmp_path):
    folder = FIXTURES / name
    expected_file = folder / "expected.json"
    expected = json.loads(expected_file.read_text(encoding="utf-8")) if expected_file.is_file() else {}
    for_text = expected.get("for")
    # The project without its expected.json (which mentions Pyroscope, so doctor would read it).
    project = tmp_path / name
    shutil.copytree(folder, project, symlinks=True, ignore=shutil.ignore_patterns("expected.json"))
    report = diagnose(project, for_text=for_text)
    got = {key: report[key] for key in COMPARED}
    if for_text is not None:
        got["for"] = for_text
        got["plan"] = report["for"]
    if os.environ.get("UPDATE_DOCTOR_FIXTURES"):
        expected_file.write_text(json.dumps(got, indent=2) + "\n", encoding="utf-8")
        return
    assert expected_file.is_file(), f"{name} has no expected.json"
    assert got == expected


def test_expected_files_name_real_files():
    """Every file a fixture's expected findings point at exists in that fixture."""
    for name in CASES:
        expected = json.loads((FIXTURES / name / "expected.json").read_text(encoding="utf-8"))
        for finding in expected["findings"]:
            assert (FIXTURES / name / finding["file"]).is_file(), (name, finding["file"])
