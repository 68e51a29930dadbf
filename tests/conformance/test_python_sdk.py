"""The real pyroscope-io SDK (1.4.0 and 1.1.0) against the catalog's Python claims.

Each case runs apps/py_app.py in a venv that holds one SDK release, with the capture server as its
server address, for two seconds; pyroscope.shutdown() sends the final upload. The uploads are decoded
and mapped to the series IDs the server would store (wire.py). The catalog's claims asserted here:
profile type IDs, which types are on by default, the setting names and their defaults, what
oncpu / gil_only / cpu_implementation do, the version gates, and that every `pyroadvise setup python`
snippet runs as printed (only its server address changed) and makes the promised profiles arrive.
"""

from __future__ import annotations

import json

import pytest

from .agents import PY_APP, PYTHON_VERSIONS, Case, run_bounded, run_cases
from conftest import run

pytestmark = pytest.mark.conformance

NEW, OLD = PYTHON_VERSIONS  # 1.4.0, 1.1.0
SECONDS = "2"
CPU_ID = "process_cpu:cpu:nanoseconds:cpu:nanoseconds"
MEMORY_TYPES = ("alloc_objects", "alloc_space", "inuse_objects", "inuse_space")


def _case(name: str, config: dict) -> Case:
    return Case(name, [json.dumps(config), SECONDS])


CASES = {
    NEW: [
        _case("defaults", {}),
        _case("mem", {"mem_enabled": True}),
        _case("mem-only", {"cpu_enabled": False, "mem_enabled": True}),
        _case("nothing-on", {"cpu_enabled": False}),
        _case("offcpu", {"oncpu": False}),
        _case("offcpu-nogil", {"oncpu": False, "gil_only": False}),
        _case("nogil", {"gil_only": False}),
        _case("stack", {"cpu_implementation": "Stack"}),
        _case("stack-offcpu", {"cpu_implementation": "Stack", "oncpu": False}),
        _case("nframe-600", {"mem_enabled": True, "mem_max_nframe": 600}),
        _case("nframe-601", {"mem_enabled": True, "mem_max_nframe": 601}),
        Case("mem-pre-alloc", [json.dumps({"mem_enabled": True}), SECONDS], {"PYROADVISE_PRE_ALLOC_MIB": "64"}),
    ],
    OLD: [
        _case("defaults", {}),
        _case("mem", {"mem_enabled": True}),
        _case("mem-only", {"cpu_enabled": False, "mem_enabled": True}),
        _case("offcpu-nogil", {"oncpu": False, "gil_only": False}),
        _case("stack", {"cpu_implementation": "Stack"}),
    ],
}


def python_snippets(catalog) -> dict[str, tuple[str, ...]]:
    """Every distinct `setup python` snippet (each type alone, and all together) -> the types it serves."""
    lang = catalog.languages["python"]
    choices = [(t,) for t in lang.types] + [tuple(lang.types)]
    out: dict[str, tuple[str, ...]] = {}
    for types in choices:
        report = run("setup", "python", *types, "--method", "sdk", "--format", "json").json()
        out[report["snippet"]] = tuple(dict.fromkeys(out.get(report["snippet"], ()) + types))
    return out


@pytest.fixture(scope="module")
def runs(installs, catalog, tmp_path_factory):
    """All cases of both releases, run side by side: {version: {case name: Result}}."""
    snippet_dir = tmp_path_factory.mktemp("python-snippets")
    snippets = []
    for i, snippet in enumerate(python_snippets(catalog)):
        path = snippet_dir / f"snippet{i}.py"
        path.write_text(snippet + "\n", encoding="utf-8")
        snippets.append(Case(f"snippet{i}", ["--snippet", str(path), SECONDS]))
    batch = []
    for version in PYTHON_VERSIONS:
        command = [str(installs.get(f"python-{version}")), str(PY_APP)]
        batch += [Case(f"{version}/{c.name}", c.args, c.env, command) for c in CASES[version] + snippets]
    results = run_cases(batch, [], None, "PYROADVISE_CAPTURE")
    return {version: {name.split("/", 1)[1]: result for name, result in results.items()
                      if name.startswith(f"{version}/")} for version in PYTHON_VERSIONS}


@pytest.fixture(scope="module")
def signatures(installs):
    """pyroscope.configure()'s parameters and defaults in each release, read from the installed SDK."""
    probe = ("import inspect, json, pyroscope; print(json.dumps({f'{fn}.{n}' if fn != 'configure' else n: "
             "repr(p.default) for fn in ('configure', 'configure_experimental_stack_profiler') "
             "if hasattr(pyroscope, fn) for n, p in inspect.signature(getattr(pyroscope, fn)).parameters.items()}))")
    out = {}
    for version in PYTHON_VERSIONS:
        done = run_bounded([str(installs.get(f"python-{version}")), "-c", probe], timeout=30)
        assert done.returncode == 0, done.stderr
        out[version] = json.loads(done.stdout)
    return out


def ids_of(catalog, type_id: str) -> set[str]:
    return {pid.id for pid in catalog.languages["python"].types[type_id].ids}


def sdk_step(catalog, type_id: str):
    return next(s for s in catalog.languages["python"].types[type_id].enable if s.method == "sdk")


# -- what is sent, and under which ID ---------------------------------------------------------------

def test_every_upload_is_a_push_from_the_installed_release(runs):
    for version, results in runs.items():
        for result in results.values():
            for request in result.requests:
                assert request["path"] == "/push.v1.PusherService/Push", result.explain()
                assert request["headers"].get("user-agent", "").endswith(f"/{version} reqwest"), result.explain()
            for upload in result.uploads:
                assert upload.labels["otel.scope.version"] == version


@pytest.mark.parametrize("version", PYTHON_VERSIONS)
def test_defaults_send_exactly_the_types_the_catalog_has_on_by_default(runs, catalog, version):
    lang = catalog.languages["python"]
    on = [t for t in lang.types if sdk_step(catalog, t).default == "on"]
    assert on == ["cpu"]
    result = runs[version]["defaults"]
    assert result.ids == {CPU_ID}, result.explain()
    assert CPU_ID in ids_of(catalog, "cpu")


def test_cpu_profile_samples_100_times_a_second(runs, catalog):
    (profile, *_) = runs[NEW]["defaults"].profiles("process_cpu")
    assert (profile.period_type, profile.period) == (("cpu", "nanoseconds"), 10_000_000)
    assert "100 times a second" in sdk_step(catalog, "cpu").overhead


def test_mem_enabled_turns_on_all_four_memory_types_with_the_cataloged_ids(runs, catalog):
    result = runs[NEW]["mem"]
    expected = {CPU_ID} | {pid for t in MEMORY_TYPES for pid in ids_of(catalog, t)}
    assert result.ids == expected, result.explain()
    for t in MEMORY_TYPES:
        assert sdk_step(catalog, t).setting == "mem_enabled"
        assert sdk_step(catalog, t).default == "off"
    (memory, *_) = runs[NEW]["mem"].profiles("memory")
    assert (memory.period_type, memory.period) == (("space", "bytes"), 512 * 1024)
    assert memory.share("leak_memory", "inuse_space") > 0.5


def test_memory_allocated_before_configure_is_never_sampled(runs, catalog):
    result = runs[NEW]["mem-pre-alloc"]
    memory = result.profiles("memory")
    assert memory, result.explain()
    for sample_type in ("alloc_space", "inuse_space", "alloc_objects", "inuse_objects"):
        assert sum(p.under("pre_configure_alloc", p.index(sample_type)) for p in memory) == 0
    assert sum(p.under("leak_memory", p.index("inuse_space")) for p in memory) > 0
    assert "Only allocations made after configure() are sampled" in catalog.languages["python"].types["inuse_space"].if_empty


def test_mem_max_nframe_outside_1_to_600_makes_configure_return_false(runs, catalog):
    assert runs[NEW]["nframe-600"].summary["configured"] is True
    assert runs[NEW]["nframe-601"].summary["configured"] is False
    assert runs[NEW]["nframe-601"].requests == []
    assert "outside it configure() returns False" in sdk_step(catalog, "inuse_space").start


def test_cpu_enabled_false_leaves_memory_only(runs, catalog):
    result = runs[NEW]["mem-only"]
    assert result.summary["configured"] is True
    assert result.ids == {pid for t in MEMORY_TYPES for pid in ids_of(catalog, t)}, result.explain()
    assert sdk_step(catalog, "cpu").setting == "cpu_enabled"


def test_both_types_off_makes_configure_return_false_and_sends_nothing(runs, catalog):
    result = runs[NEW]["nothing-on"]
    assert result.summary == {"configured": False, "shutdown": False}, result.explain()
    assert result.requests == []
    assert "configure() returns False" in catalog.languages["python"].types["alloc_space"].if_empty


# -- oncpu, gil_only and cpu_implementation ---------------------------------------------------------

def test_oncpu_false_alone_adds_no_waiting_time(runs, catalog):
    default = runs[NEW]["defaults"].profiles("process_cpu")[0]
    offcpu = runs[NEW]["offcpu"].profiles("process_cpu")[0]
    assert default.share("idle_wait") < 0.05
    assert offcpu.share("idle_wait") < 0.05  # with gil_only=True a sleeping thread holds no GIL
    assert offcpu.share("burn_cpu") > 0.6


@pytest.mark.parametrize("version", PYTHON_VERSIONS)
def test_oncpu_false_with_gil_only_false_counts_waiting_time_and_is_not_inverted(runs, catalog, version):
    (profile, *_) = runs[version]["offcpu-nogil"].profiles("process_cpu")
    assert profile.share("idle_wait") > 0.15, runs[version]["offcpu-nogil"].explain()
    (default, *_) = runs[version]["defaults"].profiles("process_cpu")
    assert default.share("idle_wait") < 0.05
    assert runs[version]["offcpu-nogil"].ids == {CPU_ID}
    cpu = catalog.languages["python"].types["cpu"]
    assert "gil_only=False" in cpu.ids[0].note
    assert "inverted" not in sdk_step(catalog, "cpu").start


def test_gil_only_false_samples_threads_that_released_the_gil(runs):
    default = runs[NEW]["defaults"].profiles("process_cpu")[0]
    nogil = runs[NEW]["nogil"].profiles("process_cpu")[0]
    assert default.share("gil_free_work") < 0.1
    assert nogil.share("gil_free_work") > 0.3


def test_stack_implementation_samples_gil_free_threads_whatever_gil_only_says(runs, catalog):
    result = runs[NEW]["stack"]
    assert result.summary["configured"] is True
    assert result.ids == {CPU_ID}, result.explain()
    (profile, *_) = result.profiles("process_cpu")
    assert profile.share("gil_free_work") > 0.3
    # The Stack sampler adapts its interval (0.1 to 100 ms by default) instead of sample_rate's fixed 10 ms.
    assert 100_000 <= profile.period <= 100_000_000 and profile.period != 10_000_000
    notes = " ".join(catalog.languages["python"].notes)
    assert "cpu_implementation" in notes and "1.3.0" in notes


def test_stack_with_oncpu_false_makes_configure_return_false_on_1_4_0(runs, catalog):
    result = runs[NEW]["stack-offcpu"]
    assert result.summary["configured"] is False, result.explain()
    assert result.requests == []
    assert "oncpu=False" in " ".join(catalog.languages["python"].notes)


# -- version gates ----------------------------------------------------------------------------------

@pytest.mark.parametrize("case, argument", [("mem", "mem_enabled"), ("mem-only", "cpu_enabled")])
def test_1_1_0_rejects_the_newer_arguments_with_type_error(runs, case, argument):
    result = runs[OLD][case]
    assert result.summary.get("error", "").startswith("TypeError:"), result.explain()
    assert f"'{argument}'" in result.summary["error"]
    assert result.requests == []


def test_1_1_0_has_no_cpu_implementation(runs):
    result = runs[OLD]["stack"]
    assert "no attribute 'ProfilerImplementation'" in result.summary.get("error", ""), result.explain()
    assert result.requests == []


def test_1_1_0_sends_cpu_under_the_same_id(runs):
    result = runs[OLD]["defaults"]
    assert result.summary["configured"] is None  # 1.1.0's configure() returns nothing
    assert result.ids == {CPU_ID}, result.explain()


def test_catalog_states_the_1_1_0_memory_gate(catalog):
    text = " ".join(catalog.languages["python"].notes)
    assert "1.2.0" in text and "TypeError" in text


def test_setting_names_and_defaults_match_configure(signatures, catalog):
    new, old = signatures[NEW], signatures[OLD]
    assert new["cpu_enabled"] == "True" and sdk_step(catalog, "cpu").default == "on"
    assert new["mem_enabled"] == "False" and all(sdk_step(catalog, t).default == "off" for t in MEMORY_TYPES)
    assert (new["oncpu"], new["gil_only"], new["sample_rate"], new["upload_interval"]) == ("True", "True", "100", "10")
    assert (new["mem_heap_sample_size"], new["mem_max_nframe"]) == (str(512 * 1024), "128")
    assert new["cpu_implementation"].endswith("PySpy")
    assert new["configure_experimental_stack_profiler.adaptive_max_interval_us"] == "100000"
    assert "0.1 to 100 ms" in " ".join(catalog.languages["python"].notes)
    assert "512 KiB" in sdk_step(catalog, "inuse_space").start and "128" in sdk_step(catalog, "inuse_space").start
    assert "every 10 seconds" in sdk_step(catalog, "cpu").overhead
    for newer in ("mem_enabled", "cpu_enabled", "upload_interval", "cpu_implementation"):
        assert newer not in old
    assert (old["oncpu"], old["gil_only"], old["sample_rate"]) == ("True", "True", "100")


# -- the setup snippets -----------------------------------------------------------------------------

def test_every_setup_snippet_runs_and_sends_the_promised_profiles(runs, catalog):
    snippets = python_snippets(catalog)
    assert len(snippets) >= 2
    for i, (snippet, types) in enumerate(snippets.items()):
        result = runs[NEW][f"snippet{i}"]
        assert result.summary.get("configured") == "snippet", result.explain()
        promised = {pid for t in types for pid in ids_of(catalog, t)} - {"process_cpu:samples:count::milliseconds"}
        assert promised <= result.ids, f"{types}: {result.explain()}"
        assert {u.labels["service_name"] for u in result.uploads} == {"my-service"}


def test_on_1_1_0_the_cpu_snippet_runs_and_the_memory_snippet_fails_at_start(runs, catalog):
    for i, (snippet, types) in enumerate(python_snippets(catalog).items()):
        result = runs[OLD][f"snippet{i}"]
        if "mem_enabled=True" in snippet:
            assert "TypeError" in result.summary.get("error", ""), result.explain()
        else:
            assert result.ids == {CPU_ID}, result.explain()


# -- evidence ---------------------------------------------------------------------------------------

def test_evidence_test_only_for_ids_these_runs_observed(runs, catalog):
    observed = {pid for results in runs.values() for r in results.values() for pid in r.ids}
    lang = catalog.languages["python"]
    claimed_test = {pid.id for t in lang.types.values() for pid in t.ids if pid.evidence == "test"}
    assert claimed_test <= observed, f"evidence test but not observed: {sorted(claimed_test - observed)}"
    catalogued = {pid.id for t in lang.types.values() for pid in t.ids}
    assert observed <= catalogued, f"observed but not in the catalog: {sorted(observed - catalogued)}"
    assert {pid.id for t in lang.types.values() for pid in t.ids if pid.id in observed
            and pid.evidence != "test"} == set(), "an observed ID should carry evidence test"
    for type_id, entry in lang.types.items():
        if any(pid.id in observed for pid in entry.ids):
            assert "observed-pyroscope-io" in entry.sources, type_id
