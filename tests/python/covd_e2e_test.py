"""End-to-end: a real covd on loopback, driven by the Python client and the
`cov` CLI, with the real ATT&CK bundles from ../shared/corpus.

Expected values were computed independently with plain json over the bundle
(see ingest/attack/stix_corpus_test.cc for the commands).
"""

import json
import os
import signal
import subprocess
import unittest

import grpc

from covclient import Client, CovError
from tests.python import junit
from tests.python.covd_fixture import Covd, corpus_dir, runfile


def cov_cli(address, *args):
    p = subprocess.run([runfile("clients/cov"), "--server", address, *args],
                       capture_output=True, text=True, timeout=120)
    return p.returncode, p.stdout, p.stderr


class CovdEndToEndTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.attack = os.path.join(corpus_dir(), "attack")
        cls.covd = Covd().start()
        cls.client = Client(cls.covd.address)
        cls.client.wait_ready()
        cls.ingest = cls.client.ingest_attack(
            os.path.join(cls.attack, "enterprise-attack-18.1.json"))

    @classmethod
    def tearDownClass(cls):
        cls.client.close()
        cls.covd.stop()

    def test_ingest_reports_release_and_counts(self):
        rel = self.ingest.release
        self.assertEqual((rel.domain, rel.version), ("enterprise-attack", "18.1"))
        self.assertEqual(rel.counts.techniques, 216)
        self.assertEqual(rel.counts.subtechniques, 475)
        self.assertEqual(rel.counts.tactics, 14)
        self.assertTrue(rel.is_default)
        self.assertEqual(rel.version_source, "file-name")
        self.assertIn("ingest attack enterprise-attack-18.1.json", self.covd.log())

    def test_technique_json_fields_from_python(self):
        d = Client.to_dict(self.client.technique("t1197"))
        self.assertEqual(d["id"], "T1197")
        self.assertEqual(d["name"], "BITS Jobs")
        self.assertEqual(sorted(d["tactics"]), ["defense-evasion", "persistence"])
        self.assertEqual(d["platforms"], ["Windows"])
        self.assertEqual(d["parent"], "")
        self.assertEqual(d["subtechniques"], [])
        self.assertEqual(d["dataComponents"], [
            "Command Execution", "Network Connection Creation",
            "Process Creation", "Service Creation"])
        self.assertEqual(d["revokedBy"], "")
        self.assertFalse(d["deprecated"])
        groups = sorted(p["id"] for p in d["procedures"] if p["kind"] == "group")
        self.assertEqual(groups, ["G0040", "G0065", "G0087", "G0096", "G0102"])
        self.assertTrue(all(p["description"] for p in d["procedures"]))
        self.assertEqual(len(d["mitigations"]), 3)

    def test_revoked_id_answers_with_replacement(self):
        t = self.client.technique("T1086")
        self.assertTrue(t.revoked)
        self.assertEqual(t.revoked_by, "T1059.001")

    def test_unknown_technique_is_not_found(self):
        with self.assertRaises(CovError) as e:
            self.client.technique("T9999")
        self.assertEqual(e.exception.code, "NOT_FOUND")
        self.assertIn("T9999", e.exception.message)

    def test_subtechnique_parent_and_children(self):
        ps = self.client.technique("T1059.001")
        self.assertEqual(ps.parent, "T1059")
        self.assertTrue(ps.is_subtechnique)
        parent = self.client.technique("T1059")
        self.assertIn("T1059.001", list(parent.subtechniques))

    def test_search_and_actor(self):
        r = self.client.search("bits jobs", kinds=["technique"])
        self.assertEqual(r.hits[0].id, "T1197")
        g = self.client.actor("Fancy Bear")
        self.assertEqual(g.id, "G0007")
        self.assertEqual(g.name, "APT28")
        self.assertGreater(len(g.techniques), 50)

    def test_unbuilt_features_say_unimplemented(self):
        # Stored profiles are part of the API but not built yet: they must
        # answer UNIMPLEMENTED, never fake data.
        from cov.v1 import coverage_pb2
        stub = self.client._stub  # pylint: disable=protected-access
        with self.assertRaises(grpc.RpcError) as e:
            stub.GetCoverage(coverage_pb2.CoverageRequest(
                options=coverage_pb2.CoverageOptions(profile_name="stored")), timeout=10)
        self.assertEqual(e.exception.code(), grpc.StatusCode.UNIMPLEMENTED)

    def test_health_and_reflection(self):
        ch = grpc.insecure_channel(self.covd.address)
        # grpc.health.v1.Health/Check with an empty request: SERVING is 08 01.
        check = ch.unary_unary("/grpc.health.v1.Health/Check")
        self.assertEqual(check(b"", timeout=10), b"\x08\x01")
        # ServerReflectionInfo list_services (field 7, empty string).
        refl = ch.stream_stream(
            "/grpc.reflection.v1alpha.ServerReflection/ServerReflectionInfo")
        answers = list(refl(iter([b"\x3a\x00"]), timeout=10))
        self.assertIn(b"cov.v1.CovService", answers[0])
        ch.close()

    def test_cli_json_and_table(self):
        rc, out, err = cov_cli(self.covd.address, "--format", "json", "technique", "T1197")
        self.assertEqual(rc, 0, err)
        d = json.loads(out)
        for key in ("id", "name", "tactics", "platforms", "parent", "subtechniques",
                    "dataComponents", "revokedBy", "deprecated", "procedures",
                    "mitigations"):
            self.assertIn(key, d)
        rc, out, _ = cov_cli(self.covd.address, "technique", "T1086")
        self.assertEqual(rc, 0)
        self.assertIn("Revoked by:   T1059.001", out)
        rc, _, err = cov_cli(self.covd.address, "technique", "T9999")
        self.assertEqual(rc, 1)
        self.assertIn("T9999 is not in ATT&CK enterprise-attack@18.1", err)
        rc, _, err = cov_cli(self.covd.address, "--no_such_flag", "stats")
        self.assertEqual(rc, 2)
        rc, _, _ = cov_cli(self.covd.address, "frobnicate")
        self.assertEqual(rc, 2)
        rc, out, _ = cov_cli(self.covd.address, "technique", "--help")
        self.assertEqual(rc, 0)
        self.assertIn("revoked ID", out)
        rc, out, _ = cov_cli(self.covd.address, "stats")
        self.assertEqual(rc, 0)
        self.assertIn("enterprise-attack  18.1", out)

    def test_python_module_cli(self):
        from covclient import __main__ as climain
        import io
        import contextlib
        buf = io.StringIO()
        with contextlib.redirect_stdout(buf):
            rc = climain.main(["--server", self.covd.address, "technique", "T1197"])
        self.assertEqual(rc, 0)
        self.assertEqual(json.loads(buf.getvalue())["name"], "BITS Jobs")


class CovdLifecycleTest(unittest.TestCase):
    """Releases side by side, bad input, and answers across a restart."""

    def test_versions_bad_input_and_restart(self):
        covd = Covd().start()
        try:
            c = Client(covd.address)
            c.ingest_attack(os.path.join(corpus_dir(), "attack", "enterprise-attack-17.1.json"))
            c.ingest_attack(os.path.join(corpus_dir(), "attack", "enterprise-attack-18.1.json"),
                            make_default=True)
            t17 = c.technique("T1197", attack_version="17.1")
            self.assertIn("Service Metadata", list(t17.data_components))
            before = Client.to_dict(c.technique("T1197"))
            self.assertEqual(before["release"]["version"], "18.1")

            # A truncated bundle is refused and changes nothing.
            bad = os.path.join(covd.db + "-bad", "enterprise-attack-18.1.json")
            os.makedirs(os.path.dirname(bad))
            with open(os.path.join(corpus_dir(), "attack", "enterprise-attack-18.1.json"),
                      "rb") as f:
                data = f.read()
            with open(bad, "wb") as f:
                f.write(data[: len(data) // 2])
            with self.assertRaises(CovError) as e:
                c.ingest_attack(bad)
            self.assertEqual(e.exception.code, "INVALID_ARGUMENT")
            self.assertIn("enterprise-attack-18.1.json: invalid JSON", e.exception.message)
            # No version anywhere: the message says how to give one.
            nover = os.path.join(covd.db + "-bad", "bundle.json")
            with open(nover, "wb") as f:
                f.write(data)
            with self.assertRaises(CovError) as e:
                c.ingest_attack(nover)
            self.assertIn("--version", e.exception.message)
            self.assertEqual(len(c.releases().releases), 2)
            c.close()
            self.assertEqual(covd.stop(signal.SIGTERM), 0)
            self.assertIn("covd: stopped", covd.log())

            covd.start()  # same store
            c = Client(covd.address)
            after = Client.to_dict(c.technique("T1197"))
            self.assertEqual(before, after)
            rels = {(r.version, r.is_default) for r in c.releases().releases}
            self.assertEqual(rels, {("17.1", False), ("18.1", True)})
            c.set_default("17.1")
            self.assertEqual(c.technique("T1197").release.version, "17.1")
            c.close()
        finally:
            covd.stop()


if __name__ == "__main__":
    junit.main()
