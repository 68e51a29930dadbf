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
    "lang-java-long": ("lang-long", lambda c: advice.lang_report(c, "java", None)),
    "lang-go": ("lang", lambda c: advice.lang_report(c, "go", None)),
    "lang-dotnet": ("lang", lambda c: advice.lang_report(c, "dotnet", None)),
    "lang-ruby": ("lang", lambda c: advice.lang_report(c, "ruby", None)),
    "type-heap": ("type", lambda c: advice.type_report(c, "heap", None)),
    "setup-nodejs": ("setup", lambda c: setup_report(c, "nodejs", ["heap", "wall"], None, None)),
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
WIDTHS = (100, 80, 60)


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
        # only a lone token longer than the line may overflow it
        assert all(len(line) <= width or len(line.split()) == 1 for line in text.splitlines())
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


LANGS = ("go", "java", "dotnet", "ruby", "python", "rust", "nodejs", "ebpf")


@pytest.mark.parametrize("version", ["1.2.0", "2.2.1"])
@pytest.mark.parametrize("lang", LANGS)
def test_lang_summary_fits_one_screen(catalog, lang, version):
    """40 lines at 80 columns, for every language at every catalogued release; each type on its
    line with its first step's setting and its first query ID; what the language lacks; where to
    see more."""
    report = advice.lang_report(catalog, lang, version)
    text = render("lang", report, 80)
    lines = text.splitlines()
    assert len(lines) <= 40, (len(lines), text)
    words = [line.split() for line in lines]
    for item in report["supported"]:
        row = next(i for i, w in enumerate(words) if w and w[0] == item["type"])
        assert words[row][1].startswith(item["enable"][0]["setting"].split()[0]), lines[row]
        assert item["ids"][0]["id"] in words[row] + words[row + 1], lines[row:row + 2]
    flat = " ".join(text.split())
    for item in report["unsupported"]:
        assert item["type"] in flat
    assert f"pyroadvise lang {lang} --long" in flat
    assert lines[0].startswith(f"{report['language']['name']} ({lang}), Pyroscope {version}")


def test_lang_summary_shows_the_value_a_step_sets(catalog):
    """Java's wall row says PYROSCOPE_PROFILER_EVENT=wall, not the bare name the CPU row also shows."""
    text = render("lang", advice.lang_report(catalog, "java", None), 80)
    wall = next(line for line in text.splitlines() if line.startswith("wall "))
    cpu = next(line for line in text.splitlines() if line.startswith("cpu "))
    assert "PYROSCOPE_PROFILER_EVENT=wall (default off)" in wall
    assert "PYROSCOPE_PROFILER_EVENT (default on)" in cpu


def test_lang_summary_names_the_sdk_release_checked(catalog):
    report = advice.lang_report(catalog, "java", None)
    report["language"]["sdk_checked"] = "v2.9.1"
    lines = render("lang", report, 80).splitlines()
    assert lines[0] == "Java (java), Pyroscope 2.2.1"  # the heading stays alone on the first line
    assert "Facts checked against v2.9.1." in lines[1:6]


def test_lang_long_keeps_every_id_with_its_note(catalog):
    report = advice.lang_report(catalog, "java", None)
    flat = " ".join(render("lang-long", report, 80).split())
    for item in report["supported"]:
        for pid in item["ids"]:
            assert pid["id"] in flat
            if len(item["ids"]) > 1 and pid["note"]:
                assert " ".join(pid["note"].split()) in flat


@pytest.mark.parametrize("width", [40, 60, 80])
def test_legend_explains_every_mark_shown(catalog, width):
    text = render("lang", advice.lang_report(catalog, "dotnet", None), width)
    flat = " ".join(text.split())
    assert "(derived)" in flat and "(derived): " in flat
    assert " +1" in flat and "+N: " in flat


def test_setup_title_is_a_comment_in_the_snippet_language(catalog):
    for lang, types, marker in (("nodejs", ["heap"], "// "), ("go", ["cpu"], "// "), ("python", ["cpu"], "# "),
                                ("java", ["cpu"], "# ")):
        text = render("setup", setup_report(catalog, lang, types, None, None), 80)
        assert text.startswith(marker + catalog.languages[lang].name + ", "), text[:60]


def test_long_view_explains_the_source_only_mark(catalog):
    text = render("lang-long", advice.lang_report(catalog, "java", None), 80)
    assert "SDK*" in text
    assert "SDK* / Alloy*: in the agent's source code, not in the docs matrix" in " ".join(text.split())
