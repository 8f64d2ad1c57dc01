#!/usr/bin/env bash
# Runs on the GPU machine (the device tool): builds `calibrate collectives`' benchmark
# with the machine's nvcc and NCCL, runs it on all GPUs, runs PyTorch's
# torch.distributed all-reduce (NCCL backend) at the same sizes in the same call, and
# compares (large-message busbw within 5%). NVLink SHARP stays off, as the device
# machines require. Files land in $OUT (or out/collectives).
#   bench/gpu/run_collectives_on_device.sh [MAX_BYTES]
set -euo pipefail
cd "$(dirname "$0")/../.."
export NCCL_NVLS_ENABLE=0
out=${OUT:-out/collectives}
mkdir -p "$out"
max=${1:-1073741824}
gpus=$(nvidia-smi -L | wc -l)
nvidia-smi --query-gpu=name,driver_version --format=csv,noheader | tee "$out/nvidia-smi.txt"
nvidia-smi topo -m > "$out/topo.txt" 2>&1 || true
# NCCL's header and library: the system's, or the copy PyTorch ships (nvidia-nccl wheel).
inc=; lib=
for d in /usr/include /usr/local/include /usr/local/cuda/include; do [[ -f $d/nccl.h ]] && inc=$d && break; done
if [[ -z $inc ]]; then
  base=$(python3 -c "import nvidia.nccl, os; print(os.path.dirname(nvidia.nccl.__file__) if nvidia.nccl.__file__ else list(nvidia.nccl.__path__)[0])")
  inc=$base/include; lib=$base/lib
fi
libflag=(-lnccl); [[ -n $lib ]] && libflag=(-L"$lib" -l:$(basename "$(ls "$lib"/libnccl.so* | head -1)") -Xlinker -rpath="$lib")
echo "NCCL header: $inc/nccl.h; gpus: $gpus"
nvcc -O2 -std=c++17 -I. -I"$inc" -o "$out/nccl_bench" calib/nccl/nccl_bench.cu calib/nccl/nccl_bench_main.cu calib/nccl/busbw.cc "${libflag[@]}"
"$out/nccl_bench" "$max" > "$out/intra-node.json"
torchrun --standalone --nproc_per_node="$gpus" bench/gpu/torch_allreduce.py "$max" > "$out/torch-allreduce.json"
python3 bench/gpu/compare_collectives.py "$out/intra-node.json" "$out/torch-allreduce.json" | tee "$out/compare.txt"
