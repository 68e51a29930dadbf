"""Benchmark (a script, not a test): doctor on a synthetic 20,000-file tree with 30 Pyroscope files.

    python tests/benchmark_doctor.py [--files 20000] [--runs 3]

Builds the tree in a temporary folder (source, docs, images, a node_modules folder that is pruned),
then times whole `pyroadvise doctor DIR --format json` processes and prints the best and the median.
The target from issue 12 is under 2 s here.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

GO_MOD = "module example.com/svc{n}\n\ngo 1.22\n\nrequire github.com/grafana/pyroscope-go v1.2.4\n"
GO_MAIN = ('package main\n\nimport "github.com/grafana/pyroscope-go"\n\nfunc main() {\n'
           '\tpyroscope.Start(pyroscope.Config{ApplicationName: "svc{n}", ServerAddress: "http://pyroscope:4040",\n'
           '\t\tProfileTypes: []pyroscope.ProfileType{pyroscope.ProfileCPU, pyroscope.ProfileMutexCount}})\n}\n')
ALLOY = ('pyroscope.scrape "svc{n}" {\n  targets = [{"__address__" = "svc{n}:6060"}]\n'
         '  forward_to = [pyroscope.write.out.receiver]\n}\npyroscope.write "out" {\n'
         '  endpoint { url = "http://pyroscope:4040" }\n}\n')
FILLERS = [
    ("go", "package pkg\n\nfunc F{i}(a, b int) int {{ return a*b + {i} }}\n"),
    ("py", "def f{i}(x):\n    return x * {i}\n"),
    ("js", "export function f{i}(x) {{ return x * {i}; }}\n"),
    ("md", "# Note {i}\n\nSome text about the module.\n"),
    ("json", '{{"id": {i}, "name": "item{i}"}}\n'),
    ("yaml", "id: {i}\nname: item{i}\n"),
    ("png", None),
    ("txt", "line {i}\n"),
]


def build(root: Path, total: int) -> None:
    # 30 Pyroscope files: 10 Go modules (go.mod + main.go) and 10 Alloy configs.
    for n in range(10):
        svc = root / "services" / f"svc{n}"
        svc.mkdir(parents=True)
        (svc / "go.mod").write_text(GO_MOD.format(n=n))
        (svc / "main.go").write_text(GO_MAIN.replace("{n}", str(n)))
        (root / "deploy").mkdir(exist_ok=True)
        (root / "deploy" / f"svc{n}.alloy").write_text(ALLOY.replace("{n}", str(n)))
    made = 30
    (root / "node_modules" / "big").mkdir(parents=True)
    for i in range(500):  # pruned by name: never listed
        (root / "node_modules" / "big" / f"m{i}.js").write_text("module.exports = 'pyroscope'\n")
    i = 0
    while made < total:
        folder = root / "src" / f"pkg{i // 100:03d}" / f"sub{(i // 10) % 10}"
        folder.mkdir(parents=True, exist_ok=True)
        ext, body = FILLERS[i % len(FILLERS)]
        path = folder / f"f{i}.{ext}"
        if body is None:
            path.write_bytes(b"\x89PNG\r\n\x1a\n" + os.urandom(256))
        else:
            path.write_text(body.format(i=i))
        made += 1
        i += 1


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=20_000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="doctor-bench-") as tmp:
        root = Path(tmp)
        build(root, args.files)
        count = sum(len(files) for _, _, files in os.walk(root)) - 500
        command = [sys.executable, "-m", "pyroadvise", "doctor", str(root), "--format", "json"]
        times, output = [], ""
        for _ in range(args.runs + 1):  # the first run warms the page cache and is not counted
            start = time.perf_counter()
            result = subprocess.run(command, capture_output=True, text=True)
            times.append(time.perf_counter() - start)
            output = result.stdout
            if result.returncode != 0:
                sys.exit(f"doctor failed: {result.stderr}")
        import json

        report = json.loads(output)
        times = times[1:]
        print(f"tree: {count} files outside node_modules (+500 pruned in node_modules), 30 of them Pyroscope files")
        print(f"found: {len(report['services'])} services, {len(report['findings'])} findings, "
              f"{report['summary']['files_read']} files read of {report['summary']['files_scanned']} candidates")
        print(f"whole process, {args.runs} runs: best {min(times):.2f} s, median {statistics.median(times):.2f} s "
              f"(target: under 2 s)")


if __name__ == "__main__":
    main()
