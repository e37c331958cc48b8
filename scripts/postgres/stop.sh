#!/usr/bin/env bash
# Stop a test PostgreSQL cluster started by scripts/postgres/start.sh (fast shutdown: open
# sessions are disconnected) and wait until it is gone. The data stays for the next start.
#
#   scripts/postgres/stop.sh [--port N | --all]
#
# Default port 15432; --all stops every cluster under $QUERYGATE_CACHE/postgres. Exits 0 when
# nothing was running.
set -euo pipefail

QP_SCRIPT="postgres/stop"
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source-path=SCRIPTDIR source=lib.sh
source "$HERE/lib.sh"

case "${1:-}" in -h|--help) sed -n '2,8p' "$0"; exit 0 ;; esac
ports_text="$(qs_stop_ports "$QP_DEFAULT_PORT" "$QP_BASE" qp_die "$@")"
ports=()
[ -z "$ports_text" ] || mapfile -t ports <<<"$ports_text"

for p in "${ports[@]}"; do
  qp_set_port "$p"
  if ! pid="$(qp_running_pid)"; then
    qp_log "PostgreSQL on port $QP_PORT is not running"
    continue
  fi
  qp_log "stopping PostgreSQL (pid $pid) on port $QP_PORT"
  if bin="$(qp_bindir)"; then
    qp_as_owner "$bin/pg_ctl" -D "$QP_DATA" -m fast -w -t 30 stop >/dev/null 2>&1 || true
  fi
  if kill -0 "$pid" 2>/dev/null; then
    kill -INT "$pid" 2>/dev/null || true
    qs_wait_exit "$pid" 100 || true
  fi
  if kill -0 "$pid" 2>/dev/null; then
    qp_log "PostgreSQL (pid $pid) did not stop within 40s: sending SIGQUIT"
    kill -QUIT "$pid" 2>/dev/null || true
    sleep 1
  fi
  qp_log "PostgreSQL on port $QP_PORT stopped"
done
