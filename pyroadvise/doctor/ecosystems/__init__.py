"""The per-language analysers. Each module has LANGUAGE, detect(tree) and analyse(service, tree, ctx).

Imported by name and lazily, so a run only pays for the modules it uses.
"""

from __future__ import annotations

import importlib
from types import ModuleType

ECOSYSTEMS = ("go", "java", "dotnet", "nodejs", "python", "ruby", "rust")
# Collectors that are not a language of their own: they attach to the services above.
COLLECTORS = ("alloyebpf",)


def load(name: str) -> ModuleType | None:
    """The ecosystem module ``name``, or None when it is not there (yet)."""
    try:
        return importlib.import_module(f"{__name__}.{name}")
    except ModuleNotFoundError as error:
        if error.name == f"{__name__}.{name}":
            return None
        raise
