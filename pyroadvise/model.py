"""The catalog as immutable records. Built and validated by ``validate.build_catalog``.

Every command builds these classes on start-up, so they are plain tuples with named fields
(``Record``): what ``typing.NamedTuple`` gives, without its per-class code generation, which cost
about 5 ms for the 18 classes here.
"""

from __future__ import annotations

from operator import itemgetter


class Record(tuple):
    """A tuple whose fields are the class's annotations, in order."""

    __slots__ = ()
    _fields: tuple[str, ...] = ()

    def __init_subclass__(cls) -> None:
        cls._fields = tuple(cls.__dict__.get("__annotations__", {}))
        for index, name in enumerate(cls._fields):
            setattr(cls, name, property(itemgetter(index)))

    def __new__(cls, *values):
        return cls._make(values)

    @classmethod
    def _make(cls, values):
        record = tuple.__new__(cls, values)
        if len(record) != len(cls._fields):
            raise TypeError(f"{cls.__name__} takes {len(cls._fields)} fields, got {len(record)}")
        return record

    def _asdict(self) -> dict:
        return dict(zip(self._fields, self))

    def _replace(self, **changes):
        return self._make(changes.pop(name, value) for name, value in zip(self._fields, self))

    def __repr__(self) -> str:
        return f"{type(self).__name__}({', '.join(f'{n}={v!r}' for n, v in zip(self._fields, self))})"

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


SOURCE_KINDS = ("docs", "source", "test", "issue", "article", "observed")


class Observed(Record):
    """For a source of kind ``observed``: the real SDK and the releases that were run."""
    sdk: str
    versions: tuple[str, ...]


class Source(Record):
    id: str
    title: str
    where: str
    kind: str
    url: str | None
    observed: Observed | None


class ProfileType(Record):
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


class Snippet(Record):
    syntax: str
    template: str


class Method(Record):
    id: str
    name: str
    package: str | None
    snippet: Snippet | None


class EnableStep(Record):
    method: str
    setting: str
    default: str
    how: str
    start: str | None
    overhead: str | None
    item: str | None
    extra: tuple[str, ...]


class ProfileTypeId(Record):
    id: str
    evidence: str
    note: str | None


class LanguageType(Record):
    type: str
    enable: tuple[EnableStep, ...]
    ids: tuple[ProfileTypeId, ...]
    if_empty: str | None
    sources: tuple[str, ...]


class Language(Record):
    id: str
    name: str
    aliases: tuple[str, ...]
    summary: str
    notes: tuple[str, ...]
    methods: dict[str, Method]
    types: dict[str, LanguageType]
    sources: tuple[str, ...]
    sdk_checked: str | None  # the SDK (or Alloy) release the facts were checked against
    no_sdk: tuple[str, ...]  # names among the aliases with no Pyroscope SDK of their own (PHP, C++)


class Column(Record):
    id: str
    name: str
    language: str
    method: str
    covers: str | None


class Cell(Record):
    status: str
    note: str | None


class Version(Record):
    id: str
    title: str
    layout: str
    changes: tuple[str, ...]
    columns: tuple[Column, ...]
    rows: dict[str, tuple[Cell, ...]]  # type id -> one cell per column, in table order
    sources: tuple[str, ...]


class Suggestion(Record):
    type: str
    why: str


class SymptomLanguage(Record):
    suggest: tuple[Suggestion, ...] | None
    beyond: str | None


class Triage(Record):
    """One branch of a vague question: when ``condition`` holds, the answer of ``symptom``."""

    condition: str
    symptom: str


class Symptom(Record):
    id: str
    name: str
    category: str
    phrases: tuple[str, ...]
    suggest: tuple[Suggestion, ...]
    languages: dict[str, SymptomLanguage]
    beyond: str | None
    sources: tuple[str, ...]
    runtimes: tuple[str, ...]  # the languages this symptom belongs to; empty: every language
    signals: dict[str, float]  # signal id -> how much it speaks for (+) or against (-) this symptom
    triage: tuple[Triage, ...]  # for vague questions: how to tell which branch you are in


class Signal(Record):
    """A resource at a level ('cpu' 'high'), read from one clause of the text."""

    resource: str
    level: str


class Vocabulary(Record):
    """The words the symptom engine reads (vocabulary.yaml); see pyroadvise/symptoms/."""

    clause_breaks: tuple[str, ...]
    negations: tuple[str, ...]
    terms: dict[str, tuple[str, ...]]  # term -> its spellings (several words each, at most)
    resources: dict[str, tuple[str, ...]]  # resource -> words that name it
    levels: dict[str, tuple[str, ...]]  # level -> words that say it
    implied: dict[str, tuple[str, ...]]  # resource -> level words that name it when the clause names none
    percent: dict[str, float]  # level -> the threshold a percentage must pass ("high": 70 means >= 70)
    signals: dict[str, Signal]
    cues: dict[str, tuple[str, ...]]  # language id -> words that name its runtime, frameworks and APIs
    weak: tuple[str, ...]  # words that count at a fraction of their weight
    percent_of: tuple[str, ...]  # the resources a percentage can be about (empty: any)
    unstemmed: tuple[str, ...]  # words the stemmer leaves as written
    shares: tuple[str, ...]  # words after a percentage that make it a share of a profile, not a utilisation
    scoped: dict[str, tuple[str, ...]]  # resource -> level words that describe only the resources listing them


class Catalog(Record):
    types: dict[str, ProfileType]
    languages: dict[str, Language]
    symptoms: dict[str, Symptom]
    versions: dict[str, Version]  # oldest first
    sources: dict[str, Source]
    stopwords: frozenset[str]
    query_hint: str
    vocabulary: Vocabulary

    @property
    def newest(self) -> str:
        return next(reversed(self.versions))
