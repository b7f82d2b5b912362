//! Inline suppression comments, in env files and in source code: one grammar for both.
//!
//! Why: a linter people cannot silence locally gets switched off globally. The forms are
//! `envlint: ignore` (every rule) or `envlint: ignore[rule-a, rule-b]`, either alone on
//! the line before the finding or at the end of its line, and `envlint: ignore-file` /
//! `envlint: ignore-file[rule]` anywhere in the file. In env files the marker must sit in a
//! comment (the parser knows where comments are); in source code it is found by a plain
//! text search, since `envlint:` is specific enough not to need each language's comment
//! syntax. Either way [`parse_directive`] reads what follows the marker, so the two accept
//! exactly the same text.

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

/// The marker every directive starts with.
const MARKER: &str = "envlint:";

/// Parses the directive in a comment's text (`# envlint: ignore[a, b]`), if any: the first
/// `envlint:` marker in it that a directive follows.
pub fn parse_directive(comment: &str) -> Option<Directive> {
    comment
        .match_indices(MARKER)
        .find_map(|(at, _)| after_marker(&comment[at + MARKER.len()..]))
}

/// The directive right after an `envlint:` marker: `ignore` or `ignore-file`, then a
/// `[rule, …]` list, the end of the text, or a character that cannot continue a word
/// (`envlint: ignored` and `envlint: ignore_this` are prose, not directives).
fn after_marker(rest: &str) -> Option<Directive> {
    let rest = rest.trim_start_matches([' ', '\t']);
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
    } else if rest
        .chars()
        .next()
        .is_none_or(|c| !(c.is_alphanumeric() || c == '-' || c == '_'))
    {
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

/// A directive found in source code, with its 0-based line. A line directive covers its own
/// line and the next one (a trailing comment, or a comment on the line above).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SourceDirective {
    /// 0-based line of the marker.
    pub line: usize,
    /// What it says.
    pub directive: Directive,
}

/// The suppression directives in source text (any language).
pub fn source_directives(src: &str) -> Vec<SourceDirective> {
    let mut out = Vec::new();
    let mut line = 0;
    let mut counted = 0;
    for (at, _) in src.match_indices(MARKER) {
        let Some(directive) = after_marker(&src[at + MARKER.len()..]) else {
            continue;
        };
        line += memchr::memchr_iter(b'\n', &src.as_bytes()[counted..at]).count();
        counted = at;
        out.push(SourceDirective { line, directive });
    }
    out
}

/// Whether one of a source file's `directives` suppresses `rule` on 0-based `line`.
pub fn source_suppresses(directives: &[SourceDirective], line: usize, rule: &str) -> bool {
    directives.iter().any(|d| match &d.directive {
        Directive::File(scope) => scope.covers(rule),
        Directive::Line(scope) => (d.line == line || d.line + 1 == line) && scope.covers(rule),
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
        assert_eq!(parse_directive("# envlint: ignore_x"), None);
        assert_eq!(parse_directive("# not a directive"), None);
        assert_eq!(
            parse_directive("# generated; envlint:ignore."),
            Some(Directive::Line(Scope::All))
        );
    }

    #[test]
    fn env_comments_and_source_text_accept_the_same_directives() {
        for text in [
            "envlint: ignore",
            "envlint:\tignore[a, b]",
            "envlint: ignore-file",
            "envlint: ignore-file[bom]",
            "envlint: ignore.",
            "envlint: ignored",
            "envlint: ignore-files",
            "envlint: ignore[unclosed",
            "envlint: skip",
        ] {
            let env = parse_directive(&format!("# {text}"));
            let source = source_directives(&format!("x = 1  // {text}\n"));
            assert_eq!(env, source.first().map(|d| d.directive.clone()), "{text:?}");
        }
    }

    #[test]
    fn source_directives_cover_their_line_and_the_next() {
        let src = "a = 1  # envlint: ignore\n// envlint: ignore[missing-in-example, dynamic-read]\nb\nc // envlint: ignored\n";
        let d = source_directives(src);
        assert_eq!(d.len(), 2);
        assert_eq!((d[0].line, d[1].line), (0, 1));
        assert!(source_suppresses(&d, 0, "anything"));
        assert!(source_suppresses(&d, 2, "dynamic-read"));
        assert!(!source_suppresses(&d, 2, "unused-in-example"));
        assert!(!source_suppresses(&d, 3, "dynamic-read"));
        let file = source_directives("# envlint: ignore-file[hardcoded-secret]\n\n\nx\n");
        assert!(source_suppresses(&file, 3, "hardcoded-secret"));
        assert!(!source_suppresses(&file, 3, "dynamic-read"));
    }
}
