//! The rules, one file each, and what they share.
//!
//! A line dotenvy rejects is reported once: by the rule that names its specific problem
//! (`key-without-value` for a bare `KEY`, `value-without-quotes` for `A=two words`, …) when
//! that rule is enabled, otherwise by `parse-error`. Such a diagnostic is an error whatever
//! the rule's usual severity, because the file will not load.

use envlint_dotenv::{Document, ErrorKind, LineKind, ParseError, TextEdit};

use crate::diagnostic::{Diagnostic, Fix, Severity};
use crate::rule::{Ctx, Rule};

mod bom;
mod client_exposed_secret;
mod duplicated_key;
mod dynamic_read;
mod ending_blank_line;
mod env_not_ignored;
mod env_tracked;
mod example_ignored;
mod example_missing;
mod extra_blank_line;
mod hardcoded_secret;
mod incorrect_delimiter;
mod invalid_utf8;
mod key_without_value;
mod leading_character;
mod lowercase_key;
mod missing_in_env;
mod missing_in_example;
mod parse_error;
mod portability;
mod quote_character;
mod secret_in_example;
mod space_character;
mod substitution_key;
mod trailing_whitespace;
mod undocumented_key;
mod unordered_key;
pub(crate) mod unused_in_example;
mod value_without_quotes;

pub(crate) static RULES: &[Rule] = &[
    // Project rules: code, examples and env files compared.
    missing_in_example::RULE,
    unused_in_example::RULE,
    undocumented_key::RULE,
    missing_in_env::RULE,
    example_missing::RULE,
    env_not_ignored::RULE,
    env_tracked::RULE,
    example_ignored::RULE,
    secret_in_example::RULE,
    client_exposed_secret::RULE,
    hardcoded_secret::RULE,
    dynamic_read::RULE,
    // .env file rules.
    parse_error::RULE,
    invalid_utf8::RULE,
    bom::RULE,
    duplicated_key::RULE,
    ending_blank_line::RULE,
    extra_blank_line::RULE,
    incorrect_delimiter::RULE,
    key_without_value::RULE,
    leading_character::RULE,
    lowercase_key::RULE,
    quote_character::RULE,
    space_character::RULE,
    substitution_key::RULE,
    trailing_whitespace::RULE,
    unordered_key::RULE,
    value_without_quotes::RULE,
    portability::RULE,
];

/// The rule that names this rejection's specific problem.
fn owner(doc: &Document, e: &ParseError) -> &'static str {
    match e.kind {
        ErrorKind::InvalidUtf8 => "invalid-utf8",
        ErrorKind::KeyWithoutValue => "key-without-value",
        ErrorKind::UnquotedWhitespace => "value-without-quotes",
        ErrorKind::InvalidKeyStart => "leading-character",
        ErrorKind::ExpectedEquals if doc.to_bytes().get(e.at.start as usize) == Some(&b'-') => {
            "incorrect-delimiter"
        }
        ErrorKind::UnterminatedBrace | ErrorKind::QuoteAfterSubstitution { .. } => {
            "substitution-key"
        }
        ErrorKind::TrailingWhitespaceAtEof => "trailing-whitespace",
        _ => "parse-error",
    }
}

/// Reports the rejected lines that `rule` is responsible for.
pub(crate) fn report_rejections(ctx: &Ctx<'_>, rule: &'static str, out: &mut Vec<Diagnostic>) {
    for &e in &ctx.errors {
        let owner = owner(ctx.doc, e);
        let mine = owner == rule || (rule == "parse-error" && !ctx.enabled(owner));
        if mine {
            out.push(rejection(ctx.doc, e, rule));
        }
    }
}

fn rejection(doc: &Document, e: &ParseError, rule: &'static str) -> Diagnostic {
    let src = doc.to_bytes();
    let why = match e.kind {
        // The escaped character is part of the value.
        ErrorKind::InvalidEscape(c) => format!(
            "unknown escape `\\{}`",
            crate::text::reference_name(&c.escape_debug().to_string())
        ),
        _ => e.kind.to_string(),
    };
    let mut d = Diagnostic::new(
        rule,
        Severity::Error,
        e.at.range(),
        format!("dotenvy rejects this line: {why}"),
    );
    let line_text = doc.text(e.line);
    let key_end = line_text
        .trim_start()
        .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == '.'))
        .unwrap_or(0);
    let key = line_text.trim_start()[..key_end].to_owned();
    if !key.is_empty() && key != "export" {
        d = d.key(key);
    }
    let help = match &e.kind {
        ErrorKind::InvalidUtf8 => "save the file as UTF-8".to_owned(),
        ErrorKind::InvalidKeyStart => {
            "a key starts with an ASCII letter or `_` and holds letters, digits, `_` and `.`"
                .to_owned()
        }
        ErrorKind::ExpectedEquals => match src.get(e.at.start as usize) {
            Some(b'-') => "use `_` instead of `-` in the key (and in the code that reads it)".to_owned(),
            Some(b':') => "write `KEY=value`; `KEY: value` is read only by node dotenv and docker compose".to_owned(),
            _ => "keys hold only letters, digits, `_` and `.`; write `KEY=value`".to_owned(),
        },
        ErrorKind::KeyWithoutValue => {
            "write `KEY=` for an empty value (node dotenv ignores a bare key, docker compose copies it from the host)"
                .to_owned()
        }
        ErrorKind::UnquotedWhitespace => "put the value in quotes: `KEY=\"two words\"`".to_owned(),
        ErrorKind::InvalidEscape(_) => {
            "dotenvy knows only `\\\\` `\\'` `\\\"` `\\$` `\\n` and `\\ `; write a literal backslash as `\\\\` or use single quotes"
                .to_owned()
        }
        ErrorKind::UnterminatedQuote { .. } => "close the quote".to_owned(),
        ErrorKind::QuoteAfterSubstitution { .. } => {
            "write the reference with braces, `${NAME}`, when a quote or other text follows it".to_owned()
        }
        ErrorKind::UnterminatedBrace => "close the reference with `}`".to_owned(),
        ErrorKind::TrailingWhitespaceAtEof => {
            "remove the trailing whitespace or end the file with a newline".to_owned()
        }
        ErrorKind::BackslashAtEof => "end the file with a newline".to_owned(),
    };
    d = d.help(help);
    if let ErrorKind::UnterminatedQuote { open, .. } = e.kind {
        d.span = open..open + 1;
        let line_end = e.line.end as usize;
        if src[e.line.range()].contains(&b'\n') && line_end > open + 1 {
            d = d.label(
                line_end.saturating_sub(1)..line_end,
                "dotenvy reads everything up to here as one line",
            );
        }
    }
    if let Some(fix) = rejection_fix(doc, e) {
        d = d.fix(fix);
    }
    d
}

fn rejection_fix(doc: &Document, e: &ParseError) -> Option<Fix> {
    let src = doc.to_bytes();
    match e.kind {
        ErrorKind::KeyWithoutValue => Some(
            Fix::unsafe_(
                "Add `=` (an empty value)",
                vec![TextEdit::insert(e.at.end as usize, "=")],
            )
            .loading(""),
        ),
        ErrorKind::TrailingWhitespaceAtEof => {
            let fix = Fix::safe(
                "Remove the trailing whitespace",
                vec![TextEdit::delete(e.at.range())],
            );
            // What the line loads without the whitespace is what dotenvy reads of it as an
            // ordinary line (the other loaders trim it), with the lines before it for the
            // `$` references they define. A line rejected for more than its end loads
            // nothing either way.
            let mut text = src[..e.at.start as usize].to_vec();
            text.push(b'\n');
            let fixed = Document::parse(text, &envlint_dotenv::ParseOptions::isolated());
            Some(match fixed.lines().last().map(|l| &l.kind) {
                Some(LineKind::Entry(entry)) => fix.loading(entry.value(&fixed)),
                _ => fix,
            })
        }
        ErrorKind::UnquotedWhitespace => {
            // The value as the other loaders read it: from after `=` to the end (or comment).
            let line = &src[e.line.range()];
            let eq = memchr::memchr(b'=', line)?;
            let text = std::str::from_utf8(&line[eq + 1..]).ok()?;
            let lead = text.len() - text.trim_start().len();
            let value = text.trim();
            let value = match value.find(" #") {
                Some(i) => value[..i].trim_end(),
                None => value,
            };
            if value.is_empty() || value.contains(['"', '\'', '\\', '$', '`', '#', '\n']) {
                return None;
            }
            let start = e.line.start as usize + eq + 1 + lead;
            Some(
                Fix::safe(
                    "Put the value in double quotes",
                    vec![
                        TextEdit::insert(start, "\""),
                        TextEdit::insert(start + value.len(), "\""),
                    ],
                )
                .loading(value),
            )
        }
        _ => None,
    }
}

/// The entries of a document with their line index (for rules that compare lines).
pub(crate) fn entries(doc: &Document) -> impl Iterator<Item = (usize, &envlint_dotenv::Entry)> {
    doc.lines()
        .iter()
        .enumerate()
        .filter_map(|(i, l)| match &l.kind {
            LineKind::Entry(e) => Some((i, e)),
            _ => None,
        })
}

#[cfg(test)]
pub(crate) mod test_support {
    //! Helpers for the pass/fail vectors in each rule file.
    use crate::config::{Config, Settings};
    use crate::diagnostic::Applicability;
    use crate::fix::fix_env_file;
    use crate::lint::lint_env_file;

    fn only(rule: &str) -> Settings {
        Settings::resolve(&Config::default(), &[rule.to_owned()], &[]).unwrap()
    }

    /// The messages `rule` reports on `src`, alone.
    pub(crate) fn check(rule: &str, src: &str) -> Vec<String> {
        lint_env_file(src.as_bytes().to_vec(), &only(rule))
            .diagnostics
            .iter()
            .map(|d| {
                assert_eq!(d.rule, rule);
                d.message.revealed().into_owned()
            })
            .collect()
    }

    /// Asserts `rule` stays silent on `src`.
    pub(crate) fn pass(rule: &str, src: &str) {
        let found = check(rule, src);
        assert!(found.is_empty(), "{rule} fired on {src:?}: {found:?}");
    }

    /// Asserts `rule` fires `n` times on `src`.
    pub(crate) fn fail(rule: &str, src: &str, n: usize) {
        let found = check(rule, src);
        assert_eq!(found.len(), n, "{rule} on {src:?}: {found:?}");
    }

    /// Builds a project from inline files (env files by name, sources by extension) and runs
    /// one project rule: (path, message) pairs.
    pub(crate) fn project_check(rule: &str, files: &[(&str, &str)]) -> Vec<(String, String)> {
        project_check_git(rule, files, &[], &[])
    }

    /// As [`project_check`], inside a repository where `ignored` and `tracked` hold.
    pub(crate) fn project_check_git(
        rule: &str,
        files: &[(&str, &str)],
        ignored: &[&str],
        tracked: &[&str],
    ) -> Vec<(String, String)> {
        let mut project = project_of(files);
        project.git = Some(crate::project::GitFacts {
            ignored: ignored.iter().map(|s| (*s).to_owned()).collect(),
            tracked: tracked.iter().map(|s| (*s).to_owned()).collect(),
        });
        let settings = only(rule);
        crate::project::lint_project(&project, &settings)
            .into_iter()
            .map(|d| (d.path, d.diagnostic.message.revealed().into_owned()))
            .collect()
    }

    /// A project from inline files: env files by name, sources by extension, `package.json`
    /// facts for its folder, built as the workspace builds one from disk.
    pub(crate) fn project_of(files: &[(&str, &str)]) -> crate::project::Project {
        use crate::project::{EnvFile, PackageJson, Project, Role, SourceFile};
        let mut project = Project::default();
        for (path, text) in files {
            let name = path.rsplit('/').next().unwrap_or(path);
            if name == "package.json" {
                let dir = crate::project::folder(path).to_owned();
                project.packages.insert(dir, PackageJson::from_text(text));
            } else if let Some(language) = envlint_scan::Language::of(std::path::Path::new(path)) {
                project.source_paths.push((*path).to_owned());
                project
                    .sources
                    .extend(SourceFile::scan(path, language, text.as_bytes(), true));
            } else {
                project.env_files.push(EnvFile {
                    path: (*path).to_owned(),
                    role: Role::of(name),
                    doc: envlint_dotenv::Document::parse(
                        text.as_bytes().to_vec(),
                        &envlint_dotenv::ParseOptions::isolated(),
                    ),
                });
            }
        }
        project
    }

    /// The file after applying `rule`'s fixes (unsafe ones too when `unsafe_`).
    pub(crate) fn fixed(rule: &str, src: &str, unsafe_: bool) -> String {
        let level = if unsafe_ {
            Applicability::Unsafe
        } else {
            Applicability::Safe
        };
        let out = fix_env_file(src.as_bytes().to_vec(), &only(rule), level);
        String::from_utf8(out.output).unwrap()
    }
}
