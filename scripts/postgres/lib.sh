# shellcheck shell=bash disable=SC2034
# Shared helpers for scripts/postgres/start.sh and scripts/postgres/stop.sh. Sourced, never
# executed.
#
# Each cluster lives under $QP_DIR ($QUERYGATE_CACHE/postgres/<port>, by default
# ~/.cache/querygate/postgres/15432): data/ (initdb'ed as the `postgres` OS user, since PostgreSQL
# refuses to run as root), run/ (its Unix socket, reachable by that user only) and postgres.log.
# Nothing is configured system-wide apart from the Debian packages themselves.

QP_CACHE="${QUERYGATE_CACHE:-${HOME:-/root}/.cache/querygate}"
QP_BASE="$QP_CACHE/postgres"
QP_DEFAULT_PORT=15432
QP_DB=querygate
QP_ROLE=querygate
QP_PASSWORD=querygate

PATH="$PATH:/usr/sbin:/sbin"

# shellcheck source-path=SCRIPTDIR source=../lib/process.sh
source "$(dirname "${BASH_SOURCE[0]}")/../lib/process.sh"

qp_log() { printf '[%s] %s\n' "${QP_SCRIPT:-postgres}" "$*" >&2; }
qp_die() {
  printf '[%s] ERROR: %s\n' "${QP_SCRIPT:-postgres}" "$*" >&2
  exit 1
}

qp_set_port() { # PORT: validates it and sets the per-cluster paths
  local p="$1"
  if ! [[ "$p" =~ ^[0-9]+$ ]] || [ "$p" -lt 1 ] || [ "$p" -gt 65535 ]; then qp_die "invalid port '$p'"; fi
  QP_PORT="$p"
  QP_DIR="$QP_BASE/$p"
  QP_DATA="$QP_DIR/data"
  QP_RUN="$QP_DIR/run"
  QP_LOG="$QP_DIR/postgres.log"
}

# The newest installed server's bin directory (Debian keeps them in /usr/lib/postgresql/<v>/bin),
# or whatever pg_ctl is on the PATH.
qp_bindir() {
  local d
  d="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)"
  if [ -n "$d" ] && [ -x "$d/pg_ctl" ] && [ -x "$d/initdb" ]; then printf '%s\n' "$d"; return 0; fi
  d="$(command -v pg_ctl 2>/dev/null)" || return 1
  dirname "$d"
}

# The OS user owning the cluster: `postgres` when we are root (PostgreSQL refuses to run as root),
# ourselves otherwise.
qp_os_user() {
  if [ "$(id -u)" = 0 ]; then printf 'postgres\n'; else id -un; fi
}

# Runs a command as the cluster's OS user, from a directory that user can read.
qp_as_owner() {
  if [ "$(id -u)" = 0 ]; then
    (cd / && runuser -u postgres -- "$@")
  else
    (cd / && "$@")
  fi
}

# The postmaster's pid when OUR cluster (data directory $QP_DATA) runs, or nothing.
qp_running_pid() { qs_pid_of "$QP_DATA/postmaster.pid" postgres "$QP_DATA"; }

# Succeeds when the application role can log in to the application database over TCP.
qp_app_ready() {
  PGPASSWORD="$QP_PASSWORD" PGCONNECT_TIMEOUT=3 timeout 10 "$QP_BIN/psql" -X -q -w \
    -h 127.0.0.1 -p "$QP_PORT" -U "$QP_ROLE" -d "$QP_DB" -tAc 'select 1' 2>/dev/null | grep -q '^1$'
}
