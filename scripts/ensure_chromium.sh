#!/usr/bin/env bash
# The browser test (tests/browser_test.ts) drives Debian's chromium through playwright-core.
# Installs it when missing and this user can (root, or sudo without a password), so `deno task
# test` works on a fresh machine; otherwise says so and goes on (the browser test then skips,
# saying why, except in CI, which installs it). Quiet when present.
set -uo pipefail
[ -x /usr/bin/chromium ] && exit 0
sudo=""
if [ "$(id -u)" -ne 0 ]; then
  if sudo -n true 2>/dev/null; then sudo="sudo -n"; else
    echo "chromium is missing and this user cannot install it: the browser test will be skipped" \
      "(apt-get install -y chromium to run it)" >&2
    exit 0
  fi
fi
echo "installing Debian's chromium for the browser test (apt-get)..." >&2
if ! { $sudo apt-get update -qq && DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq chromium >/dev/null; }; then
  echo "could not install chromium: the browser test will be skipped" >&2
fi
exit 0
