package gate.infra

# GATE-INF-014: a CloudFormation (or CDK) stack replaces or deletes a resource whose value it
# exports while another stack of the run imports that export (`Fn::ImportValue`). CloudFormation
# refuses to change or remove an export that is in use, so the exporting stack's update fails.

rules["GATE-INF-014"] := {
	"name": "Export in use changes",
	"summary": "A replaced resource changes a stack export that another stack imports: CloudFormation refuses the update.",
	"help": concat("\n", [
		"**What it finds:** a resource replaced (or deleted) in one stack whose `Ref` or `Fn::GetAtt` value the stack exports (`Outputs.*.Export.Name`), while another stack given in the same run imports that export with `Fn::ImportValue` (CDK wires every cross-stack reference this way). It names the exports and the importing resources with their stacks.",
		"",
		"**Why it matters:** CloudFormation does not let a stack modify or remove an exported output value while another stack imports it: the update of the exporting stack fails (`Export ... cannot be updated as it is in use by ...`) and rolls back, so the change cannot be deployed as written. In CDK this is the usual trap of replacing a VPC, a bucket or a role that another stack uses.",
		"",
		"**Example:** changing the CIDR of the VPC in a CDK `Net` stack replaces `AWS::EC2::VPC`, so the export `Net:ExportsOutputRefVpc...` would change, but the `App` stack's security groups import it: deploying `Net` fails.",
		"",
		"**How to fix:** roll it out in steps: first make the importing stacks stop importing the old value (pass it another way, such as an SSM parameter, or reference a new export) and deploy them; then deploy the replacement. In CDK, `this.exportValue(...)` keeps an export alive while its consumers move.",
	]),
	"tags": ["infrastructure", "blast-radius", "dependency-graph", "cloudformation"],
	"security_severity": 6.0,
	"risk_points": "75 (deny)",
}

# Importers of what `r` exports: dependents in another stack reached through an export.
importers(r) := [d |
	some d in downstream(r)
	object.get(d, "plan", null) != null
	some ref in d.references
	startswith(ref, "export ")
]

export_names(ds) := sort({trim_prefix(ref, "export ") |
	some d in ds
	some ref in d.references
	startswith(ref, "export ")
})

importer_names(ds) := sort({sprintf("%s (in %s)", [d.address, d.plan]) | some d in ds})

# Every replaced or deleted exporter of a stack, reported once per stack at the first one
# whose change starts there (the VPC rather than the subnets it takes along).
exporters(p) := [r |
	some r in p.resources
	destroys(r)
	count(importers(r)) > 0
]

first_exporter(p) := r if {
	roots := [x | some x in exporters(p); root(x)]
	count(roots) > 0
	r := roots[0]
} else := exporters(p)[0]

deny contains finding(p, r, "GATE-INF-014", msg, 75, why) if {
	some p in input.infra.plans
	count(exporters(p)) > 0
	r := first_exporter(p)
	ds := [d | some x in exporters(p); some d in importers(x)]
	changed := sort({label(x) | some x in exporters(p)})
	msg := sprintf("%s %s, which changes %s %s that other stacks import: %s. CloudFormation refuses to modify an export in use, so this stack's update fails and rolls back; first move the importing stacks off these exports (an SSM parameter or a new export) and deploy them, then this change", [
		concat(", ", changed),
		"would be replaced or deleted",
		plural_word(count(export_names(ds)), "export", "exports"),
		concat(", ", export_names(ds)),
		concat(", ", importer_names(ds)),
	])
	why := sprintf("%d export(s) in use change", [count(export_names(ds))])
}
