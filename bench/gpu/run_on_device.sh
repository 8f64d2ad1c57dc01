#!/usr/bin/env bash
# Runs on the GPU machine (the device tool): builds the GPU microbenchmarks with the
# machine's own nvcc, runs them, runs PyTorch's copies at the same sizes in the same
# call, and compares (large copies must agree within 5%). Files land in $OUT (or out/).
#   bench/gpu/run_on_device.sh [MAX_BYTES]
set -euo pipefail
cd "$(dirname "$0")/../.."
out=${OUT:-out/gpu}
mkdir -p "$out"
max=${1:-268435456}
nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv,noheader | tee "$out/nvidia-smi.txt"
nvcc --version | tail -1
nvcc -O2 -std=c++17 -o "$out/gpu_bench" calib/gpu/gpu_bench.cu calib/gpu/gpu_bench_main.cu
"$out/gpu_bench" "$max" > "$out/profile-gpu.json"
python3 bench/gpu/torch_copies.py "$max" > "$out/torch-copies.json"
python3 bench/gpu/compare.py "$out/profile-gpu.json" "$out/torch-copies.json" | tee "$out/compare.txt"
