#!/usr/bin/env bash
# Installs what the benchmarks drive besides Node (bench/README.md): nginx as the reference proxy
# and wrk as the load generator, from Debian. The test command needs them for the benchmarks'
# smoke runs. Does nothing when both are there.
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source-path=SCRIPTDIR source=../lib/process.sh
source "$HERE/../lib/process.sh"

command -v nginx >/dev/null 2>&1 && command -v wrk >/dev/null 2>&1 && exit 0
if [ "$(id -u)" -ne 0 ]; then
  echo "bench-tools/install: nginx or wrk is missing and installing them needs root (apt-get install nginx-light wrk)" >&2
  exit 1
fi
echo "bench-tools/install: installing the Debian packages nginx-light and wrk" >&2
qs_apt_install nginx-light wrk
command -v nginx >/dev/null 2>&1 && command -v wrk >/dev/null 2>&1
