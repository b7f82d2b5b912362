//! The one list of rules. The CLI's `--select` values, `envlint rules`, the generated docs
//! and the JSON ids all come from [`rules()`], so they cannot drift apart.

use envlint_dotenv::Document;

use crate::config::Settings;
use crate::diagnostic::{Diagnostic, Severity};

/// A rule: its id, defaults, documentation and check.
#[derive(Clone, Copy)]
pub struct Rule {
    /// Stable kebab-case id.
    pub id: &'static str,
    /// One line saying what it reports.
    pub summary: &'static str,
    /// Severity unless configured otherwise.
    pub severity: Severity,
    /// Whether it runs unless selected explicitly (style rules are off).
    pub default_enabled: bool,
    /// Whether `envlint fix` repairs its findings.
    pub fix: FixAvailability,
    /// Markdown with the headings `## What it does`, `## Why is this bad?`, `## Example`,
    /// `## Fix`.
    pub docs: &'static str,
    /// Runs once per file (rules that compare lines, or report rejected lines).
    pub(crate) file: Option<FileCheck>,
    /// Runs for every line, in the linter's single pass over the file.
    pub(crate) line: Option<LineCheck>,
    /// Runs for every entry, in the same pass.
    pub(crate) entry: Option<EntryCheck>,
    /// Plain lines (`KEY=value` as the parser's fast path sees it: see `lint::plainness`)
    /// that `line` and `entry` never report, so the line pass need not call them there.
    /// Most lines of most files are plain; `lint`'s tests hold every rule to what it says.
    pub(crate) quiet: Quiet,
    /// Runs once per project (rules that compare code, examples and env files).
    pub(crate) project: Option<ProjectCheck>,
}

/// Whether a rule's findings come with an automatic fix.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FixAvailability {
    /// Always, and `envlint fix` applies it.
    Safe,
    /// Always, applied only with `--unsafe-fixes` (it changes what some loader reads).
    Unsafe,
    /// For some findings only.
    SomeCases,
    /// Never: the fix needs a person.
    None,
}

impl FixAvailability {
    /// The name used in `envlint rules` and its JSON: `safe`, `unsafe`, `some cases`, `none`.
    pub fn as_str(self) -> &'static str {
        match self {
            FixAvailability::Safe => "safe",
            FixAvailability::Unsafe => "unsafe",
            FixAvailability::SomeCases => "some cases",
            FixAvailability::None => "none",
        }
    }
}

impl std::fmt::Display for FixAvailability {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.pad(self.as_str())
    }
}

/// Which plain lines a rule's line and entry checks never report.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Quiet {
    /// None: the checks run on every line.
    Never,
    /// Plain lines whose value is not quoted (a rule about quotes, say).
    OnUnquotedPlain,
    /// Every plain line.
    OnPlain,
}

/// A check over a whole project: findings carry the path of the file they belong to.
pub(crate) type ProjectCheck =
    fn(&crate::project::Project, &mut Vec<crate::project::FileDiagnostic>);

/// A check over the whole file.
pub(crate) type FileCheck = fn(&Ctx<'_>, &mut Vec<Diagnostic>);
/// A check of one line (with its index, to look at neighbours).
pub(crate) type LineCheck = fn(&Ctx<'_>, usize, &envlint_dotenv::Line, &mut Vec<Diagnostic>);
/// A check of one entry.
pub(crate) type EntryCheck = fn(&Ctx<'_>, &envlint_dotenv::Entry, &mut Vec<Diagnostic>);

impl Rule {
    /// Whether this is a project rule (it compares code, examples and env files).
    pub fn is_project(&self) -> bool {
        self.project.is_some()
    }
}

impl std::fmt::Debug for Rule {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Rule")
            .field("id", &self.id)
            .finish_non_exhaustive()
    }
}

/// What a rule sees of one env file.
#[derive(Debug)]
pub(crate) struct Ctx<'a> {
    pub(crate) doc: &'a Document,
    pub(crate) settings: &'a Settings,
    /// The rejected lines, collected once for the rules that report them.
    pub(crate) errors: Vec<&'a envlint_dotenv::ParseError>,
}

impl Ctx<'_> {
    pub(crate) fn enabled(&self, id: &str) -> bool {
        self.settings.is_enabled(id)
    }
}

/// Every rule, in the order `envlint rules` lists them.
pub fn rules() -> &'static [Rule] {
    crate::rules::RULES
}

/// The rule with this id.
pub fn rule(id: &str) -> Option<&'static Rule> {
    rules().iter().find(|r| r.id == id)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_rule_is_documented_with_the_fixed_headings() {
        for r in rules() {
            let mut at = 0;
            for heading in [
                "## What it does",
                "## Why is this bad?",
                "## Example",
                "## Fix",
            ] {
                let found = r.docs[at..].find(heading);
                assert!(
                    found.is_some(),
                    "{}: missing or misplaced `{heading}`",
                    r.id
                );
                at += found.unwrap_or(0);
            }
        }
    }

    #[test]
    fn ids_are_unique_kebab_case_and_cover_the_contract() {
        let ids: Vec<&str> = rules().iter().map(|r| r.id).collect();
        let mut sorted = ids.clone();
        sorted.sort_unstable();
        sorted.dedup();
        assert_eq!(sorted.len(), ids.len());
        for id in &ids {
            assert!(id
                .chars()
                .all(|c| c.is_ascii_lowercase() || c == '-' || c.is_ascii_digit()));
        }
        // The .env file rules docs/output-contract.md promises (dotenv-linter parity and more).
        for id in [
            "parse-error",
            "duplicated-key",
            "ending-blank-line",
            "extra-blank-line",
            "incorrect-delimiter",
            "key-without-value",
            "leading-character",
            "lowercase-key",
            "quote-character",
            "space-character",
            "substitution-key",
            "trailing-whitespace",
            "unordered-key",
            "value-without-quotes",
            "portability",
            "bom",
            "invalid-utf8",
        ] {
            assert!(rule(id).is_some(), "{id}");
        }
    }
}
