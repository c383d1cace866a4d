#!/bin/sh
# Package a built gate binary the way a release publishes it, so the layout is tested here:
#   dist/gate-<version>-<target>.tar.gz   (a .zip for Windows targets)
#     gate-<version>-<target>/gate        (gate.exe on Windows), README.md, LICENSE if present
#   dist/SHA256SUMS                       ("<sha256>  <archive>" for every archive in dist/)
#
# Environment: GATE_BIN (default target/release/gate), GATE_TARGET (default: rustc's host),
# GATE_VERSION (default: Cargo.toml's version), GATE_DIST (default: dist).
set -eu

root=$(cd "$(dirname "$0")/.." && pwd)
bin=${GATE_BIN:-$root/target/release/gate}
dist=${GATE_DIST:-$root/dist}
version=${GATE_VERSION:-$(sed -n 's/^version = "\(.*\)"$/\1/p' "$root/Cargo.toml" | head -n 1)}
version=${version#v}
target=${GATE_TARGET:-}
if [ -z "$target" ]; then
  target=$(rustc -vV 2>/dev/null | sed -n 's/^host: //p')
fi

die() { echo "package.sh: $*" >&2; exit 1; }
[ -n "$version" ] || die "no version (set GATE_VERSION or run from the repository)"
[ -n "$target" ] || die "no target (set GATE_TARGET, e.g. x86_64-unknown-linux-musl)"
[ -f "$bin" ] || die "no binary at $bin (build it first: cargo build --release --locked, or set GATE_BIN)"

sha256() {
  if command -v sha256sum >/dev/null 2>&1; then sha256sum "$1" | cut -d ' ' -f 1
  elif command -v shasum >/dev/null 2>&1; then shasum -a 256 "$1" | cut -d ' ' -f 1
  else openssl dgst -sha256 -r "$1" | cut -d ' ' -f 1
  fi
}

name="gate-$version-$target"
exe=gate
case "$target" in *windows*) exe=gate.exe ;; esac

mkdir -p "$dist"
dist=$(cd "$dist" && pwd)
stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT
mkdir "$stage/$name"
cp "$bin" "$stage/$name/$exe"
chmod 755 "$stage/$name/$exe"
cp "$root/README.md" "$stage/$name/"
if [ -f "$root/LICENSE" ]; then cp "$root/LICENSE" "$stage/$name/"; fi
find "$stage/$name" -exec touch -t 198001010000 {} +

case "$target" in
  *windows*)
    archive="$name.zip"
    rm -f "$dist/$archive"
    if command -v zip >/dev/null 2>&1; then
      (cd "$stage" && zip -q -r "$dist/$archive" "$name")
    else
      (cd "$stage" && 7z a -tzip -bd "$dist/$archive" "$name" >/dev/null)
    fi
    ;;
  *)
    archive="$name.tar.gz"
    # Fixed times (and with GNU tar sorted names and owner): the same binary gives the same
    # archive, byte for byte.
    set -- "$name"
    if tar --version 2>/dev/null | grep -q 'GNU tar'; then
      set -- --sort=name --owner=0 --group=0 --numeric-owner "$@"
    fi
    (cd "$stage" && tar -cf - "$@" | gzip -n -9 > "$dist/$archive")
    ;;
esac

# SHA256SUMS covers every archive in dist/ (a release job runs this once per target and
# once more over the merged directory).
(
  cd "$dist"
  : > SHA256SUMS.tmp
  for f in gate-*.tar.gz gate-*.zip; do
    [ -f "$f" ] || continue
    printf '%s  %s\n' "$(sha256 "$f")" "$f" >> SHA256SUMS.tmp
  done
  mv SHA256SUMS.tmp SHA256SUMS
)
echo "package.sh: $dist/$archive ($(sha256 "$dist/$archive"))"
