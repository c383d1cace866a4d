//! The check runs in a worker process that this process supervises, so that no way of dying
//! can end `gate` with an exit code a CI step would read as a verdict: an abort (a failed
//! allocation, a stack overflow), a signal, the out-of-memory killer, a panic. The worker's
//! 0 (pass), 1 (fail) and 2 (error) pass through; anything else becomes 2, with a message.
//!
//! The worker is the same binary with the same arguments, standard streams and environment,
//! plus [`WORKER_ENV`]. It costs one process start (a few milliseconds). When the worker
//! cannot be started at all (no `current_exe`, say), gate runs the check in this process.

use std::process::{Command, ExitStatus};

/// Set in the worker's environment: it runs the check itself.
pub const WORKER_ENV: &str = "GATE_SUPERVISED_WORKER";

/// Whether this process is the supervised worker.
pub fn is_worker() -> bool {
    std::env::var_os(WORKER_ENV).is_some()
}

/// Runs this command line in a worker and returns the exit code to end with and what to say
/// (the binary prints it), or `None` when the worker cannot be started (the caller then runs
/// the check itself).
pub fn run() -> Option<(u8, Option<String>)> {
    let exe = std::env::current_exe().ok()?;
    let mut command = Command::new(exe);
    command
        .args(std::env::args_os().skip(1))
        .env(WORKER_ENV, std::process::id().to_string());
    // Errors are printed without backtraces (`{:#}`), but with RUST_BACKTRACE set every
    // error value would capture one: regorus's parser makes one per array or set literal it
    // tries as a comprehension, ~10% of a small check's CPU. Panics keep theirs.
    if std::env::var_os("RUST_LIB_BACKTRACE").is_none() {
        command.env("RUST_LIB_BACKTRACE", "0");
    }
    let mut child = command.spawn().ok()?;
    let status = loop {
        match child.wait() {
            Ok(s) => break s,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => {
                return Some((2, Some(format!("lost the check's worker process: {e}"))));
            }
        }
    };
    Some(outcome(status))
}

/// In the worker: ends it when the supervisor is gone (killed by a CI timeout, say), so no
/// orphan keeps running.
pub fn watch_parent() {
    #[cfg(unix)]
    {
        let Some(parent) = std::env::var(WORKER_ENV)
            .ok()
            .and_then(|p| p.parse::<u32>().ok())
        else {
            return;
        };
        std::thread::Builder::new()
            .name("gate-parent-watch".into())
            .spawn(move || loop {
                std::thread::sleep(std::time::Duration::from_millis(500));
                if std::os::unix::process::parent_id() != parent {
                    std::process::exit(2);
                }
            })
            .ok();
    }
}

/// The exit code for the worker's status, and what to say when it did not end normally.
pub fn outcome(status: ExitStatus) -> (u8, Option<String>) {
    match status.code() {
        Some(c @ 0..=2) => (c as u8, None),
        Some(101) => (
            2,
            Some(
                "the check stopped on an internal error (a panic, reported above); no verdict"
                    .into(),
            ),
        ),
        Some(c) => (
            2,
            Some(format!(
                "the check ended abnormally (exit code {c}); no verdict"
            )),
        ),
        None => (2, Some(signal_message(status))),
    }
}

#[cfg(unix)]
fn signal_message(status: ExitStatus) -> String {
    use std::os::unix::process::ExitStatusExt;
    let sig = status.signal().unwrap_or(0);
    let why = match sig {
        6 => "SIGABRT: an abort, such as a failed memory allocation or a stack overflow",
        9 => "SIGKILL: killed, possibly by the out-of-memory killer",
        11 => "SIGSEGV: a crash",
        15 => "SIGTERM: terminated",
        _ => "a signal",
    };
    format!("the check was ended by signal {sig} ({why}); no verdict")
}

#[cfg(not(unix))]
fn signal_message(_status: ExitStatus) -> String {
    "the check ended abnormally; no verdict".into()
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;
    use std::os::unix::process::ExitStatusExt;

    #[test]
    fn verdict_codes_pass_through_and_everything_else_is_2() {
        for c in 0..=2 {
            assert_eq!(outcome(ExitStatus::from_raw(c << 8)), (c as u8, None));
        }
        let (code, msg) = outcome(ExitStatus::from_raw(134 << 8));
        assert_eq!(code, 2);
        assert!(msg.unwrap_or_default().contains("exit code 134"));
        let (code, msg) = outcome(ExitStatus::from_raw(101 << 8));
        assert_eq!(code, 2);
        assert!(msg.unwrap_or_default().contains("panic"));
        // Killed by SIGABRT, SIGKILL.
        let (code, msg) = outcome(ExitStatus::from_raw(6));
        assert_eq!(code, 2);
        assert!(msg.unwrap_or_default().contains("SIGABRT"));
        let (code, msg) = outcome(ExitStatus::from_raw(9));
        assert_eq!(code, 2);
        assert!(msg.unwrap_or_default().contains("out-of-memory"));
    }
}
