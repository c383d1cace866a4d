//! How a change to `.gate.yaml` can weaken the gate: the vocabulary each configuration
//! section's `weakened_by` uses, and the table every section keeps of its fields.
//!
//! The change under review is untrusted, and its own configuration is judged against the one
//! it replaces: a field nobody thought about is a field a pull request can use to switch a
//! check off. So every field of every section is listed, either with a rule (and a before /
//! after example the tests replay) or with the reason it cannot weaken anything; a test fails
//! when a field is in neither list.

/// One configuration field and how a change to it weakens the gate.
#[derive(Debug, Clone, Copy)]
pub struct FieldRule {
    /// The field, relative to its section (`disable`, `budget_mb`).
    pub field: &'static str,
    pub weakens: Weakens,
}

#[derive(Debug, Clone, Copy)]
pub enum Weakens {
    /// A change to the field can weaken the gate; `before` and `after` are YAML mappings of the
    /// section where it does (the tests check `weakened_by` reports it).
    Yes {
        before: &'static str,
        after: &'static str,
    },
    /// The field cannot weaken the gate, and why.
    No(&'static str),
}

/// A field with a weakening rule.
pub const fn checked(field: &'static str, before: &'static str, after: &'static str) -> FieldRule {
    FieldRule {
        field,
        weakens: Weakens::Yes { before, after },
    }
}

/// A field that cannot weaken the gate.
pub const fn cannot(field: &'static str, why: &'static str) -> FieldRule {
    FieldRule {
        field,
        weakens: Weakens::No(why),
    }
}

/// The items of `after` that `before` does not have, in `after`'s order.
pub fn added<'a, T: PartialEq>(before: &[T], after: &'a [T]) -> Vec<&'a T> {
    after.iter().filter(|x| !before.contains(x)).collect()
}

/// The items of `before` that `after` drops, in `before`'s order.
pub fn removed<'a, T: PartialEq>(before: &'a [T], after: &[T]) -> Vec<&'a T> {
    added(after, before)
}
