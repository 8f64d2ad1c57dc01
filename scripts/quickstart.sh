#!/usr/bin/env bash
# README command 1: set up, build, and plan the default cluster spec.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
exec build/fabricplan plan configs/clusters/p5-moe-pd.json "$@"
