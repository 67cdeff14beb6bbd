#!/bin/bash
# Runs alerts_bench on 1,000,000 generated EVE lines (streaming EveReader)
# and checks the budgets of issue 5: well under 5 s and 500 MB peak RSS.
# The bench itself exits 1 when the counts it reads back are wrong.
set -euo pipefail
bench="$1"
out="$("$bench" 1000000)"
echo "$out"
seconds="$(sed -n 's/^parse: \([0-9.]*\) s.*/\1/p' <<<"$out")"
rss="$(sed -n 's/^peak RSS: \([0-9.]*\) MB.*/\1/p' <<<"$out")"
grep -q '^lines=1000000 alerts=700000 skipped=299000 malformed=1000 ' <<<"$out"
if [[ -z "$seconds" || -z "$rss" ]]; then
  echo "FAIL: could not read the bench output" >&2
  exit 1
fi
if ! awk -v s="$seconds" 'BEGIN { exit !(s < 5.0) }'; then
  echo "FAIL: parse took ${seconds} s (budget 5 s)" >&2
  exit 1
fi
if ! awk -v r="$rss" 'BEGIN { exit !(r < 500.0) }'; then
  echo "FAIL: peak RSS ${rss} MB (budget 500 MB)" >&2
  exit 1
fi
echo "PASS: ${seconds} s, ${rss} MB"
