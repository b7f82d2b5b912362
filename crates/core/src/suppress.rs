//! Inline suppression comments in env files.
//!
//! Why: a linter people cannot silence locally gets switched off globally. The forms are
//! `# envlint: ignore` (every rule) or `# envlint: ignore[rule-a, rule-b]`, either alone on
//! the line before the finding or at the end of its line, and `# envlint: ignore-file` /
//! `# envlint: ignore-file[rule]` anywhere in the file.

use std::ops::Range;

use envlint_dotenv::{Document, LineKind};

use crate::diagnostic::Diagnostic;

/// Which rules a directive names: all of them, or a list.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Scope {
    /// Every rule.
    All,
    /// These rule ids.
    Rules(Vec<String>),
}

impl Scope {
    fn covers(&self, rule: &str) -> bool {
        match self {
            Scope::All => true,
            Scope::Rules(ids) => ids.iter().any(|r| r == rule),
        }
    }
}

/// A parsed `envlint:` directive.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Directive {
    /// `ignore[...]`: this line or the next.
    Line(Scope),
    /// `ignore-file[...]`: the whole file.
    File(Scope),
}

/// Parses the directive in a comment's text (`# envlint: ignore[a, b]`), if any.
pub fn parse_directive(comment: &str) -> Option<Directive> {
    let rest = comment.trim_start_matches('#').trim_start();
    let rest = rest.strip_prefix("envlint:")?.trim_start();
    let (file, rest) = match rest.strip_prefix("ignore-file") {
        Some(r) => (true, r),
        None => (false, rest.strip_prefix("ignore")?),
    };
    let scope = if let Some(list) = rest.strip_prefix('[') {
        let list = &list[..list.find(']')?];
        Scope::Rules(
            list.split(',')
                .map(|s| s.trim().to_owned())
                .filter(|s| !s.is_empty())
                .collect(),
        )
    } else if rest.is_empty() || rest.starts_with(char::is_whitespace) {
        Scope::All
    } else {
        return None;
    };
    Some(if file {
        Directive::File(scope)
    } else {
        Directive::Line(scope)
    })
}

/// The suppressions of one document.
#[derive(Debug, Default)]
pub struct Suppressions {
    /// (byte range of the covered line, scope)
    lines: Vec<(Range<usize>, Scope)>,
    file: Vec<Scope>,
}

impl Suppressions {
    /// Collects the directives of `doc`.
    pub fn from_document(doc: &Document) -> Self {
        let mut s = Suppressions::default();
        // One scan of the bytes settles the common case: no directive anywhere.
        if memchr::memmem::find(doc.to_bytes(), b"envlint:").is_none() {
            return s;
        }
        let lines = doc.lines();
        for (i, line) in lines.iter().enumerate() {
            let (comment, own_line) = match &line.kind {
                LineKind::Comment(c) => (*c, true),
                LineKind::Entry(e) => match e.comment_span(doc) {
                    Some(c) => (c, false),
                    None => continue,
                },
                _ => continue,
            };
            if memchr::memmem::find(&doc.to_bytes()[comment.range()], b"envlint:").is_none() {
                continue;
            }
            match parse_directive(&doc.text(comment)) {
                Some(Directive::File(scope)) => s.file.push(scope),
                Some(Directive::Line(scope)) => {
                    let target = if own_line {
                        lines.get(i + 1).map(|l| l.span.range())
                    } else {
                        Some(line.span.range())
                    };
                    if let Some(t) = target {
                        s.lines.push((t, scope));
                    }
                }
                None => {}
            }
        }
        s
    }

    /// Whether `d` is suppressed.
    pub fn suppresses(&self, d: &Diagnostic) -> bool {
        self.file.iter().any(|s| s.covers(d.rule))
            || self.lines.iter().any(|(range, scope)| {
                (range.contains(&d.span.start) || (range.start == d.span.start))
                    && scope.covers(d.rule)
            })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_the_forms() {
        assert_eq!(
            parse_directive("# envlint: ignore"),
            Some(Directive::Line(Scope::All))
        );
        assert_eq!(
            parse_directive("#envlint: ignore[lowercase-key, bom]"),
            Some(Directive::Line(Scope::Rules(vec![
                "lowercase-key".into(),
                "bom".into()
            ])))
        );
        assert_eq!(
            parse_directive("# envlint: ignore-file[unordered-key]"),
            Some(Directive::File(Scope::Rules(vec!["unordered-key".into()])))
        );
        assert_eq!(parse_directive("# envlint: ignored"), None);
        assert_eq!(parse_directive("# not a directive"), None);
    }
}
