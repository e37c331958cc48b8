#!/usr/bin/env bash
# Stop a test redis-server started by scripts/redis/start.sh and wait until it is gone.
#
#   scripts/redis/stop.sh [--port N | --all]
#
# Default port 16379; --all stops every instance under $QUERYGATE_CACHE/redis. Exits 0 when
# nothing was running.
set -euo pipefail

QR_SCRIPT="redis/stop"
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source-path=SCRIPTDIR source=lib.sh
source "$HERE/lib.sh"

ports=("$QR_DEFAULT_PORT")
while [ $# -gt 0 ]; do
  case "$1" in
    --port) ports=("${2:?--port needs a value}"); shift 2 ;;
    --port=*) ports=("${1#*=}"); shift ;;
    --all)
      ports=()
      for d in "$QR_BASE"/*/; do
        [ -d "$d" ] && ports+=("$(basename "$d")")
      done
      shift ;;
    -h|--help) sed -n '2,7p' "$0"; exit 0 ;;
    *) qr_die "unknown argument '$1' (usage: stop.sh [--port N | --all])" ;;
  esac
done

for p in "${ports[@]}"; do
  qr_set_port "$p"
  if ! pid="$(qr_running_pid)"; then
    qr_log "redis-server on port $QR_PORT is not running"
    rm -f "$QR_PIDFILE"
    continue
  fi
  qr_log "stopping redis-server (pid $pid) on port $QR_PORT"
  kill -TERM "$pid" 2>/dev/null || true
  for _ in $(seq 1 100); do
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
  done
  if kill -0 "$pid" 2>/dev/null; then
    qr_log "redis-server (pid $pid) did not stop within 10s: killing it"
    kill -KILL "$pid" 2>/dev/null || true
    sleep 0.2
  fi
  rm -f "$QR_PIDFILE"
  qr_log "redis-server on port $QR_PORT stopped"
done
