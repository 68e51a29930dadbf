"""A sentence as tokens: folded, split into clauses, stemmed, with negation marked.

Issue-title prefixes, markup and backticks are punctuation here; curly quotes are folded;
``OOMKilled``, ``java.lang.OutOfMemoryError``, ``go_goroutines`` and ``OOM-killed`` give their pieces
and their joined form; ``2GB`` gives the unit, ``100%`` a percentage. Which words are stop words,
negations or clause breaks comes from the catalog (``Words``), never from here.
"""

from __future__ import annotations

import re
import unicodedata

from ..model import Record

_FOLD = str.maketrans({"\u2019": "'", "\u2018": "'", "\u02bc": "'", "\u00b4": "'", "`": " ", "\u201c": '"',
                       "\u201d": '"', "\u2013": ",", "\u2014": ",", "\u2026": "."})
_URL = re.compile(r"\bhttps?://\S+")
_POSSESSIVE = re.compile(r"(?<=[^\W_])'s\b", re.IGNORECASE)
_APOSTROPHE = re.compile(r"(?<=[^\W_])'(?=[^\W_])")
_PIECE = r"[^\W_]+"
_TOKENS = re.compile(
    r"(?P<pct>\d+(?:[.,]\d+)?)\s*(?:%|percent\b|pct\b)"
    rf"|(?P<word>(?:(?<![\w.])\.(?=[^\W\d_]))?{_PIECE}(?:[._\-/+#]+{_PIECE})*[+#]*)"
    r"|(?P<brk>[,;:!?()\[\]{}|\"]|\.(?!\w)|\s-\s)"  # "<", ">" and "=" join a reading ("memory > 90%")
)
_JOINERS = re.compile(r"[._\-/]+")
_CAMEL = re.compile(r"[A-Z]+(?=[A-Z][a-z])|[A-Z]?[a-z0-9]+|[A-Z0-9]+|[^\W_]+")
_NUMBER_UNIT = re.compile(r"(\d+(?:[.,]\d+)?)([^\W\d_]*)")

_stemmer = None
_stems: dict[str, str] = {}


def stem(word: str) -> str:
    """The Snowball (Porter2) stem of a lower-case word; digits and short words are kept as they are."""
    found = _stems.get(word)
    if found is None:
        global _stemmer
        if _stemmer is None:
            import Stemmer  # PyStemmer: the C Snowball stemmers, under a millisecond to import

            _stemmer = Stemmer.Stemmer("english")
        found = _stems[word] = word if len(word) < 4 or not word.isalpha() else _stemmer.stemWord(word)
    return found


def keep(words) -> None:
    """Words the stemmer must leave as written: "synchronous" is not "synchronized" (both stem to "synchron")."""
    for word in words:
        _stems[word.casefold()] = word.casefold()


class Words(Record):
    """The catalog's word lists that shape tokenising (all folded to lower case)."""

    stopwords: frozenset[str]
    negations: frozenset[str]
    breaks: frozenset[str]


class Token(Record):
    raw: str  # as written ("OOMKilled")
    word: str  # lower case ("oomkilled", "java.lang.outofmemoryerror", "gb")
    pieces: tuple[str, ...]  # its parts ("oom", "killed"); (word,) when it has none
    stems: tuple[str, ...]  # stems of the pieces
    clause: int
    position: int  # index among the tokens of the whole text
    negated: bool
    stop: bool
    percent: float | None  # for "100%", the number


def fold(text: str) -> str:
    text = unicodedata.normalize("NFKC", text).translate(_FOLD)
    text = _URL.sub(" ", text)
    text = _POSSESSIVE.sub("", text)
    return _APOSTROPHE.sub("", text)


def _pieces(chunk: str) -> list[str]:
    out: list[str] = []
    number = _NUMBER_UNIT.fullmatch(chunk)
    if number:  # "1.5s", "2GB", "200ms": the number, then the unit
        return [number.group(1)] + ([number.group(2).casefold()] if number.group(2) else [])
    for part in _JOINERS.split(chunk.strip("+#") or chunk):
        if not part:
            continue
        number = _NUMBER_UNIT.fullmatch(part)
        if number:
            out += [number.group(1)] + ([number.group(2).casefold()] if number.group(2) else [])
            continue
        out += [p.casefold() for p in _CAMEL.findall(part)]
    return out


def tokens(text: str, words: Words, scope: int = 2) -> list[Token]:
    """Every token of the text. A negation marks the next ``scope`` words of its clause (not stop words)."""
    out: list[Token] = []
    clause = 0
    negate = 0
    for match in _TOKENS.finditer(fold(text)):
        if match.lastgroup == "brk":
            clause += 1
            negate = 0
            continue
        if match.lastgroup == "pct":
            value = float(match.group("pct").replace(",", "."))
            out.append(Token(match.group(0), match.group(0), ("%",), ("%",), clause, len(out), negate > 0, False, value))
            negate = max(0, negate - 1)
            continue
        chunk = match.group("word")
        word = chunk.casefold()
        if word in words.breaks:
            clause += 1
            negate = 0
            continue
        if word in words.negations:
            negate = scope
            continue
        if word[0] == "." and "." not in word[1:]:
            pieces: tuple[str, ...] = (word,)  # ".net" is a name, not "net"
        else:
            pieces = (word,) if word[-1] in "+#" else tuple(_pieces(chunk)) or (word,)
        stop = word in words.stopwords or all(p in words.stopwords for p in pieces)
        out.append(Token(chunk, word, pieces, tuple(p if p[-1] in "+#" or p[0] == "." else stem(p) for p in pieces), clause, len(out), negate > 0 and not stop,
                         stop, None))
        if negate and not stop:
            negate -= 1
    return out


def has_words(text: str) -> bool:
    """Whether the text holds anything but punctuation and spaces."""
    return bool(_TOKENS.search(fold(text)) and re.search(r"[^\W_]", fold(text)))
