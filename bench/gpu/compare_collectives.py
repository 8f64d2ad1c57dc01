"""Compares `calibrate collectives` all-reduce with PyTorch's at the same sizes, in
place on both sides (torch.distributed reduces in place; with one rank an in-place
all-reduce is a no-op and an out-of-place one a device copy, so the two must match).
With 2+ GPUs the large-message bus bandwidths must agree within 5%; with one GPU busbw
is 0 by definition (2(n-1)/n), so times are compared instead and the run says so."""
import json, sys
ours = json.load(open(sys.argv[1]))
torch_ = json.load(open(sys.argv[2]))
ar = next(c for c in ours["collectives"] if c["op"] == "all_reduce")
mine = {r["bytes"]: r for r in ar["sweep"]}
n = ar["ranks"]
print(f"{'bytes':>12} {'ours us':>10} {'torch us':>10} {'ours busbw GB/s':>16} {'torch busbw GB/s':>17} {'ratio':>7}")
worst = None
for r in torch_["sweep"]:
    m = mine.get(r["bytes"])
    if not m: continue
    m = {"time_us": m["in_place_time_us"], "busbw_bytes_per_s": m["in_place_busbw_bytes_per_s"]}
    key = "busbw_bytes_per_s" if n > 1 else "time_us"
    ratio = (m[key] / r[key]) if r[key] else float("nan")
    if n == 1: ratio = 1 / ratio  # time: higher is worse; keep "ours / torch" as a speed ratio
    print(f"{r['bytes']:>12} {m['time_us']:>10.2f} {r['time_us']:>10.2f} {m['busbw_bytes_per_s']/1e9:>16.2f} {r['busbw_bytes_per_s']/1e9:>17.2f} {ratio:>7.3f}")
    worst = ratio
print(f"largest size: ours/torch = {worst:.3f} ({'bus bandwidth' if n > 1 else 'speed (1 GPU: busbw is 0 by definition)'})")
sys.exit(0 if worst is not None and abs(worst - 1) <= 0.05 else 1)
