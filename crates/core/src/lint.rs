//! Linting one env file: parse, run the enabled rules, apply suppressions and configured
//! severities, sort.

use envlint_dotenv::{Document, ErrorKind, LineKind, ParseOptions};

use crate::config::Settings;
use crate::diagnostic::Diagnostic;
use crate::rule::{rules, Ctx, EntryCheck, LineCheck, Rule};
use crate::suppress::Suppressions;

/// The result of linting one env file.
#[derive(Debug)]
pub struct EnvFileReport {
    /// The parsed file.
    pub doc: Document,
    /// Findings, sorted by position.
    pub diagnostics: Vec<Diagnostic>,
    /// How many findings inline `envlint: ignore` comments suppressed.
    pub suppressed: usize,
}

/// Parses `src` as an env file and runs every enabled rule over it.
///
/// Substitution during parsing does not consult the process environment: a lint result
/// must not depend on the shell it runs in.
pub fn lint_env_file(src: Vec<u8>, settings: &Settings) -> EnvFileReport {
    let doc = Document::parse(src, &ParseOptions::isolated());
    let diagnostics = lint_document(&doc, settings);
    let suppressions = Suppressions::from_document(&doc);
    let before = diagnostics.len();
    let mut diagnostics: Vec<Diagnostic> = diagnostics
        .into_iter()
        .filter(|d| !suppressions.suppresses(d))
        .collect();
    let suppressed = before - diagnostics.len();
    // After a quote that never closes, what the following lines mean is a guess (the quote
    // may be meant to span them): offer no fix there.
    let horizon = doc
        .errors()
        .filter(|e| matches!(e.kind, ErrorKind::UnterminatedQuote { .. }))
        .map(|e| e.line.start as usize)
        .min()
        .unwrap_or(usize::MAX);
    for d in &mut diagnostics {
        if let Some(sev) = settings.severity_override(d.rule) {
            d.severity = sev;
        }
        if d.fix
            .as_ref()
            .is_some_and(|f| f.edits.iter().any(|e| e.range.end > horizon))
        {
            d.fix = None;
        }
    }
    diagnostics.sort_by(|a, b| {
        (a.span.start, a.span.end, a.rule).cmp(&(b.span.start, b.span.end, b.rule))
    });
    EnvFileReport {
        doc,
        diagnostics,
        suppressed,
    }
}

/// From this many lines on, the per-line checks run on all cores (below, a thread costs
/// more than it saves).
const PARALLEL_LINES: usize = 50_000;

/// Runs the enabled rules over an already parsed document (no suppression, no overrides).
pub(crate) fn lint_document(doc: &Document, settings: &Settings) -> Vec<Diagnostic> {
    let ctx = Ctx {
        doc,
        settings,
        errors: doc.errors().collect(),
    };
    let mut out = Vec::new();
    let active: Vec<&Rule> = rules()
        .iter()
        .filter(|r| settings.is_enabled(r.id))
        .collect();
    for check in active.iter().filter_map(|r| r.file) {
        check(&ctx, &mut out);
    }
    // One pass over the lines for every per-line and per-entry check: on large files the
    // line table is the bulk of the memory, and each extra pass costs a full read of it.
    let line_checks: Vec<LineCheck> = active.iter().filter_map(|r| r.line).collect();
    let entry_checks: Vec<EntryCheck> = active.iter().filter_map(|r| r.entry).collect();
    if line_checks.is_empty() && entry_checks.is_empty() {
        return out;
    }
    let pass = |range: std::ops::Range<usize>, out: &mut Vec<Diagnostic>| {
        for i in range {
            let line = &doc.lines()[i];
            for check in &line_checks {
                check(&ctx, i, line, out);
            }
            if let LineKind::Entry(e) = &line.kind {
                for check in &entry_checks {
                    check(&ctx, e, out);
                }
            }
        }
    };
    let n = doc.lines().len();
    let threads = if n >= PARALLEL_LINES {
        std::thread::available_parallelism()
            .map_or(1, usize::from)
            .min(8)
    } else {
        1
    };
    if threads <= 1 {
        pass(0..n, &mut out);
        return out;
    }
    // Large files: the checks are pure functions of the document, so chunks of lines are
    // checked on all cores and the findings concatenated in order.
    let chunk = n.div_ceil(threads);
    let parts: Vec<Vec<Diagnostic>> = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..threads)
            .map(|t| {
                let pass = &pass;
                scope.spawn(move || {
                    let mut part = Vec::new();
                    pass(t * chunk..((t + 1) * chunk).min(n), &mut part);
                    part
                })
            })
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().unwrap_or_default())
            .collect()
    });
    out.extend(parts.into_iter().flatten());
    out
}
