#!/usr/bin/env bash
# Start a Trino with the spooling client protocol enabled: large results are written as segments
# to an S3 bucket in the moto emulator (scripts/moto/) or in S3Proxy (scripts/s3proxy/, a faster
# S3 server on large results) by the test-only spooling manager
# spooling/S3SpoolingPlugin.java (Trino's own trino-spooling-filesystem plugin is not on Maven
# Central), and clients that send X-Trino-Query-Data-Encoding get `data` as segments.
#
#   scripts/trino/start-spooling.sh --name NAME --port PORT (--moto-port PORT | --s3proxy-port PORT)
#                                   [--retrieval-mode MODE]
#   (stop it with: scripts/trino/stop.sh --name NAME; moto with scripts/moto/stop.sh --port PORT,
#   S3Proxy with scripts/s3proxy/stop.sh --port PORT)
#
# MODE is Trino's protocol.spooling.retrieval-mode: STORAGE (default: segment URIs are pre-signed
# S3 URLs, the data never passes the coordinator) or COORDINATOR_PROXY (segment URIs point at the
# coordinator, which streams the objects). The store (moto or S3Proxy) is started on its port if it
# is not running; the bucket is created there. Segments are kept small (protocol.spooling.initial-segment-size
# 1MB, maximum 4MB) so that modest results spool into several segments.
#
# Environment: TRINO_SPOOLING_BUCKET (default querygate-spooling), plus everything start.sh reads
# (TRINO_EXTRA_CONFIG lines are appended after the spooling ones).
set -euo pipefail

QG_SCRIPT="trino/start-spooling"
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=lib.sh
. "$HERE/lib.sh"

NAME=""
PORT=""
STORE=""
STORE_PORT=""
MODE=STORAGE
usage() { echo "usage: $0 --name NAME --port PORT (--moto-port PORT | --s3proxy-port PORT) [--retrieval-mode STORAGE|COORDINATOR_PROXY]" >&2; exit 64; }
while [ $# -gt 0 ]; do
  case "$1" in
    --name) [ $# -ge 2 ] || usage; NAME="$2"; shift 2 ;;
    --port) [ $# -ge 2 ] || usage; PORT="$2"; shift 2 ;;
    --moto-port | --s3proxy-port) [ $# -ge 2 ] && [ -z "$STORE" ] || usage; STORE="${1#--}"; STORE="${STORE%-port}"; STORE_PORT="$2"; shift 2 ;;
    --retrieval-mode) [ $# -ge 2 ] || usage; MODE="$2"; shift 2 ;;
    *) usage ;;
  esac
done
[ -n "$NAME" ] && [ -n "$PORT" ] && [ -n "$STORE_PORT" ] || usage
case "$MODE" in STORAGE | COORDINATOR_PROXY) ;; *) qg_die "--retrieval-mode must be STORAGE or COORDINATOR_PROXY, got '$MODE'" ;; esac
case "$NAME" in ''|*[!A-Za-z0-9_.-]*) qg_die "--name may only contain letters, digits, '.', '_' and '-', got '$NAME'" ;; esac
BUCKET="${TRINO_SPOOLING_BUCKET:-querygate-spooling}"

bash "$HERE/../$STORE/start.sh" --port "$STORE_PORT"
# Both stores accept unsigned requests; an existing bucket answers 409, which is fine.
curl -sS -o /dev/null -X PUT "http://127.0.0.1:$STORE_PORT/$BUCKET" || qg_die "could not create bucket $BUCKET in $STORE on port $STORE_PORT"

plugin="$(qg_build_test_plugin "$HERE/spooling/S3SpoolingPlugin.java" querygate.test.S3SpoolingPlugin querygate-s3-spooling)"
conf="$QG_CACHE/spooling-config-$NAME"
mkdir -p "$conf"
cat >"$conf/spooling-manager.properties" <<PROPS
spooling-manager.name=querygate-s3
s3.endpoint=http://127.0.0.1:$STORE_PORT
s3.bucket=$BUCKET
s3.region=us-east-1
s3.aws-access-key=testing
s3.aws-secret-key=testing
PROPS
# A 256-bit key (Trino encrypts segment identifiers in its URIs with it), one per instance.
[ -s "$conf/shared-secret" ] || head -c 32 /dev/urandom | base64 >"$conf/shared-secret"

TRINO_EXTRA_CONFIG="protocol.spooling.enabled=true
protocol.spooling.shared-secret-key=$(cat "$conf/shared-secret")
protocol.spooling.retrieval-mode=$MODE
protocol.spooling.initial-segment-size=1MB
protocol.spooling.maximum-segment-size=4MB
${TRINO_EXTRA_CONFIG:-}" \
  TRINO_EXTRA_PLUGINS="querygate-s3-spooling=$plugin ${TRINO_EXTRA_PLUGINS:-}" \
  TRINO_SPOOLING_MANAGER_CONFIG="$conf/spooling-manager.properties" \
  exec "$HERE/start.sh" --name "$NAME" --port "$PORT"
