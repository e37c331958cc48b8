#!/usr/bin/env bash
# Start the resource groups oracle: a Trino whose own resource group manager
# (resource-groups.configuration-manager=file, the plugin from resource-group-managers/install.sh)
# reads the given resource groups file. The differential
# (test/integration/resource-groups-differential.test.ts) sends the same arrival sequence to it and
# through Querygate and compares selected groups, queueing, refusals and start order.
#
#   scripts/trino/start-resource-groups-oracle.sh FILE   (stop it with: scripts/trino/stop.sh --name NAME)
#
# Environment: QUERYGATE_RG_ORACLE_PORT (default 18686), QUERYGATE_RG_ORACLE_NAME (default
# rg-oracle), plus everything start.sh reads.
set -euo pipefail

QG_SCRIPT="trino/start-resource-groups-oracle"
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=lib.sh
. "$HERE/lib.sh"
[ $# -eq 1 ] || qg_die "usage: $0 RESOURCE_GROUPS_JSON"
FILE="$(cd "$(dirname "$1")" && pwd)/$(basename "$1")"
[ -f "$FILE" ] || qg_die "resource groups file not found: $1"
PORT="${QUERYGATE_RG_ORACLE_PORT:-18686}"
NAME="${QUERYGATE_RG_ORACLE_NAME:-rg-oracle}"

plugin="$("$HERE/resource-group-managers/install.sh")"
conf="$QG_CACHE/oracle-config-$NAME"
mkdir -p "$conf"
# Trino's file manager reads the file once, at start: one oracle per file.
printf 'resource-groups.configuration-manager=file\nresource-groups.config-file=%s\n' "$FILE" >"$conf/resource-groups.properties"

# The differential keeps several unread result streams RUNNING at once: small output buffers and
# a larger heap keep them from exhausting memory (1 GB ran out with 1.5 scenarios' queries).
export TRINO_HEAP="${TRINO_HEAP:-1536M}"
TRINO_EXTRA_CONFIG="${TRINO_EXTRA_CONFIG:-sink.max-buffer-size=4MB}" \
  TRINO_EXTRA_PLUGINS="trino-resource-group-managers=$plugin" \
  TRINO_RESOURCE_GROUPS_CONFIG="$conf/resource-groups.properties" \
  exec "$HERE/start.sh" --name "$NAME" --port "$PORT"
