#!/usr/bin/env bash
# Stop the test slapd started by scripts/ldap/start.sh (if it runs) and wait until it is gone.
# Leaves the TLS material and the generated files in $QUERYGATE_CACHE/ldap; the next start
# reloads the directory from scratch. Exits 0 when nothing was running.
set -euo pipefail

QL_SCRIPT="ldap/stop"
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source-path=SCRIPTDIR source=lib.sh
source "$HERE/lib.sh"

if ! pid="$(ql_running_pid)"; then
  ql_log "slapd is not running"
  rm -f "$QL_PIDFILE"
  exit 0
fi

ql_log "stopping slapd (pid $pid)"
qs_terminate "$pid" ql_log slapd
rm -f "$QL_PIDFILE"
ql_log "slapd stopped"
