//! Inputs gate could not read, collected instead of aborting on the first (ripgrep's way):
//! every analyzer reports each file it cannot read or parse with its path (and line when
//! known) and goes on with the others. The run then ends with every error named, the
//! requested reports written with the errors in them, an `error` decision and exit code 2:
//! a gate cannot pass what it cannot read, and a reviewer with two broken manifests should
//! learn about both at once.
//!
//! Errors that leave nothing to analyze (the diff itself, the configuration, the policies,
//! git failing) still end the run at once.

use std::fmt;

use serde::Serialize;

/// One input that could not be read or parsed.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct InputError {
    /// The file, as the change or the command line names it.
    pub path: String,
    /// 1-based line of the problem, when the parser knows it.
    pub line: Option<u32>,
    /// 1-based column, when the parser knows it.
    pub column: Option<u32>,
    /// What went wrong, without the place (`cannot parse: expected value`).
    pub message: String,
}

impl InputError {
    /// The error of reading `path`: the place the error names itself (a [`Located`], or a
    /// message in the `path:line[:column]: what` form every parser here writes), else `path`.
    pub fn new(path: &str, e: &anyhow::Error) -> InputError {
        if let Some(l) = e.downcast_ref::<Located>() {
            return InputError {
                path: l.path.clone(),
                line: l.line,
                column: None,
                message: l.message.clone(),
            };
        }
        let text = format!("{e:#}");
        let mut err = InputError {
            path: path.to_string(),
            line: None,
            column: None,
            message: text.clone(),
        };
        let Some(mut rest) = text.strip_prefix(path).and_then(|r| r.strip_prefix(':')) else {
            return err;
        };
        let mut numbers = Vec::new();
        while let Some((n, r)) = rest.split_once(':') {
            match n.parse::<u32>() {
                Ok(n) if numbers.len() < 2 => numbers.push(n),
                _ => break,
            }
            rest = r;
        }
        err.line = numbers.first().copied();
        err.column = numbers.get(1).copied();
        err.message = rest.trim_start().to_string();
        err
    }
}

impl InputError {
    /// `path`, `path:line` or `path:line:column`.
    pub fn place(&self) -> String {
        match (self.line, self.column) {
            (Some(l), Some(c)) => format!("{}:{l}:{c}", self.path),
            (Some(l), None) => format!("{}:{l}", self.path),
            (None, _) => self.path.clone(),
        }
    }
}

impl fmt::Display for InputError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.place(), self.message)
    }
}

/// An error that knows the file (and line) it is about, so a collector names the right place
/// even when it is not the file being processed (a lockfile read for its manifest, a
/// registry snapshot).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Located {
    pub path: String,
    pub line: Option<u32>,
    pub message: String,
}

impl Located {
    pub fn new(path: &str, line: Option<u32>, message: impl fmt::Display) -> Located {
        Located {
            path: path.to_string(),
            line,
            message: message.to_string(),
        }
    }
}

impl fmt::Display for Located {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.line {
            Some(l) => write!(f, "{}:{l}: {}", self.path, self.message),
            None => write!(f, "{}: {}", self.path, self.message),
        }
    }
}

impl std::error::Error for Located {}

/// Sorted, each once (an unreadable lockfile is met once per manifest that names it).
pub fn normalize(errors: &mut Vec<InputError>) {
    errors.sort();
    errors.dedup();
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn named_by_the_place_the_error_knows() {
        let e = anyhow::Error::new(Located::new("a/package.json", Some(3), "cannot parse: x"));
        let ie = InputError::new("b/package.json", &e);
        assert_eq!(ie.to_string(), "a/package.json:3: cannot parse: x");
        let e = anyhow::anyhow!("permission denied");
        assert_eq!(
            InputError::new("c.py", &e).to_string(),
            "c.py: permission denied"
        );
        let mut v = vec![ie.clone(), InputError::new("c.py", &e), ie];
        normalize(&mut v);
        assert_eq!(v.len(), 2);
        assert_eq!(v[0].path, "a/package.json");
    }

    #[test]
    fn the_place_a_message_starts_with_is_parsed() {
        let e = anyhow::anyhow!("plan.json:12:4: not valid JSON: EOF at line 12 column 4");
        let ie = InputError::new("plan.json", &e);
        assert_eq!((ie.line, ie.column), (Some(12), Some(4)));
        assert_eq!(ie.message, "not valid JSON: EOF at line 12 column 4");
        assert_eq!(ie.to_string(), e.to_string());
        let e = anyhow::anyhow!("plan.json: not a plan gate knows");
        let ie = InputError::new("plan.json", &e);
        assert_eq!(
            (ie.line, ie.message.as_str()),
            (None, "not a plan gate knows")
        );
        // Another file's name is kept in the message, not taken apart.
        let e = anyhow::anyhow!("plan.json.bak:3: x");
        let ie = InputError::new("plan.json", &e);
        assert_eq!((ie.line, ie.message.as_str()), (None, "plan.json.bak:3: x"));
    }
}
