"""Compares calibrate gpu's profile with PyTorch's copies at every size, and checks
the large-copy figures (the profile's h2d/d2h/d2d_bytes_per_s, taken at the largest
size) are within 5% of PyTorch's. Usage: compare.py PROFILE.json TORCH.json"""
import json
import sys

profile = json.load(open(sys.argv[1]))["gpu"]
torch_run = json.load(open(sys.argv[2]))
if not profile.get("available"):
    sys.exit(f"calibrate gpu reported the GPU unavailable: {profile.get('unavailable_reason')}")
print(f"device: {profile['device']} (torch {torch_run['torch']}, CUDA {torch_run['cuda']})")
print(f"kernel launch: {profile['launch_us']:.2f} us back-to-back, {profile['launch_sync_us']:.2f} us with sync")
ok = True
for ours, theirs, key in (("h2d_pinned", "h2d", "h2d_bytes_per_s"), ("d2h_pinned", "d2h", "d2h_bytes_per_s"),
                          ("d2d", "d2d", "d2d_bytes_per_s")):
    print(f"{ours}:  bytes  fabricplan GB/s  torch GB/s  ratio")
    t = dict((int(n), bw) for n, bw in torch_run[theirs])
    for s in profile["sweeps"][ours]:
        if s["bytes"] in t:
            print(f"  {s['bytes']:>11}  {s['bytes_per_s']/1e9:14.2f}  {t[s['bytes']]/1e9:10.2f}  {s['bytes_per_s']/t[s['bytes']]:.3f}")
    largest = max(t)
    ratio = profile[key] / t[largest]
    verdict = "within 5%" if abs(ratio - 1) <= 0.05 else "OUTSIDE 5%"
    ok &= abs(ratio - 1) <= 0.05
    print(f"  {key} = {profile[key]/1e9:.2f} GB/s vs torch {t[largest]/1e9:.2f} GB/s at {largest} bytes: "
          f"ratio {ratio:.3f}, {verdict}")
sys.exit(0 if ok else 1)
