//! `unordered-key`: keys out of alphabetical order within a group (off by default).

use envlint_dotenv::LineKind;

use crate::diagnostic::{Diagnostic, Severity};
use crate::rule::Rule;

pub(crate) const RULE: Rule = Rule {
    id: "unordered-key",
    summary: "the key is out of alphabetical order in its group",
    severity: Severity::Warning,
    default_enabled: false,
    fix: crate::rule::FixAvailability::None,
    docs: r##"## What it does
Reports a key that sorts (case-insensitively) before the key above it, within a group of
consecutive entries (blank lines and comments start a new group). Off by default: it is a
style rule.

## Why is this bad?
Sorted groups make duplicates and missing keys easy to spot and keep merges simple.

## Example
```env
PORT=8080
HOST=localhost
```

## Fix
None automatic: moving lines can change what `$` references see and moves comments away
from their keys.
"##,
    file: Some(|ctx, out| {
        let doc = ctx.doc;
        let src = doc.to_bytes();
        // The last in-order key of the current group (compared without case, no copies).
        let mut prev: Option<&envlint_dotenv::Entry> = None;
        for line in doc.lines() {
            match &line.kind {
                LineKind::Entry(e) => {
                    if let Some(p) = prev {
                        if cmp_ignore_case(&src[e.key.range()], &src[p.key.range()]).is_lt() {
                            let (key, p) = (e.key(doc), p.key(doc));
                            out.push(
                                Diagnostic::new(
                                    "unordered-key",
                                    Severity::Warning,
                                    e.key.range(),
                                    format!("`{key}` should come before `{p}`"),
                                )
                                .key(key),
                            );
                            continue;
                        }
                    }
                    prev = Some(e);
                }
                _ => prev = None,
            }
        }
    }),
    line: None,
    entry: None,
    quiet: crate::rule::Quiet::Never,
    project: None,
};

/// ASCII case-insensitive order, without allocating. The prefix the two keys share as
/// written is skipped first (keys of a group often share one, and a plain comparison is
/// half the work of one that folds case).
fn cmp_ignore_case(a: &[u8], b: &[u8]) -> std::cmp::Ordering {
    let same = a.iter().zip(b).take_while(|(x, y)| x == y).count();
    a[same..]
        .iter()
        .map(u8::to_ascii_uppercase)
        .cmp(b[same..].iter().map(u8::to_ascii_uppercase))
}

#[cfg(test)]
mod tests {
    use crate::rules::test_support::*;

    #[test]
    fn order_ignores_case_after_a_shared_prefix() {
        use std::cmp::Ordering::*;
        for (a, b, order) in [
            ("AB", "AB", Equal),
            ("ab", "AB", Equal),
            ("A_B", "A_b", Equal),
            ("A_X", "A_b", Greater),
            ("A_a", "A_B", Less),
            ("Ab", "AC", Less),
            ("A", "AB", Less),
            ("a", "A_", Less),
            ("", "", Equal),
        ] {
            assert_eq!(
                super::cmp_ignore_case(a.as_bytes(), b.as_bytes()),
                order,
                "{a} {b}"
            );
            assert_eq!(
                super::cmp_ignore_case(b.as_bytes(), a.as_bytes()),
                order.reverse(),
                "{b} {a}"
            );
        }
    }

    #[test]
    fn vectors() {
        pass("unordered-key", "A=1\nB=2\n\nA=1\n# c\n_X=1\n");
        fail("unordered-key", "B=1\nA=2\nC=3\nb_=4\n", 2);
        // The message names the keys as written.
        assert_eq!(
            check("unordered-key", "b=1\na=2\n"),
            ["`a` should come before `b`"]
        );
    }
}
