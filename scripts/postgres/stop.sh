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

ports=("$QP_DEFAULT_PORT")
while [ $# -gt 0 ]; do
  case "$1" in
    --port) ports=("${2:?--port needs a value}"); shift 2 ;;
    --port=*) ports=("${1#*=}"); shift ;;
    --all)
      ports=()
      for d in "$QP_BASE"/*/; do
        [ -d "$d" ] && ports+=("$(basename "$d")")
      done
      shift ;;
    -h|--help) sed -n '2,8p' "$0"; exit 0 ;;
    *) qp_die "unknown argument '$1' (usage: stop.sh [--port N | --all])" ;;
  esac
done

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
    for _ in $(seq 1 100); do
      kill -0 "$pid" 2>/dev/null || break
      sleep 0.1
    done
  fi
  if kill -0 "$pid" 2>/dev/null; then
    qp_log "PostgreSQL (pid $pid) did not stop within 40s: sending SIGQUIT"
    kill -QUIT "$pid" 2>/dev/null || true
    sleep 1
  fi
  qp_log "PostgreSQL on port $QP_PORT stopped"
done
