#!/usr/bin/env bash
# Start a test PostgreSQL: our own cluster (Debian package postgresql) on 127.0.0.1, in the
# background, with database `querygate` owned by role `querygate` (password `querygate`), and wait
# until that role can log in.
#
#   scripts/postgres/start.sh [--port N]
#
# Default port 15432. Installs the Debian package postgresql when missing, without leaving the
# package's system cluster running on 5432. The cluster is initdb'ed as the `postgres` OS user
# (PostgreSQL refuses to run as root) into ${QUERYGATE_CACHE:-$HOME/.cache/querygate}/postgres/<port>
# and kept across restarts; a healthy instance already running on the port is reused. On success
# the connection string is printed on stdout.
#
# Environment: PG_START_TIMEOUT (seconds to wait for the server, default 60), QUERYGATE_CACHE.
set -euo pipefail

QP_SCRIPT="postgres/start"
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source-path=SCRIPTDIR source=lib.sh
source "$HERE/lib.sh"

port="$QP_DEFAULT_PORT"
while [ $# -gt 0 ]; do
  case "$1" in
    --port) port="${2:?--port needs a value}"; shift 2 ;;
    --port=*) port="${1#*=}"; shift ;;
    -h|--help) sed -n '2,15p' "$0"; exit 0 ;;
    *) qp_die "unknown argument '$1' (usage: start.sh [--port N])" ;;
  esac
done
qp_set_port "$port"
start_timeout="${PG_START_TIMEOUT:-60}"
url="postgres://$QP_ROLE:$QP_PASSWORD@127.0.0.1:$QP_PORT/$QP_DB"

# The package's own service and its default cluster: stop them if they run, keep them from
# starting at boot. Only ever called right after we installed the package ourselves.
disable_system_postgres() {
  if [ -d /run/systemd/system ] && command -v systemctl >/dev/null 2>&1; then
    systemctl disable --now postgresql >/dev/null 2>&1 || true
  else
    if command -v invoke-rc.d >/dev/null 2>&1; then invoke-rc.d postgresql stop >/dev/null 2>&1 || true; fi
    if command -v update-rc.d >/dev/null 2>&1; then update-rc.d postgresql disable >/dev/null 2>&1 || true; fi
  fi
  if command -v pg_lsclusters >/dev/null 2>&1; then
    local ver name
    while read -r ver name _; do
      [ -n "$ver" ] && [ -n "$name" ] || continue
      pg_ctlcluster "$ver" "$name" stop >/dev/null 2>&1 || true
    done < <(pg_lsclusters -h 2>/dev/null | awk '$4 == "online" { print $1, $2 }')
  fi
}

ensure_packages() {
  local missing=()
  qp_bindir >/dev/null 2>&1 || missing+=(postgresql)
  command -v timeout >/dev/null 2>&1 || missing+=(coreutils)
  if [ "$(id -u)" = 0 ]; then
    command -v runuser >/dev/null 2>&1 || missing+=(util-linux)
    command -v setfacl >/dev/null 2>&1 || missing+=(acl)
  fi
  [ ${#missing[@]} -eq 0 ] && return 0
  command -v apt-get >/dev/null 2>&1 || qp_die "missing ${missing[*]} and apt-get is not available: install them by hand"
  [ "$(id -u)" = 0 ] || qp_die "missing ${missing[*]}: run as root, or install them with apt-get"
  qp_log "installing ${missing[*]} (Debian packages)"
  # Keep the package from creating a system cluster on 5432 (and, through qs_apt_install, from
  # starting its service).
  mkdir -p /etc/postgresql-common
  if [ ! -e /etc/postgresql-common/createcluster.conf ]; then
    printf 'create_main_cluster = false\n' >/etc/postgresql-common/createcluster.conf
  fi
  qs_apt_install "${missing[@]}" || qp_die "apt-get install ${missing[*]} failed"
  disable_system_postgres
}

# As root, the cluster belongs to the `postgres` OS user, who must be able to reach $QP_DIR: grant
# it search (x) permission on each ancestor directory it cannot traverse yet (typically /root),
# with an ACL entry for that user only.
grant_traverse() {
  [ "$(id -u)" = 0 ] || return 0
  local d="" part
  local IFS=/
  for part in ${QP_BASE#/}; do
    [ -n "$part" ] || continue
    d="$d/$part"
    [ -d "$d" ] || break
    if ! runuser -u postgres -- test -x "$d" 2>/dev/null; then
      qp_log "granting the postgres OS user search permission on $d (ACL u:postgres:x)"
      setfacl -m u:postgres:x "$d" || qp_die "setfacl -m u:postgres:x $d failed: the postgres user cannot reach $QP_DIR (set QUERYGATE_CACHE to a directory it can reach)"
    fi
  done
}

port_in_use() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

superuser_sql() { # SQL: runs as the cluster owner over our private Unix socket
  qp_as_owner "$QP_BIN/psql" -X -q -w -v ON_ERROR_STOP=1 -h "$QP_RUN" -p "$QP_PORT" -d postgres -tAc "$1"
}

ensure_database() {
  local exists
  exists="$(superuser_sql "select 1 from pg_roles where rolname = '$QP_ROLE'")" || return 1
  if [ "$exists" != 1 ]; then
    superuser_sql "create role $QP_ROLE login password '$QP_PASSWORD'" >/dev/null || return 1
  fi
  exists="$(superuser_sql "select 1 from pg_database where datname = '$QP_DB'")" || return 1
  if [ "$exists" != 1 ]; then
    superuser_sql "create database $QP_DB owner $QP_ROLE" >/dev/null || return 1
  fi
}

# ---------------------------------------------------------------------------------------------

ensure_packages
QP_BIN="$(qp_bindir)" || qp_die "no PostgreSQL server binaries found after installing postgresql"
owner="$(qp_os_user)"

mkdir -p "$QP_DIR"
chmod 755 "$QP_DIR"
exec 9>"$QP_DIR/.lock"
if command -v flock >/dev/null 2>&1; then
  flock -w 120 9 || qp_die "timed out waiting for $QP_DIR/.lock (another start.sh running?)"
fi

if pid="$(qp_running_pid)"; then
  if qp_app_ready; then
    qp_log "reusing PostgreSQL (pid $pid) on 127.0.0.1:$QP_PORT"
    printf '%s\n' "$url"
    exit 0
  fi
  qp_log "PostgreSQL (pid $pid) on port $QP_PORT does not accept the querygate role: restarting it"
  bash "$HERE/stop.sh" --port "$QP_PORT"
fi

grant_traverse
[ "$(id -u)" = 0 ] && chown "$owner": "$QP_DIR"
mkdir -p "$QP_RUN"
[ "$(id -u)" = 0 ] && chown "$owner": "$QP_RUN"
chmod 700 "$QP_RUN"

if [ ! -s "$QP_DATA/PG_VERSION" ]; then
  if [ -e "$QP_DATA" ] && [ -n "$(ls -A "$QP_DATA" 2>/dev/null)" ]; then
    qp_die "$QP_DATA exists but holds no PostgreSQL cluster (no PG_VERSION): move it away"
  fi
  qp_log "initdb into $QP_DATA (as OS user $owner)"
  mkdir -p "$QP_DATA"
  [ "$(id -u)" = 0 ] && chown "$owner": "$QP_DATA"
  chmod 700 "$QP_DATA"
  qp_as_owner "$QP_BIN/initdb" -D "$QP_DATA" -U "$owner" --auth-local=peer --auth-host=scram-sha-256 \
    -E UTF8 --locale=C.UTF-8 >"$QP_DIR/initdb.log" 2>&1 \
    || qp_die "initdb failed: $(tail -n 20 "$QP_DIR/initdb.log")"
fi
if [ "$(stat -c %U "$QP_DATA")" != "$owner" ]; then
  qp_die "$QP_DATA belongs to $(stat -c %U "$QP_DATA"), not to the OS user $owner that runs the cluster"
fi

# Our settings, rewritten on every start; postgresql.conf includes them last.
cat >"$QP_DATA/querygate.conf" <<CONF
# Generated by scripts/postgres/start.sh on every start.
listen_addresses = '127.0.0.1'
port = $QP_PORT
unix_socket_directories = '$QP_RUN'
max_connections = 100
logging_collector = off
CONF
[ "$(id -u)" = 0 ] && chown "$owner": "$QP_DATA/querygate.conf"
grep -q "^include_if_exists = 'querygate.conf'" "$QP_DATA/postgresql.conf" \
  || printf "\ninclude_if_exists = 'querygate.conf'\n" >>"$QP_DATA/postgresql.conf"

port_in_use "$QP_PORT" && qp_die "port $QP_PORT on 127.0.0.1 is already in use by another process (choose --port)"

qp_log "starting PostgreSQL on 127.0.0.1:$QP_PORT"
touch "$QP_LOG"
[ "$(id -u)" = 0 ] && chown "$owner": "$QP_LOG"
# pg_ctl detaches the postmaster (setsid); every inherited descriptor beyond stdio is closed
# first so the server holds neither our lock nor a caller's pipe.
(
  for fd in /proc/self/fd/*; do
    fd="${fd##*/}"
    if [ "$fd" -gt 2 ] 2>/dev/null; then eval "exec $fd>&-" 2>/dev/null || true; fi
  done
  exec 9>&-
  qp_as_owner "$QP_BIN/pg_ctl" -D "$QP_DATA" -l "$QP_LOG" -W start
) </dev/null >"$QP_DIR/pg_ctl.log" 2>&1 || qp_die "pg_ctl start failed: $(cat "$QP_DIR/pg_ctl.log"); last lines of $QP_LOG:
$(tail -n 20 "$QP_LOG")"

deadline=$((SECONDS + start_timeout))
until qp_as_owner "$QP_BIN/pg_isready" -q -h "$QP_RUN" -p "$QP_PORT" -t 2; do
  if [ "$SECONDS" -ge "$deadline" ]; then
    bash "$HERE/stop.sh" --port "$QP_PORT" >/dev/null 2>&1 || true
    qp_die "timed out after ${start_timeout}s waiting for PostgreSQL on 127.0.0.1:$QP_PORT; last lines of $QP_LOG:
$(tail -n 20 "$QP_LOG")"
  fi
  if ! qp_running_pid >/dev/null && [ "$SECONDS" -gt $((deadline - start_timeout + 5)) ]; then
    qp_die "PostgreSQL exited during startup; last lines of $QP_LOG:
$(tail -n 20 "$QP_LOG")"
  fi
  sleep 0.2
done

ensure_database || qp_die "could not create the role/database $QP_ROLE/$QP_DB; see $QP_LOG"
qp_app_ready || qp_die "PostgreSQL runs but role $QP_ROLE cannot log in to $QP_DB over TCP; see $QP_LOG"
qp_log "PostgreSQL ready (pid $(qp_running_pid || echo '?')) at $url"
printf '%s\n' "$url"
