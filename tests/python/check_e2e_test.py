"""`cov check` and `cov fix` end to end, on copies of the real corpora made
inside the test, with expectations computed independently (attack_oracle)."""

import json
import os
import re
import shutil
import subprocess
import tempfile
import unittest

from tests.python import junit
from tests.python.attack_oracle import Bundle, sigma_rules_per_technique
from tests.python.covd_fixture import Covd, corpus_dir, runfile

_TAG = re.compile(r"^\s*-\s*(attack\.(t\d{4}(?:\.\d{3})?))\s*(?:#.*)?$", re.I | re.M)

V19_RULE = """title: New v19 technique
id: 7e5f0a3c-1d2b-4c5d-8e9f-0a1b2c3d4e5f
status: test
level: medium
logsource:
  category: process_creation
  product: windows
detection:
  sel:
    Image|endswith: '\\\\evil.exe'
  condition: sel
tags:
  - attack.defense-impairment
  - attack.t1685
"""


def cov(address, *args, cwd=None):
    p = subprocess.run([runfile("clients/cov"), "--server", address, *args],
                       capture_output=True, text=True, timeout=300, cwd=cwd)
    return p.returncode, p.stdout, p.stderr


class CheckEndToEndTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.corpus = corpus_dir()
        cls.bundle_path = os.path.join(cls.corpus, "attack", "enterprise-attack-18.1.json")
        cls.b18 = Bundle(cls.bundle_path)
        cls.covd = Covd().start()
        rc, _, err = cov(cls.covd.address, "ingest", "attack", cls.bundle_path)
        assert rc == 0, err
        cls.tmp = tempfile.mkdtemp(dir=os.environ.get("TEST_TMPDIR"))

    @classmethod
    def tearDownClass(cls):
        cls.covd.stop()
        shutil.rmtree(cls.tmp, ignore_errors=True)

    def copy(self, rel, name):
        dst = os.path.join(self.tmp, name)
        shutil.copytree(os.path.join(self.corpus, rel), dst)
        for dirpath, _, files in os.walk(dst):
            os.chmod(dirpath, 0o755)
            for f in files:
                os.chmod(os.path.join(dirpath, f), 0o644)
        return dst

    def expected_revoked(self, root):
        """(file, raw tag) -> replacement, from a plain scan of the files."""
        out = {}
        for dirpath, _, files in os.walk(root):
            for name in files:
                if not name.endswith(".yml"):
                    continue
                path = os.path.join(dirpath, name)
                with open(path, encoding="utf-8", errors="replace") as f:
                    text = f.read()
                for raw, tid in _TAG.findall(text):
                    tid = tid.upper()
                    if tid in self.b18.revoked_to and self.b18.revoked_to[tid]:
                        out[(os.path.relpath(path, root), raw)] = self.b18.revoked_to[tid]
        return out

    def test_legacy_revoked_ids_then_fix_then_clean(self):
        legacy = self.copy("sigma/sigmahq-legacy-0.20/rules", "legacy")
        expected = self.expected_revoked(legacy)
        rc, out, err = cov(self.covd.address, "--format", "json", "check", ".", cwd=legacy)
        self.assertIn(rc, (0, 1), err)
        findings = json.loads(out)["findings"]
        revoked = [f for f in findings if f["code"] == "attack-revoked"]
        got = {}
        for f in revoked:
            m = re.match(r"'([^']+)': \S+ is revoked in \S+; use (\S+) ", f["message"])
            self.assertIsNotNone(m, f["message"])
            got[(os.path.normpath(f["file"]), m.group(1))] = m.group(2)
        # Each (file, tag) once per rule; multi-document files repeat the
        # global tags per rule, so compare the distinct pairs.
        self.assertEqual(got, expected)
        self.assertTrue(any(v == "T1059.001" for v in expected.values()))

        rc, out, err = cov(self.covd.address, "fix", ".", "--revoked", "--dry_run", cwd=legacy)
        self.assertEqual(rc, 0, err)
        self.assertIn("--- a/", out)
        self.assertIn("+    - attack.t1059.001", out)
        before = open(os.path.join(legacy, os.path.normpath(next(iter(expected))[0])),
                      "rb").read()
        rc, out, err = cov(self.covd.address, "fix", ".", "--revoked", cwd=legacy)
        self.assertEqual(rc, 0, err)
        self.assertIn("-> attack.t1059.001", out)
        after = open(os.path.join(legacy, os.path.normpath(next(iter(expected))[0])),
                     "rb").read()
        self.assertNotEqual(before, after)
        self.assertEqual(before.count(b"\n"), after.count(b"\n"))
        self.assertEqual(before.count(b"\r\n"), after.count(b"\r\n"))
        rc, out, err = cov(self.covd.address, "--format", "json", "check", ".", cwd=legacy)
        findings = json.loads(out)["findings"]
        self.assertEqual([f for f in findings if f["code"] == "attack-revoked"], [])
        self.assertEqual(self.expected_revoked(legacy), {})

    def test_fix_splunk_sentinel_elastic(self):
        """Revoked IDs of the three new formats, from a plain scan of the
        files against the bundle's revoked-by relationships."""
        def revoked_items(root, pattern):
            out = {}
            for dirpath, _, files in os.walk(root):
                for name in files:
                    path = os.path.join(dirpath, name)
                    text = open(path, encoding="utf-8-sig", errors="replace").read()
                    for tid in re.findall(pattern, text, re.M):
                        if self.b18.revoked_to.get(tid):
                            out[(os.path.relpath(path, root), tid)] = self.b18.revoked_to[tid]
            return out

        # Splunk: tags.mitre_attack_id items, read only with --rule_format.
        splunk = self.copy("splunk/security_content-v4.30.0/detections", "splunk")
        item = r"^\s*-\s*(T\d{4}(?:\.\d{3})?)\s*$"
        expected = revoked_items(splunk, item)
        self.assertEqual(len(expected), 10)  # the corpus README: 10 detections
        self.assertEqual(set(expected.values()), {"T1574.001"})
        rc, out, err = cov(self.covd.address, "fix", ".", "--revoked", "--rule_format",
                           "splunk", cwd=splunk)
        self.assertEqual(rc, 0, err)
        self.assertIn("10 revoked IDs in 10 files rewritten", err)
        self.assertEqual(sorted(re.findall(r"^(\S+):\d+: T1574.002 -> T1574.001", out, re.M)),
                         sorted(f for f, _ in expected))
        self.assertEqual(revoked_items(splunk, item), {})
        rc, out, err = cov(self.covd.address, "--format", "json", "check", ".",
                           "--rule_format", "splunk", cwd=splunk)
        self.assertIn(rc, (0, 1), err)
        self.assertEqual([f for f in json.loads(out)["findings"]
                          if f["code"] == "attack-revoked"], [])
        rc, _, err = cov(self.covd.address, "fix", ".", "--revoked", "--rule_format",
                         "splank", cwd=splunk)
        self.assertEqual(rc, 2)
        self.assertIn("cov: --rule_format: unknown format 'splank' (one of ", err)

        # Sentinel through the Python client: one rule, a path with spaces.
        from covclient import Client
        sentinel = self.copy("sentinel/azure-sentinel-2022-02-01/Solutions/FalconFriday",
                             "FalconFriday")
        self.assertEqual(revoked_items(sentinel, item),
                         {("Analytic Rules/DLLSideLoading.yaml", "T1574.002"): "T1574.001"})
        with Client(self.covd.address) as c:
            r = c.fix_revoked([os.path.join(sentinel, "Analytic Rules")], write=True,
                              rule_format="sentinel")
        self.assertEqual([(os.path.basename(ch.path), ch.before, ch.after)
                          for ch in r.changes],
                         [("DLLSideLoading.yaml", "T1574.002", "T1574.001")])
        self.assertEqual(revoked_items(sentinel, item), {})

        # Elastic: T1547.011 (a sub-technique table) is replaced by technique
        # T1647; moving a table is left to the author and said so.
        elastic = self.copy("elastic/detection-rules-dev-v1.5.42/rules", "elastic")
        toml_id = r'^\s*id\s*=\s*"(T\d{4}(?:\.\d{3})?)"'
        expected = revoked_items(elastic, toml_id)
        self.assertEqual(set(expected.values()), {"T1647"})
        rc, out, err = cov(self.covd.address, "fix", ".", "--revoked", "--dry_run",
                           cwd=elastic)
        self.assertEqual(rc, 0, err)
        self.assertEqual(out, "")
        skipped = re.findall(r"^cov: not rewritten: (\S+):\d+: 'T1547.011' is replaced "
                             r"by technique T1647, which Elastic writes in a "
                             r"\[\[rule.threat.technique\]\] table; move it by hand; "
                             r"left as is$", err, re.M)
        self.assertEqual(sorted(skipped), sorted(f for f, _ in expected))
        self.assertIn("0 revoked IDs in 0 files would be rewritten", err)

    def test_removing_only_rule_of_a_technique_fails_and_names_it(self):
        # Two checkouts of one repository: base/rules and head/rules.
        self.copy("sigma/sigmahq-r2026-04-01/rules", "base/rules")
        head = self.copy("sigma/sigmahq-r2026-04-01/rules", "head/rules")
        counts = sigma_rules_per_technique(head, self.b18)
        single = sorted(t for t, n in counts.items() if n == 1)[0]
        victim = None
        for dirpath, _, files in os.walk(head):
            for name in files:
                text = open(os.path.join(dirpath, name), encoding="utf-8", errors="replace").read()
                if single.lower() in {t.lower() for _, t in _TAG.findall(text)}:
                    victim = os.path.join(dirpath, name)
        os.remove(victim)
        checkout = os.path.dirname(head)
        rc, out, err = cov(self.covd.address, "check", "rules", "--base", "../base",
                           cwd=checkout)
        self.assertEqual(rc, 1, out + err)
        self.assertIn(single, out)
        self.assertIn("regression", out.lower())
        rc, out, _ = cov(self.covd.address, "check", "rules", "--base", "../base",
                         "--allow_regression", single, cwd=checkout)
        self.assertEqual(rc, 0, out)
        # The same with a git revision as base.
        git = ["git", "-c", "user.email=t@example.test", "-c", "user.name=t"]
        repo = os.path.join(self.tmp, "gitrepo")
        shutil.copytree(os.path.join(self.tmp, "base"), repo)
        subprocess.run(git + ["init", "-q"], cwd=repo, check=True)
        subprocess.run(git + ["add", "-A"], cwd=repo, check=True)
        subprocess.run(git + ["commit", "-qm", "base"], cwd=repo, check=True)
        os.remove(os.path.join(repo, os.path.relpath(victim, checkout)))
        rc, out, err = cov(self.covd.address, "check", "rules", "--base", "HEAD", cwd=repo)
        self.assertEqual(rc, 1, out + err)
        self.assertIn(single, out)

    def test_v19_id_is_unknown_to_18_1_and_sarif_is_valid(self):
        repo = os.path.join(self.tmp, "v19")
        os.makedirs(repo)
        with open(os.path.join(repo, "new_rule.yml"), "w") as f:
            f.write(V19_RULE)
        rc, out, _ = cov(self.covd.address, "--format", "sarif", "check", ".", cwd=repo)
        self.assertEqual(rc, 1)
        sarif = json.loads(out)
        self.assertEqual(sarif["version"], "2.1.0")
        self.assertIn("$schema", sarif)
        run = sarif["runs"][0]
        self.assertEqual(run["tool"]["driver"]["name"], "cov")
        rule_ids = {r["id"] for r in run["tool"]["driver"]["rules"]}
        results = run["results"]
        self.assertTrue(results)
        for r in results:
            self.assertIn("text", r["message"])
            self.assertIn(r["ruleId"], rule_ids)
            self.assertIn(r["level"], ("error", "warning", "note"))
        unknown = [r for r in results if r["ruleId"] == "attack-unknown"]
        self.assertEqual(len(unknown), 2)  # the v19 tactic and technique
        loc = unknown[0]["locations"][0]["physicalLocation"]
        self.assertEqual(loc["artifactLocation"]["uri"], "new_rule.yml")
        self.assertGreaterEqual(loc["region"]["startLine"], 13)
        rc, out, _ = cov(self.covd.address, "--format", "github", "check", ".", cwd=repo)
        self.assertIn("::error file=new_rule.yml,line=", out)
        rc, out, _ = cov(self.covd.address, "--format", "junit", "check", ".", cwd=repo)
        self.assertIn("<testsuite", out)
        self.assertIn("<failure", out)

    def test_python_client_check(self):
        from covclient import Client
        repo = os.path.join(self.tmp, "py")
        os.makedirs(repo)
        with open(os.path.join(repo, "v19.yml"), "w") as f:
            f.write(V19_RULE)
        cwd = os.getcwd()
        os.chdir(repo)
        try:
            with Client(self.covd.address) as c:
                r = c.check(["."], output_format="sarif")
                self.assertTrue(r.failed)
                codes = sorted(f.code for f in r.findings)
                self.assertEqual(codes, ["attack-unknown", "attack-unknown"])
                self.assertEqual(json.loads(r.rendered)["version"], "2.1.0")
        finally:
            os.chdir(cwd)

    def test_exit_codes_and_one_command_mode(self):
        repo = os.path.join(self.tmp, "clean")
        os.makedirs(repo)
        with open(os.path.join(repo, "ok.yml"), "w") as f:
            f.write(V19_RULE.replace("attack.defense-impairment", "attack.persistence")
                    .replace("attack.t1685", "attack.t1197"))
        rc, out, err = cov(self.covd.address, "check", ".", cwd=repo)
        self.assertEqual(rc, 0, out + err)
        rc, _, _ = cov(self.covd.address, "check", cwd=repo)  # no PATH
        self.assertEqual(rc, 2)
        rc, _, _ = cov(self.covd.address, "check", ".", "--fail_on", "sometimes", cwd=repo)
        self.assertEqual(rc, 2)
        rc, _, err = cov("127.0.0.1:1", "check", ".", cwd=repo)  # nothing listens
        self.assertEqual(rc, 2, err)
        # One command: a private covd with the bundle, no running server needed.
        p = subprocess.run([runfile("clients/cov"), "check", ".", "--attack", self.bundle_path,
                            "--covd", runfile("server/covd")],
                           capture_output=True, text=True, timeout=120, cwd=repo)
        self.assertEqual(p.returncode, 0, p.stdout + p.stderr)
        self.assertIn("OK", p.stdout)


if __name__ == "__main__":
    junit.main()
