#!/usr/bin/env bash
# cmake --install gives a fabricplan that runs from anywhere: it finds its catalog (and
# the libfabric helper) under its own prefix, not in the source tree it was built from.
set -euo pipefail
bin=$1; src=$2
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
cmake --install "$(dirname "$bin")" --prefix "$tmp/prefix" >/dev/null
cd /
out=$("$tmp/prefix/bin/fabricplan" catalog)
[[ $out == *"($tmp/prefix/share/fabricplan/configs/catalog/instances.json;"* ]] || { echo "installed catalog not used: ${out##*$'\n'}"; exit 1; }
"$tmp/prefix/bin/fabricplan" plan "$tmp/prefix/share/fabricplan/configs/clusters/p5-moe-pd.json" --format json -o "$tmp/plan.json"
/usr/bin/python3 -c "import json; j = json.load(open('$tmp/plan.json')); assert j['catalog'].startswith('$tmp/prefix/'), j['catalog']"
[[ -x $tmp/prefix/libexec/fabricplan/fabricplan-calibrate-net || ! -x $(dirname "$bin")/fabricplan-calibrate-net ]] \
  || { echo "the libfabric helper was not installed"; exit 1; }
echo ok
