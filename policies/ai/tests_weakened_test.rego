package gate.ai_test

# GATE-AI-004

test_ai_004_tests_weakened if {
	s := smell("test_weakened", "assertions_removed", {})
	h := finding_for(with_smells(base, [s]), "GATE-AI-004")
	count(h) == 1
	h[0].risk == 25
	h[0].line == 12
	contains(h[0].message, "2 assertions removed in tests/test_billing.py while the code it tests stays")
	contains(h[0].message, "restore the tests")
	a := finding_for(with_smells(ai, [s]), "GATE-AI-004")
	a[0].risk > h[0].risk
	contains(a[0].message, "(AI-authored change)")
}

test_ai_004_deleted_test_file_and_skips_weigh_by_kind if {
	d := finding_for(with_smells(base, [smell("test_weakened", "test_file_deleted", {"detail": "test file deleted (40 lines)"})]), "GATE-AI-004")
	d[0].risk == 30
	k := finding_for(with_smells(base, [smell("test_weakened", "skip_added", {"detail": "1 skip added: `@pytest.mark.skip`"})]), "GATE-AI-004")
	k[0].risk == 25
	contains(k[0].message, "@pytest.mark.skip")
}

test_ai_004_one_finding_for_many_files if {
	s := smell("test_weakened", "tests_removed", {"detail": "tests weakened in 5 files (5 files with skips added): a_test.go (2 skip/xfail/only markers added (`t.Skip(`))", "files": 5})
	h := finding_for(with_smells(base, [s]), "GATE-AI-004")
	count(h) == 1
	h[0].risk == 30
	contains(h[0].message, "tests weakened in 5 files")
	contains(h[0].message, "while the code they test stays: restore the tests")
	not contains(h[0].message, " in tests/")
}
