"""The real @pyroscope/nodejs SDK (0.6.4) against the catalog's Node.js claims.

Each case runs apps/node_app.js from a folder where npm installed the SDK. The server address comes
from the SDK's own override, PYROSCOPE_ADHOC_SERVER_ADDRESS, and uploads are made every second with
PYROSCOPE_FLUSH_INTERVAL_MS=1000 (except where the default 60 s flush is the point). The uploads
(/ingest, format=pprof) are decoded and mapped to the series IDs the server would store (wire.py).
Asserted: profile type IDs, default-on types, setting names, what the wall profile holds, the CommonJS
export trap, the heap-only-on-flush behaviour, and that every `pyroadvise setup nodejs` snippet runs
byte for byte and makes the promised profiles arrive.
"""

from __future__ import annotations

import json

import pytest

from .agents import NODE_APP, NODE_VERSIONS, Case, run_cases
from conftest import run

pytestmark = pytest.mark.conformance

(VERSION,) = NODE_VERSIONS
SECONDS = "2.5"
FAST = {"PYROSCOPE_FLUSH_INTERVAL_MS": "1000"}
WALL_IDS = {"wall:samples:count:wall:nanoseconds", "wall:wall:nanoseconds:wall:nanoseconds"}
CPU_ID = "wall:cpu:nanoseconds:wall:nanoseconds"
HEAP_IDS = {"memory:inuse_objects:count:inuse_space:bytes", "memory:inuse_space:bytes:inuse_space:bytes"}


def _case(name: str, spec: dict, env: dict | None = None, seconds: str = SECONDS) -> Case:
    return Case(name, [json.dumps(spec), seconds], FAST if env is None else env)


CASES = [
    _case("start", {"init": {}}),
    _case("start-default-flush", {"init": {}}, env={}, seconds="2"),
    _case("cpu-config", {"init": {"wall": {"collectCpuTime": True}}, "syncBlock": True}),
    _case("cpu-env", {"init": {}}, env=FAST | {"PYROSCOPE_WALL_COLLECT_CPU_TIME": "true"}),
    _case("heap-nested", {"init": {"heap": {"samplingIntervalBytes": 65536}}}),
    _case("heap-top-level", {"init": {"heapSamplingIntervalBytes": 65536}}),
    _case("labels", {"init": {}, "labels": {"route": "burn"}}),
    _case("named-heap", {"init": {}, "start": "startHeapProfiling"}),
    _case("default-heap", {"init": {}, "start": "default.startHeapProfiling"}),
    _case("default-wall", {"init": {}, "start": "default.startWallProfiling"}),
    _case("default-cpu-alias", {"init": {}, "start": "default.startCpuProfiling"}),
    _case("default-cpu-alias-cpu", {"init": {"wall": {"collectCpuTime": True}}, "start": "default.startCpuProfiling"}),
]


def nodejs_snippets(catalog) -> dict[str, tuple[str, ...]]:
    """Every distinct `setup nodejs` snippet (each type alone, and all together) -> the types it serves."""
    lang = catalog.languages["nodejs"]
    out: dict[str, tuple[str, ...]] = {}
    for types in [(t,) for t in lang.types] + [tuple(lang.types)]:
        report = run("setup", "nodejs", *types, "--method", "sdk", "--format", "json").json()
        out[report["snippet"]] = tuple(dict.fromkeys(out.get(report["snippet"], ()) + types))
    return out


@pytest.fixture(scope="module")
def runs(installs, catalog):
    home = installs.get(f"node-{VERSION}")
    cases = list(CASES)
    for i, snippet in enumerate(nodejs_snippets(catalog)):
        path = home / f"snippet{i}.js"  # beside node_modules, so its require() finds the SDK
        path.write_text(snippet + "\n", encoding="utf-8")
        cases.append(Case(f"snippet{i}", ["--snippet", str(path), SECONDS], FAST))
    return run_cases(cases, ["node", str(NODE_APP)], home, "PYROSCOPE_ADHOC_SERVER_ADDRESS")


def lang_type(catalog, type_id: str):
    return catalog.languages["nodejs"].types[type_id]


def ids_of(catalog, type_id: str) -> set[str]:
    return {pid.id for pid in lang_type(catalog, type_id).ids}


def sdk_step(catalog, type_id: str):
    return next(s for s in lang_type(catalog, type_id).enable if s.method == "sdk")


def test_uploads_are_ingest_pprof_from_the_installed_release(runs):
    for result in runs.values():
        for request in result.requests:
            assert request["path"] == "/ingest", result.explain()
            assert "format=pprof" in request["query"]
        for upload in result.uploads:
            assert upload.labels["otel.scope.version"] == VERSION
            assert upload.labels["pyroscope_spy"] == "nodespy"


def test_start_sends_wall_and_heap_under_the_cataloged_ids(runs, catalog):
    result = runs["start"]
    assert result.ids == WALL_IDS | HEAP_IDS, result.explain()
    assert ids_of(catalog, "wall") == WALL_IDS
    assert ids_of(catalog, "heap") == HEAP_IDS
    assert sdk_step(catalog, "wall").default == "on" and sdk_step(catalog, "heap").default == "on"
    assert sdk_step(catalog, "cpu").default == "off"


def test_sampling_defaults(runs, catalog):
    (wall, *_) = runs["start"].profiles("wall")
    assert wall.period_type == ("wall", "nanoseconds")
    assert 9_500_000 <= wall.period <= 20_000_000  # samplingIntervalMicros 10000; the measured interval, under load
    (heap, *_) = runs["start"].profiles("memory")
    assert (heap.period_type, heap.period) == (("inuse_space", "bytes"), 524288)
    assert "10000 microseconds" in sdk_step(catalog, "cpu").start
    assert "524288" in sdk_step(catalog, "heap").start


def test_heap_is_sent_only_by_the_flush_timer(runs, catalog):
    result = runs["start-default-flush"]
    assert result.ids == WALL_IDS, result.explain()  # stop() sends the wall profile only
    assert "60" in lang_type(catalog, "heap").if_empty and "stop()" in lang_type(catalog, "heap").if_empty


def test_collect_cpu_time_adds_cpu_inside_the_wall_profile(runs, catalog):
    for name in ("cpu-config", "cpu-env"):
        result = runs[name]
        assert result.ids == WALL_IDS | HEAP_IDS | {CPU_ID}, result.explain()
    assert ids_of(catalog, "cpu") == {CPU_ID}
    setting = sdk_step(catalog, "cpu").setting
    assert "wall.collectCpuTime" in setting and "PYROSCOPE_WALL_COLLECT_CPU_TIME" in setting


def test_wall_time_holds_no_event_loop_waits(runs):
    """Each loop blocks 20 ms synchronously and awaits a 20 ms timer: only the first shows in wall time."""
    walls = runs["cpu-config"].profiles("wall")

    def share(function: str, sample_type: str) -> float:
        index = walls[0].index(sample_type)
        total = sum(p.total(index) for p in walls)
        return sum(p.under(function, index) for p in walls) / total

    assert share("syncBlock", "wall") > 0.2  # synchronous blocking does count
    assert share("idleWait", "wall") < 0.03  # the timer wait, as long in real time, counts nothing
    assert share("readFileWait", "wall") < 0.1  # only the JS that starts the read, not the wait
    assert share("syncBlock", "cpu") < share("syncBlock", "wall")


def test_dynamic_labels_reach_the_wall_profile_only(runs, catalog):
    result = runs["labels"]
    walls, heaps = result.profiles("wall"), result.profiles("memory")
    assert walls and heaps, result.explain()
    labelled = [labels for p in walls for _, _, labels in p.samples if labels]
    assert labelled and all(labels == {"route": "burn"} for labels in labelled)
    assert all(p.share("burnCpu", "wall") > 0 for p in walls if p.total(1))
    assert not [labels for p in heaps for _, _, labels in p.samples if labels]
    assert "wall profile only" in " ".join(catalog.languages["nodejs"].notes)


def test_heap_sampling_interval_is_read_from_the_nested_key_only(runs, catalog):
    (nested, *_) = runs["heap-nested"].profiles("memory")
    (top, *_) = runs["heap-top-level"].profiles("memory")
    assert (nested.period, top.period) == (65536, 524288)
    assert "heap.samplingIntervalBytes" in " ".join(catalog.languages["nodejs"].notes)


def test_named_export_has_no_start_heap_profiling(runs, catalog):
    result = runs["named-heap"]
    assert result.summary["error"] == "TypeError: Pyroscope.startHeapProfiling is not a function"
    assert result.requests == []
    assert ".default.startHeapProfiling()" in sdk_step(catalog, "heap").how


def test_default_export_starts_profilers_one_by_one(runs, catalog):
    assert runs["default-heap"].ids == HEAP_IDS, runs["default-heap"].explain()
    assert runs["default-wall"].ids == WALL_IDS, runs["default-wall"].explain()
    assert ".default.startWallProfiling()" in sdk_step(catalog, "wall").how


def test_start_cpu_profiling_is_only_a_wall_alias(runs, catalog):
    plain, with_cpu = runs["default-cpu-alias"], runs["default-cpu-alias-cpu"]
    assert plain.ids == WALL_IDS, plain.explain()  # the name alone collects no CPU time
    assert with_cpu.ids == WALL_IDS | {CPU_ID}, with_cpu.explain()
    how = sdk_step(catalog, "wall").how
    assert "startCpuProfiling()` is only another name" in how and "collectCpuTime" in how


def test_every_setup_snippet_runs_unmodified_and_sends_the_promised_profiles(runs, catalog):
    snippets = nodejs_snippets(catalog)
    assert len(snippets) >= 2
    for i, (snippet, types) in enumerate(snippets.items()):
        result = runs[f"snippet{i}"]
        assert "serverAddress: 'http://pyroscope:4040'" in snippet  # overridden by PYROSCOPE_ADHOC_SERVER_ADDRESS
        assert result.summary.get("started") == "snippet", result.explain()
        promised = {pid for t in types for pid in ids_of(catalog, t)}
        assert promised <= result.ids, f"{types}: {result.explain()}"
        assert {u.labels["service_name"] for u in result.uploads} == {"my-service"}


def test_evidence_test_only_for_ids_these_runs_observed(runs, catalog):
    observed = {pid for r in runs.values() for pid in r.ids}
    lang = catalog.languages["nodejs"]
    claimed_test = {pid.id for t in lang.types.values() for pid in t.ids if pid.evidence == "test"}
    assert claimed_test <= observed, f"evidence test but not observed: {sorted(claimed_test - observed)}"
    catalogued = {pid.id for t in lang.types.values() for pid in t.ids}
    assert observed <= catalogued, f"observed but not in the catalog: {sorted(observed - catalogued)}"
    assert {pid.id for t in lang.types.values() for pid in t.ids
            if pid.id in observed and pid.evidence != "test"} == set(), "an observed ID should carry evidence test"
    for type_id, entry in lang.types.items():
        assert "observed-pyroscope-nodejs" in entry.sources, type_id
