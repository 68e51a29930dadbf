"""Advice logic on the shipped catalog: the answers the issues promise, lookups, matching, setup, diff."""

from __future__ import annotations

import pytest

from pyroadvise import advice, lookup
from pyroadvise.errors import UsageProblem
from pyroadvise.symptoms import answer, rank
from pyroadvise.setup import compose, setup_report

# (text, --lang, version, allowed top recommendations); an empty set means "no recommendation at all".
MUST_HOLD = [
    ("memory leak", "go", "1.2.0", {"inuse_space", "inuse_objects"}),
    ("leak", "nodejs", "1.2.0", {"heap"}),
    ("memory leak", "java", "2.2.1", {"live_objects"}),
    ("java heap space", "java", "2.2.1", {"live_objects"}),
    ("oomkilled", "java", "2.2.1", {"live_objects"}),
    ("what keeps memory alive", "java", "2.2.1", {"live_objects"}),
    ("memory leak", "java", "1.2.0", {"alloc_space"}),
    ("memory leak", "ruby", "1.2.0", set()),
    ("GC pressure", "go", "1.2.0", {"alloc_objects", "alloc_space"}),
    ("GC pressure", "java", "2.2.1", {"alloc_space"}),
    ("gc frames in cpu profile", "java", "2.2.1", {"alloc_space"}),
    ("too many allocations", "dotnet", "1.2.0", {"alloc_objects", "alloc_space"}),
    ("high cpu", "python", "1.2.0", {"cpu"}),
    ("lock contention", "go", "1.2.0", {"mutex_duration", "mutex_count"}),
    ("lock contention", "java", "1.2.0", {"lock_duration", "lock_count"}),
    ("goroutine leak", "go", "1.2.0", {"goroutines"}),
    ("deadlock", "go", "1.2.0", {"goroutines"}),
    ("blocked on channel", "go", "1.2.0", {"block_duration", "block_count"}),
    ("slow but cpu is low", "dotnet", "1.2.0", {"wall"}),
    ("exceptions", "dotnet", "1.2.0", {"exceptions"}),
    ("memory leak", "python", "2.2.1", {"inuse_space", "inuse_objects"}),
    ("memory leak", "dotnet", "2.2.1", {"heap", "inuse_space", "inuse_objects"}),
    ("p99 latency spikes but CPU is low", "java", "2.2.1", {"wall"}),
    ("request slow but cpu idle", "nodejs", "2.2.1", set()),
    ("waiting on database", "nodejs", "2.2.1", set()),
    ("p99 latency spikes but CPU is low", "go", "2.2.1", {"wall"}),
    ("slow database calls", "go", "2.2.1", {"wall"}),
    ("go wall profile", "go", "2.2.1", {"wall"}),
    ("p99 latency spikes but CPU is low", "go", "1.2.0", {"block_duration"}),
    ("blocked on channel", "java", "2.2.1", {"wall"}),
    ("memory leak", "rust", "2.2.1", {"inuse_space"}),
    ("mutex profile is empty", "go", "2.2.1", {"mutex_duration", "mutex_count"}),
]


@pytest.mark.parametrize("text,lang,version,top", MUST_HOLD, ids=[f"{t}|{lang}|{v}" for t, lang, v, _ in MUST_HOLD])
def test_must_hold(catalog, text, lang, version, top):
    report = advice.symptom_report(catalog, text, lang, version)
    recs = [r["type"] for r in report["recommendations"]]
    if top:
        assert recs and recs[0] in top, recs
    else:
        assert recs == []
    have = set(catalog.versions[version].rows)
    for rec in report["recommendations"]:
        assert rec["type"] in have


def test_ruby_leak_names_the_missing_memory_types_and_what_exists(catalog):
    report = advice.symptom_report(catalog, "memory leak", "ruby", "1.2.0")
    missing = {u["type"] for u in report["unavailable"]}
    assert {"inuse_space", "inuse_objects", "heap"} <= missing
    assert all(u["alternative"] == {"type": None, "name": None, "text": report["beyond"]} for u in report["unavailable"])
    assert "memory_profiler" in report["beyond"]


def test_rust_leak_states_the_jemalloc_caveat(catalog):
    report = advice.symptom_report(catalog, "memory leak", "rust", "2.2.1")
    assert "jemalloc" in report["recommendations"][0]["why"]


def test_mutex_profile_empty_names_the_runtime_call(catalog):
    report = advice.symptom_report(catalog, "mutex profile is empty", "go", "2.2.1")
    assert "runtime.SetMutexProfileFraction" in report["recommendations"][0]["why"]


def test_java_leak_opens_the_live_objects_series(catalog):
    report = advice.symptom_report(catalog, "memory leak", "java", "2.2.1")
    first = report["recommendations"][0]
    assert first["type"] == "live_objects"
    assert "PYROSCOPE_ALLOC_LIVE=true" in first["why"] and "PYROSCOPE_GC_BEFORE_DUMP=true" in first["why"]
    assert [i["id"] for i in first["ids"]] == ["memory:live:count:objects:count"]
    assert [s["setting"] for s in first["enable"]] == ["PYROSCOPE_ALLOC_LIVE"]


def test_java_leak_before_live_objects_names_what_is_missing(catalog):
    """Pyroscope 1.2.0's matrix has no live-object row: the answer says so and falls back to bytes."""
    report = advice.symptom_report(catalog, "memory leak", "java", "1.2.0")
    assert [u["type"] for u in report["unavailable"]] == ["live_objects"]
    assert "PYROSCOPE_ALLOC_LIVE" in report["unavailable"][0]["why"]
    assert report["unavailable"][0]["alternative"]["type"] == "alloc_space"


def test_java_alloc_ids_hold_no_live_series(catalog):
    java = catalog.languages["java"]
    assert "memory:live:count:objects:count" not in {i.id for i in java.types["alloc_objects"].ids}
    assert lookup.profile_type(catalog, "memory:live:count:objects:count").id == "live_objects"


def test_nodejs_waiting_is_answered_with_trace_spans_not_wall(catalog):
    """No Node.js profile counts async waits (agent-conformance N13): the answer says so and points at spans."""
    for text in ("slow but cpu is low", "waiting on database", "ruby waiting on db"):
        report = advice.symptom_report(catalog, text, "nodejs", "2.2.1")
        assert report["recommendations"] == [], text
        assert "No Node.js profile sees async waits" in report["beyond"], text
        assert "OpenTelemetry" in report["beyond"], text


def test_nodejs_wall_type_says_what_it_does_not_see(catalog):
    wall = catalog.types["wall"]
    assert "time the event loop waits on timers, promises or async I/O counts zero" in wall.measures
    assert any("In Node.js" in line and "trace spans" in line for line in wall.cannot_show)


def test_go_wall_comes_from_fgprof_in_pull_mode(catalog):
    report = advice.symptom_report(catalog, "go wall profile", "go", "2.2.1")
    first = report["recommendations"][0]
    assert first["type"] == "wall" and first["status"] == "source-only"
    assert [(m["column"], m["note"]) for m in first["methods"]] == [
        ("go_alloy", "fgprof endpoint (profile.fgprof), off by default; the app must serve fgprof")]
    assert [s["setting"] for s in first["enable"]] == ["profile.fgprof"]
    assert {i["evidence"] for i in first["ids"]} == {"derived"}
    assert "push SDK has no wall type" in report["beyond"]
    assert "fgprof:time:nanoseconds::" in first["why"]


def test_java_empty_cpu_in_a_container_is_not_blamed_on_perf_events(catalog):
    why = advice.symptom_report(catalog, "java cpu profile empty in container", "java", "2.2.1")["recommendations"][0]["why"]
    assert why.startswith("Not perf_events") and "ctimer" in why
    assert catalog.languages["java"].types["cpu"].if_empty.startswith("A blocked perf_events is not the cause")


def test_gc_pressure_ranks_bytes_first(catalog):
    assert catalog.symptoms["gc-pressure"].suggest[0].type == "alloc_space"
    java = advice.symptom_report(catalog, "gc pressure", "java", "2.2.1")["recommendations"]
    assert [r["type"] for r in java] == ["alloc_space", "alloc_objects"]
    assert "counts allocation samples, not objects" in java[1]["why"]


def test_java_tlab_mode_names_the_alloy_release(catalog):
    step = next(s for s in catalog.languages["java"].types["alloc_space"].enable if s.method == "alloy")
    assert "Alloy 1.19" in step.how and "custom_arguments" in step.how and "--tlab" in step.how


def test_dotnet_snippet_sets_the_library_path(catalog):
    snippet = setup_report(catalog, "dotnet", ["cpu"], None, None)["snippet"]
    assert "export LD_LIBRARY_PATH=/pyroscope" in snippet and "aarch64" in snippet


def test_unavailable_lists_only_better_types_than_the_best_available(catalog):
    report = advice.symptom_report(catalog, "memory leak", "dotnet", "1.2.0")
    best = report["recommendations"][0]["type"]
    assert best in {"alloc_space", "alloc_objects"}
    assert {u["type"] for u in report["unavailable"]} == {"inuse_space", "inuse_objects", "heap"}
    assert all(u["alternative"]["type"] == best for u in report["unavailable"])


def test_without_language_every_recommendation_names_who_has_it(catalog):
    report = advice.symptom_report(catalog, "memory leak", None, None)
    assert report["language"] is None and report["unavailable"] == []
    for rec in report["recommendations"]:
        assert rec["languages"], rec["type"]


@pytest.mark.parametrize("typed,expected", [
    ("golang", "go"), ("node", "nodejs"), ("C#", "dotnet"), ("Kotlin", "java"), ("c#", "dotnet"),
    (".NET", "dotnet"), ("Node.js", "nodejs"), ("scala", "java"), ("py", "python"), ("TypeScript", "nodejs"),
    ("  JAVA  ", "java"), ("ｊａｖａ", "java"),
])
def test_language_names_people_type(catalog, typed, expected):
    assert lookup.language(catalog, typed).id == expected


@pytest.mark.parametrize("typed", ["mutex_duration", "mutex-duration", "Mutex Duration", "MUTEX DURATION",
                                   "mutexduration"])
def test_type_spellings(catalog, typed):
    assert lookup.profile_type(catalog, typed).id == "mutex_duration"


def test_type_by_profile_type_id(catalog):
    assert lookup.profile_type(catalog, "memory:inuse_space:bytes:space:bytes").id == "inuse_space"
    assert lookup.profile_type(catalog, "mutex:delay:nanoseconds:mutex:count").id == "lock_duration"


@pytest.mark.parametrize("typed,hint", [("kotln", "java"), ("pyton", "python"), ("rubyy", "ruby")])
def test_unknown_language_offers_the_closest(catalog, typed, hint):
    with pytest.raises(UsageProblem) as err:
        lookup.language(catalog, typed)
    assert err.value.exit_code == 2
    assert f"Did you mean: {hint}" in err.value.hints[0]


def test_unknown_type_offers_the_closest(catalog):
    with pytest.raises(UsageProblem) as err:
        lookup.profile_type(catalog, "mutex")
    assert err.value.hints[0] == "Did you mean: mutex_count, mutex_duration?"


@pytest.mark.parametrize("typed,expected", [(None, "2.2.1"), ("1.2.0", "1.2.0"), ("v1.2.0", "1.2.0"),
                                            ("latest", "2.2.1"), ("2.2", "2.2.1")])
def test_versions(catalog, typed, expected):
    assert lookup.version(catalog, typed).id == expected


@pytest.mark.parametrize("typed", ["abc", "2.x", "", "1.2.3.4"])
def test_a_version_that_is_no_release_number_lists_the_catalogued_ones(catalog, typed):
    with pytest.raises(UsageProblem) as err:
        lookup.version(catalog, typed)
    assert err.value.exit_code == 2
    assert "Catalogued versions: 1.2.0, 2.2.1 (default: 2.2.1, the newest)." in err.value.hints[0]


@pytest.mark.parametrize("typed,used,warning", [
    ("2.0.0", "1.2.0", "Pyroscope 2.0.0 is not catalogued; advising from the nearest catalogued release below it, 1.2.0."),
    ("1.14.0", "1.2.0", "Pyroscope 1.14.0 is not catalogued; advising from the nearest catalogued release below it, 1.2.0."),
    ("2.2.0", "1.2.0", "Pyroscope 2.2.0 is not catalogued; advising from the nearest catalogued release below it, 1.2.0."),
    ("v2.0", "1.2.0", "Pyroscope 2.0 is not catalogued; advising from the nearest catalogued release below it, 1.2.0."),
    ("2.3.0", "2.2.1", "Pyroscope 2.3.0 is newer than every catalogued release; advising from the newest, 2.2.1."),
    ("10", "2.2.1", "Pyroscope 10 is newer than every catalogued release; advising from the newest, 2.2.1."),
    ("1.2.0", "1.2.0", None), ("2.2", "2.2.1", None), ("latest", "2.2.1", None), (None, "2.2.1", None),
])
def test_releases_people_run_fall_back_to_the_nearest_catalogued(catalog, typed, used, warning):
    version, said = lookup.release(catalog, typed)
    assert (version.id, said) == (used, warning)


@pytest.mark.parametrize("typed", ["0.37.0", "1.1.9", "v1.0"])
def test_a_release_older_than_the_oldest_is_an_error(catalog, typed):
    with pytest.raises(UsageProblem) as err:
        lookup.version(catalog, typed)
    assert err.value.message == f"Pyroscope {typed.lstrip('v')} is older than the oldest catalogued release, 1.2.0."


@pytest.mark.parametrize("text,expected", [
    ("memroy leak", "memory-leak"), ("deadlok", "deadlock-hang"), ("lock contetion", "lock-contention"),
    ("Memory keeps growing", "memory-leak"), ("goroutine leak", "goroutine-leak"),
    ("my pod got OOMKilled", "oom-killed"), ("p99 high but cpu idle", "slow-but-idle"),
])
def test_free_text_and_typos(catalog, text, expected):
    assert rank(catalog, text)[0].symptom == expected


def test_every_phrase_finds_its_own_symptom(catalog):
    """Each phrase answers its own symptom, for each language the symptom is tied to (or any)."""
    for symptom in catalog.symptoms.values():
        for lang in symptom.runtimes or (None,):
            assert answer(catalog, symptom.id, lang).symptom == symptom.id
            for phrase in (symptom.name, *symptom.phrases):
                best = rank(catalog, phrase, lang)[0]
                assert best.symptom == symptom.id, f"{phrase!r} ({lang}) -> {best.symptom}, not {symptom.id}"


@pytest.mark.parametrize("text", ["", "   ", "!!!", "the my a"])
def test_empty_symptom_text_is_a_usage_error(catalog, text):
    with pytest.raises(UsageProblem):
        advice.symptom_report(catalog, text, None, None)


def test_nonsense_matches_nothing(catalog):
    assert rank(catalog, "zzqx vvbn") == []
    with pytest.raises(UsageProblem) as err:
        advice.symptom_report(catalog, "zzqx vvbn", None, None)
    assert "list symptoms" in err.value.hints[-1]


def test_lang_report_separates_supported_and_unsupported(catalog):
    newest = advice.lang_report(catalog, "java", None)
    old = advice.lang_report(catalog, "java", "1.2.0")
    assert "wall" in [s["type"] for s in newest["supported"]]
    assert "wall" not in [s["type"] for s in old["supported"]]
    assert "wall" in [u["type"] for u in old["unsupported"]]


def test_diff_reports_what_the_issue_lists(catalog):
    changes = advice.diff_report(catalog, "1.2.0", None)["changes"]
    added = {(c["language"], c["type"]) for c in changes if c["change"] == "added"}
    assert {("java", "wall"), ("nodejs", "wall"), ("dotnet", "inuse_space"), ("dotnet", "heap"),
            ("python", "alloc_space"), ("python", "inuse_objects"), ("go", "goroutine_leak"),
            ("ebpf", "off_cpu"), ("rust", "inuse_space"), ("java", "block_duration")} <= added
    assert not [c for c in changes if c["change"] == "removed"]
    go_cpu = next(c for c in changes if (c["language"], c["type"]) == ("go", "cpu"))
    assert go_cpu["change"] == "changed"
    assert go_cpu["after"] == [{"method": "alloy", "status": "documented"}, {"method": "sdk", "status": "documented"}]


def test_diff_of_a_version_with_itself_is_refused(catalog):
    with pytest.raises(UsageProblem):
        advice.diff_report(catalog, "2.2.1", "2.2.1")


def test_compose_fills_placeholders_with_indentation_and_dedupes():
    from pyroadvise.model import EnableStep

    def step(item=None, extra=()):
        return EnableStep("sdk", "X", "off", "how", None, None, item, tuple(extra))

    template = "start(\n    {items}\n)\n{extra}\nend"
    steps = [step("a,", ["x()"]), step("b,", ["x()", "y()"]), step(None)]
    assert compose(template, steps) == "start(\n    a,\n    b,\n)\nx()\ny()\nend"
    assert compose(template, [step(None)]) == "start(\n)\nend"


def test_setup_go_mutex_adds_the_constant_and_the_runtime_call(catalog):
    report = setup_report(catalog, "go", ["mutex_duration"], None, None)
    assert report["method"]["id"] == "sdk"
    assert "pyroscope.ProfileMutexDuration" in report["snippet"]
    assert "runtime.SetMutexProfileFraction" in report["snippet"]


def test_setup_refuses_a_type_the_language_lacks(catalog):
    with pytest.raises(UsageProblem) as err:
        setup_report(catalog, "ruby", ["heap"], None, None)
    assert "Ruby has: cpu" in err.value.hints[0]


def test_setup_picks_a_method_that_collects_every_type(catalog):
    with pytest.raises(UsageProblem):
        setup_report(catalog, "go", ["goroutine_leak"], "alloy", None)
    assert setup_report(catalog, "java", ["alloc_space"], "alloy", None)["method"]["id"] == "alloy"
