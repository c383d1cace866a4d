//! Integration tests: run the built binary on fixtures.
