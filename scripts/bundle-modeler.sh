#!/usr/bin/env bash
# Bundle the process modeler (web/ui/modeler/*.js) with the pinned esbuild into
# web/ui/static/vendor/modeler/modeler.js; scripts/vendor.sh runs it after `npm ci`.
# Deterministic: the same sources and package versions give the same bytes.
set -euo pipefail
cd "$(dirname "$0")/.."
mkdir -p web/ui/static/vendor/modeler
node_modules/.bin/esbuild web/ui/modeler/index.js --bundle --minify --format=iife --target=es2020 \
    --legal-comments=eof --log-level=warning --outfile=web/ui/static/vendor/modeler/modeler.js
