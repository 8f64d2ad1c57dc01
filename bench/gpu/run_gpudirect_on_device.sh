#!/usr/bin/env bash
# Runs on the GPU machine (the device tool), with build/fabricplan carried from a
# Debian build (the device has libfabric's runtime, not its headers):
#   bench/gpu/run_gpudirect_on_device.sh [MAX_BYTES]
# Measures the libfabric path for GPU memory on one host (no NIC there):
#   - calibrate client --buffers cuda over shm and tcp: GPU memory registered with the
#     provider where it can (FI_HMEM_CUDA), else the host-staging path, with the
#     profile saying which and why;
#   - the same with host buffers;
#   - calibrate gpu's pinned copy rates (built here with nvcc), so that the staged
#     ping-pong can be checked against host latency + B/d2h + B/h2d at large sizes.
# Profiles and logs land in $OUT (or out/gpudirect); a summary is printed.
set -uo pipefail
cd "$(dirname "$0")/../.."
out=${OUT:-out/gpudirect}
mkdir -p "$out"
max=${1:-67108864}
bin=build/fabricplan
nvidia-smi --query-gpu=name,driver_version --format=csv,noheader | tee "$out/nvidia-smi.txt"
ls -l /usr/lib/x86_64-linux-gnu/libfabric.so* | tee "$out/libfabric.txt"
nvcc -O2 -std=c++17 -o /tmp/gpu_bench calib/gpu/gpu_bench.cu calib/gpu/gpu_bench_main.cu && /tmp/gpu_bench "$max" > "$out/gpu.json"
port=47700
run() {  # run NAME PROVIDER BUFFERS RAIL
  local name=$1 provider=$2 buffers=$3
  port=$((port + 1))
  "$bin" calibrate server --bind 127.0.0.1 --port "$port" --provider "$provider" --rails "$4" --timeout-s 60 \
    >"$out/$name-server.log" 2>&1 &
  local pid=$!
  sleep 1
  "$bin" calibrate client 127.0.0.1 --port "$port" --provider "$provider" --rails "$4" --buffers "$buffers" \
    --max-bytes "$max" --tests latency,bw -o "$out/$name.json" >"$out/$name-client.log" 2>&1
  echo "$name: client exit $?"
  wait "$pid"; echo "$name: server exit $?"
  grep -i "staging\|error\|usable" "$out/$name-client.log" | head -3
}
run shm-cuda shm cuda shm
run shm-host shm host shm
run tcp-cuda tcp cuda lo
run tcp-host tcp host lo
python3 - "$out" <<'PY'
import json, os, sys
out = sys.argv[1]
gpu = json.load(open(os.path.join(out, "gpu.json")))["gpu"] if os.path.exists(os.path.join(out, "gpu.json")) else None
prof = {}
for name in ("shm-cuda", "shm-host", "tcp-cuda", "tcp-host"):
    path = os.path.join(out, name + ".json")
    if not os.path.exists(path):
        print(f"{name:9s} no profile"); continue
    p = prof[name] = json.load(open(path))
    n = p["nics"][0]
    big = max(n["sweep"]["stream"], key=lambda s: s["bytes"])
    g = p["gpudirect"]
    print(f"{name:9s} memory {n.get('memory')}: latency {n['latency_us']:.2f} us, stream asymptote "
          f"{n['bandwidth_bytes_per_s']/1e9:.2f} GB/s, {big['bytes_per_s']/1e9:.2f} GB/s at {big['bytes']} B; "
          f"gpudirect available={g['available']} measured={g.get('measured')}: {g['why'][:160]}")
# The staged ping-pong is strictly serial: each one-way trip is a device-to-host copy,
# the host-memory transfer and a host-to-device copy.
if gpu:
    print(f"calibrate gpu: pinned h2d {gpu['h2d_bytes_per_s']/1e9:.2f} GB/s, d2h {gpu['d2h_bytes_per_s']/1e9:.2f} GB/s")
    for prov in ("shm", "tcp"):
        s, h = prof.get(prov + "-cuda"), prof.get(prov + "-host")
        if not s or not h or s["nics"][0].get("memory") != "cuda-staged":
            continue
        hl = {p["bytes"]: p["median_us"] for p in h["nics"][0]["sweep"]["latency"]}
        for p in s["nics"][0]["sweep"]["latency"]:
            b = p["bytes"]
            if b < 1 << 20 or b not in hl: continue
            hand = hl[b] + b / gpu["d2h_bytes_per_s"] * 1e6 + b / gpu["h2d_bytes_per_s"] * 1e6
            print(f"  {prov} staged one-way {b:>9d} B: measured {p['median_us']:9.1f} us, host {hl[b]:9.1f} + copies = "
                  f"{hand:9.1f} us ({100*(p['median_us']/hand-1):+.1f}%)")
PY
