#!/usr/bin/env bash
# Times `cov check --attack BUNDLE` (one-command CI mode: private covd start,
# ATT&CK load, check of 10 Sigma rules, stop) over 5 runs, end to end.
#   tests/bench/check_one_command.sh     [target < 2 s]
set -euo pipefail
cd "$(dirname "$0")/../.."
CORPUS=${COV_CORPUS_DIR:-$PWD/../shared/corpus}
bazel build //clients:cov //server:covd >/dev/null 2>&1
BIN=$(bazel info bazel-bin 2>/dev/null)
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
mkdir -p "$WORK/rules"
find "$CORPUS/sigma/sigmahq-r2026-04-01/rules/windows/process_creation" -name '*.yml' |
  sort | sed -n '1,10p' | xargs -I{} cp {} "$WORK/rules/"
times=()
for i in 1 2 3 4 5; do
  s=$(date +%s.%N)
  (cd "$WORK" && "$BIN/clients/cov" check rules --attack "$CORPUS/attack/enterprise-attack-18.1.json" \
     --covd "$BIN/server/covd" >/dev/null) || true
  e=$(date +%s.%N)
  times+=("$(echo "$e - $s" | bc)")
done
printf '%s\n' "${times[@]}" | sort -n | awk '{a[NR]=$1} END {printf "cov check --attack (10 rules, private covd + ATT&CK 18.1 load): median %.2f s, max %.2f s  [target < 2 s]\n", a[int((NR+1)/2)], a[NR]}'
echo "naive alternative for comparison: python3 json.load of the bundle alone:"
/usr/bin/python3 -c "import json,time; t=time.perf_counter(); json.load(open('$CORPUS/attack/enterprise-attack-18.1.json')); print('  %.2f s' % (time.perf_counter()-t))"
