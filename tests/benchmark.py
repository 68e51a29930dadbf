"""Start-up benchmark: whole commands against the bare interpreter, and catalog loading in process.

    python tests/benchmark.py [--rounds 20]

Not part of the test run (timings are not tests; tests/test_speed_guards.py guards speed with
deterministic checks). Each command runs as a whole process, alternated with `python -c pass` so
that both see the same machine load; a command's ratio is the median of its per-pair ratios.
The installed `pyroadvise` console script is what gets timed (install with `pip install .`).
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

TARGETS = {  # ratio to `python -c pass`, median
    "--help": 6.0,
    "lang java": 8.0,
    "json": 6.0,
    "completion": 2.0,
}
LOAD_TARGET_MS = 5.0


def _time(cmd: list[str], env: dict) -> float:
    # No timeout= here: subprocess then polls with sleeps that inflate short runs.
    start = time.perf_counter()
    subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
    return time.perf_counter() - start


def floors(python: str) -> list[tuple[str, list[str], str | None]]:
    """What the stack costs before pyroadvise does anything: the floor under each target."""
    return [
        ("floor: python -c 'import typer'", [python, "-c", "import typer"], None),
        ("floor: python -c 'import typer, rich.console, rich.table'",
         [python, "-c", "import typer, rich.console, rich.table"], None),
    ]


def commands(prog: str) -> list[tuple[str, list[str], str | None]]:
    bash_tab = ("source " + str(ROOT / "completions/pyroadvise.bash") +
                '; COMP_WORDS=(pyroadvise lang ""); COMP_CWORD=2; _pyroadvise; echo "${COMPREPLY[@]}"')
    return [
        ("pyroadvise --help", [prog, "--help"], "--help"),
        ("pyroadvise lang java", [prog, "lang", "java"], "lang java"),
        ("pyroadvise symptom leak --lang go", [prog, "symptom", "leak", "--lang", "go"], None),
        ("pyroadvise lang java --format json", [prog, "lang", "java", "--format", "json"], "json"),
        ("pyroadvise symptom leak --lang go --format json",
         [prog, "symptom", "leak", "--lang", "go", "--format", "json"], "json"),
        ("pyroadvise matrix", [prog, "matrix"], None),
        ("one bash TAB: pyroadvise lang <TAB>", ["bash", "--norc", "--noprofile", "-c", bash_tab], "completion"),
    ]


def bench_processes(rounds: int) -> list[tuple[str, float, float, float | None]]:
    # The console script next to this interpreter first (a venv need not be activated).
    prog = shutil.which("pyroadvise", path=os.pathsep.join([str(Path(sys.executable).parent), os.environ.get("PATH", "")]))
    if prog is None:
        sys.exit("pyroadvise is not on PATH: install it first (pip install .)")
    # Bytecode caches on, as on any normal install (the warm-up runs write them).
    skip = ("PYROADVISE_CATALOG", "PYTHONDONTWRITEBYTECODE")
    env = {k: v for k, v in os.environ.items() if k not in skip} | {"COLUMNS": "100"}
    base_cmd = [sys.executable, "-c", "pass"]
    rows = []
    base_all: list[float] = []
    for name, cmd, target in floors(sys.executable) + commands(prog):
        for _ in range(2):  # warm the file cache
            _time(cmd, env)
        times, ratios = [], []
        for _ in range(rounds):
            base = _time(base_cmd, env)
            took = _time(cmd, env)
            base_all.append(base)
            times.append(took)
            ratios.append(took / base)
        rows.append((name, statistics.median(times), statistics.median(ratios), TARGETS.get(target)))
    rows.insert(0, ("python -c pass", statistics.median(base_all), 1.0, None))
    return rows


FLOOR_TARGET = 1.15  # issue 11: within 15% of the floor of the stack


def floor_pairs(python: str, prog: str) -> list[tuple[str, list[str], str, list[str]]]:
    """Each command beside the floor under it: what importing its stack alone costs."""
    table_floor = [python, "-c", "import typer, rich.console, rich.table"]
    json_floor = [python, "-c", "import typer"]
    return [
        ("pyroadvise lang java", [prog, "lang", "java"], "import typer, rich.console, rich.table", table_floor),
        ("pyroadvise lang java --format json", [prog, "lang", "java", "--format", "json"], "import typer", json_floor),
        ("pyroadvise symptom leak --lang go --format json",
         [prog, "symptom", "leak", "--lang", "go", "--format", "json"], "import typer", json_floor),
        ("pyroadvise --help", [prog, "--help"], "import typer", json_floor),
    ]


def _cpu_time(cmd: list[str], env: dict) -> tuple[float, float]:
    """(wall seconds, CPU seconds of the child: user + system). CPU time leaves out the time the process
    waited for a core, which on a shared machine is most of the noise in wall time."""
    import resource

    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    wall = _time(cmd, env)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu


def bench_floor_ratios(rounds: int) -> list[tuple[str, str, float, float, float, float]]:
    """(command, floor, command median ms, floor median ms, median of per-pair wall ratios, the same for
    CPU time), pairs alternating which runs first so that neither always meets a warmer or busier machine."""
    prog = _prog()
    env = _env()
    rows = []
    for name, cmd, floor_name, floor in floor_pairs(sys.executable, prog):
        for _ in range(2):
            _time(cmd, env)
            _time(floor, env)
        took, base, ratios, cpu_ratios = [], [], [], []
        for i in range(rounds):
            if i % 2:
                b, bc = _cpu_time(floor, env)
                t, tc = _cpu_time(cmd, env)
            else:
                t, tc = _cpu_time(cmd, env)
                b, bc = _cpu_time(floor, env)
            took.append(t)
            base.append(b)
            ratios.append(t / b)
            if bc > 0:
                cpu_ratios.append(tc / bc)
        rows.append((name, floor_name, statistics.median(took) * 1000, statistics.median(base) * 1000,
                     statistics.median(ratios), statistics.median(cpu_ratios) if cpu_ratios else float("nan")))
    return rows


def _prog() -> str:
    prog = shutil.which("pyroadvise", path=os.pathsep.join([str(Path(sys.executable).parent), os.environ.get("PATH", "")]))
    if prog is None:
        sys.exit("pyroadvise is not on PATH: install it first (pip install .)")
    return prog


def _env() -> dict:
    skip = ("PYROADVISE_CATALOG", "PYTHONDONTWRITEBYTECODE")
    return {k: v for k, v in os.environ.items() if k not in skip} | {"COLUMNS": "100"}


def synthetic_catalog(factor: int, into: Path) -> Path:
    """The shipped catalog repeated `factor` times, every id renamed per copy (and one version per copy)."""
    import yaml

    from pyroadvise.loader import default_catalog_dir

    src = default_catalog_dir()

    def load(rel):
        return yaml.safe_load((src / rel).read_text(encoding="utf-8"))

    def suffix(value, k):
        return f"{value}x{k}"

    (into / "languages").mkdir(parents=True)
    (into / "versions").mkdir()
    sources, types, symptoms = load("sources.yaml"), load("types.yaml"), load("symptoms.yaml")
    out_sources, out_types, out_symptoms = [], [], []
    for k in range(factor):
        out_sources += [s | {"id": suffix(s["id"], k)} for s in sources["sources"]]
        for t in types["types"]:
            out_types.append(t | {"id": suffix(t["id"], k), "name": suffix(t["name"], k),
                                  "see_also": [suffix(x, k) for x in t.get("see_also", [])],
                                  "sources": [suffix(x, k) for x in t["sources"]]})
        for s in symptoms["symptoms"]:
            def sug(items):
                return [i | {"type": suffix(i["type"], k)} for i in items]
            langs = {suffix(lang, k): e | ({"suggest": sug(e["suggest"])} if "suggest" in e else {})
                     for lang, e in s.get("languages", {}).items()}
            # Each copy's languages exist in every copy's versions, with no types in the others: a generic
            # answer keeps every symptom answering every language, as the validator requires.
            tied = {"runtimes": [suffix(r, k) for r in s["runtimes"]]} if "runtimes" in s else {}
            triage = {"triage": [b | {"symptom": suffix(b["symptom"], k)} for b in s["triage"]]} if "triage" in s else {}
            out_symptoms.append(s | tied | triage | {"beyond": s.get("beyond", "No profile here."),
                                     "id": suffix(s["id"], k), "name": suffix(s["name"], k),
                                     "phrases": [suffix(p, k) for p in s["phrases"]], "suggest": sug(s["suggest"]),
                                     "languages": langs, "sources": [suffix(x, k) for x in s["sources"]]})
        for path in (src / "languages").glob("*.yaml"):
            lang = load(f"languages/{path.name}")
            lang_id = suffix(lang["id"], k)
            lang.update(id=lang_id, name=suffix(lang["name"], k), aliases=[suffix(a, k) for a in lang["aliases"]],
                        sources=[suffix(x, k) for x in lang["sources"]])
            if "no_sdk" in lang:
                lang["no_sdk"] = [suffix(a, k) for a in lang["no_sdk"]]
            lang["types"] = {suffix(t, k): e | {"sources": [suffix(x, k) for x in e["sources"]]}
                             for t, e in lang["types"].items()}
            (into / "languages" / f"{lang_id}.yaml").write_text(yaml.safe_dump(lang, sort_keys=False))
        for n, path in enumerate(sorted((src / "versions").glob("*.yaml"))):
            ver = load(f"versions/{path.name}")
            version = f"{n + 1}.{k}.0"
            ver.update(pyroscope=version, sources=[suffix(x, k) for x in ver["sources"]])
            ver["columns"] = [c | {"id": suffix(c["id"], k), "language": suffix(c["language"], k)}
                              for c in ver["columns"]]
            ver["rows"] = {suffix(t, k): cells for t, cells in ver["rows"].items()}
            ver["notes"] = [x | {"type": suffix(x["type"], k), "column": suffix(x["column"], k)}
                            for x in ver.get("notes", [])]
            (into / "versions" / f"{version}.yaml").write_text(yaml.safe_dump(ver, sort_keys=False))
    vocabulary = load("vocabulary.yaml")  # each copy's languages get their own cue words
    vocabulary["cues"] = {suffix(lang, k): [suffix(w, k) for w in words]
                          for k in range(factor) for lang, words in vocabulary["cues"].items()}
    (into / "vocabulary.yaml").write_text(yaml.safe_dump(vocabulary, sort_keys=False))
    for name, key, items, extra in (("sources.yaml", "sources", out_sources, {}),
                                    ("types.yaml", "types", out_types, {"query_hint": types["query_hint"]}),
                                    ("symptoms.yaml", "symptoms", out_symptoms, {"stopwords": symptoms["stopwords"]})):
        doc = {"schema_version": 1} | extra | {key: items}
        (into / name).write_text(yaml.safe_dump(doc, sort_keys=False))
    return into


def _median_ms(fn, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - start)
        del result  # freeing the previous catalog is not part of loading the next one
    return statistics.median(times) * 1000


def bench_loading(repeat: int) -> tuple[list[tuple[str, float]], list[tuple[int, int, float]]]:
    """In-process loading: the shipped catalog three ways, then synthetic catalogs 1x to 10x its size."""
    sys.path.insert(0, str(ROOT))
    from pyroadvise.loader import CACHE_FILE, default_catalog_dir, load_catalog, parse_files, read_files
    from pyroadvise.validate import build_catalog

    shipped = default_catalog_dir()
    files = parse_files(read_files(shipped))
    rows = [
        ("shipped: load via the start-up cache (what commands do)",
         _median_ms(lambda: load_catalog(shipped, CACHE_FILE), repeat)),
        ("shipped: validate parsed data (catalog check, PYROADVISE_CATALOG)",
         _median_ms(lambda: build_catalog(files), max(3, repeat // 4))),
        ("shipped: parse YAML and validate", _median_ms(lambda: load_catalog(shipped), 5)),
    ]
    scaling = []
    with tempfile.TemporaryDirectory() as tmp:
        for factor in (1, 2, 5, 10):
            directory, cache = _synthetic_with_cache(Path(tmp), factor)
            size = sum(p.stat().st_size for p in directory.rglob("*.yaml"))
            scaling.append((factor, size, _median_ms(lambda: load_catalog(directory, cache), max(5, repeat // 2))))
    return rows, scaling



def _synthetic_with_cache(tmp: Path, factor: int) -> tuple[Path, Path]:
    """A synthetic catalog `factor` times the shipped size, with its start-up cache and symptom index."""
    from pyroadvise.loader import cache_bytes, side_bytes, side_file

    directory = synthetic_catalog(factor, tmp / f"catalog{factor}")
    cache = tmp / f"cache{factor}.marshal"
    cache.write_bytes(cache_bytes(directory))
    side_file(cache).write_bytes(side_bytes(directory))
    return directory, cache

# Sentences of the kinds people type (not the evaluation set): short, long, pasted errors, a typo.
MATCH_QUERIES = [
    "memory leak",
    "pods keep getting OOM-killed, exit code 137",
    "the JVM's heap keeps climbing between deploys",
    "responses are slow though top shows 5% CPU",
    "java.lang.OutOfMemoryError: Java heap space at java.util.Arrays.copyOf",
    "[Bug] runtime: goroutine count only goes up after each deploy, go_goroutines alert fires",
    "Kestrel threads blocked waiting on Task.Result, thread pool starvation under load",
    "thousands of exceptions per second in the logs",
    "my app is slow",
    "deadlok in the worker pool",
]
MATCH_TARGET_MS = 5.0


def bench_matching(repeat: int) -> tuple[float, list[tuple[int, int, float]]]:
    """One query, in process, on a loaded catalog (symptom index from the start-up cache): the shipped
    catalog, then synthetic catalogs 1x to 10x its size. Returns ms per query and the scaling rows."""
    sys.path.insert(0, str(ROOT))
    from pyroadvise.loader import load_catalog
    from pyroadvise.symptoms import answer
    from pyroadvise.symptoms.index import index_for

    def per_query(catalog) -> float:
        index_for(catalog)
        for text in MATCH_QUERIES:  # warm: the stemmer and the typo path's import are not per query
            answer(catalog, text)
        return _median_ms(lambda: [answer(catalog, text) for text in MATCH_QUERIES], repeat) / len(MATCH_QUERIES)

    shipped = per_query(load_catalog())
    scaling = []
    with tempfile.TemporaryDirectory() as tmp:
        for factor in (1, 2, 5, 10):
            directory, cache = _synthetic_with_cache(Path(tmp), factor)
            catalog = load_catalog(directory, cache)
            scaling.append((factor, len(catalog.symptoms), per_query(catalog)))
    return shipped, scaling


def report_matching(repeat: int) -> bool:
    shipped, scaling = bench_matching(repeat)
    print(f"\nSymptom matching in process, per query (median over {len(MATCH_QUERIES)} sentences):")
    print(f"{'shipped catalog':62} {shipped:8.3f} ms")
    base = scaling[0][2]
    for factor, symptoms, ms in scaling:
        print(f"  {factor:2d}x ({symptoms:4d} symptoms) {ms:8.3f} ms  {ms / base:5.1f}x the 1x query")
    ok_query = shipped <= MATCH_TARGET_MS
    ok_growth = scaling[-1][2] <= 10 * 1.5 * base  # linear, with room for noise
    print(f"targets: one query <= {MATCH_TARGET_MS:.0f} ms: {'ok' if ok_query else 'MISSED'}; "
          f"10x catalog <= 15 x the 1x query (linear): {'ok' if ok_growth else 'MISSED'}")
    return ok_query and ok_growth


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rounds", type=int, default=20, help="alternating pairs per command (default 20)")
    parser.add_argument("--matching", action="store_true", help="only the symptom matching section")
    parser.add_argument("--floors-only", action="store_true", help="only the commands beside their floors")
    args = parser.parse_args()
    if args.matching:
        sys.exit(0 if report_matching(repeat=20) else 1)

    print(f"Each command beside the floor of its stack, {args.rounds} alternating pairs; ratio = median of "
          f"per-pair ratios (target <= {FLOOR_TARGET:.2f}).")
    print(f"{'command':50} {'floor: python -c':40} {'cmd':>7} {'floor':>7} {'wall':>6} {'cpu':>6}", flush=True)
    failed = False
    for name, floor_name, took, base, ratio, cpu_ratio in bench_floor_ratios(args.rounds):
        verdict = ""
        if name in ("pyroadvise lang java", "pyroadvise lang java --format json"):  # the two targets
            verdict = "ok" if ratio <= FLOOR_TARGET else "MISSED"
            failed |= ratio > FLOOR_TARGET
        print(f"{name:50} {floor_name!r:40} {took:5.1f}ms {base:5.1f}ms {ratio:5.2f}x {cpu_ratio:5.2f}x {verdict}",
              flush=True)
    if args.floors_only:
        sys.exit(1 if failed else 0)
    print()

    print(f"Whole processes, {args.rounds} alternating pairs each; ratio = median of per-pair ratios "
          f"to `python -c pass`.")
    print(f"{'command':62} {'median':>9} {'ratio':>7} {'target':>8}", flush=True)
    for name, median, ratio, target in bench_processes(args.rounds):
        verdict = ""
        if target is not None:
            ok = ratio <= target
            failed |= not ok
            verdict = f"<= {target:.0f}x {'ok' if ok else 'MISSED'}"
        print(f"{name:62} {median * 1000:7.1f}ms {ratio:6.2f}x  {verdict}", flush=True)

    rows, scaling = bench_loading(repeat=50)
    print("\nCatalog loading in process (median):")
    for name, ms in rows:
        print(f"{name:62} {ms:8.2f} ms")
    base = scaling[0][2]
    print("synthetic catalogs (the shipped one repeated, ids renamed), via their start-up cache:")
    for factor, size, ms in scaling:
        print(f"  {factor:2d}x ({size / 1000:6.0f} kB of YAML) {ms:8.2f} ms  {ms / base:5.1f}x the 1x load")
    shipped_ms, big_ms = rows[0][1], scaling[-1][2]
    ok_load = shipped_ms <= LOAD_TARGET_MS
    ok_growth = big_ms <= 10 * LOAD_TARGET_MS
    failed |= not (ok_load and ok_growth)
    print(f"targets: shipped load <= {LOAD_TARGET_MS:.0f} ms: {'ok' if ok_load else 'MISSED'}; "
          f"10x load <= 10 x {LOAD_TARGET_MS:.0f} ms: {'ok' if ok_growth else 'MISSED'}")
    failed |= not report_matching(repeat=20)
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
