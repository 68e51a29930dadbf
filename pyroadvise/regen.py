"""Regenerate every generated file from the catalog and the CLI, or check that they are fresh.

Run from the repository root:

    python -m pyroadvise.regen          # rewrite what is stale
    python -m pyroadvise.regen --check  # exit 1 and name what is stale (the tests do this)

The repository's own package and catalog are used (PYTHONPATH is set to the root), whichever
pyroadvise happens to be installed.

Generated: the start-up cache (pyroadvise/catalog-cache.json), the shell completion scripts under
completions/, and the README's marked blocks (command outputs, the list of catalog problem codes).
"""

from __future__ import annotations

import os
import re
import shlex
import subprocess
import sys
from pathlib import Path

from .loader import cache_text, side_file, side_text

COMPLETIONS = {"bash": "completions/pyroadvise.bash", "zsh": "completions/_pyroadvise",
               "fish": "completions/pyroadvise.fish"}

# <!-- BEGIN output: pyroadvise lang java --> ... <!-- END output -->
_BLOCK = re.compile(r"(<!-- BEGIN (output|generated): ([^>]*?) -->\n)(.*?)(<!-- END \2 -->)", re.S)
OUTPUT_ENV = {"COLUMNS": "100", "NO_COLOR": "1", "TERM": "dumb"}
DROPPED_ENV = ("PYROADVISE_CATALOG", "FORCE_COLOR", "PYTHONPATH")


def run_cli(root: Path, args: list[str]) -> str:
    """The CLI's output, from the repository's own code, as a user sees it at 100 columns without colour."""
    env = {k: v for k, v in os.environ.items() if k not in DROPPED_ENV} | OUTPUT_ENV | {"PYTHONPATH": str(root)}
    result = subprocess.run([sys.executable, "-m", "pyroadvise", *args], capture_output=True, text=True,
                            env=env, encoding="utf-8", cwd=root)
    return result.stdout + result.stderr




def codes_table() -> str:
    from .problems import CODES

    rows = "".join(f"| `{code}` | {text} |\n" for code, text in CODES.items())
    return "| code | problem |\n|---|---|\n" + rows


def readme_text(root: Path, current: str) -> str:
    def fill(match: re.Match) -> str:
        kind, name = match.group(2), match.group(3).strip()
        if kind == "generated":
            body = {"codes": codes_table}[name]()
        else:
            command = shlex.split(name)  # quotes group words, as in a shell
            assert command[0] == "pyroadvise", name
            output = "\n".join(line.rstrip() for line in run_cli(root, command[1:]).rstrip().splitlines())
            body = "```text\n$ " + name + "\n" + output + "\n```\n"
        return match.group(1) + body + match.group(5)

    return _BLOCK.sub(fill, current)


def targets(root: Path) -> dict[Path, str]:
    """Every generated file and the content it should have."""
    cache = root / "pyroadvise" / "catalog-cache.json"
    out = {cache: cache_text(root / "catalog"), side_file(cache): side_text(root / "catalog")}
    for shell, rel in COMPLETIONS.items():
        out[root / rel] = run_cli(root, ["completion", shell])
    readme = root / "README.md"
    out[readme] = readme_text(root, readme.read_text(encoding="utf-8"))
    return out


def stale_files(root: Path) -> list[Path]:
    return [path for path, content in targets(root).items()
            if not path.exists() or path.read_text(encoding="utf-8") != content]


def main(argv: list[str]) -> int:
    check = "--check" in argv
    root = Path.cwd()
    if not (root / "catalog").is_dir() or not (root / "pyroadvise").is_dir():
        print("Run this from the pyroadvise repository root.", file=sys.stderr)
        return 2
    stale = []
    for path, content in targets(root).items():
        current = path.read_text(encoding="utf-8") if path.exists() else None
        if current == content:
            continue
        stale.append(path)
        if not check:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(content, encoding="utf-8")
    for path in stale:
        print(f"{'stale' if check else 'rewrote'}: {path.relative_to(root)}")
    if check and stale:
        print("Run: python -m pyroadvise.regen")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
