package gate.infra_test

# GATE-INF-014: an export another stack imports changes with a replacement.

importer(addr) := dep({"address": addr, "type": "AWS::EC2::SecurityGroup", "effect": "unchanged", "caused": false,
	"via": ["Vpc"], "attributes": [], "references": ["export Net:VpcId"], "plan": "cdk.out/App.template.json"})

vpc_res(over) := res(object.union({"address": "Vpc", "type": "AWS::EC2::VPC", "actions": ["create", "delete"], "replace": true,
	"category": "network", "criticality": "high", "stateful": false, "construct_path": "Net/Vpc", "caused_by": []}, over))

test_replaced_export_in_use_fails_naming_exports_and_importers if {
	vpc := vpc_res({"downstream": [importer("AppSg"), importer("DbSg")]})
	subnet := vpc_res({"address": "Subnet", "type": "AWS::EC2::Subnet", "construct_path": "Net/Vpc/Subnet", "caused_by": ["Vpc"],
		"downstream": [dep({"address": "Web", "effect": "unchanged", "references": ["export Net:SubnetId"], "plan": "cdk.out/App.template.json"})]})
	ds := denies("GATE-INF-014", plan([subnet, vpc]))
	count(ds) == 1
	some d in ds
	d.resource == "Net/Vpc"
	d.risk == 75
	contains(d.message, "exports Net:SubnetId, Net:VpcId that other stacks import")
	contains(d.message, "AppSg (in cdk.out/App.template.json), DbSg (in cdk.out/App.template.json), Web (in cdk.out/App.template.json)")
	contains(d.message, "refuses to modify an export in use")
}

test_same_stack_dependents_or_updates_are_not_exports_in_use if {
	# A dependent in the same stack (no plan) is GATE-INF-009's business.
	count(denies("GATE-INF-014", plan([vpc_res({"downstream": [dep({"references": ["Ref"]})]})]))) == 0
	# An update in place keeps the exported value.
	count(denies("GATE-INF-014", plan([vpc_res({"actions": ["update"], "replace": false, "downstream": [importer("AppSg")]})]))) == 0
}
