#!/usr/bin/env bash
# Documented check of the HTML comparison report (issue: "the HTML opens in a headless browser
# without errors"): builds the report, opens it in headless Chromium, and fails if the page
# logs an error or renders fewer than three vega charts. Needs Debian's chromium package
# (`apt-get install chromium`); it is not part of `npm test`, which must pass without a browser.
set -euo pipefail
cd "$(dirname "$0")/.."
browser="$(command -v chromium || command -v chromium-browser || true)"
if [ -z "$browser" ]; then
  echo "check-compare-html: no chromium on this machine (apt-get install chromium)" >&2
  exit 2
fi
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
npm run build --silent
node dist/cli/main.js compare --format html --out "$work/compare.html"
flags=(--headless --no-sandbox --disable-gpu --disable-quic --no-first-run
  --disable-background-networking --disable-component-update --disable-sync
  --user-data-dir="$work/profile" --virtual-time-budget=5000)
"$browser" "${flags[@]}" --enable-logging=stderr --v=0 --dump-dom "file://$work/compare.html" \
  >"$work/dom.html" 2>"$work/console.log"
errors="$(grep -E 'INFO:CONSOLE' "$work/console.log" | grep -Ei 'error|uncaught|failed' || true)"
charts="$(grep -o 'class="marks"' "$work/dom.html" | wc -l)"
"$browser" "${flags[@]}" --window-size=1300,2200 --screenshot="$PWD/compare-report.png" \
  "file://$work/compare.html" 2>/dev/null
if [ -n "$errors" ]; then
  echo "check-compare-html: the page logged errors:" >&2
  echo "$errors" >&2
  exit 1
fi
if [ "$charts" -lt 3 ]; then
  echo "check-compare-html: expected 3 rendered charts, found $charts" >&2
  exit 1
fi
echo "check-compare-html: $charts charts rendered, no console errors; screenshot compare-report.png"
