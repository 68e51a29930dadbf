"""Find the catalog, read it, validate it.

The YAML files are the truth. Parsing and validating them costs more than the rest of a command,
so the package ships a cache next to this module (``catalog-cache.marshal``): the validated catalog
(see snapshot.py) under a fingerprint of the YAML files it came from. It is used only while every
YAML file still matches the fingerprint, and was written by this same version of pyroadvise;
otherwise the YAML is parsed and validated (slower, never wrong). ``python -m pyroadvise.regen``
rewrites the cache; a test fails while it is stale.
"""

from __future__ import annotations

import gc
import os
import stat
import zlib
from pathlib import Path
from typing import Any

from .limits import MAX_BYTES
from .model import Catalog
from .problems import CatalogError, problem

PACKAGE_DIR = Path(__file__).resolve().parent
CACHE_FILE = PACKAGE_DIR / "catalog-cache.marshal"
# marshal, not JSON: it is built into the interpreter, so a table command never imports json, and it
# reads the cache faster. Format 2 has no object references, so the bytes depend on the data alone (regen
# --check compares them), and every Python 3 reads it; the file is package data written
# by regen (like a .pyc file), never user input: a custom catalog is always parsed and validated.
MARSHAL_FORMAT = 2
ENV_VAR = "PYROADVISE_CATALOG"
SUBDIRS = ("languages", "versions")


def default_catalog_dir() -> Path:
    """The catalog inside the installed package, or the repository's catalog/ in a source checkout."""
    inside = PACKAGE_DIR / "catalog"
    return inside if inside.is_dir() else PACKAGE_DIR.parent / "catalog"


def catalog_dir_from_env() -> Path | None:
    value = os.environ.get(ENV_VAR)
    return Path(value) if value else None


def read_files(directory: Path) -> dict[str, bytes]:
    """The bytes of every catalog file, keyed by path relative to the directory ('languages/go.yaml')."""
    if not directory.is_dir():
        raise CatalogError([problem("CAT001", str(directory), None, "catalog directory not found")])
    names = [n for n in _listdir(directory) if n.endswith(".yaml")]
    for sub in SUBDIRS:
        if (directory / sub).is_dir():
            names += [f"{sub}/{n}" for n in _listdir(directory / sub) if n.endswith(".yaml")]
    out: dict[str, bytes] = {}
    problems = []
    for rel in sorted(names):
        data = _read_bounded(directory / rel, rel, problems)
        if data is not None:
            out[rel] = data
    if problems:
        raise CatalogError(problems)
    return out


def read_bounded(path: Path) -> bytes | None:
    """A file's bytes read as the catalog is read (regular files within the size limit), else None."""
    return _read_bounded(path, str(path), [])


def _read_bounded(path: Path, rel: str, problems: list) -> bytes | None:
    """One file's bytes, or None with its problem reported.

    Only a regular file is read (a FIFO would block forever, /dev/zero never ends), and never more
    than the size limit plus one byte, so a huge or endless file is refused without being read whole.
    The file is opened without blocking and checked with fstat, so a FIFO swapped in after listing
    cannot hang the read either.
    """
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0))
    except OSError as exc:
        problems.append(problem("CAT001", rel, None, f"cannot read: {exc.strerror or exc}"))
        return None
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            kind = _KINDS.get(stat.S_IFMT(info.st_mode), "not a regular file")
            problems.append(problem("CAT001", rel, None, f"cannot read: {kind}; only regular files are read"))
            return None
        if info.st_size > MAX_BYTES:
            problems.append(problem("CAT019", rel, None, f"file is {info.st_size} bytes; the limit is {MAX_BYTES}"))
            return None
        chunks, size = [], 0
        while size <= MAX_BYTES:
            chunk = os.read(fd, MAX_BYTES + 1 - size)
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
        if size > MAX_BYTES:  # it grew while being read
            problems.append(problem("CAT019", rel, None, f"file is more than {MAX_BYTES} bytes; the limit is {MAX_BYTES}"))
            return None
        return b"".join(chunks)
    except OSError as exc:
        problems.append(problem("CAT001", rel, None, f"cannot read: {exc.strerror or exc}"))
        return None
    finally:
        os.close(fd)


_KINDS = {stat.S_IFIFO: "a FIFO (named pipe)", stat.S_IFCHR: "a character device", stat.S_IFBLK: "a block device",
          stat.S_IFSOCK: "a socket", stat.S_IFDIR: "a directory"}


def _listdir(directory: Path) -> list[str]:
    try:
        return os.listdir(directory)
    except OSError as exc:
        raise CatalogError([problem("CAT001", str(directory), None, f"cannot list: {exc.strerror or exc}")]) from None


def fingerprint(raw: dict[str, bytes]) -> str:
    return ";".join(f"{rel}:{len(data)}:{zlib.crc32(data):08x}" for rel, data in sorted(raw.items()))


def parse_files(raw: dict[str, bytes]) -> dict[str, tuple[Any, dict]]:
    """Parse every file's YAML; raise CatalogError with every syntax-level problem."""
    from .yamlsource import read_yaml

    files: dict[str, tuple[Any, dict]] = {}
    problems = []
    for rel, data in raw.items():
        value, lines, found = read_yaml(data, rel)
        problems += found
        if value is not None:
            files[rel] = (value, lines)
    if problems:
        raise CatalogError(problems)
    return files


def _stamp(raw: dict[str, bytes]) -> str:
    from . import __version__

    return f"pyroadvise {__version__};{fingerprint(raw)}"


def read_cache(path: Path, raw: dict[str, bytes]) -> Catalog | None:
    """The cached catalog, or None when the cache is missing, unreadable or not for these files."""
    import marshal

    try:
        with open(path, "rb") as handle:
            cache = marshal.loads(handle.read())
        if cache["stamp"] != _stamp(raw):
            return None
        from .snapshot import decode

        catalog = decode(cache["catalog"])
        _loaded[:] = [(catalog, path, cache["stamp"])]
        return catalog
    except (OSError, ValueError, EOFError, KeyError, TypeError, IndexError):
        return None


def cache_bytes(directory: Path) -> bytes:
    """The cache file's content for a catalog directory (which must be valid)."""
    import json
    import marshal

    from .snapshot import encode

    raw = read_files(directory)
    catalog = build(parse_files(raw))
    # Plain lists and dicts (records are tuple subclasses, which marshal refuses): what JSON would hold.
    plain = json.loads(json.dumps(encode(catalog), ensure_ascii=False))
    return marshal.dumps({"stamp": _stamp(raw), "catalog": plain}, MARSHAL_FORMAT)


_loaded: list = []  # (catalog, cache path, stamp) of the catalog last read from a cache


def side_file(cache: Path) -> Path:
    """Where the symptom index of a cache lives: beside it, read only by the symptom command."""
    return cache.with_name(cache.stem + "-symptoms.marshal")


def side_bytes(directory: Path) -> bytes:
    """The side file's content for a catalog directory (which must be valid): the symptom engine's index."""
    import json
    import marshal

    from .symptoms.index import Index

    raw = read_files(directory)
    plain = json.loads(json.dumps(Index(build(parse_files(raw))).export(), ensure_ascii=False))
    return marshal.dumps({"stamp": _stamp(raw), "symptom_index": plain}, MARSHAL_FORMAT)


def cached_extra(catalog: Catalog, name: str) -> Any:
    """Derived data kept beside the start-up cache this catalog came from (e.g. the symptom index), else None."""
    import marshal

    for cat, path, stamp in _loaded:
        if cat is catalog:
            try:
                with open(side_file(path), "rb") as handle:
                    side = marshal.loads(handle.read())
                return side[name] if side["stamp"] == stamp else None
            except (OSError, ValueError, EOFError, KeyError, TypeError):
                return None
    return None


def build(files: dict[str, tuple[Any, dict]]) -> Catalog:
    from .validate import build_catalog

    return build_catalog(files)


def load_catalog(directory: Path | None = None, cache: Path | None = None) -> Catalog:
    """Load and validate a catalog: the one named, else $PYROADVISE_CATALOG, else the shipped one.

    ``cache`` defaults to the shipped cache when the shipped catalog is loaded.
    """
    if directory is None:
        directory = catalog_dir_from_env()
    if directory is None:
        directory = default_catalog_dir()
        cache = cache or CACHE_FILE
    raw = read_files(directory)
    # Loading allocates many small objects at once and frees none of them: the cyclic garbage
    # collector would only walk them again and again (it made a 10x catalog load 14x slower).
    collecting = gc.isenabled()
    gc.disable()
    try:
        if cache is not None:
            catalog = read_cache(cache, raw)
            if catalog is not None:
                return catalog
        return build(parse_files(raw))
    finally:
        if collecting:
            gc.enable()
