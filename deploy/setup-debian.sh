#!/usr/bin/env bash
# Installs every Debian 12 package cov needs to build, test and run.
#
#   deploy/setup-debian.sh [--fuzz]
# Idempotent: packages already installed are skipped; nothing else is touched.
set -euo pipefail

PACKAGES=(
  # Build system (WORKSPACE-only Bazel 4.2.3 + its JDK) and pkg-config for the
  # system-library wrapper in third_party/system_libs.bzl.
  bazel-bootstrap pkg-config g++ git
  # RPC, serialisation and the Python client runtime.
  libgrpc++-dev protobuf-compiler-grpc protobuf-compiler libprotobuf-dev
  python3 python3-grpcio python3-protobuf python3-yaml
  # Storage, parsing, utilities.
  librocksdb-dev libyaml-cpp-dev libabsl-dev libsimdjson-dev libssl-dev openssl
  # Event logs and archives (issue 11): .evtx records, .zip of logs, linear-time
  # regexes for Sigma's |re, YARA scanning.
  libevtx-dev libarchive-dev libre2-dev libyara-dev
  # The yara CLI: the independent oracle of the libyara tests and scan bench.
  yara
  # More rule formats (issue 13): Elastic detection rules are TOML; libyaml's
  # event parser reads Splunk and Sentinel rules fast (yaml-cpp falls back).
  libtomlplusplus-dev libyaml-dev
  # Excel exports (issue 14); openpyxl reads them back in the tests.
  libxlsxwriter-dev python3-openpyxl
  # The /metrics /healthz /readyz HTTP endpoint (issue 12): civetweb.
  libcivetweb-dev
  # JSON output (issue 12): RapidJSON's writer behind server/export:json_writer.
  rapidjson-dev
  # Tests.
  libgtest-dev libgmock-dev
  # Headless browser for the HTML report test (tests/chromium).
  chromium
)

# --fuzz: also the clang toolchain of deploy/fuzz.sh (libFuzzer, ASan/UBSan
# runtimes, lld), installed by .ci/run for its short fuzzing pass.
if [[ ${1:-} == --fuzz ]]; then
  PACKAGES+=(clang libclang-rt-14-dev lld)
fi

missing=()
for p in "${PACKAGES[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

if ((${#missing[@]} == 0)); then
  echo "setup-debian: all ${#PACKAGES[@]} packages present"
  exit 0
fi

echo "setup-debian: installing ${missing[*]}"
SUDO=""
if [[ $(id -u) -ne 0 ]]; then SUDO="sudo"; fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
echo "setup-debian: done"
