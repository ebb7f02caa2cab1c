#!/usr/bin/env bash
# FleetPress bootstrap: installs one release on this instance and makes it the running one.
#
# Run by SSM Run Command (template.yaml BootstrapDocument, which inlines this file byte for byte)
# on EC2, where the instance root is /, and by localcloud inside an instance sandbox, where
# FLEETPRESS_INSTANCE_ROOT names the folder standing for /. Steps: download the release and its
# manifest, verify sha256, size and release id, unpack into releases/<id> (via a temporary folder,
# so an interruption never leaves half a release), write wp-config.php from SSM parameters and link
# it into the release, switch the `current` symlink atomically, check health (switching back on
# failure), record the running release, prune old releases. Running it again for the installed
# release skips the download and redoes the rest. instance/README.md describes the layout.
#
# Last stdout line on success: FLEETPRESS_RESULT release=<id> environment=<env> files=<n>
set -euo pipefail
export LC_ALL=C
# aws CLI v2 would otherwise hand its output to a pager.
export AWS_PAGER=''

# SSM substitutes these placeholders before running the script. The document's allowedPattern
# already constrains them; they are validated again below because this script must not trust
# whoever rendered it.
release_id='{{ ReleaseId }}'
environment='{{ Environment }}'
release_bucket='{{ ReleaseBucket }}'
parameter_prefix='{{ ParameterPrefix }}'

# Releases kept besides the current one, for an instant rollback without a download.
readonly KEEP_PREVIOUS=3
# Seconds to wait for another bootstrap or drain on this instance to finish.
readonly LOCK_WAIT=600

fail() {
  printf 'fleetpress-bootstrap: %s\n' "$*" >&2
  exit 1
}

warn() {
  printf 'fleetpress-bootstrap: warning: %s\n' "$*" >&2
}

log() {
  printf 'fleetpress-bootstrap: %s\n' "$*"
}

# require_match NAME VALUE REGEX: VALUE (the parameter NAME) must match REGEX.
require_match() {
  local name=$1 value=$2 regex=$3
  [[ $value =~ $regex ]] || fail "$name=$(printf '%q' "$value") does not match $regex"
}

validate_parameters() {
  require_match ReleaseId "$release_id" '^r-[0-9a-f]{12}$'
  require_match Environment "$environment" '^[a-z][a-z0-9-]{0,31}$'
  require_match ReleaseBucket "$release_bucket" '^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$'
  require_match ParameterPrefix "$parameter_prefix" '^/[A-Za-z0-9_./-]{1,200}$'
  # The pattern allows these, but a path with them would read someone else's parameters.
  [[ $parameter_prefix != *..* && $parameter_prefix != *//* ]] \
    || fail "ParameterPrefix=$parameter_prefix must not contain '..' or '//'"
}

# Paths under the instance root. On EC2 the root is /; localcloud gives each instance a folder.
set_paths() {
  local root=${FLEETPRESS_INSTANCE_ROOT:-/}
  [[ $root == /* ]] || fail "FLEETPRESS_INSTANCE_ROOT=$root is not an absolute path"
  [[ -d $root ]] || fail "FLEETPRESS_INSTANCE_ROOT=$root is not a directory"
  root=${root%/}
  home=$root/var/www/fleetpress
  releases=$home/releases
  shared=$home/shared
  state=$root/var/lib/fleetpress
  release_dir=$releases/$release_id
  mkdir -p -- "$releases" "$shared" "$state"
}

# One bootstrap or drain at a time: SSM may deliver the same command twice, and a warm-pool
# instance gets a second bootstrap when it enters service. The lock is released at exit.
take_lock() {
  if command -v flock >/dev/null; then
    exec 9>>"$state/lock"
    flock -w "$LOCK_WAIT" 9 || fail "another bootstrap or drain held $state/lock for ${LOCK_WAIT}s"
  else
    warn "flock is not installed; running without the instance lock"
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

# The endpoint options keep awscli v1 and v2 working alike: v2 before 2.13 ignores
# AWS_ENDPOINT_URL_*, so localcloud's endpoints are passed explicitly.
aws_s3() {
  aws ${AWS_ENDPOINT_URL_S3:+--endpoint-url "$AWS_ENDPOINT_URL_S3"} s3 "$@"
}

aws_ssm() {
  aws ${AWS_ENDPOINT_URL_SSM:+--endpoint-url "$AWS_ENDPOINT_URL_SSM"} ssm "$@"
}

# last_line FILE: the last non-empty line of FILE (an aws CLI error), or "no message".
last_line() {
  local line
  line=$(grep -v '^[[:space:]]*$' -- "$1" 2>/dev/null | tail -n 1) || true
  printf '%s' "${line:-no message}"
}

# manifest_field FILE KEY KIND: the one value of "KEY" in the manifest (KIND string or number).
# buildspec.yml writes the manifest as one object whose strings have their quotes escaped, so a
# literal "KEY": can only be a key; a key found twice is refused rather than guessed.
manifest_field() {
  local file=$1 key=$2 kind=$3 values
  if [[ $kind == string ]]; then
    values=$(tr -d '\n' <"$file" | grep -o "\"$key\":[[:blank:]]*\"[^\"]*\"" \
      | sed -E 's/^[^:]*:[[:blank:]]*"(.*)"$/\1/') || true
  else
    values=$(tr -d '\n' <"$file" | grep -o "\"$key\":[[:blank:]]*[0-9]\{1,15\}" \
      | sed -E 's/^[^:]*:[[:blank:]]*//') || true
  fi
  [[ -n $values ]] || fail "the manifest of $release_id has no $kind \"$key\""
  [[ $values != *$'\n'* ]] || fail "the manifest of $release_id has \"$key\" more than once"
  printf '%s\n' "$values"
}

# read_manifest FILE: sets manifest_* from the manifest and checks it describes this release.
read_manifest() {
  local file=$1
  [[ -s $file ]] || fail "the manifest of $release_id is empty"
  manifest_release=$(manifest_field "$file" releaseId string)
  manifest_files=$(manifest_field "$file" fileCount number)
  manifest_key=$(manifest_field "$file" key string)
  manifest_sha256=$(manifest_field "$file" sha256 string)
  manifest_bytes=$(manifest_field "$file" bytes number)
  [[ $manifest_release == "$release_id" ]] \
    || fail "s3://$release_bucket/releases/$release_id/manifest.json describes $manifest_release, not $release_id"
  [[ $manifest_key == release.tar.gz ]] || fail "the manifest's artifact is $manifest_key; expected release.tar.gz"
  [[ $manifest_sha256 =~ ^[0-9a-f]{64}$ ]] || fail "the manifest's artifact.sha256 is not 64 hex digits"
}

# Installed means: moved into place after verification (files.sha256 is written last before
# the move) and no release file has gone missing since.
release_intact() {
  [[ -d $release_dir && ! -L $release_dir && -s $release_dir/.fleetpress/files.sha256 \
    && -s $release_dir/.fleetpress/manifest.json ]] || return 1
  [[ $(count_present_files "$release_dir") == "$(wc -l <"$release_dir/.fleetpress/files.sha256")" ]]
}

# count_present_files DIR: how many files listed in DIR/.fleetpress/files.sha256 are still
# regular files. Release files are never renamed with backslashes or newlines (download refuses
# them), so the listing's lines are not escaped.
count_present_files() {
  local dir=$1 line path present=0
  while IFS= read -r line; do
    # "<64 hex>  ./<path>": the name starts at column 66 and may hold any spaces.
    path=$dir/${line:68}
    [[ -f $path && ! -L $path ]] && present=$((present + 1))
  done <"$dir/.fleetpress/files.sha256"
  printf '%d\n' "$present"
}

# download_release: fetches, verifies and unpacks the release into releases/<id>. Nothing is
# switched here; any failure leaves only a temporary folder, removed at exit.
download_release() {
  local manifest_pid tarball_pid sha bytes count
  work=$(mktemp -d "$releases/.partial-$release_id.XXXXXX")
  # Both downloads at once: each aws invocation costs more in start-up than in transfer. The
  # CLI's errors are kept aside so the failure stays one line (SSM keeps 8,000 chars of stderr).
  aws_s3 cp --only-show-errors "s3://$release_bucket/releases/$release_id/manifest.json" "$work/manifest.json" \
    2>"$work/manifest.err" &
  manifest_pid=$!
  aws_s3 cp --only-show-errors "s3://$release_bucket/releases/$release_id/release.tar.gz" "$work/release.tar.gz" \
    2>"$work/release.err" &
  tarball_pid=$!
  wait "$manifest_pid" \
    || fail "cannot download s3://$release_bucket/releases/$release_id/manifest.json: $(last_line "$work/manifest.err")"
  wait "$tarball_pid" \
    || fail "cannot download s3://$release_bucket/releases/$release_id/release.tar.gz: $(last_line "$work/release.err")"

  read_manifest "$work/manifest.json"
  bytes=$(wc -c <"$work/release.tar.gz")
  [[ $bytes == "$manifest_bytes" ]] \
    || fail "release.tar.gz of $release_id has $bytes bytes but its manifest says $manifest_bytes"
  sha=$(sha256sum "$work/release.tar.gz")
  sha=${sha%% *}
  [[ $sha == "$manifest_sha256" ]] \
    || fail "release.tar.gz of $release_id has sha256 $sha but its manifest says $manifest_sha256"

  # sha256sum escapes names with backslashes or line breaks, which count_present_files reads
  # raw; WordPress has no such names, so a release with them is refused.
  if tar --list --quoting-style=literal --gzip --file="$work/release.tar.gz" | grep -q '[\\]'; then
    fail "release $release_id contains a file name with a backslash; rename it in the site repository"
  fi
  mkdir -- "$work/tree"
  tar --extract --gzip --file="$work/release.tar.gz" --directory="$work/tree" \
    --no-same-owner --delay-directory-restore \
    || fail "cannot unpack release.tar.gz of $release_id"
  [[ ! -e $work/tree/.fleetpress ]] \
    || fail "release $release_id contains .fleetpress/, which FleetPress reserves for its own records"
  if [[ -e $work/tree/wp-config.php || -L $work/tree/wp-config.php ]]; then
    fail "release $release_id ships wp-config.php; remove it from the site repository (FleetPress writes it from SSM parameters)"
  fi
  count=$(find "$work/tree" -type f -printf 'f\n' | wc -l)
  [[ $count == "$manifest_files" ]] \
    || fail "release $release_id unpacked to $count files but its manifest says $manifest_files"
  if find "$work/tree" -name $'*[\n\r]*' -print -quit | grep -q .; then
    fail "release $release_id contains a file name with a line break; rename it in the site repository"
  fi

  # Checksums of every release file: drain compares against them to find what was written here.
  mkdir -- "$work/tree/.fleetpress"
  cp -- "$work/manifest.json" "$work/tree/.fleetpress/manifest.json"
  (cd "$work/tree" && find . -path ./.fleetpress -prune -o -type f -print0 | sort -z | xargs -0 -r sha256sum --) \
    >"$work/files.sha256"
  mv -- "$work/files.sha256" "$work/tree/.fleetpress/files.sha256"

  # A release folder that exists but is damaged (files deleted) is replaced, not trusted.
  if [[ -e $release_dir || -L $release_dir ]]; then
    mv -T -- "$release_dir" "$work/damaged"
  fi
  mv -T -- "$work/tree" "$release_dir"
  log "downloaded and verified $release_id ($manifest_bytes bytes, $manifest_files files)"
}

# php_string VALUE: VALUE as a PHP single-quoted string literal (only \ and ' need escaping).
php_string() {
  local s=$1
  s=${s//\\/\\\\}
  s=${s//\'/\\\'}
  printf "'%s'" "$s"
}

# utf8 CODEPOINT: sets utf8_char to the UTF-8 bytes of a code point (LC_ALL=C makes printf's
# own \u unusable for anything beyond ASCII).
utf8() {
  local cp=$1 escapes
  if ((cp < 0x80)); then
    printf -v escapes '\\x%02x' "$cp"
  elif ((cp < 0x800)); then
    printf -v escapes '\\x%02x' $((0xC0 | cp >> 6)) $((0x80 | (cp & 0x3F)))
  elif ((cp < 0x10000)); then
    printf -v escapes '\\x%02x' $((0xE0 | cp >> 12)) $((0x80 | (cp >> 6 & 0x3F))) $((0x80 | (cp & 0x3F)))
  else
    printf -v escapes '\\x%02x' $((0xF0 | cp >> 18)) $((0x80 | (cp >> 12 & 0x3F))) \
      $((0x80 | (cp >> 6 & 0x3F))) $((0x80 | (cp & 0x3F)))
  fi
  printf -v utf8_char '%b' "$escapes"
}

# json_unescape TEXT: sets json_value to the decoded body of a JSON string (no quotes around).
# Returns 1 for malformed escapes and for NUL, which no shell string (nor config value) holds.
json_unescape() {
  local s=$1 out='' c hex cp low
  while [[ $s == *\\* ]]; do
    out+=${s%%\\*}
    s=${s#*\\}
    c=${s:0:1}
    s=${s:1}
    case $c in
      '"' | \\ | /) out+=$c ;;
      b) out+=$'\b' ;;
      f) out+=$'\f' ;;
      n) out+=$'\n' ;;
      r) out+=$'\r' ;;
      t) out+=$'\t' ;;
      u)
        hex=${s:0:4}
        [[ $hex =~ ^[0-9a-fA-F]{4}$ ]] || return 1
        s=${s:4}
        cp=$((16#$hex))
        ((cp != 0)) || return 1
        if ((cp >= 0xD800 && cp <= 0xDBFF)); then
          [[ ${s:0:2} == '\u' && ${s:2:4} =~ ^[dD][c-fC-F][0-9a-fA-F]{2}$ ]] || return 1
          low=$((16#${s:2:4}))
          s=${s:6}
          cp=$((0x10000 + ((cp - 0xD800) << 10) + (low - 0xDC00)))
        fi
        utf8 "$cp"
        out+=$utf8_char
        ;;
      *) return 1 ;;
    esac
  done
  json_value=$out$s
}

# write_config: shared/wp-config.php from the parameters under <prefix>/config/<env>/, read in one
# call. Values (secrets among them) go from the aws CLI's output to the file and nowhere else:
# never to stdout, stderr or a command line.
write_config() {
  local path="$parameter_prefix/config/$environment/" response line name='' value='' have_value=0
  local tmp defines=() count=0 abspath
  response=$(mktemp "$state/.parameters.XXXXXX")
  tmp=$(mktemp "$shared/.wp-config.php.XXXXXX")
  cleanup_files+=("$response" "$response.err" "$tmp")
  chmod 0600 -- "$response" "$tmp"
  aws_ssm get-parameters-by-path --path "$path" --recursive --with-decryption --output json \
    >"$response" 2>"$response.err" || fail "cannot read SSM parameters under $path: $(last_line "$response.err")"
  rm -f -- "$response.err"

  # The CLI prints JSON with one "Key": value pair a line (v1 and v2 alike); a parameter object
  # ends with a line holding only "}" (possibly followed by a comma).
  while IFS= read -r line || [[ -n $line ]]; do
    if [[ $line =~ ^[[:blank:]]*\"Name\":[[:blank:]]*\"(.*)\",?[[:blank:]]*$ ]]; then
      name=${BASH_REMATCH[1]}
    elif [[ $line =~ ^[[:blank:]]*\"Value\":[[:blank:]]*\"(.*)\",?[[:blank:]]*$ ]]; then
      json_unescape "${BASH_REMATCH[1]}" || fail "the value of SSM parameter $name is not a JSON string this script can decode"
      value=$json_value
      have_value=1
    elif [[ $line =~ ^[[:blank:]]*\},?[[:blank:]]*$ && -n $name ]]; then
      name=${name##*/}
      if ((have_value == 0)); then
        warn "SSM parameter $name has no value; skipped"
      elif [[ $name =~ ^[A-Z][A-Z0-9_]{0,63}$ ]]; then
        defines+=("define('$name', $(php_string "$value"));")
        count=$((count + 1))
      else
        warn "SSM parameter $(printf '%q' "$name") is not a constant name (^[A-Z][A-Z0-9_]{0,63}\$); skipped"
      fi
      name=''
      value=''
      have_value=0
    fi
  done <"$response"
  rm -f -- "$response"
  ((count > 0)) || warn "no SSM parameters under $path: wp-config.php defines no constants"

  abspath=$(php_string "$home/current/")
  {
    printf '<?php\n'
    printf '// Written by FleetPress bootstrap from the SSM parameters under %s.\n' "$path"
    printf '// Do not edit: every bootstrap rewrites it. Shared by all releases on this instance.\n'
    printf '%s\n' "${defines[@]+"${defines[@]}"}"
    if [[ -f $release_dir/wp-settings.php ]]; then
      printf "\$table_prefix = defined('TABLE_PREFIX') ? TABLE_PREFIX : 'wp_';\n"
      # wp-load.php defines ABSPATH first; this covers tools that include wp-config.php alone.
      printf "if (!defined('ABSPATH')) {\n    define('ABSPATH', %s);\n}\n" "$abspath"
      printf "require_once ABSPATH . 'wp-settings.php';\n"
    fi
  } >"$tmp"
  if command -v php >/dev/null; then
    # Output discarded: a parse error message could quote a secret.
    php -l "$tmp" >/dev/null 2>&1 || fail "the generated wp-config.php is not valid PHP (php -l)"
  fi
  chmod 0640 -- "$tmp"
  set_web_group "$tmp"
  mv -f -- "$tmp" "$shared/wp-config.php"

  # Relative, so the link holds inside a sandbox as on EC2.
  ln -sfn -- ../../shared/wp-config.php "$release_dir/wp-config.php.new"
  mv -T -- "$release_dir/wp-config.php.new" "$release_dir/wp-config.php"
  config_count=$count
}

# On EC2 the web server must read wp-config.php (mode 0640): give it the web server's group.
set_web_group() {
  local file=$1 group
  [[ $(id -u) == 0 ]] || return 0
  for group in www-data apache nginx; do
    if getent group "$group" >/dev/null 2>&1; then
      chgrp -- "$group" "$file" || warn "cannot give $file to group $group"
      return 0
    fi
  done
}

# switch_to RELEASE: points current at releases/RELEASE in one rename, so readers see either
# the old or the new release, never a missing link.
switch_to() {
  ln -sfn -- "releases/$1" "$home/current.new"
  mv -T -- "$home/current.new" "$home/current"
}

current_release() {
  local target
  target=$(readlink -- "$home/current" 2>/dev/null) || return 0
  target=${target#releases/}
  [[ $target =~ ^r-[0-9a-f]{12}$ ]] && printf '%s\n' "$target"
  return 0
}

# health_problem: empty when the running release looks servable, else what is wrong.
health_problem() {
  local present
  [[ $(readlink -- "$home/current") == "releases/$release_id" && -d $home/current/ ]] \
    || { echo "current does not resolve to releases/$release_id"; return; }
  present=$(count_present_files "$release_dir")
  [[ $present == "$manifest_files" ]] \
    || { echo "$present of the release's $manifest_files files are present"; return; }
  [[ -f $release_dir/wp-config.php ]] || { echo "wp-config.php is missing"; return; }
  if command -v php >/dev/null; then
    php -l "$release_dir/wp-config.php" >/dev/null 2>&1 || { echo "wp-config.php fails php -l"; return; }
    if [[ -f $release_dir/index.php ]]; then
      php -l "$release_dir/index.php" >/dev/null 2>&1 || { echo "index.php fails php -l"; return; }
    fi
  fi
}

# record: the running release (read back by the fleet's status) and a history line.
record() {
  local now
  now=$(date -u +%Y-%m-%dT%H:%M:%SZ)
  printf '%s\n' "$release_id" >"$state/release.new"
  mv -f -- "$state/release.new" "$state/release"
  printf '%s %s %s\n' "$now" "$release_id" "$environment" >>"$state/history"
}

# prune: keeps the current release and the KEEP_PREVIOUS most recently activated others
# (activation touches the folder); removes leftovers of interrupted runs (we hold the lock).
prune() {
  local current dir name kept=0
  current=$(current_release)
  find "$releases" -mindepth 1 -maxdepth 1 -name '.partial-*' -exec rm -rf -- {} +
  while IFS= read -r dir; do
    name=${dir##*/}
    [[ $name =~ ^r-[0-9a-f]{12}$ && $name != "$current" ]] || continue
    if ((kept < KEEP_PREVIOUS)); then
      kept=$((kept + 1))
    else
      rm -rf -- "${releases:?}/$name"
      log "pruned $name"
    fi
  done < <(find "$releases" -mindepth 1 -maxdepth 1 -type d -printf '%T@ %p\n' | sort -rn | cut -d' ' -f2-)
}

cleanup() {
  if [[ -n ${work-} ]]; then
    rm -rf -- "$work"
  fi
  if ((${#cleanup_files[@]} > 0)); then
    rm -f -- "${cleanup_files[@]}"
  fi
}

main() {
  local previous problem
  work=''
  cleanup_files=()
  validate_parameters
  set_paths
  take_lock
  trap cleanup EXIT
  set_region

  if release_intact; then
    read_manifest "$release_dir/.fleetpress/manifest.json"
    log "$release_id is already installed and verified; skipping the download"
  else
    download_release
  fi
  write_config

  previous=$(current_release)
  switch_to "$release_id"
  touch -- "$release_dir"
  problem=$(health_problem)
  if [[ -n $problem ]]; then
    if [[ -n $previous && $previous != "$release_id" && -d $releases/$previous ]]; then
      switch_to "$previous"
      fail "health check of $release_id failed: $problem; switched back to $previous"
    fi
    # Serving nothing beats serving a release that failed its check.
    rm -f -- "$home/current"
    fail "health check of $release_id failed: $problem; no previous release to switch back to, current removed"
  fi
  record
  prune
  log "running $release_id for $environment (previously ${previous:-none}); wp-config.php defines $config_count constants"
  printf 'FLEETPRESS_RESULT release=%s environment=%s files=%s\n' "$release_id" "$environment" "$manifest_files"
}

main "$@"
