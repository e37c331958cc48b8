#!/usr/bin/env bash
# Install the real Trino clients used by querygate's integration tests:
#   - trino-cli executable jar   ($QG_TRINO_CLI_VERSION, newest published)
#   - trino-jdbc driver jar      ($QG_TRINO_JDBC_VERSION)
#   - a Python venv with the PyPI "trino" client ($QG_PY_TRINO_VERSION)
#   - SQLAlchemy in that venv (the trino package's dialect: the inspector tests)
#   - test/clients/JdbcQuery.java and JdbcMetadata.java compiled with javac (Java 17+)
# Idempotent; a second run only checks that everything is in place.
# Afterwards: `. scripts/clients/env.sh` exports the paths.
set -euo pipefail

QG_SCRIPT="clients/install"
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO="$(cd "$HERE/../.." && pwd)"
# shellcheck source=../trino/lib.sh
. "$HERE/../trino/lib.sh"

SRC="$REPO/test/clients/JdbcQuery.java"
SRC_METADATA="$REPO/test/clients/JdbcMetadata.java"
CLASSES="$QG_CLIENTS_DIR/classes"

install_jars() {
  local cli jdbc
  cli="$(qg_maven_fetch io.trino trino-cli "$QG_TRINO_CLI_VERSION" jar executable)"
  chmod +x "$cli"
  jdbc="$(qg_maven_fetch io.trino trino-jdbc "$QG_TRINO_JDBC_VERSION" jar)"
  qg_log "trino-cli:  $cli"
  qg_log "trino-jdbc: $jdbc"
}

install_venv() {
  local marker="$QG_PY_VENV/.querygate-installed" py="${QUERYGATE_PYTHON_BASE:-python3}"
  if [ -f "$marker" ] && "$QG_PY_VENV/bin/python" -c 'import trino, sqlalchemy' >/dev/null 2>&1; then
    qg_log "python venv: $QG_PY_VENV (trino $QG_PY_TRINO_VERSION)"
    return 0
  fi
  command -v "$py" >/dev/null 2>&1 || qg_die "'$py' not found; install Python 3.9+ or set QUERYGATE_PYTHON_BASE"
  "$py" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 9) else 1)' \
    || qg_die "$py is $("$py" --version 2>&1); the trino client needs Python 3.9+ (set QUERYGATE_PYTHON_BASE)"
  rm -rf "$QG_PY_VENV"
  mkdir -p "$QG_CLIENTS_DIR"
  qg_log "creating python venv $QG_PY_VENV"
  "$py" -m venv "$QG_PY_VENV" \
    || qg_die "'$py -m venv' failed (on Debian/Ubuntu: apt-get install -y python3-venv)"
  PIP_DISABLE_PIP_VERSION_CHECK=1 "$QG_PY_VENV/bin/python" -m pip install --quiet --no-input \
    "trino==$QG_PY_TRINO_VERSION" "sqlalchemy==$QG_PY_SQLALCHEMY_VERSION" \
    || qg_die "pip install trino==$QG_PY_TRINO_VERSION sqlalchemy==$QG_PY_SQLALCHEMY_VERSION failed (is PyPI reachable?)"
  "$QG_PY_VENV/bin/python" -c 'import trino.dbapi' || qg_die "trino package installed but not importable"
  date -u +%Y-%m-%dT%H:%M:%SZ >"$marker"
  qg_log "python venv: $QG_PY_VENV (trino $QG_PY_TRINO_VERSION)"
}

compile_jdbc_query() {
  [ -f "$SRC" ] || qg_die "missing $SRC"
  local java javac sum
  java="$(qg_find_client_java)" || qg_die "no Java 17+ found for javac"
  javac="$(dirname "$java")/javac"
  [ -x "$javac" ] || javac="$(command -v javac || true)"
  { [ -n "$javac" ] && [ -x "$javac" ]; } || qg_die "javac not found (need a JDK 17+, not just a JRE)"
  sum="$(cat "$SRC" "$SRC_METADATA" | sha256sum | cut -c1-64)"
  if [ -f "$CLASSES/JdbcQuery.class" ] && [ -f "$CLASSES/JdbcMetadata.class" ] && [ "$(cat "$CLASSES/.source.sha256" 2>/dev/null)" = "$sum" ]; then
    qg_log "JdbcQuery:  $CLASSES/JdbcQuery.class (up to date)"
    return 0
  fi
  rm -rf "$CLASSES.tmp"
  mkdir -p "$CLASSES.tmp"
  "$javac" --release 17 -encoding UTF-8 -d "$CLASSES.tmp" "$SRC" "$SRC_METADATA" || qg_die "javac failed for $SRC $SRC_METADATA"
  echo "$sum" >"$CLASSES.tmp/.source.sha256"
  rm -rf "$CLASSES"
  mv "$CLASSES.tmp" "$CLASSES"
  qg_log "JdbcQuery:  compiled into $CLASSES"
}

qg_with_lock clients install_jars
qg_with_lock clients install_venv
qg_with_lock clients compile_jdbc_query
qg_log "done; use: . scripts/clients/env.sh"
