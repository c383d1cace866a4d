#!/usr/bin/env python3
"""Validates a CycloneDX 1.5 JSON document against the specification's JSON schema.

The schema (bom-1.5, with the SPDX and JSF schemas it references) is the one shipped by the
`cyclonedx-python-lib` package from PyPI (Apache-2.0), which .ci/run installs; it is not
vendored here. Prints "valid" or the schema errors; exit 0 only when valid. Exit 3 when the
schema or jsonschema is not installed.
"""
import json
import os
import sys

try:
    import cyclonedx
    import jsonschema
    from referencing import Registry, Resource
except ImportError as e:  # pragma: no cover
    print(f"missing: {e.name} (pip install jsonschema cyclonedx-python-lib)")
    sys.exit(3)

res = os.path.join(os.path.dirname(cyclonedx.__file__), "schema", "_res")
schemas = {}
for name in ("bom-1.5.SNAPSHOT.schema.json", "spdx.SNAPSHOT.schema.json", "jsf-0.82.SNAPSHOT.schema.json"):
    path = os.path.join(res, name)
    if not os.path.exists(path):
        print(f"missing: {path}")
        sys.exit(3)
    with open(path, encoding="utf-8") as f:
        schemas[name] = json.load(f)

registry = Registry()
for name, schema in schemas.items():
    resource = Resource.from_contents(schema)
    registry = registry.with_resource(name, resource)
    if "$id" in schema:
        registry = registry.with_resource(schema["$id"], resource)

bom_schema = schemas["bom-1.5.SNAPSHOT.schema.json"]
cls = jsonschema.validators.validator_for(bom_schema)
validator = cls(bom_schema, registry=registry, format_checker=cls.FORMAT_CHECKER)
with open(sys.argv[1], encoding="utf-8") as f:
    doc = json.load(f)
errors = sorted(validator.iter_errors(doc), key=lambda e: list(e.absolute_path))
for e in errors:
    print(f"{'/'.join(map(str, e.absolute_path))}: {e.message}")
if errors:
    sys.exit(1)
print("valid")
