package gate.telemetry_test

test_internal_failure_answered_422_warns if {
	m := t({"kind": "error_handler", "line": 40, "function": "ArticleCreate", "outcome": "responded", "status": 422, "masked": true, "handled": true})
	some w in data.gate.telemetry.warn with input as i([m], [svc({"requests": logged})], false)
	w.rule == "GATE-TEL-007"
	w.message == "error of an internal operation in ArticleCreate is answered 422 and recorded nowhere; log it or record it on the span before answering"
	count(data.gate.telemetry.warn) == 0 with input as i([object.union(m, {"masked": false})], [svc({"requests": logged})], false)
}
