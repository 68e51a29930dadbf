"""Match free text ("memory keeps growing", "deadlok") to the catalog's symptoms.

Each symptom is known by its id, its name and its phrases. Text is folded to lower-case word tokens
(catalog stopwords dropped). Every query token is compared with every word of the catalog's
vocabulary once: the same word scores 1, a typo (one edit, or two in a long word) or a shared stem
scores less. A phrase then scores like a Dice coefficient over its matched words, and a symptom
scores as its best phrase.
"""

from __future__ import annotations

import re
import unicodedata
from typing import NamedTuple

from . import model as m

_WORD = re.compile(r"[^\W_]+")

MIN_SCORE = 0.5  # below this, nothing matches
CLOSE = 0.12  # other symptoms within this of the best are offered as alternatives

TYPO_1 = 0.85
TYPO_2 = 0.7
STEM = 0.75


class Match(NamedTuple):
    symptom: str
    score: float
    phrase: str


def words(text: str) -> list[str]:
    return _WORD.findall(unicodedata.normalize("NFKC", text).casefold())


def _edits(a: str, b: str, limit: int) -> int:
    """Optimal string alignment distance, or limit + 1 when it is larger than limit."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    prev2: list[int] = []
    prev = list(range(len(b) + 1))
    for i in range(1, len(a) + 1):
        cur = [i] + [0] * len(b)
        for j in range(1, len(b) + 1):
            cost = a[i - 1] != b[j - 1]
            cur[j] = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost)
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                cur[j] = min(cur[j], prev2[j - 2] + 1)
        if min(cur) > limit:
            return limit + 1
        prev2, prev = prev, cur
    return prev[-1]


def _similarity(query: str, word: str, letters: set[str], word_letters: set[str]) -> float:
    if query == word:
        return 1.0
    shorter = min(len(query), len(word))
    if shorter < 4 or abs(len(query) - len(word)) > 2 and not (word.startswith(query) or query.startswith(word)):
        return 0.0
    if word.startswith(query) or query.startswith(word):
        return STEM
    if len(letters ^ word_letters) > 4:  # cheap reject: two edits change at most 4 letters
        return 0.0
    distance = _edits(query, word, 2)
    if distance == 1:
        return TYPO_1
    if distance == 2 and shorter >= 7:
        return TYPO_2
    return 0.0


def _candidates(symptom: m.Symptom) -> list[str]:
    return [symptom.id.replace("-", " "), symptom.name, *symptom.phrases]


def rank(catalog: m.Catalog, text: str) -> list[Match]:
    """Every symptom with a score above zero, best first (catalog order breaks ties)."""
    stop = catalog.stopwords
    query = [w for w in words(text) if w not in stop] or words(text)
    if not query:
        return []
    phrases = [(s.id, c, ws) for s in catalog.symptoms.values() for c in _candidates(s)
               if (ws := [w for w in words(c) if w not in stop] or words(c))]
    vocabulary = {w: set(w) for _, _, ws in phrases for w in ws}
    weight: dict[tuple[str, str], float] = {}
    for q in set(query):
        q_letters = set(q)
        for w, letters in vocabulary.items():
            weight[(q, w)] = _similarity(q, w, q_letters, letters)
    best_for_word = {w: max(weight[(q, w)] for q in query) for w in vocabulary}
    best: dict[str, Match] = {}
    for symptom_id, phrase, phrase_words in phrases:
        matched_phrase = sum(best_for_word[w] for w in phrase_words)
        if not matched_phrase:
            continue  # shares no word with the query
        matched_query = sum(max(weight[(q, w)] for w in phrase_words) for q in query)
        score = (matched_phrase + matched_query) / (len(phrase_words) + len(query))
        if score > best.get(symptom_id, Match(symptom_id, 0.0, "")).score:
            best[symptom_id] = Match(symptom_id, round(score, 3), phrase)
    order = {s: i for i, s in enumerate(catalog.symptoms)}
    return sorted(best.values(), key=lambda mt: (-mt.score, order[mt.symptom]))
