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
#   tables/<table>/<column>/<row id>   the text of one cell (what search-replace searches)
#
# Implemented, with wp-cli's output and exit codes: core update-db, core version, plugin is-active,
# search-replace, and any other command (a plugin's own upgrader, such as `wc update`), which succeeds
# without running anything. Global options: --path=<dir> (required here), --allow-root, --skip-plugins
# and --skip-themes (accepted, no effect). No PHP runs: wp-config.php and wp-includes/version.php are
# read with sed.
#
# search-replace <old> <new> [<table>...] replaces literal occurrences of <old> in every cell of the
# tables whose names start with the table prefix (TABLE_PREFIX or $table_prefix in wp-config.php, else
# wp_), or of the named tables; options --dry-run, --precise, --report-changed-only,
# --all-tables-with-prefix and --skip-columns=<a,b> (user_pass is always skipped, as wp-cli does). As
# wp-cli, a column's count is the rows changed in it, and the report is what wp-cli prints when its
# output is not a terminal (tab-separated: Table, Column, Replacements, Type), then
# "Success: N replacements to be made." or "Success: Made N replacements.". Unlike wp-cli it knows
# nothing of PHP serialized values: a serialized string whose length changes is left inconsistent.
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

# find_database: sets db to the database folder wp-config.php names (and config_file to that file), or
# explains why it cannot.
find_database() {
  local config host name
  for config in "${wp_path%/}/wp-config.php" "$(dirname -- "${wp_path%/}")/wp-config.php"; do
    [[ -f $config ]] && break
  done
  config_file=$config
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

# table_prefix: TABLE_PREFIX from wp-config.php, else a literal $table_prefix there, else wp_.
table_prefix() {
  local prefix
  prefix=$(define_of "$config_file" TABLE_PREFIX)
  [[ -n $prefix ]] || prefix=$(variable_of "$config_file" table_prefix)
  [[ $prefix =~ ^[A-Za-z0-9_]{1,64}$ ]] || prefix=wp_
  printf '%s' "$prefix"
}

# replacements N: "N replacement" or "N replacements", as wp-cli words its count.
replacements() {
  if (($1 == 1)); then printf '1 replacement'; else printf '%d replacements' "$1"; fi
}

# search_replace OLD NEW [TABLE...]: wp-cli's search-replace over the cells under tables/ (see the header).
search_replace() {
  if (($# < 2)); then
    printf 'usage: wp search-replace <old> <new> [<table>...] [--dry-run] [--precise] [--report-changed-only] [--all-tables-with-prefix] [--skip-columns=<columns>]\n' >&2
    return 1
  fi
  local old=$1 new=$2 prefix type table_dir column_dir cell table column content changed total=0 wanted name
  local -a tables=("${@:3}") report=() skip
  [[ -f $db/db_version ]] || { not_installed; return 1; }
  if [[ $old == "$new" ]]; then
    printf "Warning: Replacement value '%s' is identical to search value '%s'. Skipping operation.\n" "$old" "$new" >&2
    return 0
  fi
  IFS=',' read -ra skip <<<"$sr_skip_columns"
  skip+=(user_pass)
  prefix=$(table_prefix)
  type=SQL
  ((sr_precise == 0)) || type=PHP
  for table_dir in "$db"/tables/*/; do
    [[ -d $table_dir ]] || continue
    table=${table_dir%/}
    table=${table##*/}
    if ((${#tables[@]} > 0)); then
      wanted=0
      for name in "${tables[@]}"; do
        [[ $table == "$name" ]] && wanted=1
      done
      ((wanted == 1)) || continue
    elif [[ $table != "$prefix"* ]]; then
      continue
    fi
    for column_dir in "$table_dir"*/; do
      [[ -d $column_dir ]] || continue
      column=${column_dir%/}
      column=${column##*/}
      wanted=1
      for name in "${skip[@]}"; do
        [[ $column == "$name" ]] && wanted=0
      done
      ((wanted == 1)) || continue
      changed=0
      for cell in "$column_dir"*; do
        [[ -f $cell ]] || continue
        content=''
        IFS= read -r -d '' content <"$cell" || true
        # Quoted, the pattern and the replacement are literal text (no glob, no & in bash 5.2).
        [[ $content == *"$old"* ]] || continue
        changed=$((changed + 1))
        if ((sr_dry_run == 0)); then
          if ! { printf '%s' "${content//"$old"/"$new"}" >"$cell.tmp" && mv -f -- "$cell.tmp" "$cell"; }; then
            error "could not write $cell."
            return 1
          fi
        fi
      done
      if ((changed > 0 || sr_changed_only == 0)); then
        report+=("$table"$'\t'"$column"$'\t'"$changed"$'\t'"$type")
      fi
      total=$((total + changed))
    done
  done
  # wp-cli's table as php-cli-tools prints it when stdout is not a terminal (always so under SSM).
  if ((${#report[@]} > 0)); then
    printf 'Table\tColumn\tReplacements\tType\n'
    printf '%s\n' "${report[@]}"
  fi
  if ((sr_dry_run == 1)); then
    printf 'Success: %s to be made.\n' "$(replacements "$total")"
  else
    printf 'Success: Made %s.\n' "$(replacements "$total")"
  fi
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
    search-replace\ *) shift; search_replace "$@" ;;
    core\ * | plugin\ *)
      error "'$*' is not implemented by localcloud's wp stand-in (it implements core update-db, core version, plugin is-active and search-replace)."
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
  local -a words=() unknown=() sr_flags=()
  wp_path=''
  sr_dry_run=0 sr_precise=0 sr_changed_only=0 sr_skip_columns=''
  for arg in "$@"; do
    case $arg in
      --path=*) wp_path=${arg#--path=} ;;
      --allow-root | --skip-plugins | --skip-themes) ;;
      # search-replace's own options: refused below for any other command, as wp-cli would.
      --dry-run) sr_dry_run=1; sr_flags+=("$arg") ;;
      --precise) sr_precise=1; sr_flags+=("$arg") ;;
      --report-changed-only) sr_changed_only=1; sr_flags+=("$arg") ;;
      --all-tables-with-prefix) sr_flags+=("$arg") ;;
      --skip-columns=*) sr_skip_columns=${arg#--skip-columns=}; sr_flags+=("$arg") ;;
      -*) unknown+=("$arg") ;;
      *) words+=("$arg") ;;
    esac
  done
  if ((${#sr_flags[@]} > 0)) && [[ ${words[0]:-} != search-replace ]]; then
    unknown+=("${sr_flags[@]}")
  fi
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
    error "localcloud's wp stand-in needs a command: core update-db, core version, plugin is-active <plugin>, search-replace <old> <new>, or a plugin's own (such as wc update)."
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
  record "$rc" "${words[@]}" "${sr_flags[@]}"
  return "$rc"
}

main "$@"
