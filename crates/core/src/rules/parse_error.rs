//! `parse-error`: lines dotenvy 0.15.7 rejects.

use super::{entries, report_rejections};
use crate::diagnostic::{Diagnostic, Severity};
use crate::rule::Rule;

pub(crate) const RULE: Rule = Rule {
    id: "parse-error",
    summary: "dotenvy would reject the line",
    severity: Severity::Error,
    default_enabled: true,
    fix: crate::rule::FixAvailability::SomeCases,
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
    file: Some(|ctx, out| {
        report_rejections(ctx, "parse-error", out);
        // dotenvy parses a NUL byte into the value, but `std::env::set_var` panics on it.
        if memchr::memchr(0, ctx.doc.to_bytes()).is_none() {
            return;
        }
        for (_, e) in entries(ctx.doc) {
            if e.value(ctx.doc).contains('\0') {
                let key = e.key(ctx.doc);
                out.push(
                    Diagnostic::new(
                        "parse-error",
                        Severity::Error,
                        e.raw_value.range(),
                        format!("the value of `{key}` holds a NUL byte: dotenvy reads it, but setting the variable panics"),
                    )
                    .key(key)
                    .help("remove the NUL byte; environment variables cannot hold one"),
                );
            }
        }
    }),
    line: None,
    entry: None,
    quiet: crate::rule::Quiet::Never,
    project: None,
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
        fail("parse-error", "A=x\0y\n", 1);
    }
}
