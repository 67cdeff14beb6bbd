#!/usr/bin/env bash
# The BITS transfer validation experiment, end to end, with the cov CLI.
# Needs a running covd holding ATT&CK 18.1 and the Atomic Red Team atomics
# (./deploy/quickstart.sh does both), or set COV_SERVER.
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../../.." && pwd)
COV=${COV:-$(cd "$ROOT" && bazel info bazel-bin 2>/dev/null)/clients/cov}
CORPUS=${COV_CORPUS_DIR:-$ROOT/../shared/corpus}

"$COV" ingest atomics "$CORPUS/atomics/atomic-red-team/atomics" --source atomic-red-team | head -1
"$COV" ingest suricata "$HERE/rules" --source bits-example | head -1
echo "== the plan: T1197 with its Atomic Red Team tests and the rules that should fire"
"$COV" plan --technique T1197 --platform windows
EXP=$("$COV" experiment start --technique T1197 --platform windows --name bits-transfer \
      --since 2024-04-21T09:55:00Z --until 2024-04-21T10:30:00Z)
echo "== experiment $EXP: run the tests (e.g. Invoke-AtomicTest T1197), capture with Suricata,"
echo "   then import what fired (here: the captured eve.json)"
"$COV" experiment import "$EXP" --eve "$HERE/eve.json"
"$COV" experiment show "$EXP"
echo "== coverage now shows T1197 as validated"
"$COV" --format json coverage --by technique | python3 -c '
import json,sys
d=json.load(sys.stdin)
t=[x for x in d["techniques"] if x["techniqueId"]=="T1197"][0]
print("T1197 evidence:", t["evidence"], "rules:", t["ruleCount"])'
