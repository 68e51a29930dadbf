"""The CLI as users see it: every command for every language, type and symptom; exact JSON; errors.

Expected JSON is derived here from the raw YAML (read with yaml.safe_load, not through pyroadvise),
so these tests hold the documented contract independently of the advice code.
"""

from __future__ import annotations

import json

import pytest
from conftest import catalog_yaml, run

from pyroadvise.loader import default_catalog_dir

TYPES = {t["id"]: t for t in catalog_yaml("types.yaml")["types"]}
LANGS = {p.stem: catalog_yaml(f"languages/{p.name}") for p in sorted((default_catalog_dir() / "languages").glob("*.yaml"))}
SYMPTOMS = {s["id"]: s for s in catalog_yaml("symptoms.yaml")["symptoms"]}
SOURCES = {s["id"]: s for s in catalog_yaml("sources.yaml")["sources"]}
VERSIONS = {p.stem: catalog_yaml(f"versions/{p.name}") for p in sorted((default_catalog_dir() / "versions").glob("*.yaml"))}
NEWEST = "2.2.1"
QUERY_HINT = catalog_yaml("types.yaml")["query_hint"]
STATUS = {"Y": "documented", "S": "source-only"}
NARROW = {"COLUMNS": "60"}  # table tests: stacked blocks, so each text reads whole once lines are joined


def flat(text: str) -> str:
    """Output or catalog text with every run of whitespace (line ends, indents) as one space."""
    return " ".join(text.split())


def notes(version: str) -> dict:
    return {(n["type"], n["column"]): n["text"] for n in VERSIONS[version].get("notes", [])}


def have(version: str, lang: str) -> dict:
    """type -> [(column, cell)] for one language, from the raw matrix."""
    v = VERSIONS[version]
    out: dict = {}
    for type_id, row in v["rows"].items():
        for col, cell in zip(v["columns"], row.split()):
            if col["language"] == lang and cell != "-":
                out.setdefault(type_id, []).append((col, cell))
    return out


def holders(version: str, type_id: str) -> list:
    v = VERSIONS[version]
    out = []
    for col, cell in zip(v["columns"], v["rows"].get(type_id, "").split()):
        if cell != "-" and col["language"] not in out:
            out.append(col["language"])
    return out


def expected_usage(version: str, lang: str, type_id: str) -> dict:
    cells = have(version, lang)[type_id]
    entry = LANGS[lang]["types"][type_id]
    methods = {col["method"] for col, _ in cells}
    return {
        "status": "documented" if any(c == "Y" for _, c in cells) else "source-only",
        "methods": [{"column": col["id"], "name": col["name"], "method": col["method"], "status": STATUS[c],
                     "note": notes(version).get((type_id, col["id"]))} for col, c in cells],
        "enable": [{k: step.get(k) for k in ("method", "setting", "default", "how", "start", "overhead", "item")}
                   | {"extra": step.get("extra", [])} for step in entry["enable"] if step["method"] in methods],
        "ids": [{"id": i["id"], "evidence": i["evidence"], "note": i.get("note"),
                 "query": None if i["id"] == "unknown" else QUERY_HINT.replace("{id}", i["id"])} for i in entry["ids"]],
        "if_empty": entry.get("if_empty") or TYPES[type_id]["if_empty"],
    }


def source_list(*groups) -> list:
    seen = []
    for group in groups:
        seen += [s for s in group if s not in seen]
    return [{"id": s, "title": SOURCES[s]["title"], "where": SOURCES[s]["where"], "kind": SOURCES[s]["kind"],
             "url": SOURCES[s].get("url"), "observed": observed(SOURCES[s])} for s in seen]


def observed(source: dict) -> dict | None:
    """A source of kind observed names the real SDK and the releases that were run."""
    return {"sdk": source["sdk"], "versions": source["versions"]} if source["kind"] == "observed" else None


CASES = [(lang, version) for lang in LANGS for version in VERSIONS]


@pytest.mark.parametrize("lang,version", CASES)
def test_lang_json_is_exact(lang, version):
    raw = LANGS[lang]
    got = run("lang", lang, "--pyroscope", version, "--format", "json").json()
    cells = have(version, lang)
    rows = VERSIONS[version]["rows"]
    columns = [c for c in VERSIONS[version]["columns"] if c["language"] == lang]
    expected = {
        "pyroscope": version,
        "query": lang,
        "language": {
            "id": lang, "name": raw["name"], "summary": raw["summary"], "sdk_checked": raw["sdk_checked"],
            "methods": [{"id": mid, "name": meth["name"], "package": meth.get("package")}
                        for mid, meth in raw["methods"].items() if mid in {c["method"] for c in columns}],
            "covers": [c["covers"] for c in columns if c.get("covers")],
            "notes": raw.get("notes", []),
        },
        "supported": [{"type": t, "name": TYPES[t]["name"], "measures": TYPES[t]["measures"],
                       "when_to_use": TYPES[t]["when_to_use"], "flamegraph_insight": TYPES[t]["flamegraph_insight"],
                       "caution": TYPES[t]["caution"]} | expected_usage(version, lang, t)
                      for t in rows if t in cells],
        "unsupported": [{"type": t, "name": TYPES[t]["name"], "languages": holders(version, t)}
                        for t in rows if t not in cells],
        "sources": source_list(raw["sources"], VERSIONS[version]["sources"],
                               *[raw["types"][t]["sources"] for t in rows if t in cells]),
    }
    assert got == expected


@pytest.mark.parametrize("lang,version", CASES)
def test_lang_table_shows_the_catalog_text(lang, version):
    result = run("lang", lang, "--long", "--pyroscope", version, env=NARROW)
    assert result.exit_code == 0 and result.stderr == ""
    out = flat(result.stdout)
    assert LANGS[lang]["name"] in out and f"Pyroscope {version}" in out
    for type_id in have(version, lang):
        assert type_id in out and TYPES[type_id]["name"] in out
        assert flat(TYPES[type_id]["measures"]) in out and flat(TYPES[type_id]["when_to_use"]) in out
        usage = expected_usage(version, lang, type_id)
        for step in usage["enable"]:
            assert step["setting"] in out
        for pid in usage["ids"]:
            assert pid["id"] in out
    for type_id in VERSIONS[version]["rows"]:
        if type_id not in have(version, lang):
            assert f"{TYPES[type_id]['name']} ({type_id})" in out  # listed as not available


@pytest.mark.parametrize("type_id,version", [(t, v) for t in TYPES for v in VERSIONS])
def test_type_json_is_exact(type_id, version):
    t = TYPES[type_id]
    got = run("type", type_id, "--pyroscope", version, "--format", "json").json()
    langs = holders(version, type_id)
    body = {k: t.get(k) for k in ("id", "name", "unit", "kind", "measures", "when_to_use", "flamegraph_insight",
                                  "caution", "cannot_show", "overhead", "if_empty")}
    body |= {"experimental": t.get("experimental", False), "see_also": t.get("see_also", []), "languages": langs,
             "in_versions": [v for v in VERSIONS if type_id in VERSIONS[v]["rows"]],
             "per_language": [{"language": lang, "name": LANGS[lang]["name"]} | expected_usage(version, lang, type_id)
                              for lang in langs]}
    assert got == {"pyroscope": version, "query": type_id, "type": body,
                   "sources": source_list(t["sources"], *[LANGS[lang]["types"][type_id]["sources"] for lang in langs])}


@pytest.mark.parametrize("type_id", TYPES)
def test_type_table_shows_the_catalog_text(type_id):
    out = flat(run("type", type_id, env=NARROW).stdout)
    t = TYPES[type_id]
    for text in (t["name"], t["unit"], t["measures"], t["when_to_use"], t["flamegraph_insight"], t["caution"],
                 t["overhead"], t["if_empty"], *t["cannot_show"]):
        assert flat(text) in out
    for lang in holders(NEWEST, type_id):
        assert LANGS[lang]["name"] in out
        for step in expected_usage(NEWEST, lang, type_id)["enable"]:
            assert step["setting"] in out


@pytest.mark.parametrize("spelling", ["mutex_duration", "mutex-duration", "Mutex Duration"])
def test_type_accepts_spellings(spelling):
    assert run("type", spelling, "--format", "json").json()["type"]["id"] == "mutex_duration"


def expected_symptom(symptom_id: str, lang: str | None, version: str) -> dict:
    s = SYMPTOMS[symptom_id]
    entry = s.get("languages", {}).get(lang, {}) if lang else {}
    ranking = entry["suggest"] if "suggest" in entry else s["suggest"]
    beyond = entry.get("beyond") or s.get("beyond")
    recs, unavailable, refs = [], [], [s["sources"]]
    for sug in ranking:
        t = TYPES[sug["type"]]
        head = {"type": t["id"], "name": t["name"], "why": sug["why"], "flamegraph_insight": t["flamegraph_insight"],
                "caution": t["caution"]}
        if lang is None:
            if holders(version, t["id"]):
                recs.append(head | {"languages": holders(version, t["id"])})
        elif t["id"] in have(version, lang):
            recs.append(head | expected_usage(version, lang, t["id"]))
            refs.append(LANGS[lang]["types"][t["id"]]["sources"])
        elif not recs:
            unavailable.append({"type": t["id"], "name": t["name"], "why": sug["why"]})
    alternative = ({"type": recs[0]["type"], "name": recs[0]["name"], "text": None} if recs
                   else {"type": None, "name": None, "text": beyond})
    return {
        "pyroscope": version,
        "symptom": {"id": symptom_id, "name": s["name"], "category": s["category"]},
        "language": {"id": lang, "name": LANGS[lang]["name"], "from": "option", "cues": []} if lang else None,
        "confidence": "high",
        "matched": [],
        "triage": [{"if": t["if"], "symptom": t["symptom"],
                    "types": [r["type"] for r in expected_symptom(t["symptom"], lang, version)["recommendations"][:3]]}
                   for t in s.get("triage", [])],
        "recommendations": recs,
        "unavailable": [u | {"alternative": alternative} for u in unavailable] if lang else [],
        "beyond": beyond,
        "sources": source_list(*refs),
    }


def tied_elsewhere(symptom_id: str, lang: str | None) -> bool:
    runtimes = SYMPTOMS[symptom_id].get("runtimes")
    return bool(lang and runtimes and lang not in runtimes)


SYMPTOM_CASES = [(s, lang) for s in SYMPTOMS for lang in [None, *LANGS] if not tied_elsewhere(s, lang)]
TIED_ELSEWHERE = [(s, lang) for s in SYMPTOMS for lang in LANGS if tied_elsewhere(s, lang)]


@pytest.mark.parametrize("symptom_id,lang", TIED_ELSEWHERE)
def test_a_symptom_tied_to_other_runtimes_never_answers_this_one(symptom_id, lang):
    """Even asked by its id: `symptom ruby-waiting-io --lang go` answers with a symptom Go can have."""
    result = run("symptom", symptom_id, "--lang", lang, "--format", "json")
    if result.exit_code == 2:  # only symptoms of other runtimes know these words: say which, and how to ask
        owner = SYMPTOMS[symptom_id]["runtimes"][0]
        assert "which belongs to" in result.stderr and f"--lang {owner}" in result.stderr, result.stderr
        return
    got = result.json()
    assert got["symptom"]["id"] != symptom_id
    assert lang in SYMPTOMS[got["symptom"]["id"]].get("runtimes", [lang])
    assert got["confidence"] in ("low", "medium", "high")


@pytest.mark.parametrize("symptom_id,lang", SYMPTOM_CASES)
def test_symptom_json_is_exact_for_every_language(symptom_id, lang):
    """Every symptom answers every language (asked by its id, so matching is not in play here)."""
    args = ["symptom", symptom_id, "--format", "json"] + (["--lang", lang] if lang else [])
    got = run(*args).json()
    assert got.pop("query") == symptom_id
    got.pop("other_matches")
    assert got == expected_symptom(symptom_id, lang, NEWEST)
    assert got["recommendations"] or got["beyond"]


@pytest.mark.parametrize("symptom_id,lang", [(s, lang) for s in SYMPTOMS for lang in LANGS if not tied_elsewhere(s, lang)])
def test_symptom_answers_every_language_at_the_seed_version(symptom_id, lang):
    got = run("symptom", symptom_id, "--lang", lang, "--pyroscope", "1.2.0", "--format", "json").json()
    got.pop("query")
    got.pop("other_matches")
    assert got == expected_symptom(symptom_id, lang, "1.2.0")
    assert got["recommendations"] or got["beyond"]


@pytest.mark.parametrize("symptom_id", [s for s in SYMPTOMS if not tied_elsewhere(s, "go")])
def test_symptom_table_shows_the_catalog_text(symptom_id):
    out = flat(run("symptom", symptom_id, "--lang", "go", env=NARROW).stdout)
    expected = expected_symptom(symptom_id, "go", NEWEST)
    assert flat(SYMPTOMS[symptom_id]["name"]) in out
    for rec in expected["recommendations"]:
        assert flat(rec["why"]) in out and flat(rec["flamegraph_insight"]) in out
    if expected["beyond"]:
        assert flat(expected["beyond"]) in out


def test_symptom_words_need_no_quotes():
    quoted = run("symptom", "memory keeps growing", "--lang", "go", "--format", "json").json()
    unquoted = run("symptom", "memory", "keeps", "growing", "--lang", "go", "--format", "json").json()
    assert quoted == unquoted and quoted["symptom"]["id"] == "memory-leak"


@pytest.mark.parametrize("version", VERSIONS)
def test_matrix_json_is_exact(version):
    v = VERSIONS[version]
    rows = []
    for type_id, row in v["rows"].items():
        cells = list(zip(v["columns"], row.split()))
        rows.append({"type": type_id, "name": TYPES[type_id]["name"],
                     "supported": [c["id"] for c, cell in cells if cell != "-"],
                     "source_only": [c["id"] for c, cell in cells if cell == "S"],
                     "notes": {c["id"]: notes(version)[(type_id, c["id"])] for c, _ in cells
                               if (type_id, c["id"]) in notes(version)}})
    got = run("matrix", "--pyroscope", version, "--format", "json").json()
    assert got == {"pyroscope": version, "title": v["title"], "layout": v["layout"],
                   "columns": [{"id": c["id"], "name": c["name"], "language": c["language"], "method": c["method"],
                                "covers": c.get("covers")} for c in v["columns"]],
                   "rows": rows, "sources": source_list(v["sources"])}


def test_matrix_table_at_the_seed_version():
    out = run("matrix", "--pyroscope", "1.2.0").stdout
    for name in ("eBPF (Go)", "eBPF (Python)", "Node.js", "Exceptions", "Heap"):
        assert name in out
    assert "Wall" in out and "Goroutine Leak" not in out


def test_matrix_diff_table_and_json():
    data = run("matrix", "--diff", "1.2.0", "--format", "json").json()
    assert (data["from"], data["to"]) == ("1.2.0", NEWEST)
    assert data["notes"] == VERSIONS[NEWEST]["changes"]
    assert {"language": "java", "language_name": "Java", "type": "wall", "name": "Wall", "change": "added",
            "before": [], "after": [{"method": "alloy", "status": "documented"},
                                    {"method": "sdk", "status": "documented"}]} in data["changes"]
    out = run("matrix", "--diff", "1.2.0").stdout
    assert "What changed from Pyroscope 1.2.0 to 2.2.1" in out and "Wall (wall)" in out


@pytest.mark.parametrize("kind,key", [("languages", "id"), ("types", "id"), ("symptoms", "id")])
def test_list_json(kind, key):
    got = run("list", kind, "--format", "json").json()
    source = {"languages": LANGS, "types": {t: TYPES[t] for t in VERSIONS[NEWEST]["rows"]}, "symptoms": SYMPTOMS}[kind]
    assert [item[key] for item in got[kind]] == [i for i in _order(kind, source)]
    assert got["pyroscope"] == NEWEST
    if kind == "languages":
        assert {i["id"]: i["sdk_checked"] for i in got[kind]} == {k: v["sdk_checked"] for k, v in LANGS.items()}


WIDE = {"COLUMNS": "200"}


@pytest.mark.parametrize("lang", LANGS)
def test_lang_and_list_show_the_checked_release(lang):
    checked = LANGS[lang]["sdk_checked"]
    head = " ".join(run("lang", lang, env=WIDE).stdout.split("\n\n")[0].split())
    assert f"Facts checked against {checked}." in head
    assert f"Checked against: {checked}" in " ".join(run("list", "languages", env=WIDE).stdout.split())
    markdown = run("lang", lang, "--format", "markdown").stdout.split("\n\n")
    assert markdown[2] == f"Facts checked against {checked}."


def _order(kind, source):
    if kind == "languages":  # table order of the newest matrix
        out = []
        for c in VERSIONS[NEWEST]["columns"]:
            if c["language"] not in out:
                out.append(c["language"])
        return out
    return list(source)


def test_list_table():
    out = run("list", "symptoms").stdout
    for s in SYMPTOMS.values():
        assert s["id"] in out


@pytest.mark.parametrize("lang", LANGS)
def test_setup_for_every_language_and_type(lang):
    for type_id in have(NEWEST, lang):
        data = run("setup", lang, type_id, "--format", "json").json()
        assert data["types"] == [type_id]
        assert data["steps"] and all(s["type"] == type_id for s in data["steps"])
        if data["snippet"]:
            assert "{items}" not in data["snippet"] and "{extra}" not in data["snippet"]
        table = run("setup", lang, type_id, env=NARROW)
        assert table.exit_code == 0 and flat(data["steps"][0]["setting"]) in flat(table.stdout)


def test_setup_markdown_is_a_code_block():
    out = run("setup", "go", "mutex_duration", "--format", "markdown").stdout
    assert out.startswith("# Go, ") and "```go\n" in out and "runtime.SetMutexProfileFraction" in out


@pytest.mark.parametrize("args", [["lang", "java"], ["symptom", "leak", "--lang", "go"], ["type", "wall"],
                                  ["matrix"], ["matrix", "--diff", "1.2.0"], ["list", "types"]])
def test_markdown_format(args):
    result = run(*args, "--format", "markdown")
    assert result.exit_code == 0 and result.stderr == ""
    assert result.stdout.lstrip().startswith(("# ", "| "))
    assert "\x1b" not in result.stdout


def test_sources_flag_lists_sources():
    out = flat(run("type", "mutex_duration", "--sources", env=NARROW).stdout)
    for source in TYPES["mutex_duration"]["sources"]:
        assert flat(SOURCES[source]["title"]) in out


# -- errors -------------------------------------------------------------------------------------------

@pytest.mark.parametrize("args,message,hint", [
    (["lang", "kotln"], "Error: Unknown language 'kotln'.", "Did you mean: java?"),
    (["lang", ""], "Error: Name a language.", "Languages: go, java, dotnet, ruby, python, rust, nodejs, ebpf."),
    (["symptom", "x", "--lang", ""], "Error: Name a language.", "Languages: go, java, dotnet, ruby, python, rust, nodejs, ebpf."),
    (["type", "mutex"], "Error: 'mutex' names several profile types (Grafana's profile type picker groups them).",
     "Did you mean: mutex_count, mutex_duration?"),
    (["type", "memory"], "Error: 'memory' names several profile types (Grafana's profile type picker groups them).",
     "Did you mean: alloc_objects, alloc_space, inuse_objects, inuse_space, heap, live_objects?"),
    (["type", "alloc"], "Error: Unknown profile type 'alloc'.", "Did you mean: alloc_space, alloc_objects?"),
    (["type", "allocations"], "Error: Unknown profile type 'allocations'.", "Did you mean: alloc_space, alloc_objects?"),
    (["setup", "go", "mutx"], "Error: Unknown profile type 'mutx'.", "Did you mean: mutex_count, mutex_duration?"),
    (["lang", "deno"], "Error: Unknown language 'deno'.", "Known languages: go, java"),
    (["setup", "go", "cpu", "--method", "ebpf"], "Error: Go has no collection method 'ebpf'.",
     "cpu for Go: sdk or alloy.\neBPF collects with 'ebpf': pyroadvise setup ebpf cpu"),
    (["type", "  "], "Error: Give a profile type", None),
    (["symptom", "leak", "--lang", "cobol"], "Error: Unknown language 'cobol'.", "Known languages: go, java"),
    (["symptom", ""], "Error: Describe the symptom in a few words.", "pyroadvise list symptoms"),
    (["symptom", "zzqx", "vvbn"], "Error: No symptom matches 'zzqx vvbn'.", "pyroadvise list symptoms"),
    (["lang", "go", "--pyroscope", "nine"], "Error: Pyroscope version 'nine' is not catalogued.",
     "Catalogued versions: 1.2.0, 2.2.1 (default: 2.2.1, the newest)."),
    (["matrix", "--diff", "2.2.1"], "Error: Both sides of the comparison are Pyroscope 2.2.1.", None),
    (["setup", "ruby", "heap"], "Error: Ruby has no heap at Pyroscope 2.2.1.", "Ruby has: cpu."),
    (["symtom", "leak"], "Error: No such command 'symtom'. Did you mean: symptom?", None),
    (["lang", "java", "--format", "yaml"], "Error: Invalid value for '--format'", None),
    (["lang"], "Error: Name a language.", "Languages: go, java, dotnet, ruby, python, rust, nodejs, ebpf."),
    (["list"], "Error: Name what to list: languages, types or symptoms.", "For example: pyroadvise list languages"),
    (["list", "bogus"], "Error: Cannot list 'bogus': choose languages, types or symptoms.", None),
    (["list", "symtoms"], "Error: Cannot list 'symtoms': choose languages, types or symptoms.", "Did you mean: symptoms?"),
    # Typer's own completion installer is off: its scripts would start Python on every TAB.
    (["--install-completion"], "Error: No such option: --install-completion", None),
    (["--show-completion"], "Error: No such option: --show-completion", None),
])
def test_usage_errors_exit_2_with_a_clear_message(args, message, hint):
    result = run(*args)
    assert result.exit_code == 2, result
    assert result.stdout == ""
    assert message in result.stderr
    if hint:
        assert hint in result.stderr
    assert "Traceback" not in result.stderr


def test_help_teaches():
    out = run("--help").stdout
    for command in ("lang", "symptom", "type", "matrix", "list", "setup", "completion", "catalog"):
        assert f"  {command} " in out
    assert "pyroadvise symptom memory keeps growing --lang go" in out
    assert "Examples:" in run("symptom", "--help").stdout


def test_bare_command_prints_help_and_succeeds():
    result = run()
    assert result.exit_code == 0 and "Usage: pyroadvise" in result.stdout


def test_version():
    from pyroadvise import __version__

    assert run("--version").stdout == f"pyroadvise {__version__}\ncatalogued Pyroscope releases: 1.2.0, 2.2.1\n"


def test_invalid_catalog_exits_1_naming_file_and_line(tmp_path):
    import shutil

    bad = tmp_path / "catalog"
    shutil.copytree(default_catalog_dir(), bad)
    path = bad / "types.yaml"
    path.write_text(path.read_text().replace("kind: delta", "kind: sometimes", 1))
    result = run("lang", "go", env={"PYROADVISE_CATALOG": str(bad)})
    assert result.exit_code == 1 and result.stdout == ""
    line = path.read_text().splitlines().index("    kind: sometimes") + 1
    assert f"  {bad}/types.yaml:{line}:5: CAT006 types[0].kind: 'sometimes' must be one of: delta, snapshot" \
        in result.stderr.splitlines()
    assert f"pyroadvise catalog check {bad}" in result.stderr


def test_java_memory_leak_opens_live_objects_first():
    """Issue 10's promise, as the user types it: the first answer is the live-object series, with its ID."""
    data = run("symptom", "memory leak", "--lang", "java", "--format", "json").json()
    first = data["recommendations"][0]
    assert (first["type"], [i["id"] for i in first["ids"]]) == ("live_objects", ["memory:live:count:objects:count"])
    out = run("symptom", "memory leak", "--lang", "java", env=WIDE).stdout
    rows = [line for line in out.splitlines() if line.split(".")[0].strip().isdigit()]
    assert rows[0].split()[1:3] == ["Live", "Objects"], rows


def test_lang_nodejs_shows_the_cpu_id_the_sdk_sends():
    table = run("lang", "nodejs", env={"COLUMNS": "200"})
    assert table.exit_code == 0
    assert "wall:cpu:nanoseconds:wall:nanoseconds" in table.stdout and "unknown" not in table.stdout
    cpu = next(t for t in run("lang", "nodejs", "--format", "json").json()["supported"] if t["type"] == "cpu")
    assert [(i["id"], i["evidence"]) for i in cpu["ids"]] == [("wall:cpu:nanoseconds:wall:nanoseconds", "test")]


def test_setup_nodejs_heap_names_the_default_export():
    step = run("setup", "nodejs", "heap", "--format", "json").json()["steps"][0]
    assert step["setting"] == "Pyroscope.start() or .default.startHeapProfiling()"
    assert "require('@pyroscope/nodejs').default.startHeapProfiling()" in step["how"]


def test_python_waiting_time_advice_says_one_thing():
    """newcomer trial row 26: the symptom's advice and the enable step agree on oncpu and gil_only."""
    out = run("symptom", "python", "app", "slow", "but", "cpu", "low", "--lang", "python", "--format", "json").json()
    (first, *_) = [s for s in out["recommendations"] if s["type"] == "cpu"]
    start = next(step["start"] for step in first["enable"] if step["method"] == "sdk")
    assert "oncpu=False and gil_only=False" in start and "inverted" not in start
    assert "oncpu=False" in first["why"] and "gil_only=False" in first["why"]


# -- releases people run: the nearest catalogued one, said on stderr ----------------------------------------

FALLBACK_COMMANDS = [["lang", "go"], ["type", "cpu"], ["symptom", "memory", "leak", "--lang", "go"], ["matrix"],
                     ["list", "types"], ["setup", "go", "cpu"]]


@pytest.mark.parametrize("args", FALLBACK_COMMANDS, ids=" ".join)
@pytest.mark.parametrize("asked,used,why", [
    ("2.0.0", "1.2.0", "is not catalogued; advising from the nearest catalogued release below it, 1.2.0."),
    ("9.0.0", "2.2.1", "is newer than every catalogued release; advising from the newest, 2.2.1."),
])
def test_an_uncatalogued_release_advises_from_the_nearest(args, asked, used, why):
    result = run(*args, "--pyroscope", asked, "--format", "json")
    assert result.exit_code == 0, result
    assert result.stderr == f"Warning: Pyroscope {asked} {why}\n"
    report = json.loads(result.stdout)
    assert list(report)[:3] == ["schema_version", "pyroscope", "pyroscope_asked"]
    assert (report["pyroscope"], report["pyroscope_asked"]) == (used, asked)
    exact = run(*args, "--pyroscope", used, "--format", "json").json()
    assert {k: v for k, v in report.items() if k not in ("pyroscope_asked", "schema_version")} == exact


def test_an_uncatalogued_release_in_a_table_warns_on_stderr_only():
    result = run("lang", "go", "--pyroscope", "1.14.0")
    assert result.exit_code == 0
    assert result.stderr == ("Warning: Pyroscope 1.14.0 is not catalogued; advising from the nearest catalogued "
                             "release below it, 1.2.0.\n")
    assert "Pyroscope 1.2.0" in result.stdout


def test_matrix_diff_names_the_release_asked_for():
    report = json.loads(run("matrix", "--diff", "1.2.0", "--pyroscope", "3.1.0", "--format", "json").stdout)
    assert list(report)[:4] == ["schema_version", "from", "to", "pyroscope_asked"]
    assert (report["to"], report["pyroscope_asked"]) == ("2.2.1", "3.1.0")


def test_a_release_older_than_the_catalog_is_a_clear_error():
    result = run("lang", "go", "--pyroscope", "0.37.2")
    assert result.exit_code == 2 and result.stdout == ""
    assert result.stderr == ("Error: Pyroscope 0.37.2 is older than the oldest catalogued release, 1.2.0.\n"
                             "Catalogued versions: 1.2.0, 2.2.1. pyroadvise has no advice for releases before 1.2.0.\n")


@pytest.mark.parametrize("typed,expected", [
    ("process_cpu", "cpu"), ("process_cpu - cpu", "cpu"), ("memory:inuse_space", "inuse_space"),
    ("memory - inuse_space", "inuse_space"), ("memory:alloc_space", "alloc_space"), ("mutex:delay", "mutex_duration"),
    ("mutex:contentions", "mutex_count"), ("block:delay", "block_duration"), ("goroutine", "goroutines"),
    ("lock:lock_time", "lock_duration"), ("wall:wall", "wall"),
])
def test_grafana_picker_names_are_accepted_wherever_a_type_is_taken(typed, expected):
    assert run("type", typed, "--format", "json").json()["type"]["id"] == expected
    assert run("setup", "java" if expected.startswith(("lock", "wall")) else "go", typed, "--format", "json",
               "--method", "sdk").json()["types"] == [expected]


@pytest.mark.parametrize("typed", ["symptom", "symptoms", "Symptom", "SYMPTOMS"])
def test_list_takes_singular_and_plural(typed):
    assert run("list", typed, "--format", "json").json() == run("list", "symptoms", "--format", "json").json()


@pytest.mark.parametrize("typed,display", [("php", "PHP"), ("c++", "C++"), ("PHP", "PHP"), ("perl", "Perl")])
def test_a_language_without_sdk_says_so_in_one_line(typed, display):
    result = run("lang", typed, "--format", "json")
    assert result.exit_code == 0
    assert result.stderr == (f"Note: {display} has no Pyroscope SDK; Grafana Alloy pyroscope.ebpf (system-wide eBPF) "
                             "profiles it. Showing eBPF.\n")
    assert json.loads(result.stdout)["language"]["id"] == "ebpf"
    assert run("lang", "ebpf").stderr == "" and run("lang", "go").stderr == ""


def test_list_kinds_complete_as_the_cli_takes_them():
    from pyroadvise.cli import ListKind
    from pyroadvise.completion import VALUE_SOURCES

    assert VALUE_SOURCES["kind"] == tuple(k.value for k in ListKind)


def test_matrix_diff_old_release_falls_back_with_a_note():
    result = run("matrix", "--diff", "2.0.0", "--format", "json")
    assert result.exit_code == 0
    assert result.stderr == ("Note: Pyroscope 2.0.0 is not catalogued; advising from the nearest catalogued "
                             "release below it, 1.2.0.\n")
    assert json.loads(result.stdout)["from"] == "1.2.0"


def test_symptom_text_with_a_pasted_flag_says_how_to_pass_it():
    """Reports paste JVM flags; click reads them as options, so the error says to put the text after --."""
    result = run("symptom", "-XX:+UseG1GC", "pauses", "are", "long")
    assert result.exit_code == 2 and result.stdout == ""
    assert result.stderr.splitlines()[-2:] == [
        "Error: No such option: -X",
        "Text that starts with a dash (a pasted flag such as -XX:+UseG1GC) goes after --, with the options before "
        "it: pyroadvise symptom --lang java -- -XX:+UseG1GC pauses are long"]
    answer = run("symptom", "--format", "json", "--", "-XX:+UseG1GC", "pauses", "are", "long").json()
    assert (answer["language"]["id"], answer["language"]["from"]) == ("java", "text")
    assert answer["recommendations"][0]["type"] in ("alloc_space", "alloc_objects")
