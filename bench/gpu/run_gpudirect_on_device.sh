#!/usr/bin/env bash
# Runs on the GPU machine (the device tool), with build/fabricplan carried from a
# Debian build (the device has libfabric's runtime, not its headers):
#   bench/gpu/run_gpudirect_on_device.sh [MAX_BYTES]
# Measures the libfabric path for GPU memory: calibrate server + client over the shm
# provider (one host: no NIC there) with --buffers cuda, then with host buffers for
# comparison, and tcp with cuda buffers where the provider takes them. Each run's
# profile and log land in $OUT (or out/gpudirect); a summary is printed.
set -uo pipefail
cd "$(dirname "$0")/../.."
out=${OUT:-out/gpudirect}
mkdir -p "$out"
max=${1:-67108864}
bin=build/fabricplan
nvidia-smi --query-gpu=name,driver_version --format=csv,noheader | tee "$out/nvidia-smi.txt"
ls -l /usr/lib/x86_64-linux-gnu/libfabric.so* | tee "$out/libfabric.txt"
port=47700
run() {  # run NAME PROVIDER BUFFERS
  local name=$1 provider=$2 buffers=$3
  port=$((port + 1))
  "$bin" calibrate server --bind 127.0.0.1 --port "$port" --provider "$provider" --rails "$4" --timeout-s 120 \
    >"$out/$name-server.log" 2>&1 &
  local pid=$!
  sleep 1
  "$bin" calibrate client 127.0.0.1 --port "$port" --provider "$provider" --rails "$4" --buffers "$buffers" \
    --max-bytes "$max" --tests latency,bw -o "$out/$name.json" >"$out/$name-client.log" 2>&1
  echo "$name: client exit $?"
  wait "$pid"; echo "$name: server exit $?"
  tail -2 "$out/$name-client.log"
}
run shm-cuda shm cuda shm
run shm-host shm host shm
run tcp-cuda tcp cuda lo
python3 - "$out" <<'PY'
import json, os, sys
out = sys.argv[1]
for name in ("shm-cuda", "shm-host", "tcp-cuda"):
    path = os.path.join(out, name + ".json")
    if not os.path.exists(path):
        print(f"{name:9s} no profile"); continue
    p = json.load(open(path))
    n = p["nics"][0]
    big = max(n["sweep"]["stream"], key=lambda s: s["bytes"]) if n["sweep"]["stream"] else None
    print(f"{name:9s} memory {n.get('memory')}: latency {n['latency_us']:.2f} us, asymptote "
          f"{n['bandwidth_bytes_per_s']/1e9:.2f} GB/s, largest stream point "
          f"{(big['bytes_per_s']/1e9 if big else 0):.2f} GB/s at {big['bytes'] if big else 0} B; "
          f"gpudirect available={p['gpudirect']['available']} path={p['gpudirect'].get('path', '-')}")
PY
