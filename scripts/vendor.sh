#!/usr/bin/env bash
# Copy the pinned front-end builds (package.json / package-lock.json) into
# web/ui/static/vendor/, and bundle the process modeler (web/ui/modeler/*.js: bpmn-js's
# modeler, the properties panel, bpmnlint and Cartable's own parts) with the pinned
# esbuild into web/ui/static/vendor/modeler/. The copies and the bundle are committed,
# so `make run` and `make test` need no npm; run this after changing a version in
# package.json or a file in web/ui/modeler/, then commit the result. The bundle is
# deterministic: the same sources and versions give the same bytes.
set -euo pipefail
cd "$(dirname "$0")/.."
npm ci --no-audit --no-fund --ignore-scripts
src=node_modules
dst=web/ui/static/vendor
rm -rf "$dst"
mkdir -p "$dst"/{htmx,bpmn-js,chart.js,modeler,vazirmatn/fonts/webfonts,vazirmatn/fonts/ttf}

cp "$src/htmx.org/dist/htmx.min.js" "$dst/htmx/"
cp "$src/htmx.org/LICENSE" "$dst/htmx/" 2>/dev/null || true

cp "$src/bpmn-js/dist/bpmn-navigated-viewer.production.min.js" "$dst/bpmn-js/"
cp "$src/bpmn-js/dist/bpmn-modeler.production.min.js" "$dst/bpmn-js/"
cp -r "$src/bpmn-js/dist/assets/." "$dst/bpmn-js/assets/"
cp "$src/bpmn-js/LICENSE" "$dst/bpmn-js/"

# The modeler (issue 13 §2): one script and the panel's and the linter's styles.
./scripts/bundle-modeler.sh
cp "$src/@bpmn-io/properties-panel/dist/assets/properties-panel.css" "$dst/modeler/"
cp "$src/bpmn-js-bpmnlint/dist/assets/css/bpmn-js-bpmnlint.css" "$dst/modeler/"
for package in bpmn-js-properties-panel @bpmn-io/properties-panel bpmn-js-bpmnlint bpmnlint; do
    cp "$src/$package/LICENSE" "$dst/modeler/LICENSE.$(basename "$package")"
done

cp "$src/chart.js/dist/chart.umd.min.js" "$dst/chart.js/"
cp "$src/chart.js/LICENSE.md" "$dst/chart.js/"

# Web fonts for the pages; TTFs for PDFs (WeasyPrint embeds them, I9).
for weight in Regular Medium Bold; do
    cp "$src/vazirmatn/fonts/webfonts/Vazirmatn-$weight.woff2" "$dst/vazirmatn/fonts/webfonts/"
    cp "$src/vazirmatn/fonts/ttf/Vazirmatn-$weight.ttf" "$dst/vazirmatn/fonts/ttf/"
done
cp "$src/vazirmatn/OFL.txt" "$dst/vazirmatn/"
cat > "$dst/vazirmatn/vazirmatn.css" <<'CSS'
@font-face { font-family: Vazirmatn; src: url('fonts/webfonts/Vazirmatn-Regular.woff2') format('woff2'); font-weight: 400; font-display: swap; }
@font-face { font-family: Vazirmatn; src: url('fonts/webfonts/Vazirmatn-Medium.woff2') format('woff2'); font-weight: 500; font-display: swap; }
@font-face { font-family: Vazirmatn; src: url('fonts/webfonts/Vazirmatn-Bold.woff2') format('woff2'); font-weight: 700; font-display: swap; }
CSS

node -e '
const lock = require("./package-lock.json");
const out = {};
for (const name of Object.keys(require("./package.json").dependencies)) {
  out[name] = lock.packages["node_modules/" + name].version;
}
console.log(JSON.stringify(out, null, 2));
' > "$dst/VERSIONS.json"
echo "vendored into $dst:"
cat "$dst/VERSIONS.json"
