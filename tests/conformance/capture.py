"""An accept-all HTTP server on 127.0.0.1 that records every upload an SDK makes.

It runs in a thread of the test process, on a free port, for one case at a time. Push (Connect)
paths get an empty ``application/proto`` body, a valid empty PushResponse; other paths get ``ok``.
Recordings can be written as JSON lines (body in base64) and read back, which is how the fixtures
under tests/fixtures/captures/ were made.
"""

from __future__ import annotations

import base64
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlsplit

MAX_BODY = 64 * 1024 * 1024


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args) -> None:  # keep test output quiet
        pass

    def _body(self) -> bytes:
        if self.headers.get("Transfer-Encoding", "").lower() == "chunked":
            chunks = []
            while True:
                size = int(self.rfile.readline().split(b";")[0].strip() or b"0", 16)
                if size == 0:
                    self.rfile.readline()
                    return b"".join(chunks)
                chunks.append(self.rfile.read(size))
                self.rfile.readline()
        length = min(int(self.headers.get("Content-Length") or 0), MAX_BODY)
        return self.rfile.read(length)

    def _record(self) -> None:
        url = urlsplit(self.path)
        body = self._body()
        self.server.record({"method": self.command, "path": url.path, "query": url.query,
                            "headers": {k.lower(): v for k, v in self.headers.items()}, "body": body})
        connect = "PusherService" in url.path
        reply = b"" if connect else b"ok"
        self.send_response(200)
        self.send_header("Content-Type", "application/proto" if connect else "text/plain")
        self.send_header("Content-Length", str(len(reply)))
        self.end_headers()
        self.wfile.write(reply)

    do_POST = do_PUT = do_GET = _record


class CaptureServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self):
        super().__init__(("127.0.0.1", 0), _Handler)
        self._lock = threading.Lock()
        self.requests: list[dict] = []
        self._thread = threading.Thread(target=self.serve_forever, kwargs={"poll_interval": 0.1}, daemon=True)

    @property
    def address(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"

    def record(self, request: dict) -> None:
        with self._lock:
            self.requests.append(request)

    def __enter__(self) -> "CaptureServer":
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.shutdown()
        self.server_close()
        self._thread.join(timeout=5)

    def snapshot(self) -> list[dict]:
        with self._lock:
            return list(self.requests)


def save(requests: list[dict], path: Path) -> None:
    with path.open("w", encoding="utf-8") as out:
        for r in requests:
            out.write(json.dumps(r | {"body": base64.b64encode(r["body"]).decode("ascii")}, sort_keys=True) + "\n")


def load(path: Path) -> list[dict]:
    rows = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip():
            row = json.loads(line)
            rows.append(row | {"body": base64.b64decode(row["body"])})
    return rows
