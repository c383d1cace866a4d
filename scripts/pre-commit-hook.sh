#!/bin/sh
# The `gate` and `gate-push` pre-commit hooks: run `gate hook <stage> [FILES]` with the gate
# of this hook repository's version. The binary is installed once per version into
# ${XDG_CACHE_HOME:-~/.cache}/change-gate/<version>: the released archive, verified against
# SHA256SUMS by install.sh; when no release is reachable (or GATE_BUILD_FROM_SOURCE=1) it is
# built from this repository with cargo install --locked.
set -eu

here=$(cd "$(dirname "$0")/.." && pwd)
version=$(sed -n 's/^version = "\(.*\)"$/\1/p' "$here/Cargo.toml" | head -n 1)
cache=${XDG_CACHE_HOME:-${HOME:-.}/.cache}/change-gate/$version
gate=$cache/bin/gate
[ -x "$gate.exe" ] && gate=$gate.exe

if ! [ -x "$gate" ] || [ "$("$gate" --version 2>/dev/null)" != "gate $version" ]; then
  if [ "${GATE_BUILD_FROM_SOURCE:-}" != 1 ] && sh "$here/scripts/install.sh" --version "$version" --to "$cache/bin"; then
    :
  elif command -v cargo >/dev/null 2>&1; then
    echo "gate: no release of $version was installed; building it from source (cargo install --locked)" >&2
    cargo install --locked --quiet --path "$here" --root "$cache" >&2
  else
    echo "gate: cannot install gate $version: no release reachable and no cargo to build it" >&2
    exit 2
  fi
  [ -x "$gate.exe" ] && gate=$gate.exe
fi
exec "$gate" hook "$@"
