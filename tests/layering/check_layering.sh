#!/bin/sh
# Proves that Bazel visibility enforces the layering (README, Layout): for
# every forbidden edge below it writes a throwaway package inside the lower
# layer's folder holding one target that depends on the higher (or sideways)
# layer, and expects `bazel build --nobuild` to fail with "is not visible".
# Controls (allowed edges) must analyse. The throwaway packages are removed
# on exit. Runs bazel itself, so it cannot be a bazel test: .ci/run and
# deploy/run-tests.sh call it from the workspace root. Exit 0 = enforced.
set -u
cd "$(dirname "$0")/../.." || exit 2
probe=layering_probe_tmp
made=""
cleanup() { for d in $made; do rm -rf "$d"; done; }
trap cleanup EXIT INT TERM

# probe NAME DIR DEP: package DIR/$probe with cc_library NAME -> DEP; sets
# $target to its label.
probe() {
  dir="$2/$probe"
  if [ ! -d "$dir" ]; then
    mkdir -p "$dir" || exit 2
    made="$made $dir"
  fi
  cat >>"$dir/BUILD.bazel" <<BUILD
cc_library(
    name = "$1",
    tags = ["manual"],
    deps = ["$3"],
)
BUILD
  target="//$dir:$1"
}

fail=0
# Allowed: must analyse (otherwise the forbidden ones prove nothing).
for spec in \
    "clients_use_proto clients //proto:cov_v1_cc" \
    "kb_uses_store server/kb //server/store:store_interface" \
    "kb_uses_ingest server/kb //ingest/attack" \
    "store_uses_proto server/store //proto:cov_v1_cc"; do
  set -- $spec
  probe "$1" "$2" "$3"
  if ! out=$(bazel build --nobuild "$target" 2>&1); then
    echo "FAIL: control $target ($2 -> $3) does not analyse:" >&2
    echo "$out" | tail -5 >&2
    fail=1
  else
    echo "ok: allowed   $2 -> $3"
  fi
done

# Forbidden: each must fail with a visibility error.
for spec in \
    "clients_use_store clients //server/store:store_interface" \
    "clients_use_kb clients //server/kb:attack_ingest" \
    "clients_use_service clients //server/service:cov_service" \
    "clients_use_covd clients //server:covd" \
    "clients_use_ingest clients //ingest/attack" \
    "clients_use_ingest_base clients //ingest/base:file_walk" \
    "store_uses_ingest server/store //ingest/attack" \
    "store_uses_kb server/store //server/kb:models" \
    "ingest_uses_store ingest //server/store:store_interface" \
    "ingest_uses_kb ingest //server/kb:models" \
    "engine_uses_store server/engine //server/store:store_interface" \
    "engine_uses_kb server/engine //server/kb:models" \
    "engine_uses_service server/engine //server/service:cov_service" \
    "kb_uses_service server/kb //server/service:cov_service"; do
  set -- $spec
  probe "$1" "$2" "$3"
  out=$(bazel build --nobuild "$target" 2>&1)
  if [ $? -eq 0 ]; then
    echo "FAIL: $target built: $2 may depend on $3" >&2
    fail=1
    continue
  fi
  case "$out" in
    *"is not visible"*) echo "ok: forbidden $2 -> $3 (is not visible)" ;;
    *) echo "FAIL: $target failed for another reason:" >&2
       echo "$out" | tail -5 >&2
       fail=1 ;;
  esac
done
if [ "$fail" -eq 0 ]; then
  echo "PASS: layering enforced (4 allowed edges analyse, 14 forbidden edges are not visible)"
fi
exit "$fail"
