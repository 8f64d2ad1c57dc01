#!/usr/bin/env bash
# Start-up time of the fabricplan executable: median and max wall time of 50 runs of
# `fabricplan --version` and of `fabricplan help` (sweeps run thousands of processes).
# Target: under 20 ms. libfabric is loaded only by fabricplan-calibrate-net.
set -euo pipefail
cd "$(dirname "$0")/.."
bin=build/fabricplan
[[ -x $bin ]] || scripts/setup.sh
/usr/bin/python3 - "$bin" <<'PY'
import subprocess, sys, time, statistics
bin = sys.argv[1]
for args in (["--version"], ["help"]):
    walls = []
    for _ in range(50):
        t = time.perf_counter(); subprocess.run([bin, *args], stdout=subprocess.DEVNULL, check=True)
        walls.append((time.perf_counter() - t) * 1e3)
    med = statistics.median(walls)
    print(f"fabricplan {' '.join(args):<10} median {med:6.2f} ms, max {max(walls):6.2f} ms over 50 runs: "
          f"{'meets' if med < 20 else 'MISSES'} the 20 ms target")
PY
