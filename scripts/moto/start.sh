#!/usr/bin/env bash
# Start a test moto server (AWS API emulator) on 127.0.0.1 in the background and wait until it
# answers. Installs moto first when missing (scripts/moto/install.sh).
#
#   scripts/moto/start.sh [--port N]
#
# Default port 15000. Its pid file and log live under
# ${QUERYGATE_CACHE:-$HOME/.cache/querygate}/moto/<port>. A healthy instance already running on
# the port is reused. Moto keeps everything in memory: a restart forgets all state.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source-path=SCRIPTDIR source=../lib/process.sh
source "$HERE/../lib/process.sh"
CACHE="${QUERYGATE_CACHE:-${HOME:-/root}/.cache/querygate}"

port=15000
while [ $# -gt 0 ]; do
  case "$1" in
    --port) port="${2:?--port needs a value}"; shift 2 ;;
    -h|--help) sed -n '2,9p' "$0"; exit 0 ;;
    *) echo "[moto/start] ERROR: unknown argument '$1'" >&2; exit 2 ;;
  esac
done
[[ "$port" =~ ^[0-9]+$ ]] || { echo "[moto/start] ERROR: invalid port '$port'" >&2; exit 2; }

dir="$CACHE/moto/$port"
mkdir -p "$dir"
exec 9>"$dir/.lock"
flock -w 60 9 || { echo "[moto/start] ERROR: timed out waiting for $dir/.lock" >&2; exit 1; }

answers() { curl -fsS -o /dev/null --max-time 2 "http://127.0.0.1:$port/moto-api/" 2>/dev/null; }

if qs_pid_of "$dir/moto.pid" moto_server "$port" >/dev/null && answers; then
  exit 0
fi
bash "$HERE/install.sh"
(exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && { echo "[moto/start] ERROR: port $port is in use by another process" >&2; exit 1; }

: >"$dir/moto.log"
# Descriptors beyond stdio are closed first: the server must hold neither our lock nor a caller's pipe.
(
  for fd in /proc/self/fd/*; do
    fd="${fd##*/}"
    if [ "$fd" -gt 2 ] 2>/dev/null; then eval "exec $fd>&-" 2>/dev/null || true; fi
  done
  exec setsid "$CACHE/moto/venv/bin/moto_server" -H 127.0.0.1 -p "$port"
) </dev/null >>"$dir/moto.log" 2>&1 &
echo $! >"$dir/moto.pid"

for _ in $(seq 1 200); do
  answers && { echo "[moto/start] moto ready on 127.0.0.1:$port (pid $(cat "$dir/moto.pid"))" >&2; exit 0; }
  sleep 0.1
done
echo "[moto/start] ERROR: moto did not answer on port $port within 20s; last lines of $dir/moto.log:" >&2
tail -n 20 "$dir/moto.log" >&2
exit 1
