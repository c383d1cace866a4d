package gate.coverage

# The changed files gate did not read (or read only as bytes), by reason: `coverage.files`.
unread(reason) := [f | some f in input.coverage.files; f.reason == reason]

# "1 file" / "3 files", and the first five paths of a list with how many more.
files(fs) := "1 file" if count(fs) == 1 else := sprintf("%d files", [count(fs)])

# The verb that agrees with files(fs).
was(fs) := "was" if count(fs) == 1 else := "were"

listed(fs) := sprintf("%s%s", [concat(", ", [f.path | some i, f in fs; i < 5]), more(fs)])

more(fs) := sprintf(" and %d more", [count(fs) - 5]) if count(fs) > 5 else := ""
