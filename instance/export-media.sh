#!/usr/bin/env bash
# FleetPress media export: packs this instance's uploads folder into tar shards for the importer.
#
# Run by SSM Run Command (template.yaml MediaExportDocument, which inlines this file byte for byte)
# on one instance, on EC2 (instance root /) and in localcloud's instance sandboxes
# (FLEETPRESS_INSTANCE_ROOT, which prefixes UploadsPath). It walks the uploads folder (regular
# files only, symlinks never followed), sorted by path, groups the files into shards whose tar is
# at most ShardMegabytes MiB (a bigger file gets a shard of its own), and uploads, one shard at a
# time (only that shard is ever on disk):
#
#   s3://<bucket>/_migration/<id>/shard-NNNNN.json  the shard's entries: path, size, sha256
#   s3://<bucket>/_migration/<id>/shard-NNNNN.tar   exactly those files, uploaded after its .json
#   s3://<bucket>/_migration/<id>/migration.json    counts and the skipped entries, uploaded last
#
# The same folder gives the same shards, so a rerun skips every shard whose .tar has the size its
# tar would have and whose .json lists the same paths and sizes. instance/README.md has the formats.
# Last stdout line on success:
# FLEETPRESS_RESULT migration=<id> shards=<S> files=<F> bytes=<B> uploaded=<n> skipped_shards=<k>
set -euo pipefail
export LC_ALL=C
# aws CLI v2 would otherwise hand its output to a pager.
export AWS_PAGER=''

# SSM substitutes these placeholders before running the script. The document's allowedPattern
# already constrains them; they are validated again below because this script must not trust
# whoever rendered it.
migration_id='{{ MigrationId }}'
media_bucket='{{ MediaBucket }}'
uploads_path='{{ UploadsPath }}'
shard_megabytes='{{ ShardMegabytes }}'

# The tar layout the planned sizes assume: GNU format (a name over 100 bytes gets a ././@LongLink
# member before it), 512-byte blocks, 20 blocks a record; the archive ends with two zero blocks
# and is padded to a whole record.
readonly TAR_BLOCK=512
readonly TAR_RECORD=10240
readonly TAR_END=$((2 * TAR_BLOCK))
# Valid UTF-8 (no overlongs, no surrogates, nothing above U+10FFFF): S3 keys and JSON strings
# hold nothing else. NUL cannot occur in a file name.
readonly UTF8=$'^([\x01-\x7f]|[\xc2-\xdf][\x80-\xbf]|\xe0[\xa0-\xbf][\x80-\xbf]|[\xe1-\xec\xee\xef][\x80-\xbf]{2}|\xed[\x80-\x9f][\x80-\xbf]|\xf0[\x90-\xbf][\x80-\xbf]{2}|[\xf1-\xf3][\x80-\xbf]{3}|\xf4[\x80-\x8f][\x80-\xbf]{2})*$'

fail() {
  printf 'fleetpress-export: %s\n' "$*" >&2
  exit 1
}

warn() {
  printf 'fleetpress-export: warning: %s\n' "$*" >&2
}

# Progress goes to stderr: stdout carries only the result line.
log() {
  printf 'fleetpress-export: %s\n' "$*" >&2
}

# require_match NAME VALUE REGEX: VALUE (the parameter NAME) must match REGEX.
require_match() {
  local name=$1 value=$2 regex=$3
  [[ $value =~ $regex ]] || fail "$name=$(printf '%q' "$value") does not match $regex"
}

validate_parameters() {
  require_match MigrationId "$migration_id" '^m-[a-z0-9-]{4,60}$'
  require_match MediaBucket "$media_bucket" '^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$'
  require_match UploadsPath "$uploads_path" '^/[A-Za-z0-9_./-]{1,255}$'
  require_match ShardMegabytes "$shard_megabytes" '^[1-9][0-9]{0,3}$'
  # The pattern allows these, but a path with them could leave the instance root (or the
  # folder WordPress writes to).
  [[ $uploads_path != *..* && $uploads_path != *//* ]] \
    || fail "UploadsPath=$uploads_path must not contain '..' or '//'"
  if [[ -n ${FLEETPRESS_ENVIRONMENT-} ]]; then
    require_match FLEETPRESS_ENVIRONMENT "$FLEETPRESS_ENVIRONMENT" '^[a-z][a-z0-9-]{0,31}$'
  fi
}

# Paths under the instance root. On EC2 the root is /; localcloud gives each instance a folder.
set_paths() {
  local root=${FLEETPRESS_INSTANCE_ROOT:-/}
  [[ $root == /* ]] || fail "FLEETPRESS_INSTANCE_ROOT=$root is not an absolute path"
  [[ -d $root ]] || fail "FLEETPRESS_INSTANCE_ROOT=$root is not a directory"
  root=${root%/}
  uploads=$root${uploads_path%/}
  state=$root/var/lib/fleetpress
  prefix=_migration/$migration_id/
  # The folder itself may be reached through symlinks (current -> releases/<id>, uploads on a
  # shared mount); below it, nothing is followed.
  [[ -d $uploads ]] || fail "UploadsPath $uploads is not a directory"
  mkdir -p -- "$state"
}

# One export at a time per instance: SSM may deliver the command twice, and two exports would
# race on the same shards. Not bootstrap's lock: an export can take hours and must not hold up
# a bootstrap or drain (it reads uploads, which they do not change).
take_lock() {
  if command -v flock >/dev/null; then
    exec 9>>"$state/export.lock"
    flock -n 9 || fail "another media export is running on this instance ($state/export.lock); wait for it, then run this one again (it resumes)"
  else
    warn "flock is not installed; running without the export lock"
  fi
}

# Region for the aws CLI: the environment's, else the instance's from IMDSv2 (SSM's environment
# on EC2 has none).
set_region() {
  local token
  if [[ -n ${AWS_REGION-} || -n ${AWS_DEFAULT_REGION-} ]]; then
    export AWS_DEFAULT_REGION=${AWS_DEFAULT_REGION:-$AWS_REGION}
    return
  fi
  command -v curl >/dev/null || fail "AWS_REGION is not set and curl is missing to read it from instance metadata"
  token=$(curl -fsS --max-time 5 -X PUT -H 'X-aws-ec2-metadata-token-ttl-seconds: 60' \
    http://169.254.169.254/latest/api/token) || fail "cannot get an instance metadata token (IMDSv2)"
  AWS_DEFAULT_REGION=$(curl -fsS --max-time 5 -H "X-aws-ec2-metadata-token: $token" \
    http://169.254.169.254/latest/meta-data/placement/region) || fail "cannot read the region from instance metadata"
  [[ $AWS_DEFAULT_REGION =~ ^[a-z0-9-]{1,32}$ ]] || fail "instance metadata gave a strange region: $AWS_DEFAULT_REGION"
  export AWS_DEFAULT_REGION
}

# The endpoint option keeps awscli v1 and v2 working alike: v2 before 2.13 ignores
# AWS_ENDPOINT_URL_*, so localcloud's endpoint is passed explicitly.
aws_s3() {
  aws ${AWS_ENDPOINT_URL_S3:+--endpoint-url "$AWS_ENDPOINT_URL_S3"} s3 "$@"
}

# last_line FILE: the last non-empty line of FILE (an aws CLI error), or "no message".
last_line() {
  local line
  line=$(grep -v '^[[:space:]]*$' -- "$1" 2>/dev/null | tail -n 1) || true
  printf '%s' "${line:-no message}"
}

# upload FILE KEY: one aws call; the CLI switches to multipart uploads above 8 MB by itself.
upload() {
  aws_s3 cp --only-show-errors "$1" "s3://$media_bucket/$2" 2>"$work/aws.err" \
    || fail "cannot upload s3://$media_bucket/$2: $(last_line "$work/aws.err")"
}

# json_string VALUE: VALUE as a JSON string literal. Exported names are valid UTF-8 without
# control characters or backslashes, so only quotes need escaping; skipped names may hold
# anything, so control characters become \u00XX and, in a name that is not UTF-8, so does every
# byte above 0x7f (read as Latin-1: the JSON stays valid and the name recognisable).
json_string() {
  local s=$1 escaped='' c i utf8=1
  [[ $s =~ $UTF8 ]] || utf8=0
  s=${s//\\/\\\\}
  s=${s//\"/\\\"}
  if [[ $s == *[[:cntrl:]]* ]] || ((utf8 == 0)); then
    for ((i = 0; i < ${#s}; i++)); do
      c=${s:i:1}
      if [[ $c == [[:cntrl:]] ]] || { ((utf8 == 0)) && [[ $c == [^[:print:]] ]]; }; then
        printf -v c '\\u%04x' "'$c"
      fi
      escaped+=$c
    done
    s=$escaped
  fi
  printf '"%s"' "$s"
}

# skip PATH REASON: leaves PATH out of the export; migration.json lists it with the reason.
skip() {
  skipped_paths+=("$1")
  skipped_reasons+=("$2")
}

# walk: files/sizes (sorted by path) of what is exported, skipped_* for what is not.
walk() {
  local record rest path kind size
  files=()
  sizes=()
  skipped_paths=()
  skipped_reasons=()
  # find -P (the default) never follows symlinks. Each record is "<path>\t<type>\t<size>", read
  # from the right, so any name parses; exported names have no control characters, so the tab
  # sorts below every byte they hold and the records sort by path.
  (cd -- "$uploads" && find . -mindepth 1 ! -type d -printf '%P\t%y\t%s\0') >"$work/walk" 2>"$work/find.err" \
    || fail "cannot walk $uploads: $(last_line "$work/find.err")"
  while IFS= read -r -d '' record; do
    size=${record##*$'\t'}
    rest=${record%$'\t'*}
    kind=${rest##*$'\t'}
    path=${rest%$'\t'*}
    case $kind in
      f) ;;
      l) skip "$path" "symbolic link (never followed)"; continue ;;
      p) skip "$path" "named pipe"; continue ;;
      s) skip "$path" "socket"; continue ;;
      b | c) skip "$path" "device"; continue ;;
      *) skip "$path" "not a regular file"; continue ;;
    esac
    if [[ $path == *[[:cntrl:]\\]* ]]; then
      skip "$path" "name contains a line break, backslash or control character"
    elif ! [[ $path =~ $UTF8 ]]; then
      skip "$path" "name is not UTF-8"
    elif [[ ! -r $uploads/$path ]]; then
      skip "$path" "not readable"
    else
      files+=("$path")
      sizes+=("$size")
    fi
  done < <(sort -z -- "$work/walk")
  rm -f -- "$work/walk"
}

# plan: shard_first/shard_count/shard_tar (0-based, shard N at N-1) from files in order: a shard
# takes files while its tar stays within the limit; a file too big for any shard gets its own.
# Only names and sizes count, so an unchanged folder always gives the same shards.
plan() {
  local limit=$((shard_megabytes * 1048576)) i path member used=0 count=0 first=0
  shard_first=()
  shard_count=()
  shard_tar=()
  total_bytes=0
  for i in "${!files[@]}"; do
    path=${files[i]}
    member=$((TAR_BLOCK + (sizes[i] + TAR_BLOCK - 1) / TAR_BLOCK * TAR_BLOCK))
    if ((${#path} > 100)); then
      member=$((member + TAR_BLOCK + (${#path} + TAR_BLOCK) / TAR_BLOCK * TAR_BLOCK))
    fi
    if ((count > 0 && (used + member + TAR_END + TAR_RECORD - 1) / TAR_RECORD * TAR_RECORD > limit)); then
      shard_first+=("$first")
      shard_count+=("$count")
      shard_tar+=($(((used + TAR_END + TAR_RECORD - 1) / TAR_RECORD * TAR_RECORD)))
      first=$i
      used=0
      count=0
    fi
    used=$((used + member))
    count=$((count + 1))
    total_bytes=$((total_bytes + sizes[i]))
  done
  if ((count > 0)); then
    shard_first+=("$first")
    shard_count+=("$count")
    shard_tar+=($(((used + TAR_END + TAR_RECORD - 1) / TAR_RECORD * TAR_RECORD)))
  fi
}

# read_remote: what an earlier run left under the prefix, in one listing (sizes by name); the
# .json of the shards that look complete come in one more call, only when there are such shards.
read_remote() {
  local status=0 size name n candidates=0
  declare -gA remote_size=()
  aws_s3 ls "s3://$media_bucket/$prefix" >"$work/ls" 2>"$work/aws.err" || status=$?
  # s3 ls exits 1 without a word when nothing is under the prefix: a new migration.
  if ((status != 0)) && ! [[ $status == 1 && ! -s $work/ls && $(last_line "$work/aws.err") == 'no message' ]]; then
    fail "cannot list s3://$media_bucket/$prefix: $(last_line "$work/aws.err")"
  fi
  # Lines are "<date> <time> <size> <name>" ("PRE <folder>/" for folders, skipped here).
  while read -r _ _ size name; do
    [[ $size =~ ^[0-9]+$ && $name =~ ^(shard-[0-9]{5}\.(tar|json)|migration\.json)$ ]] || continue
    remote_size[$name]=$size
  done <"$work/ls"
  for n in "${!shard_tar[@]}"; do
    printf -v name 'shard-%05d' $((n + 1))
    [[ ${remote_size[$name.tar]-} == "${shard_tar[n]}" && -n ${remote_size[$name.json]-} ]] && candidates=$((candidates + 1))
  done
  mkdir -- "$work/remote"
  ((candidates > 0)) || return 0
  aws_s3 cp --only-show-errors --recursive --exclude '*' --include 'shard-?????.json' \
    "s3://$media_bucket/$prefix" "$work/remote/" 2>"$work/aws.err" \
    || fail "cannot download the shard manifests under s3://$media_bucket/$prefix: $(last_line "$work/aws.err")"
}

# write_shard_json N FILE [with-hashes]: shard N's manifest (sha256 from hashes, in entry order);
# without with-hashes, its skeleton (no "sha256" fields), which a rerun compares with the
# uploaded manifest.
write_shard_json() {
  local n=$1 file=$2 i first=${shard_first[$1 - 1]} count=${shard_count[$1 - 1]} sep='' sha path
  shift 2
  {
    printf '{"formatVersion":1,"migrationId":"%s","shard":%d,\n "entries":[' "$migration_id" "$n"
    for ((i = 0; i < count; i++)); do
      path=${files[first + i]}
      sha=''
      (($# == 0)) || sha=",\"sha256\":\"${hashes[i]}\""
      printf '%s\n  {"path":"%s","size":%d%s}' "$sep" "${path//\"/\\\"}" "${sizes[first + i]}" "$sha"
      sep=','
    done
    printf ']}\n'
  } >"$file"
}

# already_uploaded N: shard N's .tar has the size this run's tar would have and its .json lists
# the same paths and sizes in the same order (sha256 aside: comparing it would mean reading
# every file again).
already_uploaded() {
  local n=$1 name
  printf -v name 'shard-%05d' "$n"
  [[ ${remote_size[$name.tar]-} == "${shard_tar[n - 1]}" && -f $work/remote/$name.json ]] || return 1
  write_shard_json "$n" "$work/skeleton.json"
  sed -E 's/,"sha256":"[0-9a-f]{64}"//' -- "$work/remote/$name.json" | cmp -s - "$work/skeleton.json"
}

# export_shard N: hashes, packs and uploads shard N (its .json first: the importer starts on the
# .tar and reads the .json beside it), then deletes both locally.
export_shard() {
  local n=$1 name first=${shard_first[$1 - 1]} count=${shard_count[$1 - 1]} i line status=0 bytes
  printf -v name 'shard-%05d' "$n"
  printf '%s\0' "${files[@]:first:count}" >"$work/$name.list"
  # Exported names hold no backslash or line break, so sha256sum prints them unescaped, in order.
  (cd -- "$uploads" && xargs -0 -r sha256sum -- <"$work/$name.list") >"$work/$name.sha256" 2>"$work/hash.err" \
    || fail "cannot hash the files of $name: $(last_line "$work/hash.err")"
  hashes=()
  i=0
  while IFS= read -r line; do
    [[ ${line:66} == "${files[first + i]}" ]] || fail "sha256sum listed $(printf '%q' "${line:66}") where $name has $(printf '%q' "${files[first + i]}")"
    hashes+=("${line:0:64}")
    i=$((i + 1))
  done <"$work/$name.sha256"
  ((i == count)) || fail "sha256sum hashed $i of the $count files of $name"
  write_shard_json "$n" "$work/$name.json" with-hashes

  # Relative names from the list only (no directories, nothing recursed into; --null also reads
  # them verbatim, so a name starting with '-' is no option); owner 0 so the archive says nothing
  # about this instance's users; hard links stored as files (the importer takes regular files only).
  tar --create --format=gnu --blocking-factor=$((TAR_RECORD / TAR_BLOCK)) --file="$work/$name.tar" \
    --directory="$uploads" --null --no-recursion --files-from="$work/$name.list" \
    --owner=0 --group=0 --numeric-owner --hard-dereference 2>"$work/tar.err" || status=$?
  # GNU tar exits 1 when a file changed while it was read: its manifest entry could be wrong.
  ((status == 0)) || fail "cannot pack $name (tar exited $status: $(last_line "$work/tar.err")); if a file changed meanwhile, run the export again (it resumes)"
  bytes=$(stat -c %s -- "$work/$name.tar")
  [[ $bytes == "${shard_tar[n - 1]}" ]] \
    || fail "$name packed to $bytes bytes, not the planned ${shard_tar[n - 1]}: a file changed size meanwhile; run the export again (it resumes)"

  upload "$work/$name.json" "$prefix$name.json"
  upload "$work/$name.tar" "$prefix$name.tar"
  rm -f -- "$work/$name.list" "$work/$name.sha256" "$work/$name.json" "$work/$name.tar"
}

# write_migration FILE: the export's summary; its upload says every shard is in place.
write_migration() {
  local file=$1 i sep='' environment=null
  [[ -z ${FLEETPRESS_ENVIRONMENT-} ]] || environment="\"$FLEETPRESS_ENVIRONMENT\""
  {
    printf '{"formatVersion":1,"migrationId":"%s","shards":%d,"files":%d,"bytes":%d,"environment":%s,"exportedAt":"%s",\n "skipped":[' \
      "$migration_id" "${#shard_tar[@]}" "${#files[@]}" "$total_bytes" "$environment" "$(date -u +%Y-%m-%dT%H:%M:%SZ)"
    for i in "${!skipped_paths[@]}"; do
      printf '%s\n  {"path":%s,"reason":"%s"}' "$sep" "$(json_string "${skipped_paths[i]}")" "${skipped_reasons[i]}"
      sep=','
    done
    printf ']}\n'
  } >"$file"
}

cleanup() {
  if [[ -n ${work-} ]]; then
    rm -rf -- "$work"
  fi
}

main() {
  local shards n name uploaded=0 already=0 stale=
  work=''
  validate_parameters
  set_paths
  take_lock
  trap cleanup EXIT
  # Leftovers of an interrupted export (we hold the export lock).
  find "$state" -mindepth 1 -maxdepth 1 -name '.export.*' -exec rm -rf -- {} +
  set_region
  work=$(mktemp -d "$state/.export.XXXXXX")

  walk
  plan
  shards=${#shard_tar[@]}
  log "$uploads: ${#files[@]} files ($total_bytes bytes) in $shards shards of at most $shard_megabytes MiB; ${#skipped_paths[@]} skipped"
  read_remote
  for ((n = 1; n <= shards; n++)); do
    # Shard names have 5 digits, from 1: shard-00001.
    printf -v name 'shard-%05d' "$n"
    if already_uploaded "$n"; then
      already=$((already + 1))
      log "$name/$shards: ${shard_count[n - 1]} files, ${shard_tar[n - 1]} bytes: already uploaded"
    else
      export_shard "$n"
      uploaded=$((uploaded + 1))
      log "$name/$shards: ${shard_count[n - 1]} files, ${shard_tar[n - 1]} bytes: uploaded"
    fi
  done
  # Shards past the last one come from an earlier run over more files; migration.json's count
  # says which ones belong to this export.
  for name in "${!remote_size[@]}"; do
    if [[ $name =~ ^shard-([0-9]{5})\.tar$ ]] && ((10#${BASH_REMATCH[1]} > shards)); then
      stale+=" $name"
    fi
  done
  [[ -z $stale ]] || warn "s3://$media_bucket/$prefix also holds$stale from an earlier run over more files; this export has $shards shards"

  write_migration "$work/migration.json"
  upload "$work/migration.json" "${prefix}migration.json"
  log "exported $migration_id to s3://$media_bucket/$prefix: $uploaded shards uploaded, $already already there"
  printf 'FLEETPRESS_RESULT migration=%s shards=%d files=%d bytes=%d uploaded=%d skipped_shards=%d\n' \
    "$migration_id" "$shards" "${#files[@]}" "$total_bytes" "$uploaded" "$already"
}

main "$@"
