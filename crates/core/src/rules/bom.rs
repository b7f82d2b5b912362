//! `bom`: a UTF-8 byte order mark at the start of the file.

use envlint_dotenv::{TextEdit, BOM};

use crate::diagnostic::{Diagnostic, Fix, Severity};
use crate::rule::Rule;

pub(crate) const RULE: Rule = Rule {
    id: "bom",
    summary: "the file starts with a UTF-8 byte order mark",
    severity: Severity::Warning,
    default_enabled: true,
    fix: crate::rule::FixAvailability::Safe,
    docs: r##"## What it does
Reports a UTF-8 byte order mark (BOM) at the start of the file, as some Windows editors
write.

## Why is this bad?
dotenvy's `from_path_iter`/`from_read_iter` read the BOM as part of the first key and
reject the line; shells that `source` the file see a command named `\ufeffKEY=...`. dotenvy's
loaders, node dotenv, python-dotenv and docker compose strip it, so the file works in one
place and fails in another.

## Example
A file whose first three bytes are `EF BB BF`.

## Fix
Safe: the BOM is removed; nothing else changes.
"##,
    file: Some(|ctx, out| {
        if ctx.doc.has_bom() {
            out.push(
                Diagnostic::new(
                    "bom",
                    Severity::Warning,
                    0..BOM.len(),
                    "the file starts with a UTF-8 byte order mark",
                )
                .help("save the file as UTF-8 without BOM")
                .fix(Fix::safe(
                    "Remove the byte order mark",
                    vec![TextEdit::delete(0..BOM.len())],
                )),
            );
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
        pass("bom", "A=1\n");
        fail("bom", "\u{feff}A=1\n", 1);
        assert_eq!(fixed("bom", "\u{feff}A=1\n", false), "A=1\n");
    }
}
