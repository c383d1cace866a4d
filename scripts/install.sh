#!/bin/sh
# Install a released gate binary, verified:
#
#   curl -fsSL https://raw.githubusercontent.com/change-gate/gate/main/scripts/install.sh | sh -s -- --version 0.1.0
#   sh scripts/install.sh --version 0.1.0 --to ~/.local/bin
#
# Downloads gate-<version>-<target>.tar.gz (a .zip on Windows) and SHA256SUMS from
# ${GATE_RELEASES_URL:-https://github.com/change-gate/gate/releases/download}/v<version>/,
# checks the archive against SHA256SUMS and installs gate into --to (default ~/.local/bin).
# A missing entry or a checksum mismatch installs nothing and exits 1.
#
# Environment: GATE_VERSION (instead of --version), GATE_INSTALL_DIR (instead of --to),
# GATE_TARGET (instead of the detected platform), GATE_RELEASES_URL (a mirror).
set -eu

usage() {
  cat <<'USAGE'
usage: install.sh --version VERSION [--to DIR] [--target TRIPLE]
       install.sh --print-target
Installs the released gate VERSION (e.g. 0.1.0) into DIR (default ~/.local/bin), after
checking the download against the release's SHA256SUMS.
USAGE
}

die() { echo "install.sh: $*" >&2; exit 1; }
say() { echo "install.sh: $*" >&2; }

version=${GATE_VERSION:-}
to=${GATE_INSTALL_DIR:-${HOME:-.}/.local/bin}
target=${GATE_TARGET:-}
print_target=false
while [ $# -gt 0 ]; do
  case "$1" in
    --version) [ $# -ge 2 ] || die "--version needs a value"; version=$2; shift 2 ;;
    --version=*) version=${1#--version=}; shift ;;
    --to) [ $# -ge 2 ] || die "--to needs a directory"; to=$2; shift 2 ;;
    --to=*) to=${1#--to=}; shift ;;
    --target) [ $# -ge 2 ] || die "--target needs a value"; target=$2; shift 2 ;;
    --target=*) target=${1#--target=}; shift ;;
    --print-target) print_target=true; shift ;;
    -h|--help) usage; exit 0 ;;
    *) usage >&2; die "unknown argument: $1" ;;
  esac
done

detect_target() {
  os=$(uname -s)
  arch=$(uname -m)
  case "$arch" in
    x86_64|amd64) arch=x86_64 ;;
    aarch64|arm64) arch=aarch64 ;;
    *) die "no prebuilt gate for the CPU $arch: build it with cargo install --locked change-gate" ;;
  esac
  case "$os" in
    Linux) echo "$arch-unknown-linux-musl" ;;
    Darwin) echo "$arch-apple-darwin" ;;
    MINGW*|MSYS*|CYGWIN*|Windows_NT)
      [ "$arch" = x86_64 ] || die "no prebuilt gate for Windows on $arch"
      echo "x86_64-pc-windows-msvc" ;;
    *) die "no prebuilt gate for $os: build it with cargo install --locked change-gate" ;;
  esac
}

[ -n "$target" ] || target=$(detect_target)
if $print_target; then echo "$target"; exit 0; fi

version=${version#v}
[ -n "$version" ] || { usage >&2; die "which version? pass --version (e.g. --version 0.1.0)"; }
case "$version" in
  *[!0-9A-Za-z.+-]*) die "not a version: $version" ;;
esac

base=${GATE_RELEASES_URL:-https://github.com/change-gate/gate/releases/download}
base=${base%/}/v$version
name="gate-$version-$target"
exe=gate
archive="$name.tar.gz"
case "$target" in *windows*) exe=gate.exe; archive="$name.zip" ;; esac

fetch() { # URL FILE
  if command -v curl >/dev/null 2>&1; then
    curl -fsSL --retry 3 -o "$2" "$1" || die "download failed: $1"
  elif command -v wget >/dev/null 2>&1; then
    wget -q -O "$2" "$1" || die "download failed: $1"
  else
    die "neither curl nor wget is installed"
  fi
}

sha256() {
  if command -v sha256sum >/dev/null 2>&1; then sha256sum "$1" | cut -d ' ' -f 1
  elif command -v shasum >/dev/null 2>&1; then shasum -a 256 "$1" | cut -d ' ' -f 1
  elif command -v openssl >/dev/null 2>&1; then openssl dgst -sha256 -r "$1" | cut -d ' ' -f 1
  else die "no sha256sum, shasum or openssl to verify the download with"
  fi
}

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM

say "downloading $base/$archive"
fetch "$base/SHA256SUMS" "$tmp/SHA256SUMS"
fetch "$base/$archive" "$tmp/$archive"

expected=$(awk -v f="$archive" '$2 == f || $2 == "*" f { print $1; exit }' "$tmp/SHA256SUMS")
[ -n "$expected" ] || die "refusing to install: SHA256SUMS of v$version has no entry for $archive; nothing was installed"
actual=$(sha256 "$tmp/$archive")
if [ "$expected" != "$actual" ]; then
  die "refusing to install: $archive does not match SHA256SUMS (expected $expected, got $actual); nothing was installed"
fi

mkdir "$tmp/x"
case "$archive" in
  *.zip) (cd "$tmp/x" && unzip -q "../$archive") || die "cannot unpack $archive" ;;
  *) (cd "$tmp/x" && gzip -dc "../$archive" | tar -xf -) || die "cannot unpack $archive" ;;
esac
[ -f "$tmp/x/$name/$exe" ] || die "refusing to install: $archive has no $name/$exe; nothing was installed"

mkdir -p "$to" || die "cannot create $to"
# Copy beside the target and rename: a running gate is never half-overwritten.
cp "$tmp/x/$name/$exe" "$to/.$exe.$$" && chmod 755 "$to/.$exe.$$" && mv -f "$to/.$exe.$$" "$to/$exe" \
  || { rm -f "$to/.$exe.$$"; die "cannot write $to/$exe"; }
say "installed gate $version ($target) to $to/$exe, sha256 $actual verified against SHA256SUMS"
case ":${PATH:-}:" in
  *":$to:"*) ;;
  *) say "note: $to is not on PATH" ;;
esac
