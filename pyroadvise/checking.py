"""`pyroadvise catalog check`: validate a catalog directory and report every problem."""

from __future__ import annotations

from pathlib import Path

from .loader import default_catalog_dir, load_catalog
from .problems import CatalogError


def check_report(directory: str | None) -> dict:
    """Validate the catalog in `directory` (the shipped one when None). Never raises for catalog faults."""
    path = Path(directory) if directory else default_catalog_dir()
    catalog = None
    try:
        catalog = load_catalog(path)
        problems = []
    except CatalogError as exc:
        problems = exc.problems
    problems = problems + doctor_problems(path, catalog)
    return {
        "catalog": str(path),
        "ok": not problems,
        "problems": [p._asdict() | {"where": p.where()} for p in problems],
    }


def doctor_problems(path: Path, catalog) -> list:
    """The doctor catalog (DIR/doctor/, when present): read only by `catalog check` and `doctor`."""
    from .doctor.catalogdata import check_problems

    return sorted(check_problems(path, catalog), key=lambda p: (p.file, p.line or 0, p.code, p.message))
