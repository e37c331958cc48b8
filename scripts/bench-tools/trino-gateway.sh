#!/usr/bin/env bash
# Prepares trino-gateway (the Trino project's own gateway, Maven Central io.trino.gateway:gateway-ha,
# release 20) as a further side of the benchmarks: downloads its jar with dependencies into the
# cache (once, SHA-1 checked), finds a Java 25 to run it (its classes are built for 25), starts
# (or reuses) the test PostgreSQL it keeps its backends and history in, and empties the schema
# `trino_gateway` there. Prints three lines: the java binary, the jar, the JDBC URL.
#
#   scripts/bench-tools/trino-gateway.sh [--pg-port N]     (default 15432)
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
QG_SCRIPT="bench-tools/trino-gateway"
# shellcheck source-path=SCRIPTDIR source=../trino/lib.sh
source "$HERE/../trino/lib.sh"

pg_port=15432
while [ $# -gt 0 ]; do
  case "$1" in
    --pg-port) pg_port="${2:?--pg-port needs a value}"; shift 2 ;;
    *) qg_die "unknown argument '$1' (usage: trino-gateway.sh [--pg-port N])" ;;
  esac
done

java="$(qg_require_java 25)"
jar="$(qg_maven_fetch io.trino.gateway gateway-ha 20 jar jar-with-dependencies)"
url="$(bash "$HERE/../postgres/start.sh" --port "$pg_port" | tail -n1)"
# A schema of its own in the test database: its tables never meet the gateway's history tables,
# and every run starts from no backends and no history.
PGOPTIONS='-c client_min_messages=warning' psql -X -q -w -v ON_ERROR_STOP=1 "$url" -c 'DROP SCHEMA IF EXISTS trino_gateway CASCADE; CREATE SCHEMA trino_gateway' >&2
printf '%s\n%s\n%s\n' "$java" "$jar" "jdbc:postgresql://127.0.0.1:$pg_port/querygate?currentSchema=trino_gateway"
