#!/usr/bin/env bash
# Tests instance/bootstrap.sh and instance/drain.sh as SSM Run Command runs them: placeholders
# substituted into the script text, then the script run in an instance root (a temporary folder,
# as localcloud's sandboxes do). AWS is replaced by a test double of the aws CLI that serves
# `s3 cp` from a local folder and `ssm get-parameters-by-path` from JSON files; it logs each call.
#
# Usage: bash instance/test-instance-scripts.sh   (KEEP_WORK=1 keeps the work folder)
# Prints "ok"/"FAIL" per check and "N passed, M failed"; exits non-zero on any failure or when a
# tool it needs is missing (never skips).
# shellcheck disable=SC2016 # single-quoted programs for bash -c and php -r expand in their own shell
set -euo pipefail
export LC_ALL=C

here=$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=instance/testlib.sh
source "$here/testlib.sh"
started=$SECONDS

# Everything the scripts and this harness run. php is required: the health check's php -l and the
# wp-config.php round trip are part of what is tested.
TOOLS=(shellcheck php tar gzip sha256sum find sort comm flock stat sed grep mktemp readlink xargs)

# ---------------------------------------------------------------- fixtures

setup() {
  work=$(mktemp -d "${TMPDIR:-/tmp}/fleetpress-instance-test.XXXXXX")
  if [[ ${KEEP_WORK-} == 1 ]]; then
    printf 'work folder: %s\n' "$work"
  else
    trap 'rm -rf -- "$work"' EXIT
  fi
  bucket=fp-releases
  prefix=/fleetpress/teststack
  env_name=production
  mkdir -p -- "$work/bin" "$work/s3/$bucket" "$work/ssm" "$work/sites" "$work/outside"
  write_aws_double
  write_parameters
}

# A test double of the aws CLI (not the real one): only the calls the scripts make.
write_aws_double() {
  cat >"$work/bin/aws" <<'DOUBLE'
#!/usr/bin/env bash
# aws CLI TEST DOUBLE for instance/test-instance-scripts.sh. Serves `s3 cp` from $FAKE_S3
# (<bucket>/<key> files) and `ssm get-parameters-by-path` from $FAKE_SSM/<path with / as %>.json.
set -euo pipefail
printf '%s\n' "$*" >>"$FAKE_AWS_LOG"
die() { printf 'aws test double: %s\n' "$*" >&2; exit 255; }
[[ -n ${AWS_DEFAULT_REGION-}${AWS_REGION-} ]] || die "You must specify a region."
endpoint='' args=()
while (($# > 0)); do
  case $1 in
    --endpoint-url) endpoint=$2; shift 2 ;;
    *) args+=("$1"); shift ;;
  esac
done
set -- "${args[@]}"
service=$1
shift
case $service in
  s3)
    [[ $endpoint == "$FAKE_ENDPOINT_S3" ]] || die "s3 endpoint '$endpoint', expected '$FAKE_ENDPOINT_S3'"
    [[ $1 == cp ]] || die "unsupported: s3 $1"
    shift
    files=()
    for arg in "$@"; do
      case $arg in
        --only-show-errors | --no-progress) ;;
        --*) die "unsupported option $arg" ;;
        *) files+=("$arg") ;;
      esac
    done
    ((${#files[@]} == 2)) || die "s3 cp wants SOURCE DESTINATION"
    src=${files[0]} dst=${files[1]}
    if [[ $src == s3://* ]]; then
      [[ -f $FAKE_S3/${src#s3://} ]] \
        || { echo "fatal error: An error occurred (404) when calling the HeadObject operation: Key \"${src#s3://*/}\" does not exist" >&2; exit 1; }
      cp -- "$FAKE_S3/${src#s3://}" "$dst"
    elif [[ $dst == s3://* ]]; then
      mkdir -p -- "$(dirname -- "$FAKE_S3/${dst#s3://}")"
      cp -- "$src" "$FAKE_S3/${dst#s3://}"
    else
      die "s3 cp between local files"
    fi
    ;;
  ssm)
    [[ $endpoint == "$FAKE_ENDPOINT_SSM" ]] || die "ssm endpoint '$endpoint', expected '$FAKE_ENDPOINT_SSM'"
    [[ $1 == get-parameters-by-path ]] || die "unsupported: ssm $1"
    [[ " $* " == *' --recursive '* && " $* " == *' --with-decryption '* && " $* " == *' --output json '* ]] \
      || die "get-parameters-by-path without --recursive --with-decryption --output json"
    path=''
    while (($# > 0)); do
      if [[ $1 == --path ]]; then path=$2; shift; fi
      shift
    done
    file=$FAKE_SSM/${path//\//%}.json
    if [[ -f $file ]]; then cat -- "$file"; else printf '{\n    "Parameters": []\n}\n'; fi
    ;;
  *) die "unsupported service $service" ;;
esac
DOUBLE
  chmod +x "$work/bin/aws"
}

# The CLI's JSON output (json.dumps, indent 4) for the production configuration: a password with
# a quote, a backslash and a double quote, a non-ASCII value escaped as \u, a nested parameter,
# and a name that is not a PHP constant name (skipped with a warning).
write_parameters() {
  local base=$prefix/config/$env_name
  cat >"$work/ssm/${base//\//%}%.json" <<JSON
{
    "Parameters": [
        {
            "Name": "$base/DB_NAME",
            "Type": "String",
            "Value": "wordpress",
            "Version": 1,
            "LastModifiedDate": "2024-05-01T10:00:00.000000+00:00",
            "ARN": "arn:aws:ssm:eu-west-1:123456789012:parameter$base/DB_NAME",
            "DataType": "text"
        },
        {
            "Name": "$base/DB_PASSWORD",
            "Type": "SecureString",
            "Value": "it's a \\\\secret\\" \\u00e9t\\u00e9 ?>",
            "Version": 3,
            "LastModifiedDate": "2024-05-01T10:00:00.000000+00:00",
            "ARN": "arn:aws:ssm:eu-west-1:123456789012:parameter$base/DB_PASSWORD",
            "DataType": "text"
        },
        {
            "Name": "$base/db-host",
            "Type": "String",
            "Value": "ignored",
            "Version": 1,
            "DataType": "text"
        },
        {
            "Value": "db.internal",
            "Type": "String",
            "Name": "$base/cluster/DB_HOST",
            "Version": 1
        }
    ]
}
JSON
  expected_password="it's a \\secret\" été ?>"
}

# make_release ID [broken-php|bad-sha|bad-bytes|wrong-id]: a release built the way buildspec.yml
# builds one (reproducible tar.gz, manifest with sha256, bytes, fileCount) in the fake bucket.
make_release() {
  local id=$1 variant=${2-} site=$work/sites/$1 out=$work/s3/$bucket/releases/$1 count sha bytes manifest_id
  mkdir -p -- "$site/wp-includes" "$site/wp-content/plugins/hello" "$site/wp-content/themes/fleet" "$out"
  printf "<?php\n// Front controller of the test release %s.\necho 'hello from %s';\n" "$id" "$id" >"$site/index.php"
  [[ $variant != broken-php ]] || printf "<?php\necho 'unterminated;\n" >"$site/index.php"
  printf '<?php\n// Stands in for WordPress: wp-config.php requires it.\n' >"$site/wp-settings.php"
  printf "<?php\n\$wp_version = '6.8.3';\n\$wp_db_version = 60421;\n" >"$site/wp-includes/version.php"
  printf '<?php\n/*\nPlugin Name: Hello\nVersion: 1.0\n*/\n' >"$site/wp-content/plugins/hello/hello.php"
  printf '/*\nTheme Name: Fleet\n*/\n' >"$site/wp-content/themes/fleet/style.css"
  printf 'a file name with a space\n' >"$site/wp-content/themes/fleet/read me.txt"
  printf 'a UTF-8 file name\n' >"$site/wp-content/themes/fleet/café.txt"
  printf 'a name ending in a space\n' >"$site/wp-content/themes/fleet/notes "
  (cd "$site" && tar --create --format=gnu --sort=name --owner=0 --group=0 --numeric-owner \
    --mtime=@1700000000 --mode='u+rw,go=rX' --file=- -- index.php wp-content wp-includes wp-settings.php) \
    | gzip -n -9 >"$out/release.tar.gz"
  count=$(tar --list --verbose --gzip --file="$out/release.tar.gz" | grep -c '^-')
  sha=$(sha256sum "$out/release.tar.gz")
  sha=${sha%% *}
  bytes=$(wc -c <"$out/release.tar.gz")
  manifest_id=$id
  case $variant in
    bad-sha) sha=$(printf '%s' "$sha" | tr '0-9a-f' '1-9a-f0') ;;
    bad-bytes) bytes=$((bytes + 1)) ;;
    wrong-id) manifest_id=r-ffffffffffff ;;
  esac
  {
    printf '{"formatVersion":1,"releaseId":"%s","kind":"built","repository":"https://git.example.invalid/site.git"' "$manifest_id"
    printf ',"commit":"%s","ref":"refs/heads/main","targetEnvironment":"production"' "${id#r-}0000000000000000000000000000"
    printf ',"builtAt":"2024-05-01T10:00:00Z","buildId":"fp-release:1"'
    printf ',\n "wordpress":{"version":"6.8.3","dbVersion":60421}'
    printf ',\n "plugins":[{"slug":"hello","name":"Hello \\"sha256\\":\\"0\\"","version":"1.0"}]'
    printf ',\n "themes":[{"slug":"fleet","name":"Fleet","version":null}]'
    printf ',\n "fileCount":%d' "$count"
    printf ',\n "artifact":{"key":"release.tar.gz","sha256":"%s","bytes":%d}}\n' "$sha" "$bytes"
  } >"$out/manifest.json"
  release_files=$count
}

# render SCRIPT NAME=VALUE...: the script with its {{ NAME }} placeholders replaced, as SSM does.
render() {
  local script=$1 text pair
  shift
  text=$(<"$here/$script")
  for pair in "$@"; do
    text=${text//"{{ ${pair%%=*} }}"/"${pair#*=}"}
  done
  printf '%s\n' "$text" >"$work/rendered-$script"
  printf '%s\n' "$work/rendered-$script"
}

# bootstrap ROOT RELEASE [ENVIRONMENT]: runs bootstrap; out/err/status in $work/run.*
bootstrap() {
  local root=$1 release=$2 environment=${3:-$env_name} script
  script=$(render bootstrap.sh "ReleaseId=$release" "Environment=$environment" \
    "ReleaseBucket=$bucket" "ParameterPrefix=$prefix")
  run_script "$root" i-0123456789abcdef0 "$script"
}

# drain ROOT INSTANCE-ID: runs drain; out/err/status in $work/run.*
drain() {
  local script
  script=$(render drain.sh "ReleaseBucket=$bucket")
  run_script "$1" "$2" "$script"
}

run_script() {
  local root=$1 instance=$2 script=$3 start
  mkdir -p -- "$root"
  : >"$work/aws-calls.log"
  start=$(date +%s%N)
  status=0
  env FLEETPRESS_INSTANCE_ROOT="$root" FLEETPRESS_INSTANCE_ID="$instance" AWS_REGION=eu-west-1 \
    AWS_ENDPOINT_URL_S3=http://127.0.0.1:4566 AWS_ENDPOINT_URL_SSM=http://127.0.0.1:4583 \
    FAKE_ENDPOINT_S3=http://127.0.0.1:4566 FAKE_ENDPOINT_SSM=http://127.0.0.1:4583 \
    FAKE_S3="$work/s3" FAKE_SSM="$work/ssm" FAKE_AWS_LOG="$work/aws-calls.log" \
    PATH="$work/bin:$PATH" bash "$script" >"$work/run.out" 2>"$work/run.err" || status=$?
  elapsed_ms=$((($(date +%s%N) - start) / 1000000))
}

# Small predicates for check.
status_is() { [[ $status == "$1" ]] || { show_run; return 1; }; }
status_failed() { [[ $status != 0 ]] || { show_run; return 1; }; }
show_run() {
  printf '      exit %s; stdout:\n' "$status"
  sed 's/^/        /' "$work/run.out"
  printf '      stderr:\n'
  sed 's/^/        /' "$work/run.err"
}
last_line_is() { [[ $(tail -n 1 -- "$work/run.out") == "$1" ]] || { show_run; return 1; }; }
# The failure reason is one line; warnings (the skipped parameter name) may come before it.
stderr_one_line_with() {
  local reasons
  reasons=$(grep -v '^fleetpress-[a-z]*: warning: ' "$work/run.err") || true
  [[ $reasons != *$'\n'* && $reasons == *"$1"* ]] || { show_run; return 1; }
}
aws_calls() { grep -c -- "$1" "$work/aws-calls.log" || true; }
calls_are() { [[ $(aws_calls ' s3 cp ') == "$1" && $(aws_calls ' ssm ') == "$2" ]] || { sed 's/^/      aws /' "$work/aws-calls.log"; return 1; }; }
current_is() { [[ $(readlink -- "$1/var/www/fleetpress/current") == "releases/$2" ]]; }
file_is() { [[ -f $1 && $(<"$1") == "$2" ]]; }
releases_are() {
  local actual
  actual=$(cd "$1/var/www/fleetpress/releases" && find . -mindepth 1 -maxdepth 1 -printf '%f\n' | sort | tr '\n' ' ')
  [[ $actual == "$2" ]] || { printf '      releases: %s\n      expected: %s\n' "$actual" "$2"; return 1; }
}
php_lint() { php -l "$1" >/dev/null; }
mode_is() { [[ $(stat -c %a -- "$1") == "$2" ]]; }
php_constant_is() {
  [[ $(php -r 'define("ABSPATH", $argv[1]); require $argv[2]; echo constant($argv[3]);' -- \
    "$(dirname -- "$1")/" "$1" "$2") == "$3" ]]
}
php_table_prefix_is() {
  [[ $(php -r 'define("ABSPATH", $argv[1]); require $argv[2]; echo $table_prefix;' -- \
    "$(dirname -- "$1")/" "$1") == "$2" ]]
}
no_leftovers() {
  [[ -z $(find "$1/var/www/fleetpress/releases" "$1/var/www/fleetpress/shared" "$1/var/lib/fleetpress" \
    -mindepth 1 -maxdepth 1 -name '.*' -print -quit) ]]
}

# ---------------------------------------------------------------- tests

test_static() {
  local script placeholders
  for script in bootstrap.sh drain.sh; do
    check "$script is shellcheck clean with its placeholders" shellcheck -- "$here/$script"
    placeholders=$(grep -o '{{[^}]*}*' "$here/$script" | sort -u | tr '\n' ' ')
    if [[ $script == bootstrap.sh ]]; then
      check "$script uses only its four SSM placeholders" \
        test "$placeholders" == '{{ Environment }} {{ ParameterPrefix }} {{ ReleaseBucket }} {{ ReleaseId }} '
    else
      check "$script uses only its SSM placeholder" test "$placeholders" == '{{ ReleaseBucket }} '
    fi
  done
}

test_fresh_bootstrap() {
  local root=$work/i1 home=$work/i1/var/www/fleetpress
  make_release r-aaaaaaaaaaa1
  bootstrap "$root" r-aaaaaaaaaaa1
  printf '      (fresh bootstrap: %d ms)\n' "$elapsed_ms"
  check "fresh bootstrap exits 0" status_is 0
  check "fresh bootstrap prints the result line last" \
    last_line_is "FLEETPRESS_RESULT release=r-aaaaaaaaaaa1 environment=production files=$release_files"
  check "fresh bootstrap makes 2 s3 downloads and 1 ssm call" calls_are 2 1
  check "current -> releases/r-aaaaaaaaaaa1" current_is "$root" r-aaaaaaaaaaa1
  check "release is unpacked" test -f "$home/releases/r-aaaaaaaaaaa1/wp-content/themes/fleet/café.txt"
  check "release keeps its manifest" cmp -s "$home/releases/r-aaaaaaaaaaa1/.fleetpress/manifest.json" \
    "$work/s3/$bucket/releases/r-aaaaaaaaaaa1/manifest.json"
  check "files.sha256 lists every release file" \
    test "$(wc -l <"$home/releases/r-aaaaaaaaaaa1/.fleetpress/files.sha256")" == "$release_files"
  check "files.sha256 verifies" bash -c 'cd "$1" && sha256sum --quiet --check .fleetpress/files.sha256' _ \
    "$home/releases/r-aaaaaaaaaaa1"
  check "wp-config.php is linked into the release" \
    test "$(readlink -- "$home/releases/r-aaaaaaaaaaa1/wp-config.php")" == ../../shared/wp-config.php
  check "shared/wp-config.php has mode 0640" mode_is "$home/shared/wp-config.php" 640
  check "wp-config.php passes php -l" php_lint "$home/shared/wp-config.php"
  check "DB_NAME comes from SSM" php_constant_is "$home/current/wp-config.php" DB_NAME wordpress
  check "DB_PASSWORD keeps its quote, backslash, double quote and UTF-8" \
    php_constant_is "$home/current/wp-config.php" DB_PASSWORD "$expected_password"
  check "nested parameter defines its last path segment" php_constant_is "$home/current/wp-config.php" DB_HOST db.internal
  check "wp-config.php sets a table prefix" php_table_prefix_is "$home/current/wp-config.php" wp_
  check "a parameter name that is not a constant is skipped" grep -q "db-host.*skipped" "$work/run.err"
  check "the password never reaches stdout or stderr" \
    bash -c '! grep -qF "secret" "$1" "$2"' _ "$work/run.out" "$work/run.err"
  check "var/lib/fleetpress/release records the release" file_is "$root/var/lib/fleetpress/release" r-aaaaaaaaaaa1
  check "history has one line: time, release, environment" \
    grep -qE '^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:]{8}Z r-aaaaaaaaaaa1 production$' "$root/var/lib/fleetpress/history"
  check "no temporary files are left" no_leftovers "$root"
}

test_rerun_is_idempotent() {
  local root=$work/i1
  bootstrap "$root" r-aaaaaaaaaaa1
  printf '      (rerun: %d ms)\n' "$elapsed_ms"
  check "rerun exits 0" status_is 0
  check "rerun skips the download and re-reads the configuration" calls_are 0 1
  check "rerun says it skipped the download" grep -q 'already installed and verified' "$work/run.out"
  check "rerun prints the result line" \
    last_line_is "FLEETPRESS_RESULT release=r-aaaaaaaaaaa1 environment=production files=$release_files"
  check "rerun appends history" test "$(wc -l <"$root/var/lib/fleetpress/history")" == 2
  check "rerun keeps current" current_is "$root" r-aaaaaaaaaaa1
}

test_bad_artifact_switches_nothing() {
  local root=$work/i1 variant id
  for variant in bad-sha:r-bbbbbbbbbbb1:sha256 bad-bytes:r-bbbbbbbbbbb2:bytes wrong-id:r-bbbbbbbbbbb3:describes; do
    id=${variant#*:}
    id=${id%%:*}
    make_release "$id" "${variant%%:*}"
    bootstrap "$root" "$id"
    check "${variant%%:*}: bootstrap fails" status_failed
    check "${variant%%:*}: one-line reason on stderr" stderr_one_line_with "${variant##*:}"
    check "${variant%%:*}: current unchanged" current_is "$root" r-aaaaaaaaaaa1
    check "${variant%%:*}: no release folder, no temporary folder" releases_are "$root" 'r-aaaaaaaaaaa1 '
  done
  bootstrap "$root" r-eeeeeeeeeee1
  check "missing release: bootstrap fails" status_failed
  check "missing release: one-line reason with the CLI's error" stderr_one_line_with 'manifest.json: fatal error: An error occurred (404)'
  check "missing release: current unchanged, nothing left" \
    bash -c '[[ $(readlink -- "$1/var/www/fleetpress/current") == releases/r-aaaaaaaaaaa1 ]]' _ "$root"
  check "missing release: no release folder, no temporary folder" releases_are "$root" 'r-aaaaaaaaaaa1 '
  check "a failed download leaves no record change" file_is "$root/var/lib/fleetpress/release" r-aaaaaaaaaaa1
}

test_bad_parameter_stops_before_anything() {
  local root=$work/i-bad
  bootstrap "$root" 'r-../../x'
  check "ReleaseId r-../../x: bootstrap fails" status_failed
  check "ReleaseId r-../../x: the reason names the parameter" stderr_one_line_with 'ReleaseId='
  check "ReleaseId r-../../x: no aws call" calls_are 0 0
  check "ReleaseId r-../../x: nothing created under the root" test -z "$(ls -A -- "$root")"
  bootstrap "$root" r-aaaaaaaaaaa1 'Production'
  check "Environment Production: bootstrap fails before anything" \
    bash -c '[[ $1 != 0 && -z $(ls -A -- "$2") ]]' _ "$status" "$root"
}

test_health_failure_rolls_back() {
  local root=$work/i1
  make_release r-ccccccccccc1 broken-php
  bootstrap "$root" r-ccccccccccc1
  check "health failure: bootstrap fails" status_failed
  check "health failure: stderr says it switched back" stderr_one_line_with 'switched back to r-aaaaaaaaaaa1'
  check "health failure: current is the previous release again" current_is "$root" r-aaaaaaaaaaa1
  check "health failure: the record still names the previous release" \
    file_is "$root/var/lib/fleetpress/release" r-aaaaaaaaaaa1
}

test_prune_keeps_three_and_current() {
  local root=$work/i1 id
  mkdir -p -- "$root/var/www/fleetpress/releases/.partial-r-ddddddddddd9.abc123/tree"
  for id in r-ddddddddddd1 r-ddddddddddd2 r-ddddddddddd3 r-ddddddddddd4; do
    make_release "$id"
    bootstrap "$root" "$id"
    status_is 0 || not_ok "bootstrap $id for the prune test"
  done
  check "prune keeps current and the 3 most recent others, drops leftovers" \
    releases_are "$root" 'r-ddddddddddd1 r-ddddddddddd2 r-ddddddddddd3 r-ddddddddddd4 '
  bootstrap "$root" r-aaaaaaaaaaa1
  check "rolling back to a pruned release downloads it again" calls_are 2 1
  check "prune never drops the current release" \
    releases_are "$root" 'r-aaaaaaaaaaa1 r-ddddddddddd2 r-ddddddddddd3 r-ddddddddddd4 '
  check "current is the rolled-back release" current_is "$root" r-aaaaaaaaaaa1
}

test_drain_with_changes() {
  local root=$work/i1 home=$work/i1/var/www/fleetpress key expected actual instance=i-0123456789abcdef0
  mkdir -p -- "$home/current/wp-content/cache" "$home/shared/uploads/forms"
  printf 'cached page\n' >"$home/current/wp-content/cache/page.html"
  printf 'odd name\n' >"$home/current/wp-content/cache/it's a \"back\\slash\".txt"
  printf 'line\nbreak\n' >"$home/current/wp-content/cache/line"$'\n'"break.txt"
  printf '\n// edited in production\n' >>"$home/current/wp-content/plugins/hello/hello.php"
  printf 'form upload\n' >"$home/shared/uploads/forms/entry-1.txt"
  printf 'secret\n' >"$work/outside/secret.txt"
  ln -s -- "$work/outside" "$home/current/wp-content/uploads"
  ln -s -- "$work/outside/secret.txt" "$home/current/wp-content/leak.txt"
  ln -s -- /etc "$home/shared/etc"
  mkfifo -- "$home/current/wp-content/cache/queue.fifo"
  drain "$root" "$instance"
  printf '      (drain of 5 files: %d ms)\n' "$elapsed_ms"
  check "drain exits 0" status_is 0
  key=$(sed -n 's/^FLEETPRESS_RESULT drained=5 key=\(drains\/i-0123456789abcdef0\/[0-9]\{8\}T[0-9]\{6\}Z\.tar\.gz\)$/\1/p' "$work/run.out")
  check "drain prints drained=5 and the tarball key last" \
    bash -c '[[ -n $1 && $(tail -n 1 -- "$2") == *"key=$1" ]]' _ "$key" "$work/run.out"
  check "drain makes 2 uploads" calls_are 2 0
  check "the tarball is at drains/<instance>/<timestamp>.tar.gz" test -f "$work/s3/$bucket/$key"
  check "the listing is beside it" test -f "$work/s3/$bucket/${key%.tar.gz}.json"
  expected=$(printf '%s\n' current/wp-content/cache/page.html \
    'current/wp-content/cache/it'"'"'s a "back\\slash".txt' 'current/wp-content/cache/line\nbreak.txt' \
    current/wp-content/plugins/hello/hello.php shared/uploads/forms/entry-1.txt | sort)
  actual=$(tar --list --quoting-style=escape --gzip --file="$work/s3/$bucket/$key" 2>&1 | sort) || true
  check "the tarball holds exactly the new and changed files (no symlink, fifo or wp-config.php)" \
    bash -c '[[ $1 == "$2" ]] || { printf "      got:\n%s\n      expected:\n%s\n" "$1" "$2"; exit 1; }' _ "$actual" "$expected"
  check "the tarball restores the changed plugin file" \
    bash -c 'tar --extract --gzip --to-stdout --file="$1" current/wp-content/plugins/hello/hello.php | grep -q "edited in production"' \
    _ "$work/s3/$bucket/$key"
  check "the listing is JSON naming the release, environment and each file's change" php -r '
    $l = json_decode(file_get_contents($argv[1]), true, 512, JSON_THROW_ON_ERROR);
    $changes = array_column($l["files"], "change", "path");
    exit($l["count"] === 5 && $l["releaseId"] === "r-aaaaaaaaaaa1" && $l["environment"] === "production"
      && $l["instanceId"] === $argv[2] && $l["tarball"] === $argv[3]
      && $changes["current/wp-content/plugins/hello/hello.php"] === "changed"
      && $changes["current/wp-content/cache/line\nbreak.txt"] === "new"
      && $changes["shared/uploads/forms/entry-1.txt"] === "new" ? 0 : 1);' -- \
    "$work/s3/$bucket/${key%.tar.gz}.json" "$instance" "$key"
  check "nothing outside the root was read" \
    bash -c '! tar --extract --gzip --to-stdout --file="$1" | grep -q secret' _ "$work/s3/$bucket/$key"
}

test_drain_without_changes() {
  local root=$work/i2 instance=i-0fedcba987654321f key
  bootstrap "$root" r-aaaaaaaaaaa1
  status_is 0 || not_ok "bootstrap of a second instance"
  drain "$root" "$instance"
  check "drain without changes exits 0" status_is 0
  key=$(sed -n 's/^FLEETPRESS_RESULT drained=0 key=\(drains\/i-0fedcba987654321f\/[0-9]\{8\}T[0-9]\{6\}Z\.json\)$/\1/p' "$work/run.out")
  check "drain without changes prints drained=0 and the listing key" test -n "$key"
  check "drain without changes uploads only the listing" calls_are 1 0
  check "no tarball under the instance's prefix" \
    test -z "$(find "$work/s3/$bucket/drains/$instance" -name '*.tar.gz' -print -quit)"
  check "the listing says nothing was drained" php -r '
    $l = json_decode(file_get_contents($argv[1]), true, 512, JSON_THROW_ON_ERROR);
    exit($l["count"] === 0 && $l["files"] === [] && $l["tarball"] === null ? 0 : 1);' -- "$work/s3/$bucket/$key"
}

main() {
  require_tools "${TOOLS[@]}"
  setup
  test_static
  test_fresh_bootstrap
  test_rerun_is_idempotent
  test_bad_artifact_switches_nothing
  test_bad_parameter_stops_before_anything
  test_health_failure_rolls_back
  test_prune_keeps_three_and_current
  test_drain_with_changes
  test_drain_without_changes
  printf '%d passed, %d failed (%d s)\n' "$passed" "$failed" "$((SECONDS - started))"
  ((failed == 0))
}

main "$@"
