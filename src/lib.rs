//! gate: a diff-aware merge gate.
//!
//! The pipeline is the layout, and imports run one way, in the order data flows:
//! [`paths`] (what a path is) and [`change`] (what changed) at the bottom; the analyzers
//! ([`secrets`], [`deps`], [`infra`], [`telemetry`], [`provenance`], [`smells`], and
//! [`signals`], which joins production traces to the touched functions), each owning
//! its facts and its configuration section; [`config`], which composes the sections;
//! [`facts`], which assembles the document Rego sees; [`policy`], which asks Rego what it
//! means; [`suppress`] and [`settings`]; and [`report`], which renders the verdict.
//! [`pipeline`] wires them; the binary only parses arguments and maps errors to exit codes.
//! A test (`tests/integration/architecture.rs`) fails on any import cycle between them.
//!
//! The library prints nothing: reports are strings the binary writes, errors are values it
//! names, and the one exception, stage timings, goes through [`timing::Timer`].

#![warn(clippy::print_stdout, clippy::print_stderr)]

pub mod allow;
pub mod analyzers;
pub mod change;
pub mod ci;
pub mod cli;
pub mod config;
pub mod deps;
pub mod errors;
pub mod facts;
pub mod infra;
pub mod paths;
pub mod pipeline;
pub mod policy;
pub mod provenance;
pub mod redact;
pub mod report;
pub mod secrets;
pub mod settings;
pub mod signals;
pub mod smells;
pub mod supervise;
pub mod suppress;
pub mod telemetry;
pub mod timing;
pub mod weakening;
pub mod workflows;
