#!/bin/sh
# Proves that Bazel visibility enforces the layering (README, Layout): a
# target in server/engine depending on the kb layer fails analysis with "is
# not visible", while a control depending on the store interface passes.
# Runs bazel itself, so it cannot be a bazel test: .ci/run and
# deploy/run-tests.sh call it from the workspace root. Exit 0 = enforced.
set -u
cd "$(dirname "$0")/../.." || exit 2
pkg=//server/engine/testdata/layering
if ! bazel build --nobuild "$pkg:engine_uses_store" >/dev/null 2>&1; then
  echo "FAIL: control $pkg:engine_uses_store does not analyse" >&2
  exit 1
fi
out=$(bazel build --nobuild "$pkg:engine_uses_kb" 2>&1)
if [ $? -eq 0 ]; then
  echo "FAIL: $pkg:engine_uses_kb built: the engine may depend on //server/kb" >&2
  exit 1
fi
case "$out" in
  *"is not visible"*) echo "PASS: layering enforced (engine -> kb is not visible)" ;;
  *) echo "FAIL: engine_uses_kb failed for another reason:" >&2
     echo "$out" | tail -5 >&2
     exit 1 ;;
esac
