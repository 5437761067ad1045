#!/usr/bin/env bash
# Install the Debian packages the product and its tests need, when missing (idempotent):
# - chromium: the browser tests drive /usr/bin/chromium through Playwright; Playwright's
#   own browser download is never used (the network reaches only the package registries);
# - libharfbuzz-subset0: WeasyPrint subsets the Persian fonts it embeds in PDFs with it
#   (without it every PDF carries whole fonts, and WeasyPrint warns on each import).
set -euo pipefail
PACKAGES=(chromium libharfbuzz-subset0)
missing=()
for package in "${PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" \
        || missing+=("$package")
done
if [ "${#missing[@]}" -eq 0 ]; then
    exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
    echo "missing Debian packages: run 'sudo apt-get install -y ${missing[*]}'" >&2
    exit 1
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
test -x /usr/bin/chromium
