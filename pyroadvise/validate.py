"""Turn the catalog's plain data into a validated ``Catalog``, reporting every problem at once.

Input is what the loader read: for each file (path relative to the catalog directory) its data and
the line of every value. Shape checks come first (schema.py), then the cross-references that tie
the files together.
"""

from __future__ import annotations

from typing import Any

from . import model as m
from .problems import CatalogError, Problem, problem
from .schema import BAD, Context, block, boolean, describe, list_of, mapping_of, matching, one_of, optional, record, required, text

TYPE_ID = r"[a-z][a-z0-9_]*"
LANGUAGE_ID = r"[a-z][a-z0-9_]*"
SYMPTOM_ID = r"[a-z][a-z0-9-]*"
SOURCE_ID = r"[a-z0-9][a-z0-9-]*"
TERM_ID = r"[a-z][a-z0-9_]*"
SIGNAL_ID = r"[a-z][a-z0-9-]*"
VERSION = r"[0-9]+\.[0-9]+\.[0-9]+"
RELEASE = r".*[0-9]+\.[0-9]+.*"  # free text that names at least one version, such as "pyroscope-io 1.4.0"
PROFILE_TYPE_ID = r"unknown|[A-Za-z0-9_.\-]+:[A-Za-z0-9_.\-]+:[A-Za-z0-9_.\-]+:[A-Za-z0-9_.\-]*:[A-Za-z0-9_.\-]*"

REQUIRED_FILES = ("sources.yaml", "types.yaml", "symptoms.yaml")
SCHEMA_VERSION = 1

_refs = list_of(matching(SOURCE_ID, "source id"))
_ids = list_of(matching(TYPE_ID, "type id"))

SOURCES = record({
    "schema_version": required(lambda c, v, p: v),
    "sources": required(list_of(record({
        "id": required(matching(SOURCE_ID, "source id")),
        "title": required(text),
        "where": required(text),
        "kind": required(one_of(m.SOURCE_KINDS)),
        "url": optional(matching(r"https?://\S+", "URL", code="CAT006")),
        "sdk": optional(text),  # kind observed only: the SDK that was run
        "versions": optional(list_of(matching(VERSION, "version", code="CAT023"), min_items=1)),
    }), min_items=1)),
})

TYPES = record({
    "schema_version": required(lambda c, v, p: v),
    "query_hint": required(text),
    "types": required(list_of(record({
        "id": required(matching(TYPE_ID, "type id")),
        "name": required(text),
        "unit": required(text),
        "kind": required(one_of(m.TYPE_KINDS)),
        "measures": required(text),
        "when_to_use": required(text),
        "flamegraph_insight": required(text),
        "caution": required(text),
        "cannot_show": required(list_of(text, min_items=1)),
        "overhead": required(text),
        "if_empty": required(text),
        "experimental": optional(boolean),
        "see_also": optional(_ids),
        "sources": required(list_of(matching(SOURCE_ID, "source id"), min_items=1)),
    }), min_items=1)),
})

_ENABLE = record({
    "method": required(one_of(m.METHODS)),
    "setting": required(text),
    "default": required(one_of(("on", "off"))),
    "how": required(text),
    "start": optional(text),
    "overhead": optional(text),
    "item": optional(block),
    "extra": optional(list_of(block)),
})

LANGUAGE = record({
    "schema_version": required(lambda c, v, p: v),
    "id": required(matching(LANGUAGE_ID, "language id")),
    "name": required(text),
    "aliases": required(list_of(text)),
    "no_sdk": optional(list_of(text)),
    "summary": required(text),
    "sdk_checked": optional(matching(RELEASE, "SDK release (name the release with its version)")),
    "notes": optional(list_of(text)),
    "sources": required(list_of(matching(SOURCE_ID, "source id"), min_items=1)),
    "methods": required(mapping_of(record({
        "name": required(text),
        "package": optional(text),
        "snippet": optional(record({"syntax": required(text), "template": required(block)})),
    }), min_items=1)),
    "types": required(mapping_of(record({
        "enable": required(list_of(_ENABLE, min_items=1)),
        "ids": required(list_of(record({
            "id": required(matching(PROFILE_TYPE_ID, "profile type ID", code="CAT022")),
            "evidence": required(one_of(m.EVIDENCE)),
            "note": optional(text),
        }))),
        "if_empty": optional(text),
        "sources": required(list_of(matching(SOURCE_ID, "source id"), min_items=1)),
    }))),
})

_SUGGEST = list_of(record({"type": required(matching(TYPE_ID, "type id")), "why": required(text)}))

def number(ctx: Context, value: Any, path: tuple) -> Any:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        ctx.report("CAT006", path, f"expected a number, got {describe(value)}")
        return BAD
    return float(value)


_WORDS = list_of(text, min_items=1)

SYMPTOMS = record({
    "schema_version": required(lambda c, v, p: v),
    "stopwords": required(list_of(text)),
    "symptoms": required(list_of(record({
        "id": required(matching(SYMPTOM_ID, "symptom id")),
        "name": required(text),
        "category": required(one_of(m.SYMPTOM_CATEGORIES)),
        "phrases": required(list_of(text, min_items=1)),
        "suggest": required(_SUGGEST),
        "languages": optional(mapping_of(record({"suggest": optional(_SUGGEST), "beyond": optional(text)}))),
        "beyond": optional(text),
        "sources": required(list_of(matching(SOURCE_ID, "source id"), min_items=1)),
        "runtimes": optional(list_of(matching(LANGUAGE_ID, "language id"), min_items=1)),
        "signals": optional(mapping_of(number, min_items=1)),
        "triage": optional(list_of(record({"if": required(text), "symptom": required(matching(SYMPTOM_ID, "symptom id"))}),
                                   min_items=2)),
    }), min_items=1)),
})

VOCABULARY = record({
    "schema_version": required(lambda c, v, p: v),
    "clause_breaks": required(list_of(text)),
    "negations": required(list_of(text)),
    "terms": required(list_of(record({"term": required(matching(TERM_ID, "term id")), "forms": required(_WORDS)}))),
    "resources": required(mapping_of(_WORDS)),
    "levels": required(mapping_of(_WORDS)),
    "implied": optional(mapping_of(_WORDS)),
    "percent": optional(mapping_of(number)),
    "signals": required(list_of(record({
        "id": required(matching(SIGNAL_ID, "signal id")),
        "resource": required(text),
        "level": required(text),
    }))),
    "cues": required(mapping_of(_WORDS)),
    "weak": optional(list_of(text)),
    "percent_of": optional(list_of(text)),
    "scoped": optional(mapping_of(_WORDS)),
    "shares": optional(_WORDS),
    "unstemmed": optional(_WORDS),
})

VERSION_FILE = record({
    "schema_version": required(lambda c, v, p: v),
    "pyroscope": required(matching(VERSION, "version", code="CAT023")),
    "title": required(text),
    "layout": required(text),
    "changes": optional(list_of(text)),
    "sources": required(list_of(matching(SOURCE_ID, "source id"), min_items=1)),
    "columns": required(list_of(record({
        "id": required(matching(LANGUAGE_ID, "column id")),
        "name": required(text),
        "language": required(matching(LANGUAGE_ID, "language id")),
        "method": required(one_of(m.METHODS)),
        "covers": optional(text),
    }), min_items=1)),
    "rows": required(mapping_of(text, min_items=1)),
    "notes": optional(list_of(record({
        "type": required(matching(TYPE_ID, "type id")),
        "column": required(matching(LANGUAGE_ID, "column id")),
        "text": required(text),
    }))),
})


def build_catalog(files: dict[str, tuple[Any, dict]]) -> m.Catalog:
    """Validate and build. Raises CatalogError with every problem found."""
    problems: list[Problem] = []
    for rel in REQUIRED_FILES:
        if rel not in files:
            problems.append(problem("CAT001", rel, None, "required file is missing"))
    for prefix in ("languages/", "versions/"):
        if not any(rel.startswith(prefix) for rel in files):
            problems.append(problem("CAT001", prefix, None, "no files in this directory"))

    checked: dict[str, tuple[Any, Context]] = {}
    for rel, (data, lines) in sorted(files.items()):
        ctx = Context(rel, lines, problems)
        shape = _shape_for(rel)
        if shape is None:
            continue
        # type() as well: YAML's `true` and `1.0` compare equal to 1 in Python.
        version = data.get("schema_version", SCHEMA_VERSION) if isinstance(data, dict) else SCHEMA_VERSION
        if type(version) is not int or version != SCHEMA_VERSION:
            ctx.report("CAT014", ("schema_version",), f"{data['schema_version']!r} is not supported; use {SCHEMA_VERSION}")
        value = shape(ctx, data, ())
        if value is not BAD:
            checked[rel] = (value, ctx)

    from .crossref import assemble

    catalog = assemble(checked, problems)
    if problems:
        raise CatalogError(problems)
    return catalog


def _shape_for(rel: str):
    if rel == "sources.yaml":
        return SOURCES
    if rel == "types.yaml":
        return TYPES
    if rel == "symptoms.yaml":
        return SYMPTOMS
    if rel == "vocabulary.yaml":
        return VOCABULARY
    if rel.startswith("languages/"):
        return LANGUAGE
    if rel.startswith("versions/"):
        return VERSION_FILE
    return None
