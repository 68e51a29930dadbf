"""The registry of catalog validation codes, and the Problem record.

Codes are permanent: never reuse or renumber one. Each has a fixture catalog under
tests/fixtures/catalogs/ that breaks exactly that rule.
"""

from __future__ import annotations

from .model import Record

CODES: dict[str, str] = {
    "CAT001": "catalog directory or required file missing or unreadable",
    "CAT002": "not valid YAML (or not UTF-8)",
    "CAT003": "YAML tag not allowed (only plain strings, numbers, booleans, lists and mappings)",
    "CAT004": "required field missing",
    "CAT005": "unknown field",
    "CAT006": "value of the wrong type",
    "CAT007": "id not in the required format",
    "CAT008": "duplicate id",
    "CAT009": "the same key twice in one mapping",
    "CAT010": "reference to something that does not exist",
    "CAT011": "matrix gap: a row without one cell per column",
    "CAT012": "matrix cell is not Y, S or -",
    "CAT013": "name, alias or phrase claimed twice",
    "CAT014": "unsupported schema_version",
    "CAT015": "supported language and type without an enable step or profile type ID",
    "CAT016": "symptom leaves a language without an answer",
    "CAT017": "text is empty, has surrounding spaces or contains control characters",
    "CAT018": "file name does not match the id or version inside",
    "CAT019": "file too large or too deeply nested",
    "CAT020": "setup snippet inconsistent with its enable steps",
    "CAT021": "profile type appears in no version's matrix",
    "CAT022": "profile type ID not of the form name:sample_type:sample_unit:period_type:period_unit",
    "CAT023": "version not of the form MAJOR.MINOR.PATCH",
    "CAT024": "symptom phrase or vocabulary form that holds no word the matcher reads",
    "CAT025": "vocabulary word that is also a stop word, negation or clause break",
    "CAT026": "doctor check raised by the code but missing from catalog/doctor, or defined there and never raised",
}


class Problem(Record):
    """One thing wrong with a catalog, located as precisely as the loader could."""

    code: str
    file: str
    line: int | None
    message: str

    def where(self) -> str:
        return f"{self.file}:{self.line}" if self.line else self.file

    def __str__(self) -> str:
        return f"{self.code} {self.where()} {self.message}"


def problem(code: str, file: str, line: int | None, message: str) -> Problem:
    """Build a Problem, refusing codes that are not registered (a bug, not a catalog fault)."""
    if code not in CODES:
        raise ValueError(f"unregistered problem code {code!r}")
    return Problem(code, file, line, message)


class CatalogError(Exception):
    """The catalog could not be loaded; carries every problem found."""

    def __init__(self, problems: list[Problem]):
        super().__init__(f"{len(problems)} catalog problem(s)")
        self.problems = sorted(problems, key=lambda p: (p.file, p.line or 0, p.code, p.message))
