"""The symptom engine: free text ("pods keep getting OOM-killed, exit code 137") to the catalog's symptoms.

Pure logic, no Typer and no rich. The pieces, in the order a question goes through them:

- text.py: the sentence as clauses of tokens (case, camelCase, dotted names, units, percentages,
  negation), stemmed with a Snowball stemmer;
- vocabulary.py: the catalog's vocabulary (vocabulary.yaml) applied to those tokens: terms, signals
  with their polarity (CPU high or low, in the clause that names it) and runtime cues;
- index.py: the catalog side, built once per catalog: every phrase as features, weighted by how well
  they tell symptoms apart (an IDF over the catalog's own phrases);
- score.py: the ranking, the confidence and the evidence (``Answer``).
"""

from __future__ import annotations

from .score import Answer, Ranked, answer, rank
from .text import has_words

__all__ = ["Answer", "Ranked", "answer", "rank", "has_words"]
