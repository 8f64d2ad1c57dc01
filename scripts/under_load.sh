#!/usr/bin/env bash
# Runs COMMAND... while every core is kept busy (stress-ng where installed, else a shell
# busy loop per core), as a loaded CI machine would be; the load stops with the command.
# Exit status: the command's.
set -uo pipefail
cores=$(nproc)
load=()
if command -v stress-ng >/dev/null; then
  stress-ng --cpu "$cores" --cpu-method loop --quiet --timeout 0 & load+=($!)
else
  for ((i = 0; i < cores; i++)); do (while :; do :; done) & load+=($!); done
fi
trap 'kill "${load[@]}" 2>/dev/null; wait 2>/dev/null' EXIT
echo "under_load: $cores busy loop(s) running beside: $*"
"$@"
