#!/usr/bin/env bash
# FleetPress capture: packs this instance's live webroot (a site still served from EFS or another
# shared disk) into a release of kind "captured", as buildspec.yml packs a commit.
#
# Run by SSM Run Command (template.yaml CaptureReleaseDocument, which inlines this file byte for
# byte) on one instance of the environment, on EC2 (instance root /) and in localcloud's instance
# sandboxes (FLEETPRESS_INSTANCE_ROOT, which prefixes WebrootPath). It only reads the webroot
# (symlinks below it are never followed) and leaves out what is not code: wp-content/uploads,
# caches, secrets, .git, logs (instance/README.md has the full list). Then it uploads:
#
#   s3://<bucket>/captures/<CaptureId>/release.tar.gz  the files, reproducibly packed
#   s3://<bucket>/captures/<CaptureId>/manifest.json   as buildspec.yml writes it, kind "captured"; last
#   s3://<bucket>/captures/<CaptureId>.json            what was captured, excluded and mounted here
#
# An instance never writes under releases/ (its role cannot): EfsFunction verifies the capture and
# copies it to releases/<id>/ itself (ReleasePipeline.acceptCaptured), so no instance can change a
# release the fleet installs.
#
# The webroot is read once (packed, then hashed from the packed copy). The release id is r- and the
# first 12 hex digits of the sha256 of the sorted listing of every packed entry's path, content
# (sha256, link target or "directory") and mode, so an unchanged webroot gives the same id; when
# releases/<id>/ already holds that release (instances may read releases), nothing but the record is
# uploaded, and the record says "alreadyReleased": true.
# Last stdout line on success:
# FLEETPRESS_RESULT capture=<CaptureId> release=<id> files=<n> bytes=<b> uploaded=<true|false>
set -euo pipefail
export LC_ALL=C
# aws CLI v2 would otherwise hand its output to a pager.
export AWS_PAGER=''

# SSM substitutes these placeholders before running the script. The document's allowedPattern
# already constrains them; they are validated again below because this script must not trust
# whoever rendered it.
capture_id='{{ CaptureId }}'
release_bucket='{{ ReleaseBucket }}'
environment='{{ Environment }}'
webroot_path='{{ WebrootPath }}'

# Every file of the tarball gets this time (1980-01-01T00:00:00Z): the same webroot must pack to
# the same bytes on any instance and on any run, whatever its files' times.
readonly PACK_MTIME=315532800
# The reasons an entry is left out, as captures/<CaptureId>.json counts them (all always present).
readonly REASONS=(uploads caches secrets git logs fleetpressRecords symlinksOutsideWebroot unsafeNames specialFiles unreadable)
# Names a WordPress plugin or theme directory must have for the release's manifest to be valid
# (dev.fleetpress.release.Manifest's slug pattern); others are packed but not listed.
readonly SLUG='^[A-Za-z0-9][A-Za-z0-9._-]{0,199}$'
# How many excluded paths are named on stderr (SSM keeps 8,000 characters of it).
readonly MAX_NAMED=40

fail() {
  printf 'fleetpress-capture: %s\n' "$*" >&2
  exit 1
}

warn() {
  printf 'fleetpress-capture: warning: %s\n' "$*" >&2
}

# Progress goes to stderr: stdout carries only the result line.
log() {
  printf 'fleetpress-capture: %s\n' "$*" >&2
}

# require_match NAME VALUE REGEX: VALUE (the parameter NAME) must match REGEX.
require_match() {
  local name=$1 value=$2 regex=$3
  [[ $value =~ $regex ]] || fail "$name=$(printf '%q' "$value") does not match $regex"
}

validate_parameters() {
  require_match CaptureId "$capture_id" '^c-[a-z0-9-]{4,60}$'
  require_match ReleaseBucket "$release_bucket" '^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$'
  require_match Environment "$environment" '^[a-z][a-z0-9-]{0,31}$'
  require_match WebrootPath "$webroot_path" '^/[A-Za-z0-9_./-]{1,255}$'
  # The pattern allows these, but a path with them could leave the instance root.
  [[ $webroot_path != *..* && $webroot_path != *//* ]] \
    || fail "WebrootPath=$webroot_path must not contain '..' or '//'"
  webroot_path=${webroot_path%/}
  [[ -n $webroot_path ]] || fail "WebrootPath=/ would capture the whole instance; name the site's webroot, such as /var/www/html"
}

# Paths under the instance root. On EC2 the root is /; localcloud gives each instance a folder.
set_paths() {
  root=${FLEETPRESS_INSTANCE_ROOT:-/}
  [[ $root == /* ]] || fail "FLEETPRESS_INSTANCE_ROOT=$root is not an absolute path"
  [[ -d $root ]] || fail "FLEETPRESS_INSTANCE_ROOT=$root is not a directory"
  root=${root%/}
  webroot=$root$webroot_path
  state=$root/var/lib/fleetpress
  # The webroot itself may be reached through symlinks (a mount elsewhere); below it, nothing is
  # followed. Everything below works on its real path.
  [[ -d $webroot ]] || fail "the webroot $webroot_path does not exist on this instance (or is not a directory)"
  webroot_real=$(cd -P -- "$webroot" && pwd) || fail "cannot enter the webroot $webroot_path"
  [[ -f $webroot_real/wp-includes/version.php && ! -L $webroot_real/wp-includes/version.php ]] \
    || fail "the webroot $webroot_path has no wp-includes/version.php: it is not a WordPress site's root"
  mkdir -p -- "$state"
}

# One capture at a time per instance: SSM may deliver the command twice.
take_lock() {
  if command -v flock >/dev/null; then
    exec 9>>"$state/capture.lock"
    flock -n 9 || fail "another capture is running on this instance ($state/capture.lock); wait for it, then run this one again"
  else
    warn "flock is not installed; running without the capture lock"
  fi
}

# imds PATH: one instance metadata value through IMDSv2 (token first, fetched once).
imds() {
  command -v curl >/dev/null || fail "curl is missing to read $1 from instance metadata"
  if [[ -z ${imds_token-} ]]; then
    imds_token=$(curl -fsS --max-time 5 -X PUT -H 'X-aws-ec2-metadata-token-ttl-seconds: 60' \
      http://169.254.169.254/latest/api/token) || fail "cannot get an instance metadata token (IMDSv2)"
  fi
  curl -fsS --max-time 5 -H "X-aws-ec2-metadata-token: $imds_token" "http://169.254.169.254/latest/meta-data/$1" \
    || fail "cannot read $1 from instance metadata"
}

# The instance id goes into the manifest and the capture record; localcloud sets it, EC2 answers
# it from metadata. The region comes from the environment, else from metadata.
set_identity() {
  instance_id=${FLEETPRESS_INSTANCE_ID:-$(imds instance-id)}
  [[ $instance_id =~ ^i-[0-9a-f]{8,17}$ ]] || fail "instance id $(printf '%q' "$instance_id") does not match ^i-[0-9a-f]{8,17}\$"
  if [[ -n ${AWS_REGION-} || -n ${AWS_DEFAULT_REGION-} ]]; then
    export AWS_DEFAULT_REGION=${AWS_DEFAULT_REGION:-$AWS_REGION}
  else
    AWS_DEFAULT_REGION=$(imds placement/region)
    [[ $AWS_DEFAULT_REGION =~ ^[a-z0-9-]{1,32}$ ]] || fail "instance metadata gave a strange region: $AWS_DEFAULT_REGION"
    export AWS_DEFAULT_REGION
  fi
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

upload() {
  aws_s3 cp --only-show-errors "$1" "s3://$release_bucket/$2" 2>"$work/aws.err" \
    || fail "cannot upload s3://$release_bucket/$2: $(last_line "$work/aws.err")"
}

# json_string VALUE: VALUE as a JSON string literal (quotes, backslashes and control characters
# escaped; other bytes are copied, so UTF-8 text stays UTF-8), as buildspec.yml writes them.
json_string() {
  local s=$1 escaped='' c i
  s=${s//\\/\\\\}
  s=${s//\"/\\\"}
  if [[ $s == *[[:cntrl:]]* ]]; then
    for ((i = 0; i < ${#s}; i++)); do
      c=${s:i:1}
      if [[ $c == [[:cntrl:]] ]]; then
        printf -v c '\\u%04x' "'$c"
      fi
      escaped+=$c
    done
    s=$escaped
  fi
  printf '"%s"' "$s"
}

# exclude REASON PATH [TARGET]: leaves PATH (and, for a directory, all below it; TARGET for a
# symlink) out of the release. Names that may hold anything are shown shell-quoted.
exclude() {
  excluded[$1]=$((${excluded[$1]} + 1))
  case $1 in
    uploads | caches | git | fleetpressRecords) ;;
    *)
      named=$((named + 1))
      if ((named <= MAX_NAMED)); then
        log "left out ($1): $(printf '%q' "$2")${3:+ -> $(printf '%q' "$3")}"
      elif ((named == MAX_NAMED + 1)); then
        log "left out: more paths not named"
      fi
      ;;
  esac
}

# symlink_stays_inside PATH TARGET: a relative link whose resolution (through any other links)
# ends inside the webroot. An absolute target points outside the release once it is installed
# elsewhere, so it never qualifies.
symlink_stays_inside() {
  local target=$2 resolved
  [[ $target != /* && -n $target ]] || return 1
  resolved=$(realpath -m -- "$webroot_real/$1") || return 1
  [[ $resolved == "$webroot_real" || $resolved == "$webroot_real"/* ]]
}

# walk: the entries that make the release (paths, kinds, modes, sizes, link targets) and the
# counts of those left out. One find over the webroot: excluded folders are pruned (never read),
# and each record is "<kind>\t<mode>\t<size>\t<path>\t<link target>" or "X\t<reason>\t<path>".
# Names with control characters are pruned first, so the other records' paths hold no tab.
walk() {
  local record kind mode size rest path target reason
  declare -gA excluded=()
  for reason in "${REASONS[@]}"; do excluded[$reason]=0; done
  named=0
  paths=()
  kinds=()
  modes=()
  sizes=()
  targets=()
  (cd -- "$webroot_real" && find . -mindepth 1 \
    \( -path '*/wp-content/uploads' -printf 'X\tuploads\t%P\0' -prune \) -o \
    \( -path ./.fleetpress -printf 'X\tfleetpressRecords\t%P\0' -prune \) -o \
    \( \( -name '*[[:cntrl:]]*' -o -name '*\\*' \) -printf 'X\tunsafeNames\t%P\0' -prune \) -o \
    \( -type d \( -path ./wp-content/cache -o -path ./wp-content/upgrade -o -path ./wp-content/upgrade-temp-backup \
      -o \( -path './wp-content/*' ! -path './wp-content/*/*' -iname '*cache*' \) \) -printf 'X\tcaches\t%P\0' -prune \) -o \
    \( -name .git -printf 'X\tgit\t%P\0' -prune \) -o \
    \( \( -iname 'wp-config.php*' -o \( -ipath './wp-config*' ! -path './*/*' ! -type d ! -name wp-config-sample.php \) -o -iname '.env*' -o -iname '*.pem' -o -iname '*.key' \
      -o -iname .htpasswd -o -iname '*.sql' -o -iname '*.sql.gz' -o -name 'id_rsa*' -o -name 'id_dsa*' -o -name 'id_ecdsa*' \
      -o -name 'id_ed25519*' -o -name .ssh -o -name .aws \) -printf 'X\tsecrets\t%P\0' -prune \) -o \
    \( ! -type d \( -iname '*.log' -o -iname '*.log.[0-9]*' -o -iname '*.log.gz' -o -name error_log -o -name php_errorlog \) \
      -printf 'X\tlogs\t%P\0' \) -o \
    -printf '%y\t%m\t%s\t%P\t%l\0') >"$work/walk" 2>"$work/find.err" \
    || fail "cannot walk the webroot $webroot_path: $(last_line "$work/find.err")"
  while IFS= read -r -d '' record; do
    kind=${record%%$'\t'*}
    rest=${record#*$'\t'}
    if [[ $kind == X ]]; then
      exclude "${rest%%$'\t'*}" "${rest#*$'\t'}"
      continue
    fi
    mode=${rest%%$'\t'*}
    rest=${rest#*$'\t'}
    size=${rest%%$'\t'*}
    rest=${rest#*$'\t'}
    path=${rest%%$'\t'*}
    target=${rest#*$'\t'}
    case $kind in
      f)
        if [[ ! -r $webroot_real/$path ]]; then
          exclude unreadable "$path"
          continue
        fi
        ;;
      d) ;;
      l)
        if [[ $target == *[[:cntrl:]\\]* ]]; then
          exclude unsafeNames "$path" "$target"
          continue
        elif ! symlink_stays_inside "$path" "$target"; then
          exclude symlinksOutsideWebroot "$path" "$target"
          continue
        fi
        ;;
      *)
        exclude specialFiles "$path"
        continue
        ;;
    esac
    paths+=("$path")
    kinds+=("$kind")
    modes+=("$mode")
    sizes+=("$size")
    targets+=("$target")
  done <"$work/walk"
  rm -f -- "$work/walk"
}

# pack_and_list: reads the webroot once. Packs the kept entries, sorted by path bytes, into
# release.tar (reproducibly: owner 0, a fixed time, modes as buildspec.yml normalizes them less
# setuid/setgid/sticky, hard links stored as files), unpacks it into a local folder and hashes the
# files there, so the listing describes exactly what was packed. The listing, from which the
# release id is computed, has one line per kept entry sorted by path:
# "<path>\t<sha256 | symlink:<target> | directory>\t<mode>". Also sets file_count and file_bytes.
# The unpacked copy (work/tree) stays for the manifest's headers, read from what was packed.
pack_and_list() {
  local i line status=0 sep=$'\t'
  local -A sum_of=()
  for i in "${!paths[@]}"; do
    printf '%s\t%s\n' "${paths[i]}" "$i"
  done | sort -t "$sep" -k1,1 >"$work/order"
  cut -f 1 -- "$work/order" | tr '\n' '\0' >"$work/members"
  tar --create --format=gnu --directory="$webroot_real" --null --no-recursion --files-from="$work/members" \
    --owner=0 --group=0 --numeric-owner --mtime="@$PACK_MTIME" --mode='u+rw,go=rX,a-st' --hard-dereference \
    --file="$work/release.tar" 2>"$work/tar.err" || status=$?
  # GNU tar exits 1 when a file changed while it was read, 2 when one vanished.
  ((status == 0)) || fail "cannot pack the webroot (tar exited $status: $(last_line "$work/tar.err")); if files changed meanwhile, run the capture again"
  mkdir -- "$work/tree"
  tar --extract --file="$work/release.tar" --directory="$work/tree" --no-same-owner 2>"$work/tar.err" \
    || fail "cannot unpack the packed webroot to hash it: $(last_line "$work/tar.err")"
  # Kept names hold no backslash or line break, so sha256sum prints them unescaped.
  (cd -- "$work/tree" && find . -type f -printf '%P\0' | xargs -0 -r sha256sum --) >"$work/files.sha256" 2>"$work/hash.err" \
    || fail "cannot hash the packed files: $(last_line "$work/hash.err")"
  file_count=0
  while IFS= read -r line; do
    sum_of[${line:66}]=${line:0:64}
    file_count=$((file_count + 1))
  done <"$work/files.sha256"
  file_bytes=$( (cd -- "$work/tree" && find . -type f -printf '%s\n') | awk '{ total += $1 } END { printf "%d", total }')
  while IFS="$sep" read -r _ i; do
    case ${kinds[i]} in
      f)
        [[ -n ${sum_of[${paths[i]}]-} ]] || fail "$(printf '%q' "${paths[i]}") was packed but not found unpacked; run the capture again"
        printf '%s\t%s\t%s\n' "${paths[i]}" "${sum_of[${paths[i]}]}" "${modes[i]}"
        ;;
      l) printf '%s\tsymlink:%s\t%s\n' "${paths[i]}" "${targets[i]}" "${modes[i]}" ;;
      *) printf '%s\tdirectory\t%s\n' "${paths[i]}" "${modes[i]}" ;;
    esac
  done <"$work/order" >"$work/listing"
  release_id=$(sha256sum <"$work/listing")
  release_id=r-${release_id:0:12}
}

# header_value FILE NAME: a WordPress file header's value, parsed as buildspec.yml does (first
# 8 KiB, case-insensitive, comment decoration and a trailing "*/" or "?>" removed), with control
# characters (such as a tab) turned into spaces. Empty when absent.
header_value() {
  local file=$1 name=$2 values
  values=$(head -c 8192 -- "$file" | tr '\r' '\n' \
    | sed -n -E "s/^([[:blank:]]*<\\?php)?[[:blank:]/*#@]*${name}:(.*)\$/\\2/Ip")
  values=${values%%$'\n'*}
  values=$(sed -E 's/[[:space:]]*(\*\/|\?>).*//; s/^[[:space:]]+//; s/[[:space:]]+$//' <<<"$values")
  printf '%s' "${values//[[:cntrl:]]/ }"
}

# wordpress_json: {"version","dbVersion"} from the packed wp-includes/version.php.
wordpress_json() {
  local file=$work/tree/wp-includes/version.php version db_version
  version=$(sed -n -E "s/^[[:blank:]]*\\\$wp_version[[:blank:]]*=[[:blank:]]*'([^']+)';.*/\\1/p" "$file")
  db_version=$(sed -n -E "s/^[[:blank:]]*\\\$wp_db_version[[:blank:]]*=[[:blank:]]*([0-9]+);.*/\\1/p" "$file")
  version=${version%%$'\n'*}
  db_version=${db_version%%$'\n'*}
  [[ -n $version && -n $db_version && ${#db_version} -le 15 ]] \
    || fail "wp-includes/version.php lacks \$wp_version or \$wp_db_version; cannot describe WordPress core"
  printf '{"version":%s,"dbVersion":%d}' "$(json_string "$version")" "$((10#$db_version))"
}

# components_json KIND: JSON array of {"slug","name","version"} sorted by slug, as buildspec.yml
# finds them, over the packed copy's kept files only (a symlink is never read):
#   plugins: directories right under a wp-content/plugins/ whose top-level .php file (the first
#            in name order) has a "Plugin Name:" header;
#   themes:  directories right under a wp-content/themes/ whose style.css has a "Theme Name:".
# A slug the manifest cannot carry is packed but not listed (with a warning), as is a header
# value over 500 bytes.
components_json() {
  local kind=$1 i dir slug name version file header_file entries=() sep='' entry
  local -A kept_file=()
  for i in "${!paths[@]}"; do
    if [[ ${kinds[i]} == f ]]; then kept_file[${paths[i]}]=1; fi
  done
  for i in "${!paths[@]}"; do
    dir=${paths[i]}
    [[ ${kinds[i]} == d && $dir =~ ^(.*/)?wp-content/$kind/[^/]+$ && ${BASH_REMATCH[1]} != *wp-content/$kind/* ]] || continue
    slug=${dir##*/}
    header_file=''
    name=''
    if [[ $kind == plugins ]]; then
      for file in "$work/tree/$dir"/*.php; do
        [[ -n ${kept_file[${file#"$work/tree/"}]-} ]] || continue
        name=$(header_value "$file" 'Plugin Name')
        if [[ -n $name ]]; then header_file=$file; break; fi
      done
    elif [[ -n ${kept_file[$dir/style.css]-} ]]; then
      name=$(header_value "$work/tree/$dir/style.css" 'Theme Name')
      if [[ -n $name ]]; then header_file=$work/tree/$dir/style.css; fi
    fi
    [[ -n $header_file ]] || continue
    version=$(header_value "$header_file" 'Version')
    if ! [[ $slug =~ $SLUG ]]; then
      warn "$kind/$(printf '%q' "$slug") is packed but not listed in the manifest: its name is not a plain slug"
      continue
    fi
    if ((${#name} > 500 || ${#version} > 500)); then
      warn "$kind/$slug is packed but not listed in the manifest: its header is over 500 bytes"
      continue
    fi
    if [[ -n $version ]]; then version=$(json_string "$version"); else version=null; fi
    entries+=("$slug"$'\t'"$(printf '{"slug":"%s","name":%s,"version":%s}' "$slug" "$(json_string "$name")" "$version")")
  done
  printf '['
  while IFS=$'\t' read -r slug entry; do
    [[ -n $slug ]] || continue
    printf '%s%s' "$sep" "$entry"
    sep=','
  done < <(printf '%s\n' "${entries[@]+"${entries[@]}"}" | sort -t $'\t' -k1,1 -s)
  printf ']'
}

# compress: release.tar.gz from release.tar (gzip without name or time: the same webroot gives
# the same bytes on any instance).
compress() {
  gzip -n -9 <"$work/release.tar" >"$work/release.tar.gz" || fail "cannot compress the release"
  rm -f -- "$work/release.tar"
  artifact_sha256=$(sha256sum "$work/release.tar.gz")
  artifact_sha256=${artifact_sha256%% *}
  artifact_bytes=$(stat -c %s -- "$work/release.tar.gz")
}

write_manifest() {
  local wordpress plugins themes
  # Each in its own assignment, so that a failure stops the capture.
  wordpress=$(wordpress_json)
  plugins=$(components_json plugins)
  themes=$(components_json themes)
  {
    printf '{"formatVersion":1'
    printf ',"releaseId":"%s"' "$release_id"
    printf ',"kind":"captured"'
    printf ',"capturedAt":"%s"' "$captured_at"
    printf ',"capturedFrom":"%s"' "$instance_id"
    printf ',"environment":"%s"' "$environment"
    printf ',\n "wordpress":%s' "$wordpress"
    printf ',\n "plugins":%s' "$plugins"
    printf ',\n "themes":%s' "$themes"
    printf ',\n "fileCount":%d' "$file_count"
    printf ',\n "artifact":{"key":"release.tar.gz","sha256":"%s","bytes":%d}}\n' "$artifact_sha256" "$artifact_bytes"
  } >"$work/manifest.json"
}

# manifest_field FILE KEY KIND: the one value of "KEY" (KIND string or number), read as
# bootstrap.sh reads it; empty when absent or present more than once.
manifest_field() {
  local values
  if [[ $3 == string ]]; then
    values=$(tr -d '\n' <"$1" | grep -o "\"$2\":[[:blank:]]*\"[^\"]*\"" | sed -E 's/^[^:]*:[[:blank:]]*"(.*)"$/\1/') || true
  else
    values=$(tr -d '\n' <"$1" | grep -o "\"$2\":[[:blank:]]*[0-9]\{1,15\}" | sed -E 's/^[^:]*:[[:blank:]]*//') || true
  fi
  if [[ $values != *$'\n'* ]]; then printf '%s' "$values"; fi
}

# already_released: releases/<id>/ holds this release complete (its manifest, copied there last by
# EfsFunction, is for this id and of kind captured, and the tarball has the size the manifest
# says), so the capture uploads nothing but its record. A listing that fails for any other reason
# than "nothing there" fails the run.
already_released() {
  local status=0 size name tarball_size='' has_manifest=0 remote_count
  aws_s3 ls "s3://$release_bucket/releases/$release_id/" >"$work/ls" 2>"$work/aws.err" || status=$?
  # s3 ls exits 1 without a word when nothing is under the prefix.
  if ((status != 0)); then
    [[ $status == 1 && ! -s $work/ls && $(last_line "$work/aws.err") == 'no message' ]] \
      || fail "cannot list s3://$release_bucket/releases/$release_id/: $(last_line "$work/aws.err")"
    return 1
  fi
  while read -r _ _ size name; do
    [[ $size =~ ^[0-9]+$ ]] || continue
    if [[ $name == manifest.json ]]; then has_manifest=1; fi
    if [[ $name == release.tar.gz ]]; then tarball_size=$size; fi
  done <"$work/ls"
  ((has_manifest)) || return 1
  aws_s3 cp --only-show-errors "s3://$release_bucket/releases/$release_id/manifest.json" "$work/remote-manifest.json" \
    2>"$work/aws.err" || fail "cannot download s3://$release_bucket/releases/$release_id/manifest.json: $(last_line "$work/aws.err")"
  if [[ $(manifest_field "$work/remote-manifest.json" releaseId string) != "$release_id" \
    || $(manifest_field "$work/remote-manifest.json" kind string) != captured ]]; then
    fail "s3://$release_bucket/releases/$release_id/manifest.json exists but is not this captured release: this webroot cannot become release $release_id"
  fi
  if [[ $(manifest_field "$work/remote-manifest.json" bytes number) != "$tarball_size" ]]; then
    warn "releases/$release_id/ holds a manifest whose tarball is missing or of another size; uploading the capture in full"
    return 1
  fi
  remote_count=$(manifest_field "$work/remote-manifest.json" fileCount number)
  [[ $remote_count == "$file_count" ]] \
    || fail "releases/$release_id/manifest.json counts $remote_count files, this webroot $file_count for the same id: this webroot cannot become release $release_id"
}

# unescape_mount FIELD: a /proc/mounts field with its octal escapes (\040 space, \011 tab,
# \012 line break, \134 backslash) decoded.
unescape_mount() {
  local s=$1 out='' c
  while [[ $s =~ ^([^\\]*)\\([0-7]{3})(.*)$ ]]; do
    printf -v c '%b' "\\0${BASH_REMATCH[2]}"
    out+=${BASH_REMATCH[1]}$c
    s=${BASH_REMATCH[3]}
  done
  printf '%s' "$out$s"
}

# mounts_json: the NFS (EFS) mounts of this instance from <root>/proc/mounts, as a JSON array;
# sets webroot_on_efs when the webroot (as named, or its real path under the instance root) is
# at or below one of their mount points.
mounts_json() {
  local source mount_point fs_type rest fs_id sep='' real_path='' path
  webroot_on_efs=false
  if [[ $webroot_real == "$root"/* ]]; then real_path=${webroot_real#"$root"}; fi
  [[ -r $root/proc/mounts ]] || { warn "$root/proc/mounts is not readable; no mounts recorded"; printf '[]'; return; }
  printf '['
  while read -r source mount_point fs_type rest; do
    [[ $fs_type == nfs4 || $fs_type == efs ]] || continue
    source=$(unescape_mount "$source")
    mount_point=$(unescape_mount "$mount_point")
    fs_id=null
    if [[ $source =~ ^(fs-[0-9a-f]{8,40})[.:] ]]; then fs_id="\"${BASH_REMATCH[1]}\""; fi
    printf '%s{"mountPoint":%s,"source":%s,"fsType":"%s","fileSystemId":%s}' "$sep" \
      "$(json_string "$mount_point")" "$(json_string "$source")" "$fs_type" "$fs_id"
    sep=','
    for path in "$webroot_path" "$real_path"; do
      [[ -n $path ]] || continue
      if [[ $mount_point == / || $path == "${mount_point%/}" || $path == "${mount_point%/}"/* ]]; then webroot_on_efs=true; fi
    done
  done <"$root/proc/mounts"
  printf ']'
}

write_capture() {
  local reason sep='' mounts
  # mounts_json sets webroot_on_efs, so it runs here rather than in a subshell of the printf.
  mounts_json >"$work/mounts.json"
  mounts=$(<"$work/mounts.json")
  {
    printf '{"formatVersion":1,"captureId":"%s","environment":"%s","instanceId":"%s","releaseId":"%s",' \
      "$capture_id" "$environment" "$instance_id" "$release_id"
    printf '"files":%d,"bytes":%d,"webrootPath":"%s","capturedAt":"%s",\n "excluded":{' \
      "$file_count" "$file_bytes" "$webroot_path" "$captured_at"
    for reason in "${REASONS[@]}"; do
      printf '%s"%s":%d' "$sep" "$reason" "${excluded[$reason]}"
      sep=','
    done
    printf '},\n "mounts":%s,\n "webrootOnEfs":%s,"alreadyReleased":%s}\n' "$mounts" "$webroot_on_efs" "$already"
  } >"$work/capture.json"
}

cleanup() {
  if [[ -n ${work-} ]]; then
    rm -rf -- "$work"
  fi
}

main() {
  local uploaded=false reason summary=''
  already=false
  work=''
  validate_parameters
  set_paths
  take_lock
  trap cleanup EXIT
  # Leftovers of an interrupted capture (we hold the capture lock).
  find "$state" -mindepth 1 -maxdepth 1 -name '.capture.*' -exec rm -rf -- {} +
  set_identity
  work=$(mktemp -d "$state/.capture.XXXXXX")
  captured_at=$(date -u +%Y-%m-%dT%H:%M:%SZ)

  walk
  pack_and_list
  for reason in "${REASONS[@]}"; do
    ((excluded[$reason] == 0)) || summary+=" $reason=${excluded[$reason]}"
  done
  log "$webroot_path: $file_count files ($file_bytes bytes), ${#paths[@]} entries: release $release_id; left out:${summary:- nothing}"
  if already_released; then
    already=true
    log "s3://$release_bucket/releases/$release_id/ already holds this release; only the capture record is uploaded"
  else
    compress
    write_manifest
    # The manifest last: its presence says the tarball is complete.
    upload "$work/release.tar.gz" "captures/$capture_id/release.tar.gz"
    upload "$work/manifest.json" "captures/$capture_id/manifest.json"
    uploaded=true
    log "uploaded $release_id to s3://$release_bucket/captures/$capture_id/ ($artifact_bytes bytes, sha256 $artifact_sha256); EfsFunction verifies it and copies it to releases/$release_id/"
  fi
  write_capture
  upload "$work/capture.json" "captures/$capture_id.json"
  log "recorded s3://$release_bucket/captures/$capture_id.json"
  printf 'FLEETPRESS_RESULT capture=%s release=%s files=%d bytes=%d uploaded=%s\n' \
    "$capture_id" "$release_id" "$file_count" "$file_bytes" "$uploaded"
}

main "$@"
