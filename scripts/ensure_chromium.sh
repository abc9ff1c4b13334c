#!/usr/bin/env bash
# The browser test (tests/browser_test.ts) drives Debian's chromium through playwright-core.
# Installs it when missing, so `deno task test` works on a fresh machine. Quiet when present.
set -euo pipefail
[ -x /usr/bin/chromium ] && exit 0
sudo=""
[ "$(id -u)" -ne 0 ] && sudo="sudo"
echo "installing Debian's chromium for the browser test (apt-get)..." >&2
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq chromium >/dev/null
