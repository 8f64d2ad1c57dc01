#!/usr/bin/env python3
"""The partitioned packet engine (simulate --threads N) on N threads, in one run.

For each scenario: the sequential engine (one core), then the partitioned engine on each
thread count (on that many cores), best of --reps runs each, with wall time (the
engine's, from the report), events per second and the speed-up over the sequential run;
whether every thread count gave the same result (the report less wall time and threads:
it must); with --baseline-bin, a reference binary's sequential events per second and the
ratio to it (the speed issue's "3x the events per second of the binary when it was
filed"); with --htsim-bin, htsim (Broadcom/csg-htsim, the directory holding the built
htsim_eqds and htsim_roce, see bench/peers/htsim_bench.sh) on the same permutation on one
core, and the ratio of its whole-process wall time to ours (the issue's 50x).

Usage: bench/thread_scaling.py [--bin build/fabricplan] [--threads 2,4,8,16] [--reps 3]
         [--baseline-bin PATH] [--htsim-bin DIR] SCENARIO_NAME...
"""
import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def cores(n):
    return ",".join(str(c) for c in range(min(n, os.cpu_count() or 1)))


def run_ours(binary, scenario, threads, out_path):
    """One run; returns (process wall s, report)."""
    cmd = ["taskset", "-c", cores(threads), os.path.abspath(binary), "simulate", scenario, "--format", "json", "-o", out_path]
    if threads > 1:
        cmd += ["--threads", str(threads)]
    t0 = time.monotonic()
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL)
    wall = time.monotonic() - t0
    return wall, json.load(open(out_path))


def best(binary, scenario, threads, reps, tmp):
    runs = [run_ours(binary, scenario, threads, os.path.join(tmp, f"r{threads}.json")) for _ in range(reps)]
    return min(runs, key=lambda r: r[1]["engine"]["wall_s"])


def result_only(report):
    r = json.loads(json.dumps(report))
    r.pop("tool_version", None)
    r["engine"].pop("wall_s", None)
    r["engine"].get("partition", {}).pop("threads", None)
    return r


def run_htsim(htsim_dir, scenario, tmp):
    """htsim on one core; returns (process wall s, last completion us) or None."""
    env_lines = subprocess.run([sys.executable, os.path.join(ROOT, "bench/peers/htsim_inputs.py"), scenario, tmp],
                               check=True, capture_output=True, text=True).stdout
    v = dict(line.split("=", 1) for line in env_lines.split())
    single = v["SINGLE_PATH"] == "1"
    peer = os.path.join(os.path.abspath(htsim_dir), "htsim_roce" if single else "htsim_eqds")
    args = ["-paths", "1" if single else "64", "-strat", "ecmp_host"]
    cmd = ["taskset", "-c", "0", peer, "-topo", "fabric.topo", "-tm", "perm.cm", "-nodes", v["HOSTS"],
           "-linkspeed", str(int(v["LINK_BPS"]) // 1000000), "-mtu", v["MTU"], "-q", v["QUEUE_PACKETS"],
           "-end", "100000", "-seed", "1"] + args
    t0 = time.monotonic()
    out = subprocess.run(cmd, cwd=tmp, capture_output=True, text=True)
    wall = time.monotonic() - t0
    if out.returncode != 0:
        print(f"  {os.path.basename(peer)} failed: {out.stderr[-300:]}")
        return None
    done = [float(x) for x in re.findall(r"finished at ([0-9.]+)", out.stdout)]
    return wall, (max(done) if done else float("nan")), os.path.basename(peer), len(done), int(v["FLOWS"])


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--bin", default=os.path.join(ROOT, "build/fabricplan"))
    ap.add_argument("--threads", default="2,4,8,16")
    ap.add_argument("--reps", type=int, default=3)
    ap.add_argument("--baseline-bin")
    ap.add_argument("--htsim-bin")
    ap.add_argument("--target-events-ratio", type=float, default=3.0)
    ap.add_argument("--target-htsim-ratio", type=float, default=50.0)
    ap.add_argument("scenarios", nargs="+")
    a = ap.parse_args()
    threads = [int(t) for t in a.threads.split(",")]
    print(f"{os.cpu_count()} cores; best of {a.reps} runs; events/s from the engine's wall time")
    for name in a.scenarios:
        scenario = os.path.join(ROOT, "configs/scenarios", name + ".json")
        with tempfile.TemporaryDirectory() as tmp:
            seq_wall, seq = best(a.bin, scenario, 1, a.reps, tmp)
            seq_eps = seq["engine"]["events"] / seq["engine"]["wall_s"]
            base_eps = None
            if a.baseline_bin:
                _, base = best(a.baseline_bin, scenario, 1, a.reps, tmp)
                base_eps = base["engine"]["events"] / base["engine"]["wall_s"]
                print(f"{name}: baseline {a.baseline_bin}: {base['engine']['wall_s']:.3f} s, {base_eps / 1e6:.2f} M events/s")
            print(f"{name}: sequential {seq['engine']['wall_s']:.3f} s, {seq_eps / 1e6:.2f} M events/s"
                  + (f", {seq_eps / base_eps:.2f}x the baseline" if base_eps else ""))
            peer = run_htsim(a.htsim_bin, scenario, tmp) if a.htsim_bin and name.startswith("bench-t-") else None
            if peer:
                print(f"{name}: {peer[2]} {peer[0]:.2f} s whole process, last completion {peer[1]:.1f} us "
                      f"({peer[3]} of {peer[4]} flows); ours sequential {seq_wall:.2f} s whole process: "
                      f"{peer[0] / seq_wall:.1f}x")
            reference = None
            for t in threads:
                wall, rep = best(a.bin, scenario, t, a.reps, tmp)
                part = rep["engine"].get("partition", {})
                if "lanes" not in part:
                    print(f"  {t:3d} threads: sequential ({part.get('sequential_because', '?')})")
                    continue
                same = reference is None or result_only(rep) == reference
                reference = reference or result_only(rep)
                eps = rep["engine"]["events"] / rep["engine"]["wall_s"]
                line = (f"  {t:3d} threads: {rep['engine']['wall_s']:.3f} s, {eps / 1e6:6.2f} M events/s, "
                        f"{seq['engine']['wall_s'] / rep['engine']['wall_s']:.2f}x sequential; {part['lanes']} lanes, "
                        f"{part['windows']} windows; last completion {rep['last_completion_s'] * 1e6:.1f} us "
                        f"(sequential {seq['last_completion_s'] * 1e6:.1f}); result {'same' if same else 'DIFFERS'}")
                if base_eps:
                    r = eps / base_eps
                    line += f"; {r:.2f}x baseline events/s ({'met' if r >= a.target_events_ratio else 'not met'})"
                if peer:
                    r = peer[0] / wall
                    line += f"; htsim {r:.1f}x ({'met' if r >= a.target_htsim_ratio else 'not met'})"
                print(line, flush=True)


if __name__ == "__main__":
    main()
