//! Three-valued (Kleene) logic: a policy element is true, false, or
//! undecided because the request context does not say enough.

/// The outcome of a test whose inputs may be unknown at analysis time.
///
/// `Unknown` propagates like SQL's NULL: `True and Unknown` is `Unknown`,
/// `True or Unknown` is `True`, `not Unknown` is `Unknown`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Tri {
    /// Certainly does not hold.
    #[default]
    False,
    /// Depends on something the request context leaves unknown.
    Unknown,
    /// Certainly holds.
    True,
}

impl Tri {
    /// Logical and.
    #[must_use]
    pub fn and(self, other: Tri) -> Tri {
        match (self, other) {
            (Tri::False, _) | (_, Tri::False) => Tri::False,
            (Tri::True, Tri::True) => Tri::True,
            _ => Tri::Unknown,
        }
    }

    /// Logical or.
    #[must_use]
    pub fn or(self, other: Tri) -> Tri {
        match (self, other) {
            (Tri::True, _) | (_, Tri::True) => Tri::True,
            (Tri::False, Tri::False) => Tri::False,
            _ => Tri::Unknown,
        }
    }

    /// True only when certainly true.
    pub fn is_true(self) -> bool {
        self == Tri::True
    }

    /// True only when certainly false.
    pub fn is_false(self) -> bool {
        self == Tri::False
    }
}

impl std::ops::Not for Tri {
    type Output = Tri;

    /// Logical not.
    fn not(self) -> Tri {
        match self {
            Tri::True => Tri::False,
            Tri::False => Tri::True,
            Tri::Unknown => Tri::Unknown,
        }
    }
}

impl From<bool> for Tri {
    fn from(value: bool) -> Self {
        if value { Tri::True } else { Tri::False }
    }
}

#[cfg(test)]
mod tests {
    use super::Tri::{self, False, True, Unknown};
    use std::ops::Not;

    #[test]
    fn kleene_tables() {
        let all = [False, Unknown, True];
        for a in all {
            assert_eq!(a.and(True), a);
            assert_eq!(a.or(False), a);
            assert_eq!(a.and(False), False);
            assert_eq!(a.or(True), True);
            assert_eq!(a.not().not(), a);
        }
        assert_eq!(Unknown.and(Unknown), Unknown);
        assert_eq!(Tri::from(true), True);
    }
}
