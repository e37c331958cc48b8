# shellcheck shell=bash disable=SC2034
# Shared helpers for scripts/ldap/start.sh and scripts/ldap/stop.sh. Sourced, never executed.
#
# Everything the test directory needs lives under $QL_DIR ($QUERYGATE_CACHE/ldap, by default
# ~/.cache/querygate/ldap): the TLS material, the generated slapd.conf and slapd.d, the MDB
# database, the pid file and the log. Nothing is installed or configured system-wide apart from
# the Debian packages themselves.

QL_CACHE="${QUERYGATE_CACHE:-${HOME:-/root}/.cache/querygate}"
QL_DIR="$QL_CACHE/ldap"
QL_TLS="$QL_DIR/tls"
QL_CA="$QL_TLS/ca.crt"
QL_PIDFILE="$QL_DIR/run/slapd.pid"
QL_STATE="$QL_DIR/run/ports"
QL_LOG="$QL_DIR/slapd.log"

QL_SUFFIX="dc=querygate,dc=test"
QL_ADMIN_DN="cn=admin,$QL_SUFFIX"
QL_ADMIN_PW="adminpw"

# Debian puts the slapd tools in /usr/sbin, which is not always in a non-root PATH.
PATH="$PATH:/usr/sbin:/sbin"

# shellcheck source-path=SCRIPTDIR source=../lib/process.sh
source "$(dirname "${BASH_SOURCE[0]}")/../lib/process.sh"

ql_log() { printf '[%s] %s\n' "${QL_SCRIPT:-ldap}" "$*" >&2; }
ql_die() {
  printf '[%s] ERROR: %s\n' "${QL_SCRIPT:-ldap}" "$*" >&2
  exit 1
}

# The pid of OUR slapd (the one whose pid file is under $QL_DIR and whose command line names
# our config directory), or nothing. A stale pid file, or a pid reused by another process, yields
# nothing.
ql_running_pid() { qs_pid_of "$QL_PIDFILE" slapd "$QL_DIR/slapd.d"; }

# Runs an OpenLDAP client tool with our own client configuration only (no ~/.ldaprc or
# /etc/ldap/ldap.conf surprises), trusting the test CA, bounded in time.
ql_client() {
  LDAPCONF="$QL_DIR/ldap-client.conf" LDAPRC="$QL_DIR/.no-ldaprc" \
    timeout 10 "$1" -o nettimeout=3 "${@:2}"
}
