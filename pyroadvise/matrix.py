"""Reading the support matrix: what a language has at a version, and what changed between versions."""

from __future__ import annotations

from . import model as m


def available_types(version: m.Version, language: str) -> dict[str, list[tuple[m.Column, m.Cell]]]:
    """The types a language has at a version, each with the columns (collection methods) that have it."""
    out: dict[str, list[tuple[m.Column, m.Cell]]] = {}
    for type_id, cells in version.rows.items():
        for cell, col in zip(cells, version.columns):
            if col.language == language and cell.status != m.NONE:
                out.setdefault(type_id, []).append((col, cell))
    return out


def availability(version: m.Version, languages) -> dict[str, set[str]]:
    """For every language, the types it has at a version: one pass over the matrix."""
    out: dict[str, set[str]] = {lang: set() for lang in languages}
    for type_id, cells in version.rows.items():
        for cell, col in zip(cells, version.columns):
            if cell.status != m.NONE and col.language in out:
                out[col.language].add(type_id)
    return out


def languages_with(version: m.Version, type_id: str) -> list[str]:
    """Language ids that have a type at a version, in column order."""
    out: list[str] = []
    for cell, col in zip(version.rows.get(type_id, ()), version.columns):
        if cell.status != m.NONE and col.language not in out:
            out.append(col.language)
    return out
