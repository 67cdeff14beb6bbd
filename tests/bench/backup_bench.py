"""Backup, restore and replica-reload figures on the quick start's store.

    bazel run //tests/bench:backup_bench [-- --reads 4]

Builds the store of deploy/quickstart.sh (enterprise 18.1 + 17.1, mobile, ICS
and every public rule corpus) in a primary covd on loopback, then measures:
  - `CreateBackup` full and incremental (nothing changed / one source
    re-ingested), with queries running: no downtime;
  - the naive alternative in the same run: stop covd, `cp -a` the store,
    start covd again (the downtime a consistent file copy needs);
  - a live `RestoreBackup` on the primary: total time and the pause new
    requests wait;
  - a replica: start from the snapshot to first answer, and a reload under
    read load (the pause, and GetCoverage p50/p99 during vs. without reloads).
"""

import argparse
import os
import shutil
import statistics
import subprocess
import tempfile
import threading
import time

from covclient import Client  # noqa: E402
from tests.python.covd_fixture import Covd, corpus_dir  # noqa: E402


class Server(Covd):
    """A covd with its store in `root`; start() returns seconds to listening."""

    def __init__(self, root, name, *flags):
        super().__init__(os.path.join(root, name), ["--rpc_log", "off", *flags])

    def start(self):
        t0 = time.monotonic()
        super().start()
        return time.monotonic() - t0


def du(path):
    total = 0
    for root, _, files in os.walk(path):
        for f in files:
            try:
                total += os.lstat(os.path.join(root, f)).st_size
            except OSError:
                pass
    return total


def timed(fn):
    t0 = time.monotonic()
    r = fn()
    return r, time.monotonic() - t0


def first_answer(address):
    """Seconds until a GetCoverage answer (KB and rule index warm)."""
    t0 = time.monotonic()
    c = Client(address)
    c.wait_ready(30)
    c.coverage(summary=True)
    c.close()
    return time.monotonic() - t0


class Load:
    """Readers calling GetCoverage(summary) in a loop; latencies in ms."""

    def __init__(self, address, threads):
        self.client = Client(address)
        self.stop_event = threading.Event()
        self.lat = []
        self.errors = []
        self.lock = threading.Lock()
        self.threads = [threading.Thread(target=self.run) for _ in range(threads)]

    def run(self):
        while not self.stop_event.is_set():
            t0 = time.monotonic()
            try:
                self.client.coverage(summary=True)
                ms = (time.monotonic() - t0) * 1000
                with self.lock:
                    self.lat.append(ms)
            except Exception as e:  # noqa: BLE001 - every failure counts
                with self.lock:
                    self.errors.append(str(e))

    def __enter__(self):
        for t in self.threads:
            t.start()
        return self

    def __exit__(self, *exc):
        self.stop_event.set()
        for t in self.threads:
            t.join()
        self.client.close()

    def take(self):
        with self.lock:
            lat, self.lat = self.lat, []
            return lat


def pct(values, p):
    if not values:
        return float("nan")
    values = sorted(values)
    return values[min(len(values) - 1, int(len(values) * p))]


def main():
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--reads", type=int, default=4, help="reader threads during reloads")
    ap.add_argument("--reloads", type=int, default=5)
    args = ap.parse_args()

    corpus = corpus_dir()
    root = tempfile.mkdtemp(prefix="cov-backup-bench-")
    snapshots = os.path.join(root, "snapshots")
    print(f"work folder {root}; machine load {os.getloadavg()[0]:.1f}")
    primary = Server(root, "primary")
    primary.start()
    c = Client(primary.address, timeout=600)
    c.wait_ready()
    attack = os.path.join(corpus, "attack")
    c.ingest_attack(os.path.join(attack, "enterprise-attack-18.1.json"),
                    make_default=True, server_path=True)
    for f in ("enterprise-attack-17.1", "mobile-attack-18.1", "ics-attack-18.1"):
        c.ingest_attack(os.path.join(attack, f + ".json"), server_path=True)
    sources = [
        ("sigma", "sigma/sigmahq-r2026-04-01", "sigmahq"),
        ("sigma", "sigma/sigmahq-legacy-0.20", "sigma-legacy-0.20"),
        ("suricata", "suricata/et-open-2024-04-21", "et-open"),
        ("yara", "yara/signature-base", "signature-base"),
        ("yara", "yara/attack-tagged", "yara-attack-tagged"),
    ]
    for fmt, path, name in sources:
        c.ingest_rules(fmt, os.path.join(corpus, path), source=name)
    rules = sum(s.rule_count for s in c.sources().sources)
    c.coverage(summary=True)
    print(f"store: 4 releases, {len(sources)} sources, {rules} rules, "
          f"{du(primary.db) / 1e6:.1f} MB on disk")

    # Backups while readers run: no downtime.
    with Load(primary.address, 2) as load:
        b1, t_full = timed(lambda: c.backup(snapshots))
        b2, t_same = timed(lambda: c.backup(snapshots))
        # One source changes: re-ingest YARA attack-tagged under a new name.
        c.ingest_rules("yara", os.path.join(corpus, "yara/attack-tagged"), source="yara-copy")
        b3, t_changed = timed(lambda: c.backup(snapshots))
        lat = load.take()
        errors = list(load.errors)
    print(f"CreateBackup full:          {t_full * 1000:7.0f} ms  "
          f"({b1.backup.size_bytes / 1e6:.1f} MB, {b1.backup.file_count} files)")
    print(f"CreateBackup unchanged:     {t_same * 1000:7.0f} ms  (incremental)")
    print(f"CreateBackup one new source:{t_changed * 1000:7.0f} ms  "
          f"(backup dir {du(snapshots) / 1e6:.1f} MB for 3 backups)")
    print(f"  queries meanwhile: {len(lat)} answers, p50 {pct(lat, .5):.2f} ms, "
          f"p99 {pct(lat, .99):.2f} ms, {len(errors)} errors")

    # Naive alternative: a consistent file copy needs covd stopped.
    t0 = time.monotonic()
    primary.stop()
    subprocess.run(["cp", "-a", primary.db, os.path.join(root, "naive-copy")], check=True)
    primary.start()
    warm = first_answer(primary.address)
    t_naive = time.monotonic() - t0
    print(f"naive stop + cp -a + start: {t_naive * 1000:7.0f} ms of downtime "
          f"(first answer after start {warm * 1000:.0f} ms)")
    c.close()
    c = Client(primary.address, timeout=600)

    # Live restore on the primary.
    with Load(primary.address, 2) as load:
        r, t_restore = timed(lambda: c.restore(snapshots, 1))
        time.sleep(0.5)
        lat = load.take()
        errors = list(load.errors)
    print(f"RestoreBackup (primary):    {t_restore * 1000:7.0f} ms total, requests "
          f"waited {r.pause_ms:.0f} ms; queries p50 {pct(lat, .5):.2f} / p99 "
          f"{pct(lat, .99):.2f} / max {max(lat):.0f} ms, {len(errors)} errors")

    # A replica from the snapshot.
    replica = Server(root, "replica", "--snapshot_from", snapshots)
    t_start = replica.start()
    warm = first_answer(replica.address)
    print(f"replica start (restore latest + open): {t_start * 1000:.0f} ms to "
          f"listening, first coverage answer {warm * 1000:.0f} ms later")
    rc = Client(replica.address, timeout=600)
    with Load(replica.address, args.reads) as load:
        time.sleep(2)
        base = load.take()
        pauses, totals = [], []
        for i in range(args.reloads):
            c.backup(snapshots)  # a newer backup each time
            res, t = timed(rc.reload)
            assert res.changed, res
            pauses.append(res.pause_ms)
            totals.append(t * 1000)
        during = load.take()
        errors = list(load.errors)
    print(f"replica reload x{args.reloads}: total {statistics.median(totals):.0f} ms "
          f"median, swap pause {statistics.median(pauses):.3f} ms median "
          f"(max {max(pauses):.3f})")
    print(f"  GetCoverage with {args.reads} readers: without reloads p50 "
          f"{pct(base, .5):.2f} / p99 {pct(base, .99):.2f} ms ({len(base)} answers); "
          f"during reloads p50 {pct(during, .5):.2f} / p99 {pct(during, .99):.2f} ms "
          f"({len(during)} answers), {len(errors)} errors")
    rc.close()
    c.close()
    replica.stop()
    primary.stop()
    shutil.rmtree(root)


if __name__ == "__main__":
    main()
