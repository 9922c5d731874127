#!/usr/bin/env bash
# The arrow rule as a check (docs/architecture.md, "The arrow rule"):
#   core/            includes nothing of ours but core/
#   scim_server/, mock_okta/, encryption_stub/
#                    include core/ and themselves, never another service,
#                    app/ or scenarios/
#   scenarios/       includes core/ and itself only (it drives the services
#                    over HTTP)
#   app/, tests/, bench/, fuzz/, tools/
#                    may include anything (not checked)
# Includes are checked in *.h, *.hpp, *.cc, *.cpp, *.inc files: both
# "dir/x.h" and <dir/x.h>, with any leading ./ or ../ segments ignored. The
# libraries each of those folders links in its CMakeLists.txt
# (target_link_libraries) are checked against the same rule.
#
# Usage: tools/check_layering.sh [ROOT]   (ROOT defaults to the repository)
# Prints one line per violation, file:line: what, and exits 1 when there is
# any; exits 0 with a one-line summary otherwise; 2 on bad usage.
set -euo pipefail

root="${1:-$(cd "$(dirname "$0")/.." && pwd)}"
if [ ! -d "$root" ]; then
  echo "check_layering: no such directory: $root" >&2
  exit 2
fi
cd "$root"

services=(scim_server mock_okta encryption_stub)
ours=(core scim_server mock_okta encryption_stub scenarios app)

# allowed MODULE: the top-level folders of ours that MODULE may include.
allowed() {
  case "$1" in
    core) echo "core" ;;
    scim_server | mock_okta | encryption_stub) echo "core $1" ;;
    scenarios) echo "core scenarios" ;;
  esac
}

is_ours() {
  local m
  for m in "${ours[@]}"; do [ "$m" = "$1" ] && return 0; done
  return 1
}

violations=0
checked=0
report() {
  echo "$1"
  violations=$((violations + 1))
}

for module in core "${services[@]}" scenarios; do
  [ -d "$module" ] || continue
  ok=" $(allowed "$module") "
  # Every #include line of the module's sources, as path:line:text.
  while IFS= read -r hit; do
    file="${hit%%:*}"
    rest="${hit#*:}"
    line="${rest%%:*}"
    text="${rest#*:}"
    [[ "$text" =~ ^[[:space:]]*#[[:space:]]*include[[:space:]]*[\"\<]([^\"\>]*) ]] || continue
    target="${BASH_REMATCH[1]}"
    # Drop leading ./ and ../ segments: "../scim_server/x.h" names scim_server.
    while [[ "$target" == ./* || "$target" == ../* ]]; do target="${target#*/}"; done
    [[ "$target" == */* ]] || continue  # same-folder or system header
    top="${target%%/*}"
    is_ours "$top" || continue
    if [[ "$ok" != *" $top "* ]]; then
      report "$file:$line: $module/ must not include $top/ ($target); allowed: $(allowed "$module" | sed 's/ /, /g')"
    fi
  done < <(find "$module" -type f \( -name '*.h' -o -name '*.hpp' -o -name '*.cc' -o -name '*.cpp' -o -name '*.inc' \) \
             -print0 | sort -z | xargs -0 -r grep -nHE '^[[:space:]]*#[[:space:]]*include[[:space:]]*["<]' || true)
  checked=$((checked + $(find "$module" -type f \( -name '*.h' -o -name '*.hpp' -o -name '*.cc' -o -name '*.cpp' -o -name '*.inc' \) | wc -l)))

  # Libraries linked in the module's CMakeLists.txt: the words inside each
  # target_link_libraries( … ), which may span lines.
  cml="$module/CMakeLists.txt"
  [ -f "$cml" ] || continue
  while IFS=: read -r line word; do
    is_ours "$word" || continue
    if [[ "$ok" != *" $word "* ]]; then
      report "$cml:$line: $module links $word; allowed: $(allowed "$module" | sed 's/ /, /g')"
    fi
  done < <(awk '
    { sub(/#.*/, "") }
    /target_link_libraries[[:space:]]*\(/ { inside = 1; sub(/.*target_link_libraries[[:space:]]*\(/, "") }
    inside {
      text = $0
      closed = index(text, ")")
      if (closed) { text = substr(text, 1, closed - 1); inside = 0 }
      n = split(text, words, /[[:space:]]+/)
      for (i = 1; i <= n; i++) if (words[i] != "") print NR ":" words[i]
    }' "$cml")
done

if [ "$violations" -gt 0 ]; then
  echo "layering: $violations violation(s) of the arrow rule (see docs/architecture.md)"
  exit 1
fi
echo "layering: OK ($checked source files in core/, services and scenarios/ checked)"
