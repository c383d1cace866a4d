//! Stage timings: `gate check --timings` (or `GATE_TIMINGS=1`, for benchmarks) prints how long
//! each stage took, to standard error. The one place the library writes anything itself;
//! everything else a user sees is a report the binary prints.

use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Instant;

static ENABLED: AtomicBool = AtomicBool::new(false);

/// Turns the timings on for the rest of the process (`--timings`).
pub fn enable() {
    ENABLED.store(true, Ordering::Relaxed);
}

/// Laps since its start, printed after [`enable`] or when `GATE_TIMINGS` is set (and not `0`).
pub struct Timer {
    start: Instant,
    on: bool,
}

impl Timer {
    pub fn start() -> Timer {
        Timer {
            start: Instant::now(),
            on: ENABLED.load(Ordering::Relaxed)
                || std::env::var_os("GATE_TIMINGS").is_some_and(|v| v != "0"),
        }
    }

    #[allow(clippy::print_stderr)]
    pub fn lap(&self, what: &str) {
        if self.on {
            // bench/secrets_speed.py reads this format.
            eprintln!(
                "gate timing: {what}: {:.3}s since start",
                self.start.elapsed().as_secs_f64()
            );
        }
    }
}
