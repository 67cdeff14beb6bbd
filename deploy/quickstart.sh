#!/usr/bin/env bash
# The quick start's main job on a fresh Debian 12 machine: install what is
# missing, build, start covd on loopback, load ATT&CK and the public rule
# corpora, and show coverage and the ranked gaps (all telemetry, then the
# network-sensor team's profile). covd keeps running afterwards so that
# `bazel run //clients:cov -- gaps` and friends work; stop it with
# `deploy/covd-local.sh stop`.
#
# Environment: COV_CORPUS_DIR (default ../shared/corpus), COV_DATA_DIR
# (default ./.cov-data), COV_LISTEN (default 127.0.0.1:8470).
set -euo pipefail
cd "$(dirname "$0")/.."
CORPUS=${COV_CORPUS_DIR:-$PWD/../shared/corpus}
DATA=${COV_DATA_DIR:-$PWD/.cov-data}
export COV_SERVER=${COV_LISTEN:-127.0.0.1:8470}
export COV_DATA_DIR=$DATA

if [[ ! -d $CORPUS/attack ]]; then
  echo "quickstart: corpus not found at $CORPUS (set COV_CORPUS_DIR)" >&2
  exit 1
fi

./deploy/setup-debian.sh
echo "== build"
bazel build //server:covd //clients:cov 2>&1 | tail -1
COV="$(bazel info bazel-bin 2>/dev/null)/clients/cov"
./deploy/covd-local.sh start

echo "== load ATT&CK (enterprise 18.1 as default, 17.1, mobile and ICS 18.1)"
"$COV" ingest attack "$CORPUS/attack/enterprise-attack-18.1.json" --make_default | head -1
for f in enterprise-attack-17.1 mobile-attack-18.1 ics-attack-18.1; do
  "$COV" ingest attack "$CORPUS/attack/$f.json" | head -1
done

echo "== ingest rule sources"
"$COV" ingest sigma "$CORPUS/sigma/sigmahq-r2026-04-01" --source sigmahq | head -1
"$COV" ingest sigma "$CORPUS/sigma/sigmahq-legacy-0.20" --source sigma-legacy-0.20 | head -1
"$COV" ingest suricata "$CORPUS/suricata/et-open-2024-04-21" --source et-open | head -1
"$COV" ingest yara "$CORPUS/yara/signature-base" --source signature-base | head -1
"$COV" ingest yara "$CORPUS/yara/attack-tagged" --source yara-attack-tagged | head -1
"$COV" ingest elastic "$CORPUS/elastic/detection-rules-dev-v1.5.42" --source elastic | head -1
"$COV" ingest splunk "$CORPUS/splunk/security_content-v4.30.0" --source splunk-escu | head -1
"$COV" ingest sentinel "$CORPUS/sentinel/azure-sentinel-2022-02-01" --source sentinel | head -1
for layer in "$CORPUS"/layers/ctid-*; do
  "$COV" ingest layer "$layer" --source "$(basename "$layer")" | head -1
done
"$COV" sources

echo
echo "== coverage, all telemetry"
"$COV" coverage
echo
echo "== coverage per source, side by side"
"$COV" coverage --by source
echo
echo "== proof: the SigmaHQ rules replayed on the recorded attacks of OTRF Security-Datasets"
"$COV" experiment replay --dataset "$CORPUS/logs/security-datasets/datasets/atomic/_metadata" \
  --source sigmahq | tail -4
echo
echo "== coverage of the network-sensor team (ET Open only)"
NET_ET=$DATA/network-et-open.yaml
sed 's/^rules:.*//' deploy/profiles/network-sensors.yaml >"$NET_ET"
printf 'rules:\n  sources: [et-open]\n' >>"$NET_ET"
"$COV" coverage --profile "$NET_ET"
echo
echo "== top gaps for the network-sensor team"
"$COV" gaps --profile "$NET_ET" --top 10
"$COV" report --profile "$NET_ET" --out "$DATA/network-coverage.html"
"$COV" layer gaps --profile "$NET_ET" --out "$DATA/network-gaps-layer.json"
echo
echo "covd keeps running on $COV_SERVER (stop: deploy/covd-local.sh stop)."
echo "Try: bazel run //clients:cov -- gaps --group APT28"
