//! `invalid-utf8`: bytes that are not UTF-8.

use super::report_rejections;
use crate::diagnostic::Severity;
use crate::rule::Rule;

pub(crate) const RULE: Rule = Rule {
    id: "invalid-utf8",
    summary: "the line is not valid UTF-8",
    severity: Severity::Error,
    default_enabled: true,
    fix: crate::rule::FixAvailability::None,
    docs: r##"## What it does
Reports lines holding bytes that are not valid UTF-8 (a file saved as Latin-1 or UTF-16,
a binary pasted in).

## Why is this bad?
dotenvy fails with an I/O error on such a line; other loaders replace or drop the bytes,
so the value differs from tool to tool.

## Example
A line `NAME=Jos\xe9` saved in Latin-1.

## Fix
None automatic: re-save the file as UTF-8.
"##,
    file: Some(|ctx, out| report_rejections(ctx, "invalid-utf8", out)),
    line: None,
    entry: None,
    quiet: crate::rule::Quiet::Never,
    project: None,
};

#[cfg(test)]
mod tests {
    use crate::config::{Config, Settings};
    use crate::lint::lint_env_file;

    #[test]
    fn vectors() {
        let s = Settings::resolve(&Config::default(), &["invalid-utf8".into()], &[]).unwrap();
        assert!(lint_env_file(b"A=1\n".to_vec(), &s).diagnostics.is_empty());
        let r = lint_env_file(b"A=\xe9\nB=2\n".to_vec(), &s);
        assert_eq!(r.diagnostics.len(), 1);
        assert_eq!(r.diagnostics[0].span, 2..3);
    }
}
