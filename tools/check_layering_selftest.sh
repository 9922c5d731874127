#!/usr/bin/env bash
# Self-test of tools/check_layering.sh: builds throwaway trees that mimic the
# repository layout and checks that a clean tree passes and that each kind of
# forbidden include (or link) fails with its file:line printed.
# Usage: tools/check_layering_selftest.sh [path/to/check_layering.sh]
set -euo pipefail

check="${1:-$(cd "$(dirname "$0")" && pwd)/check_layering.sh}"
tmp="$(mktemp -d "${TMPDIR:-/tmp}/layering-selftest.XXXXXX")"
trap 'rm -rf "$tmp"' EXIT
failures=0

# A clean tree: every module includes what it may.
make_tree() {
  local t="$1"
  mkdir -p "$t"/{core,scim_server,mock_okta,encryption_stub,scenarios,app,tests}
  printf '#pragma once\n#include <string>\n' >"$t/core/result.h"
  printf '#include "core/result.h"\n#include "scim_server/filter.h"\n#include "filter.h"\n' >"$t/scim_server/filter.cpp"
  printf '#pragma once\n#include "core/result.h"\n' >"$t/scim_server/filter.h"
  printf '#include "core/result.h"\n#include <nlohmann/json.hpp>\n' >"$t/mock_okta/engine.cpp"
  printf '#include "core/result.h"\n' >"$t/encryption_stub/key_service.cpp"
  printf '#include "core/result.h"\n#include "scenarios/runner.h"\n' >"$t/scenarios/runner.cpp"
  printf '#include "scim_server/filter.h"\n#include "mock_okta/engine.h"\n' >"$t/app/main.cpp"
  printf '#include "scim_server/filter.h"\n#include "mock_okta/engine.h"\n' >"$t/tests/any_test.cpp"
  printf 'add_library(mock_okta STATIC engine.cpp)\ntarget_link_libraries(mock_okta PUBLIC\n  core)\n' \
    >"$t/mock_okta/CMakeLists.txt"
}

# expect NAME RC PATTERN: run the check on $tmp/NAME, want exit RC and, when
# PATTERN is not empty, an output line matching it.
expect() {
  local name="$1" want_rc="$2" pattern="$3" out rc=0
  out="$(bash "$check" "$tmp/$name" 2>&1)" || rc=$?
  if [ "$rc" -ne "$want_rc" ] || { [ -n "$pattern" ] && ! grep -qE "$pattern" <<<"$out"; }; then
    echo "FAIL $name: exit $rc (wanted $want_rc), output:"
    sed 's/^/    /' <<<"$out"
    failures=$((failures + 1))
  else
    echo "ok   $name (exit $rc)"
    sed 's/^/    /' <<<"$out"
  fi
}

make_tree "$tmp/clean"
expect clean 0 "layering: OK"

make_tree "$tmp/service_includes_service"
printf '#include "core/result.h"\n// #include "scim_server/commented.h" is fine\n#include "scim_server/scim_store.h"\n' \
  >"$tmp/service_includes_service/mock_okta/engine.cpp"
expect service_includes_service 1 '^mock_okta/engine\.cpp:3: mock_okta/ must not include scim_server/'

make_tree "$tmp/relative_include"
printf '#include "../mock_okta/planner.h"\n' >"$tmp/relative_include/encryption_stub/key_service.cpp"
expect relative_include 1 '^encryption_stub/key_service\.cpp:1: .*mock_okta/'

make_tree "$tmp/core_includes_service"
printf '#pragma once\n#include <scim_server/schema.h>\n' >"$tmp/core_includes_service/core/result.h"
expect core_includes_service 1 '^core/result\.h:2: core/ must not include scim_server/'

make_tree "$tmp/service_includes_app"
printf '  #  include "app/scenario_cmd.h"\n' >>"$tmp/service_includes_app/scim_server/filter.cpp"
expect service_includes_app 1 '^scim_server/filter\.cpp:4: .*app/'

make_tree "$tmp/scenarios_includes_service"
printf '#include "encryption_stub/encryption_stub.h"\n' >>"$tmp/scenarios_includes_service/scenarios/runner.cpp"
expect scenarios_includes_service 1 '^scenarios/runner\.cpp:3: scenarios/ must not include encryption_stub/'

make_tree "$tmp/service_links_service"
printf 'add_library(mock_okta STATIC engine.cpp)\ntarget_link_libraries(mock_okta PUBLIC\n  core scim_server)\n' \
  >"$tmp/service_links_service/mock_okta/CMakeLists.txt"
expect service_links_service 1 '^mock_okta/CMakeLists\.txt:3: mock_okta links scim_server'

if [ "$failures" -gt 0 ]; then
  echo "layering self-test: $failures case(s) failed"
  exit 1
fi
echo "layering self-test: all cases behave"
