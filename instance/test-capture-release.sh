#!/usr/bin/env bash
# Tests instance/capture-release.sh as SSM Run Command runs it: placeholders substituted into the
# script text, then the script run in an instance root (a temporary folder, as localcloud's
# sandboxes do) whose /var/www/html is a symlink to a folder standing for an EFS mount, listed in
# the root's proc/mounts. The webroot is hostile on purpose: secrets, caches, logs, .git, uploads,
# symlinks leaving it, a FIFO, names with quotes, $(…), leading dashes, tabs, line breaks,
# backslashes and bytes that are not UTF-8. AWS is replaced by a test double of the aws CLI that
# serves `s3 ls` and `s3 cp` from a local folder (and `ssm get-parameters-by-path` for bootstrap.sh,
# which must install the captured release) and logs each call. Like FleetInstanceRole, the double
# lets an instance upload only under captures/c-*; what EfsFunction does with a capture (verify it,
# copy it to releases/<id>/) the harness does by hand (accept_capture).
#
# Usage: bash instance/test-capture-release.sh   (KEEP_WORK=1 keeps the work folder)
# Prints "ok"/"FAIL" per check and "N passed, M failed"; exits non-zero on any failure or when a
# tool it needs is missing (never skips).
# shellcheck disable=SC2016 # single-quoted programs for bash -c and php -r expand in their own shell
set -euo pipefail
export LC_ALL=C

here=$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=instance/testlib.sh
source "$here/testlib.sh"
started=$SECONDS

# Everything the script and this harness run; php reads the JSON the script writes.
TOOLS=(shellcheck php tar gzip sha256sum find sort xargs flock stat sed grep mktemp mkfifo realpath cut cmp awk)

# A marker every secret file (and the file outside the webroot) holds: it must never be packed.
readonly SECRET=TOPSECRET-7f3a91
readonly INSTANCE=i-0123456789abcdef0

# ---------------------------------------------------------------- fixtures

setup() {
  work=$(mktemp -d "${TMPDIR:-/tmp}/fleetpress-capture-test.XXXXXX")
  if [[ ${KEEP_WORK-} == 1 ]]; then
    printf 'work folder: %s\n' "$work"
  else
    trap 'rm -rf -- "$work"' EXIT
  fi
  bucket=fp-releases
  capture=c-2026-11-27-production
  root=$work/i1
  efs=$work/efs/fs-0123abcd
  mkdir -p -- "$work/bin" "$work/s3/$bucket" "$work/ssm" "$work/outside" "$root/var/www" "$root/proc" "$efs"
  write_aws_double
  # localcloud's LocalEfs.mount: the webroot is a symlink to the file system's folder, and
  # proc/mounts says what is mounted where (with the kernel's octal escapes).
  ln -s -- "$efs" "$root/var/www/html"
  cat >"$root/proc/mounts" <<'MOUNTS'
/dev/nvme0n1p1 / ext4 rw,relatime 0 0
proc /proc proc rw,nosuid,nodev,noexec,relatime 0 0
fs-0123abcd.efs.eu-west-1.amazonaws.com:/ /var/www/html nfs4 rw,relatime,vers=4.1,rsize=1048576,wsize=1048576 0 0
127.0.0.1:/ /mnt/efs\040backups nfs4 rw,relatime,vers=4.1,port=20049 0 0
fs-89abcdef:/ /mnt/shared efs rw 0 0
tmpfs /run tmpfs rw 0 0
MOUNTS
  make_webroot "$efs"
}

# A test double of the aws CLI (not the real one): only the calls the scripts make.
write_aws_double() {
  cat >"$work/bin/aws" <<'DOUBLE'
#!/usr/bin/env bash
# aws CLI TEST DOUBLE for instance/test-capture-release.sh. Serves `s3 ls` and `s3 cp` from
# $FAKE_S3/<bucket>/<key>, and `ssm get-parameters-by-path` from $FAKE_SSM/params.json. Uploads
# are refused outside captures/c-*, as FleetInstanceRole refuses them.
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
if [[ $service == ssm ]]; then
  [[ $1 == get-parameters-by-path ]] || die "unsupported: ssm $1"
  cat -- "$FAKE_SSM/params.json"
  exit 0
fi
[[ $service == s3 ]] || die "unsupported service $service"
[[ $endpoint == "$FAKE_ENDPOINT_S3" ]] || die "s3 endpoint '$endpoint', expected '$FAKE_ENDPOINT_S3'"
command=$1
shift
paths=()
for arg in "$@"; do
  case $arg in
    --only-show-errors) ;;
    --*) die "unsupported option $arg" ;;
    *) paths+=("$arg") ;;
  esac
done
case $command in
  ls)
    ((${#paths[@]} == 1)) && [[ ${paths[0]} == s3://*/ ]] || die "s3 ls wants one s3://bucket/prefix/"
    [[ -z ${FAKE_S3_FAIL_LS-} ]] || { echo "An error occurred (AccessDenied) when calling the ListObjectsV2 operation: Access Denied" >&2; exit 254; }
    dir=$FAKE_S3/${paths[0]#s3://}
    # The CLI prints nothing and exits 1 when nothing is under the prefix.
    [[ -d $dir && -n $(ls -A -- "$dir") ]] || exit 1
    for entry in "$dir"*; do
      printf '%s %10d %s\n' "$(date -u -r "$entry" '+%Y-%m-%d %H:%M:%S')" "$(stat -c %s -- "$entry")" "${entry##*/}"
    done
    ;;
  cp)
    ((${#paths[@]} == 2)) || die "s3 cp wants SOURCE DESTINATION"
    src=${paths[0]} dst=${paths[1]}
    if [[ $src == s3://* ]]; then
      [[ -f $FAKE_S3/${src#s3://} ]] || { echo "fatal error: An error occurred (404) when calling the HeadObject operation: Key \"${src#s3://*/}\" does not exist" >&2; exit 1; }
      cp -- "$FAKE_S3/${src#s3://}" "$dst"
    elif [[ $dst == s3://* ]]; then
      [[ $dst != */ ]] || die "s3 cp to a prefix"
      if [[ ${dst#s3://*/} != captures/c-* ]]; then
        echo "upload failed: $src to $dst An error occurred (AccessDenied) when calling the PutObject operation: Access Denied" >&2
        exit 1
      fi
      mkdir -p -- "$(dirname -- "$FAKE_S3/${dst#s3://}")"
      cp -- "$src" "$FAKE_S3/${dst#s3://}"
    else
      die "s3 cp between local files"
    fi
    ;;
  *) die "unsupported: s3 $command" ;;
esac
DOUBLE
  chmod +x "$work/bin/aws"
  # As the CLI prints it (json.dumps, indent 4), which bootstrap.sh reads.
  cat >"$work/ssm/params.json" <<'JSON'
{
    "Parameters": [
        {
            "Name": "/fleetpress/test/config/production/DB_NAME",
            "Type": "String",
            "Value": "wordpress",
            "Version": 1,
            "DataType": "text"
        }
    ]
}
JSON
}

# A WordPress webroot as a live site has it: core, plugins, themes, drop-ins, plus everything a
# capture must leave out, hostile names, and symlinks inside and out.
make_webroot() {
  local w=$1
  mkdir -p -- "$w/wp-includes" "$w/wp-admin" "$w/wp-content/plugins/akismet" "$w/wp-content/plugins/no-version" \
    "$w/wp-content/plugins/w3-total-cache/lib" "$w/wp-content/plugins/bad slug" "$w/wp-content/themes/twentytwentyfour" \
    "$w/wp-content/mu-plugins" "$w/wp-content/languages/empty" "$w/wp-content/uploads/2024/01" "$w/wp-content/cache/page" \
    "$w/wp-content/upgrade/tmp" "$w/wp-content/et-cache/1" "$w/wp-content/upgrade-temp-backup/plugins" \
    "$w/.git/objects" "$w/sub/.git" "$w/config" "$w/.ssh" "$w/logs"
  printf "<?php\n\$wp_version = '6.8.3';\n\$wp_db_version = 60421;\n" >"$w/wp-includes/version.php"
  printf "<?php\n// WordPress front controller stand-in.\necho 'captured site';\n" >"$w/index.php"
  printf '<?php\n// Stands in for WordPress: wp-config.php requires it.\n' >"$w/wp-settings.php"
  printf '<?php\n// admin\n' >"$w/wp-admin/index.php"
  printf "<?php\ndefine('DB_NAME', 'sample');\n" >"$w/wp-config-sample.php"
  printf '<?php\n/*\nPlugin Name: Akismet Anti-spam\nVersion: 5.3\n*/\n' >"$w/wp-content/plugins/akismet/akismet.php"
  printf '<?php\n/*\nPlugin Name: No\tVersion "Header"\n*/\n' >"$w/wp-content/plugins/no-version/no-version.php"
  printf '<?php\n/*\nPlugin Name: W3 Total Cache\nVersion: 2.7\n*/\n' >"$w/wp-content/plugins/w3-total-cache/w3-total-cache.php"
  printf '<?php // a plugin folder named cache is code\n' >"$w/wp-content/plugins/w3-total-cache/lib/cache.php"
  printf '<?php\n/*\nPlugin Name: Bad Slug\n*/\n' >"$w/wp-content/plugins/bad slug/bad.php"
  # A plugin whose folder starts like wp-config: code, kept (only files named wp-config* are secrets).
  mkdir -p -- "$w/wp-content/plugins/wp-config-file-editor"
  printf '<?php\n/*\nPlugin Name: WP Config File Editor\nVersion: 1.7\n*/\n' \
    >"$w/wp-content/plugins/wp-config-file-editor/wp-config-file-editor.php"
  printf '/*\nTheme Name: Twenty Twenty-Four\nVersion: 1.2\n*/\n' >"$w/wp-content/themes/twentytwentyfour/style.css"
  printf '<?php // drop-in: code, kept\n' >"$w/wp-content/object-cache.php"
  printf '<?php // drop-in: code, kept\n' >"$w/wp-content/advanced-cache.php"
  printf '<?php // must-use\n' >"$w/wp-content/mu-plugins/fleet.php"
  # Left out: uploads, caches, secrets, .git, logs.
  printf 'jpeg\n' >"$w/wp-content/uploads/2024/01/photo.jpg"
  # A second WordPress below the first (a site in a subfolder): its uploads are media too.
  mkdir -p -- "$w/sub/wp-content/uploads/2024"
  printf 'jpeg\n' >"$w/sub/wp-content/uploads/2024/nested.jpg"
  printf '<html>cached\n' >"$w/wp-content/cache/page/index.html"
  printf 'partial\n' >"$w/wp-content/upgrade/tmp/x.zip"
  printf 'divi\n' >"$w/wp-content/et-cache/1/a.css"
  printf 'backup\n' >"$w/wp-content/upgrade-temp-backup/plugins/old.php"
  printf "<?php\ndefine('DB_PASSWORD', '%s');\n" "$SECRET" >"$w/wp-config.php"
  printf "<?php\ndefine('DB_PASSWORD', '%s');\n" "$SECRET" >"$w/wp-config.php.bak"
  printf "<?php\ndefine('DB_PASSWORD', '%s');\n" "$SECRET" >"$w/wp-config-backup.php"
  printf 'DB_PASSWORD=%s\n' "$SECRET" >"$w/.env"
  printf 'DB_PASSWORD=%s\n' "$SECRET" >"$w/.env.production"
  printf '%s\n' "$SECRET" >"$w/config/server.PEM"
  printf '%s\n' "$SECRET" >"$w/config/private.key"
  printf 'admin:%s\n' "$SECRET" >"$w/.htpasswd"
  printf 'INSERT %s;\n' "$SECRET" >"$w/backup.sql"
  printf '%s\n' "$SECRET" >"$w/.ssh/id_rsa"
  printf '[core]\n%s\n' "$SECRET" >"$w/.git/config"
  printf '%s\n' "$SECRET" >"$w/sub/.git/HEAD"
  printf 'PHP Warning %s\n' "$SECRET" >"$w/wp-content/debug.log"
  printf 'PHP Warning %s\n' "$SECRET" >"$w/error_log"
  printf 'old %s\n' "$SECRET" >"$w/logs/access.log.1"
  printf 'kept: not a log by name\n' >"$w/logs/README"
  printf '%s\n' "$SECRET" >"$work/outside/secret.txt"
  # Hostile names that are packed.
  printf '<?php // spaces and quotes\n' >"$w/wp-content/it's \"quoted\" & spaced.php"
  printf '<?php // a command substitution in a name\n' >"$w/wp-content/\$(touch pwned).php"
  printf '<?php // looks like an option\n' >"$w/-rf --help.php"
  printf '<?php // UTF-8\n' >"$w/wp-content/café-日本.php"
  printf 'latin-1 name\n' >"$w/wp-content/caf"$'\xe9'".txt"
  printf 'x%.0s' {1..10} >"$w/wp-content/$(printf 'n%.0s' {1..150}).txt"
  ln -- "$w/index.php" "$w/hard-link.php"
  printf '#!/bin/sh\necho setuid\n' >"$w/wp-content/tool.sh"
  chmod 4755 "$w/wp-content/tool.sh"
  chmod 600 "$w/wp-content/mu-plugins/fleet.php"
  # Hostile names that are left out (bootstrap refuses them, or they would escape files.sha256).
  printf 'x\n' >"$w/wp-content/line"$'\n'"break.php"
  printf 'x\n' >"$w/wp-content/back\\slash.php"
  printf 'x\n' >"$w/wp-content/tab"$'\t'"bed.php"
  mkdir -p -- "$w/wp-content/dir"$'\n'"name"
  printf 'x\n' >"$w/wp-content/dir"$'\n'"name/inside.php"
  # Symlinks: kept when relative and resolving inside; refused otherwise.
  ln -s -- twentytwentyfour "$w/wp-content/themes/current"
  ln -s -- ../index.php "$w/wp-admin/front.php"
  ln -s -- missing-target "$w/dangling.php"
  ln -s -- . "$w/self"
  ln -s -- ../../../outside/secret.txt "$w/escape.txt"
  ln -s -- "$work/outside/secret.txt" "$w/absolute.txt"
  ln -s -- "$w/index.php" "$w/absolute-inside.php"
  # Inside lexically (self/..), outside physically: self is the webroot, so self/.. is its parent.
  ln -s -- self/../../outside/secret.txt "$w/sneaky.txt"
  mkfifo -- "$w/queue.fifo"
}

# render NAME=VALUE...: the script with its {{ NAME }} placeholders replaced, as SSM does (the
# last value given for a NAME wins).
render() {
  local text pair name
  local -A values=()
  for pair in "$@"; do
    values[${pair%%=*}]=${pair#*=}
  done
  text=$(<"$here/capture-release.sh")
  for name in "${!values[@]}"; do
    text=${text//"{{ $name }}"/"${values[$name]}"}
  done
  printf '%s\n' "$text" >"$work/rendered-capture.sh"
}

# capture_release [NAME=VALUE...]: runs the capture with the defaults below overridden by the
# arguments (CaptureId, ReleaseBucket, Environment, WebrootPath); out/err/status in $work/run.*
capture_release() {
  render "CaptureId=$capture" "ReleaseBucket=$bucket" Environment=production WebrootPath=/var/www/html "$@"
  : >"$work/aws-calls.log"
  status=0
  env FLEETPRESS_INSTANCE_ROOT="${run_root:-$root}" FLEETPRESS_INSTANCE_ID="${run_instance:-$INSTANCE}" AWS_REGION=eu-west-1 \
    AWS_ENDPOINT_URL_S3=http://127.0.0.1:4566 FAKE_ENDPOINT_S3=http://127.0.0.1:4566 \
    FAKE_S3="$work/s3" FAKE_SSM="$work/ssm" FAKE_AWS_LOG="$work/aws-calls.log" \
    PATH="$work/bin:$PATH" bash "$work/rendered-capture.sh" >"$work/run.out" 2>"$work/run.err" || status=$?
  cat -- "$work/aws-calls.log" >>"$work/all-capture-calls.log"
}

# accept_capture CAPTURE ID: what EfsFunction does once it verified a capture (ReleasePipeline.acceptCaptured):
# captures/CAPTURE/release.tar.gz, then its manifest, copied to releases/ID/.
accept_capture() {
  local dir=$work/s3/$bucket/releases/$2
  mkdir -p -- "$dir"
  cp -- "$(capture_dir "$1")/release.tar.gz" "$dir/release.tar.gz"
  cp -- "$(capture_dir "$1")/manifest.json" "$dir/manifest.json"
}

# Small predicates for check.
status_is() { [[ $status == "$1" ]] || { show_run; return 1; }; }
show_run() {
  printf '      exit %s; stdout:\n' "$status"
  sed 's/^/        /' "$work/run.out"
  printf '      stderr:\n'
  sed 's/^/        /' "$work/run.err"
}
stdout_is_result() {
  [[ $(<"$work/run.out") =~ ^FLEETPRESS_RESULT\ $1$ ]] || { show_run; return 1; }
}
failed_saying() {
  [[ $status != 0 && ! -s $work/run.out && $(<"$work/run.err") == *"$1"* ]] || { show_run; return 1; }
}
# calls_are CALL...: the aws calls of the last run, in order, as "ls KEY" / "get KEY" / "put KEY".
calls_are() {
  local actual expected
  actual=$(sed -E -e 's|^--endpoint-url [^ ]+ ||' -e 's|^s3 ls s3://[^/]+/|ls |' \
    -e 's|^s3 cp --only-show-errors s3://[^/]+/([^ ]+) .*$|get \1|' \
    -e 's|^s3 cp --only-show-errors [^ ]+ s3://[^/]+/|put |' "$work/aws-calls.log" | tr '\n' ' ')
  expected="$* "
  [[ $actual == "$expected" ]] || { printf '      calls:    %s\n      expected: %s\n' "$actual" "$expected"; return 1; }
}
result_release() { sed -n 's/^FLEETPRESS_RESULT .* release=\(r-[0-9a-f]*\) .*$/\1/p' "$work/run.out"; }
release_dir() { printf '%s\n' "$work/s3/$bucket/releases/$1"; }
capture_dir() { printf '%s\n' "$work/s3/$bucket/captures/${1:-$capture}"; }
capture_json() { printf '%s\n' "$work/s3/$bucket/captures/${1:-$capture}.json"; }
# members: the first capture's tarball's member names, one a line, as tar lists them literally.
members() { tar --list --quoting-style=literal --gzip --file="$(capture_dir)/release.tar.gz"; }

# ---------------------------------------------------------------- tests

test_static() {
  check "capture-release.sh is shellcheck clean with its placeholders" shellcheck -- "$here/capture-release.sh"
  check "capture-release.sh uses only its four SSM placeholders" test \
    "$(grep -o '{{[^}]*}*' "$here/capture-release.sh" | sort -u | tr '\n' ' ')" \
    == '{{ CaptureId }} {{ Environment }} {{ ReleaseBucket }} {{ WebrootPath }} '
}

test_bad_parameters_stop_before_anything() {
  local bad empty=$work/i-empty
  mkdir -p -- "$empty"
  for bad in 'CaptureId=c-../../x' 'CaptureId=c-ab' 'CaptureId=C-UPPER' "CaptureId=c-has space" \
    'ReleaseBucket=Bad_Bucket' 'Environment=Prod' 'Environment=prod;reboot' \
    'WebrootPath=/var/www/../../etc' 'WebrootPath=relative/html' 'WebrootPath=/var//www' 'WebrootPath=/' \
    'WebrootPath=/var/www/$(id)'; do
    run_root=$empty capture_release "$bad"
    check "$bad: capture fails before any aws call or write" \
      bash -c '[[ $1 != 0 && ! -s $2 && -z $(ls -A -- "$3") ]]' _ "$status" "$work/aws-calls.log" "$empty"
    check "$bad: the reason names the parameter" failed_saying "${bad%%=*}="
  done
}

test_missing_or_foreign_webroot() {
  local bare=$work/i-bare
  mkdir -p -- "$bare/var/www/html/wp-content"
  run_root=$bare capture_release WebrootPath=/srv/site
  check "a missing webroot fails saying so, before any aws call" failed_saying "the webroot /srv/site does not exist"
  check "a missing webroot makes no aws call" test ! -s "$work/aws-calls.log"
  run_root=$bare capture_release
  check "a webroot without wp-includes/version.php fails saying it is not WordPress" \
    failed_saying "has no wp-includes/version.php"
  check "a webroot without WordPress makes no aws call" test ! -s "$work/aws-calls.log"
}

test_fresh_capture() {
  local id dir
  capture_release
  check "fresh capture exits 0" status_is 0
  check "stdout is only the result line" \
    stdout_is_result "capture=$capture release=r-[0-9a-f]{12} files=[0-9]+ bytes=[0-9]+ uploaded=true"
  id=$(result_release)
  first_id=$id
  dir=$(capture_dir)
  check "one listing of releases/<id>/, then the tarball, the manifest and the capture record under captures/, in that order" \
    calls_are "ls releases/$id/" "put captures/$capture/release.tar.gz" "put captures/$capture/manifest.json" "put captures/$capture.json"
  check "nothing is written under releases/" test ! -e "$(release_dir "$id")"
  check "the tarball holds exactly the code, hostile names included, in name order" tar_members_are
  check "no secret, log, cache, upload or outside file is in the tarball" \
    bash -c '! gzip -dc -- "$1" | grep -a -q -e "$2" -e "cached" -e "jpeg" -e "divi"' _ "$dir/release.tar.gz" "$SECRET"
  check "no secret reaches the manifest, the capture record, stdout or stderr" \
    bash -c '! grep -q -e "$1" -- "$2/manifest.json" "$3" "$4" "$5"' _ "$SECRET" "$dir" "$(capture_json)" "$work/run.out" "$work/run.err"
  check "kept symlinks are symlinks with their relative targets" tar_symlinks_are
  check "members are owned by 0/0, dated 1980-01-01, world-readable, without setuid" tar_headers_normalized
  check "the manifest describes the release as buildspec.yml would, kind captured" php -r '
    [$dir, $id, $instance, $files] = array_slice($argv, 1);
    $m = json_decode(file_get_contents("$dir/manifest.json"), true, 512, JSON_THROW_ON_ERROR);
    $expected = ["formatVersion", "releaseId", "kind", "capturedAt", "capturedFrom", "environment", "wordpress", "plugins",
      "themes", "fileCount", "artifact"];
    if (array_keys($m) !== $expected) { fwrite(STDERR, "keys: " . implode(",", array_keys($m)) . "\n"); exit(1); }
    $tar = "$dir/release.tar.gz";
    exit($m["formatVersion"] === 1 && $m["releaseId"] === $id && $m["kind"] === "captured" && $m["capturedFrom"] === $instance
      && $m["environment"] === "production" && preg_match("/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/", $m["capturedAt"])
      && $m["wordpress"] === ["version" => "6.8.3", "dbVersion" => 60421] && $m["fileCount"] === (int) $files
      && $m["artifact"] === ["key" => "release.tar.gz", "sha256" => hash_file("sha256", $tar), "bytes" => filesize($tar)] ? 0 : 1);' \
    -- "$dir" "$id" "$INSTANCE" "$(tar_regular_files)"
  check "plugins and themes as buildspec.yml finds them; a slug the manifest cannot carry is left out, a missing Version is null" php -r '
    $m = json_decode(file_get_contents($argv[1] . "/manifest.json"), true, 512, JSON_THROW_ON_ERROR);
    $plugins = [["slug" => "akismet", "name" => "Akismet Anti-spam", "version" => "5.3"],
      ["slug" => "no-version", "name" => "No Version \"Header\"", "version" => null],
      ["slug" => "w3-total-cache", "name" => "W3 Total Cache", "version" => "2.7"],
      ["slug" => "wp-config-file-editor", "name" => "WP Config File Editor", "version" => "1.7"]];
    $themes = [["slug" => "twentytwentyfour", "name" => "Twenty Twenty-Four", "version" => "1.2"]];
    if ($m["plugins"] !== $plugins || $m["themes"] !== $themes) { fwrite(STDERR, json_encode([$m["plugins"], $m["themes"]]) . "\n"); exit(1); }' \
    -- "$dir"
  check "the capture record has every field, the counts and the mounts" php -r '
    [$file, $id, $instance, $capture, $files, $bytes] = array_slice($argv, 1);
    $c = json_decode(file_get_contents($file), true, 512, JSON_THROW_ON_ERROR);
    $expected = ["formatVersion" => 1, "captureId" => $capture, "environment" => "production", "instanceId" => $instance,
      "releaseId" => $id, "files" => (int) $files, "bytes" => (int) $bytes, "webrootPath" => "/var/www/html",
      "capturedAt" => $c["capturedAt"],
      "excluded" => ["uploads" => 2, "caches" => 4, "secrets" => 10, "git" => 2, "logs" => 3, "fleetpressRecords" => 0,
        "symlinksOutsideWebroot" => 4, "unsafeNames" => 4, "specialFiles" => 1, "unreadable" => 0],
      "mounts" => [
        ["mountPoint" => "/var/www/html", "source" => "fs-0123abcd.efs.eu-west-1.amazonaws.com:/", "fsType" => "nfs4", "fileSystemId" => "fs-0123abcd"],
        ["mountPoint" => "/mnt/efs backups", "source" => "127.0.0.1:/", "fsType" => "nfs4", "fileSystemId" => null],
        ["mountPoint" => "/mnt/shared", "source" => "fs-89abcdef:/", "fsType" => "efs", "fileSystemId" => "fs-89abcdef"]],
      "webrootOnEfs" => true, "alreadyReleased" => false];
    if ($c !== $expected || !preg_match("/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/", $c["capturedAt"])) {
      fwrite(STDERR, json_encode($c, JSON_PRETTY_PRINT) . "\n"); exit(1);
    }' -- "$(capture_json)" "$id" "$INSTANCE" "$capture" "$(tar_regular_files)" "$(kept_bytes)"
  check "the release id is r- and 12 hex of the sha256 of the sorted (path, content, mode) listing" \
    test "$id" == "$(expected_release_id)"
  check "the refused symlinks and odd names are named on stderr, safely quoted" \
    grep -qF -e "left out (symlinksOutsideWebroot): sneaky.txt -> self/../../outside/secret.txt" "$work/run.err"
  check "a name with a line break is named shell-quoted" \
    grep -qF -e "left out (unsafeNames): \$'wp-content/line\\nbreak.php'" "$work/run.err"
  check "a name with a command substitution ran nothing" test ! -e "$root/pwned" -a ! -e "$efs/pwned" -a ! -e "$PWD/pwned"
  check "no temporary files are left" \
    test -z "$(find "$root/var/lib/fleetpress" -mindepth 1 -maxdepth 1 -name '.capture.*' -print -quit)"
  check "the webroot was not changed" test -z "$(find "$efs" -newer "$work/rendered-capture.sh" -print -quit)"
}

# The members the fixture's webroot must give, in the tarball's order (sorted by name bytes).
expected_members() {
  local long
  long=$(printf 'n%.0s' {1..150})
  printf '%s\n' '-rf --help.php' config dangling.php hard-link.php index.php logs logs/README self sub sub/wp-content wp-admin wp-admin/front.php \
    wp-admin/index.php wp-config-sample.php wp-content "wp-content/\$(touch pwned).php" wp-content/advanced-cache.php \
    wp-content/caf$'\xe9'.txt wp-content/café-日本.php "wp-content/it's \"quoted\" & spaced.php" wp-content/languages \
    wp-content/languages/empty wp-content/mu-plugins wp-content/mu-plugins/fleet.php "wp-content/$long.txt" \
    wp-content/object-cache.php wp-content/plugins wp-content/plugins/akismet wp-content/plugins/akismet/akismet.php \
    "wp-content/plugins/bad slug" "wp-content/plugins/bad slug/bad.php" wp-content/plugins/no-version \
    wp-content/plugins/no-version/no-version.php wp-content/plugins/w3-total-cache wp-content/plugins/w3-total-cache/lib \
    wp-content/plugins/w3-total-cache/lib/cache.php wp-content/plugins/w3-total-cache/w3-total-cache.php \
    wp-content/plugins/wp-config-file-editor wp-content/plugins/wp-config-file-editor/wp-config-file-editor.php \
    wp-content/themes wp-content/themes/current wp-content/themes/twentytwentyfour \
    wp-content/themes/twentytwentyfour/style.css wp-content/tool.sh wp-includes wp-includes/version.php wp-settings.php \
    | sort
}

tar_members_are() {
  local actual expected
  actual=$(members | sed 's|/$||')
  expected=$(expected_members)
  [[ $actual == "$expected" ]] || { diff <(printf '%s\n' "$expected") <(printf '%s\n' "$actual") | sed 's/^/      /'; return 1; }
}

tar_symlinks_are() {
  local actual
  actual=$(tar --list --verbose --quoting-style=literal --gzip --file="$(capture_dir)/release.tar.gz" \
    | sed -n 's/^l.* \([^ ]* -> .*\)$/\1/p' | sort | tr '\n' '|')
  [[ $actual == 'dangling.php -> missing-target|self -> .|wp-admin/front.php -> ../index.php|wp-content/themes/current -> twentytwentyfour|' ]] \
    || { printf '      symlinks: %s\n' "$actual"; return 1; }
}

tar_headers_normalized() {
  local listing
  listing=$(tar --list --verbose --numeric-owner --full-time --gzip --file="$(capture_dir)/release.tar.gz")
  if grep -v ' 0/0 ' <<<"$listing" | grep -q . || grep -v ' 1980-01-01 00:00:00 ' <<<"$listing" | grep -q .; then
    printf '      owner or time not normalized:\n%s\n' "$listing" | head -n 5
    return 1
  fi
  if ! grep -q '^-rwxr-xr-x .* wp-content/tool.sh$' <<<"$listing" \
    || ! grep -q '^-rw-r--r-- .* wp-content/mu-plugins/fleet.php$' <<<"$listing"; then
    grep -e tool.sh -e fleet.php <<<"$listing" | sed 's/^/      /'
    return 1
  fi
}

# tar_regular_files: how many regular files the first capture's tarball holds.
tar_regular_files() { tar --list --verbose --gzip --file="$(capture_dir)/release.tar.gz" | grep -c '^-'; }

# The byte sizes of the kept regular files, summed (find over the webroot, less what is left out).
kept_bytes() {
  local total=0 path size
  while IFS= read -r -d '' path; do
    size=$(stat -c %s -- "$efs/$path")
    total=$((total + size))
  done < <(expected_members | while IFS= read -r path; do
    if [[ -f $efs/$path && ! -L $efs/$path ]]; then printf '%s\0' "$path"; fi
  done)
  printf '%d\n' "$total"
}

# The release id computed here from the expected members, independently of the script.
expected_release_id() {
  local path content sum
  sum=$(expected_members | while IFS= read -r path; do
    if [[ -L $efs/$path ]]; then
      content="symlink:$(readlink -- "$efs/$path")"
    elif [[ -d $efs/$path ]]; then
      content=directory
    else
      content=$(sha256sum <"$efs/$path")
      content=${content%% *}
    fi
    printf '%s\t%s\t%s\n' "$path" "$content" "$(stat -c %a -- "$efs/$path")"
  done | sort | sha256sum)
  printf 'r-%s\n' "${sum:0:12}"
}

test_captured_release_installs_with_bootstrap() {
  local target=$work/i-target script
  mkdir -p -- "$target"
  accept_capture "$capture" "$first_id"
  script=$work/rendered-bootstrap.sh
  sed -e "s|{{ ReleaseId }}|$first_id|" -e 's|{{ Environment }}|production|' -e "s|{{ ReleaseBucket }}|$bucket|" \
    -e 's|{{ ParameterPrefix }}|/fleetpress/test|' "$here/bootstrap.sh" >"$script"
  : >"$work/aws-calls.log"
  status=0
  env FLEETPRESS_INSTANCE_ROOT="$target" FLEETPRESS_INSTANCE_ID=i-0fedcba9876543210 AWS_REGION=eu-west-1 \
    AWS_ENDPOINT_URL_S3=http://127.0.0.1:4566 AWS_ENDPOINT_URL_SSM=http://127.0.0.1:4583 \
    FAKE_ENDPOINT_S3=http://127.0.0.1:4566 FAKE_S3="$work/s3" FAKE_SSM="$work/ssm" FAKE_AWS_LOG="$work/aws-calls.log" \
    PATH="$work/bin:$PATH" bash "$script" >"$work/run.out" 2>"$work/run.err" || status=$?
  check "bootstrap.sh installs the captured release" status_is 0
  check "bootstrap.sh reports the captured release and its file count" \
    bash -c '[[ $(tail -n 1 "$1") == "FLEETPRESS_RESULT release=$2 environment=production files=$3" ]]' _ \
    "$work/run.out" "$first_id" "$(tar_regular_files)"
  check "the installed release serves the captured code, with wp-config.php written from SSM" \
    bash -c 'cmp -s "$1/var/www/fleetpress/current/index.php" "$2/index.php" && grep -q "DB_NAME" "$1/var/www/fleetpress/current/wp-config.php" && ! grep -rq "$3" "$1/var/www/fleetpress/"' \
    _ "$target" "$efs" "$SECRET"
}

test_rerun_uploads_nothing() {
  capture_release CaptureId=c-rerun-released
  check "a capture of a webroot already released exits 0 with the same release, uploaded=false" \
    stdout_is_result "capture=c-rerun-released release=$first_id files=[0-9]+ bytes=[0-9]+ uploaded=false"
  check "then: one listing, the release's manifest read, only the capture record written" \
    calls_are "ls releases/$first_id/" "get releases/$first_id/manifest.json" "put captures/c-rerun-released.json"
  check "nothing is uploaded under captures/<id>/" test ! -e "$(capture_dir c-rerun-released)"
  check "the capture record says the release already existed" php -r '
    $c = json_decode(file_get_contents($argv[1]), true, 512, JSON_THROW_ON_ERROR);
    exit($c["alreadyReleased"] === true && $c["releaseId"] === $argv[2] ? 0 : 1);' -- "$(capture_json c-rerun-released)" "$first_id"
}

test_unchanged_webroot_elsewhere_gives_the_same_bytes() {
  local copy=$work/i2 tarball
  tarball=$work/first-release.tar.gz
  cp -- "$(capture_dir)/release.tar.gz" "$tarball"
  # The same files on another instance, with other times and another path to the webroot.
  mkdir -p -- "$copy/var/www/html" "$copy/proc"
  cp -a -- "$efs/." "$copy/var/www/html/"
  find "$copy/var/www/html" -exec touch -h -d '2001-02-03 04:05:06' {} +
  : >"$copy/proc/mounts"
  rm -rf -- "$(release_dir "$first_id")"
  run_root=$copy run_instance=i-0aaaaaaaaaaaaaaaa capture_release CaptureId=c-second-instance
  check "another instance with the same webroot (other file times) gets the same release id" \
    stdout_is_result "capture=c-second-instance release=$first_id files=[0-9]+ bytes=[0-9]+ uploaded=true"
  check "and byte for byte the same tarball" cmp -s -- "$tarball" "$(capture_dir c-second-instance)/release.tar.gz"
  check "a webroot on local disk is recorded as not on EFS, with no mounts" php -r '
    $c = json_decode(file_get_contents($argv[1]), true, 512, JSON_THROW_ON_ERROR);
    exit($c["webrootOnEfs"] === false && $c["mounts"] === [] && $c["instanceId"] === "i-0aaaaaaaaaaaaaaaa" ? 0 : 1);' \
    -- "$(capture_json c-second-instance)"
  accept_capture c-second-instance "$first_id"
}

test_what_changes_the_id() {
  local before
  before=$first_id
  printf 'more\n' >>"$efs/wp-content/uploads/2024/01/photo.jpg"
  printf 'more\n' >>"$efs/wp-content/debug.log"
  printf '// changed\n' >>"$efs/wp-config.php"
  printf 'more\n' >"$efs/wp-content/cache/page/new.html"
  touch -d '2020-01-01' "$efs/index.php"
  capture_release CaptureId=c-excluded-changes
  check "changes to uploads, logs, secrets, caches and file times keep the release id" \
    stdout_is_result "capture=c-excluded-changes release=$before files=[0-9]+ bytes=[0-9]+ uploaded=false"
  chmod 755 "$efs/wp-settings.php"
  capture_release CaptureId=c-mode-change
  check "a mode change gives a new release id" test "$(result_release)" != "$before" -a "$status" == 0
  chmod 644 "$efs/wp-settings.php"
  printf '// edited\n' >>"$efs/index.php"
  capture_release CaptureId=c-code-change
  check "a code change gives a new release id, uploaded" \
    bash -c '[[ $1 == 0 && $2 != "$3" && $(<"$4") == *uploaded=true ]]' _ "$status" "$(result_release)" "$before" "$work/run.out"
  changed_id=$(result_release)
}

test_incomplete_release_is_captured_in_full() {
  accept_capture c-code-change "$changed_id"
  rm -- "$(release_dir "$changed_id")/release.tar.gz"
  capture_release CaptureId=c-repair
  check "releases/<id>/ with a manifest but no tarball: the capture is uploaded in full under captures/" \
    calls_are "ls releases/$changed_id/" "get releases/$changed_id/manifest.json" "put captures/c-repair/release.tar.gz" \
    "put captures/c-repair/manifest.json" "put captures/c-repair.json"
  accept_capture c-repair "$changed_id"
  rm -- "$(release_dir "$changed_id")/manifest.json"
  capture_release CaptureId=c-repair-2
  check "releases/<id>/ with a tarball but no manifest: the capture is uploaded in full under captures/" \
    calls_are "ls releases/$changed_id/" "put captures/c-repair-2/release.tar.gz" "put captures/c-repair-2/manifest.json" \
    "put captures/c-repair-2.json"
}

test_foreign_manifest_is_never_overwritten() {
  local dir
  dir=$(release_dir "$changed_id")
  sed 's/"kind":"captured"/"kind":"built"/' "$(capture_dir c-repair-2)/manifest.json" >"$dir/manifest.json"
  cp -- "$dir/manifest.json" "$work/foreign.json"
  capture_release CaptureId=c-foreign
  check "a built release's manifest at the same id fails the capture" \
    failed_saying "is not this captured release: this webroot cannot become release $changed_id"
  check "and is left as it was, with no capture record and nothing under captures/<id>/" \
    bash -c 'cmp -s "$1" "$2/manifest.json" && [[ ! -e $3 && ! -e $4 ]]' _ "$work/foreign.json" "$dir" \
    "$(capture_json c-foreign)" "$(capture_dir c-foreign)"
  rm -rf -- "$dir"
}

test_listing_errors_fail() {
  FAKE_S3_FAIL_LS=1 capture_release CaptureId=c-denied
  check "a listing refused by S3 fails the capture, naming the error" failed_saying "AccessDenied"
  check "nothing is uploaded then" calls_are "ls releases/$changed_id/"
}

test_concurrent_capture_refused() {
  local lock=$root/var/lib/fleetpress/capture.lock
  exec {held}>>"$lock"
  flock -n "$held"
  capture_release CaptureId=c-concurrent
  exec {held}>&-
  check "a second capture on the same instance fails at once, saying another one runs" failed_saying "another capture is running"
  check "and makes no aws call" test ! -s "$work/aws-calls.log"
}

# Over every capture run above: an instance writes only under captures/ (FleetInstanceRole allows no
# more, and the test double refuses it too, so an attempt would also have failed a run).
test_never_writes_under_releases() {
  check "no capture run tried to upload anything outside captures/c-*" \
    bash -c '! grep -E "s3 cp .* s3://[^ ]+$" "$1" | grep -v -E " s3://[^/]+/captures/c-[^ ]*$" | grep -q .' \
    _ "$work/all-capture-calls.log"
  check "and some did upload (the check above saw the runs)" grep -q -E " s3://[^/]+/captures/c-[^ ]*/release.tar.gz$" \
    "$work/all-capture-calls.log"
}

main() {
  require_tools "${TOOLS[@]}"
  setup
  test_static
  test_bad_parameters_stop_before_anything
  test_missing_or_foreign_webroot
  test_fresh_capture
  test_captured_release_installs_with_bootstrap
  test_rerun_uploads_nothing
  test_unchanged_webroot_elsewhere_gives_the_same_bytes
  test_what_changes_the_id
  test_incomplete_release_is_captured_in_full
  test_foreign_manifest_is_never_overwritten
  test_listing_errors_fail
  test_concurrent_capture_refused
  test_never_writes_under_releases
  printf '%d passed, %d failed (%d s)\n' "$passed" "$failed" "$((SECONDS - started))"
  ((failed == 0))
}

main "$@"
