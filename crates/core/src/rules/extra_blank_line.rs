//! `extra-blank-line`: two or more blank lines in a row.

use envlint_dotenv::{LineKind, TextEdit};

use crate::diagnostic::{Diagnostic, Fix, Severity};
use crate::rule::Rule;

pub(crate) const RULE: Rule = Rule {
    id: "extra-blank-line",
    summary: "more than one blank line in a row",
    severity: Severity::Warning,
    default_enabled: true,
    fix: "safe",
    docs: r##"## What it does
Reports each blank line that follows another blank line.

## Why is this bad?
One blank line separates groups; more is noise that makes diffs and reviews longer.

## Example
```env
A=1


B=2
```

## Fix
Safe: the extra blank lines are removed.
"##,
    check: |ctx, out| {
        let lines = ctx.doc.lines();
        for pair in lines.windows(2) {
            if matches!(pair[0].kind, LineKind::Blank) && matches!(pair[1].kind, LineKind::Blank) {
                let span = pair[1].span.clone();
                out.push(
                    Diagnostic::new(
                        "extra-blank-line",
                        Severity::Warning,
                        span.start..span.start,
                        "extra blank line",
                    )
                    .fix(Fix::safe(
                        "Remove the blank line",
                        vec![TextEdit::delete(span)],
                    )),
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
        pass("extra-blank-line", "A=1\n\nB=2\n");
        fail("extra-blank-line", "A=1\n\n\n\nB=2\n", 2);
        assert_eq!(
            fixed("extra-blank-line", "A=1\r\n\r\n \r\nB=2\r\n", false),
            "A=1\r\n\r\nB=2\r\n"
        );
    }
}
