#!/usr/bin/env bash
# Stop a moto server started by scripts/moto/start.sh.
#
#   scripts/moto/stop.sh [--port N]
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source-path=SCRIPTDIR source=../lib/process.sh
source "$HERE/../lib/process.sh"
CACHE="${QUERYGATE_CACHE:-${HOME:-/root}/.cache/querygate}"
port=15000
[ "${1:-}" = --port ] && port="${2:?--port needs a value}"
log() { echo "[moto/stop] $*" >&2; }
qs_stop_pid_file "$CACHE/moto/$port/moto.pid" moto_server "$port" log "moto on port $port"
