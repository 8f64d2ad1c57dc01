#!/usr/bin/env python3
"""Validates calibration profiles against configs/schema/calibration.schema.json, and that
no number became null or NaN: null only where the schema means "not measured".
Usage: check_profile_schema.py SCHEMA PROFILE... ; exit 1 naming the first bad field."""
import json, sys
import jsonschema

schema = json.load(open(sys.argv[1]))
jsonschema.Draft202012Validator.check_schema(schema)
validator = jsonschema.Draft202012Validator(schema)
NULLABLE = {"instance_type", "cuda_version", "nccl_version", "error", "gpu", "intra_node", "fit", "stream_fit"}


def nulls(v, key="", pointer=""):
    """Pointers of nulls at keys that must hold a value."""
    if v is None and key not in NULLABLE:
        yield pointer or "/"
    elif isinstance(v, dict):
        for k, x in v.items():
            yield from nulls(x, k, f"{pointer}/{k}")
    elif isinstance(v, list):
        for i, x in enumerate(v):
            yield from nulls(x, key, f"{pointer}/{i}")


def no_constant(name):
    raise ValueError(f"{name} in the file")


bad = False
for path in sys.argv[2:]:
    profile = json.load(open(path), parse_constant=no_constant)
    for p in nulls(profile):
        print(f"FAIL {path}: {p}: null where a value belongs")
        bad = True
    for e in sorted(validator.iter_errors(profile), key=lambda e: list(e.path)):
        print(f"FAIL {path}: /{'/'.join(map(str, e.path))}: {e.message}")
        bad = True
    if not bad:
        print(f"ok   {path} follows the calibration schema")
sys.exit(1 if bad else 0)
