//! Integration tests: they run the built `gate` binary, as a user would, on fixtures and on
//! scratch git repositories. One test binary (autotests = false) keeps link time low.

mod analyzers;
mod architecture;
mod attacks;
mod cases;
mod ci_formats;
mod config_schema;
mod deps;
mod deps_advisories;
mod encoded_secrets;
mod errors;
mod git_repos;
mod hostile;
mod install;
mod integrations;
mod plans;
mod policies;
mod pr_comment;
mod precision;
mod provenance;
mod sarif;
mod signals;
mod suppressions;
mod telemetry;
mod util;
mod verdict;
