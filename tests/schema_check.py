#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Validates JSON documents against a certreport JSON Schema (Draft 2020-12, python3-jsonschema).
usage: schema_check.py SCHEMA FILE...   Prints one line per file; exit 1 if any is invalid."""
import json
import sys

import jsonschema

schema = json.load(open(sys.argv[1], encoding="utf-8"))
jsonschema.Draft202012Validator.check_schema(schema)
validator = jsonschema.Draft202012Validator(schema)
bad = 0
for path in sys.argv[2:]:
    errors = sorted(validator.iter_errors(json.load(open(path, encoding="utf-8"))), key=lambda e: list(e.path))
    for e in errors[:5]:
        print(f"{path}: {'/'.join(map(str, e.path))}: {e.message}")
    bad += bool(errors)
print(f"{len(sys.argv) - 2 - bad} valid, {bad} invalid")
sys.exit(1 if bad else 0)
