#!/usr/bin/env bash
# Runs every test of the project and prints a closing line "N passed, N failed"
# counting real test cases (gtest cases and Python unittest cases), read from
# the JUnit XML each test writes. A test target that did not build or wrote no
# XML counts as one failure.
#
#   deploy/run-tests.sh [extra bazel test flags]
#   COV_TEST_SCOPE="//ingest/... //server/..." COV_TEST_SKIP_TAGS=timing \
#     deploy/run-tests.sh --config=asan
set -uo pipefail
cd "$(dirname "$0")/.."

./deploy/setup-debian.sh

marker=$(mktemp)
trap 'rm -f "$marker"' EXIT
sleep 1  # test.xml mtimes must be strictly newer than the marker

# COV_TEST_SCOPE narrows the run (default every test); COV_TEST_SKIP_TAGS
# leaves out tests with those tags (comma-separated), e.g. the ones with wall-
# clock budgets under a sanitizer. Both are for .ci/run's sanitizer pass.
scope=${COV_TEST_SCOPE:-//...}
skip_tags=${COV_TEST_SKIP_TAGS:-}
read -r -a patterns <<<"$scope"
tag_flags=()
query="tests($(printf '%s + ' "${patterns[@]}" | sed 's/ + $//')) except attr(tags, manual, //...)"
if [[ -n $skip_tags ]]; then
  tag_flags=(--test_tag_filters="-${skip_tags//,/,-}")
  for t in ${skip_tags//,/ }; do
    query+=" except attr(tags, $t, //...)"
  done
fi

bazel test "${patterns[@]}" "${tag_flags[@]}" "$@"
bazel_rc=$?
# Layering (README, Layout): runs bazel itself, so a script, not a bazel test.
./tests/layering/check_layering.sh
layering_rc=$?

targets=$(bazel query "$query" 2>/dev/null)
testlogs=$(bazel info bazel-testlogs 2>/dev/null)

COV_LAYERING_RC=$layering_rc /usr/bin/python3 - "$marker" "$testlogs" "$bazel_rc" $targets <<'PY'
import os
import sys
import xml.etree.ElementTree as ET

marker, testlogs, bazel_rc, targets = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4:]
since = os.path.getmtime(marker)
passed = failed = 0
for t in targets:
    rel = t.lstrip("/").replace(":", "/")
    xml = os.path.join(testlogs, rel, "test.xml")
    if not os.path.exists(xml) or os.path.getmtime(xml) < since and bazel_rc not in (0, 3):
        # Not run this time (build failure) and no earlier result to trust.
        if not os.path.exists(xml):
            print(f"FAILED (no result): {t}")
            failed += 1
            continue
    try:
        root = ET.parse(xml).getroot()
    except ET.ParseError as e:
        print(f"FAILED (unreadable test.xml): {t}: {e}")
        failed += 1
        continue
    cases = root.iter("testcase")
    n = 0
    for case in cases:
        n += 1
        bad = case.find("failure") is not None or case.find("error") is not None
        # gtest marks non-run (skipped/disabled) cases with status="notrun".
        skipped = case.find("skipped") is not None or case.get("status") == "notrun"
        if bad or skipped:
            failed += 1
            print(f"FAILED: {t} {case.get('classname')}.{case.get('name')}"
                  + (" (skipped)" if skipped and not bad else ""))
        else:
            passed += 1
    if n == 0:
        print(f"FAILED (no test cases): {t}")
        failed += 1
if bazel_rc not in (0, 3) and failed == 0:
    # bazel failed without a failing case we could see (e.g. analysis error).
    print(f"FAILED: bazel test exited with {bazel_rc}")
    failed += 1
if os.environ.get("COV_LAYERING_RC", "0") == "0":
    passed += 1
else:
    print("FAILED: tests/layering/check_layering.sh")
    failed += 1
print(f"{passed} passed, {failed} failed")
sys.exit(0 if failed == 0 else 1)
PY
