#!/usr/bin/env bash
# FleetPress drain: saves what was written on this instance before it terminates.
#
# Run by SSM Run Command (template.yaml DrainDocument, which inlines this file byte for byte) from
# the Auto Scaling terminate hook, on EC2 (instance root /) and in localcloud's instance
# sandboxes (FLEETPRESS_INSTANCE_ROOT). It finds the files under the running release that are
# new or differ from the release as installed (bootstrap's .fleetpress/files.sha256) and every
# file under shared/ except wp-config.php (written from SSM, so never drained), then uploads:
#
#   s3://<bucket>/drains/<instance-id>/<YYYYmmddTHHMMSSZ>.tar.gz  the files, only when there are any;
#                                                                 members current/<path> (webroot)
#                                                                 and shared/<path>
#   s3://<bucket>/drains/<instance-id>/<YYYYmmddTHHMMSSZ>.json    the listing, always, uploaded last
#
# Symlinks are never followed (nor saved), sockets, pipes and devices are skipped.
# Last stdout line on success: FLEETPRESS_RESULT drained=<n> key=<tarball key, else listing key>
set -euo pipefail
export LC_ALL=C
# aws CLI v2 would otherwise hand its output to a pager.
export AWS_PAGER=''

# SSM substitutes this placeholder before running the script; validated again below because
# this script must not trust whoever rendered it.
release_bucket='{{ ReleaseBucket }}'

# Seconds to wait for a bootstrap on this instance to finish: draining mid-switch would compare
# the wrong release.
readonly LOCK_WAIT=300

fail() {
  printf 'fleetpress-drain: %s\n' "$*" >&2
  exit 1
}

warn() {
  printf 'fleetpress-drain: warning: %s\n' "$*" >&2
}

log() {
  printf 'fleetpress-drain: %s\n' "$*"
}

validate_parameters() {
  [[ $release_bucket =~ ^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$ ]] \
    || fail "ReleaseBucket=$(printf '%q' "$release_bucket") does not match ^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]\$"
}

# Paths under the instance root. On EC2 the root is /; localcloud gives each instance a folder.
set_paths() {
  local root=${FLEETPRESS_INSTANCE_ROOT:-/}
  [[ $root == /* ]] || fail "FLEETPRESS_INSTANCE_ROOT=$root is not an absolute path"
  [[ -d $root ]] || fail "FLEETPRESS_INSTANCE_ROOT=$root is not a directory"
  root=${root%/}
  home=$root/var/www/fleetpress
  shared=$home/shared
  state=$root/var/lib/fleetpress
  mkdir -p -- "$state"
}

# Shares bootstrap's lock, so a drain never runs while the current release is being switched.
take_lock() {
  if command -v flock >/dev/null; then
    exec 9>>"$state/lock"
    flock -w "$LOCK_WAIT" 9 || fail "another bootstrap or drain held $state/lock for ${LOCK_WAIT}s"
  else
    warn "flock is not installed; running without the instance lock"
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

# The instance id names the drain's prefix; localcloud sets it, EC2 answers it from metadata.
# The region comes from the environment, else from metadata (SSM's environment on EC2 has none).
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

# json_string VALUE: VALUE as a JSON string literal (as buildspec.yml writes them).
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

# sums DIR FIND-TESTS...: sha256sum lines ("<hex>  ./<path>") of DIR's regular files that pass
# FIND-TESTS, sorted. find -P (the default) never follows a symlink, so nothing outside DIR is read.
sums() {
  local dir=$1
  shift
  (cd -- "$dir" && find . "$@" -type f -print0 | sort -z | xargs -0 -r sha256sum --) | sort
}

# add_entries AREA CHANGE: reads sha256sum lines on stdin (CHANGE new, or compare: changed when
# bootstrap installed the path, else new) and adds each file to the drain as AREA/<path>.
# sha256sum marks a line whose name it escaped with a leading backslash.
add_entries() {
  local area=$1 change=$2 line sum name change_of
  while IFS= read -r line; do
    [[ -n $line ]] || continue
    if [[ $line == \\* ]]; then
      line=${line:1}
      sum=${line:0:64}
      unescape_sum_name "${line:66}"
      name=$unescaped
    else
      sum=${line:0:64}
      name=${line:66}
    fi
    name=${name#./}
    if [[ $change == compare ]]; then
      if [[ -n ${installed[$name]-} ]]; then change_of=changed; else change_of=new; fi
    else
      change_of=$change
    fi
    members+=("$area/$name")
    changes+=("$change_of")
    hashes+=("$sum")
  done
}

# unescape_sum_name NAME: undoes sha256sum's escaping of \ and line breaks in file names.
unescape_sum_name() {
  local s=$1 out='' c
  while [[ $s == *\\* ]]; do
    out+=${s%%\\*}
    s=${s#*\\}
    c=${s:0:1}
    s=${s:1}
    case $c in
      n) out+=$'\n' ;;
      r) out+=$'\r' ;;
      *) out+=$c ;;
    esac
  done
  unescaped=$out$s
}

# collect: fills members/changes/hashes with what this instance wrote.
collect() {
  local baseline line target
  members=()
  changes=()
  hashes=()
  declare -gA installed=()
  release_id=''
  target=$(readlink -- "$home/current" 2>/dev/null) || target=''
  if [[ $target =~ ^releases/(r-[0-9a-f]{12})$ && -d $home/$target ]]; then
    release_id=${BASH_REMATCH[1]}
    baseline=$home/$target/.fleetpress/files.sha256
    if [[ -f $baseline ]]; then
      while IFS= read -r line; do
        installed[${line:68}]=1
      done <"$baseline"
      sums "$home/$target" -path ./.fleetpress -prune -o >"$work/now.sha256"
      # Lines only in now.sha256: files that are new or whose content changed.
      add_entries current compare < <(LC_ALL=C comm -13 <(sort -- "$baseline") "$work/now.sha256")
    else
      warn "$target has no .fleetpress/files.sha256; draining all of its files"
      add_entries current new < <(sums "$home/$target" -path ./.fleetpress -prune -o)
    fi
  else
    warn "no current release under $home; draining shared/ only"
  fi
  if [[ -d $shared ]]; then
    # wp-config.php is rewritten from SSM on every bootstrap (and holds secrets): never drained.
    add_entries shared new < <(sums "$shared" \( -path ./wp-config.php -o -name '.wp-config.php.*' \) -prune -o)
  fi
}

# environment_of_last_bootstrap: the environment on the history's last line, or nothing.
environment_of_last_bootstrap() {
  local env
  [[ -f $state/history ]] || return 0
  # History lines are "<time> <release> <environment>".
  read -r _ _ env < <(tail -n 1 -- "$state/history") || return 0
  [[ $env =~ ^[a-z][a-z0-9-]{0,31}$ ]] && printf '%s' "$env"
  return 0
}

# write_listing FILE TARBALL-KEY: the JSON listing of the drain (TARBALL-KEY empty without files).
write_listing() {
  local file=$1 tarball_key=$2 i sep='' size env
  env=$(environment_of_last_bootstrap)
  {
    printf '{"formatVersion":1,"instanceId":%s' "$(json_string "$instance_id")"
    if [[ -n $release_id ]]; then printf ',"releaseId":%s' "$(json_string "$release_id")"; else printf ',"releaseId":null'; fi
    if [[ -n $env ]]; then printf ',"environment":%s' "$(json_string "$env")"; else printf ',"environment":null'; fi
    printf ',"drainedAt":%s' "$(json_string "$drained_at")"
    if [[ -n $tarball_key ]]; then printf ',"tarball":%s' "$(json_string "$tarball_key")"; else printf ',"tarball":null'; fi
    printf ',"count":%d,\n "files":[' "${#members[@]}"
    for i in "${!members[@]}"; do
      size=$(stat -c %s -- "$home/${members[i]}" 2>/dev/null) || size=null
      printf '%s\n  {"path":%s,"change":"%s","bytes":%s,"sha256":"%s"}' \
        "$sep" "$(json_string "${members[i]}")" "${changes[i]}" "$size" "${hashes[i]}"
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
  local prefix tarball_key='' listing_key status
  work=''
  validate_parameters
  set_paths
  take_lock
  trap cleanup EXIT
  set_identity
  work=$(mktemp -d "$state/.drain.XXXXXX")
  collect
  drained_at=$(date -u +%Y%m%dT%H%M%SZ)
  prefix=drains/$instance_id/$drained_at
  listing_key=$prefix.json

  if ((${#members[@]} > 0)); then
    tarball_key=$prefix.tar.gz
    printf '%s\0' "${members[@]}" >"$work/members"
    # Members are named through the current symlink (bootstrap's own, inside the webroot's
    # parent). A file that vanishes meanwhile (a cache purge) is a warning, not a failed drain:
    # GNU tar exits 1 for it.
    status=0
    tar --create --gzip --file="$work/drain.tar.gz" --directory="$home" --null --no-recursion \
      --ignore-failed-read --files-from="$work/members" || status=$?
    ((status <= 1)) || fail "cannot pack the drained files (tar exited $status)"
    aws_s3 cp --only-show-errors "$work/drain.tar.gz" "s3://$release_bucket/$tarball_key" 2>"$work/aws.err" \
      || fail "cannot upload s3://$release_bucket/$tarball_key: $(last_line "$work/aws.err")"
  fi
  write_listing "$work/drain.json" "$tarball_key"
  # The listing goes last: its presence says the tarball beside it is complete.
  aws_s3 cp --only-show-errors "$work/drain.json" "s3://$release_bucket/$listing_key" 2>"$work/aws.err" \
    || fail "cannot upload s3://$release_bucket/$listing_key: $(last_line "$work/aws.err")"

  log "drained ${#members[@]} files of ${release_id:-no release} to s3://$release_bucket/$prefix.*"
  printf 'FLEETPRESS_RESULT drained=%d key=%s\n' "${#members[@]}" "${tarball_key:-$listing_key}"
}

main "$@"
