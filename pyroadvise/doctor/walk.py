"""Walk a project safely and keep only the files doctor needs.

Safe: symlinks are never followed out of the root (and symlinked directories never at all, so loops
cannot happen), only regular files are opened (no FIFOs, sockets or devices), every file is read up to
a size cap, depth and file count are capped, and .gitignore files are honoured (pathspec, loaded only
when a .gitignore exists). Fast: file names decide first; only candidate files are read, and of those
only the ones whose bytes mention a marker are kept.
"""

from __future__ import annotations

import fnmatch
import os
import re
import stat
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from .model import SourceFile, Tree


@dataclass(frozen=True)
class Rules:
    skip_dirs: frozenset
    keep_names: frozenset
    keep_glob: re.Pattern
    candidate_glob: re.Pattern
    markers: re.Pattern
    scope_dirs: dict  # dir name -> scope
    scope_suffixes: dict  # suffix -> scope
    max_file_bytes: int
    max_depth: int
    max_files: int

    @classmethod
    def from_data(cls, data: dict) -> "Rules":
        def globs(patterns):
            return re.compile("|".join(fnmatch.translate(p) for p in patterns) or "(?!)")

        scope_dirs, scope_suffixes = {}, {}
        for scope, spec in data["scopes"].items():
            scope_dirs.update({d: scope for d in spec.get("dirs", [])})
            scope_suffixes.update({s: scope for s in spec.get("suffixes", [])})
        limits = data["limits"]
        return cls(
            skip_dirs=frozenset(data["skip_dirs"]),
            keep_names=frozenset(data["keep_names"]),
            keep_glob=globs(data["keep_globs"]),
            candidate_glob=globs(data["candidate_globs"]),
            markers=re.compile(b"|".join(re.escape(m.encode()) for m in data["markers"]), re.IGNORECASE),
            scope_dirs=scope_dirs,
            scope_suffixes=scope_suffixes,
            max_file_bytes=int(limits["max_file_bytes"]),
            max_depth=int(limits["max_depth"]),
            max_files=int(limits["max_files"]),
        )

    def kept_by_name(self, name: str) -> bool:
        return name in self.keep_names or self.keep_glob.match(name) is not None

    def scope_of(self, path: str) -> str:
        """'docs', 'example', 'test' or 'app', from the directories in ``path`` and its suffix."""
        parts = PurePosixPath(path).parts
        for part in parts[:-1]:
            scope = self.scope_dirs.get(part.lower())
            if scope:
                return scope
        return self.scope_suffixes.get(PurePosixPath(path).suffix.lower(), "app")


class _Ignore:
    """The .gitignore files met on the way down, each applying to paths below its own directory."""

    def __init__(self):
        self.specs: list[tuple[str, object]] = []

    def add(self, directory: str, data: bytes, tree: Tree, where: str) -> None:
        try:
            import pathspec

            lines = data.decode("utf-8", errors="replace").splitlines()
            self.specs.append((directory, pathspec.GitIgnoreSpec.from_lines(lines)))
        except Exception as error:  # noqa: BLE001 - a broken .gitignore is reported, never fatal
            tree.skip(where, f"unreadable .gitignore ({type(error).__name__})")

    def ignored(self, rel: str, is_dir: bool) -> bool:
        for directory, spec in self.specs:
            if directory == ".":
                sub = rel
            elif rel.startswith(directory + "/"):
                sub = rel[len(directory) + 1:]
            else:
                continue
            if spec.match_file(sub + "/" if is_dir else sub):
                return True
        return False


def walk(root: Path, rules: Rules, exclude: list[str] | tuple[str, ...] = ()) -> Tree:
    """The kept files under ``root`` (a directory), with what had to be skipped and why."""
    root = Path(root)
    real_root = os.path.realpath(root)
    tree = Tree(root=root, files={}, skipped=[], rules=rules)
    ignore = _Ignore()
    excluded = re.compile("|".join(fnmatch.translate(p.rstrip("/")) for p in exclude)) if exclude else None
    # Depth first, in name order, so results and skips come out in a stable order.
    markers = rules.markers.search
    stack: list[tuple[str, int]] = [(".", 0)]
    while stack:
        rel_dir, depth = stack.pop()
        abs_dir = os.path.join(root, rel_dir) if rel_dir != "." else str(root)
        try:
            with os.scandir(abs_dir) as it:
                entries = sorted(it, key=_name)
        except OSError as error:
            tree.skip(rel_dir, f"cannot list the folder: {error.strerror or type(error).__name__}")
            continue
        gitignore = next((e for e in entries if e.name == ".gitignore"), None)
        if gitignore is not None:
            data = _read_small(gitignore.path, 256_000)
            if data is not None:
                ignore.add(rel_dir, data, tree, _join(rel_dir, ".gitignore"))
        subdirs = []
        prefix = "" if rel_dir == "." else rel_dir + "/"
        specs = ignore.specs
        keep_names, keep_glob, candidate_glob = rules.keep_names, rules.keep_glob.match, rules.candidate_glob.match
        for entry in entries:
            name = entry.name
            rel = prefix + name
            if excluded is not None and excluded.match(rel):
                continue
            try:
                # d_type from the directory listing: no system call for most entries
                is_dir = entry.is_dir(follow_symlinks=False)
                is_link = not is_dir and entry.is_symlink()
            except OSError as error:
                tree.skip(rel, f"cannot stat: {error.strerror or type(error).__name__}")
                continue
            if is_dir:
                if name in rules.skip_dirs or (specs and ignore.ignored(rel, True)):
                    continue
                if depth + 1 > rules.max_depth:
                    tree.skip(rel, f"nested deeper than {rules.max_depth} folders; not read")
                    continue
                subdirs.append(rel)
                continue
            by_name = name in keep_names or keep_glob(name) is not None
            if not by_name and candidate_glob(name) is None:
                continue
            if specs and ignore.ignored(rel, False):
                continue
            try:
                info = entry.stat(follow_symlinks=False)
            except OSError as error:
                tree.skip(rel, f"cannot stat: {error.strerror or type(error).__name__}")
                continue
            mode = info.st_mode
            path = entry.path
            if is_link:
                target = _inside(path, real_root)
                if target is None:
                    tree.skip(rel, "symlink to outside the project (or broken); not followed")
                    continue
                try:
                    info = os.stat(target)
                except OSError:
                    tree.skip(rel, "broken symlink")
                    continue
                if stat.S_ISDIR(info.st_mode):
                    continue
                mode, path = info.st_mode, target
            if not stat.S_ISREG(mode):
                tree.skip(rel, "not a regular file (FIFO, socket or device); not opened")
                continue
            tree.scanned += 1
            if tree.scanned > rules.max_files:
                tree.skip(rel, f"more than {rules.max_files} candidate files; the rest were not read")
                return tree
            if info.st_size > rules.max_file_bytes:
                tree.skip(rel, f"larger than {rules.max_file_bytes} bytes; not read")
                continue
            data = _read_file(path, info.st_size, rules.max_file_bytes, tree, rel)
            if data is None:
                continue
            if not by_name and markers(data) is None:
                continue
            if b"\x00" in data:
                tree.skip(rel, "binary content (NUL bytes); not parsed")
                continue
            tree.files[rel] = SourceFile(path=rel, size=len(data), data=data)
        for sub in reversed(subdirs):
            stack.append((sub, depth + 1))
    return tree


def _name(entry) -> str:
    return entry.name


def _join(directory: str, name: str) -> str:
    return name if directory == "." else f"{directory}/{name}"


def _inside(path: str, real_root: str) -> str | None:
    """The symlink's resolved target when it stays inside the root, else None."""
    try:
        target = os.path.realpath(path, strict=True)
    except (OSError, RuntimeError):
        return None
    if target == real_root or target.startswith(real_root.rstrip(os.sep) + os.sep):
        return target
    return None


_FLAGS = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOFOLLOW", 0)


def _read_file(path: str, size: int, cap: int, tree: Tree, rel: str) -> bytes | None:
    """The file's bytes (one read of the size lstat gave, plus one to see growth past the cap).

    O_NOFOLLOW: a file swapped for a symlink since the listing is refused; O_NONBLOCK: one swapped for
    a FIFO cannot hang the open (the target of a checked symlink is opened by its resolved path)."""
    try:
        fd = os.open(path, _FLAGS)
    except OSError as error:
        tree.skip(rel, f"cannot read: {error.strerror or type(error).__name__}")
        return None
    try:
        data = os.read(fd, min(size, cap) + 1)
        if len(data) > size:  # grew since the listing: read the rest, up to the cap
            while len(data) <= cap:
                more = os.read(fd, cap + 1 - len(data))
                if not more:
                    break
                data += more
    except OSError as error:
        tree.skip(rel, f"cannot read: {error.strerror or type(error).__name__}")
        return None
    finally:
        os.close(fd)
    if len(data) > cap:
        tree.skip(rel, f"larger than {cap} bytes; not read")
        return None
    return data


def _read_small(path: str, cap: int) -> bytes | None:
    try:
        if not stat.S_ISREG(os.stat(path, follow_symlinks=False).st_mode):
            return None
        with open(path, "rb") as handle:
            return handle.read(cap)
    except OSError:
        return None
