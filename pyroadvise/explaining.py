"""`pyroadvise catalog explain CODE`: what a problem code means, how to fix it, and an example.

The texts are package data (codes/explanations.txt, written by hand) and so are the examples
(codes/examples.txt, generated from each code's test fixture by `python -m pyroadvise.regen`), so
they work offline and from a wheel. Nothing here reads the catalog.
"""

from __future__ import annotations

from pathlib import Path

from .errors import UsageProblem, shown
from .problems import CODES

DATA = Path(__file__).resolve().parent / "codes"
EXPLANATIONS = DATA / "explanations.txt"
EXAMPLES = DATA / "examples.txt"


def sections(path: Path) -> dict[str, str]:
    """The '== CATnnn' sections of a data file, by code (comment lines before the first are skipped)."""
    out: dict[str, list[str]] = {}
    current = None
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith("== "):
            current = line[3:].strip()
            out[current] = []
        elif current is not None:
            out[current].append(line)
    return {code: "\n".join(lines).strip("\n") for code, lines in out.items()}


def code_of(typed: str) -> str:
    """'CAT010', 'cat10', '10' and ' CAT010 ' are all CAT010."""
    text = typed.strip().upper()
    digits = text[3:] if text.startswith("CAT") else text
    if digits.isascii() and digits.isdigit() and len(digits) <= 3:
        code = f"CAT{int(digits):03d}"
        if code in CODES:
            return code
    raise UsageProblem(f"Unknown problem code '{shown(typed.strip())}'.",
                       [f"Codes: {min(CODES)} to {max(CODES)}; list them with: pyroadvise catalog explain"])


def explain_report(typed: str | None) -> dict:
    """One code explained, or (with no code) every code with its one-line summary."""
    if typed is None:
        return {"codes": [{"code": code, "summary": text} for code, text in CODES.items()]}
    code = code_of(typed)
    return {"code": code, "summary": CODES[code], "explanation": sections(EXPLANATIONS)[code],
            "example": sections(EXAMPLES).get(code)}


def text(report: dict) -> str:
    if "codes" in report:
        lines = [f"{c['code']}  {c['summary']}" for c in report["codes"]]
        return "\n".join(lines + ["", "Explain one: pyroadvise catalog explain CAT010"]) + "\n"
    out = [f"{report['code']}: {report['summary']}", "", report["explanation"]]
    if report["example"]:
        out += ["", report["example"]]
    return "\n".join(out) + "\n"
