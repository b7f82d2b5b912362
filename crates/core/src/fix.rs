//! Applying fixes to an env file.
//!
//! Why rounds: fixes are computed against one version of the file; two fixes may touch
//! the same bytes (removing a trailing blank and a blank line). Each round applies the
//! non-overlapping ones and lints again, until nothing is left to fix. Every round starts
//! from bytes that parse, and only the edited bytes change.

use envlint_dotenv::apply_edits;

use crate::config::Settings;
use crate::diagnostic::{Applicability, Diagnostic};
use crate::lint::lint_env_file;

/// The outcome of [`fix_env_file`].
#[derive(Debug)]
pub struct FixOutcome {
    /// The fixed bytes (equal to the input when nothing was fixed).
    pub output: Vec<u8>,
    /// How many fixes were applied.
    pub applied: usize,
    /// What is left, linted on the output.
    pub remaining: Vec<Diagnostic>,
}

const MAX_ROUNDS: usize = 16;

/// Applies every fix of at most `level` applicability until none is left.
pub fn fix_env_file(src: Vec<u8>, settings: &Settings, level: Applicability) -> FixOutcome {
    let mut current = src;
    let mut applied = 0;
    for _ in 0..MAX_ROUNDS {
        let report = lint_env_file(current.clone(), settings);
        let mut fixes: Vec<_> = report
            .diagnostics
            .iter()
            .filter_map(|d| d.fix.as_ref())
            .filter(|f| f.applicability <= level && !f.edits.is_empty())
            .collect();
        fixes.sort_by_key(|f| f.edits.iter().map(|e| e.range.start).min());
        let mut chosen = Vec::new();
        let mut taken: Vec<std::ops::Range<usize>> = Vec::new();
        for fix in fixes {
            let clashes = fix.edits.iter().any(|e| {
                taken.iter().any(|t| {
                    e.range.start < t.end && t.start < e.range.end
                        || e.range.start == t.start
                        || (e.range.is_empty() && t.contains(&e.range.start))
                        || (t.is_empty() && e.range.contains(&t.start))
                })
            });
            if clashes {
                continue;
            }
            taken.extend(fix.edits.iter().map(|e| e.range.clone()));
            chosen.extend(fix.edits.iter().cloned());
            applied += 1;
        }
        if chosen.is_empty() {
            return FixOutcome {
                output: current,
                applied,
                remaining: report.diagnostics,
            };
        }
        match apply_edits(&current, &chosen) {
            Ok(next) => current = next,
            Err(_) => break,
        }
    }
    let remaining = lint_env_file(current.clone(), settings).diagnostics;
    FixOutcome {
        output: current,
        applied,
        remaining,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nothing_after_an_unclosed_quote_is_fixed() {
        let src = b"A = 1\nB=\"open\nC=two words\n".to_vec();
        let out = fix_env_file(src, &Settings::default(), Applicability::Unsafe);
        assert_eq!(out.output, b"A=1\nB=\"open\nC=two words\n");
    }

    #[test]
    fn fixes_converge_and_are_idempotent() {
        let src = b"\xEF\xBB\xBF  A = 1  \n\n\n\nB=two words".to_vec();
        let once = fix_env_file(src, &Settings::default(), Applicability::Safe);
        assert_eq!(once.output, b"A=1\n\nB=\"two words\"\n");
        let twice = fix_env_file(
            once.output.clone(),
            &Settings::default(),
            Applicability::Safe,
        );
        assert_eq!(twice.applied, 0);
        assert_eq!(twice.output, once.output);
    }
}
