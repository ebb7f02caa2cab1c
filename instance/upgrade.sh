#!/usr/bin/env bash
# FleetPress database upgrade: runs WordPress's database upgrade for the release this instance runs.
#
# Run by SSM Run Command (template.yaml UpgradeDocument, which inlines this file byte for byte) on
# exactly one instance per (environment, release): FleetPress's upgrade gate chooses the instance and
# makes sure the command runs once. Here it only has to be right on the instance: the release must be
# the active one (`current`), then `wp core update-db`, then each configured plugin upgrader whose
# plugin is active (for example WooCommerce's `wp wc update`). It holds the instance lock that bootstrap
# and drain take, so no activation switches the release underneath it. wp-cli must be installed on the
# instance (the AMI or launch template installs it); localcloud provides a stand-in (see its README).
#
# Last stdout line on success: FLEETPRESS_RESULT release=<id> environment=<env> upgraders=<n>
set -euo pipefail
export LC_ALL=C

# SSM substitutes these placeholders. The document's allowedPattern already constrains them; they are
# validated again because this script must not trust whoever rendered it.
release_id='{{ ReleaseId }}'
environment='{{ Environment }}'
plugin_upgraders='{{ PluginUpgraders }}'

# Seconds to wait for a bootstrap or drain on this instance to finish.
readonly LOCK_WAIT=600

fail() {
  printf 'fleetpress-upgrade: %s\n' "$*" >&2
  exit 1
}

log() {
  printf 'fleetpress-upgrade: %s\n' "$*"
}

require_match() {
  local name=$1 value=$2 regex=$3
  [[ $value =~ $regex ]] || fail "$name=$(printf '%q' "$value") does not match $regex"
}

validate_parameters() {
  require_match ReleaseId "$release_id" '^r-[0-9a-f]{12}$'
  require_match Environment "$environment" '^[a-z][a-z0-9-]{0,31}$'
  # slug=wp words pairs, comma-separated: the words become separate arguments of wp, never shell code.
  require_match PluginUpgraders "$plugin_upgraders" \
    '^([a-z0-9-]{1,64}=[a-z0-9 :_-]{1,64}(,[a-z0-9-]{1,64}=[a-z0-9 :_-]{1,64}){0,19})?$'
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
# --allow-root; the web server's user would be better, but its name differs between AMIs.
wp_cli() {
  if ((EUID == 0)); then
    wp --path="$home/current" --allow-root "$@"
  else
    wp --path="$home/current" "$@"
  fi
}

main() {
  local active pair slug words ran=0
  local -a argv pairs
  validate_parameters
  set_paths
  take_lock
  active=$(readlink -- "$home/current" 2>/dev/null) || active=''
  [[ $active == "releases/$release_id" && -d $home/current/ ]] \
    || fail "this instance runs '${active#releases/}', not $release_id: the upgrade runs only where the release is active"
  command -v wp >/dev/null \
    || fail "wp-cli (wp) is not installed on this instance: install it in the AMI or launch template"

  log "wp core update-db for $release_id in $environment"
  wp_cli core update-db || fail "wp core update-db failed for $release_id"

  if [[ -n $plugin_upgraders ]]; then
    IFS=',' read -ra pairs <<<"$plugin_upgraders"
    for pair in "${pairs[@]}"; do
      slug=${pair%%=*}
      words=${pair#*=}
      if ! wp_cli plugin is-active "$slug" >/dev/null 2>&1; then
        log "$slug is not active; skipping its upgrader (wp $words)"
        continue
      fi
      read -ra argv <<<"$words"
      log "wp ${argv[*]} (plugin $slug)"
      wp_cli "${argv[@]}" || fail "the $slug upgrader (wp $words) failed for $release_id"
      ran=$((ran + 1))
    done
  fi
  printf 'FLEETPRESS_RESULT release=%s environment=%s upgraders=%d\n' "$release_id" "$environment" "$ran"
}

main "$@"
