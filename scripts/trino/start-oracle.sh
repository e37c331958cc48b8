#!/usr/bin/env bash
# Start the access-control oracle: a Trino with Trino's own file-based access control
# (access-control.name=file) over test/governance/rules.json, and groups from
# test/governance/groups.txt through the test-only file group provider (group-provider/).
# The decision differential (test/integration/decision-differential.test.ts) sends the same
# statements to it and through Querygate and compares the decisions.
#
#   scripts/trino/start-oracle.sh            (stop it with: scripts/trino/stop.sh --name trino-acl)
#
# Environment: QUERYGATE_ORACLE_PORT (default 18186), QUERYGATE_ORACLE_NAME (default trino-acl),
# QUERYGATE_ORACLE_RULES (default test/governance/rules.json; the row filter and column mask
# differential runs a second oracle, trino-fm, over test/governance/filter-mask-rules.json), plus
# everything start.sh reads.
set -euo pipefail

QG_SCRIPT="trino/start-oracle"
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=lib.sh
. "$HERE/lib.sh"
REPO="$(cd "$HERE/../.." && pwd)"
PORT="${QUERYGATE_ORACLE_PORT:-18186}"
NAME="${QUERYGATE_ORACLE_NAME:-trino-acl}"
RULES="${QUERYGATE_ORACLE_RULES:-$REPO/test/governance/rules.json}"

plugin="$("$HERE/group-provider/build.sh")"
conf="$QG_CACHE/oracle-config-$NAME"
mkdir -p "$conf"
printf 'access-control.name=file\nsecurity.config-file=%s\nsecurity.refresh-period=1s\n' "$RULES" >"$conf/access-control.properties"
printf 'group-provider.name=file\nfile.group-file=%s\n' "$REPO/test/governance/groups.txt" >"$conf/group-provider.properties"

TRINO_EXTRA_CONFIG="access-control.config-files=$conf/access-control.properties" \
  TRINO_EXTRA_PLUGINS="querygate-file-group-provider=$plugin" \
  TRINO_GROUP_PROVIDER_CONFIG="$conf/group-provider.properties" \
  exec "$HERE/start.sh" --name "$NAME" --port "$PORT"
