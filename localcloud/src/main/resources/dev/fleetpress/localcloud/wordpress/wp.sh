#!/usr/bin/env bash
# localcloud's stand-in for wp-cli, installed as /usr/local/bin/wp in every instance sandbox.
#
# wp-cli cannot be installed on the machines localcloud runs on, and there is no MySQL: a database
# is the folder $FLEETPRESS_LOCAL_DATABASES/<DB_HOST>/<DB_NAME>/ (DB_HOST and DB_NAME read from
# wp-config.php), holding
#   db_version      the schema version WordPress's tables are at; absent: WordPress is not installed
#   active_plugins  the active plugins' slugs, one a line
#   fail-next       optional: the next `core update-db` fails with this text, and removes the file
#   history.log     one line per command: <UTC time>\t<instance id>\t<command words>\t<exit code>
#   lock            flock(1) lock: commands on one database run one at a time
#
# Implemented, with wp-cli's output and exit codes: core update-db, core version, plugin is-active,
# and any other command (a plugin's own upgrader, such as `wc update`), which succeeds without
# running anything. Global options: --path=<dir> (required here), --allow-root, --skip-plugins and
# --skip-themes (accepted, no effect). No PHP runs: wp-config.php and wp-includes/version.php are read
# with sed.
set -uo pipefail
export LC_ALL=C

readonly LOCK_WAIT=60

error() {
  printf 'Error: %s\n' "$*" >&2
}

# define_of FILE NAME: the string value of `define( 'NAME', 'value' );` in a PHP file (first one wins).
define_of() {
  local q="['\"]"
  local re="^[[:space:]]*define[[:space:]]*\\([[:space:]]*${q}$2${q}[[:space:]]*,[[:space:]]*${q}([^'\"]*)${q}[[:space:]]*\\)"
  sed -n -E "/${re}/{s/${re}.*/\\1/p;q;}" -- "$1"
}

# variable_of FILE NAME: the value of `$NAME = value;` (quotes removed) in a PHP file.
variable_of() {
  local re="^[[:space:]]*\\\$$2[[:space:]]*=[[:space:]]*'?([^';]*)'?[[:space:]]*;"
  sed -n -E "/${re}/{s/${re}.*/\\1/p;q;}" -- "$1"
}

# The shallowest wp-includes/version.php under the WordPress path (core may sit in a subfolder).
find_version_file() {
  local found
  found=$(find -H "$wp_path" -path '*/wp-includes/version.php' -type f -printf '%d\t%p\n' 2>/dev/null | sort -n -k1,1)
  found=${found%%$'\n'*}
  printf '%s' "${found#*$'\t'}"
}

not_wordpress() {
  error "This does not seem to be a WordPress installation."
  printf '%s\n' "The used path is: ${wp_path%/}/" "Pass --path=\`path/to/wordpress\` or run \`wp core download\`." >&2
}

not_installed() {
  error "The site you have requested is not installed."
  printf '%s\n' "Run \`wp core install\` to create database tables." >&2
}

# find_database: sets db to the database folder wp-config.php names, or explains why it cannot.
find_database() {
  local config host name
  for config in "${wp_path%/}/wp-config.php" "$(dirname -- "${wp_path%/}")/wp-config.php"; do
    [[ -f $config ]] && break
  done
  if [[ ! -f $config ]]; then
    error "'wp-config.php' not found."
    printf '%s\n' "Either create one manually or use \`wp config create\`." >&2
    return 1
  fi
  host=$(define_of "$config" DB_HOST)
  name=$(define_of "$config" DB_NAME)
  if [[ -z ${FLEETPRESS_LOCAL_DATABASES:-} ]]; then
    error "FLEETPRESS_LOCAL_DATABASES is not set: localcloud's wp keeps its databases in that folder."
    return 1
  fi
  if [[ ! $host =~ ^[A-Za-z0-9_][A-Za-z0-9._:-]*$ || ! $name =~ ^[A-Za-z0-9_][A-Za-z0-9._$-]*$ ]]; then
    error "Error establishing a database connection. DB_HOST '$host' and DB_NAME '$name' in $config must be plain names."
    return 1
  fi
  db=$FLEETPRESS_LOCAL_DATABASES/$host/$name
  if [[ ! -d $db ]]; then
    error "Error establishing a database connection. This either means that the username and password information in your \`wp-config.php\` file is incorrect or that contact with the database server at \`$host\` could not be established. This could mean your host's database server is down."
    return 1
  fi
}

too_many() {
  error "Too many positional arguments: $*"
  return 1
}

update_db() {
  (($# == 0)) || { too_many "$@"; return; }
  local version_file release current
  version_file=$(find_version_file)
  [[ -n $version_file ]] || { not_wordpress; return 1; }
  release=$(variable_of "$version_file" wp_db_version)
  [[ $release =~ ^[0-9]+$ ]] || { error "$version_file sets no \$wp_db_version."; return 1; }
  if [[ -f $db/fail-next ]]; then
    local reason
    reason=$(<"$db/fail-next")
    rm -f -- "$db/fail-next"
    error "$reason"
    return 1
  fi
  [[ -f $db/db_version ]] || { not_installed; return 1; }
  current=$(<"$db/db_version")
  # As wp-cli: any difference runs the upgrade, which records the release's version (even a lower one).
  if [[ $current != "$release" ]]; then
    if ! { printf '%s\n' "$release" >"$db/db_version.tmp" && mv -f -- "$db/db_version.tmp" "$db/db_version"; }; then
      error "could not record db version $release in $db."
      return 1
    fi
    printf 'Success: WordPress database upgraded successfully from db version %s to %s.\n' "$current" "$release"
  else
    printf 'Success: WordPress database already at latest db version %s.\n' "$release"
  fi
}

core_version() {
  (($# == 0)) || { too_many "$@"; return; }
  local version_file version
  version_file=$(find_version_file)
  [[ -n $version_file ]] || { not_wordpress; return 1; }
  version=$(variable_of "$version_file" wp_version)
  [[ -n $version ]] || { error "$version_file sets no \$wp_version."; return 1; }
  printf '%s\n' "$version"
}

plugin_is_active() {
  if (($# != 1)); then
    printf 'usage: wp plugin is-active <plugin> [--network]\n' >&2
    return 1
  fi
  [[ -f $db/db_version ]] || { not_installed; return 1; }
  [[ $1 =~ ^[A-Za-z0-9_][A-Za-z0-9._-]*$ ]] || return 1
  [[ -d ${wp_path%/}/wp-content/plugins/$1 && -f $db/active_plugins ]] || return 1
  grep -qxF -- "$1" "$db/active_plugins"
}

other_command() {
  [[ -f $db/db_version ]] || { not_installed; return 1; }
  printf 'Success: %s (localcloud stand-in: no plugin code runs)\n' "$*"
}

# run WORDS...: the command's output and exit code, while the database is locked.
run() {
  case "$1 ${2:-}" in
    "core update-db") shift 2; update_db "$@" ;;
    "core version") shift 2; core_version "$@" ;;
    "plugin is-active") shift 2; plugin_is_active "$@" ;;
    core\ * | plugin\ *)
      error "'$*' is not implemented by localcloud's wp stand-in (it implements core update-db, core version and plugin is-active)."
      return 1
      ;;
    *) other_command "$@" ;;
  esac
}

record() {
  local rc=$1 line
  shift
  line=$*
  line=${line//[$'\t\r\n']/ }
  printf '%s\t%s\t%s\t%d\n' "$(date -u +%Y-%m-%dT%H:%M:%SZ)" "${FLEETPRESS_INSTANCE_ID:-$(uname -n)}" "$line" "$rc" \
    >>"$db/history.log"
}

main() {
  local arg rc lock_fd
  local -a words=() unknown=()
  wp_path=''
  for arg in "$@"; do
    case $arg in
      --path=*) wp_path=${arg#--path=} ;;
      --allow-root | --skip-plugins | --skip-themes) ;;
      -*) unknown+=("$arg") ;;
      *) words+=("$arg") ;;
    esac
  done
  if ((${#unknown[@]} > 0)); then
    error "Parameter errors:"
    for arg in "${unknown[@]}"; do
      printf ' unknown %s parameter\n' "${arg%%=*}" >&2
    done
    return 1
  fi
  if [[ -z $wp_path ]]; then
    error "localcloud's wp stand-in needs --path=<WordPress directory> (it does not look in the current directory as wp-cli does)."
    return 1
  fi
  if ((${#words[@]} == 0)); then
    error "localcloud's wp stand-in needs a command: core update-db, core version, plugin is-active <plugin>, or a plugin's own (such as wc update)."
    return 1
  fi
  [[ -d $wp_path ]] || { not_wordpress; return 1; }

  db=''
  if [[ ${words[0]} == core && ${words[1]:-} == version ]]; then
    # core version reads only files, as wp-cli's does; it is recorded when the database is there.
    find_database 2>/dev/null || db=''
  else
    find_database || return 1
  fi
  if [[ -z $db ]]; then
    run "${words[@]}"
    return
  fi
  exec {lock_fd}>>"$db/lock"
  if ! flock -w "$LOCK_WAIT" "$lock_fd"; then
    error "another wp held the database $db for ${LOCK_WAIT}s."
    return 1
  fi
  run "${words[@]}"
  rc=$?
  record "$rc" "${words[@]}"
  return "$rc"
}

main "$@"
