"""What a Pyroscope server would store from a captured upload: a small protobuf/pprof decoder and the
server's ingest rules, written for these tests (no dependencies).

The decoder reads the protobuf wire format by hand: push.v1 ``PushRequest`` (the Python SDK) and
pprof ``Profile`` (both SDKs), plain or gzip. The server model follows grafana/pyroscope v2.2.1:

- push (``/push.v1.PusherService/Push``): the series labels are kept as the client sent them,
  ``__name__`` included (pkg/distributor/distributor.go ``Push``).
- ``/ingest`` with ``format=pprof`` (raw body) or a multipart body with the pprof in the field
  ``profile`` (pkg/ingester/pyroscope/ingest_handler.go): ``name=app{k=v,...}`` gives the service name
  and labels; ``__name__`` comes from the sample types (pkg/og/convert/pprof/profile.go ``metricName``).
- the default relabel rules (pkg/validation/relabeling.go) run on the series labels, where
  ``__type__`` is not set yet, so the ``wall/cpu -> process_cpu`` rule cannot fire.
- one series per sample type: ``<__name__>:<type>:<unit>:<period type>:<period unit>``
  (pkg/phlaredb/labels/labels.go ``CreateProfileLabels``).
"""

from __future__ import annotations

import gzip
import re
from dataclasses import dataclass, field
from email.parser import BytesParser
from email.policy import HTTP
from urllib.parse import parse_qs

# -- protobuf wire format ---------------------------------------------------------------------------

VARINT, I64, LEN, I32 = 0, 1, 2, 5


class WireError(ValueError):
    """The bytes are not the protobuf message they should be."""


def _varint(data: bytes, pos: int) -> tuple[int, int]:
    result = shift = 0
    while True:
        if pos >= len(data):
            raise WireError("truncated varint")
        byte = data[pos]
        pos += 1
        result |= (byte & 0x7F) << shift
        if not byte & 0x80:
            return result, pos
        shift += 7
        if shift > 63:
            raise WireError("varint longer than 64 bits")


def fields(data: bytes):
    """Yield (field number, wire type, value) for each field of one message."""
    pos = 0
    while pos < len(data):
        key, pos = _varint(data, pos)
        number, wire = key >> 3, key & 7
        if number == 0:
            raise WireError("field number 0")
        if wire == VARINT:
            value, pos = _varint(data, pos)
        elif wire == I64:
            value, pos = int.from_bytes(data[pos:pos + 8], "little"), pos + 8
        elif wire == I32:
            value, pos = int.from_bytes(data[pos:pos + 4], "little"), pos + 4
        elif wire == LEN:
            size, pos = _varint(data, pos)
            if pos + size > len(data):
                raise WireError("length-delimited field runs past the end")
            value, pos = data[pos:pos + size], pos + size
        else:
            raise WireError(f"unsupported wire type {wire}")
        if pos > len(data):
            raise WireError("field runs past the end")
        yield number, wire, value


def _ints(wire: int, value) -> list[int]:
    """A repeated integer field, packed (LEN) or not."""
    if wire == VARINT:
        return [value]
    out, pos = [], 0
    while pos < len(value):
        item, pos = _varint(value, pos)
        out.append(item)
    return out


def _signed(value: int) -> int:
    return value - (1 << 64) if value >= 1 << 63 else value


# -- pprof ------------------------------------------------------------------------------------------

@dataclass
class Profile:
    sample_types: list[tuple[str, str]]          # (type, unit)
    period_type: tuple[str, str] | None
    period: int
    samples: list[tuple[list[int], list[int], dict[str, str]]]  # (location ids, values, string labels)
    locations: dict[int, list[int]]              # location id -> function ids, leaf first
    functions: dict[int, str]                    # function id -> name

    def stack(self, location_ids: list[int]) -> list[str]:
        """Function names of one sample, leaf first."""
        return [self.functions.get(f, "?") for loc in location_ids for f in self.locations.get(loc, [])]

    def total(self, index: int = 0) -> int:
        return sum(values[index] for _, values, _ in self.samples if len(values) > index)

    def under(self, function: str, index: int = 0) -> int:
        """The part of one sample type's total whose stack passes through ``function``.

        Python frames are named ``function``; Node.js frames ``file:function:line``."""
        return sum(values[index] for locs, values, _ in self.samples
                   if len(values) > index and any(_is(frame, function) for frame in self.stack(locs)))

    def share(self, function: str, sample_type: str | None = None) -> float:
        index = self.index(sample_type) if sample_type else 0
        total = self.total(index)
        return self.under(function, index) / total if total else 0.0

    def index(self, sample_type: str) -> int:
        return [t for t, _ in self.sample_types].index(sample_type)


def _is(frame: str, function: str) -> bool:
    return frame == function or f":{function}:" in frame


def maybe_gunzip(data: bytes) -> bytes:
    return gzip.decompress(data) if data[:2] == b"\x1f\x8b" else data


def parse_profile(data: bytes) -> Profile:
    data = maybe_gunzip(data)
    strings: list[str] = []
    raw_types, raw_period_type, period = [], None, 0
    raw_samples, locations, raw_functions = [], {}, {}
    for number, wire, value in fields(data):
        if number == 1:
            raw_types.append(_value_type(value))
        elif number == 2:
            raw_samples.append(_sample(value))
        elif number == 4:
            loc_id, funcs = _location(value)
            locations[loc_id] = funcs
        elif number == 5:
            fn_id, name_index = _function(value)
            raw_functions[fn_id] = name_index
        elif number == 6:
            strings.append(value.decode("utf-8", "replace"))
        elif number == 11:
            raw_period_type = _value_type(value)
        elif number == 12:
            period = _signed(value)

    def s(i: int) -> str:
        if not 0 <= i < len(strings):
            raise WireError(f"string index {i} outside the string table")
        return strings[i]

    samples = [(locs, vals, {s(k): s(v) for k, v in labels if v}) for locs, vals, labels in raw_samples]
    return Profile(
        sample_types=[(s(t), s(u)) for t, u in raw_types],
        period_type=(s(raw_period_type[0]), s(raw_period_type[1])) if raw_period_type else None,
        period=period,
        samples=samples,
        locations=locations,
        functions={fid: s(i) for fid, i in raw_functions.items()},
    )


def _value_type(data: bytes) -> tuple[int, int]:
    kind = unit = 0
    for number, _, value in fields(data):
        if number == 1:
            kind = value
        elif number == 2:
            unit = value
    return kind, unit


def _sample(data: bytes):
    locs, vals, labels = [], [], []
    for number, wire, value in fields(data):
        if number == 1:
            locs += _ints(wire, value)
        elif number == 2:
            vals += [_signed(v) for v in _ints(wire, value)]
        elif number == 3:
            key = text = 0
            for n, _, v in fields(value):
                if n == 1:
                    key = v
                elif n == 2:
                    text = v
            labels.append((key, text))
    return locs, vals, labels


def _location(data: bytes) -> tuple[int, list[int]]:
    loc_id, funcs = 0, []
    for number, _, value in fields(data):
        if number == 1:
            loc_id = value
        elif number == 4:
            for n, _, v in fields(value):
                if n == 1:
                    funcs.append(v)
    return loc_id, funcs


def _function(data: bytes) -> tuple[int, int]:
    fn_id = name = 0
    for number, _, value in fields(data):
        if number == 1:
            fn_id = value
        elif number == 2:
            name = value
    return fn_id, name


# -- uploads ----------------------------------------------------------------------------------------

@dataclass
class Upload:
    """One profile as the server receives it: series labels and the pprof."""
    labels: dict[str, str]
    profile: Profile
    route: str                                    # "push" or "ingest"
    query: dict[str, str] = field(default_factory=dict)

    @property
    def name(self) -> str:
        return self.labels.get("__name__", "")


def parse_push_request(body: bytes) -> list[Upload]:
    """push.v1 PushRequest: series (1) -> labels (1: name 1, value 2) and samples (2: raw_profile 1)."""
    uploads = []
    for number, _, series in fields(maybe_gunzip(body)):
        if number != 1:
            continue
        labels, raws = {}, []
        for n, _, v in fields(series):
            if n == 1:
                pair = {k: val.decode("utf-8", "replace") for k, _, val in fields(v) if k in (1, 2)}
                labels[pair.get(1, "")] = pair.get(2, "")
            elif n == 2:
                raws += [raw for k, _, raw in fields(v) if k == 1]
        uploads += [Upload(labels, parse_profile(raw), "push") for raw in raws]
    return uploads


_LABELSET = re.compile(r"^([^{]*)(?:\{(.*)\})?$", re.S)


def parse_name(name: str) -> dict[str, str]:
    """``app{k=v,...}`` as the server reads it (api/model/labelset/labelset.go Parse)."""
    match = _LABELSET.match(name)
    if not match:
        raise WireError(f"unreadable name {name!r}")
    labels = {"service_name": match.group(1)}
    for pair in filter(None, (match.group(2) or "").split(",")):
        key, _, value = pair.partition("=")
        labels[key.strip()] = value.strip()
    return labels


def parse_ingest(query: str, headers: dict[str, str], body: bytes) -> list[Upload]:
    """``/ingest``: raw pprof with format=pprof, or multipart with the pprof in the field ``profile``."""
    params = {k: v[0] for k, v in parse_qs(query, keep_blank_values=True).items()}
    content_type = {k.lower(): v for k, v in headers.items()}.get("content-type", "")
    if params.get("format") == "pprof":
        raw = body
    elif "multipart/form-data" in content_type:
        message = BytesParser(policy=HTTP).parsebytes(
            b"Content-Type: " + content_type.encode() + b"\r\n\r\n" + body)
        parts = {part.get_param("name", header="content-disposition"): part.get_payload(decode=True)
                 for part in message.iter_parts()}
        if "profile" not in parts:
            raise WireError("multipart body without a 'profile' field")
        raw = parts["profile"]
    else:
        raise WireError(f"/ingest body this model does not read (format={params.get('format')!r})")
    profile = parse_profile(raw)
    labels = parse_name(params.get("name", ""))
    labels["__name__"] = metric_name(profile)
    if "spyName" in params:
        labels["pyroscope_spy"] = params["spyName"]
    return [Upload(labels, profile, "ingest", params)]


def parse_request(record: dict) -> list[Upload]:
    """One captured request (method, path, query, headers, body bytes) -> the uploads in it."""
    path = record["path"]
    if path.endswith("/push.v1.PusherService/Push"):
        return parse_push_request(record["body"])
    if path == "/ingest":
        return parse_ingest(record.get("query", ""), record.get("headers", {}), record["body"])
    return []


# -- the server's naming rules ----------------------------------------------------------------------

# DisplayName of pkg/og/storage/tree/pprof.go DefaultSampleTypeMapping, where it matters here.
_DISPLAY_NAME = {"samples": "cpu"}


def metric_name(profile: Profile) -> str:
    """``__name__`` of an /ingest pprof: wall if any type is wall, else the first type that names a family."""
    types = [t for t, _ in profile.sample_types]
    if "wall" in types:
        return "wall"
    for sample_type in types:
        display = _DISPLAY_NAME.get(sample_type, sample_type)
        if "cpu" in display:
            return "process_cpu"
        if any(part in display for part in ("alloc_", "inuse_", "space", "objects")):
            return "memory"
    return types[0] if types else ""  # no SDK tested here reaches this; a stand-in, not the server's rule


def relabel(labels: dict[str, str]) -> dict[str, str]:
    """The default ingest relabel rules that can matter here (Prometheus ``replace``, full match).

    ``wall/cpu`` reads ``__name__`` and ``__type__`` joined by "/"; a missing label is the empty
    string. ``__type__`` is not among the series labels at this step, so the rule stays silent.
    """
    out = dict(labels)
    joined = f"{out.get('__name__', '')}/{out.get('__type__', '')}"
    if joined == "wall/cpu":
        out["__name_replaced__"] = "wall"
        out["__name__"] = "process_cpu"
    godelta = re.fullmatch(r"godeltaprof_(.*)", out.get("__name__", ""))
    if godelta:
        out["__name_replaced__"] = out["__name__"]
        out["__delta__"] = "false"
        out["__name__"] = godelta.group(1)
    return out


def series_ids(upload: Upload) -> list[str]:
    """The profile type IDs the server stores for one upload, one per sample type."""
    name = relabel(upload.labels)["__name__"]
    period_type, period_unit = upload.profile.period_type or ("", "")
    return [f"{name}:{t}:{u}:{period_type}:{period_unit}" for t, u in upload.profile.sample_types]


def all_ids(uploads: list[Upload]) -> set[str]:
    return {pid for upload in uploads for pid in series_ids(upload)}
