#!/usr/bin/env bash
# `cov ingest attack enterprise-attack-18.1.json` end to end against a
# loopback covd, in path mode (covd reads the file itself) and with --upload,
# beside Python's bare json.load of the same file, in the same run (issue 14
# item 2: cov <= 0.5x json.load, client memory independent of the file size).
# Prints, per mode, the median of 5 runs of wall seconds and the client's
# peak RSS (GNU time), and the ratio cov / json.load.
#   tests/bench/ingest_attack_bench.sh [BUNDLE]   [target: ratio <= 0.5]
set -euo pipefail
cd "$(dirname "$0")/../.."
CORPUS=${COV_CORPUS_DIR:-$PWD/../shared/corpus}
BUNDLE=${1:-$CORPUS/attack/enterprise-attack-18.1.json}
RUNS=${RUNS:-5}
# $COV_BIN: a bazel-bin holding clients/cov and server/covd (skips the build).
if [ -z "${COV_BIN:-}" ]; then
  bazel build //clients:cov //server:covd >/dev/null 2>&1
fi
BIN=${COV_BIN:-$(bazel info bazel-bin 2>/dev/null)}
WORK=$(mktemp -d)
COVD_PID=
cleanup() {
  [ -n "$COVD_PID" ] && kill "$COVD_PID" 2>/dev/null && wait "$COVD_PID" 2>/dev/null
  rm -rf "$WORK"
}
trap cleanup EXIT
"$BIN/server/covd" --db "$WORK/db" --listen 127.0.0.1:0 \
  --port_file "$WORK/port" 2>"$WORK/covd.log" &
COVD_PID=$!
for _ in $(seq 200); do [ -s "$WORK/port" ] && break; sleep 0.02; done
SERVER=127.0.0.1:$(cat "$WORK/port")

# run NAME CMD...: RUNS timed runs; "seconds kilobytes" lines in $WORK/NAME.
run() {
  local name=$1; shift
  : >"$WORK/$name"
  for _ in $(seq "$RUNS"); do
    /usr/bin/time -f "%e %M" -o "$WORK/t" "$@" >/dev/null 2>"$WORK/err" || {
      cat "$WORK/err" >&2; exit 1; }
    cat "$WORK/t" >>"$WORK/$name"
  done
}
median() { sort -n -k"$2" "$WORK/$1" | awk -v k="$2" '{a[NR]=$k} END {print a[int((NR+1)/2)]}'; }

size=$(stat -c %s "$BUNDLE")
run path "$BIN/clients/cov" --server "$SERVER" ingest attack "$BUNDLE"
run upload "$BIN/clients/cov" --server "$SERVER" ingest attack --upload "$BUNDLE"
run json /usr/bin/python3 -c "import json,sys; json.load(open(sys.argv[1]))" "$BUNDLE"
if grep -q "uploading it" "$WORK/err"; then
  echo "FAIL: path mode fell back to upload: $(cat "$WORK/err")" >&2; exit 1
fi
tp=$(median path 1); tu=$(median upload 1); tj=$(median json 1)
printf 'bundle: %s (%d bytes), %d runs each, medians\n' "$BUNDLE" "$size" "$RUNS"
printf 'cov ingest attack (path, loopback covd) %6.2f s  client peak RSS %6.1f MB\n' "$tp" "$(echo "$(median path 2) / 1024" | bc -l)"
printf 'cov ingest attack --upload              %6.2f s  client peak RSS %6.1f MB\n' "$tu" "$(echo "$(median upload 2) / 1024" | bc -l)"
printf 'python3 json.load                       %6.2f s  peak RSS %6.1f MB\n' "$tj" "$(echo "$(median json 2) / 1024" | bc -l)"
printf 'ratio cov/json.load: path %.2f, upload %.2f  [target: path <= 0.50]\n' \
  "$(echo "$tp / $tj" | bc -l)" "$(echo "$tu / $tj" | bc -l)"
