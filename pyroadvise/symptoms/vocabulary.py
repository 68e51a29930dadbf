"""The catalog's vocabulary applied to tokens: features to match on, signals, runtime cues.

A feature is a stem ("leak"), a term ("~oom": every spelling of one idea), a signal ("@cpu-high": a
resource at a level, read in the clause that names the resource) or a negated stem ("!outofmemoryerror").
The same reading is applied to the catalog's phrases and to the user's text, so both sides agree.
"""

from __future__ import annotations

from ..model import Catalog, Record
from .text import Token, Words, keep, stem, tokens


class Reading(Record):
    features: dict[str, str]  # feature -> the words of the text it came from
    signals: dict[str, str]  # signal id -> the words that said it
    cues: dict[str, list[str]]  # language id -> cue words, in the order found
    named: dict[str, frozenset[str]]  # language id -> the extra pieces of its own names ("node", "js" of "node.js")


class Compiled:
    """The vocabulary of one catalog, as lookups on stems."""

    TABLES = ("terms", "resources", "levels", "cues", "implied", "scoped", "shares", "names")

    def __init__(self, catalog: Catalog, cached: dict | None = None):
        """``cached``: the tables as ``export()`` gave them (the start-up cache), else built here."""
        vocab = catalog.vocabulary
        keep(vocab.unstemmed)
        self.words = Words(catalog.stopwords, frozenset(w.casefold() for w in vocab.negations),
                           frozenset(w.casefold() for w in vocab.clause_breaks))
        if cached is not None:
            for table in self.TABLES:
                setattr(self, table, {tuple(key): (tuple(name) if isinstance(name, list) else name)
                                      for key, name in cached[table]})
        else:
            self.terms = self._forms(vocab.terms)
            self.resources = self._forms(vocab.resources)
            self.levels = self._forms(vocab.levels)
            self.cues = self._forms(vocab.cues, exact=True)  # "nodes" (of a cluster) is not "node"
            self.implied = {(("%",) if w == "%" else self._key(w)): res
                            for res, words in vocab.implied.items() for w in words}
            scoped: dict[tuple[str, ...], tuple[str, ...]] = {}
            for res, words in vocab.scoped.items():  # "slower" is about latency, never about CPU
                for w in words:
                    key = self._key(w)
                    scoped[key] = (*scoped.get(key, ()), res)
            self.scoped = scoped
            self.shares = self._forms({"share": vocab.shares})
            # The runtime's own names (its id, name and aliases in languages/): "Node.js", "JVM", ".NET".
            self.names = self._forms({lang.id: (lang.id, lang.name, *lang.aliases)
                                      for lang in catalog.languages.values()}, exact=True)
        self.percent = dict(vocab.percent)
        self.signals = {(s.resource, s.level): sid for sid, s in vocab.signals.items()}
        self.resource_of = {sid: s.resource for sid, s in vocab.signals.items()}
        self.percent_of = frozenset(vocab.percent_of)
        self.scale = tuple(vocab.levels)  # a negated level means the other one, on a two-level scale

    def export(self) -> dict:
        return {table: [[list(key), name] for key, name in getattr(self, table).items()] for table in self.TABLES}

    def _key(self, form: str, exact: bool = False) -> tuple[str, ...]:
        toks = tokens(form, Words(frozenset(), frozenset(), frozenset()))
        return tuple(s for t in toks for s in (t.pieces if exact else t.stems))

    def _forms(self, groups: dict, exact: bool = False) -> dict[tuple[str, ...], str]:
        out: dict[tuple[str, ...], str] = {}
        for name, forms in groups.items():
            for form in forms:
                key = self._key(form, exact)
                if key:
                    out.setdefault(key, name)
        return out

    def read(self, text: str) -> Reading:
        toks = tokens(text, self.words)
        terms = _find(toks, self.terms)
        consumed = {pos for _, _, positions in terms.values() for pos in positions}
        signals = self._signals(toks)
        found_cues = _find(toks, self.cues, every=True, exact=True)
        features: dict[str, str] = {}
        made: dict[str, set[int]] = {}  # plain feature -> the tokens that gave it

        def add(feature: str, tok: Token) -> None:
            features.setdefault(feature, tok.raw)
            made.setdefault(feature, set()).add(tok.position)

        for tok in toks:
            if tok.stop or tok.percent is not None:
                continue
            mark = "!" if tok.negated else ""
            whole = all((tok.position, k) in consumed for k in range(len(tok.pieces)))
            for k, (piece, s) in enumerate(zip(tok.pieces, tok.stems)):
                if (tok.position, k) in consumed:
                    continue  # a word that is part of a term counts as the term only
                if piece not in self.words.stopwords and len(piece) > 1 and not piece.isdigit():
                    add(mark + s, tok)
            if len(tok.pieces) > 1 and not whole:
                add(mark + stem("".join(tok.pieces)), tok)
                if "." in tok.word:
                    add(mark + tok.word, tok)
        for name, (words, negated, _) in terms.items():
            features.setdefault(("!~" if negated else "~") + name, words)
        for sid, words in signals.items():
            features.setdefault("@" + sid, words)
        cues: dict[str, list[str]] = {}
        named: dict[str, frozenset[str]] = {}
        for name, (words, _, positions) in found_cues.items():
            cues[name] = words
            # Only where a cue is the runtime's own name in one word of several pieces ("node.js", "asp.net"):
            # it counts once, as its joined form, not once per piece. An API named ("sync.Mutex") stays whole.
            at = {pos for pos, _ in positions if len(toks[pos].pieces) > 1 and
                  (self.names.get(toks[pos].pieces) == name or self.names.get((toks[pos].word,)) == name)}
            joined = {stem("".join(toks[pos].pieces)) for pos in at}
            named[name] = frozenset(f for f, where in made.items() if where <= at and f.lstrip("!") not in joined)
        return Reading(features, signals, cues, named)

    def _signals(self, toks: list[Token]) -> dict[str, str]:
        """Signal id -> the words that said it. A level pairs with the nearest resource of its clause."""
        found_resources = _find(toks, self.resources, every=True, positions=True)
        found_levels = _find(toks, self.levels, every=True, positions=True)
        resources = [(pos, clause, name, word) for name, hits in found_resources.items() for pos, clause, word, _, _ in hits]
        levels = [(pos, clause, name, word, neg, span) for name, hits in found_levels.items()
                  for pos, clause, word, neg, span in hits]
        if self.percent:  # a percentage at or above the highest threshold is that level; below the lowest, that one
            top, bottom = max(self.percent, key=self.percent.get), min(self.percent, key=self.percent.get)
            shares = _find(toks, self.shares, positions=True) if self.shares else {}
            share_at = {hit[0] - 1 for hits in shares.values() for hit in hits}  # "11.8% of run time": a share
            for tok in toks:
                if tok.position in share_at:
                    continue
                if tok.percent is not None and (tok.percent >= self.percent[top] or tok.percent < self.percent[bottom]):
                    level = top if tok.percent >= self.percent[top] else bottom
                    levels.append((tok.position, tok.clause, level, tok.raw, tok.negated, 1))
        out: dict[str, str] = {}
        for clause in sorted({c for _, c, *_ in levels}):
            here_levels = [lv for lv in levels if lv[1] == clause]
            here_res = [r for r in resources if r[1] == clause]
            if _torn(here_res, here_levels):
                continue  # one resource, said to be high and low right next to it ("high idle CPU")
            paired: dict[int, tuple] = {}
            used: set[int] = set()
            pairs = sorted(((abs(r[0] - lv[0]), r[0], i, j) for i, r in enumerate(here_res)
                            for j, lv in enumerate(here_levels) if self._fits(r, lv)))
            for _, _, i, j in pairs:
                if i in paired or j in used:
                    continue
                paired[i] = here_levels[j]
                used.add(j)
            for i, r in enumerate(here_res):
                lv = paired.get(i)
                if lv is None:  # "disk and memory are low": a resource joined to a paired one shares its level
                    lv = next((paired[k] for k in paired if _joined(toks, here_res[k][0], r[0])
                               and self._fits(r, paired[k])), None)
                if lv is not None:
                    self._signal(out, r[2], lv, f"{r[3]} {lv[3]}" if r[0] < lv[0] else f"{lv[3]} {r[3]}")
            for j, lv in enumerate(here_levels):
                if j in used:  # a level left over names its implied resource ("threads busy crunching")
                    continue
                resource = self.implied.get(self._key(lv[3]))
                if resource:
                    self._signal(out, resource, lv, lv[3])
        return out

    def _fits(self, resource: tuple, level: tuple) -> bool:
        """A percentage reads only on the resources measured in percent; a scoped level word only on its own."""
        if level[3].endswith("%"):
            return not (self.percent_of and resource[2] not in self.percent_of)
        scope = self.scoped.get(self._key(level[3])) if self.scoped else None
        return scope is None or resource[2] in scope

    def _signal(self, out: dict[str, str], resource: str, level: tuple, words: str) -> None:
        name = level[2]
        if level[4]:  # negated: the other level of a two-level scale
            if len(self.scale) != 2:
                return
            name = self.scale[1] if name == self.scale[0] else self.scale[0]
            words = "not " + words
        sid = self.signals.get((resource, name))
        if sid and not any(self.resource_of[o] == resource for o in out):
            out[sid] = words  # the first reading of a resource stands ("100% CPU ... then idles")


def _torn(resources: list[tuple], levels: list[tuple]) -> bool:
    """One resource with its two nearest level words, both within two words of it, saying opposite things."""
    if len({r[2] for r in resources}) != 1 or len(levels) < 2:
        return False
    at = resources[0][0]
    near = sorted(levels, key=lambda lv: abs(lv[0] - at))[:2]
    return all(abs(lv[0] - at) <= 2 for lv in near) and (near[0][2], near[0][4]) != (near[1][2], near[1][4])


def _joined(toks: list[Token], a: int, b: int) -> bool:
    """Whether only stop words ("and", "or") stand between two token positions."""
    lo, hi = sorted((a, b))
    return all(t.stop for t in toks if lo < t.position < hi)


_LONGEST: dict[int, int] = {}


def _longest(forms: dict) -> int:
    found = _LONGEST.get(id(forms))
    if found is None:
        found = _LONGEST[id(forms)] = max((len(k) for k in forms), default=0)
    return found


def _find(toks: list[Token], forms: dict[tuple[str, ...], str], every: bool = False, positions: bool = False,
          exact: bool = False):
    """Where forms occur: over the stream of piece stems (consecutive, within a clause), and whole words.

    Returns name -> (words, negated, positions of the tokens it covers), or with ``positions`` name -> [(position, clause, words, negated)].
    With ``every`` a cue or level found several times is kept each time (positions) or once (words listed)."""
    longest = _longest(forms)
    stream = [(s, t, k) for t in toks if t.percent is None for k, s in enumerate(t.pieces if exact else t.stems)]
    found: dict = {}
    i = 0
    while i < len(stream):
        hit = None
        tok = stream[i][1]
        if len(tok.pieces) > 1 and stream[i][2] == 0:
            joined = "".join(tok.pieces)
            name = forms.get((joined if exact else stem(joined),)) or forms.get((tok.word,))
            if name is not None:  # the whole word first: "JavaScript" is not "Java"
                hit = (name, len(tok.pieces), stream[i:i + len(tok.pieces)])
        for size in range(min(longest, len(stream) - i), 0, -1):
            if hit is not None:
                break
            window = stream[i:i + size]
            if len({t.clause for _, t, _ in window}) > 1:
                continue
            name = forms.get(tuple(s for s, _, _ in window))
            if name is not None:
                hit = (name, size, window)
        if hit is None:
            i += 1
            continue
        name, size, window = hit
        first = window[0][1]
        words = " ".join(dict.fromkeys(t.raw for _, t, _ in window))
        if positions:
            span = window[-1][1].position - first.position + 1
            found.setdefault(name, []).append((first.position, first.clause, words, first.negated, span))
        elif every:
            found.setdefault(name, ([], False, set()))[0].append(words)
        else:
            found.setdefault(name, (words, first.negated, set()))
        if not positions:
            found[name][2].update((t.position, k) for _, t, k in window)
        i += size
    return found
