#!/usr/bin/env bash
# FleetPress media URL rewrite: wp search-replace of the old uploads base URL by the new one.
#
# Run by SSM Run Command (template.yaml RewriteUrlsDocument, which inlines this file byte for byte) on
# one instance of the environment, after a media migration verified every file in S3: `fleetpress media
# rewrite-urls` chooses the instance and makes sure the real run happens once per (environment,
# migration); a dry run (DryRun=true) changes nothing and may repeat. Here it only has to be right on the
# instance: the release must be the active one (`current`), the instance lock held (no activation
# switches the release underneath it), then `wp search-replace` over every table with the site's prefix,
# GUIDs left alone (WordPress's rule: they are ids, not links). wp-cli prints a tab-separated report
# when its output is a pipe, as here; it is passed on (at most REPORT_LINES lines, so that the result line
# stays within the 24,000 characters SSM keeps of stdout).
#
# Last stdout line on success: FLEETPRESS_RESULT replacements=<n> dry_run=<true|false>
set -euo pipefail
export LC_ALL=C

# SSM substitutes these placeholders. The document's allowedPattern already constrains them (no quotes,
# spaces or shell characters get through); they are validated again because this script must not trust
# whoever rendered it.
release_id='{{ ReleaseId }}'
from_url='{{ From }}'
to_url='{{ To }}'
dry_run='{{ DryRun }}'

# Seconds to wait for a bootstrap or drain on this instance to finish.
readonly LOCK_WAIT=600
# wp-cli report lines passed on; the rest are counted.
readonly REPORT_LINES=200
readonly URL_PATTERN='^https?://[A-Za-z0-9.-]{1,253}(:[0-9]{1,5})?(/[A-Za-z0-9._~%/+-]{0,500})?$'

fail() {
  printf 'fleetpress-rewrite-urls: %s\n' "$*" >&2
  exit 1
}

log() {
  printf 'fleetpress-rewrite-urls: %s\n' "$*"
}

require_match() {
  local name=$1 value=$2 regex=$3
  [[ $value =~ $regex ]] || fail "$name=$(printf '%q' "$value") does not match $regex"
}

validate_parameters() {
  require_match ReleaseId "$release_id" '^r-[0-9a-f]{12}$'
  require_match From "$from_url" "$URL_PATTERN"
  require_match To "$to_url" "$URL_PATTERN"
  require_match DryRun "$dry_run" '^(true|false)$'
  [[ $from_url != "$to_url" ]] || fail "From and To are both $from_url: there is nothing to rewrite"
  # A new base containing the old one would be rewritten again by a repeated run.
  [[ $to_url != *"$from_url"* ]] || fail "To ($to_url) contains From ($from_url); a repeated run would rewrite it again"
}

set_paths() {
  local root=${FLEETPRESS_INSTANCE_ROOT:-/}
  [[ $root == /* && -d $root ]] || fail "FLEETPRESS_INSTANCE_ROOT=$root is not an absolute directory"
  root=${root%/}
  home=$root/var/www/fleetpress
  state=$root/var/lib/fleetpress
  mkdir -p -- "$state"
}

take_lock() {
  if command -v flock >/dev/null; then
    exec 9>>"$state/lock"
    flock -w "$LOCK_WAIT" 9 || fail "a bootstrap or drain held $state/lock for ${LOCK_WAIT}s"
  fi
}

# wp_cli ARGS...: wp-cli on the active release. As root (SSM runs commands as root) wp-cli insists on
# --allow-root.
wp_cli() {
  if ((EUID == 0)); then
    wp --path="$home/current" --allow-root "$@"
  else
    wp --path="$home/current" "$@"
  fi
}

main() {
  local active output line total='' shown=0 omitted=0
  local -a args
  validate_parameters
  set_paths
  take_lock
  active=$(readlink -- "$home/current" 2>/dev/null) || active=''
  [[ $active == "releases/$release_id" && -d $home/current/ ]] \
    || fail "this instance runs '${active#releases/}', not $release_id: the rewrite runs only where the release is active"
  command -v wp >/dev/null \
    || fail "wp-cli (wp) is not installed on this instance: install it in the AMI or launch template"

  args=(search-replace "$from_url" "$to_url" --all-tables-with-prefix --skip-columns=guid --precise --report-changed-only)
  [[ $dry_run == false ]] || args+=(--dry-run)
  log "wp search-replace on $release_id (dry run: $dry_run)"
  output=$(wp_cli "${args[@]}") || fail "wp search-replace failed (its error is above)"

  while IFS= read -r line; do
    if [[ $line =~ ^Success:\ ([0-9]+)\ replacements?\ to\ be\ made\.$ && $dry_run == true ]]; then
      total=${BASH_REMATCH[1]}
    elif [[ $line =~ ^Success:\ Made\ ([0-9]+)\ replacements?\. && $dry_run == false ]]; then
      total=${BASH_REMATCH[1]}
    elif ((shown >= REPORT_LINES)); then
      omitted=$((omitted + 1))
      continue
    fi
    printf '%s\n' "$line"
    shown=$((shown + 1))
  done <<<"$output"
  ((omitted == 0)) || log "$omitted more report lines omitted"
  [[ -n $total ]] || fail "wp search-replace printed no count of replacements"
  printf 'FLEETPRESS_RESULT replacements=%d dry_run=%s\n' "$total" "$dry_run"
}

main "$@"
