#!/usr/bin/env bash
# Fetch Trino's resource group manager plugin (io.trino:trino-resource-group-managers: the
# file-based manager, resource-groups.configuration-manager=file) from Maven Central and print
# its plugin directory (cached). Maven Central's newest release of this plugin is 476 (nothing
# for 477-483); its zip loads into the Trino 483 the tests assemble (the SPI it uses did not
# change), so the oracle runs Trino 483's own resource group scheduler (trino-main) with the
# 476 file parser. Used by test/integration/resource-groups-differential.test.ts through
# start.sh's TRINO_EXTRA_PLUGINS.
#
#   scripts/trino/resource-group-managers/install.sh
# Environment: RGM_VERSION (default 476).
set -euo pipefail

QG_SCRIPT="trino/resource-group-managers"
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=../lib.sh
. "$HERE/../lib.sh"

RGM_VERSION="${RGM_VERSION:-476}"
case "$RGM_VERSION" in *[!0-9]* | "") qg_die "RGM_VERSION must be a plain number like 476, got '$RGM_VERSION'" ;; esac
OUT="$QG_CACHE/resource-group-managers-$RGM_VERSION"

fetch() {
  [ -f "$OUT/.querygate-installed" ] && return 0
  qg_need unzip
  local zip
  zip="$(qg_maven_fetch io.trino trino-resource-group-managers "$RGM_VERSION" zip)"
  RGM_TMP="$(mktemp -d "$QG_CACHE/.rgm.XXXXXX")"
  trap 'rm -rf "$RGM_TMP"' EXIT
  unzip -q "$zip" -d "$RGM_TMP"
  [ -d "$RGM_TMP/trino-resource-group-managers-$RGM_VERSION" ] || qg_die "unexpected layout in $zip"
  rm -rf "$OUT"
  mv "$RGM_TMP/trino-resource-group-managers-$RGM_VERSION" "$OUT"
  date -u +%Y-%m-%dT%H:%M:%SZ >"$OUT/.querygate-installed"
}

qg_with_lock "resource-group-managers-$RGM_VERSION" fetch
printf '%s\n' "$OUT"
