"""Renderables that choose their layout from the width they get: a table where it fits, else lines."""

from __future__ import annotations

from rich.text import Text

from . import labels as L


STACK_BELOW = 72  # narrower than this, rows are stacked: a heading line, then the details below it


class Rows:
    """Rows of (heading cells, details): a table where there is room, else stacked blocks."""

    def __init__(self, headers: tuple[str, ...], rows: list[tuple[list[Text], Text, Text]]):
        self.headers = headers
        self.rows = rows  # (cells for the table's leading columns, the same as one line, details)

    def __rich_console__(self, console, options):
        if options.max_width >= STACK_BELOW:
            from .tables import _table

            table = _table(*self.headers, narrow_first=True)
            for cells, _, details in self.rows:
                table.add_row(*cells, details)
            yield table
            return
        out = Text()
        for _, heading, details in self.rows:
            if out:
                out.append("\n\n")
            out.append_text(heading)
            out.append("\n")
            out.append_text(details)
        yield out


class MatrixView:
    """The support matrix: a table where it fits, else one line per type (narrow terminals)."""

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

    def __rich_console__(self, console, options):
        table = self.table()
        lines = console.render_lines(table, options, pad=False)
        rendered = [" ".join("".join(segment.text for segment in line).split()) for line in lines]
        words = {w for col in self.report["columns"] for w in col["name"].split()}
        words |= {self.mark(row, col) for row in self.report["rows"] for col in self.report["columns"]} - {""}
        # A table that had to break a header word or a cell, or crop a column, reads worse than a list.
        found = {w for line in rendered for w in line.split()}
        yield table if words <= found else self.lines()

    def table(self):
        from .tables import _table

        table = _table(L.PROFILE_TYPE, title=self.report["title"])
        table.columns[0].no_wrap = True  # names are short; never break them mid-word
        for col in self.report["columns"]:
            longest_word = max(len(word) for word in col["name"].split())
            table.add_column(col["name"], overflow="fold", justify="center", vertical="top", min_width=longest_word)
        for row in self.report["rows"]:
            cells = [Text(row["name"], style="type.name")]
            for col in self.report["columns"]:
                mark = self.mark(row, col)
                cells.append(Text(mark, style="status.source-only" if mark.startswith(L.CELL_SOURCE_ONLY)
                                  else "status.documented"))
            table.add_row(*cells)
        return table

    def lines(self) -> Text:
        text = Text(self.report["title"], style="title")
        for row in self.report["rows"]:
            text.append("\n")
            text.append(row["name"], style="type.name")
            who = [f"{col['name']} {self.mark(row, col)}" for col in self.report["columns"] if self.mark(row, col)]
            text.append(": " + (", ".join(who) or "-"))
        return text


