"""Load test of covd: mixed read queries from many concurrent clients while
ingests really change the store, on loopback, for a bounded time.

    bazel run //tests/load:load -- --duration 600             # the 10-minute run
    bazel run //tests/load:load -- --duration 30 --json out.json
    bazel run //tests/load:load -- --address 127.0.0.1:8470    # a running covd (loopback only)

What it does
  setup     starts its own covd on 127.0.0.1:0 (unless --address), loads ATT&CK
            Enterprise 18.1, the static rule corpora (SigmaHQ legacy 0.20, ET Open,
            signature-base, the ATT&CK-tagged YARA sets), Atomic Red Team and the
            CTID plans. One source, "load-sigma", is the one the writer changes:
              state A = SigmaHQ r2026-04-01 rules/windows/process_creation (1,177 files)
              state B = SigmaHQ r2026-04-01 rules/windows (2,396 files, a superset)
            (folders of ../shared/corpus, read in place; nothing is copied).
  expected  with A loaded, then B, then (after a re-ingest of the ATT&CK bundle) A
            again, every probe query is asked and its raw response bytes hashed:
            the expected answers of A and of B. A probe whose answer differs between
            two asks of the same state is reported and not checked.
  baseline  one sequential client runs the same mix for a few seconds, no ingest:
            the naive single-client rate; then the load's clients for as long
            without the writer (what concurrency alone gives).
  load      clients draw queries from the weighted mix (printed) until the
            deadline, while a writer thread re-ingests A, B, A, B ... into
            "load-sigma" and every --attack_every rule ingests re-loads the ATT&CK
            bundle. The clients (--driver): by default tests/load:load_driver, a
            C++ generator keeping --procs channels x --threads calls in flight
            (closed loop) that records each call's times and answer bytes, so the
            checks below run here on its records and the generator costs a few
            percent of a core; --driver python: --procs processes x --threads
            threads of Python clients (one channel per process), which need ~1.5
            of the 2 cores for 1,800 req/s. Either way answers are raw bytes (no
            parsing), hashed and compared.
  checks    * every RPC must answer OK (any other status is a failure; the first
              few are printed with their codes);
            * consistency: every checked answer must be exactly A's or exactly B's
              (one response is one snapshot: GetCoverage by source carries the
              changed source's rule count next to the coverage counts it gives,
              so a response mixing two states cannot match either);
              ListSources must show the static sources unchanged and
              "load-sigma" exactly as after A or after B; GetStats the releases
              unchanged;
            * freshness: an answer asked after an ingest was acknowledged must not
              show the state before it: each answer that is only A's or only B's is
              compared with the last rule ingest acknowledged before it was asked
              (answers that overlap the next ingest could see either and are
              counted, not checked);
            * memory: covd's VmRSS is sampled every second; after warm-up, the
              median of the last quarter must not exceed the median of the first
              quarter by more than 20% + 50 MB (see RSS_* below).
  output    rates (overall and per RPC, and the sequential baseline), p50/p99/max
            latency per RPC and overall, ingest counts and durations, errors,
            consistency violations, the RSS series summary, then `load: PASS` or
            `load: FAIL (reasons)` (exit 1). --json FILE writes the same as JSON.
"""

import argparse
import bisect
import hashlib
import ipaddress
import json
import math
import multiprocessing
import os
import random
import shutil
import subprocess
import sys
import tempfile
import threading
import time

try:
    import grpc
    from cov.v1 import attack_pb2, cov_pb2, coverage_pb2, emulation_pb2
    from covclient import Client
except ImportError:  # run outside Bazel: PYTHONPATH=<bazel-bin>/proto:clients/python
    raise

try:
    from tests.python.covd_fixture import Covd, corpus_dir, runfile
except ImportError:  # run as a plain script from the source tree
    sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
    from tests.python.covd_fixture import Covd, corpus_dir, runfile

SERVICE = "/cov.v1.CovService/"
SOURCE = "load-sigma"
STATE_DIRS = {
    "A": "sigma/sigmahq-r2026-04-01/rules/windows/process_creation",
    "B": "sigma/sigmahq-r2026-04-01/rules/windows",
}
BUNDLE = "attack/enterprise-attack-18.1.json"
STATIC_SOURCES = (  # (format, corpus folder, source name); never changed during the load
    ("sigma", "sigma/sigmahq-legacy-0.20", "sigma-legacy-0.20"),
    ("suricata", "suricata/et-open-2024-04-21", "et-open"),
    ("yara", "yara/signature-base", "signature-base"),
    ("yara", "yara/attack-tagged", "yara-attack-tagged"),
)
SMALL_STATIC_SOURCES = STATIC_SOURCES[3:]  # --small: the CI version
LIBRARIES = (("atomics", "atomics/atomic-red-team/atomics"),
             ("plans", "emulation/ctid-adversary-emulation"))

# Per-RPC weights of the mix (a dashboard/analyst workload: coverage totals and
# technique look-ups dominate; whole-matrix exports and plans are rarer). Each
# RPC's weight is split evenly over its variants.
WEIGHTS = {
    "GetCoverage": 30,
    "GetTechnique": 20,
    "GetGaps": 10,
    "Search": 10,
    "ListRules": 10,
    "ListSources": 5,
    "GetPlan": 5,
    "ExportLayer": 4,
    "GetStats": 6,
}
RESPONSE_TYPES = {
    "GetCoverage": coverage_pb2.CoverageResponse,
    "GetTechnique": attack_pb2.Technique,
    "GetGaps": coverage_pb2.GapsResponse,
    "Search": cov_pb2.SearchResponse,
    "ListRules": cov_pb2.ListRulesResponse,
    "ListSources": cov_pb2.ListSourcesResponse,
    "GetPlan": emulation_pb2.PlanResponse,
    "ExportLayer": coverage_pb2.LayerResponse,
    "GetStats": cov_pb2.Stats,
}
NETWORK_PROFILE = coverage_pb2.Profile(
    name="network-sensors",
    data_components=["Network Traffic Content", "Network Traffic Flow",
                     "Network Connection Creation"])
SEARCHES = ("bits jobs", "powershell", "credential dumping", "phishing", "lateral movement",
            "scheduled task", "registry run keys", "APT28", "mimikatz", "exfiltration")
PLAN_GROUPS = ("APT28", "APT29", "FIN7", "Lazarus Group")
TECHNIQUE_SAMPLE = 48
PAGE_SIZE = 100
# ListRules pages probed: the first and those starting after 200, 400, ...
# rules of state A (1,177 rules). Tokens are opaque keys (the last rule's
# sort key), read from the server once A is stored; each stays valid in B.
PAGE_STARTS = (0, 200, 400, 600, 800, 1000)
CALL_TIMEOUT = 30.0

# Memory flatness. RSS moves legitimately: an ATT&CK re-ingest holds the parsed
# bundle (~180 MB peak, BENCHMARKS.md issue 2) while the old model is still
# referenced; a rule-index rebuild holds old and new index; glibc keeps freed
# arenas of gRPC's threads. The median of a quarter (not single samples) is
# compared, so those transients do not count, and the allowance (20% + 50 MB)
# is far below what a real leak adds over 10 minutes: 1 KB per request at
# 1,000 req/s is 0.6 GB, one leaked rule index (~tens of MB) per ingest over
# ~300 ingests is several GB.
RSS_RATIO = 1.20
RSS_SLACK_MB = 50.0

# Latency histogram: log buckets of 2% (percentiles are within 2%).
_LOG_BASE = math.log(1.02)


def _bucket(seconds):
    us = max(seconds * 1e6, 1.0)
    return int(math.log(us) / _LOG_BASE)


def _bucket_value_ms(b):
    return math.exp((b + 0.5) * _LOG_BASE) / 1000.0


def _fp(data):
    return hashlib.sha1(data).hexdigest()[:16]


class Hist:
    def __init__(self):
        self.buckets = {}
        self.n = 0
        self.max = 0.0

    def add(self, seconds):
        b = _bucket(seconds)
        self.buckets[b] = self.buckets.get(b, 0) + 1
        self.n += 1
        if seconds > self.max:
            self.max = seconds

    def merge(self, d):
        for b, c in d["buckets"].items():
            b = int(b)
            self.buckets[b] = self.buckets.get(b, 0) + c
        self.n += d["n"]
        self.max = max(self.max, d["max"])

    def to_dict(self):
        return {"buckets": self.buckets, "n": self.n, "max": self.max}

    def pct(self, p):
        if not self.n:
            return 0.0
        rank = max(1, math.ceil(self.n * p / 100.0))
        seen = 0
        for b in sorted(self.buckets):
            seen += self.buckets[b]
            if seen >= rank:
                return _bucket_value_ms(b)
        return self.max * 1000.0


# -- the query mix ---------------------------------------------------------------

def _cov_req(by="tactic", summary=True, profile=None, rules_per_technique=0):
    opts = coverage_pb2.CoverageOptions()
    if profile is not None:
        opts.profile.CopyFrom(profile)
    return coverage_pb2.CoverageRequest(options=opts, by=by, summary=summary,
                                        rules_per_technique=rules_per_technique)


def page_tokens(client):
    """{rules skipped: page token} for PAGE_STARTS, walking SOURCE's pages."""
    tokens, token, skipped = {0: ""}, "", 0
    while skipped < max(PAGE_STARTS):
        page = client.rules(source=SOURCE, page_size=PAGE_SIZE, page_token=token)
        token = page.next_page_token
        skipped += len(page.rules)
        if skipped in PAGE_STARTS:
            tokens[skipped] = token
        if not token:
            break
    return tokens


def build_probes(technique_ids, tokens):
    """[(rpc, key, request bytes)]: every query the load draws from; `tokens`
    from page_tokens."""
    p = [
        ("GetCoverage", "summary by tactic", _cov_req("tactic")),
        ("GetCoverage", "summary by source", _cov_req("source")),
        ("GetCoverage", "summary by platform, network profile",
         _cov_req("platform", profile=NETWORK_PROFILE)),
        ("GetCoverage", "full by technique", _cov_req("tactic", summary=False)),
        ("GetGaps", "top 20", coverage_pb2.GapsRequest(top=20)),
        ("GetGaps", "APT28 top 10", coverage_pb2.GapsRequest(groups=["APT28"], top=10)),
        ("ExportLayer", "coverage json", coverage_pb2.LayerRequest(kind="coverage")),
        ("ExportLayer", "gaps csv", coverage_pb2.LayerRequest(kind="gaps", format="csv")),
        ("ListSources", "all", cov_pb2.ListSourcesRequest()),
        ("GetStats", "all", cov_pb2.GetStatsRequest()),
        ("ListRules", "technique T1059.001",
         cov_pb2.ListRulesRequest(source=SOURCE, technique_id="T1059.001", page_size=1000)),
    ]
    for start, tok in sorted(tokens.items()):
        p.append(("ListRules", f"page {start}",
                  cov_pb2.ListRulesRequest(source=SOURCE, page_size=PAGE_SIZE, page_token=tok)))
    for tid in technique_ids:
        p.append(("GetTechnique", tid, cov_pb2.GetTechniqueRequest(id=tid)))
    for q in SEARCHES:
        p.append(("Search", q, cov_pb2.SearchRequest(query=q, limit=20)))
    for g in PLAN_GROUPS:
        p.append(("GetPlan", g, emulation_pb2.PlanRequest(group=g, platform="windows")))
    return [(rpc, key, req.SerializeToString()) for rpc, key, req in p]


def mix_weights(probes):
    per_rpc = {}
    for rpc, _, _ in probes:
        per_rpc[rpc] = per_rpc.get(rpc, 0) + 1
    return [WEIGHTS[rpc] / per_rpc[rpc] for rpc, _, _ in probes]


# -- answers and how they are checked -------------------------------------------

def _source_tuple(s):
    return [s.name, int(s.format), s.path, s.rule_count, s.file_count, s.error_count]


def parsed_signature(rpc, data):
    """For answers that carry times (ListSources, GetStats): what must not change."""
    if rpc == "ListSources":
        m = cov_pb2.ListSourcesResponse.FromString(data)
        return {s.name: _source_tuple(s) for s in m.sources}
    if rpc == "GetStats":
        m = cov_pb2.Stats.FromString(data)
        return sorted([r.domain, r.version, r.sha256, r.is_default,
                       r.counts.SerializeToString(deterministic=True).hex()]
                      for r in m.releases)
    return None


def describe(rpc, data):
    """A short readable summary of an answer, for violation reports."""
    try:
        m = RESPONSE_TYPES[rpc].FromString(data)
    except Exception as e:  # pylint: disable=broad-except
        return f"unparseable: {e}"
    if rpc == "GetCoverage":
        groups = {g.key: (g.rule_count, g.covered) for g in m.groups}
        return (f"potential={m.potential} covered={m.covered} counting_rules="
                f"{m.counting_rules} groups(rule_count,covered)={groups}")
    if rpc == "GetGaps":
        return f"total={m.total} potential={m.potential} covered={m.covered}"
    if rpc == "ListRules":
        return f"{len(m.rules)} rules, first={m.rules[0].uid if m.rules else '-'}"
    if rpc == "ListSources":
        return str({s.name: (s.rule_count, s.file_count) for s in m.sources})
    return f"{len(data)} bytes"


class Expected:
    """Per probe: the set of allowed answer fingerprints, or a parsed check."""

    def __init__(self):
        self.allowed = {}     # (rpc, key) -> {fp: state}
        self.unchecked = {}   # (rpc, key) -> reason
        self.sources = {}     # ListSources: static tuples and load-sigma per state
        self.stats = None     # GetStats: releases


class Checker:
    def __init__(self, expected):
        self.e = expected

    def check(self, rpc, key, data):
        """None when fine, else a reason; second value: the state seen or None."""
        k = (rpc, key)
        if rpc == "ListSources":
            got = parsed_signature(rpc, data)
            st = None
            for state, want in self.e.sources.items():
                if got == want:
                    st = state
            return (None, st) if st else (f"sources {describe(rpc, data)}", None)
        if rpc == "GetStats":
            got = parsed_signature(rpc, data)
            return (None, None) if got == self.e.stats else ("releases changed", None)
        allowed = self.e.allowed.get(k)
        if allowed is None:
            return None, None
        st = allowed.get(_fp(data))
        if st is None:
            return f"answer is neither A's nor B's: {describe(rpc, data)}", None
        return None, st


# -- workers -----------------------------------------------------------------------

def _raw_call(channel, rpc):
    return channel.unary_unary(SERVICE + rpc)  # bytes in, bytes out


def _new_channel(address):
    return grpc.insecure_channel(address, options=[
        ("grpc.max_receive_message_length", 512 << 20),
        ("grpc.max_send_message_length", 512 << 20)])


class Tally:
    """What one client (thread or process) measured."""

    def __init__(self, t0):
        self.t0 = t0
        self.hist = {}
        self.errors = {}           # rpc -> count
        self.error_samples = []
        self.violations = {}
        self.violation_samples = []
        self.states = {"A": 0, "B": 0, "*": 0}
        self.per_second = {}
        # (start, end, state) of every answer that is only A's or only B's,
        # on the shared monotonic clock, for the freshness check.
        self.reads = []

    def ok(self, rpc, secs, end):
        h = self.hist.get(rpc)
        if h is None:
            h = self.hist[rpc] = Hist()
        h.add(secs)
        s = int(end - self.t0)
        self.per_second[s] = self.per_second.get(s, 0) + 1

    def to_dict(self):
        return {"hist": {r: h.to_dict() for r, h in self.hist.items()},
                "errors": self.errors, "error_samples": self.error_samples,
                "violations": self.violations,
                "violation_samples": self.violation_samples,
                "states": self.states, "per_second": self.per_second,
                "reads": self.reads}


def client_loop(channel, probes, weights, checker, deadline, seed, tally, stop=None):
    rng = random.Random(seed)
    calls = {rpc: _raw_call(channel, rpc) for rpc in WEIGHTS}
    order = rng.choices(range(len(probes)), weights=weights, k=4096)
    i = 0
    while time.monotonic() < deadline and not (stop and stop.is_set()):
        rpc, key, req = probes[order[i % len(order)]]
        i += 1
        t = time.monotonic()
        try:
            data = calls[rpc](req, timeout=CALL_TIMEOUT)
        except grpc.RpcError as e:  # pylint: disable=no-member
            tally.errors[rpc] = tally.errors.get(rpc, 0) + 1
            if len(tally.error_samples) < 5:
                tally.error_samples.append(
                    [round(time.monotonic() - tally.t0, 3), rpc, key,
                     e.code().name, (e.details() or "")[:300]])
            continue
        end = time.monotonic()
        tally.ok(rpc, end - t, end)
        bad, state = checker.check(rpc, key, data)
        if bad:
            tally.violations[rpc] = tally.violations.get(rpc, 0) + 1
            if len(tally.violation_samples) < 5:
                tally.violation_samples.append(
                    [round(end - tally.t0, 3), rpc, key, bad[:600]])
        elif state:
            tally.states[state] = tally.states.get(state, 0) + 1
            if state != "*":
                tally.reads.append((t, end, state))


def worker_process(address, probes, weights, expected, t0, deadline, threads, seed, queue):
    cpu0 = time.process_time()
    channel = _new_channel(address)
    checker = Checker(expected)
    tallies = [Tally(t0) for _ in range(threads)]
    ts = [threading.Thread(target=client_loop,
                           args=(channel, probes, weights, checker, deadline,
                                 seed * 1000 + i, tallies[i]))
          for i in range(threads)]
    for t in ts:
        t.start()
    for t in ts:
        t.join()
    channel.close()
    queue.put(([t.to_dict() for t in tallies], time.process_time() - cpu0))


# -- covd, RSS -------------------------------------------------------------------------

def check_loopback(address):
    """Refuses anything but a loopback address (ValueError)."""
    a = address
    for prefix in ("ipv4:", "ipv6:", "dns:"):
        if a.startswith(prefix):
            a = a[len(prefix):].lstrip("/")
    if a.startswith("["):
        host = a[1:a.index("]")]
    else:
        host = a.rsplit(":", 1)[0] if ":" in a else a
    if host == "localhost":
        return
    try:
        if ipaddress.ip_address(host).is_loopback:
            return
    except ValueError:
        pass
    raise ValueError(f"refusing non-loopback target {address!r}: the load test only "
                     "runs against 127.0.0.0/8, ::1 or localhost")


def find_listener_pid(address):
    """pid of the local process listening on the address's port, or None."""
    try:
        port = int(address.rsplit(":", 1)[1])
    except (IndexError, ValueError):
        return None
    inodes = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            with open(table) as f:
                next(f)
                for line in f:
                    parts = line.split()
                    if parts[3] == "0A" and int(parts[1].rsplit(":", 1)[1], 16) == port:
                        inodes.add(parts[9])
        except OSError:
            continue
    if not inodes:
        return None
    for pid in os.listdir("/proc"):
        if not pid.isdigit():
            continue
        try:
            for fd in os.listdir(f"/proc/{pid}/fd"):
                link = os.readlink(f"/proc/{pid}/fd/{fd}")
                if link.startswith("socket:[") and link[8:-1] in inodes:
                    return int(pid)
        except OSError:
            continue
    return None


def proc_cpu_s(pid):
    """User + system CPU seconds of a process (None when unreadable)."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except (OSError, IndexError, ValueError):
        return None


def machine_busy_s():
    """CPU seconds all cores of the machine spent busy (not idle/iowait)."""
    with open("/proc/stat") as f:
        v = [int(x) for x in f.readline().split()[1:]]
    return (sum(v) - v[3] - v[4]) / os.sysconf("SC_CLK_TCK")


def rss_mb(pid):
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) / 1024.0
    except OSError:
        return None
    return None


class RssSampler(threading.Thread):
    def __init__(self, pid, t0):
        super().__init__(daemon=True)
        self.pid, self.t0 = pid, t0
        self.samples = []  # (seconds since t0, MB)
        self.loadavg = []
        self._halt = threading.Event()
        self.cpu_cores = {}

    def run(self):
        while not self._halt.is_set():
            if self.pid:
                v = rss_mb(self.pid)
                if v is not None:
                    self.samples.append((round(time.monotonic() - self.t0, 2), round(v, 1)))
            try:
                with open("/proc/loadavg") as f:
                    self.loadavg.append(float(f.read().split()[0]))
            except OSError:
                pass
            self._halt.wait(1.0)

    def stop(self):
        self._halt.set()
        self.join()


def _median(xs):
    xs = sorted(xs)
    if not xs:
        return 0.0
    n = len(xs)
    return xs[n // 2] if n % 2 else (xs[n // 2 - 1] + xs[n // 2]) / 2.0


def rss_verdict(samples, warmup, duration, ratio=RSS_RATIO, slack_mb=RSS_SLACK_MB):
    """Summary and flatness of the RSS series (seconds, MB) after warm-up."""
    after = [mb for t, mb in samples if warmup <= t <= duration + 1]
    if len(after) < 4:
        return {"checked": False, "reason": "too few samples"}
    q = max(1, len(after) // 4)
    first, last = round(_median(after[:q]), 1), round(_median(after[-q:]), 1)
    limit = first * ratio + slack_mb
    return {"checked": True, "start_mb": after[0], "peak_mb": max(mb for _, mb in samples),
            "end_mb": after[-1], "first_quarter_median_mb": first,
            "last_quarter_median_mb": last, "limit_mb": round(limit, 1),
            "flat": last <= limit, "samples": len(samples),
            "min_after_warmup_mb": min(after)}


# -- setup -----------------------------------------------------------------------------

def _log(msg):
    print(f"[load {time.strftime('%H:%M:%S')}] {msg}", flush=True)


class Writer:
    """Ingests that change the store: load-sigma A/B alternately, ATT&CK every k."""

    def __init__(self, client, corpus, attack_every, pause):
        self.c, self.corpus = client, corpus
        self.attack_every, self.pause = attack_every, pause
        self.durations = {"A": [], "B": [], "attack": []}
        self.errors = []
        self.state = None
        # (start, acknowledged, state) of every completed rule ingest, on the
        # monotonic clock the clients use (CLOCK_MONOTONIC, shared by the
        # processes); starts with the state setup left.
        self.timeline = []

    def ingest(self, what):
        t = time.monotonic()
        if what == "attack":
            self.c.ingest_attack(os.path.join(self.corpus, BUNDLE), make_default=True)
        else:
            self.c.ingest_rules("sigma", os.path.join(self.corpus, STATE_DIRS[what]),
                                source=SOURCE)
            self.state = what
            self.timeline.append((t, time.monotonic(), what))
        d = time.monotonic() - t
        return d

    def loop(self, deadline, stop):
        n = 0
        while time.monotonic() < deadline and not stop.is_set():
            n += 1
            what = "attack" if self.attack_every and n % (self.attack_every + 1) == 0 \
                else ("B" if self.state == "A" else "A")
            t = time.monotonic()
            try:
                d = self.ingest(what)
            except Exception as e:  # pylint: disable=broad-except
                self.errors.append([round(time.monotonic() - t, 3), what,
                                    getattr(e, "code", type(e).__name__),
                                    str(getattr(e, "message", e))[:300]])
                if len(self.errors) > 20:
                    return
            else:
                # Count only writes that completed inside the load window.
                if time.monotonic() <= deadline:
                    self.durations[what].append(d)
            stop.wait(self.pause)


def freshness(reads, timeline, max_samples=5):
    """Checks that no read started after an ingest was acknowledged sees an
    older state. For each read, the last rule ingest acknowledged before it
    started fixes the state it must see, unless the next ingest had started
    before the read ended (then either may be seen: not checkable, counted
    as overlapping). `timeline` is the writer's (start, ack, state) list in
    order; `reads` the clients' (start, end, state)."""
    acks = [w[1] for w in timeline]
    out = {"checked": 0, "overlapping": 0, "stale": 0, "first": []}
    for start, end, state in reads:
        k = bisect.bisect_left(acks, start) - 1
        if k < 0:
            out["overlapping"] += 1
            continue
        if k + 1 < len(timeline) and timeline[k + 1][0] <= end:
            out["overlapping"] += 1
            continue
        out["checked"] += 1
        if state != timeline[k][2]:
            out["stale"] += 1
            if len(out["first"]) < max_samples:
                out["first"].append(
                    {"read_start": round(start, 3), "saw": state,
                     "acked": timeline[k][2], "ack": round(timeline[k][1], 3),
                     "after_ack_ms": round((start - timeline[k][1]) * 1000, 1)})
    return out


def ask_all(channel, probes):
    out = {}
    for rpc, key, req in probes:
        out[(rpc, key)] = _raw_call(channel, rpc)(req, timeout=120)
    return out


def setup(client, channel, corpus, small, technique_sample, seed):
    """Loads the data; returns (probes, Expected, info)."""
    info = {}
    t = time.monotonic()
    rel = client.ingest_attack(os.path.join(corpus, BUNDLE), make_default=True).release
    info["attack"] = f"{rel.domain}@{rel.version}"
    for fmt, folder, name in (SMALL_STATIC_SOURCES if small else STATIC_SOURCES):
        r = client.ingest_rules(fmt, os.path.join(corpus, folder), source=name)
        _log(f"static source {name}: {r.source.rule_count} rules, "
             f"{r.elapsed_ms:.0f} ms")
    for kind, folder in LIBRARIES:
        client.ingest_library(kind, os.path.join(corpus, folder))
    info["setup_s"] = round(time.monotonic() - t, 1)

    # Techniques to look up: a fixed random sample of the active ones, plus a
    # revoked ID (answered with its replacement).
    cov = client.coverage(summary=False)
    ids = sorted(t.technique_id for t in cov.techniques)
    technique_ids = random.Random(seed).sample(ids, min(technique_sample, len(ids))) + ["T1086"]
    writer = Writer(client, corpus, 0, 0)
    writer.ingest("A")  # the page tokens are keys into A
    probes = build_probes(technique_ids, page_tokens(client))

    e = Expected()
    seen = {}
    counts = {}
    # A, A again (answer caches), B, ATT&CK re-ingest + A: each probe must give
    # one answer per state.
    for label, action in (("A", "A"), ("A", None), ("B", "B"), ("A", "attack+A")):
        if action == "attack+A":
            writer.ingest("attack")
            writer.ingest("A")
        elif action:
            writer.ingest(action)
        answers = ask_all(channel, probes)
        for k, data in answers.items():
            seen.setdefault(k, {}).setdefault(label, set()).add(
                _fp(data) if k[0] not in ("ListSources", "GetStats")
                else json.dumps(parsed_signature(k[0], data)))
        src = {s.name: s for s in client.sources().sources}[SOURCE]
        counts[label] = (src.rule_count, src.file_count)
        e.sources[label] = parsed_signature("ListSources", answers[("ListSources", "all")])
        if e.stats is None:
            e.stats = parsed_signature("GetStats", answers[("GetStats", "all")])
        if label == "A" and action is None:
            info["state_A_summary"] = describe(
                "GetCoverage", answers[("GetCoverage", "summary by source")])
        if label == "B":
            info["state_B_summary"] = describe(
                "GetCoverage", answers[("GetCoverage", "summary by source")])
    info["state_rules"] = {k: {"rules": v[0], "files": v[1]} for k, v in counts.items()}
    for k, by_state in seen.items():
        if k[0] in ("ListSources", "GetStats"):
            continue
        if any(len(v) != 1 for v in by_state.values()):
            e.unchecked[k] = "different answers within one state"
            continue
        fps = {st: next(iter(v)) for st, v in by_state.items()}
        if len(set(fps.values())) == 1:
            e.allowed[k] = {fps["A"]: "*"}  # the same in both states
        else:
            e.allowed[k] = {fp: st for st, fp in fps.items()}
    fa = seen[("GetCoverage", "summary by source")]
    if fa["A"] == fa["B"]:
        raise RuntimeError("states A and B give the same coverage: the consistency "
                           "check would see nothing")
    # ListSources: the state label of a match is only A or B.
    if e.sources["A"] == e.sources["B"]:
        raise RuntimeError("ListSources does not tell A from B")
    # A probe with the same answer in A and B is still checked (against that one).
    info["checked_probes"] = len(e.allowed) + 2
    info["differing_probes"] = sum(1 for v in e.allowed.values() if len(v) > 1)
    return probes, e, info


# -- the run ------------------------------------------------------------------------------

def merge_tallies(dicts):
    hist, errors, error_samples = {}, {}, []
    violations, violation_samples = {}, []
    states, per_second = {}, {}
    for d in dicts:
        for rpc, h in d["hist"].items():
            hist.setdefault(rpc, Hist()).merge(h)
        for rpc, n in d["errors"].items():
            errors[rpc] = errors.get(rpc, 0) + n
        error_samples += d["error_samples"]
        for rpc, n in d["violations"].items():
            violations[rpc] = violations.get(rpc, 0) + n
        violation_samples += d["violation_samples"]
        for s, n in d["states"].items():
            states[s] = states.get(s, 0) + n
        for s, n in d["per_second"].items():
            per_second[int(s)] = per_second.get(int(s), 0) + n
    return hist, errors, sorted(error_samples), violations, sorted(violation_samples), \
        states, per_second


def latency_table(hist, seconds):
    rows = {}
    total = Hist()
    for rpc in sorted(hist, key=lambda r: -hist[r].n):
        h = hist[rpc]
        total.merge(h.to_dict())
        rows[rpc] = {"requests": h.n, "rate": round(h.n / seconds, 1),
                     "p50_ms": round(h.pct(50), 2), "p99_ms": round(h.pct(99), 2),
                     "max_ms": round(h.max * 1000, 1)}
    rows["all"] = {"requests": total.n, "rate": round(total.n / seconds, 1),
                   "p50_ms": round(total.pct(50), 2), "p99_ms": round(total.pct(99), 2),
                   "max_ms": round(total.max * 1000, 1)}
    return rows


def _dur_summary(ds):
    if not ds:
        return {"count": 0}
    s = sorted(ds)
    return {"count": len(s), "p50_ms": round(_median(s) * 1000, 1),
            "max_ms": round(s[-1] * 1000, 1), "mean_ms": round(sum(s) / len(s) * 1000, 1)}


def driver_tally(probes, expected, t0, records_path, answers_path):
    """One tally dict from load_driver's records and answers: every distinct
    answer is checked once with the Checker, then every call is counted."""
    checker = Checker(expected)
    verdict = {}  # (probe, answer) -> (bad, state)
    with open(answers_path) as f:
        for line in f:
            probe, answer, data = line.rstrip("\n").split("\t")
            rpc, key, _ = probes[int(probe)]
            verdict[(int(probe), int(answer))] = checker.check(
                rpc, key, bytes.fromhex(data))
    tally = Tally(t0)
    with open(records_path) as f:
        for line in f:
            fields = line.rstrip("\n").split("\t", 5)
            start, end = int(fields[0]) / 1e9, int(fields[1]) / 1e9
            probe = int(fields[2])
            rpc, key, _ = probes[probe]
            if fields[3] == "E":
                tally.errors[rpc] = tally.errors.get(rpc, 0) + 1
                if len(tally.error_samples) < 5:
                    names = {c.value[0]: c.name for c in grpc.StatusCode}
                    code = names.get(int(fields[4]), fields[4])
                    tally.error_samples.append(
                        [round(end - t0, 3), rpc, key, code, fields[5][:300]])
                continue
            tally.ok(rpc, end - start, end)
            bad, state = verdict[(probe, int(fields[3]))]
            if bad:
                tally.violations[rpc] = tally.violations.get(rpc, 0) + 1
                if len(tally.violation_samples) < 5:
                    tally.violation_samples.append(
                        [round(end - t0, 3), rpc, key, bad[:600]])
            elif state:
                tally.states[state] = tally.states.get(state, 0) + 1
                if state != "*":
                    tally.reads.append((start, end, state))
    return tally.to_dict()


def start_driver(address, probes, weights, t0, duration, channels, depth,
                 threads, seed, workdir, rate=0.0):
    """Starts load_driver (C++) for the phase [t0, t0 + duration]; returns
    (process, records path, answers path)."""
    probes_path = os.path.join(workdir, "probes.tsv")
    with open(probes_path, "w") as f:
        for (rpc, _, req), w in zip(probes, weights):
            f.write(f"{SERVICE}{rpc}\t{w!r}\t{req.hex()}\n")
    records = os.path.join(workdir, f"records-{seed}.tsv")
    answers = os.path.join(workdir, f"answers-{seed}.tsv")
    proc = subprocess.Popen(
        [runfile("tests/load/load_driver"), "--address", address,
         "--probes", probes_path, "--duration", str(duration),
         "--start_at", str(int(t0 * 1e9)), "--channels", str(channels),
         "--depth", str(depth), "--threads", str(threads), "--seed", str(seed),
         "--records", records, "--answers", answers, "--rate", str(rate)],
        stdout=subprocess.PIPE, text=True)
    return proc, records, answers


def run_pool(address, probes, weights, expected, duration, procs, threads, seed,
             pid=None, writer=None, driver="cxx", driver_threads=1, rate=0.0):
    """procs x threads clients for `duration` s, with the writer when given;
    returns (per-client tallies, RSS sampler). driver "cxx": load_driver
    with procs channels x threads calls in flight each; "python": procs
    processes x threads threads of the Python client."""
    ctx = multiprocessing.get_context("spawn")
    queue = ctx.Queue()
    t0 = time.monotonic() + 1.0  # workers start together after spawning
    deadline = t0 + duration
    ps, drv = [], None
    if driver == "cxx":
        workdir = tempfile.mkdtemp(prefix="load-driver-",
                                   dir=os.environ.get("TEST_TMPDIR"))
        drv = start_driver(address, probes, weights, t0, duration, procs,
                           threads, driver_threads, seed, workdir, rate)
    else:
        ps = [ctx.Process(target=worker_process,
                          args=(address, probes, weights, expected, t0, deadline,
                                threads, seed + 1 + i, queue), daemon=True)
              for i in range(procs)]
    for p in ps:
        p.start()
    cpu = {"covd": proc_cpu_s(pid) if pid else None, "machine": machine_busy_s(),
           "main": time.process_time()}
    sampler = RssSampler(pid, t0)
    sampler.start()
    stop = threading.Event()
    while time.monotonic() < t0:
        time.sleep(0.01)
    wt = None
    if writer is not None:
        wt = threading.Thread(target=writer.loop, args=(deadline, stop))
        wt.start()
    results = []
    clients_cpu = 0.0
    try:
        for _ in ps:
            tallies, cpu_s = queue.get(timeout=duration + 600)
            results += tallies
            clients_cpu += cpu_s
        if drv is not None:
            proc, records, answers = drv
            out, _ = proc.communicate(timeout=duration + 600)
            if proc.returncode != 0:
                raise RuntimeError(f"load_driver failed (exit {proc.returncode})")
            summary = json.loads(out.strip().splitlines()[-1])
            clients_cpu += summary["cpu_s"]
            if rate > 0:
                _log(f"load_driver: {summary['late']} of {summary['calls']} calls "
                     f"started over 1 ms late (every slot busy)")
            results.append(driver_tally(probes, expected, t0, records, answers))
            shutil.rmtree(os.path.dirname(records), ignore_errors=True)
    finally:
        stop.set()
        if drv is not None and drv[0].poll() is None:
            drv[0].kill()
        for p in ps:
            p.join(timeout=60)
            if p.is_alive():
                p.terminate()
        if wt is not None:
            wt.join()
        sampler.stop()
    # CPU in cores (seconds of CPU per second of wall time) over the phase,
    # from the spawn of the workers (so slightly more than `duration`).
    wall = time.monotonic() - (t0 - 1.0)
    used = {"clients": clients_cpu,
            "loader (writer thread, checks, sampling)": time.process_time() - cpu["main"],
            "machine": machine_busy_s() - cpu["machine"]}
    if pid and cpu["covd"] is not None and proc_cpu_s(pid) is not None:
        used["covd"] = proc_cpu_s(pid) - cpu["covd"]
    cores = {k: round(v / wall, 2) for k, v in used.items()}
    cores["others"] = round(max(0.0, cores["machine"] - sum(
        v for k, v in cores.items() if k != "machine")), 2)
    sampler.cpu_cores = cores
    return results, sampler


def clients_text(a):
    """How the load's clients are made, for the report."""
    if a["driver"] == "cxx":
        paced = (f", paced at {a['rate']:g} req/s" if a.get("rate")
                 else ", closed loop")
        return (f"load_driver: {a['procs']} channels x {a['threads']} calls in "
                f"flight, {a['driver_threads']} thread(s){paced}")
    return f"{a['procs']} Python processes x {a['threads']} threads"


def run(args):
    """Runs the whole load test; returns the results dict (results['pass'])."""
    res = {"args": vars(args).copy()}
    corpus = args.corpus or corpus_dir()
    covd = None
    if args.address:
        check_loopback(args.address)
        address = args.address
        pid = args.pid or find_listener_pid(address)
    else:
        covd = Covd().start()
        address, pid = covd.address, covd.proc.pid
    res["address"], res["covd_pid"] = address, pid
    client = Client(address, timeout=120)
    channel = _new_channel(address)
    try:
        client.wait_ready(timeout=20)
        _log(f"covd at {address} (pid {pid}); corpus {corpus}")
        probes, expected, info = setup(client, channel, corpus, args.small,
                                       args.techniques, args.seed)
        res["setup"] = info
        weights = mix_weights(probes)
        _log(f"setup {info['setup_s']} s; state A {info['state_rules']['A']}, "
             f"B {info['state_rules']['B']}")
        _log(f"A: {info['state_A_summary']}")
        _log(f"B: {info['state_B_summary']}")
        _log(f"{len(probes)} probe queries, {info['checked_probes']} checked "
             f"({info['differing_probes']} differ between A and B)")
        for k, why in expected.unchecked.items():
            _log(f"not checked: {k[0]} {k[1]}: {why}")
        mix = {rpc: WEIGHTS[rpc] for rpc in WEIGHTS}
        total_w = sum(mix.values())
        _log("mix: " + ", ".join(f"{rpc} {100 * w / total_w:.0f}%" for rpc, w in mix.items()))
        res["mix_percent"] = {rpc: round(100 * w / total_w, 1) for rpc, w in mix.items()}

        checker = Checker(expected)
        # Baseline: one sequential client, same mix, no ingest.
        if args.baseline > 0:
            t0 = time.monotonic()
            tally = Tally(t0)
            client_loop(channel, probes, weights, checker, t0 + args.baseline,
                        args.seed, tally)
            el = time.monotonic() - t0
            bh, berr, _, bviol, _, _, _ = merge_tallies([tally.to_dict()])
            base = latency_table(bh, el)
            res["baseline"] = {"seconds": round(el, 1), "errors": sum(berr.values()),
                               "violations": sum(bviol.values()), **base["all"]}
            _log(f"baseline (1 sequential client, no ingest, {el:.1f} s): "
                 f"{base['all']['rate']} req/s, p50 {base['all']['p50_ms']} ms, "
                 f"p99 {base['all']['p99_ms']} ms")

        # The same clients without the writer: what concurrency alone gives.
        if args.baseline > 0:
            results, csampler = run_pool(address, probes, weights, expected, args.baseline,
                                         args.procs, args.threads, args.seed + 100, pid,
                                         driver=args.driver,
                                         driver_threads=args.driver_threads,
                                         rate=args.rate)
            ch, cerr, _, cviol, _, _, _ = merge_tallies(results)
            conc = latency_table(ch, args.baseline)
            res["concurrent_no_ingest"] = {"seconds": args.baseline,
                                           "errors": sum(cerr.values()),
                                           "violations": sum(cviol.values()), **conc["all"],
                                           "cpu_cores": csampler.cpu_cores}
            _log(f"concurrent, no ingest ({clients_text(vars(args))}, "
                 f"{args.baseline:.1f} s): {conc['all']['rate']} req/s, p50 "
                 f"{conc['all']['p50_ms']} ms, p99 {conc['all']['p99_ms']} ms")

        # The load.
        _log(f"load: {clients_text(vars(args))} for "
             f"{args.duration} s, writer pause {args.ingest_pause} s, ATT&CK "
             f"re-ingest every {args.attack_every} rule ingests")
        writer = Writer(client, corpus, args.attack_every, args.ingest_pause)
        writer.state = "A"  # what setup left; the first write is B
        writer.timeline = [(float("-inf"), float("-inf"), "A")]
        results, sampler = run_pool(address, probes, weights, expected, args.duration,
                                    args.procs, args.threads, args.seed, pid, writer,
                                    driver=args.driver,
                                    driver_threads=args.driver_threads,
                                    rate=args.rate)
        elapsed = args.duration

        hist, errors, esamples, viol, vsamples, states, per_second = merge_tallies(results)
        table = latency_table(hist, elapsed)
        res["latency"] = table
        res["errors"] = {"total": sum(errors.values()), "by_rpc": errors, "first": esamples[:5]}
        res["violations"] = {"total": sum(viol.values()), "by_rpc": viol,
                             "first": vsamples[:5]}
        res["states_seen"] = states
        reads = [r for d in results for r in d["reads"]]
        if writer.errors:  # a failed ingest may or may not have applied
            res["freshness"] = {"checked": 0, "overlapping": 0, "stale": 0, "first": [],
                                "skipped": "an ingest failed"}
        else:
            res["freshness"] = freshness(reads, writer.timeline)
        windows = [sum(per_second.get(s, 0) for s in range(w, w + 10))
                   for w in range(0, max(0, int(elapsed) - 9), 10)]
        res["rate_10s_windows"] = {"min": min(windows) / 10 if windows else 0,
                                   "max": max(windows) / 10 if windows else 0,
                                   "count": len(windows)}
        res["ingest"] = {k: _dur_summary(v) for k, v in writer.durations.items()}
        res["ingest"]["errors"] = writer.errors
        warmup = args.warmup if args.warmup is not None else min(30.0, max(2.0, 0.1 * elapsed))
        if pid:
            rss = rss_verdict(sampler.samples, warmup, elapsed, slack_mb=args.rss_slack_mb)
        else:
            rss = {"checked": False, "reason": "covd pid unknown (give --pid)"}
        rss["warmup_s"] = warmup
        res["rss"] = rss
        res["rss_series"] = sampler.samples
        res["cpu_cores"] = sampler.cpu_cores
        la = sampler.loadavg
        res["loadavg_1m"] = {"min": min(la) if la else None, "max": max(la) if la else None,
                             "mean": round(sum(la) / len(la), 2) if la else None}
        res["uptime"] = _uptime()
        if covd is not None and covd.proc.poll() is not None:
            res["covd_exited"] = covd.proc.returncode
    finally:
        channel.close()
        client.close()
        if covd is not None:
            rc = covd.stop()
            res.setdefault("covd_stop_rc", rc)
            if not args.keep_db:
                shutil.rmtree(covd.db, ignore_errors=True)
    res["fail_reasons"] = fail_reasons(res, args)
    res["pass"] = not res["fail_reasons"]
    if covd is not None and not args.keep_db:
        # The fixture writes DB.port and DB.log beside the store; the log is
        # kept when the run failed.
        for path in [covd.db + ".port"] + ([covd.log_path] if res["pass"] else []):
            try:
                os.remove(path)
            except OSError:
                pass
        if not res["pass"]:
            res["covd_log"] = covd.log_path
    return res


def fail_reasons(res, args):
    why = []
    if "latency" not in res:
        return ["did not run"]
    if res["errors"]["total"]:
        why.append(f"{res['errors']['total']} failed requests")
    for phase in ("baseline", "concurrent_no_ingest"):
        if res.get(phase, {}).get("errors"):
            why.append(f"{res[phase]['errors']} failed requests ({phase})")
        if res.get(phase, {}).get("violations"):
            why.append(f"{res[phase]['violations']} wrong answers ({phase})")
    if res["violations"]["total"]:
        why.append(f"{res['violations']['total']} consistency violations")
    if res.get("freshness", {}).get("stale"):
        why.append(f"{res['freshness']['stale']} stale reads (an older state after an "
                   "ingest was acknowledged)")
    if res["ingest"]["errors"]:
        why.append(f"{len(res['ingest']['errors'])} failed ingests")
    for st in ("A", "B"):
        if not res["ingest"][st]["count"]:
            why.append(f"no completed ingest of state {st}")
    if args.attack_every and not res["ingest"]["attack"]["count"] and args.duration >= 60:
        why.append("no ATT&CK re-ingest")
    if res["rss"].get("checked") and not res["rss"]["flat"]:
        why.append(f"RSS grew: last quarter median {res['rss']['last_quarter_median_mb']} MB "
                   f"> limit {res['rss']['limit_mb']} MB")
    if res["latency"]["all"]["requests"] < args.min_requests:
        why.append(f"only {res['latency']['all']['requests']} requests "
                   f"(< {args.min_requests})")
    if res.get("covd_exited") is not None:
        why.append(f"covd exited with {res['covd_exited']}")
    return why


def _uptime():
    try:
        with open("/proc/loadavg") as f:
            return "load average " + ", ".join(f.read().split()[:3])
    except OSError:
        return ""


def report(res):
    out = []
    p = out.append
    lat = res.get("latency", {})
    if lat:
        a = lat["all"]
        p(f"sustained: {a['rate']} req/s over {res['args']['duration']} s "
          f"({a['requests']} requests, {clients_text(res['args'])}); 10 s windows "
          f"{res['rate_10s_windows']['min']}-{res['rate_10s_windows']['max']} req/s")
        if "baseline" in res:
            b = res["baseline"]
            p(f"baseline: 1 sequential client, no ingest: {b['rate']} req/s, p50 "
              f"{b['p50_ms']} ms, p99 {b['p99_ms']} ms")
        if "concurrent_no_ingest" in res:
            b = res["concurrent_no_ingest"]
            p(f"the same clients without the writer: {b['rate']} req/s, p50 "
              f"{b['p50_ms']} ms, p99 {b['p99_ms']} ms")
        p(f"{'rpc':<14}{'requests':>10}{'req/s':>9}{'p50 ms':>9}{'p99 ms':>9}{'max ms':>9}")
        for rpc, r in lat.items():
            p(f"{rpc:<14}{r['requests']:>10}{r['rate']:>9}{r['p50_ms']:>9}"
              f"{r['p99_ms']:>9}{r['max_ms']:>9}")
        for k in ("A", "B", "attack"):
            d = res["ingest"][k]
            if d["count"]:
                p(f"ingest {k:<6}: {d['count']} done, p50 {d['p50_ms']} ms, "
                  f"mean {d['mean_ms']} ms, max {d['max_ms']} ms")
            else:
                p(f"ingest {k:<6}: 0 done")
        for e in res["ingest"]["errors"][:5]:
            p(f"  ingest error: {e}")
        p(f"errors: {res['errors']['total']} {res['errors']['by_rpc']}")
        for e in res["errors"]["first"]:
            p(f"  t={e[0]}s {e[1]} [{e[2]}]: {e[3]} {e[4]}")
        p(f"consistency violations: {res['violations']['total']} "
          f"{res['violations']['by_rpc']}; checked answers in state A "
          f"{res['states_seen'].get('A', 0)}, B {res['states_seen'].get('B', 0)}")
        for v in res["violations"]["first"]:
            p(f"  t={v[0]}s {v[1]} [{v[2]}]: {v[3]}")
        f = res.get("freshness")
        if f:
            p(f"freshness: {f['checked']} answers checked against the last acknowledged "
              f"ingest before they were asked, {f['stale']} stale; {f['overlapping']} "
              f"overlapped the next ingest (not checkable)"
              + (f" [skipped: {f['skipped']}]" if f.get("skipped") else ""))
            for v in f["first"]:
                p(f"  stale: {v}")
        r = res["rss"]
        if r.get("checked"):
            p(f"covd RSS: start {r['start_mb']} MB (after {r['warmup_s']} s warm-up), peak "
              f"{r['peak_mb']} MB, end {r['end_mb']} MB; quarter medians "
              f"{r['first_quarter_median_mb']} -> {r['last_quarter_median_mb']} MB "
              f"(limit {r['limit_mb']}): {'flat' if r['flat'] else 'GROWING'}")
        else:
            p(f"covd RSS: not checked ({r.get('reason')})")
        p("CPU during the load, in cores (of 2): " + ", ".join(
            f"{k} {v}" for k, v in res["cpu_cores"].items()))
        if "concurrent_no_ingest" in res:
            p("  without the writer: " + ", ".join(
                f"{k} {v}" for k, v in res["concurrent_no_ingest"]["cpu_cores"].items()))
        p(f"machine: {res['uptime']}; 1-min load average during the run "
          f"{res['loadavg_1m']['min']}-{res['loadavg_1m']['max']} "
          f"(mean {res['loadavg_1m']['mean']})")
    if res.get("covd_log"):
        p(f"covd log: {res['covd_log']}")
    p("load: PASS" if res["pass"] else f"load: FAIL ({'; '.join(res['fail_reasons'])})")
    return "\n".join(out)


def parse_args(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--duration", type=float, default=60, help="seconds of load (default 60)")
    ap.add_argument("--procs", type=int, default=4, help="client processes (default 4)")
    ap.add_argument("--threads", type=int, default=4,
                    help="threads per process, one channel each process (default 4: 16 clients)")
    ap.add_argument("--driver", choices=("cxx", "python"), default="cxx",
                    help="who sends the load: cxx (default), tests/load:load_driver, "
                         "--procs channels x --threads calls in flight, a few percent of "
                         "a core; python: --procs processes x --threads threads of the "
                         "Python client (~1.5 cores for 1,800 req/s on 2 cores)")
    ap.add_argument("--rate", type=float, default=0.0,
                    help="--driver cxx: start this many calls per second (open loop, "
                         "latency counted from when each call was due); default 0: "
                         "closed loop, as fast as the clients get answers")
    ap.add_argument("--driver_threads", type=int, default=1,
                    help="load_driver's completion-queue threads (default 1)")
    ap.add_argument("--address", help="a running covd (loopback only; its store gets the "
                    "sources above and ATT&CK 18.1 re-ingested as default); default: start one")
    ap.add_argument("--pid", type=int, help="covd's pid with --address (default: found "
                    "from the listening socket)")
    ap.add_argument("--corpus", help="corpus folder (default ../shared/corpus)")
    ap.add_argument("--small", action="store_true",
                    help="only the small static sources (CI): no ET Open, signature-base, legacy")
    ap.add_argument("--ingest_pause", type=float, default=0.5,
                    help="seconds between two writes (default 0.5)")
    ap.add_argument("--attack_every", type=int, default=9,
                    help="re-ingest ATT&CK after this many rule ingests (0: never; odd, so "
                    "it follows A and B in turn)")
    ap.add_argument("--baseline", type=float, default=None,
                    help="seconds of the single sequential client (default min(10, duration/6))")
    ap.add_argument("--warmup", type=float, default=None,
                    help="seconds before RSS start (default 10%% of duration, 2-30 s)")
    ap.add_argument("--rss_slack_mb", type=float, default=None,
                    help="RSS allowance in MB on top of 20%% growth (default 50; 150 for runs "
                    "under 2 minutes, which are still covd's warm-up)")
    ap.add_argument("--techniques", type=int, default=TECHNIQUE_SAMPLE,
                    help="techniques sampled for GetTechnique")
    ap.add_argument("--min_requests", type=int, default=1, help="fail below this many requests")
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--json", help="write the results as JSON to this file")
    ap.add_argument("--keep_db", action="store_true", help="keep the private covd's store")
    a = ap.parse_args(argv)
    if a.baseline is None:
        a.baseline = min(10.0, a.duration / 6)
    if a.rss_slack_mb is None:
        # In the 600 s run covd's RSS rose 50-100 MB in the first minute
        # (caches, allocator arenas of new gRPC threads) and levelled off
        # after ~6 minutes; a short run only sees that warm-up.
        a.rss_slack_mb = RSS_SLACK_MB if a.duration >= 120 else 3 * RSS_SLACK_MB
    return a


def main(argv=None):
    args = parse_args(argv)
    try:
        res = run(args)
    except ValueError as e:
        print(f"load: {e}", file=sys.stderr)
        return 2
    print(report(res), flush=True)
    if args.json:
        path = args.json
        if not os.path.isabs(path) and os.environ.get("BUILD_WORKING_DIRECTORY"):
            path = os.path.join(os.environ["BUILD_WORKING_DIRECTORY"], path)
        with open(path, "w", encoding="utf-8") as f:
            json.dump(res, f, indent=1, default=str)
    return 0 if res["pass"] else 1


if __name__ == "__main__":
    sys.exit(main())
