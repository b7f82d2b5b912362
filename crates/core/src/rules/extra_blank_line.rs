//! `extra-blank-line`: two or more blank lines in a row.

use envlint_dotenv::{LineKind, TextEdit};

use crate::diagnostic::{Diagnostic, Fix, Severity};
use crate::rule::Rule;

pub(crate) const RULE: Rule = Rule {
    id: "extra-blank-line",
    summary: "more than one blank line in a row",
    severity: Severity::Warning,
    default_enabled: true,
    fix: crate::rule::FixAvailability::Safe,
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
    file: None,
    line: Some(|ctx, i, line, out| {
        let previous_blank = i > 0 && matches!(ctx.doc.lines()[i - 1].kind, LineKind::Blank);
        if previous_blank && matches!(line.kind, LineKind::Blank) {
            let span = line.span.range();
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
    }),
    entry: None,
    quiet: crate::rule::Quiet::OnPlain,
    project: None,
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
