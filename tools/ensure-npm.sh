#!/usr/bin/env bash
# Installs the npm packages of the browser and SDK tests (tests/js, tests/browser, tests/saml-js) once.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
# Node may come from Debian (nodejs + npm) or be preinstalled with npm bundled.
if ! command -v npm >/dev/null 2>&1; then "$root/tools/ensure-packages.sh" nodejs npm; fi
for dir in "$root/tests/js" "$root/tests/browser" "$root/tests/saml-js"; do
  [ -f "$dir/package.json" ] || continue
  cd "$dir"
  if [ ! -d node_modules ] || [ package.json -nt node_modules ] || { [ -f package-lock.json ] && [ package-lock.json -nt node_modules ]; }; then
    if [ -f package-lock.json ]; then npm ci --no-audit --no-fund --loglevel=error; else npm install --no-audit --no-fund --loglevel=error; fi
    touch node_modules
  fi
done
