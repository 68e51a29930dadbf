"""Rendering at pinned widths without colour, compared with golden files.

Rewrite the golden files with UPDATE_GOLDEN=1 python -m pytest tests/test_render.py, and review the diff.
"""

from __future__ import annotations

import io
import os
from pathlib import Path

import pytest
from rich.console import Console

from pyroadvise import advice
from pyroadvise.render import markdown
from pyroadvise.render.tables import THEME, print_report
from pyroadvise.setup import setup_report

GOLDEN = Path(__file__).resolve().parent / "golden"

CASES = {
    "lang-java": ("lang", lambda c: advice.lang_report(c, "java", None)),
    "lang-java-1.2.0": ("lang", lambda c: advice.lang_report(c, "java", "1.2.0")),
    "symptom-leak-go": ("symptom", lambda c: advice.symptom_report(c, "memory leak", "go", None)),
    "symptom-leak-ruby-1.2.0": ("symptom", lambda c: advice.symptom_report(c, "memory leak", "ruby", "1.2.0")),
    "symptom-leak": ("symptom", lambda c: advice.symptom_report(c, "memory leak", None, None)),
    "symptom-vague-java": ("symptom", lambda c: advice.symptom_report(c, "the endpoint got slower", "java", None)),
    "symptom-cue-explain": ("symptom", lambda c: advice.symptom_report(
        c, "the JVM's heap keeps climbing between deploys", None, None, explain=True)),
    "type-mutex_duration": ("type", lambda c: advice.type_report(c, "mutex_duration", None)),
    "type-goroutine_leak-1.2.0": ("type", lambda c: advice.type_report(c, "goroutine_leak", "1.2.0")),
    "matrix": ("matrix", lambda c: advice.matrix_report(c, None)),
    "matrix-1.2.0": ("matrix", lambda c: advice.matrix_report(c, "1.2.0")),
    "diff-1.2.0": ("diff", lambda c: advice.diff_report(c, "1.2.0", None)),
    "list-languages": ("list", lambda c: advice.list_report(c, "languages", None)),
    "setup-go": ("setup", lambda c: setup_report(c, "go", ["mutex_duration", "block_duration"], None, None)),
}
WIDTHS = (100, 60)


def render(kind: str, report: dict, width: int) -> str:
    buffer = io.StringIO()
    console = Console(file=buffer, width=width, theme=THEME, markup=False, emoji=False, highlight=False,
                      color_system=None, force_terminal=False, legacy_windows=False, _environ={})
    print_report(kind, report, False, console)
    return "\n".join(line.rstrip() for line in buffer.getvalue().splitlines()) + "\n"


def check_golden(name: str, text: str) -> None:
    path = GOLDEN / name
    if os.environ.get("UPDATE_GOLDEN"):
        path.write_text(text, encoding="utf-8")
    assert path.exists(), f"missing golden file {path.name}: run with UPDATE_GOLDEN=1"
    assert text == path.read_text(encoding="utf-8")


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("case", CASES)
def test_table_golden(catalog, case, width):
    kind, build = CASES[case]
    text = render(kind, build(catalog), width)
    if kind != "setup":  # snippets are printed unwrapped, to be copied as they are
        assert max(len(line) for line in text.splitlines()) <= width
    assert "…" not in text  # never cut with an ellipsis
    check_golden(f"{case}.{width}.txt", text)


@pytest.mark.parametrize("case", CASES)
def test_markdown_golden(catalog, case):
    kind, build = CASES[case]
    check_golden(f"{case}.md", markdown.RENDERERS[kind](build(catalog), False))


def test_brackets_in_catalog_text_are_printed_literally(catalog):
    report = advice.type_report(catalog, "cpu", None)
    report["type"]["caution"] = "literal [bold]markup[/bold] and [link=http://x]x[/link] \\[ ]"
    assert "literal [bold]markup[/bold] and [link=http://x]x[/link] \\[ ]" in render("type", report, 200)
