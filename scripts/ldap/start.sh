#!/usr/bin/env bash
# Start the test LDAP directory: our own OpenLDAP slapd (Debian package), in the background, on
# 127.0.0.1, and wait until it answers binds.
#
#   scripts/ldap/start.sh [--port N] [--tls-port M]
#
# Defaults: --port 13389 (ldap://, StartTLS available), --tls-port 13636 (ldaps://).
# Installs the Debian packages slapd, ldap-utils and openssl when missing (non-interactively,
# without letting the package start a system slapd). Everything else lives under
# ${QUERYGATE_CACHE:-$HOME/.cache/querygate}/ldap. A healthy instance already running on the
# same ports is reused (exit 0 at once). On success the path of the test CA certificate is
# printed on stdout. See scripts/ldap/README.md for the directory's users and groups.
#
# Environment: LDAP_START_TIMEOUT (seconds to wait for slapd, default 30), LDAP_DEBUG (slapd -d
# level, default 0; "stats" logs every operation to slapd.log), QUERYGATE_CACHE.
set -euo pipefail

QL_SCRIPT="ldap/start"
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source-path=SCRIPTDIR source=lib.sh
source "$HERE/lib.sh"

port=13389
tls_port=13636
while [ $# -gt 0 ]; do
  case "$1" in
    --port) port="${2:?--port needs a value}"; shift 2 ;;
    --port=*) port="${1#*=}"; shift ;;
    --tls-port) tls_port="${2:?--tls-port needs a value}"; shift 2 ;;
    --tls-port=*) tls_port="${1#*=}"; shift ;;
    -h|--help) sed -n '2,16p' "$0"; exit 0 ;;
    *) ql_die "unknown argument '$1' (usage: start.sh [--port N] [--tls-port M])" ;;
  esac
done
for p in "$port" "$tls_port"; do
  if ! [[ "$p" =~ ^[0-9]+$ ]] || [ "$p" -lt 1 ] || [ "$p" -gt 65535 ]; then ql_die "invalid port '$p'"; fi
done
[ "$port" != "$tls_port" ] || ql_die "--port and --tls-port must differ"
start_timeout="${LDAP_START_TIMEOUT:-30}"

# ---------------------------------------------------------------------------------------------
# Packages

# Installs slapd, ldap-utils and openssl if any tool is missing. The debconf answer
# slapd/no_configuration=true keeps the package from creating a system database in /etc/ldap;
# whatever system slapd the package may still have started is stopped and disabled, so that only
# our own instance runs.
ensure_packages() {
  local missing=()
  command -v slapd >/dev/null 2>&1 && command -v slaptest >/dev/null 2>&1 \
    && command -v slappasswd >/dev/null 2>&1 || missing+=(slapd)
  command -v ldapsearch >/dev/null 2>&1 && command -v ldapadd >/dev/null 2>&1 || missing+=(ldap-utils)
  command -v openssl >/dev/null 2>&1 || missing+=(openssl)
  command -v timeout >/dev/null 2>&1 || missing+=(coreutils)
  [ ${#missing[@]} -eq 0 ] && return 0
  command -v apt-get >/dev/null 2>&1 || ql_die "missing ${missing[*]} and apt-get is not available: install them by hand"
  [ "$(id -u)" = 0 ] || ql_die "missing ${missing[*]}: run as root, or install them with apt-get"
  ql_log "installing ${missing[*]} (Debian packages)"
  if command -v debconf-set-selections >/dev/null 2>&1; then
    echo "slapd slapd/no_configuration boolean true" | debconf-set-selections
  fi
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -q >&2 || ql_die "apt-get update failed"
  apt-get install -y -q --no-install-recommends \
    -o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold \
    "${missing[@]}" </dev/null >&2 || ql_die "apt-get install ${missing[*]} failed"
  disable_system_slapd
}

# The package's own service (system slapd on port 389): stop it if it runs, keep it from
# starting at boot. Only ever called right after we installed the package ourselves.
disable_system_slapd() {
  local pid
  if [ -d /run/systemd/system ] && command -v systemctl >/dev/null 2>&1; then
    systemctl disable --now slapd >/dev/null 2>&1 || true
  else
    if command -v invoke-rc.d >/dev/null 2>&1; then invoke-rc.d slapd stop >/dev/null 2>&1 || true; fi
    if command -v update-rc.d >/dev/null 2>&1; then update-rc.d slapd disable >/dev/null 2>&1 || true; fi
  fi
  if [ -s /run/slapd/slapd.pid ]; then
    pid="$(tr -dc '0-9' </run/slapd/slapd.pid)"
    if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
      ql_log "stopping the system slapd (pid $pid) started by the package"
      kill "$pid" 2>/dev/null || true
    fi
  fi
}

# ---------------------------------------------------------------------------------------------
# TLS material: a test CA and a server certificate for localhost / 127.0.0.1 / ::1, kept across
# restarts and regenerated when missing, expiring within a week, or not signed by the CA.

ensure_tls() {
  mkdir -p "$QL_TLS"
  chmod 700 "$QL_TLS"
  if [ -s "$QL_CA" ] && [ -s "$QL_TLS/server.crt" ] && [ -s "$QL_TLS/server.key" ] \
    && openssl x509 -in "$QL_TLS/server.crt" -noout -checkend 604800 >/dev/null 2>&1 \
    && openssl x509 -in "$QL_CA" -noout -checkend 604800 >/dev/null 2>&1 \
    && openssl verify -CAfile "$QL_CA" "$QL_TLS/server.crt" >/dev/null 2>&1 \
    && [ "$(openssl x509 -in "$QL_TLS/server.crt" -noout -pubkey 2>/dev/null)" = "$(openssl pkey -in "$QL_TLS/server.key" -pubout 2>/dev/null)" ]; then
    return 0
  fi
  ql_log "generating the test CA and server certificate in $QL_TLS"
  local tmp="$QL_TLS/.gen"
  rm -rf "$tmp"
  mkdir -p "$tmp"
  cat >"$tmp/ca.cnf" <<'EOF'
[req]
distinguished_name = dn
prompt = no
x509_extensions = v3_ca
[dn]
O = querygate
CN = querygate test CA
[v3_ca]
basicConstraints = critical, CA:TRUE, pathlen:0
keyUsage = critical, keyCertSign, cRLSign
subjectKeyIdentifier = hash
EOF
  cat >"$tmp/server.cnf" <<'EOF'
[req]
distinguished_name = dn
prompt = no
[dn]
O = querygate
CN = localhost
[v3_server]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature, keyEncipherment
extendedKeyUsage = serverAuth
subjectAltName = DNS:localhost, IP:127.0.0.1, IP:::1
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
EOF
  (
    umask 077
    openssl req -x509 -new -newkey rsa:2048 -nodes -sha256 -days 3650 -config "$tmp/ca.cnf" \
      -keyout "$tmp/ca.key" -out "$tmp/ca.crt" 2>"$tmp/openssl.log"
    openssl req -new -newkey rsa:2048 -nodes -sha256 -config "$tmp/server.cnf" \
      -keyout "$tmp/server.key" -out "$tmp/server.csr" 2>>"$tmp/openssl.log"
    openssl x509 -req -sha256 -days 825 -in "$tmp/server.csr" -CA "$tmp/ca.crt" -CAkey "$tmp/ca.key" \
      -set_serial "0x$(openssl rand -hex 16)" -extfile "$tmp/server.cnf" -extensions v3_server \
      -out "$tmp/server.crt" 2>>"$tmp/openssl.log"
  ) || ql_die "openssl failed: $(cat "$tmp/openssl.log" 2>/dev/null)"
  openssl verify -CAfile "$tmp/ca.crt" "$tmp/server.crt" >/dev/null || ql_die "generated server certificate does not verify"
  mv -f "$tmp/ca.key" "$tmp/server.key" "$tmp/server.crt" "$QL_TLS/"
  mv -f "$tmp/ca.crt" "$QL_CA"
  chmod 600 "$QL_TLS/ca.key" "$QL_TLS/server.key"
  chmod 644 "$QL_CA" "$QL_TLS/server.crt"
  rm -rf "$tmp"
}

# ---------------------------------------------------------------------------------------------
# Health: the admin can bind over ldap:// (plain and StartTLS) and ldaps:// (verifying the server
# certificate with the test CA), and the seeded data is there with memberOf maintained.

write_client_conf() {
  cat >"$QL_DIR/ldap-client.conf" <<EOF
TLS_CACERT $QL_CA
TLS_REQCERT demand
EOF
}

admin_search() { # URL [extra ldapsearch args...]
  local url="$1"; shift
  ql_client ldapsearch -LLL -x -H "$url" -D "$QL_ADMIN_DN" -y "$QL_DIR/run/admin.pw" "$@"
}

healthy() {
  [ -s "$QL_DIR/run/admin.pw" ] && [ -s "$QL_DIR/ldap-client.conf" ] || return 1
  local out
  out="$(admin_search "ldap://127.0.0.1:$port" -ZZ -b "uid=alice,ou=people,$QL_SUFFIX" -s base memberOf 2>/dev/null)" || return 1
  grep -qi "^memberOf: cn=pii,ou=groups,$QL_SUFFIX" <<<"$out" || return 1
  admin_search "ldaps://127.0.0.1:$tls_port" -b "ou=people,$QL_SUFFIX" -s one "(uid=svc-gateway)" 1.1 2>/dev/null \
    | grep -q "^dn: uid=svc-gateway," || return 1
}

port_in_use() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# ---------------------------------------------------------------------------------------------

mkdir -p "$QL_DIR"
chmod 700 "$QL_DIR"
exec 9>"$QL_DIR/.lock"
if command -v flock >/dev/null 2>&1; then
  flock -w 120 9 || ql_die "timed out waiting for $QL_DIR/.lock (another start.sh running?)"
fi

if pid="$(ql_running_pid)"; then
  if [ "$(cat "$QL_STATE" 2>/dev/null)" = "$port $tls_port" ] && command -v ldapsearch >/dev/null 2>&1 && healthy; then
    ql_log "reusing slapd (pid $pid) on ldap://127.0.0.1:$port and ldaps://127.0.0.1:$tls_port"
    printf '%s\n' "$QL_CA"
    exit 0
  fi
  ql_log "slapd (pid $pid) runs with other ports or is unhealthy: restarting it"
  bash "$HERE/stop.sh"
fi

ensure_packages
ensure_tls
write_client_conf

for p in "$port" "$tls_port"; do
  port_in_use "$p" && ql_die "port $p on 127.0.0.1 is already in use by another process (choose --port/--tls-port)"
done

# A fresh configuration and database on every cold start: the directory is small and loading it
# takes well under a second, and a fresh load keeps the data exactly as documented.
rm -rf "$QL_DIR/slapd.d" "$QL_DIR/data" "$QL_DIR/run"
mkdir -p "$QL_DIR/slapd.d" "$QL_DIR/data" "$QL_DIR/run"
(umask 077; printf '%s' "$QL_ADMIN_PW" >"$QL_DIR/run/admin.pw")

admin_hash="$(slappasswd -h '{SSHA}' -s "$QL_ADMIN_PW")"
cat >"$QL_DIR/slapd.conf" <<EOF
# Generated by scripts/ldap/start.sh; converted to slapd.d with slaptest on every start.
include /etc/ldap/schema/core.schema
include /etc/ldap/schema/cosine.schema
include /etc/ldap/schema/inetorgperson.schema

modulepath /usr/lib/ldap
moduleload back_mdb
moduleload memberof

pidfile "$QL_PIDFILE"
argsfile "$QL_DIR/run/slapd.args"

TLSCACertificateFile "$QL_CA"
TLSCertificateFile "$QL_TLS/server.crt"
TLSCertificateKeyFile "$QL_TLS/server.key"
TLSProtocolMin 3.3
TLSVerifyClient never

# Anyone may read the root DSE and the schema (clients discover StartTLS there); nothing else
# is visible without a successful bind.
access to dn.base="" by * read
access to dn.base="cn=Subschema" by * read

database config
access to * by * none

database mdb
suffix "$QL_SUFFIX"
rootdn "$QL_ADMIN_DN"
rootpw $admin_hash
directory "$QL_DIR/data"
maxsize 67108864
index objectClass eq
index uid,cn eq
index member,memberOf eq

# Passwords: usable for binding (anonymous auth), writable by their owner, readable by nobody.
access to attrs=userPassword
  by self =w
  by anonymous auth
  by * none
# People: each user reads their own entry (including memberOf); the gateway's service account
# searches and reads all of them.
access to dn.subtree="ou=people,$QL_SUFFIX"
  by dn.exact="uid=svc-gateway,ou=people,$QL_SUFFIX" read
  by self read
  by * none
# Groups and the top entries: readable by any bound user, invisible to anonymous clients.
access to dn.subtree="ou=groups,$QL_SUFFIX"
  by users read
  by * none
access to *
  by users read
  by * none

overlay memberof
memberof-group-oc groupOfNames
memberof-member-ad member
memberof-memberof-ad memberOf
memberof-refint TRUE
EOF

# -n 0 opens only the config database: enough to check and convert the config, while the
# (still empty) MDB database would make slaptest fail with "cannot be opened", and -u (dry run)
# would not write slapd.d at all.
slaptest -n 0 -f "$QL_DIR/slapd.conf" -F "$QL_DIR/slapd.d" >"$QL_DIR/slaptest.log" 2>&1 \
  || ql_die "slaptest rejected the generated config: $(tail -n 20 "$QL_DIR/slaptest.log")"
[ -s "$QL_DIR/slapd.d/cn=config.ldif" ] || ql_die "slaptest did not write $QL_DIR/slapd.d"

ql_log "starting slapd on ldap://127.0.0.1:$port (StartTLS) and ldaps://127.0.0.1:$tls_port"
: >"$QL_LOG"
# -d keeps slapd in the foreground (its messages go to slapd.log); setsid detaches it from our
# session so it outlives this script and the caller's process group. Every inherited descriptor
# beyond stdio is closed first: slapd must not hold our lock, nor a caller's pipe (a test
# runner or CI step waiting for end-of-file on its output would wait forever).
(
  for fd in /proc/self/fd/*; do
    fd="${fd##*/}"
    if [ "$fd" -gt 2 ] 2>/dev/null; then eval "exec $fd>&-" 2>/dev/null || true; fi
  done
  exec setsid slapd -d "${LDAP_DEBUG:-0}" -F "$QL_DIR/slapd.d" \
    -h "ldap://127.0.0.1:$port/ ldaps://127.0.0.1:$tls_port/"
) </dev/null >>"$QL_LOG" 2>&1 &
launcher=$!
printf '%s %s\n' "$port" "$tls_port" >"$QL_STATE"

# On any failure from here on, stop the half-started instance before reporting the error.
abort_start() {
  kill -TERM "$launcher" 2>/dev/null || true
  bash "$HERE/stop.sh" >/dev/null 2>&1 || true
  ql_die "$@"
}

# Wait until slapd answers a bind (ldapsearch as the admin on the root DSE).
deadline=$((SECONDS + start_timeout))
until admin_search "ldap://127.0.0.1:$port" -b "" -s base "(objectClass=*)" namingContexts >/dev/null 2>&1; do
  if ! kill -0 "$launcher" 2>/dev/null && ! ql_running_pid >/dev/null; then
    ql_die "slapd exited during startup; last lines of $QL_LOG:
$(tail -n 20 "$QL_LOG")"
  fi
  if [ "$SECONDS" -ge "$deadline" ]; then
    abort_start "timed out after ${start_timeout}s waiting for slapd to answer an ldapsearch bind on ldap://127.0.0.1:$port; see $QL_LOG"
  fi
  sleep 0.2
done

# The test directory. Users first, then groups, through LDAP (not slapadd) so that the memberof
# overlay writes the users' memberOf values.
hash() { slappasswd -h '{SSHA}' -s "$1"; }
user_entry() { # uid cn sn password
  cat <<EOF
dn: uid=$1,ou=people,$QL_SUFFIX
objectClass: inetOrgPerson
uid: $1
cn: $2
sn: $3
mail: $1@querygate.test
userPassword: $(hash "$4")

EOF
}
group_entry() { # cn description members...
  local cn="$1" desc="$2" m
  shift 2
  printf 'dn: cn=%s,ou=groups,%s\nobjectClass: groupOfNames\ncn: %s\ndescription: %s\n' "$cn" "$QL_SUFFIX" "$cn" "$desc"
  for m in "$@"; do printf 'member: uid=%s,ou=people,%s\n' "$m" "$QL_SUFFIX"; done
  printf '\n'
}
{
  cat <<EOF
dn: $QL_SUFFIX
objectClass: dcObject
objectClass: organization
dc: querygate
o: querygate test directory

dn: ou=people,$QL_SUFFIX
objectClass: organizationalUnit
ou: people

dn: ou=groups,$QL_SUFFIX
objectClass: organizationalUnit
ou: groups

EOF
  user_entry alice "Alice Analyst" Analyst alice-pw
  user_entry bob "Bob Builder" Builder bob-pw
  user_entry carol "Carol Admin" Admin carol-pw
  user_entry svc-gateway "querygate gateway service account" Gateway svc-pw
  group_entry analysts "Data analysts" alice bob
  group_entry admins "Gateway administrators" carol
  group_entry pii "May read personal data" alice
} >"$QL_DIR/run/seed.ldif"
ql_client ldapadd -x -H "ldap://127.0.0.1:$port" -D "$QL_ADMIN_DN" -y "$QL_DIR/run/admin.pw" \
  -f "$QL_DIR/run/seed.ldif" >"$QL_DIR/run/seed.log" 2>&1 \
  || abort_start "loading the test directory failed: $(tail -n 20 "$QL_DIR/run/seed.log")"

healthy || abort_start "slapd started but the health check (StartTLS, ldaps with the test CA, memberOf) failed; see $QL_LOG"
ql_log "slapd ready (pid $(ql_running_pid || echo '?')); test CA: $QL_CA"
printf '%s\n' "$QL_CA"
