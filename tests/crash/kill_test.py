"""Crash test: SIGKILL covd in the middle of large writes, restart it on the
same store, and check every answer shows a state some sequence of whole
writes leads to, never a mix, and that nothing acknowledged is lost.

Setup: ATT&CK Enterprise 18.1 (default) and 17.1 (the reference for new
releases), a copy of five ET Open Suricata files as source "et" (~12,000
rules), an experiment with one recorded result, a control experiment with
the same plan, and a generated 53 MB EVE file.

Each round starts writes in a background thread, back to back so the kill
lands inside one, and kills covd with SIGKILL after a random 0-800 ms; the
kinds rotate:
  release  IngestAttack of the 17.1 bundle as new releases 17.1.<round>.<k>
           (through the file name), one after the other
  rules    re-ingest of the "et" copy, alternating between its current
           version A and an edited version B (rule added, disabled, removed,
           message changed; every file changed)
  import   ImportAlerts of the EVE file into the experiment, repeatedly
  record   RecordResult, repeatedly
After the restart a snapshot (releases; T1197, T1059.001, T1055 and G0007 in
every release; sources with their rule lists from ListRules; experiments
with their results) is compared with what the writes allow:
  release  the releases before plus new ones 17.1.<round>.0 .. j-1, each
           equal to 17.1 (counts, probes), with j >= acknowledged writes
  rules    exactly the state after a whole ingest of A or of B (both
           measured before the round)
  import   the results before plus j copies of what the same import adds to
           the control experiment, j >= acknowledged imports
  record   the results before plus records 0 .. j-1, j >= acknowledged
and everything else equal to the state before. Invariants on every
snapshot: each listed release answers GetTechnique/GetActor; each source's
rule_count equals the rules ListRules returns; recorded results are never
lost. At the end covd's log must hold no sanitizer report (run it with
--config=asan too).

The random seed is printed (COV_CRASH_SEED overrides it, COV_CRASH_ROUNDS
the number of rounds).
"""

import os
import random
import shutil
import signal
import threading
import time
import unittest

from covclient import Client, CovError
from cov.v1 import cov_pb2
from tests.python import junit
from tests.python.covd_fixture import Covd, corpus_dir

SEED = int(os.environ.get("COV_CRASH_SEED", "1797"))
ROUNDS = int(os.environ.get("COV_CRASH_ROUNDS", "24"))
KINDS = ("release", "rules", "import", "record")
PROBES = ("T1197", "T1059.001", "T1055")
ACTOR_PROBE = "G0007"
# ET Open files copied as the "et" source (about 12,000 rules, 7 MB).
ET_FILES = ("emerging-info.rules", "emerging-phishing.rules",
            "emerging-mobile_malware.rules", "emerging-policy.rules",
            "emerging-scan.rules")
WINDOW = (1713690000, 1713700000)  # the experiments' alert window
EVE_LINES = 360000  # 53 MB
MAX_WRITES = 500  # per round, a bound for very fast machines


def _log(msg):
    print(f"[kill_test {time.strftime('%H:%M:%S')}] {msg}", flush=True)


def _strip(d, *keys):
    for k in keys:
        d.pop(k, None)
    return d


def _without_time(results):
    return [_strip(dict(r), "recordedAtUnix") for r in results]


class State:
    """What a client can read back, normalised for comparison."""

    def __init__(self, c):
        self.releases = {}
        for r in c.releases().releases:
            d = _strip(Client.to_dict(r), "ingestedAtUnix")
            self.releases[f"{r.domain}@{r.version}"] = d
        self.probes = {}
        for key, r in self.releases.items():
            for tid in PROBES + (ACTOR_PROBE,):
                try:
                    if tid == ACTOR_PROBE:
                        m = c.actor(tid, attack_version=r["version"], domain=r["domain"])
                    else:
                        m = c.technique(tid, attack_version=r["version"], domain=r["domain"])
                    self.probes[(key, tid)] = Client.to_dict(m)
                except CovError as e:
                    self.probes[(key, tid)] = e.code
        self.sources = {}
        self.rules = {}
        for s in c.sources().sources:
            self.sources[s.name] = _strip(Client.to_dict(s), "ingestedAtUnix")
            self.rules[s.name] = sorted(
                (r.uid, r.file, r.line, r.content_hash, r.enabled)
                for r in c.iter_rules(source=s.name, page_size=5000))
        self.experiments = {}
        for e in c.experiments().experiments:
            full = c.experiment(e.id)
            self.experiments[e.id] = [Client.to_dict(r) for r in full.results]

    def parts(self):
        return {"releases": self.releases, "probes": self.probes,
                "sources": self.sources, "rules": self.rules,
                "experiments": self.experiments}

    def check_invariants(self, test, what):
        for key in self.releases:
            for tid in PROBES + (ACTOR_PROBE,):
                test.assertIsInstance(self.probes[(key, tid)], dict,
                                      f"{what}: release {key} is listed but {tid} "
                                      f"answers {self.probes[(key, tid)]}")
        for name, s in self.sources.items():
            test.assertEqual(s.get("ruleCount", 0), len(self.rules[name]),
                             f"{what}: source {name}: rule_count != rules listed")


class _Checks:
    """The comparisons, apart so CheckerTest can show they fail."""

    @staticmethod
    def _release_norm(d):
        return _strip(dict(d), "version", "sourceFile", "isDefault")

    def _assert_same_except(self, got, before, what, *changed):
        g, b = got.parts(), before.parts()
        for name in g:
            if name not in changed:
                self.assertEqual(g[name], b[name], f"{what}: {name} changed:\n"
                                 f"{_diff(g[name], b[name])}")

    def _assert_results_kept(self, before, got, what):
        for eid, results in before.experiments.items():
            self.assertIn(eid, got.experiments, f"{what}: experiment {eid} lost")
            self.assertEqual(got.experiments[eid][:len(results)], results,
                             f"{what}: recorded results of {eid} lost or changed")

    def _check_releases(self, got, before, n, acked, attempted, what):
        self._assert_same_except(got, before, what, "releases", "probes")
        new = sorted(set(got.releases) - set(before.releases))
        for key in before.releases:
            self.assertEqual(got.releases.get(key), before.releases[key], f"{what}: {key}")
            for tid in PROBES + (ACTOR_PROBE,):
                self.assertEqual(got.probes[(key, tid)], before.probes[(key, tid)],
                                 f"{what}: {tid} of {key}")
        j = len(new)
        self.assertEqual(new, sorted(f"enterprise-attack@17.1.{n}.{k}" for k in range(j)),
                         f"{what}: releases added")
        self.assertGreaterEqual(j, acked, f"{what}: acknowledged releases lost")
        self.assertLessEqual(j, attempted, f"{what}: more releases than sent")
        for key in new:
            self.assertEqual(self._release_norm(got.releases[key]), self.ref_release,
                             f"{what}: release {key} differs from 17.1")
            for tid in PROBES + (ACTOR_PROBE,):
                # Techniques name their release: the one difference allowed.
                self.assertIsInstance(got.probes[(key, tid)], dict,
                                      f"{what}: {tid} of {key} answers "
                                      f"{got.probes[(key, tid)]}")
                probe = dict(got.probes[(key, tid)])
                if "release" in probe:
                    self.assertEqual(probe.pop("release"),
                                     {"domain": "enterprise-attack",
                                      "version": key.split("@")[1]},
                                     f"{what}: {tid} of {key} names its release")
                want = dict(self.ref_probes[tid])
                want.pop("release", None)
                self.assertEqual(probe, want, f"{what}: {tid} of {key} differs from 17.1")
        return f"{j} new releases ({acked} acked)"

    def _check_repeated_results(self, got, before, eid, block, acked, attempted, what):
        self._assert_same_except(got, before, what, "experiments")
        for other, results in before.experiments.items():
            if other != eid:
                self.assertEqual(got.experiments[other], results, f"{what}: {other}")
        old, new = before.experiments[eid], got.experiments[eid]
        self.assertEqual(new[:len(old)], old, f"{what}: recorded results lost or changed")
        added = new[len(old):]
        j, rest = divmod(len(added), len(block))
        self.assertEqual(rest, 0, f"{what}: {len(added)} results is no whole number of "
                         f"writes of {len(block)}")
        self.assertEqual(_without_time(added), _without_time(block) * j,
                         f"{what}: results of the interrupted writes")
        self.assertGreaterEqual(j, acked, f"{what}: acknowledged writes lost")
        self.assertLessEqual(j, attempted, f"{what}: more writes than sent")
        return j


class KillTest(_Checks, unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        _log(f"seed {SEED}, {ROUNDS} rounds (COV_CRASH_SEED / COV_CRASH_ROUNDS)")
        cls.rng = random.Random(SEED)
        cls.corpus = corpus_dir()
        tmp = os.environ.get("TEST_TMPDIR") or "/tmp"
        cls.work = os.path.join(tmp, "kill_test")
        shutil.rmtree(cls.work, ignore_errors=True)
        os.makedirs(cls.work)
        cls.db = os.path.join(cls.work, "db")
        cls.et = os.path.join(cls.work, "et")
        os.makedirs(cls.et)
        for name in ET_FILES:
            shutil.copyfile(os.path.join(cls.corpus, "suricata", "et-open-2024-04-21",
                                         "rules", name), os.path.join(cls.et, name))
        bundle17 = os.path.join(cls.corpus, "attack", "enterprise-attack-17.1.json")
        with open(bundle17, "rb") as f:
            cls.bundle17 = f.read()
        cls.covd = None
        cls.c = None
        cls._start()
        t0 = time.monotonic()
        cls.c.ingest_attack(os.path.join(cls.corpus, "attack", "enterprise-attack-18.1.json"),
                            make_default=True)
        cls.c.ingest_attack(bundle17)
        cls.c.ingest_rules("suricata", cls.et, "et")
        sids = [r.sid for r in cls.c.iter_rules(source="et", page_size=5000)
                if r.enabled and r.attack_refs]
        cls.eve = os.path.join(cls.work, "eve.json")
        cls._write_eve(sids)
        techniques = ["T1197", "T1105", "T1071.001", "T1059.001"]
        cls.exp = cls.c.start_experiment("kill-main", *WINDOW, techniques=techniques).id
        cls.control = cls.c.start_experiment("kill-control", *WINDOW,
                                             techniques=techniques).id
        cls.c.record(cls.exp, "T1197", "detected", note="recorded before any kill")
        # The reference every new 17.1.x release must equal.
        ref = State(cls.c)
        cls.ref_release = cls._release_norm(ref.releases["enterprise-attack@17.1"])
        cls.ref_probes = {tid: ref.probes[("enterprise-attack@17.1", tid)]
                          for tid in PROBES + (ACTOR_PROBE,)}
        _log(f"setup in {time.monotonic() - t0:.1f}s: {len(sids)} ATT&CK-tagged sids, "
             f"experiment {cls.exp}, control {cls.control}")

    @classmethod
    def tearDownClass(cls):
        if cls.c:
            cls.c.close()
        if cls.covd:
            cls.covd.stop()

    @classmethod
    def _start(cls):
        cls.covd = Covd(db_dir=cls.db).start()
        cls.c = Client(cls.covd.address, timeout=120)
        cls.c.wait_ready(timeout=30)

    @classmethod
    def _kill(cls):
        cls.covd.proc.send_signal(signal.SIGKILL)
        cls.covd.proc.wait(timeout=20)
        cls.covd.stop()  # already dead: only closes the log

    @classmethod
    def _restart(cls):
        cls.c.close()
        t = time.monotonic()
        cls._start()
        return time.monotonic() - t

    @classmethod
    def _write_eve(cls, sids):
        rng = random.Random(SEED + 1)
        with open(cls.eve, "w") as f:
            for i in range(EVE_LINES):
                ts = WINDOW[0] + 60 + i % 9000
                stamp = time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(ts))
                if i % 4:
                    f.write(f'{{"timestamp":"{stamp}.000000+0000","event_type":"flow",'
                            f'"src_ip":"10.0.0.{i % 250}","dest_port":{i % 65535}}}\n')
                    continue
                sid = sids[rng.randrange(len(sids))] if i % 3 else 1 + i
                f.write(f'{{"timestamp":"{stamp}.{i % 1000000:06d}+0000","event_type":"alert",'
                        f'"src_ip":"10.0.0.5","src_port":49712,"dest_ip":"192.0.2.10",'
                        f'"dest_port":80,"proto":"TCP","alert":{{"action":"allowed",'
                        f'"gid":1,"signature_id":{sid},"rev":1,'
                        f'"signature":"crash test alert {i}"}}}}\n')

    # -- writes ------------------------------------------------------------------

    def _ingest_release(self, c, version):
        req = cov_pb2.IngestAttackRequest(content=self.bundle17,
                                          file_name=f"enterprise-attack-{version}.json")
        c._call(c._stub.IngestAttack, req, timeout=120)  # pylint: disable=protected-access

    def _make_edited_copy(self, n):
        """Returns a copy of the "et" folder with one rule added, one disabled,
        one removed and one message changed, and every file changed."""
        edited = os.path.join(self.work, f"et-{n}")
        shutil.copytree(self.et, edited)
        files = sorted(os.listdir(edited))
        for name in files:
            with open(os.path.join(edited, name), "a") as f:
                f.write(f"# crash test round {n}\n")
        path = os.path.join(edited, self.rng.choice(files))
        with open(path, "a") as f:
            f.write(f'alert tcp any any -> any any (msg:"crash test rule {n}"; '
                    f'content:"kill{n}"; metadata: mitre_technique_id T1197; '
                    f'sid:{9200000 + n}; rev:1;)\n')
        for action in ("disable", "remove", "rename"):
            path = os.path.join(edited, self.rng.choice(files))
            with open(path, encoding="utf-8", errors="surrogateescape") as f:
                lines = f.readlines()
            i = self.rng.choice([i for i, l in enumerate(lines) if l.startswith("alert ")])
            if action == "disable":
                lines[i] = "#" + lines[i]
            elif action == "remove":
                del lines[i]
            else:
                lines[i] = lines[i].replace('msg:"', f'msg:"[edit {n}] ', 1)
            with open(path, "w", encoding="utf-8", errors="surrogateescape") as f:
                f.writelines(lines)
        return edited

    def _swap_et(self, other):
        """Exchanges the contents of the "et" folder and `other`."""
        tmp = self.et + ".swap"
        os.rename(self.et, tmp)
        os.rename(other, self.et)
        os.rename(tmp, other)

    # -- the test ----------------------------------------------------------------

    def test_kill_during_writes(self):
        t_start = time.monotonic()
        state = State(self.c)
        state.check_invariants(self, "start")
        for n in range(ROUNDS):
            kind = KINDS[n % len(KINDS)]
            delay = self.rng.uniform(0.0, 0.8)
            what = f"round {n} ({kind}, kill after {delay * 1000:.0f} ms)"
            t0 = time.monotonic()
            block = None
            other = None
            if kind == "rules":
                # Both versions the writes alternate between, measured whole.
                other = self._make_edited_copy(n)
                self._swap_et(other)
                self.c.ingest_rules("suricata", self.et, "et")
                state_b = State(self.c)
                self._swap_et(other)
                self.c.ingest_rules("suricata", self.et, "et")
                state = State(self.c)
                state_a = state
                self.assertEqual(state_a.parts(), state_b.parts() | {
                    "sources": state_a.sources, "rules": state_a.rules},
                                 f"{what}: a rule ingest changed something else")
                self.assertNotEqual(state_a.rules, state_b.rules, f"{what}: no edit")
            elif kind == "import":
                # What one import adds: the same import into the control.
                n0 = len(state.experiments[self.control])
                self.c.import_alerts(self.control, self.eve)
                state = State(self.c)
                block = state.experiments[self.control][n0:]
            elif kind == "record":
                block = None
            before = state
            acked = [0]
            attempted = [0]
            stop = threading.Event()

            def write(kind=kind, n=n, client=self.c, other=other):
                try:
                    for k in range(MAX_WRITES):
                        if stop.is_set():
                            return
                        attempted[0] = k + 1
                        if kind == "release":
                            self._ingest_release(client, f"17.1.{n}.{k}")
                        elif kind == "rules":
                            self._swap_et(other)
                            client.ingest_rules("suricata", self.et, "et")
                        elif kind == "import":
                            client.import_alerts(self.exp, self.eve)
                        else:
                            client.record(self.exp, "T1105", "missed",
                                          note=f"round {n} record {k}")
                        acked[0] = k + 1
                except CovError:
                    pass  # the server died under the call

            th = threading.Thread(target=write, daemon=True)
            th.start()
            time.sleep(delay)
            self._kill()
            stop.set()
            th.join(timeout=60)
            self.assertFalse(th.is_alive(), f"{what}: the write did not return after the kill")
            restart_s = self._restart()
            got = State(self.c)
            got.check_invariants(self, what)
            self._assert_results_kept(before, got, what)

            if kind == "release":
                outcome = self._check_releases(got, before, n, acked[0], attempted[0], what)
            elif kind == "rules":
                if got.parts() == state_a.parts():
                    outcome = "version A"
                elif got.parts() == state_b.parts():
                    outcome = "version B"
                else:
                    for name, part in got.parts().items():
                        self.assertIn(part, (state_a.parts()[name], state_b.parts()[name]),
                                      f"{what}: {name} is neither version A nor B:\n"
                                      f"{_diff(part, state_a.parts()[name])}")
                    self.fail(f"{what}: a mix of versions A and B")
                outcome += f" after {attempted[0]} ingests ({acked[0]} acked)"
                # Leave the folder holding the version the store has.
                if (outcome.startswith("version A")) != (attempted[0] % 2 == 0):
                    self._swap_et(other)
                shutil.rmtree(other)
            elif kind == "import":
                j = self._check_repeated_results(got, before, self.exp, block, acked[0],
                                                 attempted[0], what)
                outcome = f"{j} whole imports of {attempted[0]} ({acked[0]} acked)"
            else:
                old = before.experiments[self.exp]
                new = got.experiments[self.exp]
                j = len(new) - len(old)
                self._assert_same_except(got, before, what, "experiments")
                self.assertEqual([r["note"] for r in new[len(old):]],
                                 [f"round {n} record {k}" for k in range(j)],
                                 f"{what}: records out of order or altered")
                self.assertGreaterEqual(j, acked[0], f"{what}: acknowledged records lost")
                self.assertLessEqual(j, attempted[0], f"{what}: more records than sent")
                outcome = f"{j} records ({acked[0]} acked)"
            state = got
            _log(f"{what}: {outcome}; restart {restart_s:.2f}s, "
                 f"round {time.monotonic() - t0:.1f}s")
        rss = "?"
        try:
            with open(f"/proc/{self.covd.proc.pid}/status") as f:
                rss = [l.split()[1] for l in f if l.startswith("VmRSS:")][0]
        except OSError:
            pass
        _log(f"{ROUNDS} rounds in {time.monotonic() - t_start:.0f}s; covd RSS {rss} kB, "
             f"{len(state.releases)} releases")
        self.assertEqual(state.experiments[self.exp][0]["note"], "recorded before any kill")
        # Under --config=asan a UBSan report does not stop covd: read its log.
        log = self.covd.log()
        for marker in ("runtime error:", "AddressSanitizer", "LeakSanitizer"):
            self.assertNotIn(marker, log, "covd log holds a sanitizer report")


class _Fake:
    def __init__(self, **parts):
        self.__dict__.update(parts)

    def parts(self):
        return {k: self.__dict__[k] for k in ("releases", "probes", "sources", "rules",
                                              "experiments")}


class CheckerTest(_Checks, unittest.TestCase):
    """The comparisons reject what a non-atomic store could show."""

    ref_release = {"domain": "enterprise-attack", "counts": {"techniques": 2}}
    ref_probes = {tid: {"id": tid, "release": {"domain": "enterprise-attack",
                                               "version": "17.1"}}
                  for tid in PROBES + (ACTOR_PROBE,)}

    def state(self, versions=(), results=(), rules=("r1",)):
        releases, probes = {}, {}
        for v in versions:
            key = f"enterprise-attack@{v}"
            releases[key] = dict(self.ref_release, version=v)
            for tid in PROBES + (ACTOR_PROBE,):
                probes[(key, tid)] = {"id": tid, "release": {"domain": "enterprise-attack",
                                                             "version": v}}
        return _Fake(releases=releases, probes=probes, sources={"et": {"ruleCount": 1}},
                     rules={"et": list(rules)}, experiments={"E": list(results)})

    def test_releases(self):
        before = self.state(["18.1"])
        two = self.state(["18.1", "17.1.5.0", "17.1.5.1"])
        self.assertEqual(self._check_releases(two, before, 5, 1, 2, "t"),
                         "2 new releases (1 acked)")
        with self.assertRaisesRegex(AssertionError, "acknowledged releases lost"):
            self._check_releases(before, before, 5, 1, 1, "t")
        gap = self.state(["18.1", "17.1.5.1"])
        with self.assertRaisesRegex(AssertionError, "releases added"):
            self._check_releases(gap, before, 5, 0, 2, "t")
        half = self.state(["18.1", "17.1.5.0"])
        del half.probes[("enterprise-attack@17.1.5.0", "T1055")]
        half.probes[("enterprise-attack@17.1.5.0", "T1055")] = "NOT_FOUND"
        with self.assertRaisesRegex(AssertionError, "T1055 of enterprise-attack@17.1.5.0"):
            self._check_releases(half, before, 5, 0, 1, "t")
        other = self.state(["18.1"], rules=("r1", "r2"))
        with self.assertRaisesRegex(AssertionError, "rules changed"):
            self._check_releases(other, before, 5, 0, 1, "t")

    def test_repeated_results(self):
        before = self.state(results=[{"note": "old"}])
        block = [{"note": "a", "recordedAtUnix": 1}, {"note": "b", "recordedAtUnix": 1}]
        two = self.state(results=[{"note": "old"}] + [dict(r, recordedAtUnix=9)
                                                      for r in block * 2])
        self.assertEqual(self._check_repeated_results(two, before, "E", block, 1, 3, "t"), 2)
        part = self.state(results=[{"note": "old"}, {"note": "a"}])
        with self.assertRaisesRegex(AssertionError, "no whole number"):
            self._check_repeated_results(part, before, "E", block, 0, 1, "t")
        with self.assertRaisesRegex(AssertionError, "acknowledged writes lost"):
            self._check_repeated_results(before, before, "E", block, 1, 1, "t")
        lost = self.state(results=[])
        with self.assertRaisesRegex(AssertionError, "recorded results lost"):
            self._check_repeated_results(lost, before, "E", block, 0, 1, "t")


def _diff(got, want):
    def short(x):
        s = repr(x)
        return s if len(s) < 600 else s[:600] + "..."
    if isinstance(got, dict) and isinstance(want, dict):
        out = []
        for k in sorted(set(got) | set(want), key=repr):
            if got.get(k) != want.get(k):
                out.append(f"  {k!r}:\n    got  {short(got.get(k))}\n"
                           f"    want {short(want.get(k))}")
        return "\n".join(out[:10])
    return f"  got  {short(got)}\n  want {short(want)}"


if __name__ == "__main__":
    junit.main()
