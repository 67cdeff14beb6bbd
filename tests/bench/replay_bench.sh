#!/usr/bin/env bash
# `cov replay` end to end against a loopback covd (issue 11's performance
# target: all SigmaHQ r2026 Windows rules over the 289,610 Security-Datasets
# events read from their zips, >= 100,000 events/s on the 2 cores, covd's
# peak memory <= 300 MB and independent of the log size).
#
# Starts covd on a fresh store, ingests ATT&CK 18.1 and the SigmaHQ rules,
# then runs `cov replay LOGS` RUNS times (the first compiles the rule set)
# and prints, per run, wall seconds and events/s, and covd's peak RSS (VmHWM)
# after the ingests and after the replays. A second line set replays one zip
# alone to show that memory does not grow with the log size.
#   tests/bench/replay_bench.sh [LOGS_DIR]
set -euo pipefail
cd "$(dirname "$0")/../.."
CORPUS=${COV_CORPUS_DIR:-$PWD/../shared/corpus}
LOGS=${1:-$CORPUS/logs/security-datasets/datasets/atomic/windows}
RUNS=${RUNS:-3}
# $COV_BIN: a bazel-bin holding clients/cov and server/covd (skips the build).
if [ -z "${COV_BIN:-}" ]; then
  bazel build -c opt //clients:cov //server:covd >/dev/null 2>&1
fi
BIN=${COV_BIN:-$(bazel info -c opt bazel-bin 2>/dev/null)}
WORK=$(mktemp -d)
COVD_PID=
cleanup() {
  [ -n "$COVD_PID" ] && kill "$COVD_PID" 2>/dev/null && wait "$COVD_PID" 2>/dev/null
  rm -rf "$WORK"
}
trap cleanup EXIT
"$BIN/server/covd" --db "$WORK/db" --listen 127.0.0.1:0 \
  --port_file "$WORK/port" --ingest_root / 2>"$WORK/covd.log" &
COVD_PID=$!
for _ in $(seq 200); do [ -s "$WORK/port" ] && break; sleep 0.02; done
SERVER=127.0.0.1:$(cat "$WORK/port")
cov() { "$BIN/clients/cov" --server "$SERVER" "$@"; }
hwm() { awk '/VmHWM/ {printf "%.1f MB", $2 / 1024}' "/proc/$COVD_PID/status"; }

cov ingest attack "$CORPUS/attack/enterprise-attack-18.1.json" --make_default >/dev/null
cov ingest sigma "$CORPUS/sigma/sigmahq-r2026-04-01" --source sigmahq >/dev/null
echo "logs: $LOGS ($(find "$LOGS" -type f | wc -l) files, $(du -sh "$LOGS" | cut -f1))"
echo "covd peak RSS after the ingests: $(hwm)"
events=
for i in $(seq "$RUNS"); do
  /usr/bin/time -f "%e" -o "$WORK/t" "$BIN/clients/cov" --server "$SERVER" \
    replay "$LOGS" --source sigmahq --format json >"$WORK/out.json" 2>"$WORK/err" || {
    cat "$WORK/err" >&2; exit 1; }
  read -r events server_ms < <(python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print(int(d.get("events", 0)), float(d.get("elapsed_ms", d.get("elapsedMs", 0))))' "$WORK/out.json")
  s=$(cat "$WORK/t")
  printf 'replay %d: %6.2f s wall (server %.0f ms), %s events, %8.0f events/s end to end, covd peak RSS %s\n' \
    "$i" "$s" "$server_ms" "$events" "$(echo "$events / $s" | bc -l)" "$(hwm)"
done
python3 - "$WORK/out.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
keys = [k for k in d if not isinstance(d[k], list)]
print("answer summary:", {k: d[k] for k in keys})
PY
