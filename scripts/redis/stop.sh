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

case "${1:-}" in -h|--help) sed -n '2,7p' "$0"; exit 0 ;; esac
ports_text="$(qs_stop_ports "$QR_DEFAULT_PORT" "$QR_BASE" qr_die "$@")"
ports=()
[ -z "$ports_text" ] || mapfile -t ports <<<"$ports_text"

for p in "${ports[@]}"; do
  qr_set_port "$p"
  if ! pid="$(qr_running_pid)"; then
    qr_log "redis-server on port $QR_PORT is not running"
    rm -f "$QR_PIDFILE"
    continue
  fi
  qr_log "stopping redis-server (pid $pid) on port $QR_PORT"
  qs_terminate "$pid" qr_log redis-server
  rm -f "$QR_PIDFILE"
  qr_log "redis-server on port $QR_PORT stopped"
done
