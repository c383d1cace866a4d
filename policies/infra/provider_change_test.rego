package gate.infra_test

# GATE-INF-007: a provider configuration or region change.

test_provider_change_warns_naming_it if {
	p := plan_with([], {"provider_changes": ["default_5_30_0 (pulumi:providers:aws): region us-east-1 -> eu-west-1"]})
	some w in warns("GATE-INF-007", p)
	w.risk == 50
	w.resource == "default_5_30_0 (pulumi:providers:aws): region us-east-1 -> eu-west-1"
	contains(w.message, "review it as its own change")
}

test_no_provider_change_is_silent if {
	count(warns("GATE-INF-007", plan([res({})]))) == 0
}
