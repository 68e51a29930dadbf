"""`pyroadvise catalog check`: validate a catalog directory and report every problem."""

from __future__ import annotations

from pathlib import Path

from .loader import default_catalog_dir, load_catalog
from .problems import CatalogError


def check_report(directory: str | None) -> dict:
    """Validate the catalog in `directory` (the shipped one when None). Never raises for catalog faults."""
    path = Path(directory) if directory else default_catalog_dir()
    try:
        load_catalog(path)
        problems = []
    except CatalogError as exc:
        problems = exc.problems
    return {
        "catalog": str(path),
        "ok": not problems,
        "problems": [p._asdict() | {"where": p.where()} for p in problems],
    }
