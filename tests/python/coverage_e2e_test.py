"""Coverage and gaps end to end on the real corpora, checked against answers
computed independently (tests/python/attack_oracle.py: plain json + regex)."""

import csv
import io
import json
import os
import subprocess
import unittest

from covclient import Client, CovError
from tests.python import junit
from tests.python.attack_oracle import (NETWORK, Bundle, sigma_rules_per_technique,
                                        suricata_enabled_techniques)
from tests.python.covd_fixture import Covd, corpus_dir, runfile

NETWORK_PROFILE = """
name: net-et
telemetry:
  data_components: [Network Traffic Content, Network Traffic Flow, Network Connection Creation]
rules:
  sources: [et-open]
"""


class CoverageEndToEndTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        corpus = corpus_dir()
        cls.b18 = Bundle(os.path.join(corpus, "attack", "enterprise-attack-18.1.json"))
        cls.b17 = Bundle(os.path.join(corpus, "attack", "enterprise-attack-17.1.json"))
        cls.covd = Covd().start()
        cls.c = Client(cls.covd.address)
        cls.c.wait_ready()
        cls.c.ingest_attack(os.path.join(corpus, "attack", "enterprise-attack-18.1.json"))
        cls.c.ingest_attack(os.path.join(corpus, "attack", "enterprise-attack-17.1.json"))
        cls.et_dir = os.path.join(corpus, "suricata", "et-open-2024-04-21", "rules")
        cls.sigma_dir = os.path.join(corpus, "sigma", "sigmahq-r2026-04-01")
        cls.c.ingest_rules("suricata", cls.et_dir, "et-open")
        cls.c.ingest_rules("sigma", cls.sigma_dir, "sigmahq")

    @classmethod
    def tearDownClass(cls):
        cls.c.close()
        cls.covd.stop()

    def potential_ids(self, resp):
        return {t.technique_id for t in resp.techniques if t.potential}

    def test_network_potential_18_1(self):
        r = self.c.coverage(NETWORK_PROFILE)
        expected = self.b18.potential(NETWORK)
        self.assertEqual(self.potential_ids(r), expected)
        self.assertEqual(r.potential, len(expected))
        self.assertEqual(r.release.version, "18.1")

    def test_network_potential_17_1(self):
        r = self.c.coverage(NETWORK_PROFILE, attack_version="17.1")
        expected = self.b17.potential(NETWORK)
        self.assertEqual(r.release.version, "17.1")
        self.assertEqual(self.potential_ids(r), expected)
        # The two data models give different reach.
        self.assertNotEqual(expected, self.b18.potential(NETWORK))

    def test_et_open_per_tactic_under_network_profile(self):
        r = self.c.coverage(NETWORK_PROFILE)
        potential = self.b18.potential(NETWORK)
        covered = {self.b18.resolve(t) for t in suricata_enabled_techniques(self.et_dir)}
        covered = (covered - {None}) & potential
        for tac in r.tactics:
            in_tactic = {t for t in potential if tac.tactic in self.b18.tactics_of(t)}
            self.assertEqual(tac.potential, len(in_tactic), tac.tactic)
            self.assertEqual(tac.covered, len(in_tactic & covered), tac.tactic)
            if tac.potential:
                self.assertAlmostEqual(tac.ratio, tac.covered / tac.potential)
        self.assertEqual(r.covered, len(covered))
        self.assertEqual(r.counting_rules, 24827)  # enabled ET rules

    def test_sigma_rules_per_technique(self):
        expected = sigma_rules_per_technique(self.sigma_dir, self.b18)
        profile = "name: sigma\nrules:\n  sources: [sigmahq]\n"
        r = self.c.coverage(profile, by="technique")
        got = {t.technique_id: t.rule_count for t in r.techniques if t.rule_count}
        self.assertEqual(got, expected)
        self.assertEqual(got["T1197"], 16)

    def test_summary_has_the_same_totals_without_techniques(self):
        full = self.c.coverage(NETWORK_PROFILE)
        summary = self.c.coverage(NETWORK_PROFILE, summary=True)
        self.assertEqual(len(summary.techniques), 0)
        self.assertEqual(list(summary.tactics), list(full.tactics))
        self.assertEqual((summary.potential, summary.covered), (full.potential, full.covered))
        # Served twice (cache): identical.
        self.assertEqual(self.c.coverage(NETWORK_PROFILE, summary=True), summary)
        self.assertLess(summary.ByteSize(), 2000)

    def test_rollup_never_lowers_coverage(self):
        plain = self.c.coverage()
        rolled = self.c.coverage(rollup=True)
        self.assertGreaterEqual(rolled.covered, plain.covered)
        by_rollup = [t for t in rolled.techniques if t.covered_by_rollup]
        self.assertTrue(by_rollup)
        for t in by_rollup:
            self.assertEqual(t.rule_count, 0)
            self.assertEqual(t.parent, "")

    def test_gaps_rank_by_users_and_by_group(self):
        g = self.c.gaps(NETWORK_PROFILE, top=5)
        self.assertEqual(len(g.gaps), 5)
        scores = [x.score for x in g.gaps]
        self.assertEqual(scores, sorted(scores, reverse=True))
        cov = self.c.coverage(NETWORK_PROFILE)
        self.assertEqual(g.total, cov.potential - cov.covered)
        for gap in g.gaps:
            users = {p["id"] for p in Client.to_dict(self.c.technique(gap.technique_id))
                     ["procedures"]}
            self.assertEqual(gap.score, len(users))
        apt28 = self.c.gaps(NETWORK_PROFILE, groups=["APT28"])
        self.assertTrue(apt28.gaps)
        self.assertTrue(all(x.score == 1 for x in apt28.gaps))
        with self.assertRaises(CovError) as e:
            self.c.gaps(groups=["No Such Group"])
        self.assertEqual(e.exception.code, "NOT_FOUND")

    def test_navigator_layer_and_report(self):
        layer = json.loads(self.c.layer("coverage", profile=NETWORK_PROFILE))
        for key in ("name", "versions", "domain", "techniques", "gradient", "legendItems"):
            self.assertIn(key, layer)
        self.assertEqual(layer["versions"]["layer"], "4.5")
        self.assertEqual(layer["versions"]["attack"], "18")
        self.assertEqual(layer["domain"], "enterprise-attack")
        cov = self.c.coverage(NETWORK_PROFILE)
        # One entry per technique x tactic in reach.
        expected = sum(len(t.tactics) for t in cov.techniques if t.potential)
        self.assertEqual(len(layer["techniques"]), expected)
        scored = {e["techniqueID"]: e["score"] for e in layer["techniques"] if "score" in e}
        for t in cov.techniques:
            if t.potential and t.rule_count:
                self.assertEqual(scored[t.technique_id], t.rule_count)
        self.assertEqual(layer["gradient"]["maxValue"],
                         max(t.rule_count for t in cov.techniques if t.potential))
        csv_text = self.c.layer("gaps", "csv", NETWORK_PROFILE).decode()
        rows = list(csv.reader(io.StringIO(csv_text)))
        self.assertEqual(rows[0][:4], ["rank", "technique_id", "name", "score"])
        gaps = self.c.gaps(NETWORK_PROFILE)
        self.assertEqual(len(rows) - 1, gaps.total)  # one row per gap
        self.assertEqual(rows[1][1], gaps.gaps[0].technique_id)
        html = self.c.report(NETWORK_PROFILE).decode()
        self.assertIn("<html", html)
        self.assertEqual(html.count('class="cell"'),
                         sum(len(t.tactics) for t in self.c.coverage().techniques))
        with self.assertRaises(CovError):
            self.c.layer("gaps", "html")
        # The Excel workbook of the gaps: one row per gap under its header,
        # in the CSV's order (read back with openpyxl).
        import openpyxl  # Debian python3-openpyxl (deploy/setup-debian.sh)
        book = openpyxl.load_workbook(io.BytesIO(self.c.layer("gaps", "xlsx", NETWORK_PROFILE)))
        self.assertEqual(book.sheetnames, ["Matrix", "Gaps"])
        sheet = book["Gaps"]
        ids = [row[1] for row in sheet.iter_rows(min_row=2, values_only=True)]
        self.assertEqual(ids, [r[1] for r in rows[1:]])

    def test_layer_min_score(self):
        """Navigator layer entries count at or above --min_score; the count is
        the plain JSON's entries with score_num/score >= the threshold."""
        import glob as _glob
        root = os.path.join(corpus_dir(), "layers", "ctid-security-stack-mappings-v1.1.0")
        scores = []
        for f in _glob.glob(os.path.join(root, "**", "*.json"), recursive=True):
            with open(f) as fh:
                layer = json.load(fh)
            for t in layer.get("techniques", []):
                s = t.get("score_num", t.get("score"))
                if isinstance(s, (int, float)) and t.get("enabled", True):
                    scores.append(s)
        for threshold in (0, 50, 100):
            self.c.ingest_rules("layer", root, "ctid-stack", min_score=threshold)
            rules = list(self.c.iter_rules(source="ctid-stack"))
            enabled = sum(1 for r in rules if r.enabled)
            want = sum(1 for s in scores if (s >= threshold if threshold else s > 0))
            self.assertEqual((len(rules), enabled), (len(scores), want), threshold)

    def test_infer_profile(self):
        r = self.c.infer_profile(["et-open"])
        self.assertEqual(sorted(r.profile.data_components), sorted(NETWORK))
        self.assertEqual(list(r.profile.sources), ["et-open"])
        self.assertEqual(r.mapped_rules, 34850)
        self.assertIn("Network Traffic Flow", r.yaml)
        with self.assertRaises(CovError) as e:
            self.c.infer_profile(["missing"])
        self.assertEqual(e.exception.code, "NOT_FOUND")

    def test_bad_profile_names_file_and_line(self):
        with self.assertRaises(CovError) as e:
            self.c.coverage("name: x\ntelemetry:\n  data_components: [Netflow]\n")
        self.assertEqual(e.exception.code, "INVALID_ARGUMENT")
        self.assertIn("Netflow", e.exception.message)
        with self.assertRaises(CovError) as e:
            self.c.coverage("name: x\ntelemtry: {}\n")
        self.assertIn(":2", e.exception.message)

    def test_cli_gaps_with_no_arguments_and_json_fields(self):
        cli = runfile("clients/cov")
        p = subprocess.run([cli, "--server", self.covd.address, "gaps"],
                           capture_output=True, text=True, timeout=60)
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertIn("1. T", p.stdout)
        p = subprocess.run([cli, "--server", self.covd.address, "--format", "json",
                            "coverage", "--profile",
                            os.path.join(os.path.dirname(runfile("README.md")),
                                         "deploy", "profiles", "network-sensors.yaml")],
                           capture_output=True, text=True, timeout=60)
        self.assertEqual(p.returncode, 0, p.stderr)
        d = json.loads(p.stdout)
        for tac in d["tactics"]:
            self.assertEqual(set(tac) >= {"tactic", "potential", "covered", "ratio"}, True)
        self.assertIn("techniqueId", d["techniques"][0])
        self.assertIn("ruleCount", d["techniques"][0])
        p = subprocess.run([cli, "--server", self.covd.address, "--format", "json",
                            "gaps", "--top", "3"], capture_output=True, text=True, timeout=60)
        d = json.loads(p.stdout)
        self.assertEqual(len(d["gaps"]), 3)
        self.assertIn("techniqueId", d["gaps"][0])
        self.assertIn("score", d["gaps"][0])


if __name__ == "__main__":
    junit.main()
