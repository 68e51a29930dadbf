"""A broken catalog behind PYROADVISE_CATALOG: an ordinary command refuses it cleanly.

Every case runs a normal command (`pyroadvise lang go`) against a copy of valid-minimal with one fault, and
expects exit 1, nothing on stdout, no traceback, and stderr naming the code, the file and (where there is
one) the line. Hostile YAML is refused, never executed: the tags that would construct Python objects aim at a
marker file that must never appear, and an alias bomb is cut off in well under two seconds.
"""

from __future__ import annotations

import shutil
import time
from pathlib import Path

import pytest
from conftest import FIXTURES, run, run_process

from pyroadvise.loader import load_catalog
from pyroadvise.problems import CatalogError
from pyroadvise.yamlsource import MAX_BYTES, Loader

LIBYAML = Loader.__name__ == "CSafeLoader"  # the messages and the nesting limit differ without libyaml

VALID = FIXTURES / "catalogs" / "valid-minimal"


@pytest.fixture
def cat(tmp_path) -> Path:
    """A fresh, valid copy of valid-minimal to break."""
    return Path(shutil.copytree(VALID, tmp_path / "catalog"))


def write(directory: Path, rel: str, text: str) -> Path:
    path = directory / rel
    path.write_text(text, encoding="utf-8")
    return path


def replace(directory: Path, rel: str, old: str, new: str) -> int:
    """Replace one exact piece of a file; returns the line (1-based) where it starts."""
    path = directory / rel
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, f"{old!r} is not once in {rel}"
    path.write_text(text.replace(old, new), encoding="utf-8")
    return text[: text.index(old)].count("\n") + 1


def lang_go(directory: Path):
    return run("lang", "go", env={"PYROADVISE_CATALOG": str(directory)})


def codes_of(directory: Path) -> set[str]:
    with pytest.raises(CatalogError) as info:
        load_catalog(directory)
    return {p.code for p in info.value.problems}


def assert_refused(result, code: str, where: str, *, only: bool = False) -> list[str]:
    """Exit 1, stdout empty, no traceback; stderr lists `path:line:col: code ...` for `where` (file:line,
    relative to the catalog). Returns the matching problem lines."""
    import re

    assert result.exit_code == 1, result
    assert result.stdout == ""
    assert "Traceback" not in result.stderr
    assert result.stderr.startswith("Error: the catalog at "), result.stderr
    assert "See every problem with: pyroadvise catalog check" in result.stderr
    lines = [line.strip() for line in result.stderr.splitlines() if line.startswith("  ") and "CAT" in line]
    rel, _, line_no = where.partition(":") if not where.startswith("/") else (where, "", "")
    pattern = r"(^|/)" + re.escape(rel) + (rf":{line_no}:\d+" if line_no else "") + f": {code} "
    found = [line for line in lines if re.search(pattern, line)]
    assert found, f"no '{where}: {code} ...' in:\n{result.stderr}"
    if only:
        assert len(lines) == 1, result.stderr
    return found


def test_valid_copy_works(cat):
    result = lang_go(cat)
    assert result.exit_code == 0, result
    assert result.stderr == ""


# -- missing things ------------------------------------------------------------------------------------


def test_missing_directory(tmp_path):
    missing = tmp_path / "no-such-catalog"
    result = lang_go(missing)
    [line] = assert_refused(result, "CAT001", str(missing), only=True)
    assert "not found" in line
    assert not missing.exists()


def test_catalog_is_a_file(tmp_path):
    path = write(tmp_path, "catalog.yaml", "schema_version: 1\n")
    assert_refused(lang_go(path), "CAT001", str(path), only=True)


@pytest.mark.parametrize("rel", ["sources.yaml", "types.yaml", "symptoms.yaml"])
def test_missing_required_file(cat, rel):
    (cat / rel).unlink()
    [line] = assert_refused(lang_go(cat), "CAT001", rel)
    assert "missing" in line


@pytest.mark.parametrize("sub", ["languages", "versions"])
def test_empty_directory(cat, sub):
    shutil.rmtree(cat / sub)
    (cat / sub).mkdir()
    assert_refused(lang_go(cat), "CAT001", f"{sub}/")


def test_unreadable_file(cat):
    (cat / "types.yaml").unlink()
    (cat / "types.yaml").mkdir()  # a directory where a file is due: cannot be read, whoever runs the tests
    [line] = assert_refused(lang_go(cat), "CAT001", "types.yaml", only=True)
    assert "cannot read" in line


# -- YAML that does not parse ------------------------------------------------------------------------


@pytest.mark.parametrize("old, new, line, words", [
    ("    where: example docs page one\n", "    where: example: docs page one\n", 5, "mapping values are not allowed"),
    ("    kind: docs\n", "\tkind: docs\n", 6, "tab" if LIBYAML else "'\\t'"),
    ("    kind: docs\n", "   kind: docs\n", 6, ""),
    ("  - id: test-issue\n", "  - id: test-issue\n  - [unclosed\n", 13, "flow sequence"),
    ("    where: example docs page one\n", '    where: "example docs page one\n', 16, "quoted scalar (from line 5)"),
    ("schema_version: 1\n", "schema_version: 1\n---\n", 2, "single document"),
], ids=["colon", "tab", "indent", "unclosed-list", "unclosed-quote", "two-documents"])
def test_invalid_yaml_names_file_and_line(cat, old, new, line, words):
    replace(cat, "sources.yaml", old, new)
    [found] = assert_refused(lang_go(cat), "CAT002", f"sources.yaml:{line}", only=True)
    assert words in found


def test_empty_file(cat):
    write(cat, "symptoms.yaml", "# nothing here yet\n")
    [found] = assert_refused(lang_go(cat), "CAT002", "symptoms.yaml:1", only=True)
    assert "empty" in found


def test_null_document_is_not_skipped(cat):
    """A file holding only `~` is a document too; it must be reported, not silently ignored."""
    write(cat, "languages/python.yaml", "~\n")
    [found] = assert_refused(lang_go(cat), "CAT006", "languages/python.yaml:1", only=True)
    assert "expected a mapping" in found


@pytest.mark.parametrize("data, line", [
    ("schema_version: 1\nsources:\n  - id: caf\xe9\n".encode("latin-1"), 3),
    ("schema_version: 1\n".encode("utf-16"), 1),
    (b"schema_version: 1\n\xff\xfe\n", 2),
], ids=["latin-1", "utf-16", "stray-bytes"])
def test_not_utf8(cat, data, line):
    (cat / "sources.yaml").write_bytes(data)
    [found] = assert_refused(lang_go(cat), "CAT002", f"sources.yaml:{line}", only=True)
    assert "UTF-8" in found


def test_control_character_names_its_line(cat):
    replace(cat, "types.yaml", "    unit: test units of memory\n", "    unit: test units\x07 of memory\n")
    [found] = assert_refused(lang_go(cat), "CAT002", "types.yaml:20", only=True)
    assert "0x0007" in found


# -- tags: nothing is ever constructed -----------------------------------------------------------------


# Each would create {marker} if a loader constructed it ({marker} is a path in tmp_path).
PAYLOADS = {
    "apply-os.system": "!!python/object/apply:os.system ['touch {marker}']",
    "apply-subprocess": "!!python/object/apply:subprocess.call [[touch, '{marker}']]",
    "new-popen": "!!python/object/new:subprocess.Popen [[touch, '{marker}']]",
    "new-os.system": "!!python/object/new:os.system ['touch {marker}']",
    "name": "!!python/name:os.system",
    "module": "!!python/module:os",
    "object": "!!python/object:pathlib.Path {{_raw_paths: ['{marker}']}}",
    "tuple": "!!python/tuple [a, b]",
}


def test_payloads_are_live(tmp_path):
    """Control: PyYAML's unsafe loader really runs these, so the tests below prove something."""
    import yaml

    marker = tmp_path / "PWNED"
    yaml.unsafe_load(PAYLOADS["apply-subprocess"].format(marker=marker))
    assert marker.exists()


@pytest.mark.parametrize("name", list(PAYLOADS))
def test_python_tags_are_refused_and_never_run(cat, tmp_path, name):
    marker = tmp_path / "PWNED"
    payload = PAYLOADS[name].format(marker=marker)
    line = replace(cat, "languages/go.yaml", "summary: Test summary for the go language.\n", f"summary: {payload}\n")
    [found] = assert_refused(lang_go(cat), "CAT003", f"languages/go.yaml:{line}", only=True)
    assert "is not allowed" in found and "!!python/" in found
    assert not marker.exists()


def test_sdk_checked_must_name_a_release(cat):
    line = replace(cat, "languages/go.yaml", "summary: Test summary for the go language.\n",
                   "summary: Test summary for the go language.\nsdk_checked: the newest one\n")
    [found] = assert_refused(lang_go(cat), "CAT007", f"languages/go.yaml:{line + 1}", only=True)
    assert "sdk_checked" in found and "SDK release" in found


@pytest.mark.parametrize("where", ["key", "document", "list item"])
def test_python_tags_anywhere_are_refused(cat, tmp_path, where):
    marker = tmp_path / "PWNED"
    payload = f"!!python/object/apply:os.system ['touch {marker}']"
    if where == "key":
        line = replace(cat, "languages/go.yaml", "notes:\n", f"? {payload}\n: x\nnotes:\n")
    elif where == "document":
        line = 1
        write(cat, "languages/go.yaml", f"--- {payload}\n")
    else:
        line = replace(cat, "languages/go.yaml", "  - Test note for go.\n", f"  - {payload}\n")
    assert_refused(lang_go(cat), "CAT003", f"languages/go.yaml:{line}", only=True)
    assert not marker.exists()


def test_python_tag_never_runs_in_a_real_process(cat, tmp_path):
    marker = tmp_path / "PWNED"
    line = replace(cat, "types.yaml", "    unit: test units of cpu\n",
                   f"    unit: !!python/object/apply:os.system ['touch {marker}']\n")
    result = run_process("lang", "go", env={"PYROADVISE_CATALOG": str(cat)})
    assert_refused(result, "CAT003", f"types.yaml:{line}", only=True)
    assert not marker.exists()


@pytest.mark.parametrize("value", ["!!binary VGVzdA==", "!!set {a, b}", "!!omap [a: 1]", "!local thing"])
def test_other_tags_are_refused(cat, value):
    line = replace(cat, "types.yaml", "    unit: test units of cpu\n", f"    unit: {value}\n")
    assert_refused(lang_go(cat), "CAT003", f"types.yaml:{line}", only=True)


def test_merge_keys_are_refused(cat):
    replace(cat, "versions/1.1.0.yaml", "  - {id: go, name: Go, language: go, method: sdk}\n",
            "  - &go {id: go, name: Go, language: go, method: sdk}\n")
    line = replace(cat, "versions/1.1.0.yaml", "  - {id: go_pull, name: Go (pull), language: go, method: alloy}\n",
                   "  - {<<: *go, id: go_pull, name: Go (pull), method: alloy}\n")
    [found] = assert_refused(lang_go(cat), "CAT003", f"versions/1.1.0.yaml:{line}", only=True)
    assert "merge" in found


@pytest.mark.parametrize("value", ["2024-01-01", "!!timestamp 2024-01-01", "2024-01-01 10:00:00"])
def test_dates_are_refused(cat, value):
    line = replace(cat, "versions/1.1.0.yaml", "title: Test version two\n", f"title: {value}\n")
    [found] = assert_refused(lang_go(cat), "CAT003", f"versions/1.1.0.yaml:{line}", only=True)
    assert "!!timestamp" in found and "quote" in found


# -- wrong types -------------------------------------------------------------------------------------


@pytest.mark.parametrize("rel, old, new", [
    ("languages/go.yaml", "  - Test note for go.\n", "  - yes\n"),
    ("languages/go.yaml", '        default: "on"\n        how: Test how text for go cpu sdk.\n',
     "        default: on\n        how: Test how text for go cpu sdk.\n"),
    ("types.yaml", "    name: Wall\n", "    name: no\n"),
], ids=["yes-in-a-list", "on-as-default", "no-as-name"])
def test_boolean_where_text_is_due(cat, rel, old, new):
    replace(cat, rel, old, new)
    line = (cat / rel).read_text(encoding="utf-8").splitlines().index(new.splitlines()[0]) + 1
    [found] = assert_refused(lang_go(cat), "CAT006", f"{rel}:{line}")
    assert "boolean" in found and "quote" in found


@pytest.mark.parametrize("rel, old, new, shown", [
    ("languages/go.yaml", "aliases: [golang]\n", "aliases: [golang, 1.20]\n", "1.2"),
    ("types.yaml", "    name: Wall\n", "    name: 404\n", "404"),
    ("versions/1.1.0.yaml", 'pyroscope: "1.1.0"\n', "pyroscope: 1.1\n", "1.1"),
    ("symptoms.yaml", "stopwords: [the, my]\n", "stopwords: [the, my, 0x10]\n", "16"),
], ids=["alias", "type-name", "version", "stopword"])
def test_number_where_a_name_is_due(cat, rel, old, new, shown):
    line = replace(cat, rel, old, new)
    [found] = assert_refused(lang_go(cat), "CAT006", f"{rel}:{line}")
    assert f"the number {shown}" in found and "quote it" in found


def test_number_as_a_key(cat):
    line = replace(cat, "versions/1.1.0.yaml", '  wall:        "- - Y"\n', '  wall:        "- - Y"\n  2024: "- - -"\n')
    [found] = assert_refused(lang_go(cat), "CAT006", f"versions/1.1.0.yaml:{line + 1}", only=True)
    assert "2024" in found and "quote" in found


@pytest.mark.parametrize("value", ["!!int abc", "!!float abc", "!!bool maybe", "1" * 5000])
def test_value_that_cannot_be_read_as_its_tag(cat, value):
    line = replace(cat, "types.yaml", "    unit: test units of cpu\n", f"    unit: {value}\n")
    [found] = assert_refused(lang_go(cat), "CAT006", f"types.yaml:{line}", only=True)
    assert "cannot be read" in found and len(found) < 200


def test_list_where_text_is_due(cat):
    line = replace(cat, "sources.yaml", "    title: Test source one, a docs page\n",
                   "    title: [Test source one, a docs page]\n")
    [found] = assert_refused(lang_go(cat), "CAT006", f"sources.yaml:{line}")
    assert "expected text, got a list" in found


# -- references, duplicates ---------------------------------------------------------------------------


@pytest.mark.parametrize("rel, old, new, words", [
    ("symptoms.yaml", "      - type: cpu\n        why: Test reason for cpu.\n",
     "      - type: cpuu\n        why: Test reason for cpu.\n", "unknown type 'cpuu'; did you mean 'cpu'?"),
    ("types.yaml", "    sources: [test-source]\n", "    sources: [test-sauce]\n", "unknown source 'test-sauce'"),
    ("versions/1.0.0.yaml", "  - {id: python, name: Python, language: python, method: sdk}\n",
     "  - {id: python, name: Python, language: pyton, method: sdk}\n", "unknown language 'pyton'"),
    ("languages/python.yaml", "  cpu:\n", "  cpux:\n", "unknown type 'cpux'"),
    ("symptoms.yaml", "      go:\n", "      golang:\n", "unknown language 'golang'"),
], ids=["symptom-type", "source", "column-language", "language-type", "symptom-language"])
def test_unknown_reference(cat, rel, old, new, words):
    line = replace(cat, rel, old, new)
    [found] = assert_refused(lang_go(cat), "CAT010", f"{rel}:{line}")
    assert words in found


@pytest.mark.parametrize("rel, old, new, words", [
    ("types.yaml", "  - id: wall\n", "  - id: cpu\n", "type 'cpu' is defined twice"),
    ("symptoms.yaml", "  - id: memory-growth\n", "  - id: high-cpu\n", "symptom 'high-cpu' is defined twice"),
    ("versions/1.0.0.yaml", "  - {id: go_pull,", "  - {id: go,", "column 'go' is defined twice"),
], ids=["type", "symptom", "column"])
def test_duplicate_id(cat, rel, old, new, words):
    line = replace(cat, rel, old, new)
    [found] = assert_refused(lang_go(cat), "CAT008", f"{rel}:{line}")
    assert words in found


def test_duplicate_language_file(cat):
    shutil.copyfile(cat / "languages/python.yaml", cat / "languages/python2.yaml")
    assert codes_of(cat) == {"CAT008", "CAT018"}
    assert_refused(lang_go(cat), "CAT008", "languages/python2.yaml:2")


@pytest.mark.parametrize("rel, old, new", [
    ("types.yaml", "    unit: test units of wall time\n", "    unit: test units of wall time\n    unit: other\n"),
    ("sources.yaml", "schema_version: 1\n", "schema_version: 1\nschema_version: 1\n"),
    ("languages/go.yaml", "  alloy:\n    name: Test go alloy\n", "  alloy:\n    name: Test go alloy\n  sdk:\n    name: x\n"),
], ids=["field", "top-level", "method"])
def test_duplicate_mapping_key(cat, rel, old, new):
    line = replace(cat, rel, old, new) + (2 if rel == "languages/go.yaml" else 1)
    [found] = assert_refused(lang_go(cat), "CAT009", f"{rel}:{line}", only=True)
    assert "appears twice" in found


# -- size limits ---------------------------------------------------------------------------------------


def _billion_laughs(levels: int = 9) -> str:
    lines = ["schema_version: 1", "a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]"]
    previous = "a"
    for name in "bcdefghijklmnop"[: levels - 1]:
        lines.append(f"{name}: &{name} [{', '.join(['*' + previous] * 9)}]")
        previous = name
    return "\n".join(lines) + "\n"


def test_alias_bomb_is_refused_quickly(cat):
    write(cat, "sources.yaml", _billion_laughs())  # 9**9 = 387 million strings, if anything expanded it
    started = time.perf_counter()
    result = lang_go(cat)
    elapsed = time.perf_counter() - started
    [found] = assert_refused(result, "CAT019", "sources.yaml:2", only=True)  # where the first alias is expanded
    assert "alias" in found
    assert elapsed < 2.0, f"took {elapsed:.2f}s"


def test_alias_bomb_in_a_real_process(cat):
    write(cat, "types.yaml", _billion_laughs(12))
    started = time.perf_counter()
    result = run_process("lang", "go", env={"PYROADVISE_CATALOG": str(cat)}, timeout=20)
    assert time.perf_counter() - started < 5.0
    assert_refused(result, "CAT019", "types.yaml:2", only=True)


@pytest.mark.parametrize("payload", ["a: &a [*a]\n", "a: &a {b: *a}\n"], ids=["list", "mapping"])
def test_recursive_alias_is_refused(cat, payload):
    write(cat, "sources.yaml", "schema_version: 1\n" + payload)
    assert_refused(lang_go(cat), "CAT019", "sources.yaml:2", only=True)


@pytest.mark.parametrize("depth", [60, 5000], ids=["past-our-limit", "past-libyaml-limit"])
def test_deep_nesting_is_refused(cat, depth):
    write(cat, "sources.yaml", "schema_version: 1\nsources: " + "[" * depth + "]" * depth + "\n")
    where = "sources.yaml:2" if LIBYAML or depth < 100 else "sources.yaml"  # Python's recursion limit has no line
    [found] = assert_refused(lang_go(cat), "CAT019", where, only=True)
    assert "nest" in found


def test_file_too_large(cat):
    (cat / "types.yaml").write_bytes(b"schema_version: 1\n" + b"# padding\n" * (MAX_BYTES // 10 + 1))
    [found] = assert_refused(lang_go(cat), "CAT019", "types.yaml", only=True)
    assert str(MAX_BYTES) in found


# -- more rule faults through a command ------------------------------------------------------------------


def test_schema_version_boolean(cat):
    replace(cat, "types.yaml", "schema_version: 1\n", "schema_version: true\n")
    assert_refused(lang_go(cat), "CAT014", "types.yaml:1", only=True)


def test_several_faults_are_reported_together(cat):
    replace(cat, "sources.yaml", "    kind: docs\n", "    kind: docs\n    colour: red\n")
    replace(cat, "languages/python.yaml", "aliases: [py]\n", "aliases: [py, golang]\n")
    replace(cat, "versions/1.1.0.yaml", '  wall:        "- - Y"\n', '  wall:        "- - X"\n')
    result = lang_go(cat)
    for code, where in [("CAT005", "sources.yaml:7"), ("CAT013", "languages/python.yaml:4"),
                        ("CAT012", "versions/1.1.0.yaml:15")]:
        assert_refused(result, code, where)
    assert "(3 problems)" in result.stderr


@pytest.mark.parametrize("char", ["\u200f", "\u061c", "\u202e", "\x85", "\x1b"])
def test_catalog_text_refuses_what_user_input_gets_escaped(char):
    """One list of unsafe characters: what the CLI escapes in input, validation refuses in catalog text."""
    from pyroadvise.errors import shown
    from pyroadvise.schema import BAD, Context, text

    problems = []
    assert text(Context("types.yaml", {}, problems), f"bad{char}text", ("types", 0, "unit")) is BAD
    assert [p.code for p in problems] == ["CAT017"]
    assert char not in shown(f"bad{char}text")


# -- files that could hang or flood a reader: refused before they are read ---------------------------------


def _refused_quickly(cat, code: str, rel: str) -> str:
    """A real process, so a hang would show as a timeout and memory growth as a slow run."""
    start = time.monotonic()
    result = run_process("lang", "go", env={"PYROADVISE_CATALOG": str(cat)}, timeout=20)
    assert time.monotonic() - start < 15, "should be refused at once"
    assert result.exit_code == 1, result
    assert result.stdout == "" and "Traceback" not in result.stderr
    [line] = [x for x in result.stderr.splitlines() if f"{code} " in x and rel in x]
    return line


def test_fifo_is_refused_not_read(cat):
    import os

    (cat / "languages" / "go.yaml").unlink()
    os.mkfifo(cat / "languages" / "go.yaml")  # a real FIFO: reading it would block forever
    line = _refused_quickly(cat, "CAT001", "languages/go.yaml")
    assert "a FIFO (named pipe); only regular files are read" in line


def test_symlink_to_dev_zero_is_refused_not_read(cat):
    (cat / "languages" / "go.yaml").unlink()
    (cat / "languages" / "go.yaml").symlink_to("/dev/zero")  # endless: reading it would fill memory
    line = _refused_quickly(cat, "CAT001", "languages/go.yaml")
    assert "a character device; only regular files are read" in line


def test_huge_sparse_file_is_refused_without_reading_it(cat):
    path = cat / "types.yaml"
    with open(path, "r+b") as handle:
        handle.truncate(1_000_000_000)  # 1 GB, sparse: costs no disk, but read whole it would cost 1 GB of memory
    line = _refused_quickly(cat, "CAT019", "types.yaml")
    assert f"file is 1000000000 bytes; the limit is {MAX_BYTES}" in line


def test_reads_are_bounded_in_process(cat, monkeypatch):
    """However large a file claims to be, no read asks for more than the limit plus one byte."""
    import os

    from pyroadvise import loader

    asked = []
    real_read = os.read
    monkeypatch.setattr(loader.os, "read", lambda fd, n: asked.append(n) or real_read(fd, n))
    loader.read_files(cat)
    assert asked and max(asked) <= MAX_BYTES + 1
