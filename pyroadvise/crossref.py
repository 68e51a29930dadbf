"""Cross-reference checks between catalog files, and assembly of the model records.

Every entry that passed its shape check is built; every reference between files is checked in both
directions (like rustc's tidy): the matrix against the language files, the symptoms against the
types and languages, every ``sources`` list against sources.yaml.
"""

from __future__ import annotations

from typing import Any

from . import model as m
from .matrix import availability
from .names import closest, loose
from .problems import Problem
from .schema import BAD, Context

Checked = dict[str, tuple[Any, Context]]


def assemble(checked: Checked, problems: list[Problem]) -> m.Catalog:
    return _Assembler(checked, problems).run()


def _in_table_order(languages: dict, versions: dict) -> dict:
    """Languages in the column order of the newest matrix (the order people know), then the rest."""
    order: list[str] = []
    for version in reversed(list(versions.values())):
        order += [c.language for c in version.columns if c.language in languages and c.language not in order]
    order += [lang for lang in languages if lang not in order]
    return {lang: languages[lang] for lang in order}


def _entries(items: Any):
    """(index, item) for the items of a checked list that passed their own check."""
    if not isinstance(items, list):
        return []
    return [(i, item) for i, item in enumerate(items) if item is not BAD]


def _observed(ctx: Context, i: int, s: dict) -> m.Observed | None:
    """sdk and versions: required for a source of kind observed, refused on any other kind."""
    path = ("sources", i)
    if s["kind"] != "observed":
        for key in ("sdk", "versions"):
            if s[key] is not None:
                ctx.report("CAT005", path + (key,), f"{key!r} belongs only to sources of kind observed")
        return None
    missing = [key for key in ("sdk", "versions") if not s[key]]
    for key in missing:
        ctx.report("CAT004", path, f"a source of kind observed needs {key!r} (the SDK run and its releases)")
    return None if missing else m.Observed(s["sdk"], tuple(_strings(s["versions"])))


def _strings(items: Any) -> tuple[str, ...]:
    return tuple(item for _, item in _entries(items))


def _unknown(kind: str, name: str, known) -> str:
    near = closest(name, sorted(known), limit=1)
    return f"unknown {kind} {name!r}" + (f"; did you mean {near[0]!r}?" if near else "")


class _Assembler:
    def __init__(self, checked: Checked, problems: list[Problem]):
        self.checked = checked
        self.problems = problems
        self.source_refs: list[tuple[Context, tuple, str]] = []
        self.have: dict[tuple[str, str], frozenset[str]] = {}
        self.type_index: dict[str, int] = {}  # type id -> its index in types.yaml (for lines)
        self.language_ctx: dict[str, Context] = {}  # language id -> the file that defines it

    def run(self) -> m.Catalog:
        sources = self.sources()
        types, query_hint = self.types()
        languages = self.languages(types)
        versions = self.versions(types, languages)
        languages = _in_table_order(languages, versions)
        self.have = {(v.id, lang): frozenset(types) for v in versions.values()
                     for lang, types in availability(v, languages).items()}
        vocabulary = self.vocabulary(languages)
        symptoms, stopwords = self.symptoms(types, languages, versions, vocabulary)
        self.matrix_against_languages(types, languages, versions)
        self.words_the_matcher_can_read(symptoms, stopwords, vocabulary)
        for ctx, path, ref in self.source_refs:
            if ref not in sources:
                ctx.report("CAT010", path, _unknown("source", ref, sources))
        return m.Catalog(types, languages, symptoms, versions, sources, stopwords, query_hint, vocabulary)

    def file(self, rel: str) -> tuple[Any, Context | None]:
        return self.checked.get(rel, (None, None))

    def refs(self, ctx: Context, path: tuple, items: Any) -> tuple[str, ...]:
        for i, ref in _entries(items):
            self.source_refs.append((ctx, path + (i,), ref))
        return _strings(items)

    # -- single files ------------------------------------------------------------------------------

    def sources(self) -> dict[str, m.Source]:
        data, ctx = self.file("sources.yaml")
        out: dict[str, m.Source] = {}
        for i, s in _entries(data and data["sources"]):
            if s["id"] in out:
                ctx.report("CAT008", ("sources", i, "id"), f"source {s['id']!r} is defined twice")
                continue
            out[s["id"]] = m.Source(s["id"], s["title"], s["where"], s["kind"], s["url"], _observed(ctx, i, s))
        return out

    def types(self) -> tuple[dict[str, m.ProfileType], str]:
        data, ctx = self.file("types.yaml")
        out: dict[str, m.ProfileType] = {}
        names: dict[str, str] = {}
        for i, t in _entries(data and data["types"]):
            path = ("types", i)
            if t["id"] in out:
                ctx.report("CAT008", path + ("id",), f"type {t['id']!r} is defined twice")
                continue
            for name in {t["id"], t["name"]}:
                owner = names.setdefault(loose(name), t["id"])
                if owner != t["id"]:
                    ctx.report("CAT013", path + ("name",), f"{name!r} is also a name of type {owner!r}")
            self.type_index[t["id"]] = i
            out[t["id"]] = m.ProfileType(
                t["id"], t["name"], t["unit"], t["kind"], t["measures"], t["when_to_use"],
                t["flamegraph_insight"], t["caution"], _strings(t["cannot_show"]), t["overhead"],
                t["if_empty"], bool(t["experimental"]), _strings(t["see_also"]),
                self.refs(ctx, path + ("sources",), t["sources"]),
            )
        for i, t in _entries(data and data["types"]):
            for j, ref in _entries(t["see_also"]):
                if ref not in out:
                    ctx.report("CAT010", ("types", i, "see_also", j), _unknown("type", ref, out))
        return out, (data["query_hint"] if data else "")

    def languages(self, types: dict[str, m.ProfileType]) -> dict[str, m.Language]:
        out: dict[str, m.Language] = {}
        claimed: dict[str, str] = {}
        for rel in sorted(r for r in self.checked if r.startswith("languages/")):
            data, ctx = self.checked[rel]
            stem = rel[len("languages/"):].rsplit(".", 1)[0]
            if data["id"] != stem:
                ctx.report("CAT018", ("id",), f"id {data['id']!r} does not match the file name {stem!r}")
            if data["id"] in out:
                ctx.report("CAT008", ("id",), f"language {data['id']!r} is defined twice")
                continue
            for key, path in [(data["id"], ("id",)), (data["name"], ("name",))] + [
                (a, ("aliases", i)) for i, a in _entries(data["aliases"])
            ]:
                owner = claimed.setdefault(loose(key), data["id"])
                if owner != data["id"]:
                    ctx.report("CAT013", path, f"{key!r} already names language {owner!r}")
            self.language_ctx[data["id"]] = ctx
            methods = self.methods(ctx, data)
            lang_types = self.language_types(ctx, data, types, methods)
            aliases = {loose(a) for a in _strings(data["aliases"])}
            for i, name in _entries(data["no_sdk"]):
                if loose(name) not in aliases:
                    ctx.report("CAT010", ("no_sdk", i), f"{name!r} is not one of this language's aliases")
            out[data["id"]] = m.Language(
                data["id"], data["name"], _strings(data["aliases"]), data["summary"],
                _strings(data["notes"]), methods, lang_types, self.refs(ctx, ("sources",), data["sources"]),
                data["sdk_checked"],
                _strings(data["no_sdk"]),
            )
        return out

    def methods(self, ctx: Context, data: dict) -> dict[str, m.Method]:
        out: dict[str, m.Method] = {}
        for key, meth in data["methods"].items():
            if key not in m.METHODS:
                ctx.report("CAT010", ("methods", key), _unknown("method", key, m.METHODS))
                continue
            if meth is BAD:
                continue
            snip = meth["snippet"]
            snippet = m.Snippet(snip["syntax"], snip["template"]) if snip else None
            out[key] = m.Method(key, meth["name"], meth["package"], snippet)
        return out

    def language_types(self, ctx, data, types, methods) -> dict[str, m.LanguageType]:
        out: dict[str, m.LanguageType] = {}
        for type_id, entry in data["types"].items():
            path = ("types", type_id)
            if type_id not in types:
                ctx.report("CAT010", path, _unknown("type", type_id, types))
                continue
            if entry is BAD:
                continue
            steps = []
            for i, step in _entries(entry["enable"]):
                if step["method"] not in methods:
                    ctx.report("CAT010", path + ("enable", i, "method"),
                               f"method {step['method']!r} is not defined under methods")
                    continue
                steps.append(m.EnableStep(step["method"], step["setting"], step["default"], step["how"],
                                          step["start"], step["overhead"], step["item"], _strings(step["extra"])))
                self.snippet_has_placeholders(ctx, path + ("enable", i), step, methods[step["method"]])
            ids = tuple(m.ProfileTypeId(i["id"], i["evidence"], i["note"]) for _, i in _entries(entry["ids"]))
            out[type_id] = m.LanguageType(type_id, tuple(steps), ids, entry["if_empty"],
                                          self.refs(ctx, path + ("sources",), entry["sources"]))
        return out

    def snippet_has_placeholders(self, ctx: Context, path: tuple, step: dict, method: m.Method) -> None:
        for field, placeholder in (("item", "{items}"), ("extra", "{extra}")):
            if not step[field]:
                continue
            if method.snippet is None:
                ctx.report("CAT020", path + (field,), f"method {method.id!r} has no snippet to put this {field} in")
            elif placeholder not in [line.strip() for line in method.snippet.template.splitlines()]:
                ctx.report("CAT020", path + (field,),
                           f"the {method.id!r} snippet has no line {placeholder} for this {field}")

    def versions(self, types, languages) -> dict[str, m.Version]:
        found: list[tuple[tuple[int, ...], m.Version]] = []
        for rel in sorted(r for r in self.checked if r.startswith("versions/")):
            data, ctx = self.checked[rel]
            stem = rel[len("versions/"):].rsplit(".", 1)[0]
            if data["pyroscope"] != stem:
                ctx.report("CAT018", ("pyroscope",), f"version {data['pyroscope']!r} does not match the file name {stem!r}")
            if any(v.id == data["pyroscope"] for _, v in found):
                ctx.report("CAT008", ("pyroscope",), f"version {data['pyroscope']!r} is defined twice")
                continue
            version = self.version(ctx, data, types, languages)
            found.append((tuple(int(p) for p in version.id.split(".")), version))
        return {v.id: v for _, v in sorted(found)}

    def version(self, ctx, data, types, languages) -> m.Version:
        columns: list[m.Column] = []
        for i, col in _entries(data["columns"]):
            if any(c.id == col["id"] for c in columns):
                ctx.report("CAT008", ("columns", i, "id"), f"column {col['id']!r} is defined twice")
                continue
            if col["language"] not in languages:
                ctx.report("CAT010", ("columns", i, "language"), _unknown("language", col["language"], languages))
            columns.append(m.Column(col["id"], col["name"], col["language"], col["method"], col["covers"]))
        notes: dict[tuple[str, str], str] = {}
        for i, note in _entries(data["notes"]):
            if note["type"] not in data["rows"]:
                ctx.report("CAT010", ("notes", i, "type"), f"type {note['type']!r} has no row in this version")
            elif not any(c.id == note["column"] for c in columns):
                ctx.report("CAT010", ("notes", i, "column"), _unknown("column", note["column"], [c.id for c in columns]))
            notes[(note["type"], note["column"])] = note["text"]
        rows: dict[str, tuple[m.Cell, ...]] = {}
        for type_id, row in data["rows"].items():
            path = ("rows", type_id)
            if type_id not in types:
                ctx.report("CAT010", path, _unknown("type", type_id, types))
                continue
            if row is BAD:
                continue
            cells = row.split()
            bad = [c for c in cells if c not in m.CELL_STATUSES]
            if bad:
                ctx.report("CAT012", path, f"cell(s) {', '.join(map(repr, bad))}: use Y, S or -")
                continue
            if len(cells) != len(columns):
                ctx.report("CAT011", path, f"{len(cells)} cells for {len(columns)} columns")
                continue
            rows[type_id] = tuple(m.Cell(s, notes.get((type_id, c.id))) for s, c in zip(cells, columns))
        return m.Version(data["pyroscope"], data["title"], data["layout"], _strings(data["changes"]),
                         tuple(columns), rows, self.refs(ctx, ("sources",), data["sources"]))

    def vocabulary(self, languages) -> m.Vocabulary:
        from .vocabcheck import vocabulary

        return vocabulary(self, languages)

    def words_the_matcher_can_read(self, symptoms, stopwords, vocabulary: m.Vocabulary) -> None:
        from .vocabcheck import readable

        readable(self, stopwords, vocabulary)

    def symptoms(self, types, languages, versions, vocabulary=None) -> tuple[dict[str, m.Symptom], frozenset[str]]:
        data, ctx = self.file("symptoms.yaml")
        out: dict[str, m.Symptom] = {}
        if data is None:
            return out, frozenset()
        claimed: dict[str, str] = {}
        for i, s in _entries(data["symptoms"]):
            path = ("symptoms", i)
            if s["id"] in out:
                ctx.report("CAT008", path + ("id",), f"symptom {s['id']!r} is defined twice")
                continue
            for j, phrase in [(None, s["name"])] + list(_entries(s["phrases"])):
                owner = claimed.setdefault(loose(phrase), s["id"])
                if owner != s["id"]:
                    where = path + (("phrases", j) if j is not None else ("name",))
                    ctx.report("CAT013", where, f"{phrase!r} already belongs to symptom {owner!r}")
            per_language: dict[str, m.SymptomLanguage] = {}
            for lang_id, entry in (s["languages"] or {}).items():
                if lang_id not in languages:
                    ctx.report("CAT010", path + ("languages", lang_id), _unknown("language", lang_id, languages))
                    continue
                if entry is BAD:
                    continue
                suggest = None
                if entry["suggest"] is not None:
                    suggest = self.suggestions(ctx, path + ("languages", lang_id, "suggest"), entry["suggest"], types)
                per_language[lang_id] = m.SymptomLanguage(suggest, entry["beyond"])
            runtimes = _strings(s["runtimes"] or [])
            for j, lang_id in enumerate(runtimes):
                if lang_id not in languages:
                    ctx.report("CAT010", path + ("runtimes", j), _unknown("language", lang_id, languages))
            signals = {k: v for k, v in (s["signals"] or {}).items() if v is not BAD}
            for sid in signals:
                if vocabulary is not None and sid not in vocabulary.signals:
                    ctx.report("CAT010", path + ("signals", sid), _unknown("signal", sid, vocabulary.signals))
            triage = tuple(m.Triage(t["if"], t["symptom"]) for _, t in _entries(s["triage"] or []))
            symptom = m.Symptom(s["id"], s["name"], s["category"], _strings(s["phrases"]),
                                self.suggestions(ctx, path + ("suggest",), s["suggest"], types),
                                per_language, s["beyond"], self.refs(ctx, path + ("sources",), s["sources"]),
                                runtimes, signals, triage)
            out[s["id"]] = symptom
            self.every_language_answered(ctx, path, symptom, languages, versions)
        for i, s in _entries(data["symptoms"]):
            for j, branch in _entries(s["triage"] or []):
                if branch["symptom"] not in out or branch["symptom"] == s["id"]:
                    ctx.report("CAT010", ("symptoms", i, "triage", j, "symptom"),
                               _unknown("symptom", branch["symptom"], [k for k in out if k != s["id"]]))
        stopwords = frozenset(w.casefold() for w in _strings(data["stopwords"]))
        return out, stopwords

    def suggestions(self, ctx, path, items, types) -> tuple[m.Suggestion, ...]:
        out: list[m.Suggestion] = []
        for i, sug in _entries(items):
            if sug["type"] not in types:
                ctx.report("CAT010", path + (i, "type"), _unknown("type", sug["type"], types))
            elif any(o.type == sug["type"] for o in out):
                ctx.report("CAT008", path + (i, "type"), f"type {sug['type']!r} is suggested twice")
            else:
                out.append(m.Suggestion(sug["type"], sug["why"]))
        return tuple(out)

    def every_language_answered(self, ctx, path, symptom: m.Symptom, languages, versions) -> None:
        if symptom.beyond:
            return  # the generic 'beyond' answers every language that has no type
        for version in versions.values():
            # Languages with the same types and no answer of their own get the same answer: check each
            # such group once, and name every language in it.
            groups: dict[frozenset[str] | str, list[str]] = {}
            for lang_id in languages:
                if symptom.runtimes and lang_id not in symptom.runtimes:
                    continue  # a symptom tied to other runtimes never answers this one
                have = self.have[(version.id, lang_id)]
                groups.setdefault(lang_id if lang_id in symptom.languages else have, []).append(lang_id)
            for group in groups.values():
                have = self.have[(version.id, group[0])]
                entry = symptom.languages.get(group[0])
                ranking = entry.suggest if entry and entry.suggest is not None else symptom.suggest
                beyond = (entry.beyond if entry else None) or symptom.beyond
                if not beyond and not any(s.type in have for s in ranking):
                    names = ", ".join(group)
                    ctx.report("CAT016", path, f"no type and no 'beyond' text for {names} at Pyroscope {version.id}")

    # -- across files ------------------------------------------------------------------------------

    def matrix_against_languages(self, types, languages, versions) -> None:
        seen_types: set[str] = set()
        needed: dict[tuple[str, str], set[str]] = {}
        for version in versions.values():
            seen_types.update(version.rows)
            for type_id, cells in version.rows.items():
                for cell, col in zip(cells, version.columns):
                    if cell.status != m.NONE:
                        needed.setdefault((col.language, type_id), set()).add(col.method)
        for type_id in types:
            if type_id not in seen_types:
                _, ctx = self.file("types.yaml")
                ctx.report("CAT021", ("types", self.type_index[type_id], "id"), f"type {type_id!r} has no row in any version")
        for (lang_id, type_id), methods in sorted(needed.items()):
            lang = languages.get(lang_id)
            if lang is None:
                continue
            # By id, not by file name: a misnamed file (CAT018) must not hide its other problems.
            ctx = self.language_ctx[lang_id]
            entry = lang.types.get(type_id)
            if entry is None:
                ctx.report("CAT015", ("types",), f"no entry for {type_id!r}, which the matrix gives {lang_id}")
                continue
            for method in sorted(methods - {s.method for s in entry.enable}):
                ctx.report("CAT015", ("types", type_id, "enable"), f"no enable step for method {method!r}")
            if not entry.ids:
                ctx.report("CAT015", ("types", type_id, "ids"), "no profile type ID (use id: unknown with a note)")
        for lang_id, lang in languages.items():
            ctx = self.language_ctx[lang_id]
            for type_id in lang.types:
                if (lang_id, type_id) not in needed:
                    ctx.report("CAT010", ("types", type_id), f"no version's matrix gives {lang_id} the type {type_id!r}")


