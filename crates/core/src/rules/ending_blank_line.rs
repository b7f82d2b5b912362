//! `ending-blank-line`: the file does not end with a line break.

use envlint_dotenv::TextEdit;

use crate::diagnostic::{Diagnostic, Fix, Severity};
use crate::rule::Rule;

pub(crate) const RULE: Rule = Rule {
    id: "ending-blank-line",
    summary: "the file does not end with a newline",
    severity: Severity::Warning,
    default_enabled: true,
    fix: crate::rule::FixAvailability::Safe,
    docs: r##"## What it does
Reports a file whose last line has no line terminator.

## Why is this bad?
Tools that append to the file (`echo KEY=v >> .env`) glue the new key onto the last value.
dotenvy rejects a last line that ends in whitespace or a backslash without a newline.
POSIX defines a line as ending in a newline; diffs show "No newline at end of file".

## Example
`A=1` with no final newline.

## Fix
Safe: a line terminator (the one the file already uses) is appended.
"##,
    file: Some(|ctx, out| {
        let doc = ctx.doc;
        if doc.ends_with_newline() {
            return;
        }
        let len = doc.to_bytes().len();
        out.push(
            Diagnostic::new(
                "ending-blank-line",
                Severity::Warning,
                len..len,
                "the file does not end with a newline",
            )
            .fix(Fix::safe(
                "Add a newline at the end",
                vec![TextEdit::insert(len, doc.line_ending())],
            )),
        );
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
        pass("ending-blank-line", "A=1\n");
        pass("ending-blank-line", "");
        fail("ending-blank-line", "A=1", 1);
        assert_eq!(
            fixed("ending-blank-line", "A=1\r\nB=2", false),
            "A=1\r\nB=2\r\n"
        );
    }
}
