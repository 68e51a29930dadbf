"""The shipped catalog: it validates, its matrices hold the expected cells, and every entry is complete."""

from __future__ import annotations

import re

import pytest
from conftest import CATALOG_DIR, catalog_yaml

from pyroadvise import model as m
from pyroadvise.loader import CACHE_FILE, load_catalog, read_cache, read_files
from pyroadvise.matrix import available_types

# The seed page's table ("as of v1.2.0"), cell for cell: columns in order, then each row in order.
SEED_COLUMNS = ["Go", "Java", ".NET", "Ruby", "Python", "Rust", "Node.js", "eBPF (Go)", "eBPF (Python)"]
SEED_ROWS = [
    ("CPU",            "Y Y Y Y Y Y Y Y Y"),
    ("Alloc Objects",  "Y Y Y . . . . . ."),
    ("Alloc Space",    "Y Y Y . . . . . ."),
    ("Inuse Objects",  "Y . . . . . . . ."),
    ("Inuse Space",    "Y . . . . . . . ."),
    ("Goroutines",     "Y . . . . . . . ."),
    ("Mutex Count",    "Y . Y . . . . . ."),
    ("Mutex Duration", "Y . Y . . . . . ."),
    ("Block Count",    "Y . . . . . . . ."),
    ("Block Duration", "Y . . . . . . . ."),
    ("Lock Count",     ". Y Y . . . . . ."),
    ("Lock Duration",  ". Y Y . . . . . ."),
    ("Exceptions",     ". . Y . . . . . ."),
    ("Wall",           ". . Y . . . . . ."),
    ("Heap",           ". . . . . . Y . ."),
]

# v2.2.1: the docs' SDK and Alloy tables (Y) plus what the agents' source has beyond them (S).
NEWEST_COLUMNS = ["Go (push)", "Java", ".NET", "Ruby", "Python", "Rust", "Node.js", "Go (Alloy pull)",
                  "Java (Alloy)", "eBPF (Alloy)"]
NEWEST_ROWS = [
    ("CPU",            "Y Y Y Y Y Y Y Y Y Y"),
    ("Alloc Objects",  "Y Y Y . Y . . Y Y ."),
    ("Alloc Space",    "Y Y Y . Y . . Y Y ."),
    ("Inuse Objects",  "Y . Y . Y . . S . ."),
    ("Inuse Space",    "Y . Y . Y S . S . ."),
    ("Goroutines",     "Y . . . . . . Y . ."),
    ("Mutex Count",    "Y . Y . . . . S . ."),
    ("Mutex Duration", "Y . Y . . . . S . ."),
    ("Block Count",    "Y S . . . . . Y S ."),
    ("Block Duration", "Y S . . . . . Y S ."),
    ("Lock Count",     ". Y Y . . . . . Y ."),
    ("Lock Duration",  ". Y Y . . . . . Y ."),
    ("Exceptions",     ". . Y . . . . . . ."),
    ("Wall",           ". Y Y . . . Y S Y ."),
    ("Heap",           ". . Y . . . Y . . ."),
    ("Live Objects",   ". S . . . . . . . ."),
    ("Goroutine Leak", "S . . . . . . . . ."),
    ("Off-CPU",        ". . . . . . . . . S"),
]

EXPECTED = {"1.2.0": (SEED_COLUMNS, SEED_ROWS), "2.2.1": (NEWEST_COLUMNS, NEWEST_ROWS)}


def _cells(version: m.Version, catalog: m.Catalog) -> list[tuple[str, str]]:
    marks = {m.DOCUMENTED: "Y", m.SOURCE_ONLY: "S", m.NONE: "."}
    return [(catalog.types[t].name, " ".join(marks[c.status] for c in cells)) for t, cells in version.rows.items()]


def test_both_versions_are_catalogued_and_the_newest_is_the_default(catalog):
    assert list(catalog.versions) == ["1.2.0", "2.2.1"]
    assert catalog.newest == "2.2.1"


@pytest.mark.parametrize("version", ["1.2.0", "2.2.1"])
def test_matrix_cell_for_cell(catalog, version):
    columns, rows = EXPECTED[version]
    got = catalog.versions[version]
    assert [c.name for c in got.columns] == columns
    assert _cells(got, catalog) == rows


def test_seed_matrix_has_only_documented_cells(catalog):
    statuses = {c.status for cells in catalog.versions["1.2.0"].rows.values() for c in cells}
    assert statuses == {m.DOCUMENTED, m.NONE}


def test_every_source_only_cell_explains_itself(catalog):
    for version in catalog.versions.values():
        for type_id, cells in version.rows.items():
            for col, cell in zip(version.columns, cells):
                if cell.status == m.SOURCE_ONLY:
                    assert cell.note, f"{version.id} {type_id} {col.id} is S without a note"


def test_start_up_cache_is_exactly_the_validated_yaml(catalog):
    cached = read_cache(CACHE_FILE, read_files(CATALOG_DIR))
    assert cached is not None, "the start-up cache is stale: run python -m pyroadvise.regen"
    assert cached == catalog


def test_default_load_uses_the_same_catalog(catalog):
    assert load_catalog() == catalog


@pytest.mark.parametrize("type_id", [t["id"] for t in catalog_yaml("types.yaml")["types"]])
def test_every_type_is_complete(catalog, type_id):
    t = catalog.types[type_id]
    for field in ("name", "unit", "measures", "when_to_use", "flamegraph_insight", "caution", "overhead", "if_empty"):
        assert getattr(t, field).strip(), field
    assert t.cannot_show and t.sources
    assert type_id not in t.see_also


def _needed(catalog):
    for version in catalog.versions.values():
        for lang_id in catalog.languages:
            for type_id, have in available_types(version, lang_id).items():
                for col, _cell in have:
                    yield version.id, lang_id, type_id, col.method


@pytest.mark.parametrize("version,lang_id,type_id,method", sorted(set(_needed(load_catalog(CATALOG_DIR)))))
def test_every_supported_language_type_has_an_enable_step_and_an_id(catalog, version, lang_id, type_id, method):
    entry = catalog.languages[lang_id].types[type_id]
    steps = [s for s in entry.enable if s.method == method]
    assert steps, f"{lang_id}/{type_id}: no enable step for {method}"
    assert all(s.setting and s.default in ("on", "off") and s.how for s in steps)
    assert entry.ids
    for pid in entry.ids:
        assert pid.id == "unknown" and pid.note or re.fullmatch(r"[^:\s]+(:[^:\s]*){4}", pid.id), pid
        assert pid.evidence in m.EVIDENCE


def test_symptom_count_and_categories(catalog):
    assert len(catalog.symptoms) >= 40
    assert {s.category for s in catalog.symptoms.values()} == set(m.SYMPTOM_CATEGORIES)


def test_every_phrase_belongs_to_one_symptom(catalog):
    seen = {}
    for s in catalog.symptoms.values():
        for phrase in s.phrases:
            key = phrase.casefold()
            assert seen.setdefault(key, s.id) == s.id, f"{phrase!r}: {seen[key]} and {s.id}"


def test_seed_confusion_is_not_repeated(catalog):
    """A leak is live memory: alloc_* must never be the generic first answer to a leak."""
    leak = catalog.symptoms["memory-leak"]
    assert leak.suggest[0].type in {"inuse_space", "inuse_objects", "heap"}
    for type_id in ("alloc_objects", "alloc_space"):
        text = " ".join([catalog.types[type_id].measures, catalog.types[type_id].when_to_use]).lower()
        assert "churn" in text or "gc" in text or "garbage" in text


def test_texts_are_plain(catalog):
    """Catalog text is printed literally; nothing in it should look like rich markup or carry controls."""
    markup = re.compile(r"\[/?(bold|red|green|yellow|blue|dim|italic|link)[^\]]*\]")
    for t in catalog.types.values():
        for text in (t.measures, t.when_to_use, t.flamegraph_insight, t.caution, t.overhead, t.if_empty,
                     *t.cannot_show):
            assert not markup.search(text), text


# The SDK releases the catalog's facts were read from (issue 10, freshness). A bump means re-reading the SDK.
SDK_CHECKED = {
    "go": "pyroscope-go 1.4.2", "java": "pyroscope-java 2.9.1", "dotnet": "Pyroscope.NET 1.4.0", "ruby": "pyroscope gem 1.1.1",
    "python": "pyroscope-io 1.4.0", "rust": "pyroscope-rs 2.1.1", "nodejs": "@pyroscope/nodejs 0.6.4", "ebpf": "Alloy 1.18.1",
}


def test_every_language_records_the_release_it_was_checked_against(catalog):
    assert {lang: entry.sdk_checked.split(",")[0].split(" (")[0] for lang, entry in catalog.languages.items()} == SDK_CHECKED
    # Newer releases that could not be read are named, not guessed at.
    assert "1.5.0" in catalog.languages["go"].sdk_checked and "not read" in catalog.languages["go"].sdk_checked
    for lang in ("go", "java", "ebpf"):
        assert "Alloy 1.19 only as release candidates" in catalog.languages[lang].sdk_checked
