# shellcheck shell=bash
# Process and package helpers shared by the test-server scripts (ldap, postgres, redis). Sourced,
# never executed; nothing happens until a function is called.

# qs_pid_of PIDFILE PROGRAM MARK: the pid in PIDFILE (first line) when that process is alive and
# its command line names PROGRAM followed by MARK (our config directory or port), else nothing.
# A stale pid file, or a pid reused by another process, yields nothing.
qs_pid_of() {
  local pidfile="$1" program="$2" mark="$3" pid cmdline
  [ -s "$pidfile" ] || return 1
  pid="$(head -n 1 "$pidfile" | tr -dc '0-9')"
  [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null || return 1
  cmdline="$(tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null)" || return 1
  case "$cmdline" in
    *"$program"*"$mark"*) printf '%s\n' "$pid" ;;
    *) return 1 ;;
  esac
}

# qs_wait_exit PID TENTHS: waits up to TENTHS tenths of a second for PID to exit; fails if it is
# still there.
qs_wait_exit() {
  local pid="$1" tenths="$2"
  for _ in $(seq 1 "$tenths"); do
    kill -0 "$pid" 2>/dev/null || return 0
    sleep 0.1
  done
  ! kill -0 "$pid" 2>/dev/null
}

# qs_terminate PID LOG_FN NAME: SIGTERM, up to 10 s to exit, then SIGKILL (reported with LOG_FN).
qs_terminate() {
  local pid="$1" log="$2" name="$3"
  kill -TERM "$pid" 2>/dev/null || true
  if ! qs_wait_exit "$pid" 100; then
    "$log" "$name (pid $pid) did not stop within 10s: killing it"
    kill -KILL "$pid" 2>/dev/null || true
    sleep 0.2
  fi
}

# qs_stop_pid_file PIDFILE PROGRAM MARK LOG_FN NAME: stops the server PIDFILE names (checked as
# qs_pid_of does, reported with LOG_FN) and removes PIDFILE.
qs_stop_pid_file() {
  local pidfile="$1" program="$2" mark="$3" log="$4" name="$5" pid
  if pid="$(qs_pid_of "$pidfile" "$program" "$mark")"; then
    qs_terminate "$pid" "$log" "$program"
    "$log" "$name stopped"
  fi
  rm -f "$pidfile"
}

# qs_stop_ports DEFAULT_PORT BASE_DIR DIE_FN ARGS...: the ports a stop script was asked for, one
# per line: `--port N`, `--all` (every instance directory under BASE_DIR), or DEFAULT_PORT.
qs_stop_ports() {
  local default="$1" base="$2" die="$3" d
  shift 3
  local ports=("$default")
  while [ $# -gt 0 ]; do
    case "$1" in
      --port) ports=("${2:?--port needs a value}"); shift 2 ;;
      --port=*) ports=("${1#*=}"); shift ;;
      --all)
        ports=()
        for d in "$base"/*/; do
          [ -d "$d" ] && ports+=("$(basename "$d")")
        done
        shift ;;
      *) "$die" "unknown argument '$1' (usage: stop.sh [--port N | --all])" ;;
    esac
  done
  [ ${#ports[@]} -eq 0 ] || printf '%s\n' "${ports[@]}"
}

# qs_apt_install PACKAGES...: installs Debian packages without letting them start their own
# services (a policy-rc.d answering 101, added and removed again only when the machine has none
# of its own). Fails when apt-get does.
qs_apt_install() {
  local policy=/usr/sbin/policy-rc.d added_policy=0 ok=1
  if [ ! -e "$policy" ]; then
    printf '#!/bin/sh\nexit 101\n' >"$policy" && chmod 755 "$policy" && added_policy=1
  fi
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -q >&2 || ok=0
  if [ "$ok" = 1 ]; then
    apt-get install -y -q --no-install-recommends \
      -o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold \
      "$@" </dev/null >&2 || ok=0
  fi
  [ "$added_policy" = 1 ] && rm -f "$policy"
  [ "$ok" = 1 ]
}
