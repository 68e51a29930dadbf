"""`lang L` by default: one screen (at most 40 lines at 80 columns) of what a language can profile.

One line (two where the width asks for it) per profile type it has: the type, the setting that turns
it on with its default, the query ID; one paragraph naming what it lacks; as many of the language's
notes as the screen still holds, in catalog order; a legend for the marks shown; where to see more.
"""

from __future__ import annotations

from rich.segment import Segment

from . import labels as L
from .plain import SHOWN_EVIDENCE, primary_step, setting
from .parts import legend, notes
from .widgets import Flow, Grid, Span, code, token

SCREEN = 40  # lines


class LangSummary:
    def __init__(self, report: dict, head: Flow):
        self.report = report
        self.head = head

    def grid(self) -> Grid:
        language = self.report["language"]
        method = language["methods"][0]["id"] if language["methods"] else None
        method_name = L.METHOD_NAMES.get(method, method or "")
        header = [Flow(Span(h.format(method=method_name), "label")) for h in L.SUMMARY_HEAD]
        if any(len(item["ids"]) > 1 for item in self.report["supported"]):
            header[-1] = Flow(*header[-1].spans, Span(L.MORE_IDS_HEAD, "label"))
        rows = [header]
        for item in self.report["supported"]:
            step = primary_step(item, method)
            enable = Flow()
            if step:
                enable = Flow(code(setting(step)), Span(f" ({L.DEFAULT} {step['default']})"),
                              Span(f" [{L.METHOD_NAMES.get(step['method'], step['method'])}]")
                              if step["method"] != method else "")
            first = item["ids"][0] if item["ids"] else None
            ids = Flow()
            if first:
                ids = Flow(token(first["id"]),
                           Span(f" ({first['evidence']})", "warn") if first["evidence"] not in SHOWN_EVIDENCE else "",
                           Span(" " + L.MORE_IDS.format(count=len(item["ids"]) - 1), "muted")
                           if len(item["ids"]) > 1 else "")
            rows.append([Flow(token(item["type"], "type.name")), enable, ids])
        return Grid(rows, header=True)

    def lacks(self) -> Flow | None:
        missing = [u["type"] for u in self.report["unsupported"]]
        if not missing:
            return None
        spans: list = [Span(L.LACKS.format(version=self.report["pyroscope"]), "title")]
        for i, type_id in enumerate(missing):
            spans += [Span(" "), token(type_id + ("," if i < len(missing) - 1 else ""), None)]
        return Flow(*spans, indent=2)

    def marks(self) -> Flow | None:
        return legend({pid["evidence"] for item in self.report["supported"] for pid in item["ids"][:1]})

    def more(self) -> Flow:
        lang_id = self.report["language"]["id"]
        return Flow(Span(L.SEE_MORE, "title"), Span(" "), token(f"pyroadvise lang {lang_id} --long"),
                    Span(L.SEE_MORE_OR + " "), token("pyroadvise type TYPE"), Span(" " + L.SEE_MORE_TYPE),
                    indent=2)

    def __rich_console__(self, console, options):
        blocks = [b for b in (self.head, self.grid(), self.lacks()) if b]
        footer = Flow(*[s for b in (self.marks(), self.more()) if b for s in b.spans + [Span("\n")]][:-1], indent=2)
        used = sum(_height(console, options, b) + 1 for b in blocks + [footer])
        all_notes = self.report["language"]["notes"]
        shown: list[str] = []
        for note in all_notes:
            if used + _height(console, options, self.notes_block(shown + [note], len(all_notes))) + 1 > SCREEN:
                break
            shown.append(note)
        if all_notes:
            blocks.append(self.notes_block(shown, len(all_notes)))
        for i, part in enumerate(blocks + [footer]):
            if i:
                yield Segment.line()
            yield from part.__rich_console__(console, options)

    def notes_block(self, shown: list[str], total: int) -> Flow:
        """The notes that fit; the title says how many more --long has."""
        flow = notes(L.NOTES, shown)
        if len(shown) < total:
            more = L.MORE_NOTES.format(count=total - len(shown))
            title = [Span(L.NOTES, "title"), Span(f" ({more}: ", "muted"),
                     token(f"pyroadvise lang {self.report['language']['id']} --long", "muted"), Span(")", "muted")]
            flow = Flow(*title, *flow.spans[1:], indent=2)
        return flow


def _height(console, options, renderable) -> int:
    return sum(1 for seg in renderable.__rich_console__(console, options) if seg.text == "\n" and not seg.style)
