#!/usr/bin/env bash
# Runs a local covd in the background on loopback, for the quick start and
# for trying cov by hand.
#
#   deploy/covd-local.sh start|stop|status
#
# Environment: COV_DATA_DIR (default ./.cov-data: store, log, pid file),
# COV_LISTEN (default 127.0.0.1:8470).
set -euo pipefail
cd "$(dirname "$0")/.."
DATA=${COV_DATA_DIR:-$PWD/.cov-data}
LISTEN=${COV_LISTEN:-127.0.0.1:8470}
PIDFILE=$DATA/covd.pid
mkdir -p "$DATA"

running() { [[ -f $PIDFILE ]] && kill -0 "$(cat "$PIDFILE")" 2>/dev/null; }

case "${1:-}" in
  start)
    if running; then
      echo "covd already running (pid $(cat "$PIDFILE")) on $LISTEN"
      exit 0
    fi
    bazel build -c fastbuild //server:covd >/dev/null 2>&1 || bazel build //server:covd
    BIN=$(bazel info bazel-bin 2>/dev/null)
    rm -f "$DATA/port"
    nohup "$BIN/server/covd" --db "$DATA/db" --listen "$LISTEN" \
      --port_file "$DATA/port" >>"$DATA/covd.log" 2>&1 &
    echo $! >"$PIDFILE"
    for _ in $(seq 100); do
      [[ -f $DATA/port ]] && break
      if ! running; then
        echo "covd failed to start; see $DATA/covd.log" >&2
        tail -5 "$DATA/covd.log" >&2
        exit 1
      fi
      sleep 0.05
    done
    echo "covd running (pid $(cat "$PIDFILE")) on $LISTEN, store $DATA/db, log $DATA/covd.log"
    ;;
  stop)
    if running; then
      kill -TERM "$(cat "$PIDFILE")"
      for _ in $(seq 100); do running || break; sleep 0.05; done
      echo "covd stopped"
    else
      echo "covd not running"
    fi
    rm -f "$PIDFILE"
    ;;
  status)
    if running; then echo "covd running (pid $(cat "$PIDFILE")) on $LISTEN"; else echo "covd not running"; exit 1; fi
    ;;
  *)
    echo "usage: deploy/covd-local.sh start|stop|status" >&2
    exit 2
    ;;
esac
