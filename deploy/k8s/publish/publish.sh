#!/usr/bin/env bash
# Publishes the primary covd's store to the read replicas:
#   1. re-runs the ingests listed in $COV_SOURCES against the primary (server-side paths:
#      the primary reads them; rule ingests only re-parse changed files),
#   2. `cov admin backup --to $COV_SNAPSHOT_DIR`: the primary writes a RocksDB backup,
#   3. `cov admin reload` on every replica: each restores the newest backup and swaps it in.
# Stops at the first failed ingest or backup (nothing half-refreshed is published; the
# replicas keep serving the previous backup). A replica that misses the reload is reported
# and loads the newest backup when it next starts.
#
# Environment:
#   COV_PRIMARY        primary address host:port (required)
#   COV_REPLICAS       DNS name resolving to every replica (the headless Service), or
#   COV_REPLICA_ADDRS  space-separated host:port list; set (even empty) it replaces the DNS
#                      lookup of COV_REPLICAS
#   COV_REPLICA_PORT   port of the replicas (default 8470)
#   COV_SNAPSHOT_DIR   backup directory as the primary sees it (default /snapshots)
#   COV_KEEP           backups kept after this one, older ones purged (default 14; 0 = all)
#   COV_SOURCES        sources file (default: sources.conf next to this script)
#   COV_TOKEN_FILE     admin token file (optional: no authentication without it)
#   COV_TLS_CA         CA certificate: connect with TLS (optional)
#   COV_TLS_SERVER_NAME name the replicas' certificate carries (default $COV_REPLICAS)
#   COV_BIN            the cov client (default: cov on PATH)
#
# Sources file: one ingest per line, `#` comments.
#   attack   PATH [cov flags, e.g. --make_default]
#   sigma|suricata|yara  PATH  SOURCE-NAME
#   atomics|plans        PATH  [SOURCE-NAME]
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
: "${COV_PRIMARY:?COV_PRIMARY (primary host:port) is required}"
snapshots=${COV_SNAPSHOT_DIR:-/snapshots}
sources=${COV_SOURCES:-$here/sources.conf}
port=${COV_REPLICA_PORT:-8470}
keep=${COV_KEEP:-14}
cov_bin=${COV_BIN:-cov}

common=(--timeout 600)
if [[ -n ${COV_TOKEN_FILE:-} ]]; then common+=(--token_file "$COV_TOKEN_FILE"); fi
if [[ -n ${COV_TLS_CA:-} ]]; then common+=(--tls_ca "$COV_TLS_CA"); fi

log() { printf '%s publish: %s\n' "$(date -u +%Y-%m-%dT%H:%M:%SZ)" "$*"; }
primary() { "$cov_bin" --server "$COV_PRIMARY" "${common[@]}" "$@"; }

# 1. Ingests.
if [[ ! -r $sources ]]; then
  log "cannot read sources file $sources"
  exit 2
fi
n=0
while read -r kind path rest; do
  [[ -z ${kind:-} || $kind == \#* ]] && continue
  rest=${rest%%#*}
  case $kind in
    attack)
      # shellcheck disable=SC2086  # rest holds extra cov flags
      log "ingest attack $path $rest"
      primary ingest attack "$path" --server_path $rest
      ;;
    sigma | suricata | yara)
      name=${rest%% *}
      if [[ -z $name ]]; then
        log "sources: '$kind $path' needs a source name"
        exit 2
      fi
      log "ingest $kind $path as $name"
      primary ingest "$kind" "$path" --source "$name"
      ;;
    atomics | plans)
      name=${rest%% *}
      log "ingest $kind $path"
      if [[ -n $name ]]; then
        primary ingest "$kind" "$path" --source "$name"
      else
        primary ingest "$kind" "$path"
      fi
      ;;
    *)
      log "sources: unknown kind '$kind' (attack, sigma, suricata, yara, atomics, plans)"
      exit 2
      ;;
  esac
  n=$((n + 1))
done <"$sources"
log "$n ingests done"

# 2. Backup.
log "backup to $snapshots (keeping the newest $keep)"
primary admin backup --to "$snapshots" --keep "$keep"

# 3. Reload every replica.
replicas=()
if [[ -n ${COV_REPLICA_ADDRS+set} ]]; then
  # Set (even empty): exactly these replicas, no DNS.
  read -r -a replicas <<<"$COV_REPLICA_ADDRS"
  server_name=${COV_TLS_SERVER_NAME:-}
else
  : "${COV_REPLICAS:?COV_REPLICAS (headless Service name) or COV_REPLICA_ADDRS is required}"
  server_name=${COV_TLS_SERVER_NAME:-$COV_REPLICAS}
  # Every A/AAAA record; a headless Service lists only ready pods.
  while read -r ip; do
    if [[ $ip == *:* ]]; then replicas+=("[$ip]:$port"); else replicas+=("$ip:$port"); fi
  done < <(getent ahosts "$COV_REPLICAS" | awk '{print $1}' | sort -u)
fi
if ((${#replicas[@]} == 0)); then
  log "no replica found (${COV_REPLICAS:-COV_REPLICA_ADDRS}); they load the backup when they start"
  exit 0
fi
reload_opts=()
# Pod IPs are not in the certificate: verify it against the Service's name instead.
if [[ -n ${COV_TLS_CA:-} && -n $server_name ]]; then
  reload_opts+=(--tls_server_name "$server_name")
fi
failed=0
for addr in "${replicas[@]}"; do
  if "$cov_bin" --server "$addr" "${common[@]}" "${reload_opts[@]}" admin reload; then
    log "reloaded $addr"
  else
    log "reload FAILED on $addr"
    failed=$((failed + 1))
  fi
done
log "${#replicas[@]} replicas, $failed failed"
((failed == 0))
