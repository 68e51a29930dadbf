"""Every validation rule, one fixture each: the rule fires, alone, at the right file and line.

tests/fixtures/catalogs/valid-minimal/ is a small complete catalog that passes. Each
tests/fixtures/catalogs/CATnnn/ is an overlay holding only the files that differ from it: the test copies
valid-minimal to a temporary directory and copies the overlay on top; an overlay file named
``<name>.delete`` deletes ``<name>`` instead. Every registered code has a fixture, and no fixture exists
for a code that is not registered (like rustc's tidy checking its error-code tests).
"""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest
from conftest import CATALOG_DIR, FIXTURES, run

from pyroadvise.loader import load_catalog
from pyroadvise.problems import CODES, CatalogError

CATALOGS = FIXTURES / "catalogs"
VALID = CATALOGS / "valid-minimal"
DELETE = ".delete"

# What each fixture must produce: the file, the line (None where the rule has none), a piece of that line
# in the overlay file (so the numbers keep meaning what they say), and a piece of the message.
EXPECTED: dict[str, tuple[str, int | None, str | None, str]] = {
    "CAT001": ("symptoms.yaml", None, None, "required file is missing"),
    "CAT002": ("sources.yaml", 9, "where: example: source file two", "mapping values are not allowed"),
    "CAT003": ("sources.yaml", 8, "title: !!binary", "'!!binary' is not allowed"),
    "CAT004": ("versions/1.1.0.yaml", 17, "{type: alloc_space, column: python}", "required field 'text'"),
    "CAT005": ("sources.yaml", 11, "colour: red", "unknown field 'colour'"),
    "CAT006": ("types.yaml", 28, "- yes", "the boolean true"),
    "CAT007": ("symptoms.yaml", 12, "id: Slow_Requests", "'Slow_Requests' is not a valid symptom id"),
    "CAT008": ("sources.yaml", 16, "- id: test-docs", "source 'test-docs' is defined twice"),
    "CAT009": ("languages/python.yaml", 6, "summary: Test summary for the python", "key 'summary' appears twice"),
    "CAT010": ("types.yaml", 45, "see_also: [cpuu]", "unknown type 'cpuu'"),
    "CAT011": ("versions/1.0.0.yaml", 13, 'wall:        "- - Y Y"', "4 cells for 3 columns"),
    "CAT012": ("versions/1.1.0.yaml", 15, 'wall:        "- - X"', "'X'"),
    "CAT013": ("languages/python.yaml", 4, "aliases: [py, golang]", "'golang' already names language 'go'"),
    "CAT014": ("symptoms.yaml", 1, "schema_version: 2", "2 is not supported"),
    "CAT015": ("languages/go.yaml", 24, "enable:", "no enable step for method 'alloy'"),
    "CAT016": ("symptoms.yaml", 25, "- id: memory-growth", "for python at Pyroscope 1.0.0"),
    "CAT017": ("languages/go.yaml", 7, '"Test note for go. "', "spaces"),
    "CAT018": ("languages/snake.yaml", 2, "id: python", "does not match the file name 'snake'"),
    "CAT019": ("sources.yaml", 13, "where: [[[", "levels of nesting"),
    "CAT020": ("languages/go.yaml", 33, "item: test_cpu = true", "method 'alloy' has no snippet"),
    "CAT021": ("types.yaml", 47, "- id: goroutines", "type 'goroutines' has no row in any version"),
    "CAT022": ("languages/go.yaml", 36, "- id: cpu:nanoseconds", "'cpu:nanoseconds' is not a valid profile type ID"),
    "CAT023": ("versions/2.0.yaml", 2, 'pyroscope: "2.0"', "'2.0' is not a valid version"),
    "CAT024": ("symptoms.yaml", 15, "phrases: [test slow phrase, the my]", "'the my' holds only stop words"),
    "CAT025": ("vocabulary.yaml", 15, "go: [goroutine, the]", "'the' is also a stop word"),
    "CAT026": ("doctor/checks-fixture.yaml", 4, "PD998:", "no code raises it"),
}

FIXTURE_CODES = sorted(p.name for p in CATALOGS.iterdir() if p.is_dir() and p.name != VALID.name)


def apply_overlay(overlay: Path, target: Path) -> None:
    for src in sorted(overlay.rglob("*")):
        if not src.is_file():
            continue
        rel = src.relative_to(overlay)
        if src.name.endswith(DELETE):
            (target / rel.parent / src.name[: -len(DELETE)]).unlink()
        else:
            (target / rel).parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(src, target / rel)


def build(tmp_path: Path, *codes: str, name: str = "catalog") -> Path:
    """valid-minimal with the overlays of `codes` on top, in tmp_path/name."""
    target = tmp_path / name
    shutil.copytree(VALID, target)
    for code in codes:
        apply_overlay(CATALOGS / code, target)
    return target


def problems_of(directory: Path):
    """The problems `catalog check` reports: the catalog's, else its doctor catalog's."""
    from pyroadvise.checking import doctor_problems

    try:
        catalog = load_catalog(directory)
    except CatalogError as info:
        return info.problems
    found = doctor_problems(directory, catalog)
    assert found, f"{directory} has no problem"
    return found


def squash(text: str) -> str:
    """Whitespace folded, so that a test of content does not depend on where a terminal wraps."""
    return " ".join(text.split())


# -- tidy: the fixtures and the registry agree ---------------------------------------------------------


def test_every_registered_code_has_a_fixture():
    assert sorted(CODES) == [c for c in FIXTURE_CODES if c in CODES], "codes without a fixture"


def test_no_fixture_for_an_unregistered_code():
    unknown = [name for name in FIXTURE_CODES if name not in CODES]
    assert not unknown, f"fixture directories that are not registered codes: {unknown}"


def test_every_code_has_an_expectation():
    assert sorted(EXPECTED) == sorted(CODES)


def test_codes_are_well_formed_and_described():
    for code, text in CODES.items():
        assert re.fullmatch(r"CAT\d{3}", code)
        assert text and text == text.strip()


@pytest.mark.parametrize("code", FIXTURE_CODES)
def test_fixture_is_a_minimal_overlay(code):
    """An overlay holds only what differs: no unchanged copies, deletions of files that exist."""
    overlay = CATALOGS / code
    files = [p for p in overlay.rglob("*") if p.is_file()]
    assert files, f"{code} is empty"
    for path in files:
        rel = path.relative_to(overlay)
        if path.name.endswith(DELETE):
            assert (VALID / rel.parent / path.name[: -len(DELETE)]).is_file(), f"{rel}: nothing to delete"
        elif (VALID / rel).is_file():
            assert path.read_bytes() != (VALID / rel).read_bytes(), f"{rel} is the same as in valid-minimal"


# -- each fixture breaks exactly its rule ----------------------------------------------------------------


def test_valid_minimal_loads(tmp_path):
    catalog = load_catalog(build(tmp_path))
    assert list(catalog.types) == ["cpu", "alloc_space", "wall"]
    assert list(catalog.languages) == ["go", "python"]
    assert list(catalog.versions) == ["1.0.0", "1.1.0"]
    assert len(catalog.symptoms) == 3 and len(catalog.sources) == 3
    assert list(catalog.languages["go"].methods) == ["sdk", "alloy"]
    assert catalog.languages["go"].methods["sdk"].snippet is not None


@pytest.mark.parametrize("code", sorted(CODES))
def test_fixture_breaks_exactly_one_rule(code, tmp_path):
    problems = problems_of(build(tmp_path, code))
    assert {p.code for p in problems} == {code}, problems
    assert len(problems) == 1, problems


@pytest.mark.parametrize("code", sorted(CODES))
def test_problem_names_file_and_line(code, tmp_path):
    rel, line, marker, message = EXPECTED[code]
    [found] = problems_of(build(tmp_path, code))
    assert (found.file, found.line) == (rel, line), found
    assert message in found.message
    assert found.message == found.message.strip() and "\n" not in found.message
    assert str(found) == f"{code} {rel}{f':{line}' if line else ''} {found.message}"
    if marker is not None:
        text = (CATALOGS / code / rel).read_text(encoding="utf-8").splitlines()
        assert marker in text[line - 1], f"{rel}:{line} is {text[line - 1]!r}"


# -- `pyroadvise catalog check` ----------------------------------------------------------------------


@pytest.mark.parametrize("code", sorted(CODES))
def test_check_prints_problem_and_summary(code, tmp_path, monkeypatch):
    build(tmp_path, code, name="cat")
    [expected] = problems_of(tmp_path / "cat")
    monkeypatch.chdir(tmp_path)
    result = run("catalog", "check", "cat")
    assert result.exit_code == 1, result
    assert result.stderr == ""
    assert result.stdout.splitlines() == [f"{located(tmp_path / 'cat', expected)}: {code} {expected.message}",
                                          "Catalog cat: 1 problem."]


def located(directory: Path, p) -> str:
    """path:line:col as the user's editor wants it, worked out here from the file itself: the path relative
    to the current folder, the column where the line's text begins."""
    rel = f"{directory.name}/{p.file}"
    if not p.line:
        return rel
    text = (directory / p.file).read_text(encoding="utf-8", errors="replace").split("\n")[p.line - 1]
    content = text.lstrip(" \t")
    while content.startswith("- "):  # a list item: the column of the key after the dash
        content = content[2:].lstrip(" \t")
    return f"{rel}:{p.line}:{len(text) - len(content) + 1}"


def test_check_prints_each_problem_on_one_line(tmp_path, monkeypatch):
    build(tmp_path, "CAT022", name="cat")
    [expected] = problems_of(tmp_path / "cat")
    assert len(str(expected)) > 100
    monkeypatch.chdir(tmp_path)
    result = run("catalog", "check", "cat", env={"COLUMNS": "40"})
    assert result.stdout.splitlines() == ["cat/languages/go.yaml:36:9: CAT022 " + expected.message,
                                          "Catalog cat: 1 problem."]


@pytest.mark.parametrize("code", sorted(CODES))
def test_check_json(code, tmp_path, monkeypatch):
    directory = build(tmp_path, code)
    [expected] = problems_of(directory)
    monkeypatch.chdir(tmp_path)
    result = run("catalog", "check", str(directory), "--format", "json")
    assert result.exit_code == 1, result
    assert result.stderr == ""
    report = json.loads(result.stdout)
    path, line, column = (located(directory, expected).split(":") + [None, None])[:3]
    assert report == {
        "schema_version": 1,
        "catalog": str(directory),
        "ok": False,
        "problems": [{"code": code, "file": expected.file, "line": expected.line, "message": expected.message,
                      "where": expected.where(), "path": path, "column": int(column) if column else None,
                      "follows": False}],
    }


@pytest.mark.parametrize("directory", [None, CATALOG_DIR, VALID], ids=["default", "shipped", "valid-minimal"])
def test_check_passes_valid_catalogs(directory):
    args = ["catalog", "check"] + ([str(directory)] if directory else [])
    result = run(*args)
    assert result.exit_code == 0, result
    assert result.stderr == ""
    assert result.stdout.strip().endswith("no problems.")
    assert not re.search(r"CAT\d{3}", result.stdout)
    report = json.loads(run(*args, "--format", "json").stdout)
    assert report["ok"] is True and report["problems"] == []
    assert report["catalog"] == str(directory or CATALOG_DIR)


def test_valid_minimal_serves_commands():
    """valid-minimal is complete: the commands that read a catalog work with it."""
    env = {"PYROADVISE_CATALOG": str(VALID)}
    for args in (["lang", "go"], ["lang", "python", "--pyroscope", "1.0.0"], ["matrix"],
                 ["symptom", "test", "memory", "phrase", "--lang", "python"], ["setup", "go", "alloc_space"]):
        result = run(*args, env=env)
        assert result.exit_code == 0, (args, result)
        assert result.stderr == "" and result.stdout


# -- every problem at once ------------------------------------------------------------------------------


THREE = ("CAT005", "CAT013", "CAT021")  # sources.yaml, languages/python.yaml, types.yaml


def test_three_broken_rules_in_three_files_are_all_reported(tmp_path, monkeypatch):
    build(tmp_path, *THREE, name="cat")
    problems = problems_of(tmp_path / "cat")
    assert sorted(p.code for p in problems) == list(THREE)
    assert {p.file for p in problems} == {"sources.yaml", "languages/python.yaml", "types.yaml"}

    monkeypatch.chdir(tmp_path)
    result = run("catalog", "check", "cat")
    assert result.exit_code == 1
    lines = result.stdout.splitlines()
    assert [line.split()[1] for line in lines[:-1]] == [p.code for p in problems]
    assert lines[-1] == "Catalog cat: 3 problems."
    report = json.loads(run("catalog", "check", "cat", "--format", "json").stdout)
    assert [p["code"] for p in report["problems"]] == [p.code for p in problems]

    result = run("lang", "go", env={"PYROADVISE_CATALOG": "cat"})
    assert result.exit_code == 1 and result.stdout == ""
    assert "(3 problems)" in result.stderr
    for p in problems:
        assert f"  {located(tmp_path / 'cat', p)}: {p.code} {p.message}" in result.stderr.splitlines()


def test_syntax_problems_in_several_files_are_all_reported(tmp_path):
    """Files that cannot be read are reported together too, each with its own code and line."""
    directory = build(tmp_path, "CAT002", "CAT009")  # sources.yaml, languages/python.yaml
    types = directory / "types.yaml"
    types.write_text(types.read_text(encoding="utf-8").replace("    unit: test units of wall time\n",
                                                               "    unit: !!set {a, b}\n"), encoding="utf-8")
    problems = problems_of(directory)
    assert [(p.code, p.where()) for p in problems] == [
        ("CAT009", "languages/python.yaml:6"), ("CAT002", "sources.yaml:9"), ("CAT003", "types.yaml:34")]


def test_shape_and_cross_file_problems_are_reported_together(tmp_path):
    codes = ("CAT004", "CAT010", "CAT015", "CAT018")  # versions/1.1.0.yaml, types.yaml, go.yaml, snake.yaml
    problems = problems_of(build(tmp_path, *codes))
    assert sorted(p.code for p in problems) == list(codes)
    assert len({p.file for p in problems}) == 4


# -- regressions ---------------------------------------------------------------------------------------


def test_misnamed_language_file_with_more_problems_does_not_crash(tmp_path):
    """A language checked by id must not be looked up by file name: CAT018 plus CAT015 in the same file."""
    directory = build(tmp_path, "CAT018")
    snake = directory / "languages" / "snake.yaml"
    text = snake.read_text(encoding="utf-8")
    snake.write_text(text.replace("  wall:\n    enable:\n      - method: sdk\n",
                                  "  wall:\n    enable:\n      - method: alloy\n"), encoding="utf-8")
    problems = problems_of(directory)
    assert sorted(p.code for p in problems) == ["CAT010", "CAT015", "CAT018"]
    assert {p.file for p in problems} == {"languages/snake.yaml"}


def test_type_without_row_is_located_even_after_a_broken_type(tmp_path):
    """CAT021 names the line of the type itself, not of whichever type sits at the same index of the valid ones."""
    directory = build(tmp_path, "CAT021")
    types = directory / "types.yaml"
    types.write_text(types.read_text(encoding="utf-8").replace("    caution: Test text for cpu caution.\n", ""),
                     encoding="utf-8")
    lines = types.read_text(encoding="utf-8").splitlines()
    [unrowed] = [p for p in problems_of(directory) if p.code == "CAT021"]
    assert lines[unrowed.line - 1] == "  - id: goroutines"


@pytest.mark.parametrize("value", ["true", "1.0", '"1"', "~"])
def test_schema_version_must_be_the_integer_one(value, tmp_path):
    directory = build(tmp_path)
    path = directory / "sources.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("schema_version: 1\n", f"schema_version: {value}\n"),
                    encoding="utf-8")
    problems = problems_of(directory)
    assert [(p.code, p.file, p.line) for p in problems] == [("CAT014", "sources.yaml", 1)]


# -- root causes first: what follows from a broken file is counted under it ------------------------------


@pytest.fixture
def shipped_copy(tmp_path, monkeypatch) -> Path:
    """A copy of the shipped catalog in tmp_path/cat, with tmp_path as the current folder."""
    shutil.copytree(CATALOG_DIR, tmp_path / "cat")
    monkeypatch.chdir(tmp_path)
    return tmp_path / "cat"


def test_a_missing_types_file_is_one_line_and_a_count(shipped_copy):
    (shipped_copy / "types.yaml").unlink()
    problems = problems_of(shipped_copy)
    assert len(problems) > 500  # every reference to a type is unknown now
    result = run("catalog", "check", "cat")
    assert result.exit_code == 1 and result.stderr == ""
    follow = len(problems) - 1
    assert result.stdout.splitlines() == [
        "cat/types.yaml: CAT001 required file is missing",
        f"  + {follow} problems that follow from the above; fix those first (--all lists every one)",
        f"Catalog cat: 1 problem, and {follow} that follow from it.",
    ]
    every = run("catalog", "check", "cat", "--all").stdout.splitlines()
    assert every[0] == "cat/types.yaml: CAT001 required file is missing"
    assert len(every) == len(problems) + 1 and every[-1] == f"Catalog cat: 1 problem, and {follow} that follow from it."
    report = json.loads(run("catalog", "check", "cat", "--format", "json").stdout)
    assert [p["follows"] for p in report["problems"]] == [False] + [True] * follow


def test_a_number_where_text_is_due_is_the_first_line(shipped_copy):
    types = shipped_copy / "types.yaml"
    text = types.read_text(encoding="utf-8")
    start = text.index("    unit: ")
    line = text[:start].count("\n") + 1
    types.write_text(text[:start] + "    unit: 42\n" + text[text.index("\n", start) + 1:], encoding="utf-8")
    lines = run("catalog", "check", "cat").stdout.splitlines()
    assert lines[0] == (f"cat/types.yaml:{line}:5: CAT006 types[0].unit: expected text, got the number 42 "
                        "(quote it to make it text)")
    assert len(lines) == 3 and lines[1].startswith("  + ") and lines[2].startswith("Catalog cat: 1 problem, and ")


def test_independent_problems_are_not_hidden(tmp_path):
    """A reference into a healthy file is a problem of its own, even when another file is broken."""
    directory = build(tmp_path, "CAT005", "CAT010")  # sources.yaml: unknown field; types.yaml: see_also cpuu
    report = json.loads(run("catalog", "check", str(directory), "--format", "json").stdout)
    assert [(p["code"], p["follows"]) for p in report["problems"]] == [("CAT005", False), ("CAT010", False)]


def test_check_without_dir_checks_the_catalog_the_other_commands_read(tmp_path, monkeypatch):
    broken = build(tmp_path, "CAT005", name="cat")
    monkeypatch.chdir(tmp_path)
    result = run("catalog", "check", env={"PYROADVISE_CATALOG": "cat"})
    assert result.exit_code == 1
    assert result.stdout.splitlines()[-1] == "Catalog cat: 1 problem."
    assert json.loads(run("catalog", "check", "--format", "json",
                          env={"PYROADVISE_CATALOG": str(broken)}).stdout)["catalog"] == str(broken)


def test_a_long_path_is_never_wrapped(tmp_path, monkeypatch):
    deep = tmp_path.joinpath(*["a-rather-long-folder-name"] * 8)
    deep.mkdir(parents=True)
    shutil.copytree(VALID, deep / "catalog")
    for columns in ("40", "80"):
        result = run("catalog", "check", str(deep / "catalog"), env={"COLUMNS": columns})
        assert result.stdout == f"Catalog {deep / 'catalog'}: no problems.\n"
    (deep / "catalog" / "types.yaml").unlink()
    result = run("catalog", "check", str(deep / "catalog"), env={"COLUMNS": "40"})
    assert result.stdout.splitlines()[0] == f"{deep / 'catalog' / 'types.yaml'}: CAT001 required file is missing"


def test_another_command_shows_the_first_few_and_points_to_check(shipped_copy):
    (shipped_copy / "types.yaml").unlink()
    total = len(problems_of(shipped_copy))
    result = run("lang", "go", env={"PYROADVISE_CATALOG": "cat"})
    assert result.exit_code == 1 and result.stdout == ""
    assert result.stderr.splitlines() == [
        f"Error: the catalog at cat is invalid ({total} problems):",
        "  cat/types.yaml: CAT001 required file is missing",
        f"  ... and {total - 1} more ({total - 1} follow from the above)",
        "See every problem with: pyroadvise catalog check cat",
    ]


def test_another_command_shows_at_most_five_root_problems(tmp_path, monkeypatch):
    directory = build(tmp_path, name="cat")
    sources = directory / "sources.yaml"
    sources.write_text(sources.read_text(encoding="utf-8").replace(
        "    kind: docs\n", "    kind: docs\n" + "".join(f"    extra{i}: red\n" for i in range(7))), encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    problems = problems_of(directory)
    assert len(problems) > 5
    lines = run("lang", "go", env={"PYROADVISE_CATALOG": "cat"}).stderr.splitlines()
    assert len([x for x in lines if ": CAT005 " in x]) == 5
    assert lines[-2] == f"  ... and {len(problems) - 5} more"


# -- `pyroadvise catalog explain` ------------------------------------------------------------------------


def test_every_code_is_explained_and_has_an_example():
    from pyroadvise.explaining import EXAMPLES, EXPLANATIONS, sections

    assert list(sections(EXPLANATIONS)) == list(CODES)
    assert list(sections(EXAMPLES)) == list(CODES)
    for code, text in sections(EXPLANATIONS).items():
        assert "Fix: " in text, code


def test_explanations_ship_inside_the_package():
    """Data files under pyroadvise/ go into the wheel with it (hatch packages = ["pyroadvise"])."""
    import pyroadvise
    from pyroadvise.explaining import EXAMPLES, EXPLANATIONS

    package = Path(pyroadvise.__file__).resolve().parent
    assert EXPLANATIONS.parent == EXAMPLES.parent == package / "codes"
    assert 'packages = ["pyroadvise"]' in (package.parent / "pyproject.toml").read_text(encoding="utf-8")


@pytest.mark.parametrize("code", sorted(CODES))
def test_explain_shows_the_text_and_its_fixture_as_the_example(code, tmp_path, monkeypatch):
    from pyroadvise.explaining import EXPLANATIONS, sections

    [expected] = problems_of(build(tmp_path, code))
    monkeypatch.chdir(tmp_path)
    result = run("catalog", "explain", code.lower().replace("cat0", "cat"))  # cat10 is CAT010 too
    assert result.exit_code == 0 and result.stderr == ""
    lines = result.stdout.splitlines()
    assert lines[0] == f"{code}: {CODES[code]}"
    assert sections(EXPLANATIONS)[code] in result.stdout
    assert lines[-2] == "pyroadvise catalog check catalog prints:"
    assert lines[-1] == f"  {located(tmp_path / 'catalog', expected)}: {code} {expected.message}"
    report = json.loads(run("catalog", "explain", code, "--format", "json").stdout)
    assert report["code"] == code and report["explanation"] == sections(EXPLANATIONS)[code]


def test_explain_without_a_code_lists_them_all():
    result = run("catalog", "explain")
    assert result.exit_code == 0
    assert result.stdout.splitlines()[: len(CODES)] == [f"{code}  {text}" for code, text in CODES.items()]


@pytest.mark.parametrize("typed", ["CAT099", "E501", "", "CAT0x1"])
def test_explain_an_unknown_code(typed):
    result = run("catalog", "explain", typed)
    assert result.exit_code == 2 and result.stdout == ""
    assert result.stderr.startswith(f"Error: Unknown problem code '{typed}'.\n")
    assert result.stderr.endswith(f"Codes: CAT001 to {list(CODES)[-1]}; list them with: pyroadvise catalog explain\n")


@pytest.mark.parametrize("given", ["nosuch", "./nosuch"])
def test_a_missing_catalog_folder_is_named_once(given, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = run("catalog", "check", given)
    assert result.stdout.splitlines() == ["nosuch: CAT001 catalog directory not found", "Catalog nosuch: 1 problem."]
