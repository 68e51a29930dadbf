"""Sources of kind observed: what they must carry, and that the catalog's ones match the conformance layer.

Not marked conformance: these read the catalog and this folder only.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from conftest import FIXTURES, ROOT, run

from pyroadvise.loader import load_catalog
from pyroadvise.problems import CatalogError

from .agents import NODE_SDK, NODE_VERSIONS, PYTHON_SDK, PYTHON_VERSIONS

VALID = FIXTURES / "catalogs" / "valid-minimal"


def test_the_conformance_layers_sources_name_the_sdks_and_releases_it_installs(catalog):
    expected = {"observed-pyroscope-io": (PYTHON_SDK, PYTHON_VERSIONS, "tests/conformance/test_python_sdk.py"),
                "observed-pyroscope-nodejs": (NODE_SDK, NODE_VERSIONS, "tests/conformance/test_nodejs_sdk.py")}
    for source_id, (sdk, versions, test_file) in expected.items():
        source = catalog.sources[source_id]
        assert source.kind == "observed"
        assert (source.observed.sdk, source.observed.versions) == (sdk, versions)
        assert source.where.startswith(test_file) and (ROOT / test_file).is_file()


def test_every_observed_source_names_an_sdk_and_releases(catalog):
    for source in catalog.sources.values():
        assert (source.kind == "observed") == (source.observed is not None), source.id


def _catalog_with(tmp_path: Path, extra: str) -> Path:
    target = tmp_path / "catalog"
    shutil.copytree(VALID, target)
    with (target / "sources.yaml").open("a", encoding="utf-8") as out:
        out.write(extra)
    return target


@pytest.mark.parametrize("extra, code, message", [
    ("  - id: seen\n    title: Seen\n    where: tests/x.py\n    kind: observed\n    versions: ['1.0.0']\n",
     "CAT004", "needs 'sdk'"),
    ("  - id: seen\n    title: Seen\n    where: tests/x.py\n    kind: observed\n    sdk: demo\n",
     "CAT004", "needs 'versions'"),
    ("  - id: seen\n    title: Seen\n    where: a page\n    kind: docs\n    sdk: demo\n",
     "CAT005", "'sdk' belongs only to sources of kind observed"),
    ("  - id: seen\n    title: Seen\n    where: tests/x.py\n    kind: observed\n    sdk: demo\n    versions: ['1.0']\n",
     "CAT023", "'1.0' is not a valid version"),
], ids=["observed-without-sdk", "observed-without-versions", "sdk-on-docs", "bad-version"])
def test_observed_fields_are_validated(tmp_path, extra, code, message):
    with pytest.raises(CatalogError) as caught:
        load_catalog(_catalog_with(tmp_path, extra))
    assert [(p.code, p.file) for p in caught.value.problems] == [(code, "sources.yaml")]
    assert message in caught.value.problems[0].message


def test_sources_show_what_was_observed_in_table_markdown_and_json():
    table = run("lang", "nodejs", "--sources")
    assert table.exit_code == 0
    assert "Observed from the real SDK:" in table.stdout and "@pyroscope/nodejs 0.6.4" in table.stdout
    markdown = run("lang", "python", "--sources", "--format", "markdown")
    assert "Observed from the real SDK: pyroscope-io 1.4.0, 1.1.0 |" in markdown.stdout
    sources = {s["id"]: s for s in run("lang", "python", "--sources", "--format", "json").json()["sources"]}
    assert sources["observed-pyroscope-io"]["observed"] == {"sdk": "pyroscope-io", "versions": ["1.4.0", "1.1.0"]}
    assert sources["docs-python"]["observed"] is None
