//! Stage timings for benchmarks: `GATE_TIMINGS=1` prints how long each stage took, to standard
//! error. The one place the library writes anything itself; everything else a user sees is a
//! report the binary prints.

use std::time::Instant;

/// Laps since its start, printed when `GATE_TIMINGS` is set (and not `0`).
pub struct Timer {
    start: Instant,
    on: bool,
}

impl Timer {
    pub fn start() -> Timer {
        Timer {
            start: Instant::now(),
            on: std::env::var_os("GATE_TIMINGS").is_some_and(|v| v != "0"),
        }
    }

    #[allow(clippy::print_stderr)]
    pub fn lap(&self, what: &str) {
        if self.on {
            eprintln!(
                "gate timing: {what}: {:.3}s since start",
                self.start.elapsed().as_secs_f64()
            );
        }
    }
}
