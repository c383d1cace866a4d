//! Limits on what a policy evaluation may cost.
//!
//! regorus checks the time limit between expressions, never inside a builtin, and a few
//! builtins build a result whose size is an argument, not an input: `numbers.range(0, 1e11)`
//! asks for 2.4 TB at once (the allocation fails and the process aborts), and
//! `net.cidr_expand("10.0.0.0/8")` spends seconds and a gigabyte listing 16 million addresses
//! before the timer can look. gate replaces those builtins with versions that compute the size
//! of the answer first and refuse one above a limit, naming the call (regorus consults
//! extensions before its own builtins).
//!
//! What no bound can foresee (a builtin that never returns, `test.sleep`, a string grown by
//! nested `replace` calls) is caught by the [`watchdog`]: an evaluation that overruns its limit
//! by [`GRACE`] ends the process with exit code 2. An abort or a kill ends the supervised
//! worker (see `main.rs`), and the supervisor exits 2 too.

use std::collections::BTreeMap;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};
use std::sync::{Mutex, OnceLock};
use std::time::{Duration, Instant};

use anyhow::{anyhow, bail, Result};
use regorus::Value;

/// The most numbers `numbers.range` and `numbers.range_step` may return (24 MB of values).
pub const MAX_RANGE: u64 = 1_000_000;
/// The most addresses `net.cidr_expand` may return (an IPv4 /16, an IPv6 /112).
pub const MAX_CIDR_HOSTS: u64 = 65_536;
/// How far past its time limit an evaluation may run before the watchdog ends the process.
pub const GRACE: Duration = Duration::from_secs(2);

/// Registers the bounded builtins on an engine.
pub fn install(engine: &mut regorus::Engine) -> Result<()> {
    engine
        .add_extension(
            "numbers.range".into(),
            2,
            Box::new(|args: Vec<Value>| range(&args)),
        )
        .map_err(|e| anyhow!("cannot bound numbers.range: {e}"))?;
    engine
        .add_extension(
            "numbers.range_step".into(),
            3,
            Box::new(|args: Vec<Value>| range_step(&args)),
        )
        .map_err(|e| anyhow!("cannot bound numbers.range_step: {e}"))?;
    engine
        .add_extension(
            "net.cidr_expand".into(),
            1,
            Box::new(|args: Vec<Value>| cidr_expand(&args)),
        )
        .map_err(|e| anyhow!("cannot bound net.cidr_expand: {e}"))?;
    Ok(())
}

fn integer(name: &str, what: &str, v: &Value) -> Result<i64> {
    match v {
        Value::Number(n) if n.is_integer() => n
            .as_i64()
            .ok_or_else(|| anyhow!("{name}: {what} {v} is out of range")),
        Value::Number(_) => bail!("{name}: {what} must be an integer, got {v}"),
        other => bail!("{name}: {what} must be a number, got {other}"),
    }
}

/// `numbers.range(a, b)`: the integers from a to b, both included, descending when b < a.
fn range(args: &[Value]) -> Result<Value> {
    const NAME: &str = "numbers.range";
    let (a, b) = (
        integer(NAME, "start", &args[0])?,
        integer(NAME, "end", &args[1])?,
    );
    let n = a.abs_diff(b).saturating_add(1);
    bounded(NAME, n, MAX_RANGE, "numbers")?;
    let step: i64 = if b >= a { 1 } else { -1 };
    Ok(Value::from(
        (0..n as i64)
            .map(|i| Value::from(a + i * step))
            .collect::<Vec<Value>>(),
    ))
}

/// `numbers.range_step(a, b, step)`: a, a±step, ... up to b (included when it is reached).
fn range_step(args: &[Value]) -> Result<Value> {
    const NAME: &str = "numbers.range_step";
    let (a, b) = (
        integer(NAME, "start", &args[0])?,
        integer(NAME, "end", &args[1])?,
    );
    let step = integer(NAME, "step", &args[2])?;
    if step <= 0 {
        bail!("{NAME}: step must be a positive integer, got {step}");
    }
    let n = (a.abs_diff(b) / step.unsigned_abs()).saturating_add(1);
    bounded(NAME, n, MAX_RANGE, "numbers")?;
    let step = if b >= a { step } else { -step };
    Ok(Value::from(
        (0..n as i64)
            .map(|i| Value::from(a + i * step))
            .collect::<Vec<Value>>(),
    ))
}

/// `net.cidr_expand(cidr)`: every address of the network, the network and broadcast
/// addresses included (as OPA does).
fn cidr_expand(args: &[Value]) -> Result<Value> {
    const NAME: &str = "net.cidr_expand";
    let Value::String(cidr) = &args[0] else {
        bail!("{NAME}: expects a CIDR string, got {}", args[0]);
    };
    let (addr, prefix) = cidr
        .split_once('/')
        .ok_or_else(|| anyhow!("{NAME}: {cidr:?} is not a CIDR (no /prefix)"))?;
    let addr: IpAddr = addr
        .parse()
        .map_err(|e| anyhow!("{NAME}: cannot parse {cidr:?}: {e}"))?;
    let prefix: u32 = prefix
        .parse()
        .map_err(|e| anyhow!("{NAME}: cannot parse {cidr:?}: {e}"))?;
    let bits = if addr.is_ipv4() { 32 } else { 128 };
    if prefix > bits {
        bail!("{NAME}: cannot parse {cidr:?}: the prefix is longer than {bits} bits");
    }
    let host_bits = bits - prefix;
    let n = if host_bits >= 64 {
        u64::MAX
    } else {
        1u64 << host_bits
    };
    bounded(NAME, n, MAX_CIDR_HOSTS, "addresses")?;
    let hosts: Vec<Value> = match addr {
        IpAddr::V4(a) => {
            let mask = u32::MAX.checked_shl(host_bits).unwrap_or(0);
            let first = u32::from(a) & mask;
            (0..n as u32)
                .map(|i| Value::from(Ipv4Addr::from(first + i).to_string()))
                .collect()
        }
        IpAddr::V6(a) => {
            let mask = u128::MAX.checked_shl(host_bits).unwrap_or(0);
            let first = u128::from(a) & mask;
            (0..u128::from(n))
                .map(|i| Value::from(Ipv6Addr::from(first + i).to_string()))
                .collect()
        }
    };
    Ok(Value::from(hosts))
}

fn bounded(name: &str, n: u64, limit: u64, what: &str) -> Result<()> {
    if n > limit {
        bail!(
            "{name} would return {n} {what}, more than the {limit} gate allows (a policy must not build a result this large: narrow the call)"
        );
    }
    Ok(())
}

/// Evaluations in progress and their deadlines.
struct Watch {
    next: u64,
    running: BTreeMap<u64, (Instant, String)>,
}

fn watch() -> &'static Mutex<Watch> {
    static WATCH: OnceLock<Mutex<Watch>> = OnceLock::new();
    WATCH.get_or_init(|| {
        std::thread::Builder::new()
            .name("gate-policy-watchdog".into())
            .spawn(patrol)
            .ok();
        Mutex::new(Watch {
            next: 0,
            running: BTreeMap::new(),
        })
    })
}

/// Ends the process when an evaluation overruns its deadline: it is inside a builtin that
/// does not return, and waiting longer cannot give a verdict.
#[allow(
    clippy::print_stderr,
    reason = "the process ends here, from a watchdog thread: no caller is left to say why"
)]
fn patrol() {
    loop {
        std::thread::sleep(Duration::from_millis(100));
        if let Some(what) = overdue(Instant::now()).into_iter().next() {
            eprintln!(
                "gate: error: policy evaluation of {what} ran past its time limit and did not stop (a builtin did not return); raise --policy-timeout or fix the policy"
            );
            std::process::exit(2);
        }
    }
}

/// The evaluations still running at `now` past their deadline.
fn overdue(now: Instant) -> Vec<String> {
    let Ok(w) = watch().lock() else {
        return Vec::new();
    };
    w.running
        .values()
        .filter(|(deadline, _)| now > *deadline)
        .map(|(_, what)| what.clone())
        .collect()
}

/// Watches one evaluation until dropped.
pub struct Guard(u64);

/// Starts watching an evaluation of `what` limited to `limit`.
pub fn watchdog(what: &str, limit: Duration) -> Guard {
    let deadline = Instant::now() + limit + GRACE;
    let mut w = match watch().lock() {
        Ok(w) => w,
        Err(poisoned) => poisoned.into_inner(),
    };
    let id = w.next;
    w.next += 1;
    w.running.insert(id, (deadline, what.to_string()));
    Guard(id)
}

impl Drop for Guard {
    fn drop(&mut self) {
        if let Ok(mut w) = watch().lock() {
            w.running.remove(&self.0);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn n(v: i64) -> Value {
        Value::from(v)
    }

    fn strings(v: Value) -> Vec<String> {
        v.as_array()
            .expect("array")
            .iter()
            .map(|x| x.as_string().expect("string").to_string())
            .collect()
    }

    #[test]
    fn ranges_match_opa_and_are_bounded() {
        assert_eq!(
            range(&[n(1), n(3)]).expect("ok"),
            Value::from(vec![n(1), n(2), n(3)])
        );
        assert_eq!(
            range(&[n(2), n(0)]).expect("ok"),
            Value::from(vec![n(2), n(1), n(0)])
        );
        assert_eq!(
            range_step(&[n(0), n(10), n(4)]).expect("ok"),
            Value::from(vec![n(0), n(4), n(8)])
        );
        assert_eq!(
            range_step(&[n(10), n(0), n(5)]).expect("ok"),
            Value::from(vec![n(10), n(5), n(0)])
        );
        assert!(range_step(&[n(0), n(1), n(0)]).is_err());
        let e = range(&[n(0), Value::from(1e11)]).expect_err("too many");
        assert!(e.to_string().contains("100000000001 numbers"), "{e}");
        assert!(range(&[n(0), n(999_999)]).is_ok());
        assert!(range(&[n(0), n(1_000_000)]).is_err());
        assert!(range(&[n(i64::MIN), n(i64::MAX)]).is_err());
        assert!(range_step(&[n(i64::MIN), n(i64::MAX), n(1)]).is_err());
        assert!(range(&[Value::from(1.5), n(2)]).is_err());
    }

    #[test]
    fn the_watchdog_sees_overdue_evaluations_until_they_end() {
        let later = Instant::now() + Duration::from_secs(3600);
        let g = watchdog("data.test.overdue", Duration::from_millis(1));
        // (Other tests may evaluate policies meanwhile: only this one is looked for.)
        let mine = |v: Vec<String>| v.iter().any(|w| w == "data.test.overdue");
        assert!(mine(overdue(later)));
        assert!(!mine(overdue(Instant::now())));
        drop(g);
        assert!(!mine(overdue(later)));
    }

    #[test]
    fn cidr_expansion_matches_opa_and_is_bounded() {
        let v = strings(cidr_expand(&[Value::from("192.168.1.5/30")]).expect("ok"));
        assert_eq!(
            v,
            ["192.168.1.4", "192.168.1.5", "192.168.1.6", "192.168.1.7"]
        );
        assert_eq!(
            strings(cidr_expand(&[Value::from("10.0.0.1/32")]).expect("ok")),
            ["10.0.0.1"]
        );
        assert_eq!(
            strings(cidr_expand(&[Value::from("2001:db8::/127")]).expect("ok")),
            ["2001:db8::", "2001:db8::1"]
        );
        assert_eq!(
            strings(cidr_expand(&[Value::from("10.0.0.0/16")]).expect("ok")).len(),
            65_536
        );
        for big in ["10.0.0.0/8", "0.0.0.0/0", "::/0", "2001:db8::/64"] {
            let e = cidr_expand(&[Value::from(big)]).expect_err(big);
            assert!(e.to_string().contains("more than the 65536"), "{e}");
        }
        assert!(cidr_expand(&[Value::from("10.0.0.0/33")]).is_err());
        assert!(cidr_expand(&[Value::from("nonsense")]).is_err());
    }
}
