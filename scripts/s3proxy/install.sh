#!/usr/bin/env bash
# Download S3Proxy (org.gaul:s3proxy, an S3-compatible server in Java, the single jar with its
# dependencies) from Maven Central into ${QUERYGATE_CACHE:-$HOME/.cache/querygate}/downloads,
# once (checked against the repository's SHA-1). Prints the jar's path.
#
#   scripts/s3proxy/install.sh
#
# Environment: S3PROXY_VERSION (default 4.1.0, which needs Java 17+), QUERYGATE_CACHE.
set -euo pipefail

QG_SCRIPT="s3proxy/install"
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=../trino/lib.sh
. "$HERE/../trino/lib.sh"

qg_maven_fetch org.gaul s3proxy "${S3PROXY_VERSION:-4.1.0}" jar jar-with-dependencies
