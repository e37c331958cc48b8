#!/usr/bin/env bash
# Stop a Trino instance started by scripts/trino/start.sh.
#
#   scripts/trino/stop.sh [--name NAME]     (default NAME: trino1)
#   scripts/trino/stop.sh --all             (every instance under $QUERYGATE_CACHE/run)
#
# Sends SIGTERM, waits up to $TRINO_STOP_TIMEOUT seconds (default 30), then SIGKILL.
# Exits 0 if the instance is not running.
set -euo pipefail

QG_SCRIPT="trino/stop"
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=lib.sh
. "$HERE/lib.sh"

NAMES=()
ALL=""
usage() { echo "usage: $0 [--name NAME | --all]" >&2; exit 64; }
while [ $# -gt 0 ]; do
  case "$1" in
    --name) [ $# -ge 2 ] || usage; NAMES+=("$2"); shift 2 ;;
    --name=*) NAMES+=("${1#--name=}"); shift ;;
    --all) ALL=1; shift ;;
    -h|--help) usage ;;
    *) echo "unknown argument: $1" >&2; usage ;;
  esac
done
if [ -n "$ALL" ]; then
  NAMES=()
  if [ -d "$QG_CACHE/run" ]; then
    for d in "$QG_CACHE/run"/*/; do [ -d "$d" ] && NAMES+=("$(basename "$d")"); done
  fi
elif [ ${#NAMES[@]} -eq 0 ]; then
  NAMES=(trino1)
fi
TIMEOUT="${TRINO_STOP_TIMEOUT:-30}"

stop_one() {
  local name="$1" run="$QG_CACHE/run/$1" pid i
  local pidfile="$run/trino.pid" mark="-Dquerygate.trino.instance=$1"
  if [ ! -f "$pidfile" ]; then
    qg_log "instance '$name' is not running (no $pidfile)"
    return 0
  fi
  pid="$(cat "$pidfile" 2>/dev/null || true)"
  case "$pid" in ''|*[!0-9]*) rm -f "$pidfile"; qg_log "instance '$name': bad pid file removed"; return 0 ;; esac
  # Only signal the process if it really is this instance (pids get reused).
  if ! kill -0 "$pid" 2>/dev/null || \
     { [ -r "/proc/$pid/cmdline" ] && ! tr '\0' '\n' <"/proc/$pid/cmdline" | grep -qxF -- "$mark"; }; then
    rm -f "$pidfile"
    qg_log "instance '$name' is not running (stale pid $pid)"
    return 0
  fi
  qg_log "stopping instance '$name' (pid $pid)"
  kill -TERM "$pid" 2>/dev/null || true
  for ((i = 0; i < TIMEOUT * 5; i++)); do
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.2
  done
  if kill -0 "$pid" 2>/dev/null; then
    qg_log "instance '$name' did not exit after ${TIMEOUT}s; sending SIGKILL"
    kill -KILL "$pid" 2>/dev/null || true
    for ((i = 0; i < 50; i++)); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  fi
  rm -f "$pidfile"
  qg_log "instance '$name' stopped"
}

for n in "${NAMES[@]}"; do
  case "$n" in ''|*[!A-Za-z0-9_.-]*) qg_die "invalid instance name '$n'" ;; esac
  stop_one "$n"
done
