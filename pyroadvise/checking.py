"""`pyroadvise catalog check`: validate a catalog and report its problems, root causes first.

One broken file makes many others look broken: without types.yaml every reference to a type is
unknown (500 lines for one cause). Problems that follow from a problem in the file they refer to
are kept, but counted under the ones that cause them instead of burying them (as rustc and ruff do).
Each problem is printed as ``path:line:col: CODE message`` with the path relative to the current
folder, so terminals, editors and quickfix lists can jump to it.
"""

from __future__ import annotations

import os
from pathlib import Path

from .problems import CatalogError, Problem

# A reference into a file that has its own problem is most likely broken by that problem:
# which message of which code points into which files.
_REFERS_TO = (
    ("CAT010", "unknown type ", ("types.yaml",)),
    ("CAT010", "unknown source ", ("sources.yaml",)),
    ("CAT010", "unknown language ", ("languages/",)),
    ("CAT010", "unknown column ", ("versions/",)),
    ("CAT010", "no version's matrix gives ", ("versions/",)),
    ("CAT015", "", ("languages/", "versions/", "types.yaml")),
    ("CAT016", "", ("types.yaml", "languages/", "versions/", "symptoms.yaml")),
    ("CAT020", "", ("languages/",)),
    ("CAT021", "", ("versions/",)),
)
FIRST_FEW = 5  # problems shown when another command meets a broken catalog


def catalog_to_check(directory: str | None) -> Path:
    """The catalog DIR names, else the one every other command would read ($PYROADVISE_CATALOG, else shipped)."""
    from .loader import catalog_dir_from_env, default_catalog_dir

    if directory:
        return Path(directory)
    return catalog_dir_from_env() or default_catalog_dir()


def ordered(problems: list[Problem]) -> tuple[list[Problem], list[Problem]]:
    """(root problems, problems that follow from them), each in file and line order."""
    broken = {p.file for p in problems if not _may_follow(p)}

    def follows(p: Problem) -> bool:
        for code, start, files in _REFERS_TO:
            if p.code == code and _message_of(p).startswith(start):
                return any(f == target or (target.endswith("/") and f.startswith(target))
                           for f in broken for target in files)
        return False

    roots = [p for p in problems if not follows(p)]
    return roots, [p for p in problems if follows(p)]


def _may_follow(p: Problem) -> bool:
    return any(p.code == code and _message_of(p).startswith(start) for code, start, _ in _REFERS_TO)


def _message_of(p: Problem) -> str:
    """The message without its leading 'path.in.file: ' part."""
    head, sep, rest = p.message.partition(": ")
    return rest if sep and " " not in head else p.message


def shown_path(directory: Path, rel: str) -> str:
    """A problem's file as the user can open it: relative to the current folder when inside it."""
    full = os.path.abspath(directory / rel) if rel else os.path.abspath(directory)
    slash = "/" if rel.endswith("/") else ""
    here = os.getcwd()
    if full == here or full.startswith(here.rstrip(os.sep) + os.sep):
        return os.path.relpath(full, here) + slash
    return full + slash


def column(directory: Path, p: Problem) -> int | None:
    """Where the line's content begins (the key or item the problem is about), 1-based."""
    if not p.line:
        return None
    from .loader import read_bounded

    data = read_bounded(directory / p.file)
    if data is None:
        return None
    lines = data.split(b"\n")
    if p.line > len(lines):
        return None
    text = lines[p.line - 1]
    start = len(text) - len(text.lstrip(b" \t"))
    while text[start:start + 2] == b"- ":  # a list item: the key after its dash
        start += 2
        start += len(text[start:]) - len(text[start:].lstrip(b" \t"))
    return start + 1


def located(directory: Path, p: Problem) -> dict:
    """One problem with where to find it: the file relative to the current folder, line and column."""
    from .loader import SUBDIRS

    # The loader names the catalog folder itself (or a subfolder it cannot list) by its full path.
    folders = {str(directory): "", **{str(directory / sub): sub + "/" for sub in SUBDIRS}}
    if p.file in folders:
        return {"path": shown_path(directory, folders[p.file]), "line": None, "column": None}
    return {"path": shown_path(directory, p.file), "line": p.line, "column": column(directory, p)}


def line_of(directory: Path, p: Problem) -> str:
    """`path:line:col: CODE message` (or `path: CODE message` when the problem has no line)."""
    where = located(directory, p)
    place = where["path"]
    if where["line"]:
        place += f":{where['line']}"
        if where["column"]:
            place += f":{where['column']}"
    return f"{place}: {p.code} {p.message}"


def check_report(directory: str | None) -> dict:
    """Validate a catalog (see catalog_to_check), and its doctor checks. Never raises for catalog faults."""
    from .loader import load_catalog

    path = catalog_to_check(directory)
    catalog = None
    try:
        catalog = load_catalog(path)
        problems = []
    except CatalogError as exc:
        problems = exc.problems
    problems = problems + doctor_problems(path, catalog)
    roots, follow_ons = ordered(problems)
    return {
        "catalog": str(path),
        "ok": not problems,
        "problems": [p._asdict() | {"where": p.where()} | located(path, p) | {"follows": follows}
                     for group, follows in ((roots, False), (follow_ons, True)) for p in group],
    }


def doctor_problems(path: Path, catalog) -> list:
    """The doctor catalog (DIR/doctor/, when present): read only by `catalog check` and `doctor`."""
    from .doctor.catalogdata import check_problems

    return sorted(check_problems(path, catalog), key=lambda p: (p.file, p.line or 0, p.code, p.message))


def text_lines(report: dict, show_all: bool) -> list[str]:
    """The plain lines `catalog check` prints: root causes, the follow-on count, a summary."""
    roots = [p for p in report["problems"] if not p["follows"]]
    follow_ons = [p for p in report["problems"] if p["follows"]]
    out = [_line(p) for p in (report["problems"] if show_all else roots)]
    where = report["catalog"]
    if report["ok"]:
        return [f"Catalog {where}: no problems."]
    if follow_ons and not show_all:
        out.append(f"  + {_count(len(follow_ons))} that follow from the above; "
                   f"fix those first (--all lists every one)")
    summary = f"Catalog {where}: {_count(len(roots))}"
    if follow_ons:
        summary += f", and {len(follow_ons)} that follow from {'it' if len(roots) == 1 else 'them'}"
    return out + [summary + "."]


def _line(p: dict) -> str:
    place = p["path"]
    if p["line"]:
        place += f":{p['line']}" + (f":{p['column']}" if p["column"] else "")
    return f"{place}: {p['code']} {p['message']}"


def _count(n: int) -> str:
    return f"{n} problem" if n == 1 else f"{n} problems"


def first_few(directory: Path, problems: list[Problem], limit: int = FIRST_FEW) -> list[str]:
    """What another command prints for a broken catalog: the first root causes, then the way to all."""
    roots, follow_ons = ordered(problems)
    lines = [line_of(directory, p) for p in roots[:limit]]
    hidden = len(problems) - len(lines)
    if hidden:
        lines.append(f"... and {hidden} more" + (f" ({len(follow_ons)} follow from the above)" if follow_ons else ""))
    return lines
