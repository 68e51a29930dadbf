"""The house layout, checked: which module may import what, and no catalog ids hard-coded in code."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from conftest import catalog_yaml

from pyroadvise.model import SYMPTOM_CATEGORIES

PACKAGE = Path(__file__).resolve().parent.parent / "pyroadvise"
MODULES = sorted(p for p in PACKAGE.rglob("*.py"))

ALLOWED = {  # third-party package -> the only modules that may import it
    "rich": {"render/tables.py", "render/widgets.py", "render/summary.py", "render/parts.py", "render/matrixview.py",
             "render/symptom.py"},
    "Stemmer": {"symptoms/text.py"},
    "rapidfuzz": {"symptoms/score.py"},
    "yaml": {"yamlsource.py", "doctor/yamldocs.py"},  # the catalog's YAML, and doctor's reading of projects
    "typer": {"cli.py", "appgroup.py", "completion.py"},
}
PURE = {"advice.py", "lookup.py", "symptoms/__init__.py", "symptoms/text.py", "symptoms/vocabulary.py",
        "symptoms/index.py", "symptoms/score.py", "matrix.py", "setup.py", "model.py", "names.py", "snapshot.py",
        "validate.py", "schema.py", "crossref.py", "problems.py", "errors.py", "loader.py"}


def imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.add(node.module.split(".")[0])
    return found


@pytest.mark.parametrize("path", MODULES, ids=lambda p: str(p.relative_to(PACKAGE)))
def test_third_party_imports_stay_in_their_module(path):
    rel = str(path.relative_to(PACKAGE))
    for package, allowed in ALLOWED.items():
        if package in imports(path):
            assert rel in allowed, f"{rel} imports {package}; only {sorted(allowed)} may"
    if rel in PURE or rel.startswith("doctor/"):
        assert not imports(path) & {"rich", "typer", "click"}


def test_no_catalog_ids_in_code():
    """Profile type and symptom ids belong to the catalog, not to Python string literals."""
    ids = {t["id"] for t in catalog_yaml("types.yaml")["types"]}
    ids |= {s["id"] for s in catalog_yaml("symptoms.yaml")["symptoms"]}
    ids -= set(SYMPTOM_CATEGORIES)  # "cpu" is also the name of a symptom category, which the schema fixes
    for path in MODULES:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Constant) and isinstance(node.value, str):
                assert node.value not in ids, f"{path.name}: catalog id {node.value!r} in code"


def test_modules_stay_small():
    for path in MODULES:
        assert len(path.read_text(encoding="utf-8").splitlines()) <= 400, path.name
