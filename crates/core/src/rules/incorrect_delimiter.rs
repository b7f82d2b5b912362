//! `incorrect-delimiter`: keys with `-` or `.` between words.

use super::report_rejections;
use crate::diagnostic::{Diagnostic, Severity};
use crate::rule::Rule;

pub(crate) const RULE: Rule = Rule {
    id: "incorrect-delimiter",
    summary: "the key separates words with something other than `_`",
    severity: Severity::Warning,
    default_enabled: true,
    fix: crate::rule::FixAvailability::None,
    docs: r##"## What it does
Reports keys that use `-` or `.` between words instead of `_`.

## Why is this bad?
`FOO-BAR=1` is rejected by dotenvy (which stops loading there) and by POSIX shells
(`export FOO-BAR=1` is an error). `FOO.BAR` loads in dotenvy and node dotenv, but no
shell can set or read it, and `process.env.FOO.BAR` does not mean what it says.

## Example
```env
DB-HOST=localhost
```
Use instead:
```env
DB_HOST=localhost
```

## Fix
None automatic: renaming a key breaks the code that reads it. Rename both.
"##,
    file: Some(|ctx, out| report_rejections(ctx, "incorrect-delimiter", out)),
    line: None,
    entry: Some(|ctx, e, out| {
        let src = ctx.doc.to_bytes();
        if is_dotted(&src[e.key.range()]) {
            let key = e.key(ctx.doc);
            out.push(
                Diagnostic::new(
                    "incorrect-delimiter",
                    Severity::Warning,
                    e.key.range(),
                    format!("the key `{key}` contains `.`"),
                )
                .key(key)
                .help("use `_` between words; shells cannot set or read a name with `.`"),
            );
        }
    }),
    quiet: crate::rule::Quiet::OnPlain,
    project: None,
};

/// `.` in a key; a byte loop, as keys are short (a memchr call costs more).
fn is_dotted(key: &[u8]) -> bool {
    // No early exit (nor `contains`, a `memchr` call): on short keys that almost never hold
    // a dot, a comparison the compiler does sixteen bytes at a time is the cheapest.
    key.iter().fold(false, |found, &b| found | (b == b'.'))
}

#[cfg(test)]
mod tests {
    use crate::rules::test_support::*;

    #[test]
    fn vectors() {
        pass("incorrect-delimiter", "FOO_BAR=1\n");
        fail("incorrect-delimiter", "FOO-BAR=1\nA.B=2\n", 2);
    }
}
