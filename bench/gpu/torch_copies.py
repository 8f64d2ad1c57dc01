"""PyTorch's own copies at the sizes calibrate gpu uses, timed the same way (CUDA
events on one stream, warm-up, repetitions until ~20 ms): pinned host->device,
device->host, device->device. Prints JSON {"h2d": [[bytes, bytes_per_s], ...], ...}."""
import json
import sys

import torch


def time_copy(fn):
    for _ in range(3):
        fn()
    torch.cuda.synchronize()
    reps = 5
    while True:
        start, stop = torch.cuda.Event(enable_timing=True), torch.cuda.Event(enable_timing=True)
        start.record()
        for _ in range(reps):
            fn()
        stop.record()
        stop.synchronize()
        ms = start.elapsed_time(stop)
        if ms >= 20 or reps >= 1 << 16:
            return ms * 1e-3 / reps
        reps = min(1 << 16, max(reps * 2, int(reps * 25.0 / max(ms, 0.001))))


def main():
    max_bytes = int(sys.argv[1]) if len(sys.argv) > 1 else 256 << 20
    host = torch.ones(max_bytes, dtype=torch.uint8).pin_memory()
    dev_a = torch.ones(max_bytes, dtype=torch.uint8, device="cuda")
    dev_b = torch.empty_like(dev_a)
    out = {"device": torch.cuda.get_device_name(0), "torch": torch.__version__, "cuda": torch.version.cuda,
           "h2d": [], "d2h": [], "d2d": []}
    n = 4096
    while n <= max_bytes:
        h, a, b = host[:n], dev_a[:n], dev_b[:n]
        out["h2d"].append([n, n / time_copy(lambda: a.copy_(h, non_blocking=True))])
        out["d2h"].append([n, n / time_copy(lambda: h.copy_(a, non_blocking=True))])
        out["d2d"].append([n, n / time_copy(lambda: b.copy_(a))])
        n *= 4
    print(json.dumps(out))


if __name__ == "__main__":
    main()
