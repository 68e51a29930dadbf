"""Renderables that keep copyable tokens whole and choose their layout from the width they get.

The one rule of every view: prose wraps at its spaces, a token (a profile type ID, a setting, a
command, a path, a URL) never breaks; a token longer than the line overflows it rather than being
split. `Flow` is that rule; `Rows`, `Grid` and `MatrixView` lay Flows out in columns where the
columns fit and stack them where they do not. Nothing here imports tables.py (which imports this).
"""

from __future__ import annotations

import re
from typing import NamedTuple

from rich.measure import Measurement
from rich.segment import Segment
from rich.style import Style
from rich.text import Text

from . import labels as L

STACK_BELOW = 72  # narrower than this, rows are stacked: a heading line, then the details below it
GAP = 2  # spaces between columns
NARROW_INDENT = 2  # details under their heading, when columns do not fit


class Span(NamedTuple):
    text: str
    style: str | None = None
    token: bool = False  # never broken, not even at a space in it (a command)
    link: str | None = None


def token(text: str, style: str | None = "code", link: str | None = None) -> Span:
    return Span(text, style, True, link)


def code(text: str) -> Span:
    """A setting: one token when it is one word; a phrase such as `a() or b()` wraps at its spaces
    (each of its words still whole)."""
    return token(text) if " " not in text.strip() else Span(text, "code")


_BREAK = re.compile(r"( +|\n)")


class Flow:
    """A paragraph of prose and tokens, wrapped at prose spaces only; `indent` for continuation lines."""

    def __init__(self, *spans, indent: int = 0):
        self.spans = [Span(s) if isinstance(s, str) else s for s in spans if s]
        self.indent = indent

    def __bool__(self) -> bool:
        return any(s.text for s in self.spans)

    def words(self) -> list:
        """Unbreakable words as (pieces, spaces before it); a piece is (text, style, link); None
        marks a forced line break."""
        out: list = []
        word: list = []
        gap = 0
        for span in self.spans:
            parts = [span.text] if span.token else _BREAK.split(span.text)
            for i, part in enumerate(parts):
                if i % 2:  # a separator: spaces or a newline
                    if word:
                        out.append((word, gap))
                        word, gap = [], 0
                    if part == "\n":
                        out.append(None)
                        gap = 0
                    else:
                        gap += len(part)
                elif part:
                    word.append((part, span.style, span.link))
        if word:
            out.append((word, gap))
        return out

    def lines(self, width: int) -> list[list]:
        lines: list[list] = [[]]
        used, fresh = 0, True
        for item in self.words():
            if item is None:
                lines.append([])
                used, fresh = 0, True
                continue
            word, gap = item
            size = sum(len(text) for text, _, _ in word)
            gap = gap if fresh else max(gap, 1)  # spaces at the start of a line indent it
            if not fresh and used + gap + size > width:
                lines.append([(" " * self.indent, None, None)] if self.indent else [])
                used, gap = self.indent, 0
            if gap:
                lines[-1].append((" " * gap, None, None))
            lines[-1].extend(word)
            used += gap + size
            fresh = False
        return lines

    def widest_word(self) -> int:
        return max((sum(len(t) for t, _, _ in w[0]) for w in self.words() if w), default=0) + self.indent

    def length(self) -> int:
        return max((sum(len(t) for t, _, _ in line) for line in self.lines(10**6)), default=0)

    def __rich_measure__(self, console, options) -> Measurement:
        return Measurement(min(self.widest_word(), options.max_width), min(self.length(), options.max_width))

    def render_lines(self, console, width: int) -> list[list[Segment]]:
        links = _links_wanted(console)
        return [[Segment(text, _style(console, style, link if links else None)) for text, style, link in line]
                for line in self.lines(width)]

    def __rich_console__(self, console, options):
        for line in self.render_lines(console, options.max_width):
            yield from line
            yield Segment.line()


def _links_wanted(console) -> bool:
    """OSC 8 links only on a real terminal: not into a pipe or a file, even with colour forced."""
    isatty = getattr(console.file, "isatty", None)
    try:
        return bool(isatty and isatty())
    except ValueError:  # a closed file
        return False


def _style(console, style: str | None, link: str | None):
    base = console.get_style(style) if style else Style()
    return base + Style(link=link) if link else (base if style else None)


def flow_of(value, style: str | None = None) -> Flow:
    """A Flow from a Flow, a rich Text (its styles kept, its words unbroken) or any value."""
    if isinstance(value, Flow):
        return value
    if isinstance(value, Text):
        cuts = sorted({0, len(value.plain)} | {i for sp in value.spans for i in (sp.start, sp.end)})
        spans = []
        for a, b in zip(cuts, cuts[1:]):
            styles = [sp.style for sp in value.spans if sp.start <= a and sp.end >= b]
            spans.append(Span(value.plain[a:b], str(styles[-1]) if styles else (str(value.style) or style)))
        return Flow(*spans)
    return Flow(Span(str(value), style))


def _width(segments: list[Segment]) -> int:
    return sum(len(s.text) for s in segments)


class Rows:
    """Rows of (heading, details): two columns where the details' longest token fits beside the
    headings, else stacked blocks (a heading line, the details below it)."""

    def __init__(self, headers: tuple[str, ...], rows: list[tuple], *, stacked_gap: bool = True,
                 headers_shown: bool = True, min_width: int = STACK_BELOW, inline: bool = False):
        if len(headers) > 2:  # (leading cells, the same as one line, details): the leading cells stacked
            headers = ("  ".join(headers[:-1]), headers[-1])
            rows = [(_joined(cells), details) for cells, _, details in rows]
        self.headers = headers
        self.rows = [(flow_of(head), flow_of(details)) for head, details in rows]
        self.stacked_gap = stacked_gap  # a blank line between stacked blocks
        self.headers_shown = headers_shown
        self.min_width = min_width  # narrower than this, stacked
        self.inline = inline  # stacked as "heading: details" (labelled facts), not on lines of their own

    def head_width(self) -> int:
        return max([len(self.headers[0])] + [flow_of(h).length() for h, _ in self.rows])

    def side_by_side(self, width: int) -> bool:
        left = min(self.head_width(), 24)
        need = max((flow_of(d).widest_word() for _, d in self.rows), default=0)
        words = max((flow_of(h).widest_word() for h, _ in self.rows), default=0)
        return width >= self.min_width and left + GAP + need <= width and words <= left

    def __rich_console__(self, console, options):
        width = options.max_width
        if self.side_by_side(width):
            yield from self.columns(console, width)
        else:
            yield from self.stacked(console, width)

    def columns(self, console, width: int):
        left = min(self.head_width(), 24)
        right = width - left - GAP
        used = [len(self.headers[0]), len(self.headers[1])]
        body = []
        for head, details in self.rows:
            hl = flow_of(head).render_lines(console, left)
            dl = flow_of(details).render_lines(console, right)
            used[1] = max([used[1]] + [_width(line) for line in dl])
            body.append((hl, dl))
        if self.headers_shown:
            title = console.get_style("table.header")
            yield Segment(self.headers[0].ljust(left + GAP), title)
            yield Segment(self.headers[1], title)
            yield Segment.line()
            yield Segment(rule(console) * (left + GAP + used[1]))
            yield Segment.line()
        for hl, dl in body:
            for i in range(max(len(hl), len(dl))):
                h = hl[i] if i < len(hl) else []
                d = dl[i] if i < len(dl) else []
                yield from h
                if d:
                    yield Segment(" " * (left + GAP - _width(h)))
                    yield from d
                yield Segment.line()

    def stacked(self, console, width: int):
        for n, (head, details) in enumerate(self.rows):
            if n and self.stacked_gap:
                yield Segment.line()
            if self.inline:
                joined = Flow(*head.spans, Span(": ", head.spans[-1].style if head.spans else None), *details.spans,
                              indent=2)
                for line in joined.render_lines(console, width):
                    yield from line
                    yield Segment.line()
                continue
            for line in flow_of(head).render_lines(console, width):
                yield from line
                yield Segment.line()
            for line in flow_of(details).render_lines(console, width):
                yield from line
                yield Segment.line()


def _joined(cells: list) -> Flow:
    spans: list = []
    for cell in cells:
        spans += ([Span(" ")] if spans else []) + flow_of(cell).spans
    return Flow(*spans)


def rule(console) -> str:
    return "-" if console.options.ascii_only else "─"


class Grid:
    """Aligned columns of tokens, one line per row, where they fit; else the first two columns
    aligned and each later cell on a line of its own under the second; else each row as one
    wrapped paragraph, indented under its first cell."""

    def __init__(self, rows: list[list[Flow]], indent: int = 4, header: bool = False):
        self.rows = rows
        self.indent = indent
        self.header = header  # the first row names the columns: kept on one line

    def widths(self) -> list[int]:
        count = max(len(r) for r in self.rows)
        return [max((r[i].length() for r in self.rows if i < len(r)), default=0) for i in range(count)]

    def __rich_console__(self, console, options):
        width = options.max_width
        widths = self.widths()
        if sum(widths) + GAP * (len(widths) - 1) <= width:
            for row in self.rows:
                yield from self._line(console, row, widths)
            return
        left = widths[0] + GAP
        if left + max(widths[1:], default=0) <= width:
            for n, row in enumerate(self.rows):
                if n == 0 and self.header:
                    joined = Flow(*[s for i, c in enumerate(row[1:]) for s in ([Span(L.SUMMARY_HEAD_JOIN, "label")]
                                                                              if i else []) + c.spans])
                    yield from self._line(console, [row[0], joined], widths)
                    continue
                yield from self._line(console, row[:2], widths)
                for cell in row[2:]:
                    if cell:
                        yield Segment(" " * left)
                        yield from cell.render_lines(console, width - left)[0]
                        yield Segment.line()
            return
        for n, row in enumerate(self.rows):  # narrow: each row's first cell, the others indented under it
            if n == 0 and self.header:
                joined = Flow(*[s for i, c in enumerate(row) for s in ([Span(", ", "label")] if i else []) + c.spans])
                for line in joined.render_lines(console, width):
                    yield from line
                    yield Segment.line()
                continue
            for i, cell in enumerate(row):
                for line in cell.render_lines(console, width - (NARROW_INDENT if i else 0)):
                    if i and line:
                        yield Segment(" " * NARROW_INDENT)
                    yield from line
                    yield Segment.line()

    @staticmethod
    def _line(console, row: list[Flow], widths: list[int]):
        last = 0
        for i, cell in enumerate(row):
            line = cell.render_lines(console, 10**6)[0] if cell else []
            if i:
                yield Segment(" " * (GAP + widths[i - 1] - last))
            yield from line
            last = _width(line)
        yield Segment.line()


class _Width:
    def __init__(self, width: int):
        self.max_width = width
