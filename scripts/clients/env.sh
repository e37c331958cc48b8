# shellcheck shell=bash
# Source me (after scripts/clients/install.sh):  . scripts/clients/env.sh
# Exports:
#   TRINO_CLI_JAR         trino-cli executable jar   (java -jar "$TRINO_CLI_JAR" --server ...)
#   TRINO_JDBC_JAR        trino-jdbc driver jar
#   JDBC_QUERY_CLASSPATH  compiled test/clients/JdbcQuery + the JDBC jar
#                         (java -cp "$JDBC_QUERY_CLASSPATH" JdbcQuery URL SQL [USER])
#   QUERYGATE_PYTHON      python of the venv with the "trino" client (runs test/clients/py_query.py)
#   QUERYGATE_CLIENT_JAVA java (17+) to run the CLI and JdbcQuery
#   JAVA25                java 25 binary (runs the Trino server), if one is installed
# Returns 1 (and says why) if something is missing.
_qg_env_here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=../trino/lib.sh
. "$_qg_env_here/../trino/lib.sh"
unset _qg_env_here

export TRINO_CLI_JAR="$QG_DOWNLOADS/trino-cli-$QG_TRINO_CLI_VERSION-executable.jar"
export TRINO_JDBC_JAR="$QG_DOWNLOADS/trino-jdbc-$QG_TRINO_JDBC_VERSION.jar"
export JDBC_QUERY_CLASSPATH="$QG_CLIENTS_DIR/classes:$TRINO_JDBC_JAR"
export QUERYGATE_PYTHON="$QG_PY_VENV/bin/python"
if _qg_j="$(qg_find_java 25)"; then export JAVA25="$_qg_j"; fi
if _qg_j="$(qg_find_client_java)"; then export QUERYGATE_CLIENT_JAVA="$_qg_j"; fi
unset _qg_j

_qg_missing=""
for _qg_f in "$TRINO_CLI_JAR" "$TRINO_JDBC_JAR" "$QG_CLIENTS_DIR/classes/JdbcQuery.class" "$QUERYGATE_PYTHON"; do
  [ -e "$_qg_f" ] || _qg_missing="$_qg_missing $_qg_f"
done
unset _qg_f
if [ -n "$_qg_missing" ]; then
  echo "scripts/clients/env.sh: missing:$_qg_missing -- run scripts/clients/install.sh" >&2
  unset _qg_missing
  return 1 2>/dev/null || exit 1
fi
unset _qg_missing
