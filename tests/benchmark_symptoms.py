"""Symptom evaluation benchmark: top-1 accuracy and refusals on tests/data/symptom_eval.yaml, per area.

    python tests/benchmark_symptoms.py [--misses] [--json]

Runs every phrasing of the evaluation set through `pyroadvise symptom ... --format json` in process
(the same way tests/test_symptom_eval.py does) and prints, per area: items, top-1 hits, accuracy and
refusals (a non-zero exit, such as "No symptom matches"), then the whole set and its language-free
subset (no --lang and no runtime named in the text). A hit is a first recommendation listed in the
item's `expect`; for `expect: []` a hit is an answer that recommends nothing. --misses lists every
phrasing that missed, with what was expected and what came back.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from test_symptom_eval import AREAS, MIN_TOP1, describe, evaluated, has_no_language  # noqa: E402


def summarise(outcomes) -> dict:
    n = len(outcomes)
    hits = sum(outcome["hit"] for outcome in outcomes)
    return {"items": n, "hits": hits, "accuracy": hits / n if n else 0.0,
            "refusals": sum(outcome["refused"] for outcome in outcomes)}


def table(outcomes) -> tuple[list[tuple[str, dict]], dict]:
    rows = [(area, summarise([o for o in outcomes if o["item"]["area"] == area])) for area in AREAS]
    rows.append(("overall", summarise(outcomes)))
    rows.append(("no language", summarise([o for o in outcomes if has_no_language(o["item"])])))
    return rows, {name: figures for name, figures in rows}


def render(rows) -> str:
    lines = [f"{'area':<18}{'items':>7}{'top-1':>7}{'accuracy':>10}{'refusals':>10}"]
    for name, f in rows:
        if name == "overall":
            lines.append("-" * 52)
        lines.append(f"{name:<18}{f['items']:>7}{f['hits']:>7}{f['accuracy']:>9.1%}{f['refusals']:>10}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--misses", action="store_true", help="list every phrasing whose top answer missed")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = parser.parse_args(argv)

    outcomes = evaluated()
    rows, figures = table(outcomes)
    if args.json:
        payload = {"figures": figures}
        if args.misses:
            payload["misses"] = [{"text": o["item"]["text"], "lang": o["item"].get("lang"), "area": o["item"]["area"],
                                  "expect": o["item"]["expect"], "got": o["got"][:3], "exit_code": o["exit_code"]}
                                 for o in outcomes if not o["hit"]]
        print(json.dumps(payload, indent=2))
        return 0
    print(render(rows))
    print(f"\ntarget: top-1 >= {MIN_TOP1:.0%} overall and no refusals")
    if args.misses:
        misses = [o for o in outcomes if not o["hit"]]
        print(f"\nmisses ({len(misses)}):")
        for outcome in misses:
            print(describe(outcome))
    return 0


if __name__ == "__main__":
    sys.exit(main())
