"""CI version of the load test: ~25 s of mixed queries from 6 concurrent
clients (2 processes x 3 threads) against a private covd while the writer
alternates the "load-sigma" source between states A and B and re-ingests the
ATT&CK bundle. Each property is its own test case in the JUnit XML."""

import json
import unittest

from tests.load import load
from tests.python import junit

DURATION = 25  # seconds of load; RSS is compared over the last 15 (after a 10 s warm-up)
MIN_REQUESTS = 500  # far below what 6 clients do in 25 s even on a busy box


class LoadTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.args = load.parse_args([
            "--duration", str(DURATION), "--procs", "2", "--threads", "3", "--small",
            "--ingest_pause", "0.2", "--attack_every", "3", "--baseline", "3",
            "--warmup", "10", "--min_requests", str(MIN_REQUESTS),
            # 25 s is still covd's warm-up (caches, allocator arenas of new gRPC
            # threads: +50-100 MB in the first minute of the 600 s run), so CI
            # allows 150 MB on top of 20% and catches gross leaks (> ~6 MB/s);
            # the 600 s run checks with 50 MB.
            "--rss_slack_mb", "150"])
        cls.res = load.run(cls.args)
        print(load.report(cls.res), flush=True)

    def test_no_failed_requests(self):
        self.assertEqual(self.res["errors"]["total"], 0,
                         json.dumps(self.res["errors"], indent=1))

    def test_no_failed_ingests(self):
        self.assertEqual(self.res["ingest"]["errors"], [])

    def test_readers_see_whole_states(self):
        self.assertEqual(self.res["violations"]["total"], 0,
                         json.dumps(self.res["violations"], indent=1))
        self.assertGreater(self.res["setup"]["differing_probes"], 0)

    def test_reads_after_an_ack_see_that_state(self):
        f = self.res["freshness"]
        self.assertEqual(f["stale"], 0, json.dumps(f, indent=1))
        self.assertGreater(f["checked"], 0, json.dumps(f, indent=1))

    def test_both_states_ingested_and_seen(self):
        ing = self.res["ingest"]
        self.assertGreaterEqual(ing["A"]["count"], 1)
        self.assertGreaterEqual(ing["B"]["count"], 1)
        self.assertGreaterEqual(ing["attack"]["count"], 1)
        self.assertGreater(self.res["states_seen"].get("A", 0), 0)
        self.assertGreater(self.res["states_seen"].get("B", 0), 0)

    def test_enough_requests_of_every_rpc(self):
        lat = self.res["latency"]
        self.assertGreaterEqual(lat["all"]["requests"], MIN_REQUESTS)
        for rpc in load.WEIGHTS:
            self.assertIn(rpc, lat)
            self.assertGreater(lat[rpc]["requests"], 0, rpc)

    def test_memory_flat(self):
        rss = self.res["rss"]
        self.assertTrue(rss.get("checked"), rss)
        self.assertTrue(rss["flat"], rss)

    def test_covd_stopped_cleanly(self):
        self.assertNotIn("covd_exited", self.res)
        self.assertEqual(self.res.get("covd_stop_rc"), 0)

    def test_verdict_pass(self):
        self.assertTrue(self.res["pass"], self.res["fail_reasons"])


class LoadHelpersTest(unittest.TestCase):
    def test_refuses_non_loopback_targets(self):
        for ok in ("127.0.0.1:8470", "127.1.2.3:1", "localhost:8470", "[::1]:8470",
                   "ipv4:127.0.0.1:8470"):
            load.check_loopback(ok)
        for bad in ("10.0.0.1:8470", "cov.internal:8470", "0.0.0.0:8470", "[::]:8470",
                    "192.168.1.5:8470", "localhost.example.com:1"):
            with self.assertRaises(ValueError, msg=bad):
                load.check_loopback(bad)
        self.assertEqual(load.main(["--address", "10.1.2.3:8470"]), 2)

    def test_rss_verdict_flags_growth_not_spikes(self):
        flat = [(t, 400.0 + (180.0 if t % 10 == 0 else 0.0)) for t in range(100)]
        v = load.rss_verdict(flat, 10, 100)
        self.assertTrue(v["flat"], v)
        self.assertEqual(v["peak_mb"], 580.0)
        leak = [(t, 400.0 + 4.0 * t) for t in range(100)]  # 4 MB/s: +360 MB
        self.assertFalse(load.rss_verdict(leak, 10, 100)["flat"])

    def test_freshness_flags_older_state_after_ack(self):
        inf = float("inf")
        timeline = [(-inf, -inf, "A"), (10.0, 11.0, "B"), (20.0, 21.0, "A")]
        reads = [
            (5.0, 5.1, "A"),     # before B: A, checked
            (10.5, 10.6, "A"),   # B in flight: overlapping
            (9.9, 10.2, "B"),    # started before B's start, ended after: overlapping
            (11.5, 11.6, "B"),   # after B's ack: B, checked
            (12.0, 12.1, "A"),   # after B's ack but A: stale
            (21.5, 21.6, "A"),   # after the last ack: checked
        ]
        f = load.freshness(reads, timeline)
        self.assertEqual((f["checked"], f["overlapping"], f["stale"]), (4, 2, 1))
        self.assertEqual(f["first"][0]["saw"], "A")
        self.assertEqual(f["first"][0]["acked"], "B")
        self.assertEqual(f["first"][0]["after_ack_ms"], 1000.0)

    def test_histogram_percentiles(self):
        h = load.Hist()
        for i in range(1, 1001):
            h.add(i / 1000.0)  # 1..1000 ms
        self.assertAlmostEqual(h.pct(50), 500, delta=10)
        self.assertAlmostEqual(h.pct(99), 990, delta=20)
        self.assertEqual(h.max, 1.0)


if __name__ == "__main__":
    junit.main()
