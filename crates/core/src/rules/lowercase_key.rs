//! `lowercase-key`: keys with lowercase letters.

use crate::diagnostic::{Diagnostic, Severity};
use crate::rule::Rule;

pub(crate) const RULE: Rule = Rule {
    id: "lowercase-key",
    summary: "the key has lowercase letters",
    severity: Severity::Warning,
    default_enabled: true,
    fix: crate::rule::FixAvailability::None,
    docs: r##"## What it does
Reports keys that contain lowercase letters.

## Why is this bad?
Environment variable names are upper case by convention (POSIX reserves lowercase names
for applications, and Windows treats names case-insensitively, so `port` and `PORT` collide
there). Mixed case invites two spellings of one setting.

## Example
```env
database_url=postgres://localhost/dev
```

## Fix
None automatic: renaming a key breaks the code that reads it.
"##,
    file: None,
    line: None,
    entry: Some(|ctx, e, out| {
        let src = ctx.doc.to_bytes();
        // No early exit: the compiler checks the key sixteen bytes at a time (keys are
        // short and nearly always upper case, so `any` would read every byte anyway).
        let lower = src[e.key.range()]
            .iter()
            .fold(false, |found, b| found | b.is_ascii_lowercase());
        if lower {
            let key = e.key(ctx.doc);
            out.push(
                Diagnostic::new(
                    "lowercase-key",
                    Severity::Warning,
                    e.key.range(),
                    format!("the key `{key}` should be upper case"),
                )
                .key(key)
                .help(format!(
                    "rename it to `{}` here and in the code that reads it",
                    key.to_ascii_uppercase()
                )),
            );
        }
    }),
    quiet: crate::rule::Quiet::OnPlain,
    project: None,
};

#[cfg(test)]
mod tests {
    use crate::rules::test_support::*;

    #[test]
    fn vectors() {
        pass("lowercase-key", "A_1=x\n");
        fail("lowercase-key", "a=1\nAb=2\n", 2);
    }
}
