#!/usr/bin/env bash
# Opens the HTML report in headless Chromium (offline) and checks that its script ran
# without errors and that both charts have content.
set -euo pipefail
bin=$1; src=$2
chromium=$(command -v chromium || command -v chromium-browser || true)
if [[ -z $chromium ]]; then
  echo "chromium not installed (scripts/setup.sh installs it)" >&2
  exit 1
fi
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
for spec in p4d-moe-pd p5-moe-pd; do
  "$bin" plan "$src/configs/clusters/$spec.json" --format html -o "$tmp/$spec.html"
  timeout 120 "$chromium" --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
    --disable-background-networking --disable-component-update --disable-sync \
    --user-data-dir="$tmp/profile" --virtual-time-budget=5000 \
    --dump-dom "file://$tmp/$spec.html" >"$tmp/$spec.dom" 2>"$tmp/$spec.log" || true
  body=$(grep -o '<body[^>]*>' "$tmp/$spec.dom" | head -1)
  echo "$spec: $body"
  [[ $body == *'data-render="ok"'* ]] || { echo "script did not finish cleanly"; cat "$tmp/$spec.log"; exit 1; }
  bars=$(sed -n 's/.*data-bars="\([0-9]*\)".*/\1/p' <<<"$body")
  points=$(sed -n 's/.*data-points="\([0-9]*\)".*/\1/p' <<<"$body")
  [[ ${bars:-0} -gt 0 && ${points:-0} -gt 0 ]] || { echo "empty charts"; exit 1; }
  # The drawn SVG really is in the DOM.
  [[ $(grep -o 'class="bar demand"' "$tmp/$spec.dom" | wc -l) -gt 0 ]]
  [[ $(grep -o 'class="series"' "$tmp/$spec.dom" | wc -l) -gt 0 ]]
done
echo ok
