#!/usr/bin/env bash
# Install moto (an AWS API emulator: Athena, S3, Glue, STS) into a Python virtual environment
# under ${QUERYGATE_CACHE:-$HOME/.cache/querygate}/moto/venv. Reused when already installed.
#
#   scripts/moto/install.sh
#
# Versions are pinned: moto reads requests through botocore's service models, and botocore
# 1.44.18 describes Athena as rest-json while the AWS SDK for JavaScript v3 (like Athena itself
# still) speaks JSON 1.1 (POST / with X-Amz-Target), which moto then no longer understands.
#
# Environment: QUERYGATE_CACHE.
set -euo pipefail

CACHE="${QUERYGATE_CACHE:-${HOME:-/root}/.cache/querygate}"
VENV="$CACHE/moto/venv"
requirements=('moto[server]==5.2.6' 'boto3==1.44.13' 'botocore==1.44.13')

if [ -x "$VENV/bin/moto_server" ] && "$VENV/bin/pip" freeze 2>/dev/null | grep -qx 'botocore==1.44.13'; then
  exit 0
fi
command -v python3 >/dev/null 2>&1 || { echo '[moto/install] ERROR: python3 is required' >&2; exit 1; }
mkdir -p "$CACHE/moto"
echo "[moto/install] installing ${requirements[*]} into $VENV" >&2
[ -x "$VENV/bin/pip" ] || python3 -m venv "$VENV"
"$VENV/bin/pip" install --quiet --disable-pip-version-check "${requirements[@]}"
[ -x "$VENV/bin/moto_server" ] || { echo "[moto/install] ERROR: moto_server missing after install" >&2; exit 1; }
