#!/usr/bin/env bash
# Install Debian's chromium for the browser tests when it is missing (idempotent).
# The tests drive /usr/bin/chromium through Playwright; Playwright's own browser
# download is never used (the machine's network reaches only the package registries).
set -euo pipefail
if [ -x /usr/bin/chromium ]; then
    exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
    echo "chromium is missing: run 'sudo apt-get install -y chromium' (browser tests need it)" >&2
    exit 1
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends chromium >/dev/null
test -x /usr/bin/chromium
