"""End-to-end: backups, live restores and read replicas on loopback.

A primary covd ingests the real ATT&CK bundle and Sigma rules, publishes
backups with `cov admin backup`; a live restore brings an old backup back
(keeping the previous store); three replicas (`covd --snapshot_from`) serve
the published snapshot behind gRPC's client-side `round_robin` policy while
one of them is killed mid-run and the others reload a newer snapshot (SIGHUP
and `cov admin reload`): no request may fail.
"""

import json
import os
import shutil
import signal
import subprocess
import tempfile
import threading
import time
import unittest

from covclient import Client, CovError
from tests.python import junit
from tests.python.covd_fixture import Covd, corpus_dir, runfile


def tmpdir(name):
    """A fresh path under the test's temporary folder (removed if present)."""
    base = os.environ.get("TEST_TMPDIR") or tempfile.gettempdir()
    d = os.path.join(base, name)
    if os.path.isdir(d):
        shutil.rmtree(d)
    elif os.path.exists(d):
        os.remove(d)
    return d


def cov_cli(address, *args):
    p = subprocess.run([runfile("clients/cov"), "--server", address, *args],
                       capture_output=True, text=True, timeout=300)
    return p.returncode, p.stdout, p.stderr


class Server(Covd):
    """A covd on 127.0.0.1:0 with its own folder, RPC log and extra flags."""

    def __init__(self, name, *flags):
        self.name = name
        self.rpc_log = tmpdir(name + ".rpc.jsonl")
        super().__init__(tmpdir(name + "-db"), ["--rpc_log", self.rpc_log, *flags])

    def rpc_lines(self, method):
        """RPC log lines of one method (by name), as dicts."""
        out = []
        try:
            with open(self.rpc_log, encoding="utf-8") as f:
                for line in f:
                    d = json.loads(line)
                    if d["method"].endswith("/" + method):
                        out.append(d)
        except FileNotFoundError:
            pass
        return out


def coverage_summary(client):
    """Per-tactic coverage totals, as deterministic bytes (comparable)."""
    return client.coverage(by="tactic", summary=True).SerializeToString(
        deterministic=True)


class BackupRestoreTest(unittest.TestCase):
    """One primary: backups, listing, live restore, restart, errors."""

    @classmethod
    def setUpClass(cls):
        cls.corpus = corpus_dir()
        cls.attack = os.path.join(cls.corpus, "attack")
        cls.backups = tmpdir("primary-backups")
        cls.primary = Server("primary").start()
        cls.c = Client(cls.primary.address)
        cls.c.wait_ready()
        cls.c.ingest_attack(os.path.join(cls.attack, "enterprise-attack-18.1.json"))
        cls.sigma = os.path.join(cls.corpus, "sigma", "sigmahq-r2026-04-01", "rules",
                                 "windows", "builtin")
        cls.c.ingest_rules("sigma", cls.sigma, source="sigma-builtin")

    @classmethod
    def tearDownClass(cls):
        cls.c.close()
        cls.primary.stop()

    def test_backup_restore_round_trip(self):
        c = self.c
        rules = c.sources().sources[0].rule_count
        self.assertGreater(rules, 250)
        exp = c.start_experiment("bits", techniques=["T1197"])
        c.record(exp.id, "T1197", "detected", note="BITS user agent")
        before_cov = coverage_summary(c)
        before_exp = Client.to_dict(c.experiment(exp.id))

        # Backup 1 from the CLI.
        rc, out, err = cov_cli(self.primary.address, "admin", "backup", "--to", self.backups)
        self.assertEqual(rc, 0, err)
        self.assertIn(f"backup 1 of releases=1 sources=1 rules={rules} library=0 "
                      f"experiments=1 taken into {self.backups}", out)

        # The store moves on: another release, another experiment result.
        c.ingest_attack(os.path.join(self.attack, "enterprise-attack-17.1.json"))
        c.record(exp.id, "T1197", "missed", note="rerun")
        c.ingest_rules("sigma", os.path.join(self.sigma, "..", "powershell"),
                       source="sigma-ps")
        self.assertNotEqual(coverage_summary(c), before_cov)

        # Backup 2 from Python, then the list.
        b2 = c.backup(self.backups)
        self.assertEqual(b2.backup.backup_id, 2)
        self.assertEqual([b.backup_id for b in b2.backups], [1, 2])
        listed = c.backups(self.backups)
        self.assertEqual([b.backup_id for b in listed.backups], [1, 2])
        self.assertTrue(listed.backups[1].summary.startswith("releases=2 sources=2 "))
        rc, out, _ = cov_cli(self.primary.address, "admin", "backups", "--from",
                             self.backups)
        self.assertEqual(rc, 0)
        self.assertEqual(len([l for l in out.splitlines() if l.strip()[:1].isdigit()]), 2)

        # Live restore of backup 1: exactly the state of that moment.
        rc, out, err = cov_cli(self.primary.address, "admin", "restore", "--from",
                               self.backups, "--id", "1")
        self.assertEqual(rc, 0, err)
        self.assertIn("now serving backup 1", out)
        self.assertIn("previous store kept in " + self.primary.db + ".pre-restore-", out)
        self.assertEqual([r.version for r in c.releases().releases], ["18.1"])
        self.assertEqual(coverage_summary(c), before_cov)
        self.assertEqual(Client.to_dict(c.experiment(exp.id)), before_exp)
        self.assertEqual([s.name for s in c.sources().sources], ["sigma-builtin"])
        st = c.stats()
        self.assertEqual(st.rule_count, rules)
        self.assertEqual([x.name for x in st.sources], ["sigma-builtin"])

        # A restart serves the restored store.
        self.primary.stop()
        self.primary.start()
        c2 = Client(self.primary.address)
        c2.wait_ready()
        self.assertEqual(coverage_summary(c2), before_cov)
        # Restoring the latest (2) from Python brings the later state back.
        r = c2.restore(self.backups)
        self.assertTrue(r.changed)
        self.assertEqual(r.backup.backup_id, 2)
        self.assertEqual(sorted(x.version for x in c2.releases().releases),
                         ["17.1", "18.1"])
        self.assertEqual([x.outcome for x in c2.experiment(exp.id).results],
                         ["detected", "missed"])
        c2.close()
        type(self).c = Client(self.primary.address)

    def test_errors_are_clear(self):
        c = Client(self.primary.address)
        with self.assertRaises(CovError) as e:
            c.restore(tmpdir("no-such-backups"))
        self.assertEqual(e.exception.code, "NOT_FOUND")
        self.assertIn("no-such-backups does not exist", e.exception.message)
        with self.assertRaises(CovError) as e:
            c.reload()  # a primary has no --snapshot_from
        self.assertEqual(e.exception.code, "INVALID_ARGUMENT")
        self.assertIn("--snapshot_from", e.exception.message)
        rc, _, err = cov_cli(self.primary.address, "admin", "restore")
        self.assertEqual(rc, 2)
        self.assertIn("needs --from DIR", err)
        c.close()


class BackupRootTest(unittest.TestCase):
    def test_backup_outside_roots_is_denied(self):
        root = tmpdir("backup-root")
        os.makedirs(root)
        s = Server("rooted", "--backup_root", root).start()
        try:
            c = Client(s.address)
            c.wait_ready()
            self.assertEqual(c.backup(os.path.join(root, "b")).backup.backup_id, 1)
            with self.assertRaises(CovError) as e:
                c.backup(os.path.join(root, "..", "escape"))
            self.assertEqual(e.exception.code, "PERMISSION_DENIED")
            self.assertIn("outside the backup roots", e.exception.message)
            c.close()
        finally:
            s.stop()


class ReplicasTest(unittest.TestCase):
    """Three replicas of one snapshot behind round_robin; one is killed."""

    def test_round_robin_over_replicas_survives_a_kill_and_reloads(self):
        corpus = corpus_dir()
        snapshots = tmpdir("snapshots")
        primary = Server("rr-primary").start()
        pc = Client(primary.address)
        pc.wait_ready()
        pc.ingest_attack(os.path.join(corpus, "attack", "enterprise-attack-18.1.json"))
        sigma = os.path.join(corpus, "sigma", "sigmahq-r2026-04-01", "rules", "windows")
        pc.ingest_rules("sigma", os.path.join(sigma, "builtin"), source="sigma")
        expected_v1 = coverage_summary(pc)
        pc.backup(snapshots)

        replicas = [Server(f"replica{i}", "--snapshot_from", snapshots).start()
                    for i in range(3)]
        try:
            for r in replicas:
                rc = Client(r.address)
                rc.wait_ready()
                self.assertEqual(coverage_summary(rc), expected_v1, r.name)
                # Writes go to the primary.
                with self.assertRaises(CovError) as e:
                    rc.ingest_rules("sigma", os.path.join(sigma, "builtin"), source="x")
                self.assertEqual(e.exception.code, "FAILED_PRECONDITION")
                self.assertIn("read-only replica", e.exception.message)
                rc.close()

            target = "ipv4:" + ",".join(r.address for r in replicas)
            # The Python client's round_robin (retries UNAVAILABLE elsewhere).
            rr = Client(target, round_robin=True, timeout=10)
            rr.wait_ready(20)
            # The CLI's --round_robin over the same replicas.
            rc_, out, err = cov_cli(target, "--round_robin", "releases")
            self.assertEqual(rc_, 0, err)
            self.assertIn("* enterprise-attack  18.1", out)

            # The newer snapshot: one more Sigma folder.
            pc.ingest_rules("sigma", os.path.join(sigma, "powershell"), source="sigma-ps")
            expected_v2 = coverage_summary(pc)
            self.assertNotEqual(expected_v2, expected_v1)

            stop = threading.Event()
            counts = {"ok": 0, "v1": 0, "v2": 0}
            failures = []
            lock = threading.Lock()

            def reader():
                while not stop.is_set():
                    try:
                        got = coverage_summary(rr)
                        with lock:
                            counts["ok"] += 1
                            if got == expected_v1:
                                counts["v1"] += 1
                            elif got == expected_v2:
                                counts["v2"] += 1
                            else:
                                failures.append("an answer of neither snapshot")
                    except CovError as e:
                        with lock:
                            failures.append(f"{e.code}: {e.message}")

            threads = [threading.Thread(target=reader) for _ in range(6)]
            for t in threads:
                t.start()
            time.sleep(2)
            replicas[0].stop(signal.SIGKILL)  # mid-run, no goodbye
            time.sleep(1.5)
            pc.backup(snapshots)
            # Replica 1 reloads on SIGHUP, replica 2 through the admin RPC.
            replicas[1].proc.send_signal(signal.SIGHUP)
            rc, out, err = cov_cli(replicas[2].address, "admin", "reload")
            self.assertEqual(rc, 0, err)
            self.assertIn("now serving backup 2", out)
            deadline = time.monotonic() + 20
            while time.monotonic() < deadline and "reloaded" not in replicas[1].log():
                time.sleep(0.1)
            time.sleep(2)
            stop.set()
            for t in threads:
                t.join()
            rr.close()

            print(f"round robin: {counts} answers, failures {failures[:3]}",
                  flush=True)
            self.assertEqual(failures, [])
            self.assertGreater(counts["ok"], 100)
            self.assertGreater(counts["v1"], 0)
            self.assertGreater(counts["v2"], 0)
            self.assertIn("reloaded", replicas[1].log())
            # Every replica served part of the load (round robin), the killed
            # one only before it died.
            for r in replicas:
                self.assertGreater(len(r.rpc_lines("GetCoverage")), 10, r.name)
            # The survivors now serve backup 2.
            for r in replicas[1:]:
                rc = Client(r.address)
                self.assertEqual(coverage_summary(rc), expected_v2, r.name)
                again = rc.reload()
                self.assertFalse(again.changed)
                self.assertEqual(again.backup.backup_id, 2)
                rc.close()
        finally:
            for r in replicas:
                r.stop()
            pc.close()
            primary.stop()


if __name__ == "__main__":
    junit.main()
