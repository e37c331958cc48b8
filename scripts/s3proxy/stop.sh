#!/usr/bin/env bash
# Stop an S3Proxy started by scripts/s3proxy/start.sh (its objects, held in memory, go with it).
#
#   scripts/s3proxy/stop.sh [--port N]
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source-path=SCRIPTDIR source=../lib/process.sh
source "$HERE/../lib/process.sh"
CACHE="${QUERYGATE_CACHE:-${HOME:-/root}/.cache/querygate}"
port=15100
[ "${1:-}" = --port ] && port="${2:?--port needs a value}"
dir="$CACHE/s3proxy/$port"
log() { echo "[s3proxy/stop] $*" >&2; }
qs_stop_pid_file "$dir/s3proxy.pid" s3proxy "$dir" log "S3Proxy on port $port"
