#!/usr/bin/env bash
# Runs the release build (buildspec.yml) against temporary git repositories made from
# examples/site, the way CodeBuild and localcloud's emulator do: each phase command with
# `bash -c`, in phase order, in a fresh clone checked out at the commit, with the CodeBuild
# environment variables set. Then checks the release it produced.
#
# Usage: examples/test-buildspec.sh        (needs bash, git, GNU tar, php-cli and composer)
# Prints "N passed, M failed" and exits non-zero when anything failed.
set -euo pipefail
export LC_ALL=C

repo_root=$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")/.." && pwd)
buildspec=$repo_root/buildspec.yml
site=$repo_root/examples/site
work=$(mktemp -d "${TMPDIR:-/tmp}/fleetpress-buildspec-test.XXXXXX")
trap 'if [[ -z ${KEEP_WORK-} ]]; then rm -rf -- "$work"; else printf "kept %s\n" "$work"; fi' EXIT

passed=0
failed=0

pass() {
  passed=$((passed + 1))
  printf 'ok    %s\n' "$1"
}

flunk() {
  failed=$((failed + 1))
  printf 'FAIL  %s\n' "$1"
  if [[ -n ${2-} ]]; then printf '      %s\n' "$2"; fi
}

# check DESCRIPTION COMMAND...: one assertion.
check() {
  local description=$1
  shift
  if "$@"; then pass "$description"; else flunk "$description" "command: $*"; fi
}

# check_eq DESCRIPTION EXPECTED ACTUAL
check_eq() {
  if [[ $2 == "$3" ]]; then pass "$1"; else flunk "$1" "expected [$2], got [$3]"; fi
}

# extract_commands BUILDSPEC DIR: writes each phase command to DIR/<phase order>-<n>.sh, in
# the order CodeBuild runs them (install, pre_build, build, post_build). A small awk reader
# of the subset this buildspec uses: "- |" literal blocks and plain one-line items under
# phases.<phase>.commands. Cross-checked against a real YAML parser below when available.
extract_commands() {
  mkdir -p -- "$2"
  awk -v out="$2" '
    function flush(  f) {
      if (cmd == "" && !in_block) return
      sub(/\n+$/, "\n", cmd)  # literal block, clip chomping: one final newline
      n++
      f = sprintf("%s/%d-%02d.sh", out, order[phase], n)
      printf "%s", cmd > f
      close(f)
      cmd = ""; in_block = 0; indent = 0
    }
    BEGIN { order["install"] = 1; order["pre_build"] = 2; order["build"] = 3; order["post_build"] = 4 }
    in_block {
      if ($0 ~ /^[ ]*$/) { if (indent) cmd = cmd "\n"; next }
      match($0, /^ */)
      if (!indent && RLENGTH > 6) indent = RLENGTH
      if (indent && RLENGTH >= indent) { cmd = cmd substr($0, indent + 1) "\n"; next }
      flush()
    }
    /^[^ #]/ { in_phases = ($0 ~ /^phases:[ ]*$/); in_commands = 0; next }
    !in_phases { next }
    /^  [a-z_]+:[ ]*$/ { phase = $1; sub(/:$/, "", phase); in_commands = 0; next }
    /^    commands:[ ]*$/ { in_commands = (phase in order); next }
    /^    [a-z-]+:/ { in_commands = 0; next }
    in_commands && /^      - \|[ ]*$/ { in_block = 1; next }
    in_commands && /^      - / { cmd = substr($0, 9) "\n"; flush(); next }
    END { flush() }
  ' "$1"
}

# yaml_commands BUILDSPEC DIR: the same files, written from a real YAML parser (python3 + PyYAML).
yaml_commands() {
  python3 - "$1" "$2" <<'PY'
import os, sys, yaml
spec = yaml.safe_load(open(sys.argv[1]))
n = 0
for order, phase in enumerate(["install", "pre_build", "build", "post_build"], start=1):
    for cmd in (spec.get("phases", {}).get(phase) or {}).get("commands") or []:
        n += 1
        text = cmd if cmd.endswith("\n") else cmd + "\n"
        with open(os.path.join(sys.argv[2], "%d-%02d.sh" % (order, n)), "w") as f:
            f.write(text)
PY
}

# make_site_repo DIR [MUTATOR]: a git repository holding a copy of examples/site (without
# anything composer or a previous build created), optionally changed by MUTATOR (run inside).
make_site_repo() {
  local dir=$1 mutator=${2-}
  mkdir -p -- "$dir"
  (cd -- "$site" && tar --create --exclude=./vendor --exclude=./.fleetpress-out --file=- .) \
    | tar --extract --directory="$dir" --file=-
  (
    cd -- "$dir"
    if [[ -n $mutator ]]; then "$mutator"; fi
    git init --quiet --initial-branch=main
    git add --all
    GIT_AUTHOR_DATE='2026-11-27T12:00:00Z' GIT_COMMITTER_DATE='2026-11-27T12:00:00Z' \
      git -c user.name=FleetPress -c user.email=test@fleetpress.invalid \
      commit --quiet --message 'Example site'
  )
}

# run_build REPO CHECKOUT [VAR=VALUE...]: clones REPO into CHECKOUT, detaches at HEAD's
# commit as CodeBuild does, and runs the buildspec commands there with the build's
# environment (defaults derived from the commit, overridable). Output goes to CHECKOUT.log.
# Returns the status of the first failing command, like CodeBuild's phases.
run_build() {
  local repo=$1 checkout=$2 commit script status=0
  shift 2
  git clone --quiet -- "$repo" "$checkout"
  commit=$(git -C "$checkout" rev-parse HEAD)
  git -C "$checkout" checkout --quiet --detach "$commit"
  for script in "$work"/commands/*.sh; do
    (
      cd -- "$checkout"
      env -u RELEASE_ID -u TARGET_ENV -u SOURCE_REPOSITORY -u SOURCE_REF -u SOURCE_COMMIT \
        RELEASE_ID="r-${commit:0:12}" TARGET_ENV=production \
        SOURCE_REPOSITORY=https://git.example.com/acme/example-site.git \
        SOURCE_REF=refs/heads/main SOURCE_COMMIT="$commit" \
        CODEBUILD_SRC_DIR="$checkout" CODEBUILD_RESOLVED_SOURCE_VERSION="$commit" \
        CODEBUILD_BUILD_ID="fleetpress-release:0b6c1f0e-5d1e-4c1b-9a55-3f2e0c1d2b3a" \
        CODEBUILD_START_TIME=1795791600123 \
        "$@" bash -c "$(cat -- "$script")"
    ) >>"$checkout.log" 2>&1 || { status=$?; break; }
  done
  return "$status"
}

# json_valid FILE: parses as JSON (python3 or jq; skipped when neither is installed).
json_valid() {
  if command -v python3 >/dev/null; then
    python3 -m json.tool -- "$1" >/dev/null
  elif command -v jq >/dev/null; then
    jq -e . "$1" >/dev/null
  fi
}

manifest_has() { grep -qF -- "$2" "$1"; }

# lacks FILE REGEX: no line of FILE matches the extended REGEX.
lacks() { ! grep -qE -- "$2" "$1"; }

# php_lints DIR: every .php file under DIR passes `php -l`.
php_lints() { find "$1" -name '*.php' -print0 | xargs -0 -n1 php -l >/dev/null; }

# --- the buildspec itself --------------------------------------------------------------

extract_commands "$buildspec" "$work/commands"
check "buildspec has pre_build and build commands" \
  test "$(find "$work/commands" -name '2-*.sh' | wc -l)" -ge 1 -a "$(find "$work/commands" -name '3-*.sh' | wc -l)" -ge 1
if command -v python3 >/dev/null && python3 -c 'import yaml' 2>/dev/null; then
  mkdir -p "$work/yaml-commands"
  yaml_commands "$buildspec" "$work/yaml-commands"
  check "awk extraction of phase commands equals the YAML parser's" \
    diff -r "$work/commands" "$work/yaml-commands"
  check_eq "artifacts section as the CodeBuild project expects" \
    "{'base-directory': '.fleetpress-out', 'discard-paths': 'yes', 'files': ['release.tar.gz', 'manifest.json'], 'name': '\$RELEASE_ID'}" \
    "$(python3 -c 'import sys, yaml; a = yaml.safe_load(open(sys.argv[1]))["artifacts"]; a["discard-paths"] = "yes" if a["discard-paths"] in (True, "yes") else a["discard-paths"]; print(dict(sorted(a.items())))' "$buildspec")"
  check_eq "env.shell is bash" bash \
    "$(python3 -c 'import sys, yaml; print(yaml.safe_load(open(sys.argv[1]))["env"]["shell"])' "$buildspec")"
fi
if command -v shellcheck >/dev/null; then
  check "phase commands are shellcheck-clean" shellcheck --shell=bash "$work"/commands/*.sh
fi

# --- the sample site ---------------------------------------------------------------------

make_site_repo "$work/site"
commit=$(git -C "$work/site" rev-parse HEAD)
release_id=r-${commit:0:12}
started=$(date +%s%N)
if run_build "$work/site" "$work/build1"; then
  pass "sample site builds"
else
  flunk "sample site builds" "log: $(tail -n 5 "$work/build1.log")"
fi
elapsed_ms=$((($(date +%s%N) - started) / 1000000))
out=$work/build1/.fleetpress-out
manifest=$out/manifest.json
tarball=$out/release.tar.gz
check "release.tar.gz and manifest.json produced" test -s "$tarball" -a -s "$manifest"
check "output folder holds only the two artifact files" \
  test "$(find "$out" -mindepth 1 | sort | tr '\n' ' ')" = "$out/manifest.json $out/release.tar.gz "
check "manifest is valid JSON" json_valid "$manifest"

for field in \
  '{"formatVersion":1,' \
  "\"releaseId\":\"$release_id\"" \
  '"kind":"built"' \
  '"repository":"https://git.example.com/acme/example-site.git"' \
  "\"commit\":\"$commit\"" \
  '"ref":"refs/heads/main"' \
  '"targetEnvironment":"production"' \
  '"builtAt":"2026-11-27T15:00:00Z"' \
  '"buildId":"fleetpress-release:0b6c1f0e-5d1e-4c1b-9a55-3f2e0c1d2b3a"' \
  '"wordpress":{"version":"6.8.3","dbVersion":60421}' \
  '"plugins":[{"slug":"hello-fleet","name":"Hello Fleet","version":"1.0.0"}]' \
  '"themes":[{"slug":"fleet-theme","name":"Fleet Theme","version":"1.0.0"}]' \
  '"artifact":{"key":"release.tar.gz","sha256":"'; do
  check "manifest has $field" manifest_has "$manifest" "$field"
done

if [[ -s $tarball ]]; then
  check_eq "fileCount equals the regular files in the tarball" \
    "\"fileCount\":$(tar tzf "$tarball" | grep -vc '/$')" \
    "$(grep -o '"fileCount":[0-9]*' "$manifest")"
  check_eq "artifact.sha256 is the tarball's" "$(sha256sum "$tarball" | cut -d' ' -f1)" \
    "$(sed -n 's/.*"sha256":"\([0-9a-f]*\)".*/\1/p' "$manifest")"
  check_eq "artifact.bytes is the tarball's size" "$(wc -c <"$tarball" | tr -d ' ')" \
    "$(sed -n 's/.*"bytes":\([0-9]*\)}}.*/\1/p' "$manifest")"
  tar tzf "$tarball" >"$work/listing"
  check "tarball contains vendor/autoload.php" grep -qx 'vendor/autoload.php' "$work/listing"
  check "tarball contains the locked library" \
    grep -qx 'vendor/fleetpress-example/greeting/src/Greeter.php' "$work/listing"
  for file in composer.json composer.lock wp-content/plugins/hello-fleet/hello-fleet.php \
    wp-content/themes/fleet-theme/style.css wp-content/themes/fleet-theme/index.php; do
    check "tarball contains $file" grep -qx -- "$file" "$work/listing"
  done
  check "tarball has no .git" lacks "$work/listing" '(^|/)\.git(/|$)'
  check "tarball has no build output" lacks "$work/listing" '^\.fleetpress-out'
  check "tarball has no dev tooling installed (composer --no-dev)" \
    lacks "$work/listing" '^vendor/bin/'
  check_eq "tarball entries are owned by 0/0 and dated at the commit" "0/0 2026-11-27 12:00" \
    "$(tar tvzf "$tarball" --numeric-owner --utc | awk '{ print $2, $4, $5 }' | sort -u | tr '\n' ' ' | sed 's/ $//')"
  if command -v php >/dev/null; then
    mkdir -p "$work/extracted"
    tar xzf "$tarball" -C "$work/extracted"
    # shellcheck disable=SC2016 # PHP code: $argv is PHP's, not the shell's
    check_eq "the packed autoloader loads the library" "Hello from the FleetPress fleet!" \
      "$(php -r 'require $argv[1]; echo FleetPressExample\Greeting\Greeter::of("FleetPress")->greeting();' \
        "$work/extracted/vendor/autoload.php" 2>&1)"
    check "every PHP file of the release lints" php_lints "$work/extracted"
  fi
fi

# Built once per commit, but a rebuild (another clone, time, build id and umask) must give
# the same bytes.
if (umask 0002 && run_build "$work/site" "$work/build2" CODEBUILD_START_TIME=1795795200000 \
  CODEBUILD_BUILD_ID=fleetpress-release:second); then
  check "building twice gives byte-identical tarballs" \
    cmp -s "$tarball" "$work/build2/.fleetpress-out/release.tar.gz"
else
  flunk "second build succeeds" "log: $(tail -n 5 "$work/build2.log")"
fi

# The emulator may not set what CodeBuild resolves: HEAD is the commit, now is builtAt.
if run_build "$work/site" "$work/build-bare" CODEBUILD_RESOLVED_SOURCE_VERSION= \
  CODEBUILD_START_TIME= CODEBUILD_BUILD_ID=; then
  pass "builds without CODEBUILD_RESOLVED_SOURCE_VERSION, CODEBUILD_START_TIME, CODEBUILD_BUILD_ID"
  bare_manifest=$work/build-bare/.fleetpress-out/manifest.json
  check "without them: commit from HEAD, empty buildId" \
    manifest_has "$bare_manifest" "\"commit\":\"$commit\",\"ref\":\"refs/heads/main\""
  check "without them: builtAt is an ISO-8601 UTC time" \
    grep -qE '"builtAt":"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z","buildId":""' "$bare_manifest"
else
  flunk "builds without CODEBUILD_RESOLVED_SOURCE_VERSION, CODEBUILD_START_TIME, CODEBUILD_BUILD_ID" \
    "log: $(tail -n 5 "$work/build-bare.log")"
fi

# Another vendor-dir: the autoloader seed for old Composer versions must not be shipped.
if run_build "$work/site" "$work/build-lib" COMPOSER_VENDOR_DIR=lib; then
  pass "site with vendor-dir lib builds"
  tar tzf "$work/build-lib/.fleetpress-out/release.tar.gz" >"$work/listing-lib"
  check "vendor-dir lib: tarball has lib/autoload.php" grep -qx 'lib/autoload.php' "$work/listing-lib"
  check "vendor-dir lib: tarball has no vendor/" lacks "$work/listing-lib" '^vendor/'
else
  flunk "site with vendor-dir lib builds" "log: $(tail -n 5 "$work/build-lib.log")"
fi

# --- failures: clear one-line messages, no artifact ----------------------------------------

# expect_failure NAME MESSAGE REPO [VAR=VALUE...]: the build fails, says MESSAGE, leaves no artifact.
expect_failure() {
  local name=$1 message=$2 repo=$3 checkout
  shift 3
  checkout=$work/fail-$name
  if run_build "$repo" "$checkout" "$@"; then
    flunk "$name: build fails"
  else
    pass "$name: build fails"
  fi
  if grep -qF -- "$message" "$checkout.log"; then
    pass "$name: says \"$message\""
  else
    flunk "$name: says \"$message\"" "log: $(tail -n 3 "$checkout.log")"
  fi
  check "$name: leaves no artifact" test ! -e "$checkout/.fleetpress-out/release.tar.gz"
}

drop_lock() { rm composer.lock; }
make_site_repo "$work/site-without-lock" drop_lock
expect_failure missing-lock \
  "composer.json has no composer.lock: run 'composer update' locally and commit composer.lock" \
  "$work/site-without-lock"

expect_failure invalid-release-id "RELEASE_ID=r-XYZ is invalid" "$work/site" RELEASE_ID=r-XYZ
expect_failure foreign-release-id "does not belong to commit $commit" "$work/site" \
  RELEASE_ID=r-0123456789ab
expect_failure ref-with-dotdot "SOURCE_REF must not contain '..'" "$work/site" \
  SOURCE_REF=refs/heads/a..b
expect_failure ref-not-a-branch "SOURCE_REF=refs/pull/1/head is invalid" "$work/site" \
  SOURCE_REF=refs/pull/1/head
expect_failure bad-environment "TARGET_ENV=Prod\\;\\ rm is invalid" "$work/site" \
  "TARGET_ENV=Prod; rm"
expect_failure other-commit "SOURCE_COMMIT=$(printf 'a%.0s' {1..40}) but the checkout is at $commit" \
  "$work/site" SOURCE_COMMIT="$(printf 'a%.0s' {1..40})"
expect_failure missing-input "SOURCE_REPOSITORY is not set" "$work/site" SOURCE_REPOSITORY=

# composer.json present, composer absent from PATH.
mkdir -p "$work/no-composer-bin"
for tool in /usr/local/bin/* /usr/bin/* /bin/*; do
  [[ ${tool##*/} == composer* || -e $work/no-composer-bin/${tool##*/} ]] \
    || ln -s -- "$tool" "$work/no-composer-bin/${tool##*/}"
done
expect_failure missing-composer "composer.json found but composer is not installed" "$work/site" \
  PATH="$work/no-composer-bin"

# --- a site without composer, with awkward headers ----------------------------------------

plain_site() {
  rm -rf composer.json composer.lock packages
  mkdir -p wp-content/plugins/no-header wp-content/plugins/crlf wp-content/themes/quoted
  printf '<?php\n// Just a helper, no plugin header.\n' >wp-content/plugins/no-header/helper.php
  printf '<?php\r\n/*\r\nPlugin Name: CRLF Plugin */\r\nVersion: 2.0-beta\r\n*/\r\n' \
    >wp-content/plugins/crlf/crlf.php
  printf '/*\nTheme Name: Say "hi" \\ there\t(tab)\n*/\n' >wp-content/themes/quoted/style.css
}
make_site_repo "$work/plain-site" plain_site
if run_build "$work/plain-site" "$work/build-plain" PATH="$work/no-composer-bin"; then
  pass "site without composer.json builds without composer"
else
  flunk "site without composer.json builds without composer" "log: $(tail -n 5 "$work/build-plain.log")"
fi
plain_manifest=$work/build-plain/.fleetpress-out/manifest.json
check "plain site: manifest is valid JSON" json_valid "$plain_manifest"
check "plain site: wordpress is null without core" manifest_has "$plain_manifest" '"wordpress":null'
check "plain site: plugins sorted, headerless directory skipped, CRLF and */ handled" \
  manifest_has "$plain_manifest" \
  '"plugins":[{"slug":"crlf","name":"CRLF Plugin","version":"2.0-beta"},{"slug":"hello-fleet","name":"Hello Fleet","version":"1.0.0"}]'
check "plain site: theme name JSON-escaped, missing version is null" \
  manifest_has "$plain_manifest" \
  '{"slug":"quoted","name":"Say \"hi\" \\ there\u0009(tab)","version":null}'

printf '\nsample site build (clone, composer install, pack, manifest): %d ms\n' "$elapsed_ms"
printf '%d passed, %d failed\n' "$passed" "$failed"
((failed == 0))
