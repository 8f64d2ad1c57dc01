#!/usr/bin/env python3
"""A simulate report's result: the JSON report less what describes the run rather than
its outcome (the tool's version, the engine's wall time), keys sorted, one value per
line, so two results compare as text and a difference reads as a diff.

Usage: scripts/report_result.py REPORT.json        (prints the result)
       scripts/report_result.py A.json B.json      (prints 'same' or the paths that differ; exit 1)
"""
import json
import sys


def result(path):
    with open(path) as f:
        j = json.load(f)
    j.pop("tool_version", None)
    if isinstance(j.get("engine"), dict):
        j["engine"].pop("wall_s", None)
    return j


def differences(a, b, path=""):
    """JSON pointers where a and b differ (the deepest differing values)."""
    if isinstance(a, dict) and isinstance(b, dict):
        keys = sorted(set(a) | set(b))
        return [d for k in keys if a.get(k) != b.get(k) or (k in a) != (k in b)
                for d in (differences(a[k], b[k], f"{path}/{k}") if k in a and k in b else [f"{path}/{k}"])]
    if isinstance(a, list) and isinstance(b, list) and len(a) == len(b):
        return [d for i, (x, y) in enumerate(zip(a, b)) if x != y for d in differences(x, y, f"{path}/{i}")]
    return [] if a == b else [f"{path or '/'}: {json.dumps(a)[:60]} -> {json.dumps(b)[:60]}"]


def main():
    if len(sys.argv) == 2:
        print(json.dumps(result(sys.argv[1]), indent=1, sort_keys=True))
        return 0
    a, b = result(sys.argv[1]), result(sys.argv[2])
    if a == b:
        print("same")
        return 0
    diff = differences(a, b)
    print(f"DIFFERENT at {len(diff)} places: " + "; ".join(diff[:4]) + (" ..." if len(diff) > 4 else ""))
    return 1


if __name__ == "__main__":
    sys.exit(main())
