# shellcheck shell=bash disable=SC2034
# Shared helpers for scripts/redis/start.sh and scripts/redis/stop.sh. Sourced, never executed.
#
# Each instance lives under $QR_DIR ($QUERYGATE_CACHE/redis/<port>, by default
# ~/.cache/querygate/redis/16379): the generated redis.conf, the pid file and the log. Nothing is
# configured system-wide apart from the Debian package itself.

QR_CACHE="${QUERYGATE_CACHE:-${HOME:-/root}/.cache/querygate}"
QR_BASE="$QR_CACHE/redis"
QR_DEFAULT_PORT=16379

PATH="$PATH:/usr/sbin:/sbin"

# shellcheck source-path=SCRIPTDIR source=../lib/process.sh
source "$(dirname "${BASH_SOURCE[0]}")/../lib/process.sh"

qr_log() { printf '[%s] %s\n' "${QR_SCRIPT:-redis}" "$*" >&2; }
qr_die() {
  printf '[%s] ERROR: %s\n' "${QR_SCRIPT:-redis}" "$*" >&2
  exit 1
}

qr_set_port() { # PORT: validates it and sets the per-instance paths
  local p="$1"
  if ! [[ "$p" =~ ^[0-9]+$ ]] || [ "$p" -lt 1 ] || [ "$p" -gt 65535 ]; then qr_die "invalid port '$p'"; fi
  QR_PORT="$p"
  QR_DIR="$QR_BASE/$p"
  QR_PIDFILE="$QR_DIR/redis.pid"
  QR_CONF="$QR_DIR/redis.conf"
  QR_LOG="$QR_DIR/redis.log"
}

# The pid of OUR redis-server for the current port (pid file under $QR_DIR, command line naming
# our port), or nothing. A stale pid file, or a pid reused by another process, yields nothing.
qr_running_pid() { qs_pid_of "$QR_PIDFILE" redis-server ":$QR_PORT"; }

qr_ping() { timeout 5 redis-cli -h 127.0.0.1 -p "$QR_PORT" ping 2>/dev/null | grep -q '^PONG$'; }
