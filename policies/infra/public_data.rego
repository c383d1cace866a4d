package gate.infra

# GATE-INF-003: storage or a database made reachable by anyone (public ACL, policy with
# Principal "*", allUsers binding, publicly_accessible), or a public access block turned off.

rules["GATE-INF-003"] := {
	"name": "Data made public",
	"summary": "A bucket, database or other data store becomes publicly reachable.",
	"help": concat("\n", [
		"**What it finds:** after the plan, a data store is public: `publicly_accessible = true`, a public-read ACL, a resource policy allowing `Principal: \"*\"` without conditions, an `allUsers` IAM binding; or an S3 public access block setting turned off.",
		"",
		"**Why it matters:** most large data leaks are public buckets and databases.",
		"",
		"**Example:** `publicly_accessible = true` on an `aws_db_instance`, an `aws_s3_bucket_policy` with `\"Principal\": \"*\"` and `s3:GetObject`, or `block_public_acls = false` on an `aws_s3_bucket_public_access_block`.",
		"",
		"**How to fix:** keep data stores private and serve through an application, a CDN with origin access control, or signed URLs.",
	]),
	"tags": ["infrastructure", "exposure", "data", "external/cwe/cwe-200"],
	"security_severity": 8.5,
	"risk_points": "85 (deny) public data store / 75 (deny) a public access block turned off",
}

data_store(r) if r.category in {"datastore", "storage", "secrets", "queue"}

deny contains finding(p, r, "GATE-INF-003",
	sprintf("%s %s becomes publicly reachable; keep it private and serve it through an application, a CDN with origin access control, or signed URLs", [r.category, label(r)]),
	85, "public data store") if {
	some p in input.infra.plans
	some r in p.resources
	data_store(r)
	r.public_exposure
	count(r.new_open_ingress) == 0
}

deny contains finding(p, r, "GATE-INF-003",
	sprintf("%s turns off the public access block; keep every block setting on", [label(r)]),
	75, "public access block disabled") if {
	some p in input.infra.plans
	some r in p.resources
	"public_access_block" in r.disabled_protections
}
