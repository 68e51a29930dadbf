"""The decoder and the server's naming rules on recorded SDK uploads: no SDK, node or network needed.

The captures under tests/fixtures/captures/ are real uploads, recorded by tests/conformance/record.py:
pyroscope-io 1.4.0 with mem_enabled=True, and @pyroscope/nodejs 0.6.4 with wall.collectCpuTime. These
tests are not marked conformance; they always run.
"""

from __future__ import annotations

import gzip

import pytest

from . import capture, wire
from .record import NODE_FIXTURE, PYTHON_FIXTURE

PY_IDS = {
    "process_cpu:cpu:nanoseconds:cpu:nanoseconds",
    "memory:alloc_objects:count:space:bytes", "memory:alloc_space:bytes:space:bytes",
    "memory:inuse_objects:count:space:bytes", "memory:inuse_space:bytes:space:bytes",
}
NODE_IDS = {
    "wall:samples:count:wall:nanoseconds", "wall:wall:nanoseconds:wall:nanoseconds",
    "wall:cpu:nanoseconds:wall:nanoseconds",
    "memory:inuse_objects:count:inuse_space:bytes", "memory:inuse_space:bytes:inuse_space:bytes",
}


@pytest.fixture(scope="module")
def python_uploads():
    return [u for r in capture.load(PYTHON_FIXTURE) for u in wire.parse_request(r)]


@pytest.fixture(scope="module")
def node_requests():
    return capture.load(NODE_FIXTURE)


def catalog_ids(catalog, lang: str, evidence: str | None = None) -> set[str]:
    return {pid.id for t in catalog.languages[lang].types.values() for pid in t.ids
            if evidence is None or pid.evidence == evidence}


def test_python_push_decodes_to_cpu_and_four_memory_series(python_uploads, catalog):
    assert {u.name for u in python_uploads} == {"process_cpu", "memory"}
    assert wire.all_ids(python_uploads) == PY_IDS
    assert PY_IDS <= catalog_ids(catalog, "python", "test")
    memory = next(u for u in python_uploads if u.name == "memory")
    assert memory.labels["service_name"] == "conformance-py"
    assert memory.labels["otel.scope.version"] == "1.4.0"
    assert [t for t, _ in memory.profile.sample_types] == ["alloc_objects", "alloc_space", "inuse_objects",
                                                           "inuse_space"]
    assert (memory.profile.period_type, memory.profile.period) == (("space", "bytes"), 524288)
    cpu = next(u for u in python_uploads if u.name == "process_cpu")
    assert cpu.profile.share("burn_cpu") > 0.5


def test_node_ingest_decodes_to_the_wall_profile_with_cpu_and_the_heap(node_requests, catalog):
    uploads = [u for r in node_requests for u in wire.parse_request(r)]
    assert all(r["path"] == "/ingest" and "format=pprof" in r["query"] for r in node_requests)
    assert wire.all_ids(uploads) == NODE_IDS
    assert NODE_IDS == catalog_ids(catalog, "nodejs") == catalog_ids(catalog, "nodejs", "test")
    wall = next(u for u in uploads if u.name == "wall")
    assert wall.labels["service_name"] == "conformance-node"
    assert wall.labels["pyroscope_spy"] == "nodespy"
    assert wall.profile.share("burnCpu", "cpu") > 0.3


def test_node_multipart_form_reads_the_same_as_format_pprof(node_requests):
    """0.6.1 posts multipart/form-data with the pprof in the field 'profile'; built here from 0.6.4's body."""
    request = node_requests[0]
    boundary = "conformance-boundary"
    body = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"profile\"; filename=\"profile\"\r\n"
            "Content-Type: application/octet-stream\r\n\r\n").encode() + request["body"] + \
        f"\r\n--{boundary}--\r\n".encode()
    query = "&".join(p for p in request["query"].split("&") if not p.startswith("format="))
    multipart = wire.parse_ingest(query, {"Content-Type": f"multipart/form-data; boundary={boundary}"}, body)
    assert wire.all_ids(multipart) == wire.all_ids(wire.parse_request(request))


def test_the_wall_to_process_cpu_rule_fires_only_with_a_type_label():
    labels = {"__name__": "wall", "service_name": "app"}
    assert wire.relabel(labels)["__name__"] == "wall"  # what ingest sees: no __type__ yet
    assert wire.relabel(labels | {"__type__": "cpu"})["__name__"] == "process_cpu"  # the rule's own unit test
    assert wire.relabel({"__name__": "godeltaprof_memory"})["__name__"] == "memory"


def test_metric_name_follows_the_sample_types():
    def profile(*types):
        return wire.Profile([(t, "x") for t in types], None, 0, [], {}, {})

    assert wire.metric_name(profile("samples", "wall", "cpu")) == "wall"
    assert wire.metric_name(profile("inuse_objects", "inuse_space")) == "memory"
    assert wire.metric_name(profile("samples")) == "process_cpu"
    assert wire.metric_name(profile("cpu")) == "process_cpu"


def test_name_parameter_gives_service_name_and_labels():
    assert wire.parse_name("app{env=prod,region=eu}") == {"service_name": "app", "env": "prod", "region": "eu"}
    assert wire.parse_name("app") == {"service_name": "app"}


@pytest.mark.parametrize("data", [b"\x0a\x05ab", b"\x08", b"\x0b", b"\x00\x01"])
def test_broken_protobuf_is_a_wire_error(data):
    with pytest.raises(wire.WireError):
        list(wire.fields(data))


def test_gzip_and_plain_pprof_decode_alike(python_uploads):
    request = capture.load(PYTHON_FIXTURE)[0]
    plain = gzip.decompress(request["body"])
    assert wire.all_ids(wire.parse_push_request(plain)) == wire.all_ids(python_uploads)
