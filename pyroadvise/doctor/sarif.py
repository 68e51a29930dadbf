"""The doctor report as SARIF 2.1.0, for code-scanning tools (findings shown inline in a pull request)."""

from __future__ import annotations

from pathlib import Path

SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
INFO_URI = "https://github.com/grafana/pyroscope"


def to_sarif(report: dict, version: str) -> dict:
    rules, index = [], {}
    for finding in sorted(report["findings"], key=lambda f: f["check"]):
        if finding["check"] in index:
            continue
        index[finding["check"]] = len(rules)
        rules.append({
            "id": finding["check"],
            "name": finding["slug"],
            "shortDescription": {"text": finding["title"]},
            "help": {"text": finding["fix"]},
            "defaultConfiguration": {"level": finding["level"]},
            "properties": {"confidence": finding["confidence"]},
        })
    results = []
    for finding in report["findings"]:
        region = {"startLine": finding["line"]} if finding["line"] else None
        physical = {"artifactLocation": {"uri": finding["file"], "uriBaseId": "PROJECTROOT"}}
        if region:
            physical["region"] = region
        result = {
            "ruleId": finding["check"],
            "ruleIndex": index[finding["check"]],
            "level": finding["level"],
            "message": {"text": f"{finding['message']} Fix: {finding['fix']}"},
            "locations": [{"physicalLocation": physical}],
            "properties": {"confidence": finding["confidence"], "types": finding["types"]},
        }
        if finding["service"]:
            result["properties"]["service"] = finding["service"]
        results.append(result)
    root = Path(report["path"]).resolve().as_uri().rstrip("/") + "/"
    return {
        "$schema": SCHEMA,
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {"name": "pyroadvise doctor", "version": version, "informationUri": INFO_URI,
                                "rules": rules}},
            "originalUriBaseIds": {"PROJECTROOT": {"uri": root}},
            "results": results,
        }],
    }
