#!/usr/bin/env bash
# Scan throughput: cov's YARA scanner (//server/scan:scan_bench) against
# Debian's yara CLI, on the same rule files and the same target folder.
#
#   server/scan/scan_bench.sh [RULES_DIR] [TARGET_DIR]
#
# Defaults: the signature-base rules and the whole corpus as the target
# (../shared/corpus, or $COV_CORPUS_DIR). Installs the `yara` package when
# the CLI is missing. The CLI gets the rules compiled once by yarac (one
# namespace per file, THOR externals defined empty) and scans with -r, once
# with 1 thread (like cov) and once with 2 (the machine's cores).
set -euo pipefail
cd "$(dirname "$0")/../.."
CORPUS=${COV_CORPUS_DIR:-$(cd .. && pwd)/shared/corpus}
RULES=${1:-$CORPUS/yara/signature-base}
TARGET=${2:-$CORPUS}

if ! command -v yara >/dev/null || ! command -v yarac >/dev/null; then
  echo "installing Debian's yara CLI" >&2
  apt-get install -y yara >/dev/null
fi

bazel build //server/scan:scan_bench 2>/dev/null
bazel-bin/server/scan/scan_bench "$RULES" "$TARGET"

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
EXT=(-d filename= -d filepath= -d extension= -d filetype= -d owner=)
args=()
while IFS= read -r -d '' f; do
  args+=("${f#"$RULES"/}:$f")
done < <(find "$RULES" -type f \( -iname '*.yar' -o -iname '*.yara' -o \
           -iname '*.rule' -o -iname '*.rules' \) -not -path '*/.*' -print0 |
         sort -z)
t0=$(date +%s.%N)
yarac -w "${EXT[@]}" "${args[@]}" "$tmp/rules.yarc"
t1=$(date +%s.%N)
bytes=$(find "$TARGET" -type f -not -path '*/.*' -printf '%s\n' |
        awk '{s += $1} END {print s}')
files=$(find "$TARGET" -type f -not -path '*/.*' | wc -l)
printf 'yarac: %d rule files compiled in %.2f s\n' "${#args[@]}" \
  "$(echo "$t1 - $t0" | bc)"
for threads in 1 2; do
  t0=$(date +%s.%N)
  yara -C -r -w -p "$threads" "$tmp/rules.yarc" "$TARGET" >"$tmp/out" 2>"$tmp/err" || true
  t1=$(date +%s.%N)
  secs=$(echo "$t1 - $t0" | bc)
  printf 'yara CLI (-p %d): %d files, %.1f MB, %d rule matches, %.2f s, %.1f MB/s\n' \
    "$threads" "$files" "$(echo "$bytes / 1000000" | bc -l)" \
    "$(wc -l <"$tmp/out")" "$secs" "$(echo "$bytes / 1000000 / $secs" | bc -l)"
done
