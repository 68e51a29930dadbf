"""Find the catalog, read it, validate it.

The YAML files are the truth. Parsing and validating them costs more than the rest of a command,
so the package ships a cache next to this module (``catalog-cache.json``): the validated catalog
(see snapshot.py) under a fingerprint of the YAML files it came from. It is used only while every
YAML file still matches the fingerprint, and was written by this same version of pyroadvise;
otherwise the YAML is parsed and validated (slower, never wrong). ``python -m pyroadvise.regen``
rewrites the cache; a test fails while it is stale.
"""

from __future__ import annotations

import gc
import os
import zlib
from pathlib import Path
from typing import Any

from .model import Catalog
from .problems import CatalogError, problem

PACKAGE_DIR = Path(__file__).resolve().parent
CACHE_FILE = PACKAGE_DIR / "catalog-cache.json"
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
        try:
            with open(directory / rel, "rb") as handle:
                out[rel] = handle.read()
        except OSError as exc:
            problems.append(problem("CAT001", rel, None, f"cannot read: {exc.strerror or exc}"))
    if problems:
        raise CatalogError(problems)
    return out


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
    import json

    try:
        with open(path, encoding="utf-8") as handle:
            cache = json.load(handle)
        if cache["stamp"] != _stamp(raw):
            return None
        from .snapshot import decode

        catalog = decode(cache["catalog"])
        _loaded[:] = [(catalog, path, cache["stamp"])]
        return catalog
    except (OSError, ValueError, KeyError, TypeError, IndexError):
        return None


def cache_text(directory: Path) -> str:
    """The cache file's content for a catalog directory (which must be valid)."""
    import json

    from .snapshot import encode

    raw = read_files(directory)
    catalog = build(parse_files(raw))
    payload = {"stamp": _stamp(raw), "catalog": encode(catalog)}
    return json.dumps(payload, ensure_ascii=False, separators=(",", ":")) + "\n"


_loaded: list = []  # (catalog, cache path, stamp) of the catalog last read from a cache


def side_file(cache: Path) -> Path:
    """Where the symptom index of a cache lives: beside it, read only by the symptom command."""
    return cache.with_name(cache.stem + "-symptoms.json")


def side_text(directory: Path) -> str:
    """The side file's content for a catalog directory (which must be valid): the symptom engine's index."""
    import json

    from .symptoms.index import Index

    raw = read_files(directory)
    payload = {"stamp": _stamp(raw), "symptom_index": Index(build(parse_files(raw))).export()}
    return json.dumps(payload, ensure_ascii=False, separators=(",", ":")) + "\n"


def cached_extra(catalog: Catalog, name: str) -> Any:
    """Derived data kept beside the start-up cache this catalog came from (e.g. the symptom index), else None."""
    import json

    for cat, path, stamp in _loaded:
        if cat is catalog:
            try:
                with open(side_file(path), encoding="utf-8") as handle:
                    side = json.load(handle)
                return side[name] if side["stamp"] == stamp else None
            except (OSError, ValueError, KeyError, TypeError):
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
