//! `parse-error`: lines dotenvy 0.15.7 rejects.

use super::report_rejections;
use crate::diagnostic::Severity;
use crate::rule::Rule;

pub(crate) const RULE: Rule = Rule {
    id: "parse-error",
    summary: "dotenvy would reject the line",
    severity: Severity::Error,
    default_enabled: true,
    fix: "some cases",
    docs: r##"## What it does
Reports every line that dotenvy 0.15.7 (the loader behind most Rust programs) rejects, says
why, and how to write it. A rejection that a more specific rule names (`key-without-value`,
`value-without-quotes`, `incorrect-delimiter`, `leading-character`, `substitution-key`,
`trailing-whitespace`, `invalid-utf8`) is reported by that rule while it is enabled.

## Why is this bad?
dotenvy stops loading at the first rejected line: every variable after it is missing at run
time, and the program fails far from the cause. Other loaders accept many of these lines
and read something, so the same file behaves differently in different tools.

## Example
```env
GREETING="tab\there"
B="$A"
```
Use instead:
```env
GREETING='tab\there'
B="${A}"
```

## Fix
Automatic where the intent is unambiguous; otherwise the help text says what to write.
"##,
    check: |ctx, out| report_rejections(ctx, "parse-error", out),
};

#[cfg(test)]
mod tests {
    use crate::rules::test_support::*;

    #[test]
    fn vectors() {
        pass("parse-error", "A=1\nB=\"x y\"\n");
        fail("parse-error", "A=\"a\\tb\"\n", 1);
        fail("parse-error", "A=\"open\nB=2\n", 1);
        // Owned by value-without-quotes when that rule is on; alone, parse-error reports it.
        fail("parse-error", "A=two words\n", 1);
    }
}
