"""The doctor catalog (catalog/doctor/*.yaml): load it, validate it, and hand it to the checks.

Files: ``checks*.yaml`` (every check: level, confidence, texts, types), ``sdk-keys*.yaml`` (known settings
per SDK and version gates, as named sections), ``files.yaml`` (what the walk reads). Every file of a kind
is merged; an id or section defined twice is a problem. Not part of the start-up cache: only ``doctor``
and ``catalog check`` read it.
"""

from __future__ import annotations

import ast
import re
import string
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..problems import CatalogError, Problem, problem
from .model import CONFIDENCES, LEVELS

CHECK_ID = re.compile(r"^PD\d{3}$")
CHECK_FIELDS = {"slug": str, "language": str, "level": str, "confidence": str, "title": str, "message": str,
                "fix": str, "types": list, "sources": list}
REQUIRED = ("slug", "language", "level", "confidence", "title", "message", "fix")
FILES_FIELDS = ("skip_dirs", "keep_names", "keep_globs", "candidate_globs", "markers", "scopes", "limits")
LANGUAGES = ("go", "java", "dotnet", "nodejs", "python", "ruby", "rust", "ebpf", "alloy", "any")


@dataclass(frozen=True)
class Check:
    id: str
    slug: str
    language: str
    level: str
    confidence: str
    title: str
    message: str
    fix: str
    types: tuple = ()
    sources: tuple = ()
    file: str = ""
    line: int | None = None


@dataclass
class DoctorData:
    checks: dict[str, Check]
    keys: dict[str, Any]  # sdk-keys sections by name
    files: dict[str, Any]  # files.yaml
    _rules: Any = field(default=None, repr=False)

    @property
    def rules(self):
        if self._rules is None:
            from .walk import Rules

            self._rules = Rules.from_data(self.files)
        return self._rules


def default_dir() -> Path:
    from ..loader import default_catalog_dir

    return default_catalog_dir() / "doctor"


def load(directory: Path | None = None, catalog: Any = None, *, used: set[str] | None = None) -> DoctorData:
    """Load and validate the doctor catalog; raise CatalogError with every problem found."""
    data, problems = read(directory or default_dir(), catalog, used=used)
    if problems:
        raise CatalogError(problems)
    return data


def read(directory: Path | list[Path], catalog: Any = None, *, used: set[str] | None = None,
         prefix: str = "doctor/") -> tuple[DoctorData, list[Problem]]:
    """Parse and validate; return what could be read and every problem (file names start with ``prefix``).

    Given several folders, a file in a later one replaces the file of the same name in an earlier one.
    """
    from ..yamlsource import read_yaml

    problems: list[Problem] = []
    checks: dict[str, Check] = {}
    keys: dict[str, Any] = {}
    key_where: dict[str, str] = {}
    files: dict[str, Any] = {}
    paths: dict[str, Path] = {}
    for folder in directory if isinstance(directory, list) else [directory]:
        try:
            paths.update({p.name: p for p in Path(folder).iterdir() if p.name.endswith(".yaml")})
        except OSError as error:
            return DoctorData({}, {}, {}), [problem("CAT001", prefix.rstrip("/"), None,
                                                    f"cannot list the doctor catalog: {error.strerror or error}")]
    names = sorted(paths)
    # Types and sources are checked against ``catalog`` only in the files of the folder being checked
    # (the last one): the shipped files refer to the shipped catalog.
    own = {name for name, path in paths.items() if path.parent == Path(folder)}
    if "files.yaml" not in names:
        problems.append(problem("CAT001", f"{prefix}files.yaml", None, "required file missing"))
    for name in names:
        rel = prefix + name
        try:
            raw = paths[name].read_bytes()
        except OSError as error:
            problems.append(problem("CAT001", rel, None, f"cannot read: {error.strerror or error}"))
            continue
        value, lines, found = read_yaml(raw, rel)
        problems += found
        if not isinstance(value, dict):
            if value is not None:
                problems.append(problem("CAT006", rel, 1, "document: expected a mapping"))
            continue
        if value.get("schema_version") != 1:
            problems.append(problem("CAT014", rel, lines.get(("schema_version",), 1),
                                    "schema_version must be 1"))
        if name.startswith("checks"):
            _checks(value, lines, rel, checks, problems, catalog if name in own else None)
        elif name.startswith("sdk-keys"):
            for section, body in value.items():
                if section == "schema_version":
                    continue
                if section in keys:
                    problems.append(problem("CAT008", rel, lines.get((section,)),
                                            f"section {section!r} is also defined in {key_where[section]}"))
                    continue
                keys[section], key_where[section] = body, rel
        elif name == "files.yaml":
            for key in FILES_FIELDS:
                if key not in value:
                    problems.append(problem("CAT004", rel, 1, f"{key} is required"))
            for key in value:
                if key not in FILES_FIELDS and key != "schema_version":
                    problems.append(problem("CAT005", rel, lines.get((key,)), f"unknown field {key!r}"))
            files = value
        else:
            problems.append(problem("CAT018", rel, None,
                                    "doctor files are named checks*.yaml, sdk-keys*.yaml or files.yaml"))
    if used is not None:
        for check_id in sorted(used - set(checks)):
            problems.append(problem("CAT026", f"{prefix}checks.yaml", None,
                                    f"{check_id} is raised by doctor's code but has no catalog entry"))
        for check_id in sorted(set(checks) - used):
            c = checks[check_id]
            problems.append(problem("CAT026", c.file, c.line, f"{check_id} is in the catalog but no code raises it"))
    return DoctorData(checks, keys, files), problems


def _checks(value: dict, lines: dict, rel: str, checks: dict, problems: list, catalog: Any) -> None:
    body = value.get("checks")
    for key in value:
        if key not in ("schema_version", "checks"):
            problems.append(problem("CAT005", rel, lines.get((key,)), f"unknown field {key!r}"))
    if not isinstance(body, dict):
        problems.append(problem("CAT004" if body is None else "CAT006", rel, lines.get(("checks",), 1),
                                "checks: expected a mapping of check ids"))
        return
    for check_id, entry in body.items():
        line = lines.get(("checks", check_id))
        if not CHECK_ID.match(check_id):
            problems.append(problem("CAT007", rel, line, f"check id {check_id!r} is not of the form PD123"))
            continue
        if check_id in checks:
            problems.append(problem("CAT008", rel, line, f"{check_id} is also defined in {checks[check_id].file}"))
            continue
        if not isinstance(entry, dict):
            problems.append(problem("CAT006", rel, line, f"{check_id}: expected a mapping"))
            continue
        bad = False
        for key, kind in CHECK_FIELDS.items():
            if key in entry and not isinstance(entry[key], kind):
                problems.append(problem("CAT006", rel, lines.get(("checks", check_id, key), line),
                                        f"{check_id}.{key}: expected {kind.__name__}"))
                bad = True
        for key in entry:
            if key not in CHECK_FIELDS:
                problems.append(problem("CAT005", rel, lines.get(("checks", check_id, key), line),
                                        f"{check_id}: unknown field {key!r}"))
        for key in REQUIRED:
            if key not in entry:
                problems.append(problem("CAT004", rel, line, f"{check_id}.{key} is required"))
                bad = True
        if bad:
            continue
        where = lambda key: lines.get(("checks", check_id, key), line)  # noqa: E731
        if entry["level"] not in LEVELS:
            problems.append(problem("CAT006", rel, where("level"),
                                    f"{check_id}.level {entry['level']!r} must be one of: {', '.join(LEVELS)}"))
        if entry["confidence"] not in CONFIDENCES:
            problems.append(problem("CAT006", rel, where("confidence"), f"{check_id}.confidence "
                                    f"{entry['confidence']!r} must be one of: {', '.join(CONFIDENCES)}"))
        if entry["language"] not in LANGUAGES:
            problems.append(problem("CAT006", rel, where("language"), f"{check_id}.language "
                                    f"{entry['language']!r} must be one of: {', '.join(LANGUAGES)}"))
        for key in ("title", "message", "fix"):
            text = entry[key]
            if not text.strip() or text != text.strip() or any(ord(ch) < 32 for ch in text):
                problems.append(problem("CAT017", rel, where(key), f"{check_id}.{key}: empty, padded or control "
                                        "characters"))
            try:
                list(string.Formatter().parse(text))
            except ValueError as error:
                problems.append(problem("CAT006", rel, where(key), f"{check_id}.{key}: bad placeholder ({error})"))
        types = tuple(entry.get("types", ()))
        sources = tuple(entry.get("sources", ()))
        if catalog is not None:
            for t in types:
                if t not in catalog.types:
                    problems.append(problem("CAT010", rel, where("types"), f"{check_id}.types: no profile type {t!r}"))
            for s in sources:
                if s not in catalog.sources:
                    problems.append(problem("CAT010", rel, where("sources"), f"{check_id}.sources: no source {s!r}"))
        checks[check_id] = Check(check_id, entry["slug"], entry["language"], entry["level"], entry["confidence"],
                                 entry["title"], entry["message"], entry["fix"], types, sources, rel, line)


def used_check_ids(package: Path | None = None) -> set[str]:
    """Every check id (a string constant PDnnn) in doctor's Python code."""
    package = package or Path(__file__).resolve().parent
    found: set[str] = set()
    for path in sorted(package.rglob("*.py")):
        try:
            module = ast.parse(path.read_text(encoding="utf-8"))
        except (OSError, SyntaxError, UnicodeDecodeError):
            continue
        for node in ast.walk(module):
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and CHECK_ID.match(node.value):
                found.add(node.value)
    return found


def check_problems(catalog_dir: Path, catalog: Any) -> list[Problem]:
    """For `catalog check`: the problems of the doctor catalog. A catalog folder with a doctor/ folder
    has its files read over the shipped ones (same name replaces); without one, the shipped doctor
    catalog is checked only when it is the shipped catalog being checked."""
    shipped = default_dir()
    directory = Path(catalog_dir) / "doctor"
    if not directory.is_dir():
        return []
    folders = [shipped] if directory.resolve() == shipped.resolve() else [shipped, directory]
    return read(folders, catalog, used=used_check_ids())[1]
