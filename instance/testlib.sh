# Shared by the instance-script harnesses (test-instance-scripts.sh, test-export-media.sh): the
# pass/fail bookkeeping. Sourced, not run; the scripts under test stay self-contained because SSM
# documents cannot include files.
# shellcheck shell=bash

passed=0
failed=0

ok() {
  passed=$((passed + 1))
  printf 'ok    %s\n' "$1"
}

not_ok() {
  failed=$((failed + 1))
  printf 'FAIL  %s\n' "$1"
  shift
  if (($# > 0)); then printf '      %s\n' "$@"; fi
}

# check NAME COMMAND...: passes when COMMAND succeeds.
check() {
  local name=$1
  shift
  if "$@"; then ok "$name"; else not_ok "$name" "failed: $*"; fi
}

# require_tools TOOL...: exits 2 naming the missing ones (never skips), with the install hint.
require_tools() {
  local tool missing=()
  for tool in "$@"; do
    command -v "$tool" >/dev/null || missing+=("$tool")
  done
  if ((${#missing[@]} > 0)); then
    printf '%s: missing %s on PATH; install it (Debian/Ubuntu: apt-get install -y shellcheck php-cli) and run again\n' \
      "$(basename -- "$0" .sh)" "${missing[*]}" >&2
    exit 2
  fi
}
