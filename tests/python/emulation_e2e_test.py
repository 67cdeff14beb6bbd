"""Emulation plans and validation experiments end to end on the real ATT&CK
bundle, Atomic Red Team atomics and CTID plans, with expectations computed
independently from the files (plain json / regex)."""

import glob
import json
import os
import re
import shutil
import subprocess
import tempfile
import unittest

from covclient import Client, CovError
from covclient import runner
from tests.python import junit
from tests.python.attack_oracle import Bundle, attack_id
from tests.python.covd_fixture import Covd, corpus_dir, runfile


def group_techniques(bundle, gid, with_software):
    """Active technique IDs a group uses (directly, and via its software)."""
    by = bundle.by_id
    group = [o for o in bundle.objects if o["type"] == "intrusion-set" and attack_id(o) == gid][0]
    active = {o["id"] for o in bundle.techniques.values()}
    uses = [r for r in bundle.rels if r["relationship_type"] == "uses"]
    out = {attack_id(by[r["target_ref"]]) for r in uses
           if r["source_ref"] == group["id"] and r["target_ref"] in active}
    if with_software:
        sw = {r["target_ref"] for r in uses if r["source_ref"] == group["id"]
              and by[r["target_ref"]]["type"] in ("malware", "tool")
              and not by[r["target_ref"]].get("revoked")
              and not by[r["target_ref"]].get("x_mitre_deprecated")}
        out |= {attack_id(by[r["target_ref"]]) for r in uses
                if r["source_ref"] in sw and r["target_ref"] in active}
    return out


class EmulationEndToEndTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.corpus = corpus_dir()
        cls.b18 = Bundle(os.path.join(cls.corpus, "attack", "enterprise-attack-18.1.json"))
        cls.covd = Covd().start()
        cls.c = Client(cls.covd.address)
        cls.c.wait_ready()
        cls.c.ingest_attack(os.path.join(cls.corpus, "attack", "enterprise-attack-18.1.json"))
        cls.atomics = os.path.join(cls.corpus, "atomics", "atomic-red-team", "atomics")
        cls.lib = cls.c.ingest_library("atomics", cls.atomics, "art")
        cls.plans = cls.c.ingest_library(
            "plans", os.path.join(cls.corpus, "emulation", "ctid-adversary-emulation"), "ctid")
        cls.example = os.path.join(os.path.dirname(runfile("README.md")), "deploy",
                                   "examples", "bits-transfer")

    @classmethod
    def tearDownClass(cls):
        cls.c.close()
        cls.covd.stop()

    def test_library_counts(self):
        self.assertEqual(self.lib.techniques, 333)
        guids = 0
        for path in glob.glob(os.path.join(self.atomics, "T*", "T*.yaml")):
            with open(path, encoding="utf-8", errors="replace") as f:
                guids += len(re.findall(r"^\s*auto_generated_guid:", f.read(), re.M))
        self.assertEqual(self.lib.tests, guids)
        self.assertEqual(self.plans.plans, 10)
        # `cov sources` lists the test libraries beside the rule sources.
        libs = {s.name: s for s in self.c.sources().libraries}
        self.assertEqual(sorted(libs), ["art", "ctid"])
        self.assertEqual(libs["art"].rule_count, guids)

    def test_group_plan_is_the_bundles_technique_set_in_kill_chain_order(self):
        plan = self.c.plan(group="G0007")
        ids = [s.technique_id for s in plan.steps]
        self.assertEqual(len(ids), len(set(ids)))
        self.assertEqual(set(ids), group_techniques(self.b18, "G0007", with_software=True))
        direct = group_techniques(self.b18, "G0007", with_software=False)
        self.assertLess(direct, set(ids))  # software adds techniques
        kc = [t.tactic for t in self.c.coverage().tactics]
        positions = [kc.index(s.tactic) for s in plan.steps]
        self.assertEqual(positions, sorted(positions))
        self.assertEqual(plan.subject, "G0007 APT28")
        # By alias too.
        self.assertEqual(len(self.c.plan(group="Fancy Bear").steps), len(ids))

    def test_technique_plan_lists_the_four_bits_atomics(self):
        with open(os.path.join(self.atomics, "T1197", "T1197.yaml")) as f:
            guids = re.findall(r"auto_generated_guid:\s*(\S+)", f.read())
        self.assertEqual(len(guids), 4)
        plan = self.c.plan(techniques=["T1197"], platform="windows")
        self.assertEqual(len(plan.steps), 1)
        self.assertEqual(sorted(t.guid for t in plan.steps[0].tests), sorted(guids))
        self.assertIn("Network Connection Creation", list(plan.steps[0].data_components))
        linux = self.c.plan(techniques=["T1197"], platform="linux")
        self.assertEqual(len(linux.steps[0].tests), 0)
        with self.assertRaises(CovError) as e:
            self.c.plan(group="No Such Group")
        self.assertEqual(e.exception.code, "NOT_FOUND")

    def test_ctid_plan_keeps_its_order(self):
        names = [os.path.basename(p) for p in glob.glob(
            os.path.join(self.corpus, "emulation", "ctid-adversary-emulation", "*"))]
        self.assertIn("apt29", names)
        with self.assertRaises(CovError) as e:
            self.c.plan(ctid_plan="nope")
        self.assertIn("stored plans:", e.exception.message)
        stored = e.exception.message.split("stored plans: ")[1].split(", ")
        plan = self.c.plan(ctid_plan=stored[0])
        self.assertTrue(plan.steps)
        self.assertEqual([s.order for s in plan.steps], list(range(1, len(plan.steps) + 1)))

    def test_bits_example_with_the_runner_and_restart(self):
        # The worked example, through the Python runner.
        import io
        out = io.StringIO()
        # Real files (runfiles are symlinks, which rule ingest never follows).
        example = os.path.join(tempfile.mkdtemp(dir=os.environ.get("TEST_TMPDIR")), "ex")
        shutil.copytree(self.example, example, symlinks=False)
        rc = runner.run(os.path.join(example, "experiment.yaml"),
                        server=self.covd.address, out=out)
        self.assertEqual(rc, 0, out.getvalue())
        cov = self.c.coverage(by="technique")
        t = [x for x in cov.techniques if x.technique_id == "T1197"][0]
        self.assertEqual(t.evidence, "validated")
        exps = self.c.experiments().experiments
        self.assertTrue(any(e.name == "bits-transfer-t1197" for e in exps))
        exp_id = [e.id for e in exps if e.name == "bits-transfer-t1197"][-1]
        e = self.c.experiment(exp_id)
        self.assertEqual(e.results[-1].outcome, "detected")
        self.assertEqual(list(e.results[-1].rule_uids), ["bits-example:9000001"])

        # A failing experiment: an import without the alert marks T1197 missed.
        exp2 = self.c.start_experiment("no-alert", 1713693300, 1713695400,
                                       techniques=["T1197"])
        tmp = tempfile.mkdtemp(dir=os.environ.get("TEST_TMPDIR"))
        quiet = os.path.join(tmp, "quiet.json")
        with open(os.path.join(self.example, "eve.json")) as f:
            lines = [l for l in f if '"event_type":"alert"' not in l]
        with open(quiet, "w") as f:
            f.writelines(lines + ["{not json\n", "\n"])
        imp = self.c.import_alerts(exp2.id, quiet)
        self.assertEqual(imp.alerts, 0)
        self.assertEqual(imp.malformed, 2)
        self.assertEqual([(r.technique_id, r.outcome) for r in imp.results], [("T1197", "missed")])
        t = [x for x in self.c.coverage(by="technique").techniques if x.technique_id == "T1197"][0]
        self.assertEqual(t.evidence, "failed")

        # Manual record, then restart: the history survives.
        self.c.record(exp2.id, "T1197", "detected", rules=["bits-example:9000001"],
                      note="re-run by hand")
        before = Client.to_dict(self.c.experiment(exp2.id))
        self.c.close()
        self.covd.stop()
        self.covd.start()
        type(self).c = Client(self.covd.address)
        after = Client.to_dict(self.c.experiment(exp2.id))
        self.assertEqual(before, after)
        self.assertEqual(len(after["results"]), 2)
        t = [x for x in self.c.coverage(by="technique").techniques if x.technique_id == "T1197"][0]
        self.assertEqual(t.evidence, "validated")

        # The rule changes: the validation becomes stale.
        rules = os.path.join(tmp, "rules")
        shutil.copytree(os.path.join(self.example, "rules"), rules)
        path = os.path.join(rules, "bits.rules")
        text = open(path).read().replace("rev:1;", "rev:2;")
        open(path, "w").write(text)
        self.c.ingest_rules("suricata", rules, "bits-example")
        t = [x for x in self.c.coverage(by="technique").techniques if x.technique_id == "T1197"][0]
        self.assertEqual(t.evidence, "stale")

        with self.assertRaises(CovError) as e:
            self.c.record(exp2.id, "T1197", "maybe")
        self.assertEqual(e.exception.code, "INVALID_ARGUMENT")

    def test_plan_exports_from_the_cli(self):
        cli = runfile("clients/cov")
        for fmt, needle in (("yaml", "emulation_plan_details"), ("markdown", "# Emulation runbook"),
                            ("layer", '"layer":"4.5"')):
            p = subprocess.run([cli, "--server", self.covd.address, "plan", "--technique",
                                "T1197", "--format", fmt], capture_output=True, text=True,
                               timeout=60)
            self.assertEqual(p.returncode, 0, p.stderr)
            self.assertIn(needle, p.stdout)
        p = subprocess.run([cli, "--server", self.covd.address, "plan", "--group", "APT28",
                            "--platform", "windows"], capture_output=True, text=True, timeout=60)
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertIn("G0007 APT28", p.stdout)


if __name__ == "__main__":
    junit.main()
