//! The fuzzing targets: each a `fn(&[u8])` that panics when a promise is broken.
//!
//! Why plain functions that assert: a panic is what every driver can catch (this crate's
//! runner, `cargo fuzz`, AFL, proptest), and an `assert!` message with the input's
//! relevant parts is a finding a person can act on. A target must never panic on its own
//! account: where an input cannot say anything about a promise (dotenvy and our parser
//! already disagree on it, say) the check is skipped, not failed. Choices a target makes
//! beyond the bytes (which key to edit, where to plant a token) come from the input's
//! hash, so the input file alone replays a finding.

use crate::corpus::Seeds;

mod edit;
mod lint;
mod mask;
mod parse;
mod scan;
mod text;

/// A named target.
#[derive(Clone, Copy, Debug)]
pub struct Target {
    /// The name given to `--target`.
    pub name: &'static str,
    /// What it checks, in one line.
    pub about: &'static str,
    /// Which seed inputs it starts from.
    pub seeds: Seeds,
    /// Runs one input; panics on a broken promise.
    pub run: fn(&[u8]),
}

/// Every target, in the order `--target all` runs them.
pub const TARGETS: &[Target] = &[
    Target {
        name: "parse",
        about: "Document::parse and parse_in_pieces: lossless, lines tile the bytes, every accessor works, reparse is stable",
        seeds: Seeds::Env,
        run: parse::run,
    },
    Target {
        name: "dotenvy",
        about: "the parser's reading equals dotenvy 0.15.7's own on the same bytes",
        seeds: Seeds::Env,
        run: parse::differential,
    },
    Target {
        name: "edit",
        about: "apply_edits, encode_value, set_value, requote, append, remove: results parse and dotenvy reads what each promises",
        seeds: Seeds::Env,
        run: edit::run,
    },
    Target {
        name: "lint",
        about: "lint_env_file with every rule: spans in bounds, fixes apply, no planted value in any diagnostic's words",
        seeds: Seeds::Env,
        run: lint::lint,
    },
    Target {
        name: "fix",
        about: "fix_env_file, safe and unsafe: no new parse errors, safe fixes keep every value read, a second run finds nothing",
        seeds: Seeds::Env,
        run: lint::fix,
    },
    Target {
        name: "scan",
        about: "envlint_scan::scan as Rust, Python, JS, TS and TSX, secret::scan_text: spans in bounds, the prefilter never hides a read",
        seeds: Seeds::Source,
        run: scan::run,
    },
    Target {
        name: "mask",
        about: "display_bytes (every Masking) and display_source: same length, valid UTF-8, no planted credential survives masking",
        seeds: Seeds::Any,
        run: mask::run,
    },
    Target {
        name: "text",
        about: "Text: a sensitive() part never reaches Display, Debug or JSON unless revealed",
        seeds: Seeds::Any,
        run: text::run,
    },
];

/// Targets `all` leaves out: one scanner each, to find which one an input of `scan`
/// troubles (timings and crashes name no language).
pub const EXTRA: &[Target] = &[
    Target {
        name: "scan-rs",
        about: "scan as Rust only",
        seeds: Seeds::Source,
        run: scan::rust,
    },
    Target {
        name: "scan-py",
        about: "scan as Python only",
        seeds: Seeds::Source,
        run: scan::python,
    },
    Target {
        name: "scan-js",
        about: "scan as JavaScript only",
        seeds: Seeds::Source,
        run: scan::javascript,
    },
    Target {
        name: "scan-ts",
        about: "scan as TypeScript only",
        seeds: Seeds::Source,
        run: scan::typescript,
    },
    Target {
        name: "scan-tsx",
        about: "scan as TSX only",
        seeds: Seeds::Source,
        run: scan::tsx,
    },
];

/// The target called `name` (in [`TARGETS`] or [`EXTRA`]).
pub fn target(name: &str) -> Option<&'static Target> {
    TARGETS.iter().chain(EXTRA).find(|t| t.name == name)
}

/// The input as text for failure messages: escaped, cut to a readable length.
pub(crate) fn show(data: &[u8]) -> String {
    let text = String::from_utf8_lossy(data);
    let mut s: String = text.chars().take(300).collect();
    if text.chars().count() > 300 {
        s.push('…');
    }
    format!("{s:?}")
}
