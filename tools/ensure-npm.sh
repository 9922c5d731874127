#!/usr/bin/env bash
# Installs the npm packages of the browser and SDK tests (tests/js) once.
set -euo pipefail
# Node may come from Debian (nodejs + npm) or be preinstalled with npm bundled.
if ! command -v npm >/dev/null 2>&1; then "$(dirname "$0")/ensure-packages.sh" nodejs npm; fi
cd "$(dirname "$0")/../tests/js" 2>/dev/null || exit 0
[ -f package.json ] || exit 0
if [ ! -d node_modules ] || [ package.json -nt node_modules ]; then
  if [ -f package-lock.json ]; then npm ci --no-audit --no-fund --loglevel=error; else npm install --no-audit --no-fund --loglevel=error; fi
  touch node_modules
fi
