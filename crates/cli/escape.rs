//! Names and messages made safe to print as text: no file name can start a line.
//!
//! Why: paths come from the repository being checked, and a file name may hold any byte
//! but `/` and NUL: a newline, an escape sequence, `::error::` (a GitHub Actions workflow
//! command, which the runner obeys at the start of any line of a job's log, stdout or
//! stderr, leading spaces allowed). Printed raw, a repository could forge annotations, mask
//! or fake log lines, or drive the terminal. So every text format (human frames and
//! summaries, concise lines, `refs` lines, messages on stderr) passes paths and messages
//! through [`text`]: control characters become visible escapes (`\n`, `\r`, `\t`,
//! `\u{1b}`), as do the Unicode line and paragraph separators; and through [`line`] or
//! [`defuse_lines`], which put `./` before a line that would begin with a workflow-command
//! marker (`::` or `##[`, only ever a name: envlint's own text never starts a line so; and
//! `./name` is the same path). JSON and SARIF need none of this: serde escapes control
//! characters in strings, and a document is one line. The `github` format escapes with
//! GitHub's own percent-encoding (`render::github`).

use std::borrow::Cow;

/// Whether `c` must not reach the output as it is.
fn hostile(c: char) -> bool {
    c.is_control() || matches!(c, '\u{2028}' | '\u{2029}')
}

/// `s` with control characters escaped (`\n`, `\u{1b}`, …); borrowed when there are none.
pub(crate) fn text(s: &str) -> Cow<'_, str> {
    if !s.chars().any(hostile) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        if hostile(c) {
            out.extend(c.escape_default());
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

/// Whether a line (without its end) would be read as a workflow command.
fn is_command(line: &str) -> bool {
    let start = line.trim_start();
    start.starts_with("::") || start.starts_with("##[")
}

/// One line of output (without its end): [`text`], and `./` before it when it would begin
/// with a workflow-command marker (a path at the start of a line: `./::x.env` is that path).
pub(crate) fn line(s: &str) -> Cow<'_, str> {
    let escaped = text(s);
    if !is_command(&escaped) {
        return escaped;
    }
    let indent = escaped.len() - escaped.trim_start().len();
    Cow::Owned(format!("{}./{}", &escaped[..indent], &escaped[indent..]))
}

/// Puts `./` before every line of `out` from byte `from` on that would begin with a
/// workflow-command marker (a name wrapped to the start of a line of a code frame).
pub(crate) fn defuse_lines(out: &mut String, from: usize) {
    let tail = &out[from..];
    if !tail.contains("::") && !tail.contains("##[") {
        return;
    }
    let mut fixed = String::with_capacity(tail.len() + 8);
    for l in tail.split_inclusive('\n') {
        let (body, end) = match l.strip_suffix('\n') {
            Some(body) => (body, "\n"),
            None => (l, ""),
        };
        fixed.push_str(&line(body));
        fixed.push_str(end);
    }
    out.truncate(from);
    out.push_str(&fixed);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn controls_are_escaped_and_plain_text_is_borrowed() {
        assert!(matches!(text("apps/web/.env"), Cow::Borrowed(_)));
        assert_eq!(
            text("x\n::error::y\r\t\u{1b}[31m\u{2028}"),
            "x\\n::error::y\\r\\t\\u{1b}[31m\\u{2028}"
        );
        assert_eq!(text("日本/.env"), "日本/.env");
    }

    #[test]
    fn lines_never_begin_with_a_workflow_command() {
        assert_eq!(
            line("::error::x.env:1:1: bom: b"),
            "./::error::x.env:1:1: bom: b"
        );
        assert_eq!(line("  ##[error]x"), "  ./##[error]x");
        assert_eq!(line("a::b"), "a::b");
        assert_eq!(line("x\n::error::y"), "x\\n::error::y");
        let mut out = "keep\n".to_owned();
        out.push_str("  × rule: m\n        ::warning::x.env, which\n  ok\n");
        defuse_lines(&mut out, 5);
        assert_eq!(
            out,
            "keep\n  × rule: m\n        ./::warning::x.env, which\n  ok\n"
        );
    }
}
