package gate.infra_test

# GATE-INF-003: a data store made public, or a public access block turned off.

test_public_database_and_bucket_are_denied if {
	some d in denies("GATE-INF-003", plan([res({"public_exposure": true})]))
	d.risk == 85
	contains(d.message, "becomes publicly reachable")
	contains(d.message, "keep it private")
	bucket := res({"address": "aws_s3_bucket_policy.site", "type": "aws_s3_bucket_policy", "category": "storage", "public_exposure": true})
	count(denies("GATE-INF-003", plan([bucket]))) == 1
}

test_public_compute_is_not_a_data_leak if {
	vm := res({"address": "aws_instance.web", "type": "aws_instance", "category": "compute", "stateful": false, "public_exposure": true})
	count(denies("GATE-INF-003", plan([vm]))) == 0
	# Public through a world-open ingress rule: GATE-INF-002 reports it.
	db := res({"public_exposure": true, "new_open_ingress": [{"cidr": "0.0.0.0/0", "protocol": "tcp", "from_port": 5432, "to_port": 5432}]})
	count(denies("GATE-INF-003", plan([db]))) == 0
}

test_public_access_block_turned_off_is_denied if {
	pab := res({"address": "aws_s3_bucket_public_access_block.site", "type": "aws_s3_bucket_public_access_block", "category": "storage", "disabled_protections": ["public_access_block"]})
	some d in denies("GATE-INF-003", plan([pab]))
	d.risk == 75
	contains(d.message, "turns off the public access block")
}
