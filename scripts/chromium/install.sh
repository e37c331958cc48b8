#!/usr/bin/env bash
# Installs the browser of the UI end-to-end tests: Debian's chromium at /usr/bin/chromium (driven
# by playwright-core, which brings no browser of its own). Does nothing when it is already there.
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source-path=SCRIPTDIR source=../lib/process.sh
source "$HERE/../lib/process.sh"

[ -x /usr/bin/chromium ] && exit 0
if [ "$(id -u)" -ne 0 ]; then
  echo "chromium/install: /usr/bin/chromium is missing and installing it needs root (apt-get install chromium)" >&2
  exit 1
fi
echo "chromium/install: installing the Debian package chromium" >&2
qs_apt_install chromium fonts-dejavu-core
[ -x /usr/bin/chromium ]
