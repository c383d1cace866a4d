package gate.change_test

# Inputs shared by the change rules' tests.

file(over) := object.union({"path": "src/app.py", "language": "python", "is_test": false, "is_generated": false,
	"additions": 300, "deletions": 0, "role": null}, over)

change(files, tests, ai) := {"change": {"mode": "range", "files": files, "stats": {"test_files": tests}},
	"provenance": {"ai_generated": ai}, "infra": {"plans": []}}
