"""Proven coverage end to end: cov replay / experiment replay / replay
--dataset / check --tests / scan through the CLI and the Python client,
against covd holding ATT&CK 18.1 and SigmaHQ r2026-04-01. Expected values
are computed here from the files with plain Python (zipfile, json, yaml)."""

import glob
import json
import os
import shutil
import subprocess
import tempfile
import unittest
import zipfile

import yaml

from covclient import Client
from tests.python import junit
from tests.python.covd_fixture import Covd, corpus_dir, runfile

BITS_ZIP = ("logs/security-datasets/datasets/atomic/windows/defense_evasion/host/"
            "cmd_bitsadmin_download_psh_script.zip")
BITS_RULE = "rules/windows/process_creation/proc_creation_win_bitsadmin_download.yml"


def zip_events(path):
    """Events of a Security-Datasets zip: JSON objects, one per line, in the
    members that are not macOS metadata."""
    out = []
    with zipfile.ZipFile(path) as z:
        for name in z.namelist():
            if name.startswith("__MACOSX/") or name.endswith("/"):
                continue
            for line in z.open(name):
                line = line.strip()
                if not line.startswith(b"{"):
                    continue
                try:
                    out.append(json.loads(line))
                except ValueError:
                    pass
    return out


def bitsadmin_download(e):
    """proc_creation_win_bitsadmin_download's detection, by hand: process
    creation (Sysmon 1, or Security 4688 with NewProcessName as Image)."""
    if e.get("EventID") == 1 and e.get("Channel") == "Microsoft-Windows-Sysmon/Operational":
        image, cmd = e.get("Image", ""), e.get("CommandLine", "")
        orig = e.get("OriginalFileName", "")
    elif e.get("EventID") == 4688 and str(e.get("Channel", "")).lower() == "security":
        image, cmd, orig = e.get("NewProcessName", ""), e.get("CommandLine", ""), ""
    else:
        return False
    img = image.lower().endswith("\\bitsadmin.exe") or orig.lower() == "bitsadmin.exe"
    cmd = cmd.lower()
    return img and (" /transfer " in cmd or
                    ((" /create " in cmd or " /addfile " in cmd) and "http" in cmd))


class ReplayEndToEndTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.corpus = corpus_dir()
        cls.covd = Covd().start()
        cls.c = Client(cls.covd.address)
        cls.c.wait_ready()
        cls.c.ingest_attack(os.path.join(cls.corpus, "attack", "enterprise-attack-18.1.json"))
        cls.c.ingest_rules("sigma", os.path.join(cls.corpus, "sigma", "sigmahq-r2026-04-01"),
                           "sigmahq")
        cls.cov = runfile("clients/cov")
        cls.tmp = tempfile.mkdtemp()

    @classmethod
    def tearDownClass(cls):
        cls.c.close()
        cls.covd.stop()
        shutil.rmtree(cls.tmp, ignore_errors=True)

    def run_cov(self, *args):
        return subprocess.run([self.cov, "--server", self.covd.address, *args],
                              capture_output=True, text=True, timeout=600)

    def rule_id(self, rel):
        with open(os.path.join(self.corpus, "sigma", "sigmahq-r2026-04-01", rel)) as f:
            return yaml.safe_load(f)["id"]

    def test_cli_replay_counts_the_bitsadmin_download(self):
        path = os.path.join(self.corpus, BITS_ZIP)
        events = zip_events(path)
        expected = sum(1 for e in events if bitsadmin_download(e))
        self.assertGreater(expected, 0)
        r = self.run_cov("replay", path, "--format", "json")
        self.assertEqual(r.returncode, 0, r.stderr)
        out = json.loads(r.stdout)
        self.assertEqual(int(out["events"]), len(events))
        fired = {m["rule"]["uid"]: m for m in out["matches"]}
        m = fired[self.rule_id(BITS_RULE)]
        self.assertEqual(int(m["matches"]), expected)
        self.assertIn("T1197", m["techniqueIds"])
        self.assertTrue(m["examples"][0]["where"].startswith(path + "!"))
        verdict = {t["techniqueId"]: t["detected"] for t in out["techniques"]}
        self.assertTrue(verdict["T1197"])
        # Rules whose logsource the table does not know are listed, with why.
        reasons = [n["reason"] for n in out["notEvaluable"]]
        self.assertTrue(any("logsource product 'linux'" in x for x in reasons))
        # The text form says the same.
        t = self.run_cov("replay", path)
        self.assertEqual(t.returncode, 0, t.stderr)
        self.assertIn(f"replayed {len(events)} events from 1 files", t.stdout)
        self.assertIn("File Download Via Bitsadmin", t.stdout)

    def test_python_upload_equals_server_path(self):
        path = os.path.join(self.corpus, BITS_ZIP)
        a = self.c.replay([path])
        b = self.c.replay([path], upload=True)
        self.assertEqual(a.events, b.events)
        self.assertEqual([(m.rule.uid, m.matches) for m in a.matches],
                         [(m.rule.uid, m.matches) for m in b.matches])

    def test_experiment_replay_records_detected_and_missed_with_traces(self):
        exp = self.c.start_experiment("bits", techniques=["T1197", "T1021.002"])
        r = self.c.replay_experiment(exp.id, [os.path.join(self.corpus, BITS_ZIP)])
        outcome = {x.technique_id: x.outcome for x in r.experiment.results}
        self.assertEqual(outcome["T1197"], "detected")
        self.assertEqual(outcome["T1021.002"], "missed")
        self.assertTrue(all(x.recorded_by == "replay" for x in r.experiment.results))
        self.assertEqual([t.technique_id for t in r.missed], ["T1021.002"])
        shown = self.c.experiment(exp.id)
        self.assertEqual(len(shown.results), 2)

    def test_datasets_table(self):
        meta_dir = os.path.join(self.corpus, "logs", "security-datasets", "datasets",
                                "atomic", "_metadata")
        r = self.run_cov("experiment", "replay", "--dataset", meta_dir, "--format", "json")
        self.assertEqual(r.returncode, 0, r.stderr)
        out = json.loads(r.stdout)
        self.assertEqual(len(out["datasets"]), 49)
        root = os.path.join(self.corpus, "logs", "security-datasets")
        total = 0
        got = {d["id"]: d for d in out["datasets"]}
        for path in sorted(glob.glob(os.path.join(meta_dir, "*.yaml"))):
            with open(path) as f:
                meta = yaml.safe_load(f)
            d = got[meta["id"]]
            planned = []
            for m in meta["attack_mappings"]:
                t = m["technique"] + ("." + str(m["sub-technique"]).zfill(3)
                                      if m.get("sub-technique") else "")
                if t not in planned:
                    planned.append(t)
            self.assertLessEqual(set(d.get("planned", [])), set(planned), meta["id"])
            self.assertEqual(sorted(d.get("detected", []) + d.get("missed", [])),
                             sorted(d.get("planned", [])))
            events = 0
            for f in meta.get("files") or []:
                if f["type"].lower() != "host":
                    continue
                events += len(zip_events(os.path.join(root, f["link"].split("/master/", 1)[1])))
            self.assertEqual(int(d["events"]), events, meta["id"])
            total += events
        # The corpus README says 289,620 lines; 10 of them are macOS metadata
        # members and a blank line, so 289,610 events (ingest/events' count).
        self.assertEqual(total, 289610)

    def test_check_tests_passes_then_fails_on_a_wrong_count(self):
        src = os.path.join(self.corpus, "sigma", "sigmahq-r2026-04-01", BITS_RULE)
        reg = os.path.join(self.corpus, "sigma", "sigmahq-r2026-04-01-regression",
                           "regression_data", os.path.dirname(BITS_RULE),
                           os.path.basename(BITS_RULE)[:-4])
        if not os.path.isdir(reg):
            self.fail(f"no regression test for {BITS_RULE} at {reg}")
        work = os.path.join(self.tmp, "check")
        shutil.copytree(reg, os.path.join(work, "tests", "t"))
        os.makedirs(os.path.join(work, "rules"))
        shutil.copy(src, os.path.join(work, "rules"))
        r = self.run_cov("check", os.path.join(work, "rules"),
                         "--tests", os.path.join(work, "tests"))
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        self.assertIn("regression tests: 2 passed, 0 failed", r.stderr)
        info = os.path.join(work, "tests", "t", "info.yml")
        with open(info) as f:
            text = f.read()
        with open(info, "w") as f:
            f.write(text.replace("match_count: 1", "match_count: 5"))
        r = self.run_cov("check", os.path.join(work, "rules"),
                         "--tests", os.path.join(work, "tests"), "--format", "json")
        self.assertEqual(r.returncode, 1, r.stdout + r.stderr)
        codes = [f["code"] for f in json.loads(r.stdout)["findings"]]
        self.assertEqual(codes.count("regression-test-failed"), 2)

    def test_scan_maps_a_yara_match_to_its_technique(self):
        rules = os.path.join(self.tmp, "yara")
        os.makedirs(rules)
        with open(os.path.join(rules, "t.yar"), "w") as f:
            f.write('rule cov_e2e_marker {\n  meta:\n    mitre_att = "T1059.001"\n'
                    '  strings:\n    $a = "cov-e2e-marker-7f3a"\n  condition:\n    $a\n}\n')
        with open(os.path.join(rules, "broken.yar"), "w") as f:
            f.write('rule cov_e2e_broken {\n  condition:\n    $nope\n}\n')
        self.c.ingest_rules("yara", rules, "e2e-yara")
        files = os.path.join(self.tmp, "files")
        os.makedirs(files)
        with open(os.path.join(files, "hit.txt"), "w") as f:
            f.write("xx cov-e2e-marker-7f3a yy")
        with open(os.path.join(files, "miss.txt"), "w") as f:
            f.write("nothing here")
        r = self.run_cov("scan", files, "--source", "e2e-yara", "--format", "json")
        self.assertEqual(r.returncode, 0, r.stderr)
        out = json.loads(r.stdout)
        self.assertEqual(int(out["filesScanned"]), 2)
        self.assertEqual([m["file"] for m in out["matches"]], [os.path.join(files, "hit.txt")])
        self.assertEqual(out["matches"][0]["techniqueIds"], ["T1059.001"])
        # The rule that does not compile is listed, the other one still ran.
        self.assertEqual([n["rule"]["title"] for n in out["notCompiled"]],
                         ["cov_e2e_broken"])
        exp = self.c.start_experiment("ps", techniques=["T1059.001"])
        s = self.c.scan_experiment(exp.id, "e2e-yara", [files])
        self.assertEqual([(x.technique_id, x.outcome) for x in s.experiment.results],
                         [("T1059.001", "detected")])
        # `cov sources rm` removes the source: scanning with it is NOT_FOUND.
        rm = self.run_cov("sources", "rm", "e2e-yara")
        self.assertEqual(rm.returncode, 0, rm.stderr)
        self.assertEqual(rm.stdout, "removed source e2e-yara (2 rules in 2 files)\n")
        self.assertNotIn("e2e-yara", [x.name for x in self.c.sources().sources])
        again = self.run_cov("scan", files, "--source", "e2e-yara")
        self.assertEqual(again.returncode, 1)
        self.assertIn("rule source 'e2e-yara' is not stored", again.stderr)


if __name__ == "__main__":
    junit.main()
