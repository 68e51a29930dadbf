"""Checks of vocabulary.yaml and of the words the symptom engine reads (part of crossref's assembly).

``self`` is crossref's assembler: its files and its problem list.
"""

from __future__ import annotations

from . import model as m
from .crossref import _entries, _strings, _unknown
from .names import loose
from .schema import BAD
from .symptoms.text import Words, tokens


def vocabulary(self, languages) -> m.Vocabulary:
    """vocabulary.yaml (optional: without it, phrases alone are matched)."""
    data, ctx = self.file("vocabulary.yaml")
    if data is None:
        return m.Vocabulary((), (), {}, {}, {}, {}, {}, {}, {}, (), (), (), (), {})
    self.vocabulary_ctx = ctx
    terms: dict[str, tuple[str, ...]] = {}
    for i, entry in _entries(data["terms"]):
        if entry["term"] in terms:
            ctx.report("CAT008", ("terms", i, "term"), f"term {entry['term']!r} is defined twice")
            continue
        terms[entry["term"]] = _strings(entry["forms"])
    resources = {k: _strings(v) for k, v in data["resources"].items() if v is not BAD}
    levels = {k: _strings(v) for k, v in data["levels"].items() if v is not BAD}
    implied = {k: _strings(v) for k, v in (data["implied"] or {}).items() if v is not BAD}
    level_words = {loose(w) for words in levels.values() for w in words}
    for resource, words in implied.items():
        if resource not in resources:
            ctx.report("CAT010", ("implied", resource), _unknown("resource", resource, resources))
        for j, word in enumerate(words):
            if word != "%" and loose(word) not in level_words:
                ctx.report("CAT010", ("implied", resource, j), f"{word!r} is not a word of any level")
    percent = {k: v for k, v in (data["percent"] or {}).items() if v is not BAD}
    for level in percent:
        if level not in levels:
            ctx.report("CAT010", ("percent", level), _unknown("level", level, levels))
    percent_of = _strings(data["percent_of"] or [])
    for j, resource in enumerate(percent_of):
        if resource not in resources:
            ctx.report("CAT010", ("percent_of", j), _unknown("resource", resource, resources))
    scoped = {k: _strings(v) for k, v in (data["scoped"] or {}).items() if v is not BAD}
    for resource, words in scoped.items():
        if resource not in resources:
            ctx.report("CAT010", ("scoped", resource), _unknown("resource", resource, resources))
        for j, word in enumerate(words):
            if loose(word) not in level_words:
                ctx.report("CAT010", ("scoped", resource, j), f"{word!r} is not a word of any level")
    signals: dict[str, m.Signal] = {}
    for i, sig in _entries(data["signals"]):
        path = ("signals", i)
        if sig["id"] in signals:
            ctx.report("CAT008", path + ("id",), f"signal {sig['id']!r} is defined twice")
            continue
        if sig["resource"] not in resources:
            ctx.report("CAT010", path + ("resource",), _unknown("resource", sig["resource"], resources))
        if sig["level"] not in levels:
            ctx.report("CAT010", path + ("level",), _unknown("level", sig["level"], levels))
        signals[sig["id"]] = m.Signal(sig["resource"], sig["level"])
    cues: dict[str, tuple[str, ...]] = {}
    for lang_id, words in data["cues"].items():
        if lang_id not in languages:
            ctx.report("CAT010", ("cues", lang_id), _unknown("language", lang_id, languages))
            continue
        if words is not BAD:
            cues[lang_id] = _strings(words)
    # One word, one meaning: within each group (cues, resources, levels, terms) a form names one thing.
    for group, table in (("cues", cues), ("resources", resources), ("levels", levels), ("terms", terms)):
        owners: dict[str, str] = {}
        for name, words in table.items():
            for j, word in enumerate(words):
                owner = owners.setdefault(loose(word), name)
                if owner != name:
                    where = (group, name, j) if group != "terms" else (group,)
                    ctx.report("CAT013", where, f"{word!r} already belongs to {owner!r} in {group}")
    return m.Vocabulary(_strings(data["clause_breaks"]), _strings(data["negations"]), terms, resources, levels,
                        implied, percent, signals, cues, _strings(data["weak"] or []), percent_of,
                        _strings(data["unstemmed"] or []), _strings(data["shares"] or []), scoped)

def readable(self, stopwords, vocabulary: m.Vocabulary) -> None:
    """CAT024: a phrase or form that reads as nothing; CAT025: a vocabulary word that is a stop word."""
    
    words = Words(stopwords, frozenset(w.casefold() for w in vocabulary.negations),
                  frozenset(w.casefold() for w in vocabulary.clause_breaks))
    data, ctx = self.file("symptoms.yaml")
    if data is not None:
        for i, s in _entries(data["symptoms"]):
            for j, phrase in _entries(s["phrases"]):
                if not any(not t.stop for t in tokens(phrase, words)):
                    ctx.report("CAT024", ("symptoms", i, "phrases", j),
                               f"{phrase!r} holds only stop words, negations or clause breaks: it can never match")
    vctx = getattr(self, "vocabulary_ctx", None)
    if vctx is None:
        return
    groups = [("cues", vocabulary.cues), ("resources", vocabulary.resources), ("levels", vocabulary.levels),
              ("implied", vocabulary.implied), ("scoped", vocabulary.scoped),
              ("shares", {"shares": vocabulary.shares}), ("unstemmed", {"unstemmed": vocabulary.unstemmed})]
    groups.append(("terms", vocabulary.terms))
    groups.append(("weak", {"weak": vocabulary.weak}))
    for group, table in groups:
        for name, forms in table.items():
            for j, form in enumerate(forms):
                where = (group, name, j) if group != "terms" else (group,)
                folded = form.casefold()
                if folded in stopwords or folded in words.negations or folded in words.breaks:
                    vctx.report("CAT025", where, f"{form!r} is also a stop word, negation or clause break, "
                                                 "so the matcher never sees it")
                elif form != "%" and not tokens(form, Words(frozenset(), frozenset(), frozenset())):
                    vctx.report("CAT024", where, f"{form!r} holds no word: it can never match")

