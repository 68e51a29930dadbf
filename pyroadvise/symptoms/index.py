"""The catalog side of matching, built once per catalog: phrases as features, and their weights.

A feature's weight is how well it tells symptoms apart: an IDF over the catalog's own phrases
(ln((N + 1) / (df + 0.5)), N symptoms, df of them using the feature). "leak" names two symptoms and
weighs much more than "slow", which a dozen use.
"""

from __future__ import annotations

import math

from ..model import Catalog
from .text import Words, stem, tokens
from .vocabulary import Compiled


WEAK = 0.4  # the share of its weight a weak word keeps (vocabulary.yaml, weak)
SIGNAL = 0.6  # a signal matched in a phrase; each symptom's own `signals` weights say the rest


class Entry:
    __slots__ = ("symptom", "phrases", "features")

    def __init__(self, symptom, phrases):
        self.symptom = symptom
        self.phrases = phrases  # [(text, frozenset of features, total weight)]
        self.features = frozenset().union(*(f for _, f, _ in phrases)) if phrases else frozenset()


class Index:
    def __init__(self, catalog: Catalog, cached: dict | None = None):
        """``cached``: what ``export()`` gave for this catalog (the start-up cache), else built here."""
        if cached is None:
            self.compiled = Compiled(catalog)
            self._build(catalog)
        else:
            self.compiled = Compiled(catalog, cached["vocabulary"])
            self.weight = cached["weight"]
            self.raw = cached["raw"]
            self._readings = [(catalog.symptoms[sid], [(t, frozenset(f)) for t, f in phrases])
                              for sid, phrases in cached["phrases"]]
        self.entries = [Entry(s, [(t, f, sum(self.weight[x] for x in f)) for t, f in ps]) for s, ps in self._readings]
        self.by_id = {e.symptom.id: e for e in self.entries}
        self._by_length: dict[int, list[tuple[str, frozenset]]] | None = None

    @property
    def raw_by_length(self) -> dict[int, list[tuple[str, frozenset]]]:
        """Catalog words by length, with their letters: built only when a word may be a typo."""
        if self._by_length is None:
            self._by_length = {}
            for word in self.raw:
                self._by_length.setdefault(len(word), []).append((word, frozenset(word)))
        return self._by_length

    def _build(self, catalog: Catalog) -> None:
        read = self.compiled.read
        plain = Words(frozenset(), frozenset(), frozenset())
        raw: dict[str, str] = {}
        readings = []
        df: dict[str, int] = {}
        for symptom in catalog.symptoms.values():
            texts = [symptom.id.replace("-", " "), symptom.name, *symptom.phrases]
            phrases = [(t, frozenset(read(t).features)) for t in texts]
            readings.append((symptom, [(t, f) for t, f in phrases if f]))
            for feature in frozenset().union(*(f for _, f in phrases)):
                df[feature] = df.get(feature, 0) + 1
            for t in texts:
                for tok in tokens(t, plain):
                    for piece, s in zip(tok.pieces, tok.stems):
                        if len(piece) >= 5 and piece.isalpha() and piece not in catalog.stopwords:
                            raw.setdefault(piece, s)
        n = len(readings)
        weak = {self.compiled._key(w) for w in catalog.vocabulary.weak}
        weak = {k[0] for k in weak if len(k) == 1}
        # Runtime cues choose the language; as evidence for a symptom they weigh like weak words.
        weak |= {stem(k[0]) for k in self.compiled.cues if len(k) == 1}  # cues are kept as written, features stemmed
        # So do level words ("high", "idle"): what they say is read as a signal, in its clause.
        weak |= {k[0] for k in self.compiled.levels if len(k) == 1}
        self.weight = {f: math.log((n + 1) / (d + 0.5)) * (WEAK if f.lstrip("!") in weak else
                                                           SIGNAL if f.startswith("@") else 1.0)
                       for f, d in df.items()}
        self.raw = raw  # catalog words (5 letters or more) -> their stem, for typos
        self._readings = readings

    def export(self) -> dict:
        """Plain JSON data for the start-up cache: everything here that depends on the catalog alone."""
        return {"vocabulary": self.compiled.export(), "weight": dict(sorted(self.weight.items())), "raw": self.raw,
                "phrases": [[s.id, [[t, sorted(f)] for t, f in ps]] for s, ps in self._readings]}


_built: list = []


def index_for(catalog: Catalog) -> Index:
    """The index of this catalog: from the start-up cache when the catalog came from it, else built here."""
    for cat, idx in _built:
        if cat is catalog:
            return idx
    from ..loader import cached_extra

    idx = Index(catalog, cached_extra(catalog, "symptom_index"))
    _built[:] = [(catalog, idx)]
    return idx
