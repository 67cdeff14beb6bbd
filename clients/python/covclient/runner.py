"""Experiment runner: one command drives a validation experiment.

    python3 -m covclient.runner run EXPERIMENT.yaml [--server HOST:PORT]
                                                    [--wait] [--alerts FILE]

The YAML file (see deploy/examples/bits-transfer/experiment.yaml):

    name: bits-transfer-t1197
    plan: {techniques: [T1197], platform: windows}   # or group:, software:,
                                                     # campaign:, ctid_plan:
    rules: {suricata: rules, source: bits-example}   # optional, loaded first
    alerts: {eve: eve.json}                          # or jsonl: FILE
    window: {since: "2024-04-21T09:55:00Z", until: "2024-04-21T10:30:00Z"}
    expect_all_detected: true

It starts the experiment, prints the plan (steps, tests, expected rules),
waits for the alert file when --wait is given (the operator runs the tests
meanwhile), imports it, prints the report, and exits 1 when an expected
detection was missed (2 on usage or server errors). Paths are relative to
the YAML file.
"""

import argparse
import datetime
import os
import sys
import time

import yaml

from covclient import Client, CovError


def _unix(value):
    if value in (None, ""):
        return 0
    if isinstance(value, (int, float)):
        return int(value)
    if isinstance(value, datetime.datetime):
        return int(value.timestamp())
    text = str(value).replace("Z", "+00:00")
    return int(datetime.datetime.fromisoformat(text).timestamp())


def load(path):
    with open(path, encoding="utf-8") as f:
        spec = yaml.safe_load(f)
    if not isinstance(spec, dict) or "name" not in spec or "plan" not in spec:
        raise ValueError(f"{path}: needs at least `name` and `plan`")
    return spec


def run(spec_path, server=None, wait=False, alerts_override=None, out=sys.stdout):
    spec = load(spec_path)
    base = os.path.dirname(os.path.abspath(spec_path))
    plan = dict(spec["plan"])
    subject = {k: plan[k] for k in ("group", "software", "campaign", "techniques",
                                    "ctid_plan") if plan.get(k)}
    subject["platform"] = plan.get("platform", "")
    with Client(server) as c:
        rules = spec.get("rules") or {}
        for fmt in ("sigma", "suricata", "yara"):
            if rules.get(fmt):
                r = c.ingest_rules(fmt, os.path.join(base, rules[fmt]), rules.get("source"))
                print(f"rules: source {r.source.name}: {r.source.rule_count} rules", file=out)
        window = spec.get("window") or {}
        exp = c.start_experiment(spec["name"], _unix(window.get("since")),
                                 _unix(window.get("until")), **subject)
        print(f"experiment {exp.id}: {exp.name} ({exp.plan.subject})", file=out)
        for s in exp.plan.steps:
            tests = ", ".join(t.guid for t in s.tests) or "no test available"
            rules_txt = ", ".join(r.uid for r in s.expected_rules) or "none (gap)"
            print(f"  {s.order}. {s.technique_id} {s.technique_name} [{s.tactic}]\n"
                  f"     tests: {tests}\n     expected rules: {rules_txt}", file=out)
        alerts = dict(spec.get("alerts") or {})
        if alerts_override:
            alerts = {"eve": alerts_override}
        fmt = "eve" if alerts.get("eve") else "jsonl" if alerts.get("jsonl") else None
        if fmt is None:
            print("no alert file named; record results with `cov experiment record`",
                  file=out)
            return 0
        path = alerts[fmt]
        path = path if os.path.isabs(path) else os.path.join(base, path)
        if wait:
            print(f"waiting for {path} ...", file=out)
            while not os.path.exists(path):
                time.sleep(1)
        imp = c.import_alerts(exp.id, path, fmt)
        print(f"imported {imp.alerts} alerts ({imp.matched} matched, "
              f"{imp.malformed} malformed lines)", file=out)
        for e in imp.errors:
            print(f"  {e}", file=out)
        final = c.experiment(exp.id)
        latest = {}
        for r in final.results:
            latest[r.technique_id] = r
        missed = []
        for s in final.plan.steps:
            r = latest.get(s.technique_id)
            outcome = r.outcome if r else "untested"
            print(f"  {s.technique_id:<10} {outcome:<9} evidence: {s.evidence or 'none'}"
                  + (f"  fired: {', '.join(r.rule_uids)}" if r and r.rule_uids else ""),
                  file=out)
            if outcome != "detected":
                missed.append(s.technique_id)
        if missed and spec.get("expect_all_detected", True):
            print(f"MISSED: {', '.join(missed)}", file=out)
            return 1
        print("OK: every planned technique was detected", file=out)
        return 0


def main(argv=None):
    p = argparse.ArgumentParser(prog="python3 -m covclient.runner",
                                description="Run a cov validation experiment.")
    sub = p.add_subparsers(dest="command", required=True)
    r = sub.add_parser("run", help="start, import, report")
    r.add_argument("spec", help="experiment YAML file")
    r.add_argument("--server", help="covd address (default $COV_SERVER or 127.0.0.1:8470)")
    r.add_argument("--wait", action="store_true", help="wait for the alert file to appear")
    r.add_argument("--alerts", help="EVE file to import instead of the one in the YAML")
    args = p.parse_args(argv)
    try:
        return run(args.spec, args.server, args.wait, args.alerts)
    except (CovError, ValueError, OSError) as e:
        print(f"runner: {e}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
