#!/usr/bin/env bash
# Builds the libFuzzer targets with clang (ASan + UBSan, parsers instrumented
# for coverage) and runs each for SECONDS (default 60), one after the other.
#
#   deploy/fuzz.sh [SECONDS] [FORMAT...]
#   FORMAT: stix sigma yara atomics eve suricata attack_refs elastic splunk
#           sentinel layer events
#
# Each fuzzer starts from its committed seeds (tests/fuzz/<format>_corpus/,
# ingest/suricata/suricata_fuzzer_corpus/) plus small excerpts split at run
# time from the real files under $COV_CORPUS_DIR (default ../shared/corpus)
# into the scratch folder: one Sigma file, one YARA rule or one Suricata rule
# line per seed, at most -max_len bytes, at most 400 per format (nothing real
# is committed). Whole real files were up to 64 KiB inputs and held the
# fuzzers at ~300 executions/s. New inputs go to a scratch folder
# ($COV_FUZZ_WORK, default /tmp/cov-fuzz/<format>/new), never into the
# committed seeds. STIX gets no real bundles: at 3-45 MB each they are far
# beyond a useful -max_len. attack_refs is structure-aware (short values
# placed into the ATT&CK slots of valid Sigma, YARA and Suricata rules).
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
  formats=(stix sigma yara atomics eve suricata attack_refs elastic splunk sentinel layer events)
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
  [eve]=//tests/fuzz:eve_fuzzer [suricata]=//ingest/suricata:suricata_fuzzer
  [attack_refs]=//tests/fuzz:attack_refs_fuzzer
  [elastic]=//tests/fuzz:elastic_fuzzer [splunk]=//tests/fuzz:splunk_fuzzer
  [sentinel]=//tests/fuzz:sentinel_fuzzer [layer]=//tests/fuzz:layer_fuzzer
  [events]=//tests/fuzz:events_fuzzer)
seeds=([stix]=tests/fuzz/stix_corpus [sigma]=tests/fuzz/sigma_corpus
  [yara]=tests/fuzz/yara_corpus [atomics]=tests/fuzz/atomics_corpus
  [eve]=tests/fuzz/eve_corpus [suricata]=ingest/suricata/suricata_fuzzer_corpus
  [attack_refs]=tests/fuzz/attack_refs_corpus
  [elastic]=tests/fuzz/elastic_corpus [splunk]=tests/fuzz/splunk_corpus
  [sentinel]=tests/fuzz/sentinel_corpus [layer]=tests/fuzz/layer_corpus
  [events]=tests/fuzz/events_corpus)
# Real files, split into excerpts at run time (see split_excerpts).
extra=([stix]="" [sigma]="$corpus/sigma" [yara]="$corpus/yara"
  [atomics]="$corpus/atomics" [eve]="ingest/alerts/testdata"
  [suricata]="$corpus/suricata" [attack_refs]=""
  [elastic]="$corpus/elastic" [splunk]="$corpus/splunk"
  [sentinel]="$corpus/sentinel" [layer]=""
  [events]="$corpus/sigma/sigmahq-r2026-04-01-regression/regression_data")
dict=([stix]=tests/fuzz/json.dict [sigma]=tests/fuzz/yaml.dict
  [yara]=tests/fuzz/yara.dict [atomics]=tests/fuzz/yaml.dict
  [eve]=tests/fuzz/json.dict [suricata]=ingest/suricata/suricata_fuzzer.dict
  [attack_refs]=tests/fuzz/attack.dict
  [elastic]=tests/fuzz/toml.dict [splunk]=tests/fuzz/yaml.dict
  [sentinel]=tests/fuzz/yaml.dict [layer]=tests/fuzz/json.dict
  [events]=tests/fuzz/json.dict)
# Small inputs keep each execution cheap: a Sigma rule, a YARA rule or a few
# Suricata rules fit in 4 KiB; longer inputs only re-test the same loops.
maxlen=([stix]=16384 [sigma]=4096 [yara]=4096 [atomics]=4096 [eve]=16384
  [suricata]=4096 [attack_refs]=512 [elastic]=8192 [splunk]=8192
  [sentinel]=8192 [layer]=4096 [events]=139264)

# split_excerpts FORMAT SRC DEST MAXLEN: one seed per Sigma file, YARA rule
# or Suricata rule line (<= MAXLEN bytes), at most 400, spread over SRC.
split_excerpts() {
  python3 - "$@" <<'PY'
import os, re, sys
fmt, src, dest, maxlen = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
pieces = []
for root, dirs, files in os.walk(src):
    dirs[:] = sorted(d for d in dirs if not d.startswith('.'))
    for name in sorted(files):
        path = os.path.join(root, name)
        try:
            data = open(path, 'rb').read(4 << 20)
        except OSError:
            continue
        if fmt in ('sigma', 'atomics') and name.endswith(('.yml', '.yaml')):
            if fmt == 'atomics' and len(data) > maxlen:
                # One atomic test per seed: split at "- name:" items.
                head, *tests = re.split(rb'\n(?=- name:)', data)
                pieces += [head[:200] + b'\n' + t for t in tests]
            else:
                pieces.append(data)
        elif fmt == 'yara' and name.endswith(('.yar', '.yara')):
            pieces += re.split(rb'\n(?=(?:(?:private|global)\s+)*rule\s)', data)
        elif fmt == 'suricata' and name.endswith('.rules'):
            pieces += [l for l in data.split(b'\n') if b'sid:' in l]
        elif fmt == 'elastic' and name.endswith('.toml'):
            pieces.append(data)
        elif fmt in ('splunk', 'sentinel') and name.endswith(('.yml', '.yaml')):
            pieces.append(data)
        elif fmt == 'events' and name.endswith(('.evtx', '.json')):
            pieces.append(data)
        elif fmt == 'eve':
            pieces.append(data)
pieces = [p for p in pieces if 0 < len(p) <= maxlen]
step = max(1, len(pieces) // 400)
os.makedirs(dest, exist_ok=True)
for i, p in enumerate(pieces[::step][:400]):
    open(os.path.join(dest, 'x%04d' % i), 'wb').write(p)
PY
}

labels=()
for f in "${formats[@]}"; do
  if [[ -z ${target[$f]:-} ]]; then
    echo "fuzz: unknown format '$f' (stix sigma yara atomics eve suricata attack_refs elastic splunk sentinel layer events)" >&2
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
    if [[ -d $d ]]; then
      split_excerpts "$f" "$d" "$out/excerpts" "${maxlen[$f]}"
      dirs+=("$out/excerpts")
    else
      echo "fuzz: $d missing, skipped" >&2
    fi
  done
  log="$out/fuzz.log"
  echo "fuzz: $f for ${secs}s: ${seeds[$f]} ${extra[$f]}"
  mode=(-print_final_stats=1)
  if [[ -n $keep_going ]]; then
    mode=(-fork=1 -ignore_crashes=1 -ignore_timeouts=1 -ignore_ooms=1)
  fi
  rc=0
  # ASan's leak check stays on; -timeout makes a hang a finding. ASan records
  # a stack per allocation: 2 frames instead of 30 is most of the speed of an
  # allocation-heavy parser (override with ASAN_OPTIONS). COV_FUZZ_FLAGS adds
  # libFuzzer flags (e.g. -entropic=0, -jobs=2). Leaks inside system
  # libraries we cannot fix are suppressed by name (third_party/lsan.supp).
  # shellcheck disable=SC2086
  ASAN_OPTIONS=${ASAN_OPTIONS:-malloc_context_size=2} \
    LSAN_OPTIONS=${LSAN_OPTIONS:-suppressions=$PWD/third_party/lsan.supp} \
    "$exe" -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 ${COV_FUZZ_FLAGS:-} \
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
