#!/usr/bin/env bash
# Start the access-control oracle: a Trino with Trino's own file-based access control
# (access-control.name=file) over test/governance/rules.json, and groups from
# test/governance/groups.txt through the test-only file group provider (group-provider/).
# The decision differential (test/integration/decision-differential.test.ts) sends the same
# statements to it and through Querygate and compares the decisions.
#
#   scripts/trino/start-oracle.sh            (stop it with: scripts/trino/stop.sh --name trino-acl)
#
# Environment: QUERYGATE_ORACLE_PORT (default 18186), plus everything start.sh reads.
set -euo pipefail

QG_SCRIPT="trino/start-oracle"
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=lib.sh
. "$HERE/lib.sh"
REPO="$(cd "$HERE/../.." && pwd)"
PORT="${QUERYGATE_ORACLE_PORT:-18186}"

plugin="$("$HERE/group-provider/build.sh")"
conf="$QG_CACHE/oracle-config"
mkdir -p "$conf"
printf 'access-control.name=file\nsecurity.config-file=%s\nsecurity.refresh-period=1s\n' "$REPO/test/governance/rules.json" >"$conf/access-control.properties"
printf 'group-provider.name=file\nfile.group-file=%s\n' "$REPO/test/governance/groups.txt" >"$conf/group-provider.properties"

TRINO_EXTRA_CONFIG="access-control.config-files=$conf/access-control.properties" \
  TRINO_EXTRA_PLUGINS="querygate-file-group-provider=$plugin" \
  TRINO_GROUP_PROVIDER_CONFIG="$conf/group-provider.properties" \
  exec "$HERE/start.sh" --name trino-acl --port "$PORT"
