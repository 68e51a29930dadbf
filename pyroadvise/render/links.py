"""Links for a source record: its `url`, else links built from its `where` (repository, paths, commit).

`where` is written as in catalog/README.md: `owner/repo path[, path...] @ commit`, `owner/repo#N`,
`owner/repo PR #N`, or a bare web address, several of them separated by `; `. A path without a
folder is in the folder of the path before it. Plain logic (no rich), so the Markdown view uses it too.
"""

from __future__ import annotations

import re

_REPO = re.compile(r"^([A-Za-z0-9][\w.-]*/[\w.-]+?)(?=[\s#]|$)")
_REF = re.compile(r"@\s*([0-9a-f]{7,40}|v?\d[\w.-]*)|added in ([0-9a-f]{7,40})")
_HOST = re.compile(r"^[a-z0-9-]+(\.[a-z0-9-]+)+/\S*$")


def source_links(source: dict) -> list[str]:
    url = source.get("url")
    if url and not re.fullmatch(r"https://github\.com/[\w.-]+/[\w.-]+/?", url):
        return [url]
    out: list[str] = [url] if url else []
    for part in source["where"].split(";"):
        for url in _links(part.strip()):
            if url not in out:
                out.append(url)
    if url and len(out) > 1:
        out.remove(url)  # a repository's root, where the files in it are linked
    return out


def _links(part: str) -> list[str]:
    part = re.sub(r"\([^)]*\)", "", part).strip()  # "(same in v2.2.1)", "(2026-07-08)"
    if _HOST.match(part) and "." in part.split("/")[0]:
        return [f"https://{part}"]
    found = _REPO.match(part)
    if not found:
        return []
    repo, rest = found.group(1), part[found.end():]
    base = f"https://github.com/{repo}"
    numbers = re.findall(r"(PR\s*)?#(\d+)", rest)
    if numbers:
        return [f"{base}/{'pull' if pr else 'issues'}/{n}" for pr, n in numbers]
    out: list[str] = []
    # "a/b.go, c.go @ 1234abc, d/e.rs @ 5678def": each comma-separated path, with the ref after it
    pieces = [p.strip() for p in rest.split(",") if p.strip()]
    refs = []
    for piece in pieces:
        ref = _REF.search(piece)
        refs.append((ref.group(1) or ref.group(2)) if ref else None)
    folder = ""
    for i, piece in enumerate(pieces):
        path = _REF.sub("", piece).strip().split(" ")[0] if _REF.sub("", piece).strip() else ""
        if not path or "/" not in path and "." not in path:
            continue
        if "/" in path:
            folder = path.rsplit("/", 1)[0] + "/"
        elif folder:
            path = folder + path
        ref = next((r for r in refs[i:] if r), "HEAD")
        kind = "tree" if "." not in path.rsplit("/", 1)[-1] else "blob"
        out.append(f"{base}/{kind}/{ref}/{path}")
    return out or [base]
