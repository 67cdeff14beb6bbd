"""The naive alternative to cov's rule ingest, timed by rules_bench.

  python3 naive_rules.py sigma DIR...     # PyYAML C loader, collects tags
  python3 naive_rules.py suricata DIR...  # regex for mitre_technique_id
  python3 naive_rules.py elastic DIR...   # tomllib, [[rule.threat]] IDs
  python3 naive_rules.py splunk DIR...    # PyYAML C loader, mitre_attack_id
  python3 naive_rules.py sentinel DIR...  # PyYAML C loader, relevantTechniques
  python3 naive_rules.py layer DIR...     # json, techniques[].techniqueID

Prints one line: `files=N docs=N tags=N errors=N ms=X` (sigma) or
`files=N rules=N technique_ids=N distinct=N ms=X` (suricata), where ms is the
time spent after the interpreter and modules are loaded.
"""

import os
import re
import sys
import time

import yaml


def walk(dirs, suffixes):
    """Yields files under dirs ending in suffixes, skipping hidden folders."""
    for top in dirs:
        for root, subdirs, files in os.walk(top):
            subdirs[:] = sorted(d for d in subdirs if not d.startswith("."))
            for name in sorted(files):
                if name.lower().endswith(suffixes):
                    yield os.path.join(root, name)


def sigma(dirs):
    files = docs = tags = errors = 0
    by_rule = {}
    for path in walk(dirs, (".yml", ".yaml")):
        files += 1
        with open(path, encoding="utf-8", errors="replace") as f:
            try:
                for doc in yaml.load_all(f, Loader=yaml.CLoader):
                    docs += 1
                    if isinstance(doc, dict):
                        t = doc.get("tags") or []
                        if isinstance(t, list):
                            by_rule[(path, docs)] = t
                            tags += len(t)
            except yaml.YAMLError:
                errors += 1
    return "files=%d docs=%d tags=%d errors=%d" % (files, docs, tags, errors)


def suricata(dirs):
    technique = re.compile(r"mitre_technique_id\s+([A-Za-z0-9.]+)")
    rule = re.compile(r"^\s*#?\s*(?:alert|drop|pass|reject)\s", re.M)
    files = rules = ids = 0
    distinct = set()
    for path in walk(dirs, (".rules",)):
        files += 1
        with open(path, encoding="utf-8", errors="replace") as f:
            text = f.read()
        rules += len(rule.findall(text))
        found = technique.findall(text)
        ids += len(found)
        distinct.update(found)
    return "files=%d rules=%d technique_ids=%d distinct=%d" % (
        files, rules, ids, len(distinct))


def elastic(dirs):
    import tomllib
    files = ids = errors = 0
    for path in walk(dirs, (".toml",)):
        files += 1
        try:
            with open(path, "rb") as f:
                rule = tomllib.load(f).get("rule", {})
        except tomllib.TOMLDecodeError:
            errors += 1
            continue
        for threat in rule.get("threat", []):
            for t in threat.get("technique", []):
                ids += 1 + len(t.get("subtechnique", []))
    return "files=%d technique_ids=%d errors=%d" % (files, ids, errors)


def yaml_ids(dirs, key):
    files = ids = errors = 0
    for path in walk(dirs, (".yml", ".yaml")):
        files += 1
        with open(path, encoding="utf-8-sig", errors="replace") as f:
            try:
                doc = yaml.load(f, Loader=yaml.CSafeLoader) or {}
            except yaml.YAMLError:
                errors += 1
                continue
        v = key(doc) if isinstance(doc, dict) else None
        ids += len(v) if isinstance(v, list) else 0
    return "files=%d technique_ids=%d errors=%d" % (files, ids, errors)


def layer(dirs):
    import json
    files = ids = 0
    for path in walk(dirs, (".json",)):
        files += 1
        with open(path, encoding="utf-8") as f:
            ids += sum(1 for t in json.load(f).get("techniques", [])
                       if "score" in t or "score_num" in t)
    return "files=%d technique_ids=%d" % (files, ids)


FORMATS = {
    "sigma": sigma,
    "suricata": suricata,
    "elastic": elastic,
    "splunk": lambda d: yaml_ids(
        d, lambda doc: (doc.get("tags") or {}).get("mitre_attack_id")),
    "sentinel": lambda d: yaml_ids(
        d, lambda doc: doc.get("relevantTechniques")),
    "layer": layer,
}


def main(argv):
    if len(argv) < 3 or argv[1] not in FORMATS:
        sys.stderr.write(__doc__)
        return 2
    t0 = time.perf_counter()
    line = FORMATS[argv[1]](argv[2:])
    print("%s ms=%.1f" % (line, (time.perf_counter() - t0) * 1000))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
