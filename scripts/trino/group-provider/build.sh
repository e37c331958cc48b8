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

TRINO_VERSION="${TRINO_VERSION:-483}"
TRINO_HOME="$(TRINO_VERSION="$TRINO_VERSION" "$HERE/../install.sh")"
SPI="$TRINO_HOME/lib/io.trino.trino-spi-$TRINO_VERSION.jar"
[ -f "$SPI" ] || qg_die "Trino SPI jar not found: $SPI"
JAVA_BIN="$(qg_require_java "$(cat "$TRINO_HOME/querygate-java-min")")"
JDK_BIN="$(dirname "$JAVA_BIN")"
[ -x "$JDK_BIN/javac" ] && [ -x "$JDK_BIN/jar" ] || qg_die "no javac/jar next to $JAVA_BIN (a JDK, not a JRE, is needed)"

sum="$(cat "$HERE/FileGroupPlugin.java" "$SPI" | sha256sum | cut -c1-16)"
OUT="$QG_CACHE/group-provider/$sum"
if [ ! -f "$OUT/plugin/querygate-file-group-provider.jar" ]; then
  build="$(mktemp -d)"
  trap 'rm -rf "$build"' EXIT
  mkdir -p "$build/classes/META-INF/services"
  "$JDK_BIN/javac" -nowarn -d "$build/classes" -cp "$SPI" "$HERE/FileGroupPlugin.java" >&2
  echo querygate.test.FileGroupPlugin >"$build/classes/META-INF/services/io.trino.spi.Plugin"
  mkdir -p "$OUT/plugin"
  "$JDK_BIN/jar" --create --file "$build/plugin.jar" -C "$build/classes" . >&2
  mv "$build/plugin.jar" "$OUT/plugin/querygate-file-group-provider.jar"
  qg_log "built $OUT/plugin"
fi
printf '%s\n' "$OUT/plugin"
