//! `incorrect-delimiter`: keys with `-` or `.` between words.

use super::{entries, report_rejections};
use crate::diagnostic::{Diagnostic, Severity};
use crate::rule::Rule;

pub(crate) const RULE: Rule = Rule {
    id: "incorrect-delimiter",
    summary: "the key separates words with something other than `_`",
    severity: Severity::Warning,
    default_enabled: true,
    fix: "none",
    docs: r##"## What it does
Reports keys that use `-` or `.` between words instead of `_`.

## Why is this bad?
`FOO-BAR=1` is rejected by dotenvy, python's `os.environ` handling in shells, and POSIX
shells (`export FOO-BAR=1` is an error). `FOO.BAR` loads in dotenvy and node dotenv, but no
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
    check: |ctx, out| {
        report_rejections(ctx, "incorrect-delimiter", out);
        for (_, e) in entries(ctx.doc) {
            let key = e.key(ctx.doc);
            if key.contains('.') {
                out.push(
                    Diagnostic::new(
                        "incorrect-delimiter",
                        Severity::Warning,
                        e.key.clone(),
                        format!("the key `{key}` contains `.`"),
                    )
                    .key(key)
                    .help("use `_` between words; shells cannot set or read a name with `.`"),
                );
            }
        }
    },
};

#[cfg(test)]
mod tests {
    use crate::rules::test_support::*;

    #[test]
    fn vectors() {
        pass("incorrect-delimiter", "FOO_BAR=1\n");
        fail("incorrect-delimiter", "FOO-BAR=1\nA.B=2\n", 2);
    }
}
