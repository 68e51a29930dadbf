"""The catalog's vocabulary applied to tokens: features to match on, signals, runtime cues.

A feature is a stem ("leak"), a term ("~oom": every spelling of one idea), a signal ("@cpu-high": a
resource at a level, read in the clause that names the resource) or a negated stem ("!outofmemoryerror").
The same reading is applied to the catalog's phrases and to the user's text, so both sides agree.
"""

from __future__ import annotations

from ..model import Catalog, Record
from .text import Token, Words, stem, tokens


class Reading(Record):
    features: dict[str, str]  # feature -> the words of the text it came from
    signals: dict[str, str]  # signal id -> the words that said it
    cues: dict[str, list[str]]  # language id -> cue words, in the order found


class Compiled:
    """The vocabulary of one catalog, as lookups on stems."""

    def __init__(self, catalog: Catalog):
        vocab = catalog.vocabulary
        self.words = Words(catalog.stopwords, frozenset(w.casefold() for w in vocab.negations),
                           frozenset(w.casefold() for w in vocab.clause_breaks))
        self.terms = self._forms({term: forms for term, forms in vocab.terms.items()})
        self.resources = self._forms(vocab.resources)
        self.levels = self._forms(vocab.levels)
        self.cues = self._forms(vocab.cues)
        self.implied = {self._key(w): res for res, words in vocab.implied.items() for w in words}
        self.percent = dict(vocab.percent)
        self.signals = {(s.resource, s.level): sid for sid, s in vocab.signals.items()}
        self.scale = tuple(vocab.levels)  # a negated level means the other one, on a two-level scale

    def _key(self, form: str) -> tuple[str, ...]:
        toks = tokens(form, Words(frozenset(), frozenset(), frozenset()))
        return tuple(s for t in toks for s in t.stems)

    def _forms(self, groups: dict) -> dict[tuple[str, ...], str]:
        out: dict[tuple[str, ...], str] = {}
        for name, forms in groups.items():
            for form in forms:
                key = self._key(form)
                if key:
                    out.setdefault(key, name)
        return out

    def read(self, text: str) -> Reading:
        toks = tokens(text, self.words)
        features: dict[str, str] = {}
        for tok in toks:
            if tok.stop or tok.percent is not None:
                continue
            mark = "!" if tok.negated else ""
            for piece, s in zip(tok.pieces, tok.stems):
                if piece not in self.words.stopwords:
                    features.setdefault(mark + s, tok.word)
            if len(tok.pieces) > 1:
                features.setdefault(mark + stem("".join(tok.pieces)), tok.word)
                if "." in tok.word:
                    features.setdefault(mark + tok.word, tok.word)
        terms = _find(toks, self.terms)
        for name, (words, negated) in terms.items():
            features.setdefault(("!~" if negated else "~") + name, words)
        signals = self._signals(toks)
        for sid, words in signals.items():
            features.setdefault("@" + sid, words)
        cues: dict[str, list[str]] = {}
        for name, (words, _) in _find(toks, self.cues, every=True).items():
            cues[name] = words
        return Reading(features, signals, cues)

    def _signals(self, toks: list[Token]) -> dict[str, str]:
        found_resources = _find(toks, self.resources, every=True, positions=True)
        found_levels = _find(toks, self.levels, every=True, positions=True)
        resources = [(pos, clause, name, word) for name, hits in found_resources.items() for pos, clause, word, _ in hits]
        levels = [(pos, clause, name, word, neg) for name, hits in found_levels.items() for pos, clause, word, neg in hits]
        for tok in toks:
            if tok.percent is None:
                continue
            for level, threshold in self.percent.items():
                if (tok.percent >= threshold) == (threshold >= 50):
                    levels.append((tok.position, tok.clause, level, tok.word, tok.negated))
        out: dict[str, str] = {}
        clauses = {c for _, c, *_ in levels}
        for clause in clauses:
            here_levels = [lv for lv in levels if lv[1] == clause]
            here_res = [r for r in resources if r[1] == clause]
            paired: dict[int, tuple] = {}
            used: set[int] = set()
            pairs = sorted(((abs(r[0] - lv[0]), r[0], i, j) for i, r in enumerate(here_res)
                            for j, lv in enumerate(here_levels)))
            for _, _, i, j in pairs:
                if i in paired or j in used:
                    continue
                paired[i] = here_levels[j]
                used.add(j)
            for i, r in enumerate(here_res):
                lv = paired.get(i) or min(here_levels, key=lambda lv: abs(lv[0] - r[0]))
                self._signal(out, r[2], lv, f"{r[3]} {lv[3]}" if r[0] < lv[0] else f"{lv[3]} {r[3]}")
            for j, lv in enumerate(here_levels):
                if j in used or here_res:
                    continue
                resource = self.implied.get(self._key(lv[3]))
                if resource:
                    self._signal(out, resource, lv, lv[3])
        return out

    def _signal(self, out: dict[str, str], resource: str, level: tuple, words: str) -> None:
        name = level[2]
        if level[4]:  # negated: the other level of a two-level scale
            if len(self.scale) != 2:
                return
            name = self.scale[1] if name == self.scale[0] else self.scale[0]
            words = "not " + words
        sid = self.signals.get((resource, name))
        if sid:
            out.setdefault(sid, words)


def _find(toks: list[Token], forms: dict[tuple[str, ...], str], every: bool = False, positions: bool = False):
    """Where forms occur: over the stream of piece stems (consecutive, within a clause), and whole words.

    Returns name -> (words, negated), or with ``positions`` name -> [(position, clause, words, negated)].
    With ``every`` a cue or level found several times is kept each time (positions) or once (words listed)."""
    longest = max((len(k) for k in forms), default=0)
    stream = [(s, t) for t in toks if t.percent is None for s in t.stems]
    found: dict = {}
    i = 0
    while i < len(stream):
        hit = None
        tok = stream[i][1]
        if len(tok.pieces) > 1 and stream[i][0] == tok.stems[0] and (i == 0 or stream[i - 1][1] is not tok):
            name = forms.get((stem("".join(tok.pieces)),)) or forms.get((tok.word,))
            if name is not None:  # the whole word first: "JavaScript" is not "Java"
                hit = (name, len(tok.pieces), stream[i:i + len(tok.pieces)])
        for size in range(min(longest, len(stream) - i), 0, -1):
            if hit is not None:
                break
            window = stream[i:i + size]
            if len({t.clause for _, t in window}) > 1:
                continue
            name = forms.get(tuple(s for s, _ in window))
            if name is not None:
                hit = (name, size, window)
        if hit is None:
            i += 1
            continue
        name, size, window = hit
        first = window[0][1]
        words = " ".join(dict.fromkeys(t.word for _, t in window))
        if positions:
            found.setdefault(name, []).append((first.position, first.clause, words, first.negated))
        elif every:
            found.setdefault(name, ([], False))[0].append(words)
        else:
            found.setdefault(name, (words, first.negated))
        i += size
    return found
