"""Rank the catalog's symptoms for a text, pick the language, grade the confidence, name the evidence.

A symptom scores by its best phrase (the weight of the phrase's features found in the text, scaled by
how much of the phrase they cover), plus a little for its other features found, plus its signals
(CPU high speaks for high-cpu and against slow-but-idle). Words the catalog does not know add nothing
and take nothing away, so a long sentence is not diluted. A symptom tied to other runtimes than the
language is never a candidate.
"""

from __future__ import annotations

from ..model import Catalog, Record
from .index import Index, index_for

TYPO_1 = 0.8  # weight factor of a word one edit from a catalog word
TYPO_2 = 0.65  # two edits (words of 8 letters or more)
OTHER_FEATURES = 0.3  # features of the symptom outside its best phrase
OWN_RUNTIME = 1.15  # a symptom tied to the language asked about beats its generic twin
UNKNOWN_RUNTIME = 0.8  # ... and with no language known, the generic twin comes first
CLOSE = 0.7  # alternatives score at least this share of the winner
HIGH, MEDIUM = 3.0, 1.6  # score floors of the confidence grades
HIGH_MARGIN, MEDIUM_MARGIN = 0.8, 0.92  # ... and the most the runner-up may score, as a share of the winner


class Ranked(Record):
    symptom: str
    score: float
    phrase: str
    coverage: float
    features: tuple[str, ...]  # the text's features that matched this symptom


class Answer(Record):
    symptom: str | None  # None: the text holds nothing the catalog knows
    confidence: str
    language: str | None
    language_from: str | None  # "option" | "text" | None
    cues: tuple[str, ...]
    matched: tuple[dict, ...]
    others: tuple[str, ...]
    ranked: tuple[Ranked, ...]


def _typos(index: Index, features: dict[str, str]) -> dict[str, tuple[str, float]]:
    """Catalog stems reached by a typo: feature -> (the word as typed, weight factor)."""
    out: dict[str, tuple[str, float]] = {}
    stop = index.compiled.words.stopwords
    for feature, word in list(features.items()):
        if feature in index.weight or not feature.isalpha() or feature in stop:
            continue
        for piece in word.split():
            if len(piece) < 5 or not piece.isalpha() or piece in index.raw:
                continue
            limit = 2 if len(piece) >= 8 else 1
            letters = frozenset(piece)
            candidates = [w for size in range(len(piece) - limit, len(piece) + limit + 1)
                          for w, wl in index.raw_by_length.get(size, ()) if w[0] == piece[0] and
                          len(letters ^ wl) <= 2 * limit]
            if not candidates:
                continue
            from rapidfuzz.distance import OSA  # only on this path: it costs more to import than to use

            for candidate in candidates:
                distance = OSA.distance(piece, candidate, score_cutoff=limit)
                if distance > limit:
                    continue
                factor = TYPO_1 if distance == 1 else TYPO_2
                # What the catalog word reads as: its stem, or the term it spells ("exceptions" is ~exception).
                for target in [index.raw[candidate], *index.compiled.read(candidate).features]:
                    if target in index.weight and out.get(target, ("", 0))[1] < factor:
                        out[target] = (piece, factor)
    return out


def rank(catalog: Catalog, text: str, language: str | None = None) -> list[Ranked]:
    """Every candidate symptom with a score above zero, best first (catalog order breaks ties)."""
    index = index_for(catalog)
    reading = index.compiled.read(text)
    return _rank(index, reading.features, language, _typos(index, reading.features), reading.named)


def _rank(index: Index, features: dict[str, str], language: str | None,
          typos: dict[str, tuple[str, float]] | None = None, named: dict | None = None) -> list[Ranked]:
    weight = index.weight
    query = {f: weight[f] for f in features if f in weight}
    for f, (_, factor) in (typos or {}).items():
        query.setdefault(f, weight[f] * factor)
    if not query:
        return []
    signals = {f[1:] for f in features if f.startswith("@")}
    out = []
    for order, entry in enumerate(index.entries):
        symptom = entry.symptom
        if language and symptom.runtimes and language not in symptom.runtimes:
            continue
        common = entry.features & query.keys()
        if named and symptom.runtimes:
            # A runtime's name written in pieces ("node.js") is one word of evidence for its own symptoms,
            # not four, or "node.js ..." would answer every Node.js symptom before the right one.
            for lang in symptom.runtimes:
                common = common - named.get(lang, frozenset())
        if not common:
            continue
        best, best_phrase, best_cov, best_set = 0.0, "", 0.0, frozenset()
        for text, phrase, total in entry.phrases:
            hit = phrase & common
            if not hit:
                continue
            got = sum(query[f] for f in hit)
            cov = got / total if total else 0.0
            value = got * (0.5 + 0.5 * cov)
            if value > best:
                best, best_phrase, best_cov, best_set = value, text, cov, hit
        score = best + OTHER_FEATURES * sum(query[f] for f in common - best_set)
        score += sum(symptom.signals.get(s, 0.0) for s in signals)
        if language and symptom.runtimes and language in symptom.runtimes:
            score *= OWN_RUNTIME
        elif not language and symptom.runtimes:
            score *= UNKNOWN_RUNTIME
        if score > 0:
            out.append((-score, order, Ranked(symptom.id, round(score, 3), best_phrase, round(best_cov, 3),
                                              tuple(sorted(common)))))
    out.sort(key=lambda item: (item[0], item[1]))
    return [r for _, _, r in out]


def _language(cues: dict[str, list[str]]) -> tuple[str | None, tuple[str, ...]]:
    if not cues:
        return None, ()
    best = max(cues, key=lambda lang: len(cues[lang]))  # max keeps the first found of equals
    return best, tuple(dict.fromkeys(cues[best]))


def answer(catalog: Catalog, text: str, language: str | None = None) -> Answer:
    index = index_for(catalog)
    reading = index.compiled.read(text)
    source = "option" if language else None
    exact = catalog.symptoms.get(" ".join(text.split()).casefold())
    if exact and not (language and exact.runtimes and language not in exact.runtimes):
        return Answer(exact.id, "high", language, source, (), (), (), ())  # an id names a symptom, not a runtime
    cues: tuple[str, ...] = ()
    if language is None:
        language, cues = _language(reading.cues)
        source = "text" if language else None
    typos = _typos(index, reading.features)
    ranked = _rank(index, reading.features, language, typos, reading.named)
    if not ranked:  # nothing known; or known only as symptoms of other runtimes (named in ``others``)
        elsewhere = tuple(r.symptom for r in _rank(index, reading.features, None, typos, reading.named)[:3]) if language else ()
        return Answer(None, "low", language, source, cues, (), elsewhere, ())
    top = ranked[0]
    runner = ranked[1].score if len(ranked) > 1 else 0.0
    whole = top.coverage >= 0.99  # one of its phrases is all there
    if top.score >= HIGH and runner <= HIGH_MARGIN * top.score and whole:
        confidence = "high"
    elif top.score >= MEDIUM and (runner <= MEDIUM_MARGIN * top.score or whole):
        confidence = "medium"
    else:
        confidence = "low"
    others = tuple(r.symptom for r in ranked[1:4] if r.score >= CLOSE * top.score)
    if index.by_id[top.symptom].symptom.triage and whole:
        # A vague question, read as such: its triage names the branches, and that is the answer.
        confidence = "medium" if confidence == "low" else confidence
        others = ()
    matched = _evidence(index, top, reading.features, reading.signals, typos)
    return Answer(top.symptom, confidence, language, source, cues, matched, others, tuple(ranked))


def _evidence(index: Index, top: Ranked, features: dict[str, str], signals: dict[str, str],
              typos: dict[str, tuple[str, float]]) -> tuple[dict, ...]:
    symptom = index.by_id[top.symptom].symptom
    out = []
    for f in top.features:
        if f.startswith("@"):
            continue
        word, factor = (features[f], 1.0) if f in features else (typos[f][0], typos[f][1])
        out.append({"word": word, "signal": None, "weight": round(index.weight[f] * factor, 2)})
    for sid, words in signals.items():
        w = symptom.signals.get(sid, 0.0) + (index.weight.get("@" + sid, 0.0) if ("@" + sid) in top.features else 0.0)
        if w:
            out.append({"word": words, "signal": sid, "weight": round(w, 2)})
    out.sort(key=lambda m: -m["weight"])
    return tuple(out)
