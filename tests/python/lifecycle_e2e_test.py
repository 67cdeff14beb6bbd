"""End-to-end lifecycle on a real covd: `cov releases rm` (admin),
`cov experiment rm` (write) and ListRules pages across a re-ingest, from the
CLI and the Python client, with metrics, backups and a restart.
"""

import os
import signal
import subprocess
import tempfile
import time
import unittest

from covclient import Client, CovError
from tests.python import junit
from tests.python.covd_fixture import Covd, corpus_dir, runfile
from tests.python.observability_e2e_test import http_get, parse_metrics

RULE = ("title: BITS {n}\nid: {uid}\nstatus: test\ntags:\n  - attack.t1197\n"
        "logsource:\n  product: windows\n  category: process_creation\n"
        "detection:\n  sel:\n    Image|endswith: '\\\\bitsadmin.exe'\n"
        "  condition: sel\nlevel: high\n")


def uid(n):
    return f"00000000-0000-4000-8000-{n:012d}"


def write_rules(folder, numbers):
    os.makedirs(folder, exist_ok=True)
    for name in os.listdir(folder):
        os.remove(os.path.join(folder, name))
    for n in numbers:
        with open(os.path.join(folder, f"r{n:03d}.yml"), "w") as f:
            f.write(RULE.format(n=n, uid=uid(n)))


class LifecycleEndToEndTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.mkdtemp(prefix="lifecycle-", dir=os.environ.get("TEST_TMPDIR"))
        port_file = os.path.join(cls.tmp, "metrics.port")
        cls.covd = Covd(extra_args=["--metrics_listen", "127.0.0.1:0",
                                    "--metrics_port_file", port_file]).start()
        with open(port_file) as f:
            cls.mport = int(f.read().strip())
        cls.c = Client(cls.covd.address)
        cls.c.wait_ready()
        attack = os.path.join(corpus_dir(), "attack")
        cls.c.ingest_attack(os.path.join(attack, "enterprise-attack-17.1.json"))
        cls.c.ingest_attack(os.path.join(attack, "enterprise-attack-18.1.json"),
                            make_default=True)
        cls.c.ingest_attack(os.path.join(attack, "ics-attack-18.1.json"))
        cls.rules = os.path.join(cls.tmp, "rules")
        write_rules(cls.rules, [1])
        cls.c.ingest_rules("sigma", cls.rules, source="bits")

    @classmethod
    def tearDownClass(cls):
        cls.c.close()
        cls.covd.stop()

    def cov(self, *args):
        p = subprocess.run([runfile("clients/cov"), "--server", self.covd.address, *args],
                           capture_output=True, text=True, timeout=120)
        return p.returncode, p.stdout, p.stderr

    def releases(self):
        return [f"{r.domain}@{r.version}{'*' if r.is_default else ''}"
                for r in self.c.releases().releases]

    def metrics(self):
        status, body = http_get(self.mport, "/metrics")
        self.assertEqual(status, 200)
        return parse_metrics(body)

    def test_1_releases_rm(self):
        self.assertEqual(self.releases(), ["enterprise-attack@17.1",
                                           "enterprise-attack@18.1*", "ics-attack@18.1"])
        self.assertEqual(self.metrics()[("cov_releases", frozenset())], 3)
        self.assertEqual(self.c.coverage(attack_version="18.1").covered, 1)

        # The default is refused without a replacement; nothing changes.
        rc, out, err = self.cov("releases", "rm", "enterprise-attack@18.1")
        self.assertEqual(rc, 1, out + err)
        self.assertEqual(
            err, "cov: enterprise-attack@18.1 is the default release of the store; "
                 "name the release that replaces it with --new_default (stored: "
                 "enterprise-attack@17.1, ics-attack@18.1), or make another release "
                 "the default first (cov default)\n")
        # A replacement from another domain cannot be enterprise's default.
        rc, out, err = self.cov("releases", "rm", "enterprise-attack@18.1",
                                "--new_default", "ics-attack@18.1")
        self.assertEqual(rc, 1)
        self.assertIn("--new_default must be one of them (stored: "
                      "enterprise-attack@17.1), not ics-attack@18.1", err)
        self.assertEqual(len(self.releases()), 3)

        rc, out, err = self.cov("releases", "rm", "enterprise-attack@18.1",
                                "--new_default", "17.1")
        self.assertEqual(rc, 0, err)
        self.assertEqual(out, "removed release enterprise-attack@18.1\n"
                              "default now enterprise-attack@17.1\n")
        self.assertEqual(self.releases(), ["enterprise-attack@17.1*", "ics-attack@18.1"])
        rc, out, _ = self.cov("releases")
        self.assertEqual(rc, 0)
        self.assertNotIn("18.1 ", out.splitlines()[0])
        self.assertTrue(out.startswith("* enterprise-attack  17.1"), out)

        # Coverage: the default is 17.1 now; 18.1 is gone, not served from a cache.
        cov = self.c.coverage()
        self.assertEqual((cov.release.domain, cov.release.version),
                         ("enterprise-attack", "17.1"))
        self.assertEqual(cov.covered, 1)
        with self.assertRaises(CovError) as e:
            self.c.coverage(attack_version="18.1", domain="enterprise-attack")
        self.assertEqual(e.exception.code, "NOT_FOUND")
        self.assertIn("stored: enterprise-attack@17.1, ics-attack@18.1",
                      e.exception.message)

        # Metrics.
        m = self.metrics()
        self.assertEqual(m[("cov_releases", frozenset())], 2)
        ingested = {dict(labels)["release"] for (name, labels) in m
                    if name == "cov_release_ingested_timestamp_seconds"}
        self.assertEqual(ingested, {"enterprise-attack@17.1", "ics-attack@18.1"})

        # Python client: a domain's last release goes with its domain.
        r = self.c.delete_release("ics-attack@18.1")
        self.assertEqual((r.release.domain, r.release.version), ("ics-attack", "18.1"))
        self.assertFalse(r.HasField("new_default"))
        self.assertEqual([f"{x.domain}@{x.version}" for x in r.remaining],
                         ["enterprise-attack@17.1"])
        with self.assertRaises(CovError) as e:
            self.c.delete_release("9.9")
        self.assertEqual(e.exception.code, "NOT_FOUND")
        self.assertEqual(e.exception.message,
                         "no ATT&CK release 9.9 in the store; stored: "
                         "enterprise-attack@17.1")
        # The last release cannot go: it is the default and nothing replaces it.
        with self.assertRaises(CovError) as e:
            self.c.delete_release("enterprise-attack@17.1")
        self.assertEqual(e.exception.code, "FAILED_PRECONDITION")
        self.assertIn("none stored: ingest another release first", e.exception.message)

        # Backups hold the store as it is now.
        backups = os.path.join(self.tmp, "backups")
        rc, out, err = self.cov("admin", "backup", "--to", backups)
        self.assertEqual(rc, 0, err)
        self.assertIn("backup 1 of releases=1 sources=1 rules=1 library=0", out)

        # The removal is durable.
        self.c.close()
        self.assertEqual(self.covd.stop(signal.SIGTERM), 0)
        self.covd.start()
        type(self).c = Client(self.covd.address)
        self.c.wait_ready()
        self.assertEqual(self.releases(), ["enterprise-attack@17.1*"])
        self.assertIn("release enterprise-attack@18.1 removed; default now "
                      "enterprise-attack@17.1", self.covd.log())

    def test_2_experiment_rm(self):
        exp = self.c.start_experiment("bits", techniques=["T1197"])
        self.c.record(exp.id, "T1197", "detected", rules=[uid(1)])
        self.assertEqual(self.c.coverage(evidence="validated").covered, 1)
        rc, out, err = self.cov("experiment", "rm", exp.id)
        self.assertEqual(rc, 0, err)
        self.assertEqual(out, f"removed experiment {exp.id} (bits, 1 results)\n")
        self.assertNotIn(exp.id, [e.id for e in self.c.experiments().experiments])
        # Its result no longer validates anything.
        self.assertEqual(self.c.coverage(evidence="validated").covered, 0)
        self.assertEqual(self.c.coverage().covered, 1)
        rc, _, err = self.cov("experiment", "show", exp.id)
        self.assertEqual(rc, 1)
        self.assertIn(f"no experiment '{exp.id}'", err)
        with self.assertRaises(CovError) as e:
            self.c.delete_experiment(exp.id)
        self.assertEqual(e.exception.code, "NOT_FOUND")
        self.assertEqual(e.exception.message, f"no experiment '{exp.id}'")
        other = self.c.start_experiment("other", techniques=["T1197"])
        r = self.c.delete_experiment(other.id)
        self.assertEqual((r.experiment.id, r.experiment.name, r.result_count),
                         (other.id, "other", 0))

    def test_3_rule_pages_across_a_reingest(self):
        write_rules(self.rules, range(1, 11))
        self.c.ingest_rules("sigma", self.rules, source="bits")
        first = self.c.rules(source="bits", page_size=4)
        seen = [r.uid for r in first.rules]
        self.assertEqual(seen, [uid(n) for n in (1, 2, 3, 4)])
        # A re-ingest between pages: rules 0 and 11 appear, 5 goes.
        write_rules(self.rules, [0] + [n for n in range(1, 12) if n != 5])
        self.c.ingest_rules("sigma", self.rules, source="bits")
        token = first.next_page_token
        while token:
            page = self.c.rules(source="bits", page_size=4, page_token=token)
            seen += [r.uid for r in page.rules]
            token = page.next_page_token
        # 1..4 once, then 6..11: nothing repeated, nothing that stayed skipped.
        self.assertEqual(seen, [uid(n) for n in (1, 2, 3, 4, 6, 7, 8, 9, 10, 11)])
        with self.assertRaises(CovError) as e:
            self.c.rules(source="bits", page_token="4")
        self.assertEqual((e.exception.code, e.exception.message),
                         ("INVALID_ARGUMENT", "invalid page_token"))

    def test_4_python_module_cli(self):
        import contextlib
        import io
        import json
        from covclient import __main__ as climain
        for cmd, text in (("releases-rm", "--new-default"),
                          ("experiment-rm", "experiment ID")):
            buf = io.StringIO()
            with contextlib.redirect_stdout(buf), self.assertRaises(SystemExit) as e:
                climain.main([cmd, "--help"])
            self.assertEqual(e.exception.code, 0)
            self.assertIn(text, buf.getvalue())
        exp = self.c.start_experiment("py", techniques=["T1197"])
        buf = io.StringIO()
        with contextlib.redirect_stdout(buf):
            rc = climain.main(["--server", self.covd.address, "experiment-rm", exp.id])
        self.assertEqual(rc, 0)
        self.assertEqual(json.loads(buf.getvalue())["experiment"]["id"], exp.id)


class LifecycleRolesTest(unittest.TestCase):
    """DeleteRelease needs admin, DeleteExperiment write; replicas refuse both."""

    def test_roles(self):
        tmp = tempfile.mkdtemp(prefix="lifecycle-roles-", dir=os.environ.get("TEST_TMPDIR"))
        tokens = {"write": "w" * 40, "admin": "a" * 40}
        tokens_file = os.path.join(tmp, "tokens")
        with open(tokens_file, "w") as f:
            for role, tok in tokens.items():
                h = subprocess.run([runfile("server/covd"), "--hash_token"],
                                   input=tok + "\n", capture_output=True, text=True,
                                   timeout=30).stdout.strip()
                f.write(f"{role} {h} {role}-bot\n")
        files = {}
        for role, tok in tokens.items():
            files[role] = os.path.join(tmp, role)
            with open(files[role], "w") as f:
                f.write(tok + "\n")
        covd = Covd(extra_args=["--tokens", tokens_file]).start()
        try:
            writer = Client(covd.address, token_file=files["write"])
            admin = Client(covd.address, token_file=files["admin"])
            admin.wait_ready()
            attack = os.path.join(corpus_dir(), "attack")
            writer.ingest_attack(os.path.join(attack, "ics-attack-18.1.json"))
            writer.ingest_attack(os.path.join(attack, "mobile-attack-18.1.json"))
            with self.assertRaises(CovError) as e:
                writer.delete_release("mobile-attack@18.1")
            self.assertEqual(e.exception.code, "PERMISSION_DENIED")
            self.assertEqual(len(admin.releases().releases), 2)
            r = admin.delete_release("mobile-attack@18.1")
            self.assertEqual(r.release.domain, "mobile-attack")
            exp = writer.start_experiment("x", techniques=["T0800"])
            self.assertEqual(writer.delete_experiment(exp.id).experiment.id, exp.id)
            writer.close()
            admin.close()
        finally:
            covd.stop()


if __name__ == "__main__":
    junit.main()
