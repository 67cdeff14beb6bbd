"""Independent answers computed straight from the corpus files with plain
json and regular expressions, to check covd against. Shares no code with the
C++ parsers or the engine."""

import json
import os
import re

NETWORK = {"Network Traffic Content", "Network Traffic Flow", "Network Connection Creation"}
_SOURCES = ("mitre-attack", "mitre-mobile-attack", "mitre-ics-attack")


def attack_id(obj):
    for ref in obj.get("external_references", []):
        if ref.get("source_name") in _SOURCES:
            return ref.get("external_id")
    return None


class Bundle:
    def __init__(self, path):
        with open(path, encoding="utf-8") as f:
            self.objects = json.load(f)["objects"]
        self.by_id = {o["id"]: o for o in self.objects}
        self.rels = [o for o in self.objects if o["type"] == "relationship"
                     and not o.get("revoked") and not o.get("x_mitre_deprecated")]
        self.techniques = {}   # active ID -> object
        self.revoked_to = {}   # revoked ID -> replacement ID (chain end)
        stix_to_id = {o["id"]: attack_id(o) for o in self.objects
                      if o["type"] == "attack-pattern"}
        revoked_by = {r["source_ref"]: r["target_ref"] for r in self.rels
                      if r["relationship_type"] == "revoked-by"}
        for o in self.objects:
            if o["type"] != "attack-pattern":
                continue
            if o.get("revoked"):
                cur = o["id"]
                for _ in range(20):
                    if cur not in revoked_by:
                        break
                    cur = revoked_by[cur]
                if cur != o["id"]:
                    self.revoked_to[attack_id(o)] = stix_to_id.get(cur)
            elif not o.get("x_mitre_deprecated"):
                self.techniques[attack_id(o)] = o

    def tactics_of(self, tid):
        return {p["phase_name"] for p in self.techniques[tid].get("kill_chain_phases", [])}

    def components(self):
        """Technique ID -> data component names (v18 strategies or pre-v18 detects)."""
        out = {tid: set() for tid in self.techniques}
        stix = {o["id"]: tid for tid, o in self.techniques.items()}
        for r in self.rels:
            if r["relationship_type"] != "detects" or r["target_ref"] not in stix:
                continue
            src = self.by_id[r["source_ref"]]
            tid = stix[r["target_ref"]]
            if src["type"] == "x-mitre-data-component":
                out[tid].add(src["name"])
            elif src["type"] == "x-mitre-detection-strategy":
                for aref in src.get("x_mitre_analytic_refs", []):
                    for ls in self.by_id[aref].get("x_mitre_log_source_references", []):
                        out[tid].add(self.by_id[ls["x_mitre_data_component_ref"]]["name"])
        return out

    def potential(self, components):
        return {t for t, comps in self.components().items() if comps & components}

    def resolve(self, tid):
        """Active ID a rule's technique ID counts for, or None."""
        tid = tid.upper()
        if tid in self.techniques:
            return tid
        rep = self.revoked_to.get(tid)
        return rep if rep in self.techniques else None


_SURICATA_ACTIONS = r"(?:alert|drop|reject|rejectsrc|rejectdst|rejectboth|pass|log|sdrop)"
_ENABLED = re.compile(r"^" + _SURICATA_ACTIONS + r"\s")
_TECH = re.compile(r"mitre_technique_id\s+(T\d{4}(?:\.\d{3})?)")


def suricata_enabled_techniques(rules_dir):
    """Technique IDs named by enabled (not commented-out) rules."""
    out = []
    for name in sorted(os.listdir(rules_dir)):
        if not name.endswith(".rules"):
            continue
        with open(os.path.join(rules_dir, name), encoding="utf-8", errors="replace") as f:
            for line in f:
                if _ENABLED.match(line):
                    out.extend(_TECH.findall(line))
    return out


_SIGMA_TAG = re.compile(r"^\s*-\s*attack\.(t\d{4}(?:\.\d{3})?)\s*(?:#.*)?$", re.I | re.M)


def sigma_rules_per_technique(root, bundle):
    """Technique ID -> number of rule files tagging it (one rule per file)."""
    counts = {}
    for dirpath, _, files in os.walk(root):
        for name in files:
            if not name.endswith((".yml", ".yaml")):
                continue
            with open(os.path.join(dirpath, name), encoding="utf-8", errors="replace") as f:
                text = f.read()
            ids = {bundle.resolve(t) for t in _SIGMA_TAG.findall(text)}
            for t in ids - {None}:
                counts[t] = counts.get(t, 0) + 1
    return counts
