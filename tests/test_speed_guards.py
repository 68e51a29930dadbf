"""Speed, guarded deterministically: which modules each kind of command imports (no timings here).

The timings live in tests/benchmark.py. Here: JSON and Markdown output never import rich, help and
usage errors never import rich, ordinary commands never import PyYAML (they read the start-up
cache), nothing imports pydantic, and a completion TAB never starts Python at all.
"""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from conftest import ROOT

HEAVY = ("rich", "yaml", "pydantic", "typer")


def imported(*args: str) -> set[str]:
    """Top-level packages imported by one CLI run, read from -X importtime."""
    code = "import sys; from pyroadvise.cli import main; sys.argv = ['pyroadvise', *sys.argv[1:]]; main()"
    env = {k: v for k, v in os.environ.items() if k != "PYROADVISE_CATALOG"}
    result = subprocess.run([sys.executable, "-X", "importtime", "-c", code, *args], capture_output=True,
                            text=True, env=env)
    names = set()
    for line in result.stderr.splitlines():
        if line.startswith("import time:") and "|" in line:
            names.add(line.rsplit("|", 1)[1].strip().split(".")[0])
    assert names, result.stderr
    return names


LEAN = [
    ["lang", "java", "--format", "json"],
    ["symptom", "leak", "--lang", "go", "--format", "json"],
    ["type", "mutex_duration", "--format", "json"],
    ["matrix", "--format", "json"],
    ["matrix", "--diff", "1.2.0", "--format", "json"],
    ["list", "symptoms", "--format", "json"],
    ["setup", "go", "cpu", "--format", "json"],
    ["lang", "java", "--format", "markdown"],
    ["--help"],
    ["lang", "--help"],
    ["lang", "kotln"],
    ["lang"],
    ["lang", "java", "--format", "yaml"],
    ["nosuchcommand"],
]


@pytest.mark.parametrize("args", LEAN, ids=" ".join)
def test_no_rich_yaml_or_pydantic(args):
    found = imported(*args)
    assert "typer" in found  # the measurement works
    assert not found & {"rich", "yaml", "pydantic"}, found & {"rich", "yaml", "pydantic"}


def test_a_symptom_sentence_loads_the_stemmer_but_not_the_typo_library():
    """rapidfuzz costs about 19 ms to import: only a word that looks like a typo of a catalog word pays it."""
    found = imported("symptom", "pods keep getting OOM-killed, exit code 137", "--format", "json")
    assert "Stemmer" in found and "rapidfuzz" not in found
    assert not found & {"rich", "yaml", "pydantic"}
    assert "rapidfuzz" in imported("symptom", "deadlok", "--lang", "go", "--format", "json")


@pytest.mark.parametrize("args", [["lang", "java"], ["symptom", "leak", "--lang", "go"], ["matrix"]], ids=" ".join)
def test_tables_import_rich_but_never_yaml_or_pydantic(args):
    found = imported(*args)
    assert "rich" in found
    assert not found & {"yaml", "pydantic"}


def test_a_completion_tab_never_starts_python(tmp_path):
    """Decoys for pyroadvise and python first on PATH would leave a mark if a TAB ran either."""
    marker = tmp_path / "ran"
    for name in ("pyroadvise", "python", "python3"):
        decoy = tmp_path / name
        decoy.write_text(f"#!/bin/sh\ntouch {marker}\n")
        decoy.chmod(0o755)
    script = ROOT / "completions" / "pyroadvise.bash"
    tab = (f'source "{script}"; COMP_WORDS=(pyroadvise symptom ""); COMP_CWORD=2; _pyroadvise; '
           'echo "${COMPREPLY[@]}"')
    env = {"PATH": f"{tmp_path}:{os.environ['PATH']}", "HOME": str(tmp_path)}
    result = subprocess.run(["bash", "--norc", "--noprofile", "-c", tab], capture_output=True, text=True, env=env)
    assert result.returncode == 0 and "memory-leak" in result.stdout.split()
    assert not marker.exists()


@pytest.mark.parametrize("args", [["lang", "java"], ["type", "cpu"], ["matrix"], ["setup", "go", "cpu"],
                                  ["catalog", "explain", "CAT010"]], ids=" ".join)
def test_table_paths_never_import_json(args):
    """The start-up cache is marshal data, read by the interpreter itself: only JSON output imports json."""
    found = imported(*args)
    assert "json" not in found and "yaml" not in found


@pytest.mark.parametrize("args", [["lang", "java", "--format", "json"], ["type", "mutex_duration", "--format", "json"],
                                  ["setup", "go", "cpu", "--format", "json"]], ids=" ".join)
def test_ascii_names_never_load_the_unicode_tables(args):
    assert "unicodedata" not in imported(*args)


def test_a_fullwidth_name_still_gets_the_unicode_tables():
    assert "unicodedata" in imported("lang", "ＪＡＶＡ", "--format", "json")


def test_explain_imports_neither_rich_nor_yaml_nor_json():
    found = imported("catalog", "explain", "CAT001")
    assert not found & {"rich", "yaml", "json"}, found
