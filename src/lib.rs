//! gate: a diff-aware merge gate.
//!
//! The pipeline is the layout: [`change`] reads what changed, the analyzers ([`secrets`])
//! derive facts ([`facts`]), [`policy`] asks Rego what they mean, and [`report`] renders the
//! verdict. [`pipeline`] wires them; the binary only parses arguments and maps errors to exit
//! codes.

pub mod change;
pub mod ci;
pub mod cli;
pub mod config;
pub mod deps;
pub mod facts;
pub mod infra;
pub mod pipeline;
pub mod policy;
pub mod provenance;
pub mod report;
pub mod secrets;
pub mod settings;
pub mod smells;
pub mod suppress;
pub mod telemetry;
