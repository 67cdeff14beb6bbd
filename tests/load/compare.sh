#!/bin/bash
# Same-run before/after of two covd binaries under the load test (BENCHMARKS.md
# "Load: reads that do not pay for writes"): each gets a fresh store on
# 127.0.0.1:PORT, then `load --address ... --pid ...` with the given arguments.
#
#   bazel build -c opt //server:covd //tests/load:load
#   tests/load/compare.sh OLD_COVD NEW_COVD -- --duration 40 --baseline 15
#   tests/load/compare.sh bazel-bin/server/covd bazel-bin/server/covd \
#       --covd_args_a "--ingest_nice 0" --covd_args_b "--ingest_nice 10" -- --duration 40
#
# Prints each run's report; JSON in /tmp/compare-{a,b}.json. Loopback only.
set -euo pipefail
usage() { sed -n '2,11p' "$0" >&2; exit 2; }
[ $# -ge 2 ] || usage
A=$1 B=$2; shift 2
ARGS_A="" ARGS_B="" PORT=18470
while [ $# -gt 0 ]; do
  case "$1" in
    --covd_args_a) ARGS_A=$2; shift 2 ;;
    --covd_args_b) ARGS_B=$2; shift 2 ;;
    --port) PORT=$2; shift 2 ;;
    --) shift; break ;;
    *) usage ;;
  esac
done
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
LOAD=$ROOT/bazel-bin/tests/load/load
[ -x "$LOAD" ] || { echo "build it first: bazel build -c opt //tests/load:load" >&2; exit 2; }
for side in a b; do
  if [ $side = a ]; then BIN=$A EXTRA=$ARGS_A; else BIN=$B EXTRA=$ARGS_B; fi
  DB=$(mktemp -d /tmp/compare-db-$side.XXXXXX)
  # shellcheck disable=SC2086
  "$BIN" --db "$DB/db" --listen "127.0.0.1:$PORT" $EXTRA > "$DB.log" 2>&1 &
  PID=$!
  for _ in $(seq 1 50); do
    grep -q "listening\|serving" "$DB.log" 2>/dev/null && break
    sleep 0.2
  done
  echo "== $side: $BIN $EXTRA"
  "$LOAD" --address "127.0.0.1:$PORT" --pid "$PID" --json "/tmp/compare-$side.json" "$@" || true
  kill "$PID"; wait "$PID" || true
  rm -rf "$DB" "$DB.log"
done
