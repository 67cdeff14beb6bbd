#!/usr/bin/env bash
# Builds the libFuzzer targets with clang (ASan + UBSan, parsers instrumented
# for coverage) and runs each for SECONDS (default 60), one after the other.
#
#   deploy/fuzz.sh [SECONDS] [FORMAT...]    FORMAT: stix sigma yara atomics eve suricata
#
# Each fuzzer starts from its committed seeds (tests/fuzz/<format>_corpus/,
# ingest/suricata/suricata_fuzzer_corpus/) plus, read-only, the real files of
# that format under $COV_CORPUS_DIR (default ../shared/corpus). New inputs go to
# a scratch folder ($COV_FUZZ_WORK, default /tmp/cov-fuzz/<format>/new), never
# into the committed seeds. STIX gets no real bundles: at 3-45 MB each they are
# far beyond a useful -max_len.
#
# Prints, per fuzzer, executions, executions/s, coverage, new inputs and any
# crash file; a crash is minimised (-minimize_crash=1) next to it (<file>.min).
# A fuzzer stops at its first finding unless COV_FUZZ_KEEP_GOING=1 (fork
# mode, several findings per run). Exits 1 when a fuzzer found a crash, a
# broken invariant, a leak, a timeout (-timeout=10 s per input) or ran out of
# memory. Commit a minimised crasher to the seed folder as crash-<what> so
# the replay test (bazel test //tests/fuzz/...) fails until the parser is
# fixed; the fuzzers themselves skip crash-* seeds.
#
# Needs clang and the sanitizer/libFuzzer runtimes (Debian: clang,
# libclang-rt-14-dev). Builds in its own output base ($COV_FUZZ_OUTPUT_BASE,
# default /tmp/bazel-cov-fuzz) because the clang toolchain differs.
set -euo pipefail
cd "$(dirname "$0")/.."

secs=${1:-60}
if [[ $# -gt 0 ]]; then shift; fi
if ! [[ $secs =~ ^[0-9]+$ ]] || ((secs < 1)); then
  echo "usage: deploy/fuzz.sh [SECONDS] [FORMAT...]" >&2
  exit 2
fi
formats=("$@")
if ((${#formats[@]} == 0)); then
  formats=(stix sigma yara atomics eve suricata)
fi

corpus=${COV_CORPUS_DIR:-../shared/corpus}
# COV_FUZZ_KEEP_GOING=1: fork mode, carry on after crashes, timeouts and
# OOMs to collect several distinct findings in one run.
keep_going=${COV_FUZZ_KEEP_GOING:-}
work=${COV_FUZZ_WORK:-/tmp/cov-fuzz}
output_base=${COV_FUZZ_OUTPUT_BASE:-/tmp/bazel-cov-fuzz}

for tool in clang clang++; do
  if ! command -v "$tool" >/dev/null; then
    echo "fuzz: $tool not found; apt-get install clang libclang-rt-14-dev" >&2
    exit 2
  fi
done

declare -A target seeds extra dict maxlen
target=([stix]=//tests/fuzz:stix_fuzzer [sigma]=//tests/fuzz:sigma_fuzzer
  [yara]=//tests/fuzz:yara_fuzzer [atomics]=//tests/fuzz:atomics_fuzzer
  [eve]=//tests/fuzz:eve_fuzzer [suricata]=//ingest/suricata:suricata_fuzzer)
seeds=([stix]=tests/fuzz/stix_corpus [sigma]=tests/fuzz/sigma_corpus
  [yara]=tests/fuzz/yara_corpus [atomics]=tests/fuzz/atomics_corpus
  [eve]=tests/fuzz/eve_corpus [suricata]=ingest/suricata/suricata_fuzzer_corpus)
# Real files (read recursively by libFuzzer; longer ones are cut to -max_len).
extra=([stix]="" [sigma]="$corpus/sigma" [yara]="$corpus/yara"
  [atomics]="$corpus/atomics" [eve]="ingest/alerts/testdata"
  [suricata]="$corpus/suricata")
dict=([stix]=tests/fuzz/json.dict [sigma]=tests/fuzz/yaml.dict
  [yara]=tests/fuzz/yara.dict [atomics]=tests/fuzz/yaml.dict
  [eve]=tests/fuzz/json.dict [suricata]=ingest/suricata/suricata_fuzzer.dict)
maxlen=([stix]=16384 [sigma]=65536 [yara]=65536 [atomics]=65536 [eve]=16384
  [suricata]=65536)

labels=()
for f in "${formats[@]}"; do
  if [[ -z ${target[$f]:-} ]]; then
    echo "fuzz: unknown format '$f' (stix sigma yara atomics eve suricata)" >&2
    exit 2
  fi
  labels+=("${target[$f]}")
done

# The parsers get coverage instrumentation and the sanitizers from these
# global flags; the fuzz targets add -fsanitize=fuzzer to link libFuzzer.
flags=(
  --symlink_prefix=/
  --copt=-fsanitize=fuzzer-no-link,address,undefined
  --copt=-fno-sanitize-recover=all
  --copt=-fno-omit-frame-pointer
  --copt=-gline-tables-only
  --linkopt=-fuse-ld=lld
)
bazel_fuzz() {
  CC=clang CXX=clang++ bazel --output_base="$output_base" "$@"
}

echo "fuzz: building ${labels[*]}"
bazel_fuzz build "${flags[@]}" "${labels[@]}"
bin=$(bazel_fuzz info "${flags[@]}" bazel-bin 2>/dev/null)

summary=()
status=0
for f in "${formats[@]}"; do
  exe="$bin/${target[$f]#//}"
  exe="${exe/://}"
  out="$work/$f"
  rm -rf "$out"
  mkdir -p "$out/new" "$out/crashes" "$out/seeds"
  # Committed crashers (crash-*) are regression inputs for the replay tests;
  # fuzzing from them would only find the same crash again.
  find "${seeds[$f]}" -maxdepth 1 -type f ! -name 'crash-*' -exec cp {} "$out/seeds/" \;
  dirs=("$out/new" "$out/seeds")
  for d in ${extra[$f]}; do
    if [[ -d $d ]]; then dirs+=("$d"); else echo "fuzz: $d missing, skipped" >&2; fi
  done
  log="$out/fuzz.log"
  echo "fuzz: $f for ${secs}s: ${seeds[$f]} ${extra[$f]}"
  mode=(-print_final_stats=1)
  if [[ -n $keep_going ]]; then
    mode=(-fork=1 -ignore_crashes=1 -ignore_timeouts=1 -ignore_ooms=1)
  fi
  rc=0
  # ASan's leak check stays on; -timeout makes a hang a finding.
  "$exe" -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 \
    -max_len="${maxlen[$f]}" -dict="${dict[$f]}" "${mode[@]}" \
    -artifact_prefix="$out/crashes/" "${dirs[@]}" >"$log" 2>&1 || rc=$?
  final_stat() { sed -n "s/^stat::$1: *//p" "$log" | tail -1; }
  if [[ -n $keep_going ]]; then
    # Fork mode prints "#N: cov: C ft: F corp: K exec/s R oom/timeout/crash: ..."
    last=$(grep -E '^#[0-9]+: cov:' "$log" | tail -1)
    execs=$(sed -E 's/^#([0-9]+):.*/\1/' <<<"$last")
    rate=$(sed -E 's/.*exec\/s ([0-9]+).*/\1/' <<<"$last")
    added=$(grep -c '^#[0-9]*: cov:' "$log" || true)
    rss="-"
  else
    execs=$(final_stat number_of_executed_units)
    rate=$(final_stat average_exec_per_sec)
    added=$(final_stat new_units_added)
    rss=$(final_stat peak_rss_mb)
  fi
  cov=$(grep -o 'cov: [0-9]*' "$log" | tail -1 | cut -d' ' -f2)
  crashes=$(find "$out/crashes" -type f | sort)
  line=$(printf '%-9s %10s execs %7s/s  cov %6s  new %5s  rss %5s MB' \
    "$f" "${execs:-?}" "${rate:-?}" "${cov:-?}" "${added:-?}" "${rss:-?}")
  if [[ -n $crashes ]] || ((rc != 0)); then
    status=1
    line+="  FINDING (exit $rc)"
    echo "fuzz: $f found a problem (exit $rc); log $log"
    grep -aE '^(==[0-9]+==ERROR|SUMMARY|fuzz invariant broken|    #[0-9]+ )' "$log" |
      cut -c1-300 | head -40 || true
    for c in $crashes; do
      line+=" $c"
      min="$c.min"
      "$exe" -minimize_crash=1 -max_total_time=60 -runs=100000 \
        -exact_artifact_path="$min" "$c" >"$out/minimize.log" 2>&1 || true
      if [[ -s $min ]]; then
        echo "fuzz: crash $c minimised to $min ($(wc -c <"$min") bytes)"
      fi
    done
  fi
  summary+=("$line")
done

echo
echo "fuzz summary (${secs}s each; scratch in $work):"
printf '  %s\n' "${summary[@]}"
exit "$status"
