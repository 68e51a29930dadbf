"""A small Python service for the conformance tests, run by a pyroscope-io venv's interpreter.

    PYROADVISE_CAPTURE=http://127.0.0.1:PORT python py_app.py '{"mem_enabled": true}' SECONDS
    PYROADVISE_CAPTURE=http://127.0.0.1:PORT python py_app.py --snippet FILE SECONDS

The first form calls pyroscope.configure() with the JSON keyword arguments (server and name added;
"cpu_implementation": "Stack" names the enum member). The second runs a `pyroadvise setup` snippet,
with only its server address pointed at the capture server. Then the workload runs: the main thread
burns CPU (burn_cpu), keeps about 1 MiB per loop (leak_memory) and sleeps (idle_wait); one thread
hashes with the GIL released (gil_free_work). PYROADVISE_PRE_ALLOC_MIB=N first keeps N MiB from
before configure() (pre_configure_alloc). Finally pyroscope.shutdown() sends the last upload.
The last line printed is a JSON summary: what configure() returned, or the exception it raised.
"""

import hashlib
import json
import os
import sys
import threading
import time

SNIPPET_SERVER = "http://pyroscope:4040"
kept = []
stop = threading.Event()


def burn_cpu(seconds):
    end = time.perf_counter() + seconds
    n = 0
    while time.perf_counter() < end:
        n += sum(i * i for i in range(500))
    return n


def leak_memory():
    kept.append([bytearray(1024) for _ in range(1024)])


def idle_wait(seconds):
    time.sleep(seconds)


def gil_free_work():
    block = os.urandom(8 * 1024 * 1024)
    while not stop.is_set():
        hashlib.sha256(block).digest()  # hashlib releases the GIL for large buffers


def pre_configure_alloc(mib):
    kept.append([bytearray(1024 * 1024) for _ in range(mib)])


def main():
    server = os.environ["PYROADVISE_CAPTURE"]
    duration = float(sys.argv[-1])
    if os.environ.get("PYROADVISE_PRE_ALLOC_MIB"):  # memory kept from before configure()
        pre_configure_alloc(int(os.environ["PYROADVISE_PRE_ALLOC_MIB"]))
    import pyroscope

    summary = {}
    try:
        if sys.argv[1] == "--snippet":
            with open(sys.argv[2], encoding="utf-8") as f:
                code = f.read()
            if SNIPPET_SERVER not in code:
                raise SystemExit(f"snippet has no {SNIPPET_SERVER}")
            exec(compile(code.replace(SNIPPET_SERVER, server), sys.argv[2], "exec"), {"__name__": "__snippet__"})
            summary["configured"] = "snippet"
        else:
            kwargs = json.loads(sys.argv[1])
            if "cpu_implementation" in kwargs:
                kwargs["cpu_implementation"] = getattr(pyroscope.ProfilerImplementation, kwargs["cpu_implementation"])
            result = pyroscope.configure(application_name="conformance-py", server_address=server, **kwargs)
            summary["configured"] = result
    except Exception as exc:  # the version gates: report, do not crash
        summary["error"] = f"{type(exc).__name__}: {exc}"
        print(json.dumps(summary), flush=True)
        return
    worker = threading.Thread(target=gil_free_work, name="gil-free", daemon=True)
    worker.start()
    end = time.monotonic() + duration
    while time.monotonic() < end:
        burn_cpu(0.05)
        leak_memory()
        idle_wait(0.05)
    stop.set()
    worker.join()
    summary["shutdown"] = pyroscope.shutdown()
    time.sleep(0.5)  # let the last upload leave before exit: 1.1.0 sometimes lost it without this
    print(json.dumps(summary), flush=True)


if __name__ == "__main__":
    main()
