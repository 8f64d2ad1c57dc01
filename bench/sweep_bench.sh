#!/usr/bin/env bash
# Cells per second of `fabricplan sweep` on the example sizing sweep (64 plan cells):
# in one process and under `mpirun -np 2` (Open MPI; --oversubscribe on small hosts),
# median of 5 runs each, measured around the whole command.
set -euo pipefail
cd "$(dirname "$0")/.."
bin=build/fabricplan
[[ -x $bin ]] || scripts/setup.sh
sweep=configs/sweeps/sizing-moe-pd.json
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
cells=$(/usr/bin/python3 -c "
import json; s = json.load(open('$sweep')); n = 1
for a in s['axes']:
    n *= len(a.get('values') or a.get('scale') or [0] * 4)
print(n)")
run() {  # run LABEL CMD...
  local label=$1; shift
  /usr/bin/python3 - "$label" "$cells" "$@" <<'PY'
import subprocess, sys, time, statistics
label, cells, cmd = sys.argv[1], int(sys.argv[2]), sys.argv[3:]
walls = []
for _ in range(5):
    t = time.perf_counter(); subprocess.run(cmd, check=True, stderr=subprocess.DEVNULL); walls.append(time.perf_counter() - t)
w = statistics.median(walls)
print(f"{label:<22} {cells} cells in {w:.3f} s (median of 5): {cells / w:8.1f} cells/s")
PY
}
run "one process" "$bin" sweep "$sweep" -o "$tmp/a.csv"
if command -v mpirun >/dev/null; then
  run "mpirun -np 2" mpirun -np 2 --allow-run-as-root --oversubscribe "$bin" sweep "$sweep" -o "$tmp/b.csv"
  cmp -s "$tmp/a.csv" "$tmp/b.csv" && echo "tables identical" || echo "TABLES DIFFER"
fi
