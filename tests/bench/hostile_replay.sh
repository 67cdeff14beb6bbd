#!/usr/bin/env bash
# Issue 11's "bad input tried and recorded": each hostile input replayed by a
# loopback covd through `cov replay`, with the wall time, covd's peak RSS and
# the diagnostic it prints; a good file beside each proves nothing else is lost.
#   tests/bench/hostile_replay.sh
set -euo pipefail
cd "$(dirname "$0")/../.."
CORPUS=${COV_CORPUS_DIR:-$PWD/../shared/corpus}
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
hwm() { awk '/VmHWM/ {printf "%.0f MB", $2 / 1024}' "/proc/$COVD_PID/status"; }

# A catastrophic-backtracking regex rule beside a plain one.
mkdir -p "$WORK/rules"
cat >"$WORK/rules/redos.yml" <<'EOF'
title: Catastrophic regex
id: 00000000-0000-4000-8000-00000000000a
status: test
logsource: {product: windows, category: process_creation}
detection:
  sel: {CommandLine|re: '^(a+)+$'}
  condition: sel
tags: [attack.t1059]
EOF
cat >"$WORK/rules/plain.yml" <<'EOF'
title: Whoami
id: 00000000-0000-4000-8000-00000000000b
status: test
logsource: {product: windows, category: process_creation}
detection:
  sel: {Image|endswith: '\whoami.exe'}
  condition: sel
tags: [attack.t1033]
EOF
cov ingest attack "$CORPUS/attack/enterprise-attack-18.1.json" --make_default >/dev/null
cov ingest sigma "$WORK/rules" --source hostile >/dev/null
good='{"Channel":"Microsoft-Windows-Sysmon/Operational","EventID":1,"Image":"C:\\Windows\\System32\\whoami.exe","CommandLine":"whoami"}'

mkdir -p "$WORK/in"
# 1. One JSON line of 1 GiB between two good events.
{ echo "$good"; printf '{"Channel":"Microsoft-Windows-Sysmon/Operational","EventID":1,"CommandLine":"'
  head -c $((1 << 30)) /dev/zero | tr '\0' 'a'; echo '"}'; echo "$good"; } >"$WORK/in/huge-line.json"
# 2. A zip bomb: a member of 4 GiB of zeros (~4 MB deflated), then a good member.
python3 - "$WORK/in/bomb.zip" "$good" <<'PY'
import sys, zipfile
with zipfile.ZipFile(sys.argv[1], "w", zipfile.ZIP_DEFLATED) as z:
    with z.open("bomb.json", "w", force_zip64=True) as f:
        block = b"\0" * (1 << 20)
        for _ in range(4096):
            f.write(block)
    z.writestr("after.json", sys.argv[2] + "\n")
PY
# 2b. The same written through a pipe: no size in the header (data descriptor),
# so only the inflate-ratio bound can stop it.
python3 - /dev/stdout "$good" <<'PY' | cat >"$WORK/in/bomb-streamed.zip"
import sys, zipfile
with zipfile.ZipFile(sys.stdout.buffer, "w", zipfile.ZIP_DEFLATED) as z:
    with z.open("bomb.json", "w", force_zip64=True) as f:
        block = b"\0" * (1 << 20)
        for _ in range(4096):
            f.write(block)
    z.writestr("after.json", sys.argv[2] + "\n")
PY
# 3. A truncated .evtx: half of a real one.
evtx=$(find "$CORPUS/sigma/sigmahq-r2026-04-01-regression" -name '*.evtx' -size +60k -print -quit)
head -c $(($(stat -c %s "$evtx") / 2)) "$evtx" >"$WORK/in/truncated.evtx"
# 4. The catastrophic regex against 100,000 'a's followed by a '!'.
python3 -c 'import json,sys; print(json.dumps({"Channel":"Microsoft-Windows-Sysmon/Operational","EventID":1,"CommandLine":"a"*100000+"!"})); print(sys.argv[1])' "$good" >"$WORK/in/redos.json"

for f in huge-line.json bomb.zip bomb-streamed.zip truncated.evtx redos.json; do
  /usr/bin/time -f "%e" -o "$WORK/t" "$BIN/clients/cov" --server "$SERVER" \
    replay "$WORK/in/$f" --source hostile --format json >"$WORK/out.json" 2>"$WORK/err" || true
  python3 - "$WORK/out.json" "$f" "$(cat "$WORK/t")" "$(hwm)" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
m = {x["rule"].get("uid", "?")[-1:]: int(x.get("matches", 0)) for x in d.get("matches", [])}
diags = [x.get("message", "") + " [" + x.get("code", "") + "]" for x in d.get("diagnostics", [])]
print(f"{sys.argv[2]}: {sys.argv[3]} s, covd peak RSS {sys.argv[4]}, events {d.get('events')}, "
      f"whoami matches {m.get('b', 0)}, regex matches {m.get('a', 0)}")
for x in diags[:3]:
    print("   ", x[:220])
PY
done
