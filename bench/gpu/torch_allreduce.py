"""PyTorch's own NCCL all-reduce at the sizes of `calibrate collectives`, for comparison.
Run with torchrun --nproc_per_node=N: prints JSON (rank 0) with per-size time, algbw and
busbw as nccl-tests defines them (busbw = algbw x 2(n-1)/n). Timed with CUDA events
after warm-up; the slowest rank's time counts, as in nccl-tests."""
import json, sys
import torch
import torch.distributed as dist

max_bytes = int(sys.argv[1]) if len(sys.argv) > 1 else 1 << 30
dist.init_process_group("nccl")
rank, n = dist.get_rank(), dist.get_world_size()
torch.cuda.set_device(rank % torch.cuda.device_count())
rows = []
b = 1024
while b <= max_bytes:
    size = b // (n * 4) * (n * 4)
    b *= 2
    if size == 0:
        continue
    x = torch.zeros(size // 4, dtype=torch.float32, device="cuda")
    iters = 5 if size >= (256 << 20) else 20
    for _ in range(5):
        dist.all_reduce(x)
    torch.cuda.synchronize(); dist.barrier()
    start, stop = torch.cuda.Event(enable_timing=True), torch.cuda.Event(enable_timing=True)
    start.record()
    for _ in range(iters):
        dist.all_reduce(x)
    stop.record(); torch.cuda.synchronize()
    t = torch.tensor([start.elapsed_time(stop) / 1e3 / iters], device="cuda")
    dist.all_reduce(t, op=dist.ReduceOp.MAX)
    s = t.item()
    rows.append({"bytes": size, "time_us": s * 1e6, "algbw_bytes_per_s": size / s,
                 "busbw_bytes_per_s": size / s * 2 * (n - 1) / n})
if rank == 0:
    print(json.dumps({"op": "all_reduce", "ranks": n, "torch": torch.__version__,
                      "nccl": ".".join(map(str, torch.cuda.nccl.version())), "sweep": rows}))
dist.destroy_process_group()
