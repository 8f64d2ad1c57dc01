#!/usr/bin/env bash
# Installs what fabricplan needs on Debian 12 (when run as root; otherwise prints the
# exact apt-get line), then configures and builds into build/. Incremental: a second
# run only rebuilds what changed. Used by both README commands and by .ci/run.
set -euo pipefail
cd "$(dirname "$0")/.."

packages=(build-essential cmake pkg-config libboost-graph-dev libeigen3-dev nlohmann-json3-dev
          libgtest-dev libgmock-dev libbenchmark-dev libfabric-dev libfabric-bin iproute2
          chromium python3 python3-jsonschema libsimgrid-dev libcli11-dev libopenmpi-dev openmpi-bin
          libjs-chart.js clang libclang-rt-14-dev)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  if [[ $(id -u) -eq 0 ]]; then
    echo "setup: installing ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends "${missing[@]}"
  else
    echo "setup: missing packages; run as root:" >&2
    echo "  sudo apt-get install -y ${missing[*]}" >&2
    exit 1
  fi
fi

build_type=${FABRICPLAN_BUILD_TYPE:-Release}
jobs=${FABRICPLAN_JOBS:-2}
cmake -S . -B build -DCMAKE_BUILD_TYPE="$build_type" >/dev/null
cmake --build build -j"$jobs"
