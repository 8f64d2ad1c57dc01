#!/usr/bin/env python3
"""Writes a BENCH-T scenario (configs/scenarios/bench-t-*.json) as htsim's inputs.

htsim (Broadcom/csg-htsim, BSD-2) reads a connection matrix ("Nodes N", "Connections C",
then "src->dst id i start 0 size B" lines) and a topology file (tiers of switches with
their radix, link speed and latency). This writes both for the scenario's fabric and
permutation, and prints the htsim arguments that match it (link rate, MTU, queue in
packets, end time), one per line as NAME=VALUE for the calling script.

Usage: htsim_inputs.py SCENARIO.json OUT_DIR
"""
import json
import os
import sys


def main():
    scenario_path, out = sys.argv[1], sys.argv[2]
    s = json.load(open(scenario_path))
    topo, ports, traffic = s["topology"], s["ports"], s["traffic"][0]
    if traffic.get("pattern") != "permutation_file":
        sys.exit("htsim peer: only permutation_file traffic is written (BENCH-T)")
    rate = float(topo["link_gbit_per_s"])
    latency_ns = int(round(float(topo.get("propagation_us", 1)) * 1000))
    lines = []
    if topo["kind"] == "leaf_spine":
        hosts = topo["leaves"] * topo["hosts_per_leaf"]
        # Two tiers, one pod holding every leaf: leaf radix down = hosts per leaf, up =
        # spines; a spine's radix down = leaves. Oversubscription from the port counts.
        over = topo["hosts_per_leaf"] / topo["spines"]
        lines += [f"Nodes {hosts}", "Tiers 2", f"Podsize {hosts}", "",
                  "Tier 0", f"Downlink_speed_Gbps {rate:g}", f"Radix_Down {topo['hosts_per_leaf']}",
                  f"Radix_Up {topo['spines']}", f"Downlink_Latency_ns {latency_ns}", "Switch_Latency_ns 0",
                  f"Oversubscribed {over:g}", "",
                  "Tier 1", f"Downlink_speed_Gbps {rate:g}", f"Radix_Down {topo['leaves']}",
                  f"Downlink_Latency_ns {latency_ns}", "Switch_Latency_ns 0"]
    elif topo["kind"] == "fat_tree":
        k = topo["k"]
        hosts = k * k * k // 4
        lines += [f"Nodes {hosts}", "Tiers 3", f"Podsize {k * k // 4}", ""]
        for tier, (down, up) in enumerate([(k // 2, k // 2), (k // 2, k // 2), (k, 0)]):
            lines += [f"Tier {tier}"]
            if up:
                lines += ["Oversubscribed 1"]
            lines += [f"Downlink_speed_Gbps {rate:g}", f"Radix_Down {down}"]
            if up:
                lines += [f"Radix_Up {up}"]
            lines += [f"Downlink_Latency_ns {latency_ns}", "Switch_Latency_ns 0"]
            if tier > 0:
                lines += ["Bundle 1"]
            lines += [""]
    else:
        sys.exit(f"htsim peer: topology {topo['kind']} is not written")
    os.makedirs(out, exist_ok=True)
    with open(os.path.join(out, "fabric.topo"), "w") as f:
        f.write("\n".join(lines).rstrip() + "\n")
    perm = os.path.join(os.path.dirname(os.path.abspath(scenario_path)), traffic["permutation_file"])
    pairs = []
    for line in open(perm):
        line = line.split("#")[0].strip()
        if line:
            a, b = line.split()[:2]
            pairs.append((int(a), int(b)))
    with open(os.path.join(out, "perm.cm"), "w") as f:
        f.write(f"Nodes {hosts}\nConnections {len(pairs)}\n")
        for i, (a, b) in enumerate(pairs):
            f.write(f"{a}->{b} id {i + 1} start 0 size {traffic['bytes']}\n")
    mtu = int(traffic.get("mtu_payload_bytes", 4096)) + int(traffic.get("header_bytes", 64))
    queue_packets = max(1, int(ports.get("queue_bytes", 1 << 20)) // mtu)
    single_path = traffic.get("transport") == "ib_rc" or traffic.get("transport_params", {}).get("path") == "ecmp"
    print(f"HOSTS={hosts}")
    print(f"LINK_BPS={int(rate * 1e9)}")
    print(f"MTU={mtu}")
    print(f"QUEUE_PACKETS={queue_packets}")
    print(f"SINGLE_PATH={1 if single_path else 0}")
    print(f"FLOWS={len(pairs)}")


if __name__ == "__main__":
    main()
