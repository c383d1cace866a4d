package gate.infra_test

# GATE-INF-013: an errored, incomplete or unreadable plan never passes.

test_errored_and_unreadable_plans_are_denied if {
	p := object.union(plan_with([], {"errored": true, "complete": false}), {"infra": {
		"errors": [{"path": "plans/bad.json", "error": "plans/bad.json:1:2: not valid JSON"}],
	}})
	ds := denies("GATE-INF-013", p)
	# Errored says it all: the incomplete finding is not repeated.
	count(ds) == 2
	some e in ds
	e.path == "plan.json"
	contains(e.message, "errored")
	some u in ds
	u.path == "plans/bad.json"
	u.risk == 80
	contains(u.message, "could not be read: plans/bad.json:1:2: not valid JSON; regenerate it")
}

test_incomplete_plan_is_denied if {
	ds := denies("GATE-INF-013", plan_with([], {"complete": false}))
	count(ds) == 1
	ds[0].risk == 70
	contains(ds[0].message, "is incomplete")
}

test_a_complete_plan_and_a_plan_without_the_fields_pass if {
	count(denies("GATE-INF-013", plan([]))) == 0
	pulumi := {"infra": {"plans": [{"path": "preview.json", "tool": "pulumi", "resources": [], "drift": [], "provider_changes": []}]}}
	count(denies("GATE-INF-013", pulumi)) == 0
}
