#!/usr/bin/env bash
# Compile the test-only file group provider plugin (FileGroupPlugin.java) against the installed
# Trino's SPI and print the plugin directory (cached: rebuilt only when the source changes).
#
#   scripts/trino/group-provider/build.sh
set -euo pipefail

QG_SCRIPT="trino/group-provider"
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=../lib.sh
. "$HERE/../lib.sh"

qg_build_test_plugin "$HERE/FileGroupPlugin.java" querygate.test.FileGroupPlugin querygate-file-group-provider
