#!/usr/bin/env python3
"""Checks scenarios/scenario.schema.json is a valid JSON Schema (2020-12) and
that every bundled scenario validates against it (comments stripped first).
Usage: validate_schema.py SCENARIO_DIR. Exit 0 = all valid, 1 = invalid or
jsonschema missing (a missing checker is a failure, never a skip: `make test`
installs Debian's python3-jsonschema)."""
import glob
import json
import os
import sys

try:
    import jsonschema
except ImportError:
    print(f"{sys.executable} cannot import jsonschema: install Debian's python3-jsonschema "
          "(make test-deps does) and run the check with /usr/bin/python3")
    sys.exit(1)


def strip_comments(text):
    out, i, n = [], 0, len(text)
    while i < n:
        if text[i] == '"':
            j = i + 1
            while j < n and text[j] != '"':
                j += 2 if text[j] == '\\' else 1
            out.append(text[i:j + 1])
            i = j + 1
        elif text.startswith('//', i):
            while i < n and text[i] != '\n':
                i += 1
        elif text.startswith('/*', i):
            end = text.find('*/', i + 2)
            i = n if end < 0 else end + 2
        else:
            out.append(text[i])
            i += 1
    return ''.join(out)


def main():
    folder = sys.argv[1]
    with open(os.path.join(folder, 'scenario.schema.json')) as f:
        schema = json.load(f)
    jsonschema.Draft202012Validator.check_schema(schema)
    validator = jsonschema.Draft202012Validator(schema)
    bad = 0
    for path in sorted(glob.glob(os.path.join(folder, '*.json'))):
        if path.endswith('.schema.json'):
            continue
        with open(path) as f:
            doc = json.loads(strip_comments(f.read()))
        errors = list(validator.iter_errors(doc))
        for e in errors[:5]:
            print(f"{path}: {'/'.join(map(str, e.path))}: {e.message[:200]}")
        bad += bool(errors)
        if not errors:
            print(f"{path}: valid")
    return 1 if bad else 0


if __name__ == '__main__':
    sys.exit(main())
