"""The validated catalog as JSON, and back, for the start-up cache.

Validating the shipped catalog costs more than a whole command should. Validation is a pure function
of the YAML files, so the cache stores its result (the built records) under a fingerprint of those
files: while the fingerprint matches, loading the cache gives exactly what validating the YAML would.
A test checks that round trip against a fresh validation.
"""

from __future__ import annotations

from typing import Any

from . import model as m

T = tuple


def encode(catalog: m.Catalog) -> Any:
    """Plain JSON data: records become lists of their fields, in field order."""
    return list(catalog._replace(stopwords=sorted(catalog.stopwords)))


def _maker(cls, **convert):
    """A function that builds a `cls` record from its field list, converting the named fields."""
    fields = [(cls._fields.index(name), conv) for name, conv in convert.items()]
    make = cls._make
    if not fields:
        return make

    def build(values):
        values = list(values)
        for index, conv in fields:
            if values[index] is not None:
                values[index] = conv(values[index])
        return make(values)

    return build


def _many(build):
    return lambda values: T(map(build, values))


def _by_id(build):
    return lambda mapping: {k: build(v) for k, v in mapping.items()}


_suggestions = _many(_maker(m.Suggestion))
_profile_type = _maker(m.ProfileType, cannot_show=T, see_also=T, sources=T)
_language = _maker(
    m.Language, aliases=T, notes=T, sources=T, no_sdk=T,
    methods=_by_id(_maker(m.Method, snippet=_maker(m.Snippet))),
    types=_by_id(_maker(m.LanguageType, sources=T, ids=_many(_maker(m.ProfileTypeId)),
                        enable=_many(_maker(m.EnableStep, extra=T)))),
)
_version = _maker(m.Version, changes=T, sources=T, columns=_many(_maker(m.Column)),
                  rows=_by_id(_many(_maker(m.Cell))))
_symptom = _maker(m.Symptom, phrases=T, sources=T, suggest=_suggestions,
                  languages=_by_id(_maker(m.SymptomLanguage, suggest=_suggestions)), runtimes=T,
                  triage=_many(_maker(m.Triage)))
_words = lambda mapping: {k: T(v) for k, v in mapping.items()}  # noqa: E731
_vocabulary = _maker(m.Vocabulary, clause_breaks=T, negations=T, terms=_words, resources=_words, levels=_words,
                     implied=_words, cues=_words, weak=T, percent_of=T, unstemmed=T, shares=T, scoped=_words, signals=_by_id(_maker(m.Signal)))
_catalog = _maker(m.Catalog, types=_by_id(_profile_type), languages=_by_id(_language),
                  symptoms=_by_id(_symptom), versions=_by_id(_version),
                  sources=_by_id(_maker(m.Source, observed=_maker(m.Observed, versions=T))),
                  stopwords=frozenset, vocabulary=_vocabulary)


def decode(data: Any) -> m.Catalog:
    return _catalog(data)
