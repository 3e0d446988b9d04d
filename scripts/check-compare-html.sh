#!/usr/bin/env bash
# Documented check of the HTML comparison report: builds the report, then opens it in headless
# Chromium twice, as written (the interactive vega charts replace the static SVG ones) and with a
# strict Content-Security-Policy that blocks every script (default-src 'none'; style-src
# 'unsafe-inline', as Jenkins serves artifacts), and shows both results: a screenshot each
# (compare-report.png, compare-report-csp.png) and a count of what rendered. It fails if the page
# logs an error other than the blocked scripts under the strict policy, if the interactive
# charts do not all render without it, or if a static SVG chart is missing under it.
# Needs Debian's chromium package (`apt-get install chromium`); it is not part of `npm test`,
# which must pass without a browser.
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
node dist/cli/main.js compare --userspace --format html --out "$work/compare.html"
policy="default-src 'none'; style-src 'unsafe-inline'"
sed "s|<meta charset=\"utf-8\">|<meta charset=\"utf-8\">\n<meta http-equiv=\"Content-Security-Policy\" content=\"$policy\">|" \
  "$work/compare.html" >"$work/compare-csp.html"
charts="$(grep -c '<figure class="chart"' "$work/compare.html")"
flags=(--headless --no-sandbox --disable-gpu --disable-quic --no-first-run
  --disable-background-networking --disable-component-update --disable-sync
  --user-data-dir="$work/profile" --virtual-time-budget=5000)
status=0
# render NAME FILE SCREENSHOT: dumps the DOM and the console, takes a screenshot, prints counts.
render() {
  local name="$1" file="$2" shot="$3"
  "$browser" "${flags[@]}" --enable-logging=stderr --v=0 --dump-dom "file://$file" \
    >"$work/$name.dom" 2>"$work/$name.log" || true
  "$browser" "${flags[@]}" --window-size=1400,2400 --screenshot="$PWD/$shot" "file://$file" 2>/dev/null || true
  # Chart SVGs (vega's class "marks"), charts vega-embed took over, HTML tables.
  svgs="$(grep -o '<svg[^>]*class="marks"' "$work/$name.dom" | wc -l || true)"
  embeds="$(grep -o '<figure class="chart vega-embed' "$work/$name.dom" | wc -l || true)"
  tables="$(grep -o '<table>' "$work/$name.dom" | wc -l || true)"
  blocked="$(grep -E 'INFO:CONSOLE' "$work/$name.log" | grep -c 'Content Security Policy' || true)"
  errors="$(grep -E 'INFO:CONSOLE' "$work/$name.log" | grep -v 'Content Security Policy' | grep -Ei 'error|uncaught|failed' || true)"
  echo "check-compare-html: $name: $charts charts: $svgs rendered as SVG, $embeds of them by vega-embed (interactive); $tables tables; $blocked console messages of scripts blocked by the policy; screenshot $shot"
  if [ -n "$errors" ]; then
    echo "check-compare-html: $name: the page logged errors:" >&2
    echo "$errors" >&2
    status=1
  fi
}
render plain "$work/compare.html" compare-report.png
if [ "$embeds" -ne "$charts" ] || [ "$svgs" -ne "$charts" ]; then
  echo "check-compare-html: plain: expected $charts interactive charts, found $embeds ($svgs SVGs)" >&2
  status=1
fi
render strict-csp "$work/compare-csp.html" compare-report-csp.png
if [ "$svgs" -ne "$charts" ] || [ "$embeds" -ne 0 ] || [ "$blocked" -eq 0 ]; then
  echo "check-compare-html: strict-csp: expected $charts static SVG charts, no interactive ones and blocked scripts" >&2
  status=1
fi
exit "$status"
