#!/usr/bin/env bash
# Tests instance/export-media.sh as SSM Run Command runs it: placeholders substituted into the
# script text, then the script run in an instance root (a temporary folder, as localcloud's
# sandboxes do) over an uploads folder of about 300 files. AWS is replaced by a test double of the
# aws CLI that serves `s3 ls` and `s3 cp` (also --recursive with filters) from a local folder and
# logs each call, so the checks can count them.
#
# Usage: bash instance/test-export-media.sh   (KEEP_WORK=1 keeps the work folder)
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
TOOLS=(shellcheck php tar sha256sum find sort xargs flock stat sed grep mktemp mkfifo cmp)

# ---------------------------------------------------------------- fixtures

setup() {
  work=$(mktemp -d "${TMPDIR:-/tmp}/fleetpress-export-test.XXXXXX")
  if [[ ${KEEP_WORK-} == 1 ]]; then
    printf 'work folder: %s\n' "$work"
  else
    trap 'rm -rf -- "$work"' EXIT
  fi
  bucket=fp-media
  migration=m-2024-05-test
  root=$work/i1
  mkdir -p -- "$work/bin" "$work/s3/$bucket" "$work/outside" "$root"
  write_aws_double
  make_uploads
}

# A test double of the aws CLI (not the real one): only the calls the script makes.
write_aws_double() {
  cat >"$work/bin/aws" <<'DOUBLE'
#!/usr/bin/env bash
# aws CLI TEST DOUBLE for instance/test-export-media.sh. Serves `s3 ls` and `s3 cp` (one file, or
# --recursive with --exclude/--include, last matching filter wins) from $FAKE_S3/<bucket>/<key>.
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
[[ $1 == s3 ]] || die "unsupported service $1"
[[ $endpoint == "$FAKE_ENDPOINT_S3" ]] || die "s3 endpoint '$endpoint', expected '$FAKE_ENDPOINT_S3'"
command=$2
shift 2
recursive=0 filters=() paths=()
while (($# > 0)); do
  case $1 in
    --only-show-errors) ;;
    --recursive) recursive=1 ;;
    --exclude | --include) filters+=("$1" "$2"); shift ;;
    --*) die "unsupported option $1" ;;
    *) paths+=("$1") ;;
  esac
  shift
done
case $command in
  ls)
    ((${#paths[@]} == 1)) && [[ ${paths[0]} == s3://*/ ]] || die "s3 ls wants one s3://bucket/prefix/"
    dir=$FAKE_S3/${paths[0]#s3://}
    # The CLI prints nothing and exits 1 when nothing is under the prefix.
    [[ -d $dir && -n $(ls -A -- "$dir") ]] || exit 1
    for entry in "$dir"*; do
      if [[ -d $entry ]]; then
        printf '                           PRE %s/\n' "${entry##*/}"
      else
        printf '%s %10d %s\n' "$(date -u -r "$entry" '+%Y-%m-%d %H:%M:%S')" "$(stat -c %s -- "$entry")" "${entry##*/}"
      fi
    done
    ;;
  cp)
    ((${#paths[@]} == 2)) || die "s3 cp wants SOURCE DESTINATION"
    src=${paths[0]} dst=${paths[1]}
    if ((recursive)); then
      [[ $src == s3://*/ && $dst != s3://* ]] || die "this double copies recursively only from s3 to a folder"
      base=$FAKE_S3/${src#s3://}
      [[ -d $base ]] || exit 0
      while IFS= read -r -d '' file; do
        rel=${file#"$base"}
        take=1
        for ((i = 0; i < ${#filters[@]}; i += 2)); do
          # shellcheck disable=SC2053 # the filter is a glob, as the CLI's are
          if [[ $rel == ${filters[i + 1]} ]]; then
            if [[ ${filters[i]} == --include ]]; then take=1; else take=0; fi
          fi
        done
        if ((take)); then
          mkdir -p -- "$(dirname -- "$dst/$rel")"
          cp -- "$file" "$dst/$rel"
        fi
      done < <(find "$base" -type f -print0)
    elif [[ $src == s3://* ]]; then
      [[ -f $FAKE_S3/${src#s3://} ]] || { echo "fatal error: An error occurred (404) when calling the HeadObject operation: Key \"${src#s3://*/}\" does not exist" >&2; exit 1; }
      cp -- "$FAKE_S3/${src#s3://}" "$dst"
    elif [[ $dst == s3://* ]]; then
      [[ $dst != */ ]] || die "s3 cp to a prefix"
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
}

# put FILE BYTES: a file of exactly BYTES bytes whose content starts with its own name (so files
# differ), written by the shell alone (no process per file).
put() {
  local file=$1 bytes=$2 head
  head="$file "
  head=${head:0:bytes}
  printf '%s%*s' "$head" $((bytes - ${#head})) '' >"$file"
}

# The uploads folder as WordPress lays it out, reached as bootstrap leaves it: current ->
# releases/<id>, whose wp-content/uploads links to the shared folder. About 300 files: years and
# months, thumbnails, names with spaces, '+', quotes, non-ASCII letters, a name of 100 bytes and
# longer ones (tar stores those differently), a hard link, a few larger files and one bigger than
# a shard. Then what must be skipped: symlinks (one to a folder outside), a FIFO, a name with a
# line break, one with a backslash and one that is not UTF-8.
make_uploads() {
  local home=$root/var/www/fleetpress year month i size dir long
  uploads=$home/shared/uploads
  mkdir -p -- "$home/releases/r-aaaaaaaaaaa1/wp-content" "$uploads"
  ln -s -- releases/r-aaaaaaaaaaa1 "$home/current"
  ln -s -- ../../../shared/uploads "$home/releases/r-aaaaaaaaaaa1/wp-content/uploads"
  for year in 2023 2024; do
    for month in 01 02 03 04 05 06 07 08 09 10 11 12; do
      ((10#$year$month < 202406)) || continue
      dir=$uploads/$year/$month
      mkdir -p -- "$dir"
      for i in 1 2 3; do
        size=$(((RANDOM % 40 + 1) * 997))
        put "$dir/photo $i.jpg" "$size"
        put "$dir/photo $i-150x150.jpg" $((size / 9 + 1))
        put "$dir/photo $i-300x200.jpg" $((size / 4 + 1))
        put "$dir/photo $i-1024x683.jpg" $((size / 2 + 1))
      done
      put "$dir/a+b=c.png" $((RANDOM % 5000 + 1))
      put "$dir/café-ü.jpg" $((RANDOM % 5000 + 1))
      put "$dir/日本語 ファイル.png" $((RANDOM % 5000 + 1))
      put "$dir/it's \"quoted\".gif" $((RANDOM % 500 + 1))
    done
  done
  put "$uploads/2024/05/empty.txt" 0
  put "$uploads/2024/05/exactly 512.bin" 512
  long=$(printf 'x%.0s' {1..86})
  put "$uploads/2024/05/$long.png" 100
  long=$(printf 'y%.0s' {1..87})
  put "$uploads/2024/05/$long.png" 101
  long=$(printf 'z%.0s' {1..200})
  mkdir -p -- "$uploads/2024/05/$long"
  put "$uploads/2024/05/$long/$long.png" 3000
  put "$uploads/2023/01/big one.mp4" 1500000
  put "$uploads/2023/06/medium.pdf" 400000
  put "$uploads/2024/02/medium.pdf" 700000
  put "$uploads/2024/03/medium.zip" 900000
  ln -- "$uploads/2023/02/photo 1.jpg" "$uploads/2023/02/hard link.jpg"
  mkdir -p -- "$uploads/wpforms/.empty-folder"
  put "$uploads/wpforms/.htaccess" 40
  # At the top level a name can start with a dash: tar and sha256sum must not take it for an option.
  put "$uploads/-C leading dash.jpg" 50
  put "$work/outside/secret.txt" 20
  ln -s -- "$work/outside" "$uploads/2024/outside"
  ln -s -- "../01/photo 1.jpg" "$uploads/2024/02/link.jpg"
  mkfifo -- "$uploads/2024/queue.fifo"
  put "$uploads/2024/line"$'\n'"break.jpg" 10
  put "$uploads/2024/back\\slash.jpg" 10
  put "$uploads/2024/caf"$'\xe9'".jpg" 10
  # Regular files less the three with names the script cannot take.
  expected_files=$(($(find "$uploads/" -type f -printf 'f\n' | wc -l) - 3))
}

# render NAME=VALUE...: the script with its {{ NAME }} placeholders replaced, as SSM does (the
# last value given for a NAME wins).
render() {
  local text pair name
  local -A values=()
  for pair in "$@"; do
    values[${pair%%=*}]=${pair#*=}
  done
  text=$(<"$here/export-media.sh")
  for name in "${!values[@]}"; do
    text=${text//"{{ $name }}"/"${values[$name]}"}
  done
  printf '%s\n' "$text" >"$work/rendered-export-media.sh"
}

# export_media [NAME=VALUE...]: runs the export with the defaults below overridden by the
# arguments (MigrationId, MediaBucket, UploadsPath, ShardMegabytes); out/err/status in $work/run.*
export_media() {
  local start
  render "MigrationId=$migration" "MediaBucket=$bucket" UploadsPath=/var/www/fleetpress/current/wp-content/uploads \
    ShardMegabytes=1 "$@"
  : >"$work/aws-calls.log"
  start=$(date +%s%N)
  status=0
  env FLEETPRESS_INSTANCE_ROOT="${run_root:-$root}" FLEETPRESS_ENVIRONMENT=staging AWS_REGION=eu-west-1 \
    AWS_ENDPOINT_URL_S3=http://127.0.0.1:4566 FAKE_ENDPOINT_S3=http://127.0.0.1:4566 \
    FAKE_S3="$work/s3" FAKE_AWS_LOG="$work/aws-calls.log" \
    PATH="$work/bin:$PATH" bash "$work/rendered-export-media.sh" >"$work/run.out" 2>"$work/run.err" || status=$?
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
stdout_is_result() {
  [[ $(<"$work/run.out") =~ ^FLEETPRESS_RESULT\ $1$ ]] || { show_run; return 1; }
}
stderr_one_line_with() {
  [[ $(<"$work/run.err") != *$'\n'* && $(<"$work/run.err") == *"$1"* ]] || { show_run; return 1; }
}
aws_calls() { grep -c -- "$1" "$work/aws-calls.log" || true; }
# calls_are LS RECURSIVE-DOWNLOADS UPLOADS: the aws calls of the last run, by kind.
calls_are() {
  [[ $(aws_calls ' s3 ls ') == "$1" && $(aws_calls ' s3 cp .*--recursive') == "$2" \
    && $(aws_calls ' s3 cp --only-show-errors [^ ]* s3://') == "$3" && $(wc -l <"$work/aws-calls.log") == $(($1 + $2 + $3)) ]] \
    || { sed 's/^/      aws /' "$work/aws-calls.log"; return 1; }
}
uploaded_keys_are() {
  local actual
  actual=$(sed -n 's|^.* s3 cp --only-show-errors [^ ]* s3://'"$bucket"'/_migration/'"$migration"'/||p' "$work/aws-calls.log" \
    | tr '\n' ' ')
  [[ $actual == "$1" ]] || { printf '      uploaded: %s\n      expected: %s\n' "$actual" "$1"; return 1; }
}
result_field() { sed -n 's/^FLEETPRESS_RESULT .* '"$1"'=\([0-9]*\).*$/\1/p' "$work/run.out"; }
remote() { printf '%s\n' "$work/s3/$bucket/_migration/$migration"; }

# ---------------------------------------------------------------- tests

test_static() {
  check "export-media.sh is shellcheck clean with its placeholders" shellcheck -- "$here/export-media.sh"
  check "export-media.sh uses only its four SSM placeholders" test \
    "$(grep -o '{{[^}]*}*' "$here/export-media.sh" | sort -u | tr '\n' ' ')" \
    == '{{ MediaBucket }} {{ MigrationId }} {{ ShardMegabytes }} {{ UploadsPath }} '
}

test_bad_parameters_stop_before_anything() {
  local bad empty=$work/i-empty
  mkdir -p -- "$empty"
  for bad in 'MigrationId=m-../../x' 'MigrationId=m-abc' 'MigrationId=M-UPPER-CASE' 'MediaBucket=Bad_Bucket' \
    'UploadsPath=/var/www/../../etc' 'UploadsPath=relative/uploads' 'ShardMegabytes=0' 'ShardMegabytes=10000'; do
    run_root=$empty export_media "$bad"
    check "$bad: export fails before any aws call or write" \
      bash -c '[[ $1 != 0 && ! -s $2 && -z $(ls -A -- "$3") ]]' _ "$status" "$work/aws-calls.log" "$empty"
    check "$bad: the reason names the parameter" stderr_one_line_with "${bad%%=*}="
  done
}

test_fresh_export() {
  local shards
  export_media
  printf '      (fresh export of %d files: %d ms)\n' "$expected_files" "$elapsed_ms"
  check "fresh export exits 0" status_is 0
  check "stdout is only the result line" \
    stdout_is_result "migration=$migration shards=[0-9]+ files=$expected_files bytes=[0-9]+ uploaded=[0-9]+ skipped_shards=0"
  shards=$(result_field shards)
  check "every shard was uploaded" test "$(result_field uploaded)" == "$shards"
  check "fresh export: one listing, no manifest download, 2 uploads a shard and migration.json" \
    calls_are 1 0 $((2 * shards + 1))
  check "each shard's .json is uploaded before its .tar, migration.json last" uploaded_keys_are \
    "$(for ((n = 1; n <= shards; n++)); do printf 'shard-%05d.json shard-%05d.tar ' "$n" "$n"; done)migration.json "
  check "several shards" test "$shards" -ge 4
  check "every shard and its manifest are in the bucket, nothing else" test \
    "$(find "$(remote)" -type f | wc -l)" == $((2 * shards + 1))
  check "every tar is at most ShardMegabytes MiB, or holds a single bigger file" php -r '
    foreach (glob($argv[1] . "/shard-*.json") as $f) {
      $s = json_decode(file_get_contents($f), true, 512, JSON_THROW_ON_ERROR);
      $tar = filesize(substr($f, 0, -5) . ".tar");
      if ($tar > 1048576 && count($s["entries"]) !== 1) { fwrite(STDERR, "$f: $tar bytes\n"); exit(1); }
    }' -- "$(remote)"
  check "the file bigger than a shard has a shard of its own" php -r '
    foreach (glob($argv[1] . "/shard-*.json") as $f) {
      $s = json_decode(file_get_contents($f), true, 512, JSON_THROW_ON_ERROR);
      if (in_array("2023/01/big one.mp4", array_column($s["entries"], "path"), true)) exit(count($s["entries"]) === 1 ? 0 : 1);
    }
    exit(1);' -- "$(remote)"
  check "every exported file is in exactly one shard manifest, sorted, with its size and sha256" php -r '
    [$remote, $uploads, $expected] = array_slice($argv, 1);
    $seen = []; $n = 0; $bad = 0;
    foreach (glob("$remote/shard-*.json") as $f) {
      $s = json_decode(file_get_contents($f), true, 512, JSON_THROW_ON_ERROR);
      $n++;
      if ($s["formatVersion"] !== 1 || $s["migrationId"] !== "'"$migration"'" || $s["shard"] !== $n
        || basename($f) !== sprintf("shard-%05d.json", $n)) { fwrite(STDERR, "$f: header\n"); $bad++; }
      foreach ($s["entries"] as $e) {
        $file = "$uploads/" . $e["path"];
        if (isset($seen[$e["path"]]) || !is_file($file) || is_link($file) || filesize($file) !== $e["size"]
          || hash_file("sha256", $file) !== $e["sha256"]) { fwrite(STDERR, "$f: {$e["path"]}\n"); $bad++; }
        $seen[$e["path"]] = true;
      }
    }
    $paths = array_keys($seen); $sorted = $paths; sort($sorted, SORT_STRING);
    exit($bad === 0 && count($seen) === (int) $expected && $paths === $sorted ? 0 : 1);' -- \
    "$(remote)" "$root/var/www/fleetpress/shared/uploads" "$expected_files"
  check "each tar holds exactly its manifest's paths, relative, owned by 0, regular files only" tars_match_manifests
  check "the tars unpack to the uploads folder's files" tars_unpack_to_uploads
  check "migration.json counts the shards, files and bytes, names the environment" php -r '
    $m = json_decode(file_get_contents($argv[1] . "/migration.json"), true, 512, JSON_THROW_ON_ERROR);
    $files = 0; $bytes = 0;
    foreach (glob($argv[1] . "/shard-*.json") as $f) {
      foreach (json_decode(file_get_contents($f), true)["entries"] as $e) { $files++; $bytes += $e["size"]; }
    }
    exit($m["formatVersion"] === 1 && $m["migrationId"] === "'"$migration"'" && $m["shards"] === (int) $argv[2]
      && $m["files"] === $files && $m["bytes"] === $bytes && $m["bytes"] === (int) $argv[3]
      && $m["environment"] === "staging" && preg_match("/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/", $m["exportedAt"]) ? 0 : 1);' -- \
    "$(remote)" "$shards" "$(result_field bytes)"
  check "symlinks, the FIFO and the names it cannot take are skipped and listed with a reason" php -r '
    $m = json_decode(file_get_contents($argv[1] . "/migration.json"), true, 512, JSON_THROW_ON_ERROR);
    $skipped = array_column($m["skipped"], "reason", "path");
    $expected = ["2024/02/link.jpg" => "symbolic link", "2024/outside" => "symbolic link", "2024/queue.fifo" => "named pipe",
      "2024/line\nbreak.jpg" => "line break", "2024/back\\slash.jpg" => "backslash", "2024/caf\u{e9}.jpg" => "not UTF-8"];
    foreach ($expected as $path => $reason) {
      if (!str_contains($skipped[$path] ?? "", $reason)) { fwrite(STDERR, "skipped: " . var_export($skipped, true)); exit(1); }
    }
    exit(count($skipped) === count($expected) ? 0 : 1);' -- "$(remote)"
  check "nothing outside the uploads folder was read" \
    bash -c '! cat "$1"/shard-*.tar | grep -q "secret.txt"' _ "$(remote)"
  check "no temporary files are left" \
    test -z "$(find "$root/var/lib/fleetpress" -mindepth 1 -maxdepth 1 -name '.export.*' -print -quit)"
  fresh_shards=$shards
}

# Each tar's members (listed with tar's literal quoting: no exported name has a line break) equal
# its manifest's paths, in order; every member is a regular file owned by 0/0.
tars_match_manifests() {
  local json tar listed expected
  for json in "$(remote)"/shard-*.json; do
    tar=${json%.json}.tar
    listed=$(tar --list --quoting-style=literal --file="$tar")
    expected=$(php -r 'foreach (json_decode(file_get_contents($argv[1]), true)["entries"] as $e) echo $e["path"], "\n";' -- "$json")
    [[ $listed == "${expected%$'\n'}" ]] || { printf '      %s lists:\n%s\n' "$tar" "$listed"; return 1; }
    if tar --list --verbose --numeric-owner --file="$tar" | grep -qv '^-[rwx-]\{9\} 0/0 '; then
      printf '      %s has a member that is not a regular file of 0/0\n' "$tar"
      return 1
    fi
  done
}

tars_unpack_to_uploads() {
  local out=$work/unpacked tar
  rm -rf -- "$out"
  mkdir -- "$out"
  for tar in "$(remote)"/shard-*.tar; do
    tar --extract --file="$tar" --directory="$out" || return 1
  done
  (cd "$out" && find . -type f -print0 | sort -z | xargs -0 sha256sum) >"$work/unpacked.sha256"
  (cd "$root/var/www/fleetpress/shared/uploads" && sha256sum --quiet --check "$work/unpacked.sha256") >/dev/null
}

test_rerun_uploads_nothing() {
  # The importer writes its results beside the shards; the listing shows them as a folder.
  mkdir -p -- "$(remote)/results"
  printf '{"shard":1}\n' >"$(remote)/results/shard-00001.json"
  export_media
  printf '      (rerun: %d ms)\n' "$elapsed_ms"
  check "rerun exits 0" status_is 0
  check "rerun skips every shard" stdout_is_result \
    "migration=$migration shards=$fresh_shards files=$expected_files bytes=[0-9]+ uploaded=0 skipped_shards=$fresh_shards"
  check "rerun: one listing, one manifest download, only migration.json uploaded" calls_are 1 1 1
  check "rerun leaves the downloaded manifests behind nowhere" \
    test -z "$(find "$root/var/lib/fleetpress" -mindepth 1 -maxdepth 1 -name '.export.*' -print -quit)"
}

test_rerun_uploads_only_a_missing_shard() {
  cp -- "$(remote)/shard-00002.tar" "$work/shard-00002.tar.before"
  rm -- "$(remote)/shard-00002.tar"
  export_media
  check "after deleting shard 2's tar, a rerun exits 0" status_is 0
  check "it uploads only shard 2 (json, then tar) and migration.json" \
    uploaded_keys_are 'shard-00002.json shard-00002.tar migration.json '
  check "it reports 1 uploaded" test "$(result_field uploaded)/$(result_field skipped_shards)" == "1/$((fresh_shards - 1))"
  check "the rebuilt tar is byte for byte the first one (same shard, same files)" \
    cmp -s "$(remote)/shard-00002.tar" "$work/shard-00002.tar.before"
  rm -- "$(remote)/shard-00003.json"
  export_media
  check "after deleting shard 3's json, a rerun uploads only shard 3" \
    uploaded_keys_are 'shard-00003.json shard-00003.tar migration.json '
}

# A file of shard 4 grows by one byte within its last tar block: the tar keeps its size, the
# manifest does not match any more, so the shard is exported again (and only it).
test_rerun_notices_a_changed_file() {
  local path
  path=$(php -r '
    foreach (json_decode(file_get_contents($argv[1]), true)["entries"] as $e) {
      if ($e["size"] % 512 !== 0) { echo $e["path"]; exit(0); }
    }
    exit(1);' -- "$(remote)/shard-00004.json") || { not_ok "shard 4 has a file whose size is not a multiple of 512"; return; }
  printf 'x' >>"$root/var/www/fleetpress/shared/uploads/$path"
  export_media
  check "after a file of shard 4 changed size, a rerun exits 0" status_is 0
  check "it uploads only shard 4 again" uploaded_keys_are 'shard-00004.json shard-00004.tar migration.json '
  check "shard 4's manifest has the file's new size and sha256" php -r '
    foreach (json_decode(file_get_contents($argv[1]), true)["entries"] as $e) {
      if ($e["path"] === $argv[2]) exit($e["size"] === filesize($argv[3]) && $e["sha256"] === hash_file("sha256", $argv[3]) ? 0 : 1);
    }
    exit(1);' -- "$(remote)/shard-00004.json" "$path" "$root/var/www/fleetpress/shared/uploads/$path"
}

test_concurrent_export_refused() {
  local lock=$root/var/lib/fleetpress/export.lock
  exec {held}>>"$lock"
  flock -n "$held"
  export_media
  exec {held}>&-
  check "a second export on the same instance fails at once, saying another one runs" \
    bash -c '[[ $1 != 0 && ! -s $2 ]] && grep -q "another media export is running" "$3"' _ "$status" \
    "$work/aws-calls.log" "$work/run.err"
}

test_empty_uploads() {
  local empty=$work/i-empty-uploads
  mkdir -p -- "$empty/var/www/fleetpress/current/wp-content/uploads"
  migration=m-empty-folder run_root=$empty export_media
  check "an empty uploads folder exports 0 shards and migration.json alone" \
    bash -c '[[ $1 == 0 && $(<"$2") == "FLEETPRESS_RESULT migration=m-empty-folder shards=0 files=0 bytes=0 uploaded=0 skipped_shards=0" ]]' \
    _ "$status" "$work/run.out"
  check "an empty export makes one listing and one upload" calls_are 1 0 1
}

main() {
  require_tools "${TOOLS[@]}"
  setup
  test_static
  test_bad_parameters_stop_before_anything
  test_fresh_export
  test_rerun_uploads_nothing
  test_rerun_uploads_only_a_missing_shard
  test_rerun_notices_a_changed_file
  test_concurrent_export_refused
  test_empty_uploads
  printf '%d passed, %d failed (%d s)\n' "$passed" "$failed" "$((SECONDS - started))"
  ((failed == 0))
}

main "$@"
