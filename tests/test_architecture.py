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
    "typer": {"cli.py", "appgroup.py", "completion_tree.py", "cli_doctor.py"},
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


def _package_imports(path: Path) -> set[str]:
    """The pyroadvise modules a module imports, at any level (lazy imports inside functions too)."""
    rel = path.relative_to(PACKAGE)
    here = list(rel.parent.parts)
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.level:
            base = here[: len(here) - (node.level - 1)] if node.level > 1 else here
            parts = base + (node.module.split(".") if node.module else [])
            names = [parts] if node.module else [parts + [a.name] for a in node.names]
            for name in names:
                for candidate in ("/".join(name) + ".py", "/".join(name) + "/__init__.py"):
                    if (PACKAGE / candidate).is_file():
                        found.add(candidate)
    return found


def test_completion_modules_import_no_circle():
    """completion.py uses completion_scripts.py, and both use completion_tree.py: never the other way round."""
    graph = {str(p.relative_to(PACKAGE)): _package_imports(p) for p in MODULES}
    assert "completion_scripts.py" in graph["completion.py"]
    for module in ("completion_scripts.py", "completion_tree.py"):
        assert "completion.py" not in graph[module], module
    assert "completion_scripts.py" not in graph["completion_tree.py"]

    def reaches(start: str, goal: str, seen: set) -> bool:
        return any(n == goal or (n not in seen and not seen.add(n) and reaches(n, goal, seen)) for n in graph[start])

    for module in ("completion.py", "completion_scripts.py", "completion_tree.py"):
        assert not reaches(module, module, set()), f"{module} is in an import circle"
