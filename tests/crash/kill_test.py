"""Crash test: SIGKILL covd in the middle of large writes, restart it on the
same store, and check every answer shows the state before the write or the
state after it, never a mix, and that nothing acknowledged is lost.

Setup: ATT&CK Enterprise 18.1 (default release), a copy of a few ET Open
Suricata files as source "et", an experiment with one recorded result, a
control experiment with the same plan, and a generated EVE file.

Each round starts one write in a background thread and kills covd with
SIGKILL after a random 0-800 ms; the writes rotate through:
  release  IngestAttack of enterprise-attack-17.1 as a new release
           ("17.1NN", through the file name)
  rules    re-ingest of the "et" copy after editing it (rule added, disabled,
           removed, message changed)
  import   ImportAlerts of the large EVE file into the experiment
  record   RecordResult in a loop until killed
After the restart a snapshot (releases; T1197/T1059.001/T1055 in every
release; sources with their rule lists from ListRules; experiments with their
results) must equal the snapshot before the write or the one after it:
"after" comes from running the same write again to completion (release,
rules), from the same import into the control experiment (import), or from
the sequence of records (record). A write acknowledged before the kill must
be there. Invariants checked on every snapshot: each listed release answers
GetTechnique; each source's rule_count equals the rules ListRules returns;
recorded results are never lost.

The random seed is printed (COV_CRASH_SEED overrides it, COV_CRASH_ROUNDS
the number of rounds).
"""

import copy
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
# ET Open files copied as the "et" source (about 12,000 rules, 7 MB): each
# edit touches all of them, so a re-ingest rewrites every rule (~0.5 s).
ET_FILES = ("emerging-info.rules", "emerging-phishing.rules",
            "emerging-mobile_malware.rules", "emerging-policy.rules",
            "emerging-scan.rules")
WINDOW = (1713690000, 1713700000)  # the experiments' alert window
EVE_LINES = 360000  # 53 MB; an import takes ~0.7 s


def _log(msg):
    print(f"[kill_test {time.strftime('%H:%M:%S')}] {msg}", flush=True)


def _strip(d, *keys):
    for k in keys:
        d.pop(k, None)
    return d


class State:
    """What a client can read back, normalised for comparison."""

    def __init__(self, c):
        self.releases = {}
        for r in c.releases().releases:
            d = _strip(Client.to_dict(r), "ingestedAtUnix")
            self.releases[f"{r.domain}@{r.version}"] = d
        self.techniques = {}
        for key, r in self.releases.items():
            for tid in PROBES:
                try:
                    t = c.technique(tid, attack_version=r["version"], domain=r["domain"])
                    self.techniques[(key, tid)] = Client.to_dict(t)
                except CovError as e:
                    self.techniques[(key, tid)] = e.code
        self.sources = {}
        self.rules = {}
        for s in c.sources().sources:
            self.sources[s.name] = _strip(Client.to_dict(s), "ingestedAtUnix")
            self.rules[s.name] = sorted(
                (r.uid, r.file, r.line, r.content_hash, r.enabled)
                for r in c.iter_rules(source=s.name, page_size=2000))
        self.experiments = {}
        for e in c.experiments().experiments:
            full = c.experiment(e.id)
            self.experiments[e.id] = [Client.to_dict(r) for r in full.results]

    def parts(self):
        return {"releases": self.releases, "techniques": self.techniques,
                "sources": self.sources, "rules": self.rules,
                "experiments": self.experiments}

    def check_invariants(self, test):
        for key in self.releases:
            test.assertIsInstance(self.techniques[(key, "T1197")], dict,
                                  f"release {key} is listed but T1197 is missing")
        for name, s in self.sources.items():
            test.assertEqual(s.get("ruleCount", 0), len(self.rules[name]),
                             f"source {name}: rule_count != rules listed")


def _without_time(results):
    return [_strip(dict(r), "recordedAtUnix") for r in results]


class KillTest(unittest.TestCase):
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
        with open(os.path.join(cls.corpus, "attack", "enterprise-attack-17.1.json"),
                  "rb") as f:
            cls.bundle17 = f.read()
        cls.covd = None
        cls.c = None
        cls._start()
        t0 = time.monotonic()
        cls.c.ingest_attack(os.path.join(cls.corpus, "attack", "enterprise-attack-18.1.json"),
                            make_default=True)
        cls.c.ingest_rules("suricata", cls.et, "et")
        sids = [r.sid for r in cls.c.iter_rules(source="et", page_size=2000)
                if r.enabled and r.attack_refs]
        cls.eve = os.path.join(cls.work, "eve.json")
        cls._write_eve(sids)
        techniques = ["T1197", "T1105", "T1071.001", "T1059.001"]
        cls.exp = cls.c.start_experiment("kill-main", *WINDOW, techniques=techniques).id
        cls.control = cls.c.start_experiment("kill-control", *WINDOW,
                                             techniques=techniques).id
        cls.c.record(cls.exp, "T1197", "detected", note="recorded before any kill")
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

    # -- the writes ------------------------------------------------------------

    def _ingest_release(self, c, n):
        req = cov_pb2.IngestAttackRequest(content=self.bundle17,
                                          file_name=f"enterprise-attack-17.1{n:02d}.json")
        c._call(c._stub.IngestAttack, req, timeout=120)  # pylint: disable=protected-access

    def _edit_et(self, n):
        """Edits the "et" copy: one rule added, one disabled, one removed, one
        message changed, in files picked at random, and a comment appended to
        every file so that all of them are parsed and stored again."""
        files = sorted(os.listdir(self.et))
        for name in files:
            with open(os.path.join(self.et, name), "a") as f:
                f.write(f"# crash test round {n}\n")

        def rule_lines(path):
            with open(path, encoding="utf-8", errors="surrogateescape") as f:
                lines = f.readlines()
            return lines, [i for i, l in enumerate(lines) if l.startswith("alert ")]

        def write(path, lines):
            with open(path, "w", encoding="utf-8", errors="surrogateescape") as f:
                f.writelines(lines)

        path = os.path.join(self.et, self.rng.choice(files))
        with open(path, "a") as f:
            f.write(f'alert tcp any any -> any any (msg:"crash test rule {n}"; '
                    f'content:"kill{n}"; metadata: mitre_technique_id T1197; '
                    f'sid:{9200000 + n}; rev:1;)\n')
        for action in ("disable", "remove", "rename"):
            path = os.path.join(self.et, self.rng.choice(files))
            lines, idx = rule_lines(path)
            i = self.rng.choice(idx)
            if action == "disable":
                lines[i] = "#" + lines[i]
            elif action == "remove":
                del lines[i]
            else:
                lines[i] = lines[i].replace('msg:"', f'msg:"[edit {n}] ', 1)
            write(path, lines)

    # -- checks ------------------------------------------------------------------

    def _assert_one_of(self, got, before, after, what):
        """Each part of `got` equals that part of `before` or of `after`, and
        all of them come from the same side."""
        g, b, a = got.parts(), before.parts(), after.parts()
        side = None
        for name in g:
            if g[name] == a[name] and g[name] == b[name]:
                continue
            if g[name] == b[name]:
                this = "before"
            elif g[name] == a[name]:
                this = "after"
            else:
                self.fail(f"{what}: {name} matches neither the state before nor "
                          f"after the write:\n{_diff(g[name], b[name], a[name])}")
            if side and side != this:
                self.fail(f"{what}: a mix: {name} is {this}, an earlier part is {side}")
            side = this
        return side or "same"

    def _assert_results_kept(self, before, got, what):
        for eid, results in before.experiments.items():
            self.assertIn(eid, got.experiments, f"{what}: experiment {eid} lost")
            self.assertEqual(got.experiments[eid][:len(results)], results,
                             f"{what}: recorded results of {eid} lost or changed")

    # -- the test ----------------------------------------------------------------

    def test_kill_during_writes(self):
        counts = {k: {"before": 0, "after": 0, "same": 0} for k in KINDS}
        t_start = time.monotonic()
        state = State(self.c)
        state.check_invariants(self)
        self.assertEqual(len(state.experiments[self.exp]), 1)
        for n in range(ROUNDS):
            kind = KINDS[n % len(KINDS)]
            delay = self.rng.uniform(0.0, 0.8)
            if kind == "rules":
                self._edit_et(n)
            ref_delta = None
            if kind == "import":
                # The same import into the control experiment, to completion.
                n0 = len(state.experiments[self.control])
                self.c.import_alerts(self.control, self.eve)
                ref_delta = State(self.c).experiments[self.control][n0:]
                state = State(self.c)
            before = state
            acked = []
            attempted = [0]
            stop = threading.Event()
            client = self.c

            def write(kind=kind, n=n, client=client):
                try:
                    if kind == "release":
                        self._ingest_release(client, n)
                        acked.append(True)
                    elif kind == "rules":
                        client.ingest_rules("suricata", self.et, "et")
                        acked.append(True)
                    elif kind == "import":
                        client.import_alerts(self.exp, self.eve)
                        acked.append(True)
                    else:
                        k = 0
                        while not stop.is_set() and k < 5000:
                            attempted[0] = k + 1
                            client.record(self.exp, "T1105", "missed",
                                          note=f"round {n} record {k}")
                            acked.append(k)
                            k += 1
                except CovError:
                    pass  # the server died under the call

            th = threading.Thread(target=write, daemon=True)
            t0 = time.monotonic()
            th.start()
            time.sleep(delay)
            self._kill()
            stop.set()
            th.join(timeout=60)
            self.assertFalse(th.is_alive(), "the write did not return after the kill")
            restart_s = self._restart()
            got = State(self.c)
            what = f"round {n} ({kind}, kill after {delay * 1000:.0f} ms)"
            got.check_invariants(self)
            self._assert_results_kept(before, got, what)

            if kind in ("release", "rules"):
                # "after": the same write, run to completion.
                if kind == "release":
                    self._ingest_release(self.c, n)
                else:
                    self.c.ingest_rules("suricata", self.et, "et")
                after = State(self.c)
                after.check_invariants(self)
                side = self._assert_one_of(got, before, after, what)
                if acked:
                    self.assertNotEqual(side, "before",
                                        f"{what}: acknowledged write lost")
                state = after
            elif kind == "import":
                after = copy.copy(before)
                after.experiments = dict(before.experiments)
                old = before.experiments[self.exp]
                new = got.experiments[self.exp]
                if len(new) != len(old):
                    self.assertEqual(_without_time(new[len(old):]),
                                     _without_time(ref_delta),
                                     f"{what}: imported results differ from the control's")
                after.experiments[self.exp] = new
                self._assert_one_of(got, before, after, what)
                side = "before" if len(new) == len(old) else "after"
                if acked:
                    self.assertEqual(len(new), len(old) + len(ref_delta),
                                     f"{what}: acknowledged import lost")
                state = got
            else:
                old = before.experiments[self.exp]
                new = got.experiments[self.exp]
                j = len(new) - len(old)
                self.assertGreaterEqual(j, len(acked), f"{what}: acknowledged records lost")
                self.assertLessEqual(j, attempted[0], f"{what}: more records than sent")
                self.assertEqual([r["note"] for r in new[len(old):]],
                                 [f"round {n} record {k}" for k in range(j)],
                                 f"{what}: records out of order or altered")
                after = copy.copy(before)
                after.experiments = dict(before.experiments)
                after.experiments[self.exp] = new
                side = self._assert_one_of(got, before, after, what)
                side = f"{j} records ({len(acked)} acked)"
                state = got
            if kind != "record":
                counts[kind][side] += 1
            _log(f"{what}: {side}; restart {restart_s:.2f}s, "
                 f"round {time.monotonic() - t0:.1f}s")
        _log(f"{ROUNDS} rounds in {time.monotonic() - t_start:.0f}s; outcomes {counts}")
        self.assertEqual(state.experiments[self.exp][0]["note"], "recorded before any kill")


class _FakeState:
    def __init__(self, **parts):
        self._parts = parts

    def parts(self):
        return self._parts


class CheckerTest(unittest.TestCase):
    """The comparison itself: a mix or a third state must fail."""

    def test_before_after_and_mix(self):
        check = KillTest._assert_one_of  # pylint: disable=protected-access
        before = _FakeState(releases={"a": 1}, rules={"et": [1]})
        after = _FakeState(releases={"a": 1, "b": 2}, rules={"et": [1, 2]})
        self.assertEqual(check(self, before, before, after, "t"), "before")
        self.assertEqual(check(self, after, before, after, "t"), "after")
        mix = _FakeState(releases={"a": 1, "b": 2}, rules={"et": [1]})
        with self.assertRaisesRegex(AssertionError, "a mix: rules is before"):
            check(self, mix, before, after, "t")
        third = _FakeState(releases={"a": 1}, rules={"et": []})
        with self.assertRaisesRegex(AssertionError, "rules matches neither"):
            check(self, third, before, after, "t")


def _diff(got, before, after):
    def short(x):
        s = repr(x)
        return s if len(s) < 600 else s[:600] + "..."
    if isinstance(got, dict):
        keys = sorted(set(got) | set(before) | set(after), key=repr)
        out = []
        for k in keys:
            g, b, a = got.get(k), before.get(k), after.get(k)
            if g != b or g != a:
                out.append(f"  {k!r}:\n    got    {short(g)}\n    before {short(b)}\n"
                           f"    after  {short(a)}")
        return "\n".join(out[:10])
    return f"  got {short(got)}\n  before {short(before)}\n  after {short(after)}"


if __name__ == "__main__":
    junit.main()
