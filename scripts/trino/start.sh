#!/usr/bin/env bash
# Start a real Trino coordinator in the background on 127.0.0.1 and wait until
# it answers queries.
#
#   scripts/trino/start.sh [--port N] [--name NAME]
#
# Defaults: --port 18080, --name trino1. Each NAME has its own run directory
# ($QUERYGATE_CACHE/run/NAME: etc/, data/, var/log/, trino.pid), so several
# instances can run side by side. If NAME is already running and healthy on
# PORT, the script exits 0 at once. On success it prints the base URL on stdout.
#
# Environment: TRINO_VERSION, TRINO_HEAP (default 1G), TRINO_START_TIMEOUT
# (seconds, default 180), TRINO_PLUGINS ("tpch memory" by default; "all" loads
# every plugin of the distribution), TRINO_EXTRA_CONFIG (extra lines appended to
# config.properties), TRINO_JVM_OPTS (extra JVM flags), TRINO_EXTRA_PLUGINS (space-separated
# NAME=DIR: each DIR of jars becomes plugin NAME, e.g. the test-only group provider built by
# group-provider/build.sh), TRINO_GROUP_PROVIDER_CONFIG (a properties file copied to
# etc/group-provider.properties, which Trino reads relative to its working directory, the run
# directory), TRINO_SPOOLING_MANAGER_CONFIG (likewise copied to etc/spooling-manager.properties;
# start-spooling.sh sets it), TRINO_RESOURCE_GROUPS_CONFIG (likewise copied to
# etc/resource-groups.properties), QUERYGATE_CACHE.
set -euo pipefail

QG_SCRIPT="trino/start"
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=lib.sh
. "$HERE/lib.sh"

ORIG_ARGS=("$@")
PORT=18080
NAME=trino1
usage() { echo "usage: $0 [--port N] [--name NAME]" >&2; exit 64; }
while [ $# -gt 0 ]; do
  case "$1" in
    --port) [ $# -ge 2 ] || usage; PORT="$2"; shift 2 ;;
    --port=*) PORT="${1#--port=}"; shift ;;
    --name) [ $# -ge 2 ] || usage; NAME="$2"; shift 2 ;;
    --name=*) NAME="${1#--name=}"; shift ;;
    -h|--help) usage ;;
    *) echo "unknown argument: $1" >&2; usage ;;
  esac
done
case "$PORT" in ''|*[!0-9]*) qg_die "--port must be a number, got '$PORT'" ;; esac
case "$NAME" in ''|*[!A-Za-z0-9_.-]*) qg_die "--name may only contain letters, digits, '.', '_' and '-', got '$NAME'" ;; esac

qg_need curl
TRINO_VERSION="${TRINO_VERSION:-483}"
HEAP="${TRINO_HEAP:-1G}"
TIMEOUT="${TRINO_START_TIMEOUT:-180}"
case "$TIMEOUT" in ''|*[!0-9]*) qg_die "TRINO_START_TIMEOUT must be a number of seconds, got '$TIMEOUT'" ;; esac

# One start per instance name at a time: a concurrent caller waits here and then
# finds the instance healthy. (-o: the server itself must not inherit the lock.)
if [ -z "${QG_START_LOCKED:-}" ] && command -v flock >/dev/null 2>&1; then
  mkdir -p "$QG_CACHE/run"
  export QG_START_LOCKED=1
  rc=0
  flock -o -E 75 -w $((TIMEOUT + 300)) "$QG_CACHE/run/.lock-$NAME" \
    bash "${BASH_SOURCE[0]}" ${ORIG_ARGS[@]+"${ORIG_ARGS[@]}"} || rc=$?
  [ "$rc" != 75 ] || qg_die "timed out waiting for another start.sh of instance '$NAME' to finish"
  exit "$rc"
fi
RUN="$QG_CACHE/run/$NAME"
PIDFILE="$RUN/trino.pid"
LOG="$RUN/var/log/server.log"          # Trino's own log (airlift logging)
CONSOLE_LOG="$RUN/var/log/launcher.log" # JVM stdout/stderr (JVM errors, early start-up)
BASE="http://127.0.0.1:$PORT"
MARK="-Dquerygate.trino.instance=$NAME"

# --- health checks ---------------------------------------------------------

# /v1/info says the server finished starting.
info_ready() {
  local info
  info="$(curl -sf --max-time 5 "$BASE/v1/info" 2>/dev/null)" || return 1
  case "$info" in *'"starting":false'*) return 0 ;; esac
  return 1
}

# Run SELECT count(*) FROM tpch.tiny.nation through the client protocol
# (POST /v1/statement, then follow nextUri) and check the answer is 25.
query_ok() {
  local resp next deadline=$((SECONDS + 60)) seen=""
  resp="$(curl -sf --max-time 10 -X POST -H 'X-Trino-User: querygate-start' \
    -H 'X-Trino-Source: querygate-start.sh' \
    --data 'SELECT count(*) FROM tpch.tiny.nation' "$BASE/v1/statement" 2>/dev/null)" || return 1
  while :; do
    case "$resp" in *'"error":{'*)
      QUERY_ERROR="$(printf '%s' "$resp" | sed -n 's/.*"error":{"message":"\([^"]*\)".*"errorName":"\([^"]*\)".*/\2: \1/p' | head -c 500)"
      return 1 ;;
    esac
    case "$resp" in *'"data":[[25]]'*) seen=1 ;; esac
    next="$(printf '%s' "$resp" | sed -n 's/.*"nextUri":"\([^"]*\)".*/\1/p')"
    [ -n "$next" ] || break
    [ "$SECONDS" -lt "$deadline" ] || return 1
    resp="$(curl -sf --max-time 10 -H 'X-Trino-User: querygate-start' "$next" 2>/dev/null)" || return 1
  done
  [ -n "$seen" ]
}

healthy() { info_ready && query_ok; }

running_pid() {
  local pid
  [ -f "$PIDFILE" ] || return 1
  pid="$(cat "$PIDFILE" 2>/dev/null)"
  case "$pid" in ''|*[!0-9]*) return 1 ;; esac
  [ -r "/proc/$pid/cmdline" ] || { kill -0 "$pid" 2>/dev/null || return 1; }
  if [ -r "/proc/$pid/cmdline" ]; then
    tr '\0' '\n' <"/proc/$pid/cmdline" | grep -qxF -- "$MARK" || return 1
  fi
  printf '%s\n' "$pid"
}

port_in_use() {
  if command -v ss >/dev/null 2>&1; then
    ss -Htln "sport = :$PORT" 2>/dev/null | grep -q .
  else
    curl -s --max-time 2 -o /dev/null "$BASE/" 2>/dev/null
  fi
}

# --- reuse a running instance ---------------------------------------------

QUERY_ERROR=""
if pid="$(running_pid)"; then
  prev_port="$(cat "$RUN/port" 2>/dev/null || true)"
  if [ -n "$prev_port" ] && [ "$prev_port" != "$PORT" ]; then
    qg_die "instance '$NAME' is already running (pid $pid) on port $prev_port, not $PORT; stop it first: scripts/trino/stop.sh --name $NAME"
  fi
  if healthy; then
    running_version="$(curl -sf --max-time 5 "$BASE/v1/info" | sed -n 's/.*"nodeVersion":{"version":"\([^"]*\)".*/\1/p')"
    if [ -n "$running_version" ] && [ "$running_version" != "$TRINO_VERSION" ]; then
      qg_log "note: instance '$NAME' runs Trino $running_version, not $TRINO_VERSION; stop it first to switch versions"
    fi
    qg_log "instance '$NAME' already running and healthy (pid $pid) at $BASE"
    printf '%s\n' "$BASE"
    exit 0
  fi
  qg_log "instance '$NAME' is running (pid $pid) but not ready yet; waiting"
  STARTED_AT=$SECONDS
else
  if port_in_use; then
    qg_die "port $PORT on 127.0.0.1 is already in use by another process (not Trino instance '$NAME'); pick another --port"
  fi

  # --- install and configure ---------------------------------------------
  TRINO_HOME="$(TRINO_VERSION="$TRINO_VERSION" "$HERE/install.sh")"
  JAVA_BIN="$(qg_require_java "$(cat "$TRINO_HOME/querygate-java-min")")"
  MAIN_CLASS="$(cat "$TRINO_HOME/querygate-main-class")"
  VERSION_JVM_OPTS="$(cat "$TRINO_HOME/querygate-jvm-options" 2>/dev/null || true)"

  mkdir -p "$RUN/etc/catalog" "$RUN/data" "$RUN/var/log" "$RUN/tmp"
  rm -rf "$RUN/plugin"
  mkdir -p "$RUN/plugin"
  plugins="${TRINO_PLUGINS:-tpch memory}"
  if [ "$plugins" = all ]; then
    plugins="$(cd "$TRINO_HOME/plugin" && ls)"
  fi
  read -r -d '' -a plugin_list <<<"$plugins" || true
  plugins="${plugin_list[*]}" # one line, single spaces
  for p in "${plugin_list[@]}"; do
    [ -d "$TRINO_HOME/plugin/$p" ] || qg_die "plugin '$p' not found in $TRINO_HOME/plugin"
    ln -s "$TRINO_HOME/plugin/$p" "$RUN/plugin/$p"
  done
  for extra in ${TRINO_EXTRA_PLUGINS:-}; do
    case "$extra" in [A-Za-z0-9_-]*=/*) ;; *) qg_die "TRINO_EXTRA_PLUGINS entries are NAME=/absolute/dir, got '$extra'" ;; esac
    [ -d "${extra#*=}" ] || qg_die "extra plugin directory not found: ${extra#*=}"
    ln -s "${extra#*=}" "$RUN/plugin/${extra%%=*}"
  done
  rm -f "$RUN/etc/group-provider.properties" "$RUN/etc/spooling-manager.properties" "$RUN/etc/resource-groups.properties"
  if [ -n "${TRINO_GROUP_PROVIDER_CONFIG:-}" ]; then
    cp "$TRINO_GROUP_PROVIDER_CONFIG" "$RUN/etc/group-provider.properties"
  fi
  # Like the group provider, Trino reads etc/spooling-manager.properties and
  # etc/resource-groups.properties relative to the run directory.
  if [ -n "${TRINO_SPOOLING_MANAGER_CONFIG:-}" ]; then
    cp "$TRINO_SPOOLING_MANAGER_CONFIG" "$RUN/etc/spooling-manager.properties"
  fi
  if [ -n "${TRINO_RESOURCE_GROUPS_CONFIG:-}" ]; then
    cp "$TRINO_RESOURCE_GROUPS_CONFIG" "$RUN/etc/resource-groups.properties"
  fi

  # Allow-all unless the caller brings its own access control (the oracle's file access control):
  # Trino's default access control still denies impersonation, which would hide the decisions of
  # a gateway in front of this instance (see /work/shared/ORACLES.md).
  printf 'access-control.name=allow-all\n' >"$RUN/etc/access-control.properties"
  access_control="access-control.config-files=$RUN/etc/access-control.properties"
  case "${TRINO_EXTRA_CONFIG:-}" in *access-control.config-files=*) access_control="" ;; esac

  cat >"$RUN/etc/config.properties" <<EOF
# generated by scripts/trino/start.sh -- rewritten on every start
coordinator=true
node-scheduler.include-coordinator=true
node.environment=test
node.id=querygate-$NAME
node.internal-address=127.0.0.1
node.bind-ip=127.0.0.1
http-server.http.port=$PORT
http-server.log.path=$RUN/var/log/http-request.log
log.path=$RUN/var/log/server.log
log.enable-console=false
log.max-total-size=200MB
discovery.uri=$BASE
plugin.dir=$RUN/plugin
catalog.config-dir=$RUN/etc/catalog
protocol.v1.alternate-header-name=Presto
query.max-memory=512MB
query.max-memory-per-node=256MB
task.concurrency=2
task.max-worker-threads=4
$access_control
${TRINO_EXTRA_CONFIG:-}
EOF
  # Prefixed TPC-H column names (n_nationkey, ...), the same as the gateway's embedded demo catalog.
  printf 'connector.name=tpch\ntpch.column-naming=STANDARD\n' >"$RUN/etc/catalog/tpch.properties"
  printf 'connector.name=memory\nmemory.max-data-per-node=128MB\n' >"$RUN/etc/catalog/memory.properties"
  printf 'io.trino=INFO\n' >"$RUN/etc/log.properties"
  for p in tpch memory; do
    case " $plugins " in *" $p "*) ;; *) rm -f "$RUN/etc/catalog/$p.properties" ;; esac
  done

  # Trino refuses to start with fewer than 4096 file descriptors.
  ulimit -n "$(ulimit -Hn)" 2>/dev/null || true

  # shellcheck disable=SC2206
  JVM=(
    "-Xmx$HEAP" -Xms256m -Xss2m
    -XX:+UseG1GC -XX:+ExplicitGCInvokesConcurrent
    -XX:+UnlockDiagnosticVMOptions -XX:G1NumCollectionsKeepPinned=10000000
    -XX:+ExitOnOutOfMemoryError -XX:-OmitStackTraceInFastThrow
    -XX:ReservedCodeCacheSize=256M
    -XX:PerMethodRecompilationCutoff=10000 -XX:PerBytecodeRecompilationCutoff=10000
    -XX:+EnableDynamicAgentLoading
    --enable-native-access=ALL-UNNAMED --sun-misc-unsafe-memory-access=allow
    -Djdk.attach.allowAttachSelf=true -Djdk.nio.maxCachedBufferSize=2000000
    -Dfile.encoding=UTF-8 -Djava.io.tmpdir="$RUN/tmp"
    -Dconfig="$RUN/etc/config.properties" -Dlog.levels-file="$RUN/etc/log.properties"
    ${VERSION_JVM_OPTS}
    ${TRINO_JVM_OPTS:-}
    "$MARK"
  )

  if [ -f "$CONSOLE_LOG" ]; then mv -f "$CONSOLE_LOG" "$CONSOLE_LOG.1"; fi
  echo "$PORT" >"$RUN/port"
  qg_log "starting Trino $TRINO_VERSION '$NAME' on $BASE (heap $HEAP, plugins: $plugins)"
  qg_log "log: $LOG (JVM console: $CONSOLE_LOG)"
  cd "$RUN"
  # setsid: detach from our process group so the server survives this script.
  nohup setsid "$JAVA_BIN" "${JVM[@]}" -cp "$TRINO_HOME/lib/*" "$MAIN_CLASS" \
    >"$CONSOLE_LOG" 2>&1 </dev/null &
  pid=$!
  echo "$pid" >"$PIDFILE"
  STARTED_AT=$SECONDS
fi

# --- wait until ready ------------------------------------------------------

show_logs() {
  local f
  for f in "$CONSOLE_LOG" "$LOG"; do
    [ -s "$f" ] || continue
    echo "----- last lines of $f -----" >&2
    # skip JVM warnings and the per-query TIMELINE lines of our own probe queries
    grep -v -e '^WARNING: ' -e 'QueryMonitor	TIMELINE: ' "$f" | tail -n 30 | cut -c1-400 >&2 || true
  done
  echo "-----" >&2
}

deadline=$((STARTED_AT + TIMEOUT))
while :; do
  if ! kill -0 "$pid" 2>/dev/null; then
    rm -f "$PIDFILE"
    qg_log "Trino '$NAME' exited during start-up"
    show_logs
    qg_die "Trino '$NAME' failed to start (see $LOG and $CONSOLE_LOG)"
  fi
  if info_ready; then
    if query_ok; then break; fi
  fi
  if [ "$SECONDS" -ge "$deadline" ]; then
    qg_log "Trino '$NAME' (pid $pid) not ready after ${TIMEOUT}s"
    show_logs
    [ -z "$QUERY_ERROR" ] || qg_log "last query error: $QUERY_ERROR"
    "$HERE/stop.sh" --name "$NAME" >&2 || true
    qg_die "timed out after ${TIMEOUT}s waiting for Trino '$NAME' at $BASE; it was stopped (raise TRINO_START_TIMEOUT if the machine is just slow)"
  fi
  sleep 1
done
qg_log "Trino '$NAME' ready at $BASE (pid $pid) after $((SECONDS - STARTED_AT))s"
printf '%s\n' "$BASE"
