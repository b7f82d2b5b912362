//! Diagnostics as plain data: a rule id, a severity, a message and byte spans.
//!
//! Why byte spans and no line numbers: the same diagnostic is rendered as a code frame, as
//! JSON, as a GitHub annotation or as an LSP range; each renderer computes positions from
//! the spans it needs. Messages never hold a value from the file (values may be secrets);
//! they name keys and describe shapes. Every field meant for people is a [`Text`], which
//! masks what may come from a value (see [`crate::text`]).

use std::ops::Range;

use envlint_dotenv::TextEdit;

use crate::text::Text;

/// How serious a diagnostic is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Informational; never fails a run.
    Info,
    /// A problem worth fixing.
    Warning,
    /// The file is (or will be) loaded wrongly.
    Error,
}

impl Severity {
    /// The lowercase name used in output and configuration.
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }
}

/// A secondary span with a short note.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Label {
    /// Where.
    pub span: Range<usize>,
    /// What about it.
    pub message: Text,
}

/// A place in another file that explains a finding: the code that reads a key, the example
/// line where a missing key belongs. Project rules compare files, so a finding has two sides.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Related {
    /// The other file, as in the project's paths (relative, `/`-separated).
    pub path: String,
    /// Where in it (bytes).
    pub span: Range<usize>,
    /// What about it.
    pub message: Text,
}

/// Whether a fix may be applied without a person looking at it, and so what it promises:
/// `envlint fix` reads each fix's result back and drops one that breaks its promise (see
/// [`crate::fix`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Applicability {
    /// Keeps what every common loader reads (or turns a rejected line into what the other
    /// loaders already read); `envlint fix` applies it.
    Safe,
    /// Changes what some loader reads; applied only with `--unsafe-fixes`.
    Unsafe,
}

impl Applicability {
    /// The lowercase name used in output.
    pub fn as_str(self) -> &'static str {
        match self {
            Applicability::Safe => "safe",
            Applicability::Unsafe => "unsafe",
        }
    }
}

/// Edits that resolve a diagnostic.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Fix {
    /// Whether it is applied by default.
    pub applicability: Applicability,
    /// A short imperative description ("Remove the spaces around `=`").
    pub description: Text,
    /// The byte edits, in any order, non-overlapping.
    pub edits: Vec<TextEdit>,
    /// For a fix of a line dotenvy rejects: the value the line loads once fixed (for a
    /// safe fix, what the other loaders already read there).
    ///
    /// `fix_env_file` reads every fix's result back before keeping it: the entries it
    /// edits must load what they loaded (a safe fix; an unsafe one may change the value,
    /// not the key), and a rejected line it turns into an entry must load this value. A
    /// fix that turns a rejected line into an entry without saying what it will load is
    /// not kept.
    pub loads: Option<String>,
}

impl Fix {
    /// A safe fix.
    pub fn safe(description: impl Into<String>, edits: Vec<TextEdit>) -> Self {
        Fix {
            applicability: Applicability::Safe,
            description: Text::new(description),
            edits,
            loads: None,
        }
    }

    /// An unsafe fix.
    pub fn unsafe_(description: impl Into<String>, edits: Vec<TextEdit>) -> Self {
        Fix {
            applicability: Applicability::Unsafe,
            description: Text::new(description),
            edits,
            loads: None,
        }
    }

    /// Says what the rejected line this fixes loads once fixed (see [`Fix::loads`]).
    pub fn loading(mut self, value: impl Into<String>) -> Self {
        self.loads = Some(value.into());
        self
    }
}

/// A change to the project (not to the finding's own file) that a project rule asks for:
/// data for the planners (`envlint fix`, the language server's code actions), which decide
/// the exact bytes (where a key goes in the example, which `.gitignore` line grants the
/// wish, checked against git's rules).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ProjectEdit {
    /// Add `key` to the example file at `example` (a project path).
    AddToExample {
        /// The governing example.
        example: String,
        /// The key the code reads.
        key: String,
    },
    /// Make git ignore the env file at `path`.
    Ignore {
        /// The env file.
        path: String,
    },
    /// Make git stop ignoring the example file at `path`.
    Unignore {
        /// The example file.
        path: String,
    },
}

/// A project edit attached to a finding, and whether applying it resolves the finding.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ProjectFix {
    /// What to change.
    pub edit: ProjectEdit,
    /// `false` when the edit helps but the finding stays: a tracked env file once ignored
    /// still needs `git rm --cached`.
    pub resolves: bool,
}

/// One finding.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Diagnostic {
    /// The rule id (kebab-case, stable).
    pub rule: &'static str,
    /// How serious.
    pub severity: Severity,
    /// What is wrong, in one sentence; anything taken from a value is marked sensitive.
    pub message: Text,
    /// The primary span.
    pub span: Range<usize>,
    /// Secondary spans.
    pub labels: Vec<Label>,
    /// Places in other files (the other side of a project finding).
    pub related: Vec<Related>,
    /// How to fix it by hand.
    pub help: Option<Text>,
    /// The key concerned, when there is one (masked as a whole when it looks like a
    /// credential: a token pasted where a key belongs).
    pub key: Option<Text>,
    /// An automatic fix.
    pub fix: Option<Fix>,
    /// A change to other files of the project that resolves it (project rules).
    pub project_fix: Option<ProjectFix>,
}

impl Diagnostic {
    /// A diagnostic with no labels, help, key or fix.
    pub fn new(
        rule: &'static str,
        severity: Severity,
        span: Range<usize>,
        message: impl Into<String>,
    ) -> Self {
        Diagnostic {
            rule,
            severity,
            message: Text::new(message),
            span,
            labels: Vec::new(),
            related: Vec::new(),
            help: None,
            key: None,
            fix: None,
            project_fix: None,
        }
    }

    /// Adds a help text.
    pub fn help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(Text::new(help));
        self
    }

    /// Sets the key.
    pub fn key(mut self, key: impl Into<String>) -> Self {
        self.key = Some(Text::key(&key.into()));
        self
    }

    /// Adds a label.
    pub fn label(mut self, span: Range<usize>, message: impl Into<String>) -> Self {
        self.labels.push(Label {
            span,
            message: Text::new(message),
        });
        self
    }

    /// Adds a place in another file.
    pub fn related(
        mut self,
        path: impl Into<String>,
        span: Range<usize>,
        message: impl Into<String>,
    ) -> Self {
        self.related.push(Related {
            path: path.into(),
            span,
            message: Text::new(message),
        });
        self
    }

    /// Sets the fix.
    pub fn fix(mut self, fix: Fix) -> Self {
        self.fix = Some(fix);
        self
    }

    /// Sets the project edit that resolves it (`resolves`: whether it does so fully).
    pub fn project_fix(mut self, edit: ProjectEdit, resolves: bool) -> Self {
        self.project_fix = Some(ProjectFix { edit, resolves });
        self
    }

    /// Shows every word as written from now on, sensitive parts included
    /// (`--show-values`); see [`Text`].
    pub fn reveal(&mut self) {
        self.message.reveal();
        for t in self.help.iter_mut().chain(self.key.iter_mut()) {
            t.reveal();
        }
        for l in &mut self.labels {
            l.message.reveal();
        }
        for r in &mut self.related {
            r.message.reveal();
        }
        if let Some(f) = &mut self.fix {
            f.description.reveal();
        }
    }

    /// Whether `envlint fix` repairs it without `--unsafe-fixes`: a safe edit of its own
    /// file, or a project edit that resolves it.
    pub fn is_fixable(&self) -> bool {
        self.project_fix.as_ref().is_some_and(|f| f.resolves)
            || self
                .fix
                .as_ref()
                .is_some_and(|f| f.applicability == Applicability::Safe)
    }
}
