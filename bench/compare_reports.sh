#!/bin/sh
# Runs two gate binaries on the N newest first-parent commits of each given clone
# (`gate check --base C^ --head C`, `--format json` and `--format sarif`) and compares the
# reports byte for byte (cmp). A speed change must leave every report identical.
#
#   bench/compare_reports.sh OLD_GATE NEW_GATE N SCRATCH_DIR CLONE...
#
# Each clone gets a scratch worktree under SCRATCH_DIR (the clones stay untouched); files
# whose blobs a fetched snapshot lacks are left out of the checkout (sparse), as
# bench/replay.py does. Prints one line per differing report and a total; exits 1 when any
# report (or exit code) differs.
set -eu
if [ $# -lt 5 ]; then
    echo "usage: $0 OLD_GATE NEW_GATE N SCRATCH_DIR CLONE..." >&2
    exit 2
fi
old=$1 new=$2 n=$3 scratch=$4
shift 4
here=$(cd "$(dirname "$0")" && pwd)
mkdir -p "$scratch"
total=0 differ=0
for clone in "$@"; do
    name=$(basename "$clone")
    wt=$(mktemp -d "$scratch/cmp-$name-XXXXXX")
    rmdir "$wt"
    git -C "$clone" worktree add --detach --no-checkout -q "$wt" HEAD
    out="$wt.out"
    mkdir -p "$out"
    for c in $(git -C "$clone" rev-list --first-parent --parents HEAD | awk 'NF > 1 {print $1}' | head -n "$n"); do
        # Sparse checkout of what the clone has (replay.py's `checkout`).
        python3 -c "import sys; sys.path.insert(0, sys.argv[1]); import replay; replay.checkout(sys.argv[2], sys.argv[3], {})" \
            "$here" "$wt" "$c" >/dev/null
        for fmt in json sarif; do
            for tag in old new; do
                if [ $tag = old ]; then bin=$old; else bin=$new; fi
                set +e
                (cd "$wt" && env -u CI -u GITHUB_ACTIONS -u GITHUB_BASE_REF -u GITHUB_HEAD_REF \
                    -u GITHUB_EVENT_PATH -u GITLAB_CI "$bin" check --base "$c^" --head "$c" \
                    --format $fmt >"$out/$c.$fmt.$tag" 2>"$out/$c.$fmt.$tag.err")
                echo $? >>"$out/$c.$fmt.$tag"
                set -e
            done
            total=$((total + 1))
            if ! cmp -s "$out/$c.$fmt.old" "$out/$c.$fmt.new"; then
                differ=$((differ + 1))
                echo "DIFFER $name $c $fmt ($out/$c.$fmt.old vs .new)"
            fi
        done
    done
    git -C "$clone" worktree remove --force "$wt"
done
echo "compare_reports: $total reports, $differ differ"
[ "$differ" -eq 0 ]
