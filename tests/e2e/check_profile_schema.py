#!/usr/bin/env python3
"""Validates calibration profiles against configs/schema/calibration.schema.json.
Usage: check_profile_schema.py SCHEMA PROFILE... ; exit 1 naming the first bad field."""
import json, sys
import jsonschema

schema = json.load(open(sys.argv[1]))
jsonschema.Draft202012Validator.check_schema(schema)
validator = jsonschema.Draft202012Validator(schema)
bad = False
for path in sys.argv[2:]:
    for e in sorted(validator.iter_errors(json.load(open(path))), key=lambda e: list(e.path)):
        print(f"FAIL {path}: /{'/'.join(map(str, e.path))}: {e.message}")
        bad = True
    if not bad:
        print(f"ok   {path} follows the calibration schema")
sys.exit(1 if bad else 0)
