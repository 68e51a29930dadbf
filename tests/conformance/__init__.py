"""The conformance layer: the real Python and Node.js SDKs, run against a capture server."""
