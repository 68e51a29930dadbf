"""The support matrix for a terminal: a grid where it fits (full headings, else letters with a key
under it), else one line per type."""

from __future__ import annotations

import re

from rich.segment import Segment

from . import labels as L
from .widgets import Flow, Span, _Width, rule, token


class MatrixView:
    """The support matrix: a grid with the columns' names where it fits, else with letters for
    headings and a key under it, else one line per type (narrow terminals)."""

    def __init__(self, report: dict):
        self.report = report
        self.notes: list[str] = []
        for row in report["rows"]:
            for col in report["columns"]:
                note = row["notes"].get(col["id"])
                if note and note not in self.notes:
                    self.notes.append(note)

    def mark(self, row: dict, col: dict) -> str:
        if col["id"] not in row["supported"]:
            return ""
        mark = L.CELL_SOURCE_ONLY if col["id"] in row["source_only"] else L.CELL_YES
        note = row["notes"].get(col["id"])
        return mark + (f"[{self.notes.index(note) + 1}]" if note else "")

    def layout(self, short: bool, width: int = 0) -> tuple[int, list[int], list[list[str]]]:
        """The first column's width, each column's width and each heading's lines. Columns start as
        narrow as their longest word or mark; spare width goes to the shortest names first, so that
        as many headings as possible stay on one line."""
        first = max(len(L.PROFILE_TYPE), *(len(r["name"]) for r in self.report["rows"]))
        columns = self.report["columns"]
        names = [L.COLUMN_KEYS[i] if short else col["name"] for i, col in enumerate(columns)]
        cols = [max([len(w) for w in name.split()] + [len(self.mark(r, col)) for r in self.report["rows"]])
                for name, col in zip(names, columns)]
        spare = width - (first + sum(c + 1 for c in cols))
        for i in sorted(range(len(cols)), key=lambda i: len(names[i])):
            need = len(names[i]) - cols[i]
            if 0 < need <= spare:
                cols[i] += need
                spare -= need
        heads = [Flow(name).lines(w) for name, w in zip(names, cols)]
        return first, cols, [["".join(t for t, _, _ in line) for line in head] for head in heads]

    def fits(self, width: int, short: bool) -> bool:
        if short and len(self.report["columns"]) > len(L.COLUMN_KEYS):
            return False
        first, cols, _ = self.layout(short)
        return first + sum(c + 1 for c in cols) <= width

    def short(self, width: int) -> bool | None:
        """False: full headings; True: letters; None: no grid fits."""
        for short in (False, True):
            if self.fits(width, short):
                return short
        return None

    def __rich_console__(self, console, options):
        short = self.short(options.max_width)
        if short is None:
            yield from self.lines(console, options.max_width)
            return
        first, cols, heads = self.layout(short, options.max_width)
        yield from Flow(Span(self.report["title"], "title")).__rich_console__(console, options)
        depth = max(len(h) for h in heads)
        header = console.get_style("table.header")
        for level in range(depth):
            parts = [L.PROFILE_TYPE.ljust(first) if level == depth - 1 else " " * first]
            for head, w in zip(heads, cols):
                word = head[level - (depth - len(head))] if level >= depth - len(head) else ""
                parts.append(word.center(w))
            yield Segment(" ".join(parts).rstrip(), header)
            yield Segment.line()
        yield Segment(rule(console) * (first + sum(c + 1 for c in cols)))
        yield Segment.line()
        for row in self.report["rows"]:
            yield Segment(row["name"].ljust(first), console.get_style("type.name"))
            line = ""
            for col, w in zip(self.report["columns"], cols):
                mark = self.mark(row, col)
                line += " " + mark.center(w)
            line = line.rstrip()
            for part in re.split(r"( +)", line):
                if not part:
                    continue
                style = None if part.isspace() else ("status.source-only" if part.startswith(L.CELL_SOURCE_ONLY)
                                                     else "status.documented")
                yield Segment(part, console.get_style(style) if style else None)
            yield Segment.line()
        if short:
            yield Segment.line()
            yield from self.key().__rich_console__(console, options)

    def key(self) -> Flow:
        """The key to the letter headings."""
        spans: list = []
        for i, col in enumerate(self.report["columns"]):
            spans += [Span("  " if i else ""), token(f"{L.COLUMN_KEYS[i]} {col['name']}", "muted")]
        return Flow(*spans)

    def lines(self, console, width: int):
        yield from Flow(Span(self.report["title"], "title")).__rich_console__(console, _Width(width))
        for row in self.report["rows"]:
            who = [f"{col['name']} {self.mark(row, col)}" for col in self.report["columns"] if self.mark(row, col)]
            spans = [token(row["name"], "type.name"), Span(": ")]
            for i, item in enumerate(who or ["-"]):
                spans += [token(item + ("," if i < len(who) - 1 else ""), None), Span(" ")]
            yield from Flow(*spans, indent=2).__rich_console__(console, _Width(width))
