#!/usr/bin/env bash
# Start a test S3Proxy (an S3-compatible object store, scripts/s3proxy/install.sh) on 127.0.0.1 in
# the background and wait until it answers. Large spooled results run faster with their segments
# here than in moto (a Python server; bench/README.md, spooled-result): the spooling Trino of
# bench/spooled-result.js writes, and clients read, its segments here.
#
#   scripts/s3proxy/start.sh [--port N]
#
# Default port 15100. Objects are kept in memory (jclouds' `transient` blob store, a map of
# objects, in a 2 GiB heap), so a restart forgets them, as moto does. Not the `filesystem-nio2` or
# `transient-nio2` stores: both keep directories, and remove one that a DELETE left empty while a
# concurrent PUT writes into it, failing that PUT (seen with Trino's segments under
# segments/<query id>/). Pid file, configuration and log live under
# ${QUERYGATE_CACHE:-$HOME/.cache/querygate}/s3proxy/<port>. Requests are not authenticated
# (s3proxy.authorization=none): like moto it takes unsigned requests, and pre-signed URLs whatever
# their signature. A healthy instance already running on the port is reused.
set -euo pipefail

QG_SCRIPT="s3proxy/start"
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=../trino/lib.sh
. "$HERE/../trino/lib.sh"
# shellcheck source-path=SCRIPTDIR source=../lib/process.sh
source "$HERE/../lib/process.sh"

port=15100
while [ $# -gt 0 ]; do
  case "$1" in
    --port) port="${2:?--port needs a value}"; shift 2 ;;
    -h|--help) sed -n '2,16p' "$0"; exit 0 ;;
    *) qg_die "unknown argument '$1'" ;;
  esac
done
[[ "$port" =~ ^[0-9]+$ ]] || qg_die "invalid port '$port'"

dir="$QG_CACHE/s3proxy/$port"
mkdir -p "$dir"
exec 9>"$dir/.lock"
flock -w 60 9 || qg_die "timed out waiting for $dir/.lock"

# Any S3 answer (even an error document) means the server is up.
answers() { curl -sS -o /dev/null --max-time 2 "http://127.0.0.1:$port/" 2>/dev/null; }

if qs_pid_of "$dir/s3proxy.pid" s3proxy "$dir" >/dev/null && answers; then
  exit 0
fi
jar="$(bash "$HERE/install.sh")"
java_bin="$(qg_require_java 17)"
(exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && qg_die "port $port is in use by another process"

cat >"$dir/s3proxy.conf" <<CONF
s3proxy.endpoint=http://127.0.0.1:$port
s3proxy.authorization=none
jclouds.provider=transient
jclouds.identity=local
jclouds.credential=local
CONF
: >"$dir/s3proxy.log"
# Descriptors beyond stdio are closed first: the server must hold neither our lock nor a caller's pipe.
(
  for fd in /proc/self/fd/*; do
    fd="${fd##*/}"
    if [ "$fd" -gt 2 ] 2>/dev/null; then eval "exec $fd>&-" 2>/dev/null || true; fi
  done
  exec setsid "$java_bin" -Xmx2g -jar "$jar" --properties "$dir/s3proxy.conf"
) </dev/null >>"$dir/s3proxy.log" 2>&1 &
echo $! >"$dir/s3proxy.pid"

# The JVM starts in a few seconds idle, far longer on a loaded machine.
for _ in $(seq 1 1200); do
  answers && { qg_log "S3Proxy ready on 127.0.0.1:$port (pid $(cat "$dir/s3proxy.pid"))"; exit 0; }
  kill -0 "$(cat "$dir/s3proxy.pid")" 2>/dev/null || break
  sleep 0.1
done
qg_log "S3Proxy did not answer on port $port; last lines of $dir/s3proxy.log:"
tail -n 20 "$dir/s3proxy.log" >&2
exit 1
