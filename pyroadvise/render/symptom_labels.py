"""Words of the symptom answer's interface, shared by its table and Markdown renderers.

Kept apart from labels.py so the symptom renderers change on their own. Advice text never lives
here: it comes from the catalog.
"""

CONFIDENCE = "confidence"
FROM_TEXT = "Advising for {name}, from {cues}; pass --lang to change it."
LOW_CONFIDENCE = "Low confidence: the words that decided are weak. If this is not your problem, try one of these:"
ALSO_CLOSE = "Also close:"
TRIAGE = "Which branch are you in?"
CAUTION = "Caution"
EXPLAIN = "Why this answer"
EXPLAIN_WORD = "{word} ({weight})"
EXPLAIN_SIGNAL = "{word} = {signal} ({weight:+})"
EXPLAIN_RANKING = "Ranking: {ranking}"
EXPLAIN_PHRASE = "best phrase of {id}: '{phrase}', {coverage:.0%} of it found"
