#!/usr/bin/env bash
# Renders an HTML report in headless Chromium and saves a PNG, to check that it displays.
# Needs Debian's chromium (apt-get install chromium). Usage:
#   bash scripts/screenshot-report.sh [sim-out/report.html] [sim-out/report.png]
set -euo pipefail
report=$(realpath "${1:-sim-out/report.html}")
png=${2:-${report%.html}.png}
profile=$(mktemp -d)
trap 'rm -rf "$profile"' EXIT
chromium --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
  --disable-background-networking --disable-component-update --disable-sync \
  --user-data-dir="$profile" --hide-scrollbars --window-size=1000,2600 \
  --screenshot="$png" "file://$report" 2>/dev/null
echo "screenshot: $png"
