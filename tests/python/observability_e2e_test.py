"""End-to-end observability of a real covd: the /metrics /healthz /readyz
endpoint, grpc.health.v1 statuses following store readiness, and the JSON
RPC log (--rpc_log FILE), checked against a tally of every RPC this test
makes.

Health is called with hand-encoded messages (Debian has no grpc_health
package): HealthCheckRequest{service} is 0x0a <len> <name>; the answer
HealthCheckResponse{status} is 08 01 (SERVING) or 08 02 (NOT_SERVING).
"""

import collections
import hashlib
import json
import os
import re
import time
import unittest
import urllib.error
import urllib.request

import grpc

from covclient import Client, CovError
from tests.python import junit
from tests.python.covd_fixture import Covd, corpus_dir

CHECK = "/grpc.health.v1.Health/Check"
SVC = "/cov.v1.CovService/"
SERVING, NOT_SERVING = b"\x08\x01", b"\x08\x02"

_SAMPLE = re.compile(r'^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$')
_LABEL = re.compile(r'([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"(?:,|$)')


def parse_metrics(text):
    """Prometheus text format -> {(name, frozenset(labels)): value}."""
    samples = {}
    for line in text.splitlines():
        if not line or line.startswith("#"):
            continue
        m = _SAMPLE.match(line)
        assert m, f"not a sample line: {line!r}"
        name, labels, value = m.groups()
        pairs = []
        if labels:
            consumed = 0
            for lm in _LABEL.finditer(labels):
                assert lm.start() == consumed, f"bad labels in {line!r}"
                consumed = lm.end()
                pairs.append((lm.group(1), lm.group(2)))
            assert consumed == len(labels), f"bad labels in {line!r}"
        samples[(name, frozenset(pairs))] = float(value)
    return samples


def http_get(port, path):
    """(status, body) of GET http://127.0.0.1:port/path."""
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=10) as r:
            return r.status, r.read().decode()
    except urllib.error.HTTPError as e:
        return e.code, e.read().decode()


def health_request(service):
    data = service.encode()
    return b"\x0a" + bytes([len(data)]) + data if data else b""


class ObservabilityEndToEndTest(unittest.TestCase):
    """One covd, driven in order: empty store, ingest, queries, checks."""

    @classmethod
    def setUpClass(cls):
        tmp = os.environ.get("TEST_TMPDIR", "/tmp")
        stamp = f"{os.getpid()}-{time.monotonic_ns()}"
        cls.rpc_log = os.path.join(tmp, f"rpc-{stamp}.log")
        port_file = os.path.join(tmp, f"metrics-{stamp}.port")
        cls.covd = Covd(extra_args=["--metrics_listen", "127.0.0.1:0",
                                    "--metrics_port_file", port_file,
                                    "--rpc_log", cls.rpc_log]).start()
        # covd writes the metrics port before the gRPC port file.
        with open(port_file) as f:
            cls.mport = int(f.read().strip())
        cls.client = Client(cls.covd.address)
        cls.client.wait_ready()
        cls.channel = grpc.insecure_channel(cls.covd.address)
        cls.expected = collections.Counter()  # (method path, code name)

    @classmethod
    def tearDownClass(cls):
        cls.client.close()
        cls.channel.close()
        cls.covd.stop()

    # -- helpers ---------------------------------------------------------------

    def health(self, service):
        answer = self.channel.unary_unary(CHECK)(health_request(service), timeout=10)
        self.expected[(CHECK, "OK")] += 1
        return answer

    def rpc(self, method, fn, *args, **kw):
        """Calls a Client method, tallying the RPC `method` with its code."""
        try:
            result = fn(*args, **kw)
        except CovError as e:
            self.expected[(SVC + method, e.code)] += 1
            raise
        self.expected[(SVC + method, "OK")] += 1
        return result

    def scrape(self):
        status, body = http_get(self.mport, "/metrics")
        self.assertEqual(status, 200)
        return parse_metrics(body)

    def log_lines(self):
        with open(self.rpc_log, encoding="utf-8") as f:
            return [json.loads(line) for line in f if line.strip()]

    # -- the sequence ----------------------------------------------------------

    def test_1_empty_store_is_not_ready(self):
        self.assertEqual(http_get(self.mport, "/healthz"), (200, "ok\n"))
        self.assertEqual(http_get(self.mport, "/readyz"), (503, "not ready\n"))
        self.assertEqual(http_get(self.mport, "/nope")[0], 404)
        self.assertEqual(self.health(""), SERVING)
        self.assertEqual(self.health("cov.v1.CovService"), NOT_SERVING)
        m = self.scrape()
        self.assertEqual(m[("cov_ready", frozenset())], 0)
        self.assertEqual(m[("cov_releases", frozenset())], 0)
        with self.assertRaises(CovError) as e:
            self.rpc("GetTechnique", self.client.technique, "T1197")
        self.assertNotEqual(e.exception.code, "OK")

    def test_2_ingest_makes_it_ready(self):
        t0 = int(time.time())
        self.rpc("IngestAttack", self.client.ingest_attack,
                 os.path.join(corpus_dir(), "attack", "enterprise-attack-18.1.json"))
        # An OK write RPC triggers the readiness check at once; allow for the
        # thread to run.
        deadline = time.monotonic() + 5
        while self.health("cov.v1.CovService") != SERVING:
            self.assertLess(time.monotonic(), deadline, "never became SERVING")
            time.sleep(0.02)
        self.assertEqual(http_get(self.mport, "/readyz"), (200, "ready\n"))
        m = self.scrape()
        self.assertEqual(m[("cov_ready", frozenset())], 1)
        self.assertEqual(m[("cov_releases", frozenset())], 1)
        ingested = m[("cov_release_ingested_timestamp_seconds",
                      frozenset({("release", "enterprise-attack@18.1")}))]
        self.assertGreaterEqual(ingested, t0)
        self.assertLessEqual(ingested, time.time() + 1)

    def test_3_rpcs_are_counted_and_logged_exactly(self):
        self.assertEqual(self.rpc("GetTechnique", self.client.technique, "T1197").name,
                         "BITS Jobs")
        with self.assertRaises(CovError) as e:
            self.rpc("GetTechnique", self.client.technique, "T9999")
        self.assertEqual(e.exception.code, "NOT_FOUND")
        self.rpc("ListReleases", self.client.releases)
        yara = os.path.join(corpus_dir(), "yara", "attack-tagged")
        self.rpc("IngestRules", self.client.ingest_rules, "yara", yara, source="yara-tagged")
        sources = self.rpc("ListSources", self.client.sources).sources
        self.assertEqual([s.name for s in sources], ["yara-tagged"])
        with self.assertRaises(grpc.RpcError) as e:
            self.channel.unary_unary(SVC + "NoSuchMethod")(b"", timeout=10)
        self.assertEqual(e.exception.code(), grpc.StatusCode.UNIMPLEMENTED)
        self.expected[(SVC + "NoSuchMethod", "UNIMPLEMENTED")] += 1

        m = self.scrape()
        # Counters: exactly the tally, nothing else.
        counted = collections.Counter()
        for (name, labels), value in m.items():
            if name == "cov_rpc_requests_total":
                d = dict(labels)
                path = f"/{d['service']}/{d['method']}"
                counted[(path, d["code"])] = int(value)
        self.assertEqual(counted, self.expected)
        # Histograms: cumulative, +Inf == _count == the method's calls.
        per_method = collections.Counter()
        for (path, _), n in self.expected.items():
            per_method[path] += n
        for path, n in per_method.items():
            service, method = path[1:].split("/")
            base = {("service", service), ("method", method)}
            self.assertEqual(m[("cov_rpc_duration_seconds_count", frozenset(base))], n)
            buckets = sorted(
                (float("inf") if dict(l)["le"] == "+Inf" else float(dict(l)["le"]), v)
                for (name, l), v in m.items()
                if name == "cov_rpc_duration_seconds_bucket" and base <= l)
            self.assertEqual(len(buckets), 16)
            self.assertEqual(buckets[-1][1], n)
            counts = [v for _, v in buckets]
            self.assertEqual(counts, sorted(counts))
            self.assertGreaterEqual(m[("cov_rpc_duration_seconds_sum", frozenset(base))], 0)
        # Store gauges.
        rules = sources[0].rule_count
        self.assertGreater(rules, 0)
        self.assertEqual(m[("cov_source_rules", frozenset({("source", "yara-tagged")}))], rules)
        self.assertEqual(m[("cov_rules", frozenset())], rules)
        self.assertEqual(
            m[("cov_source_last_ingest_timestamp_seconds",
               frozenset({("source", "yara-tagged"), ("kind", "rules")}))],
            sources[0].ingested_at_unix)
        self.assertGreater(m[("cov_store_size_bytes", frozenset())], 0)
        self.assertGreater(m[("process_resident_memory_bytes", frozenset())], 1 << 20)
        self.assertLessEqual(m[("process_start_time_seconds", frozenset())], time.time())

        # The log: one JSON line per RPC, the same tally.
        lines = self.log_lines()
        self.assertEqual(collections.Counter((l["method"], l["code"]) for l in lines),
                         self.expected)
        for l in lines:
            self.assertEqual(l["role"], "anonymous")
            self.assertNotIn("caller", l)
            self.assertTrue(l["peer"].startswith("ipv4:127.0.0.1:"), l)
            self.assertRegex(l["ts"], r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$")
            self.assertGreaterEqual(l["ms"], 0)
            self.assertEqual("message" in l, l["code"] != "OK", l)
        not_found = [l for l in lines if l["code"] == "NOT_FOUND"]
        self.assertEqual(len(not_found), 1)
        self.assertEqual(not_found[0]["method"], SVC + "GetTechnique")
        self.assertIn("T9999", not_found[0]["message"])
        ingest = [l for l in lines if l["method"] == SVC + "IngestAttack"]
        self.assertEqual(len(ingest), 1)
        self.assertGreater(ingest[0]["ms"], 1.0)  # a 45 MB bundle takes a while


    def test_4_read_cache_is_counted(self):
        def cache():
            m = self.scrape()
            return {k: m[(f"cov_read_cache_{k}", frozenset())]
                    for k in ("hits_total", "misses_total", "writes_total", "entries")}
        before = cache()
        self.assertEqual(self.client.technique("T1078").name, "Valid Accounts")
        self.assertEqual(self.client.technique("T1078").name, "Valid Accounts")
        after = cache()
        self.assertEqual(after["misses_total"] - before["misses_total"], 1)
        self.assertEqual(after["hits_total"] - before["hits_total"], 1)
        self.assertEqual(after["writes_total"], before["writes_total"])
        self.assertGreaterEqual(after["entries"], 1)
        # A write drops every cached answer: the next ask computes again.
        yara = os.path.join(corpus_dir(), "yara", "attack-tagged")
        self.client.ingest_rules("yara", yara, source="yara-tagged")
        self.assertEqual(self.client.technique("T1078").name, "Valid Accounts")
        last = cache()
        self.assertEqual(last["writes_total"] - after["writes_total"], 1)
        self.assertEqual(last["misses_total"] - after["misses_total"], 1)
        self.assertEqual(last["hits_total"], after["hits_total"])
        self.assertEqual(last["entries"], 1)


class ObservabilityWithTokensTest(unittest.TestCase):
    """Roles and caller names in the log; tokens never."""

    READ_TOKEN = "obs-e2e-read-token-4f1c2a9b7d3e"
    ADMIN_TOKEN = "obs-e2e-admin-token-8a6b5c4d3e2f"

    def test_role_and_caller_are_logged_never_the_token(self):
        tmp = os.environ.get("TEST_TMPDIR", "/tmp")
        stamp = f"{os.getpid()}-{time.monotonic_ns()}"
        tokens = os.path.join(tmp, f"tokens-{stamp}")
        rpc_log = os.path.join(tmp, f"rpc-tokens-{stamp}.log")
        with open(tokens, "w") as f:
            for role, tok, name in (("read", self.READ_TOKEN, "dashboard"),
                                    ("admin", self.ADMIN_TOKEN, "ops")):
                f.write(f"{role} {hashlib.sha256(tok.encode()).hexdigest()} {name}\n")
        covd = Covd(extra_args=["--tokens", tokens, "--rpc_log", rpc_log]).start()
        try:
            reader = Client(covd.address, token=self.READ_TOKEN)
            admin = Client(covd.address, token=self.ADMIN_TOKEN)
            anonymous = Client(covd.address)
            reader.releases()
            with self.assertRaises(CovError) as e:
                reader.set_default("18.1")
            self.assertEqual(e.exception.code, "PERMISSION_DENIED")
            admin.releases()
            with self.assertRaises(CovError) as e:
                anonymous.releases()
            self.assertEqual(e.exception.code, "UNAUTHENTICATED")
            for c in (reader, admin, anonymous):
                c.close()
        finally:
            covd.stop()
        with open(rpc_log, encoding="utf-8") as f:
            text = f.read()
        lines = [json.loads(l) for l in text.splitlines()]
        got = [(l["method"].rsplit("/", 1)[1], l["code"], l["role"], l.get("caller"))
               for l in lines]
        self.assertEqual(got, [
            ("ListReleases", "OK", "read", "dashboard"),
            ("SetDefaultRelease", "PERMISSION_DENIED", "read", "dashboard"),
            ("ListReleases", "OK", "admin", "ops"),
            ("ListReleases", "UNAUTHENTICATED", "none", None),
        ])
        for tok in (self.READ_TOKEN, self.ADMIN_TOKEN):
            self.assertNotIn(tok, text)
            self.assertNotIn(tok, covd.log())


if __name__ == "__main__":
    junit.main()
