#!/usr/bin/env bash
# Prepares the real WordPress tree that `fleetpress bench bootstrap` releases, without installing
# Debian's web stack: downloads Debian's `wordpress` package into .bench-cache/, unpacks it with
# dpkg-deb and keeps usr/share/wordpress as .bench-cache/wordpress/. Installs rsync and PHP's zip
# extension when they are missing. Nothing here is committed: .bench-cache/ is gitignored.
set -euo pipefail
export LC_ALL=C

root=$(cd "$(dirname "$0")/.." && pwd)
cache=$root/.bench-cache
tree=$cache/wordpress

fail() {
  printf 'prepare-wordpress: %s\n' "$*" >&2
  exit 1
}

# as_root COMMAND...: runs COMMAND as root (directly, or through sudo when there is one).
as_root() {
  if [[ $(id -u) == 0 ]]; then
    "$@"
  elif command -v sudo >/dev/null; then
    sudo "$@"
  else
    fail "need root (or sudo) for: $*"
  fi
}

command -v apt-get >/dev/null && command -v dpkg-deb >/dev/null \
  || fail "needs apt-get and dpkg-deb (a Debian or Ubuntu machine)"

# rsync is one of the variants; composer's artifact repository (the composer variant's package
# source) reads the zips' composer.json through PHP's zip extension.
missing=()
command -v rsync >/dev/null || missing+=(rsync)
if command -v php >/dev/null && ! php -r 'exit(extension_loaded("zip") ? 0 : 1);'; then
  missing+=(php-zip)
fi
if ((${#missing[@]} > 0)); then
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y "${missing[@]}" >/dev/null || fail "cannot install ${missing[*]} (try: apt-get update)"
fi

mkdir -p -- "$cache/deb"
# The downloaded .deb is kept: a second run only unpacks it again.
if ! compgen -G "$cache/deb/wordpress_*.deb" >/dev/null; then
  apt-cache show wordpress >/dev/null 2>&1 || as_root apt-get update >/dev/null
  # apt-get download writes into the current folder; run as root it warns that its sandbox user
  # cannot write there, which is harmless.
  (cd "$cache/deb" && apt-get download wordpress 2>&1 | grep -v '^W: Download is performed unsandboxed' >&2) \
    || fail "apt-get download wordpress failed"
fi
deb=$(ls -t -- "$cache"/deb/wordpress_*.deb | head -n 1)

rm -rf -- "$cache/unpacked" "$tree.partial"
dpkg-deb -x "$deb" "$cache/unpacked"
[[ -f $cache/unpacked/usr/share/wordpress/wp-includes/version.php ]] \
  || fail "$deb has no usr/share/wordpress/wp-includes/version.php"
cp -a -- "$cache/unpacked/usr/share/wordpress" "$tree.partial"
rm -rf -- "$cache/unpacked"

# Debian replaces bundled copies with symlinks into other packages (/usr/share/javascript,
# /usr/share/php/getid3, /etc): none of those targets is in this package, so the links go and
# what remains is what the package itself ships.
find "$tree.partial" -type l -delete
# Debian's wp-config.php only reads /etc/wordpress; FleetPress writes wp-config.php itself and
# refuses a release that ships one, and the three variants must release the same files.
rm -f -- "$tree.partial/wp-config.php"
other=$(find "$tree.partial" ! -type f ! -type d -print -quit)
[[ -z $other ]] || fail "unexpected non-regular file in the tree: $other"

rm -rf -- "$tree"
mv -T -- "$tree.partial" "$tree"

version=$(sed -n -E "s/^\\\$wp_version = '([^']+)';.*/\\1/p" "$tree/wp-includes/version.php")
files=$(find "$tree" -type f | wc -l)
size=$(du -sm "$tree" | cut -f1)
printf 'prepare-wordpress: WordPress %s from %s: %d files, %d MB in %s\n' \
  "${version:-?}" "${deb##*/}" "$files" "$size" "$tree"
