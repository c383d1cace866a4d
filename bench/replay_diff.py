#!/usr/bin/env python3
"""Compare two `bench/replay.py --json` outputs commit by commit: what a change to gate did to
its verdicts on real history.

For every (repository, commit) in either file, the decision and the sorted findings (rule,
path, line, level, the first 90 characters of the message) are compared; each commit that
differs is printed with its decision change and the findings gone (-) and new (+), then the
count. Exits 1 when any commit differs, 2 on unusable input.

    python3 bench/replay.py --repo ../eval/flask:60 --gate OLD --json old.json
    python3 bench/replay.py --repo ../eval/flask:60 --gate NEW --json new.json
    python3 bench/replay_diff.py old.json new.json

Standard library only.
"""

import json
import sys


def load(path):
    try:
        with open(path, encoding="utf-8") as f:
            doc = json.load(f)
    except (OSError, ValueError) as e:
        sys.exit("replay_diff: cannot read %s: %s" % (path, e))
    runs = {}
    for repo in doc.get("repos", []):
        name = repo.get("repo") or repo.get("name") or "?"
        for run in repo.get("runs", []):
            findings = sorted(
                (
                    f.get("rule", ""),
                    f.get("path") or "",
                    f.get("line") or 0,
                    f.get("level") or "",
                    (f.get("message") or "")[:90],
                )
                for f in run.get("findings", [])
            )
            runs[(name, run.get("commit", "")[:12])] = (run.get("decision"), findings)
    return runs


def main(argv):
    if len(argv) != 3:
        sys.stderr.write("usage: replay_diff.py OLD.json NEW.json\n")
        return 2
    old, new = load(argv[1]), load(argv[2])
    differ = 0
    for key in sorted(set(old) | set(new)):
        a, b = old.get(key, (None, [])), new.get(key, (None, []))
        if a == b:
            continue
        differ += 1
        print("%s %s: %s -> %s" % (key[0], key[1], a[0], b[0]))
        for f in sorted(set(a[1]) - set(b[1])):
            print("   - %s %s:%s %s %s" % f)
        for f in sorted(set(b[1]) - set(a[1])):
            print("   + %s %s:%s %s %s" % f)
    print("%d of %d commits differ" % (differ, len(set(old) | set(new))))
    return 1 if differ else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
