//! `unordered-key`: keys out of alphabetical order within a group (off by default).

use envlint_dotenv::LineKind;

use crate::diagnostic::{Diagnostic, Severity};
use crate::rule::Rule;

pub(crate) const RULE: Rule = Rule {
    id: "unordered-key",
    summary: "the key is out of alphabetical order in its group",
    severity: Severity::Warning,
    default_enabled: false,
    fix: "none",
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
        // The last in-order key of the current group (compared without case, no copies).
        let mut prev: Option<&str> = None;
        for line in doc.lines() {
            match &line.kind {
                LineKind::Entry(e) => {
                    let key = e.key(doc);
                    if let Some(p) = prev {
                        if cmp_ignore_case(key, p).is_lt() {
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
                    prev = Some(key);
                }
                _ => prev = None,
            }
        }
    }),
    line: None,
    entry: None,
    quiet_on_plain: false,
    project: None,
};

/// ASCII case-insensitive order, without allocating.
fn cmp_ignore_case(a: &str, b: &str) -> std::cmp::Ordering {
    a.bytes()
        .map(|c| c.to_ascii_uppercase())
        .cmp(b.bytes().map(|c| c.to_ascii_uppercase()))
}

#[cfg(test)]
mod tests {
    use crate::rules::test_support::*;

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
