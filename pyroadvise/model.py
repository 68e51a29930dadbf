"""The catalog as immutable records. Built and validated by ``validate.build_catalog``.

NamedTuples rather than dataclasses: they cost nothing to import, and every command builds the
whole catalog on start-up.
"""

from __future__ import annotations

from typing import NamedTuple

# Matrix cell statuses, as written in versions/*.yaml.
DOCUMENTED = "Y"
SOURCE_ONLY = "S"
NONE = "-"
CELL_STATUSES = (DOCUMENTED, SOURCE_ONLY, NONE)
STATUS_NAMES = {DOCUMENTED: "documented", SOURCE_ONLY: "source-only", NONE: "none"}

METHODS = ("sdk", "alloy", "ebpf")
EVIDENCE = ("test", "source", "derived", "docs", "unverified")
SYMPTOM_CATEGORIES = ("memory", "cpu", "latency", "concurrency", "errors", "setup")
TYPE_KINDS = ("delta", "snapshot")


class Source(NamedTuple):
    id: str
    title: str
    where: str
    kind: str
    url: str | None


class ProfileType(NamedTuple):
    id: str
    name: str
    unit: str
    kind: str
    measures: str
    when_to_use: str
    flamegraph_insight: str
    caution: str
    cannot_show: tuple[str, ...]
    overhead: str
    if_empty: str
    experimental: bool
    see_also: tuple[str, ...]
    sources: tuple[str, ...]


class Snippet(NamedTuple):
    syntax: str
    template: str


class Method(NamedTuple):
    id: str
    name: str
    package: str | None
    snippet: Snippet | None


class EnableStep(NamedTuple):
    method: str
    setting: str
    default: str
    how: str
    start: str | None
    overhead: str | None
    item: str | None
    extra: tuple[str, ...]


class ProfileTypeId(NamedTuple):
    id: str
    evidence: str
    note: str | None


class LanguageType(NamedTuple):
    type: str
    enable: tuple[EnableStep, ...]
    ids: tuple[ProfileTypeId, ...]
    if_empty: str | None
    sources: tuple[str, ...]


class Language(NamedTuple):
    id: str
    name: str
    aliases: tuple[str, ...]
    summary: str
    notes: tuple[str, ...]
    methods: dict[str, Method]
    types: dict[str, LanguageType]
    sources: tuple[str, ...]


class Column(NamedTuple):
    id: str
    name: str
    language: str
    method: str
    covers: str | None


class Cell(NamedTuple):
    status: str
    note: str | None


class Version(NamedTuple):
    id: str
    title: str
    layout: str
    changes: tuple[str, ...]
    columns: tuple[Column, ...]
    rows: dict[str, tuple[Cell, ...]]  # type id -> one cell per column, in table order
    sources: tuple[str, ...]


class Suggestion(NamedTuple):
    type: str
    why: str


class SymptomLanguage(NamedTuple):
    suggest: tuple[Suggestion, ...] | None
    beyond: str | None


class Symptom(NamedTuple):
    id: str
    name: str
    category: str
    phrases: tuple[str, ...]
    suggest: tuple[Suggestion, ...]
    languages: dict[str, SymptomLanguage]
    beyond: str | None
    sources: tuple[str, ...]


class Catalog(NamedTuple):
    types: dict[str, ProfileType]
    languages: dict[str, Language]
    symptoms: dict[str, Symptom]
    versions: dict[str, Version]  # oldest first
    sources: dict[str, Source]
    stopwords: frozenset[str]
    query_hint: str

    @property
    def newest(self) -> str:
        return next(reversed(self.versions))
