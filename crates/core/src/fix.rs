//! Applying fixes to an env file.
//!
//! Why the result of every fix is read back: a fix is an edit of bytes written by a rule
//! that reasoned about one line, and dotenvy's line reader decides from the bytes around
//! the edit where a line and its comment end (`A=a\f\\\f\f# c` quoted becomes a line
//! dotenvy rejects; `$a\$` after an escape is `$a`, a literal backslash and another stray
//! `$`). Rather than patch each rule for each corner, one check (`check_group`) holds
//! every fix to the promise its applicability makes (see [`Applicability`] and
//! [`Fix::loads`]), on the parsed result:
//!
//! - the lines it edits still start and end where they did (no quote swallowing the next
//!   line);
//! - every entry it edits keeps its key and, for a safe fix, its value as dotenvy reads
//!   it; none becomes a rejected line;
//! - a rejected line it turns into an entry names the same key and loads the value the
//!   fix declares ([`Fix::loads`]: what the other loaders already read there);
//! - the finding it fixes is gone (a byte order mark behind the removed one, a stray `$`
//!   behind the escaped one, mean it is not).
//!
//! A fix that breaks its promise is not applied, and [`FixOutcome::dropped`] says so.
//!
//! Why rounds, and why they end: fixes are computed against one version of the file, and
//! one fix can make another possible (`KEY` becomes `KEY=`, whose indentation is then a
//! finding) or clash with it (both touch the same bytes). A round lints the file, picks
//! the fixes that do not clash (sorted by position, kept in an ordered map: linear-log in
//! their number), applies them all in one pass over the bytes, lints the result once and
//! checks every group of edited lines against it. Groups that fail are retried with
//! fewer fixes (all of them, then the first, then the others, then none) in the same
//! round. A round that keeps nothing ends the run, and then the output is a fixed point:
//! a round is a function of the bytes alone, so running `fix` on the output repeats that
//! round and keeps nothing again.
//!
//! The bound: at most [`MAX_ROUNDS`] rounds keep fixes, each with at most
//! [`MAX_ATTEMPTS`] lints, each linear in the file. Three rounds that keep fixes are what
//! a file needs (a test generates thousands of files of the fragments where fixes meet to
//! hold the rules to it). Why: a kept fix removes its finding and never makes an accepted
//! line rejected, so the fixes of a line run in stages that do not come back: (1) a
//! rejected line loses what only the end of the file made wrong (trailing whitespace);
//! (2) it becomes an entry (`=` added, the value quoted); (3) the entry's findings are
//! fixed (indentation, blanks around `=`, quotes, `$` references). Fixes of one stage are
//! applied together unless they clash, and the rules' fixes of one line clash at one
//! insertion point at most, which costs a round only where no earlier stage was needed.
//! Should some future rule's fixes keep re-enabling each other past the bound, the file
//! is left as it was, each of its fixes listed as dropped ([`DropReason::Unsettled`]):
//! also a fixed point, never a half-settled file.

use std::collections::BTreeMap;
use std::ops::Range;

use envlint_dotenv::{apply_edits, Document, Line, LineKind, ParseError, TextEdit};

use crate::config::Settings;
use crate::diagnostic::{Applicability, Diagnostic, Fix};
use crate::lint::{lint_env_file, EnvFileReport};
use crate::text::Text;

/// The outcome of [`fix_env_file`].
#[derive(Debug)]
pub struct FixOutcome {
    /// The fixed bytes (equal to the input when nothing was fixed).
    pub output: Vec<u8>,
    /// How many fixes were applied.
    pub applied: usize,
    /// What is left, linted on the output.
    pub remaining: Vec<Diagnostic>,
    /// Fixes offered on the output that were not applied because they would not keep
    /// their promise, in file order.
    pub dropped: Vec<DroppedFix>,
}

/// A fix [`fix_env_file`] did not apply, and why.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DroppedFix {
    /// The rule that offered it.
    pub rule: &'static str,
    /// The 1-based line of the output it would have edited.
    pub line: usize,
    /// What it would have done.
    pub description: Text,
    /// Why it was not applied.
    pub reason: DropReason,
}

/// Why a fix was not applied.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DropReason {
    /// dotenvy would read the fixed lines otherwise than the fix promises: another value
    /// or key, a rejected line, a line swallowed by a quote.
    ChangesReading,
    /// The finding would still be there after it.
    Unresolved,
    /// The file's fixes kept making new ones possible past [`MAX_ROUNDS`] rounds; the file
    /// is left as it was.
    Unsettled,
}

impl DropReason {
    /// Why, in words (for notes: "fix not applied: …").
    pub fn as_str(self) -> &'static str {
        match self {
            DropReason::ChangesReading => {
                "dotenvy would read the line differently from what the fix promises"
            }
            DropReason::Unresolved => "the finding would still be there after it",
            DropReason::Unsettled => {
                "the fixes of this file do not settle, so the file is left as it was"
            }
        }
    }
}

/// Rounds that may keep fixes; see the module docs for why three suffice.
pub const MAX_ROUNDS: usize = 8;

/// Lints per round: the first try and the retries of failing groups with fewer fixes.
pub const MAX_ATTEMPTS: usize = 6;

/// Applies every fix of at most `level` applicability until none is left that keeps its
/// promise, and returns a fixed point: `fix_env_file` on the output applies nothing.
pub fn fix_env_file(src: Vec<u8>, settings: &Settings, level: Applicability) -> FixOutcome {
    fix_in_rounds(src, settings, level, MAX_ROUNDS)
}

/// [`fix_env_file`] with at most `max_rounds` rounds that keep fixes (tests hold the
/// rules to fewer than [`MAX_ROUNDS`]).
fn fix_in_rounds(
    src: Vec<u8>,
    settings: &Settings,
    level: Applicability,
    max_rounds: usize,
) -> FixOutcome {
    let original = lint_env_file(src, settings);
    let mut current: Option<EnvFileReport> = None;
    let mut applied = 0;
    // One round more than may keep fixes: the last only confirms that nothing is left.
    for _ in 0..=max_rounds {
        let report = current.as_ref().unwrap_or(&original);
        match round(report, settings, level) {
            Round::Settled(dropped) => {
                let report = current.unwrap_or(original);
                return FixOutcome {
                    output: report.doc.into_bytes(),
                    applied,
                    remaining: report.diagnostics,
                    dropped,
                };
            }
            Round::Kept(next, n) => {
                applied += n;
                current = Some(next);
            }
        }
    }
    let unsettled = original
        .diagnostics
        .iter()
        .filter(|d| offered(d, level).is_some())
        .map(|d| (d, DropReason::Unsettled))
        .collect();
    let dropped = dropped_fixes(&original.doc, unsettled);
    FixOutcome {
        output: original.doc.into_bytes(),
        applied: 0,
        remaining: original.diagnostics,
        dropped,
    }
}

/// The fix of `d` if `fix` applies it at `level`.
fn offered(d: &Diagnostic, level: Applicability) -> Option<&Fix> {
    d.fix
        .as_ref()
        .filter(|f| f.applicability <= level && !f.edits.is_empty())
}

/// Where the fix of `d` starts (its first edit).
fn fix_start(d: &Diagnostic) -> usize {
    d.fix
        .as_ref()
        .and_then(|f| f.edits.iter().map(|e| e.range.start).min())
        .unwrap_or(d.span.start)
}

/// The notes for fixes not applied, `(diagnostic, reason)` in any order: sorted by
/// position, their line numbers counted in one pass over the text (a file may have a
/// dropped fix on each of 100,000 lines).
fn dropped_fixes(doc: &Document, mut found: Vec<(&Diagnostic, DropReason)>) -> Vec<DroppedFix> {
    found.sort_by_key(|(d, _)| fix_start(d));
    let src = doc.to_bytes();
    let (mut at, mut line) = (0, 1);
    found
        .into_iter()
        .map(|(d, reason)| {
            let start = fix_start(d).min(src.len()).max(at);
            line += memchr::memchr_iter(b'\n', &src[at..start]).count();
            at = start;
            DroppedFix {
                rule: d.rule,
                line,
                description: d
                    .fix
                    .as_ref()
                    .map(|f| f.description.clone())
                    .unwrap_or_default(),
                reason,
            }
        })
        .collect()
}

enum Round {
    /// Nothing kept: the file is a fixed point. The fixes tried and refused, in order.
    Settled(Vec<DroppedFix>),
    /// The file after the kept fixes, linted, and how many were kept.
    Kept(EnvFileReport, usize),
}

/// A fix picked for a round, and the lines it edits.
struct Chosen<'a> {
    diagnostic: &'a Diagnostic,
    fix: &'a Fix,
    /// Indices of the lines its edits touch (first..=last).
    lines: Range<usize>,
}

/// Consecutive lines edited by fixes that touch them, checked as one.
struct Group {
    /// Line indices.
    lines: Range<usize>,
    /// The bytes of those lines.
    bytes: Range<usize>,
    /// Indices into the round's chosen fixes, in order.
    fixes: Vec<usize>,
}

/// Which of a group's fixes an attempt applies.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Try {
    All,
    First,
    Rest,
    None,
}

fn round(report: &EnvFileReport, settings: &Settings, level: Applicability) -> Round {
    let doc = &report.doc;
    let chosen = choose(report, level);
    if chosen.is_empty() {
        return Round::Settled(Vec::new());
    }
    let groups = group(doc, &chosen);
    let mut tries = vec![Try::All; groups.len()];
    let mut dropped: Vec<(usize, DropReason)> = Vec::new();
    let settled = |mut dropped: Vec<(usize, DropReason)>| {
        dropped.sort_by_key(|&(i, _)| i);
        dropped.dedup_by_key(|&mut (i, _)| i);
        let found = dropped
            .into_iter()
            .map(|(i, reason)| (chosen[i].diagnostic, reason))
            .collect();
        Round::Settled(dropped_fixes(doc, found))
    };
    for _ in 0..MAX_ATTEMPTS {
        let active: Vec<&[usize]> = groups
            .iter()
            .zip(&tries)
            .map(|(g, t)| match t {
                Try::All => &g.fixes[..],
                Try::First => &g.fixes[..1],
                Try::Rest => &g.fixes[1..],
                Try::None => &[],
            })
            .collect();
        let count: usize = active.iter().map(|a| a.len()).sum();
        if count == 0 {
            return settled(dropped);
        }
        let edits: Vec<TextEdit> = active
            .iter()
            .flat_map(|a| a.iter())
            .flat_map(|&i| chosen[i].fix.edits.iter().cloned())
            .collect();
        // The fixes were picked not to overlap, so this does not fail.
        let Ok(output) = apply_edits(doc.to_bytes(), &edits) else {
            return settled(dropped);
        };
        let next = lint_env_file(output, settings);
        let mut failed = false;
        let mut shift: isize = 0;
        for (k, g) in groups.iter().enumerate() {
            let fixes = active[k];
            if fixes.is_empty() {
                continue;
            }
            let delta: isize = fixes
                .iter()
                .flat_map(|&i| &chosen[i].fix.edits)
                .map(|e| e.replacement.len() as isize - e.range.len() as isize)
                .sum();
            let new_bytes = shifted(g.bytes.start, shift)..shifted(g.bytes.end, shift + delta);
            shift += delta;
            let Err(reason) = check_group(report, &next, g, new_bytes, fixes, &chosen) else {
                continue;
            };
            failed = true;
            // Fewer fixes next: all of them, then the first, then the others, then none.
            // A fix that failed on its own (or with the others only) is dropped.
            tries[k] = match tries[k] {
                Try::All if g.fixes.len() > 1 => Try::First,
                Try::First => {
                    dropped.push((g.fixes[0], reason));
                    Try::Rest
                }
                Try::All | Try::Rest | Try::None => {
                    let tried = if tries[k] == Try::Rest {
                        &g.fixes[1..]
                    } else {
                        &g.fixes[..]
                    };
                    dropped.extend(tried.iter().map(|&i| (i, reason)));
                    Try::None
                }
            };
        }
        if !failed {
            return Round::Kept(next, count);
        }
    }
    // Groups that keep failing as others are taken back (through `$` references) in
    // every attempt: keep nothing rather than something unchecked, and say so for every
    // fix not already dropped for a reason of its own.
    let mut noted = vec![false; chosen.len()];
    for &(i, _) in &dropped {
        noted[i] = true;
    }
    dropped.extend(
        (0..chosen.len())
            .filter(|&i| !noted[i])
            .map(|i| (i, DropReason::Unsettled)),
    );
    settled(dropped)
}

fn shifted(at: usize, by: isize) -> usize {
    at.checked_add_signed(by).unwrap_or(0)
}

/// The fixes a round applies: every offered one that does not clash with one before it
/// (by position). Clashes are found in an ordered map of the bytes taken so far, so a
/// file with a fix on each of 100,000 lines costs a sort, not 100,000 scans.
fn choose(report: &EnvFileReport, level: Applicability) -> Vec<Chosen<'_>> {
    let mut offers: Vec<(&Diagnostic, &Fix, usize)> = report
        .diagnostics
        .iter()
        .filter_map(|d| {
            let fix = offered(d, level)?;
            let start = fix.edits.iter().map(|e| e.range.start).min()?;
            Some((d, fix, start))
        })
        .collect();
    offers.sort_by_key(|&(_, _, start)| start);
    // Start of each taken range -> its end.
    let mut taken: BTreeMap<usize, usize> = BTreeMap::new();
    let lines = report.doc.lines();
    let len = report.doc.to_bytes().len();
    let mut chosen = Vec::new();
    for (diagnostic, fix, _) in offers {
        if fix.edits.iter().any(|e| clashes(&taken, &e.range)) {
            continue;
        }
        for e in &fix.edits {
            let end = taken.entry(e.range.start).or_insert(e.range.end);
            *end = (*end).max(e.range.end);
        }
        let first = fix.edits.iter().map(|e| line_of(lines, len, e.range.start));
        let last = fix.edits.iter().map(|e| {
            let at = if e.range.is_empty() {
                e.range.start
            } else {
                e.range.end - 1
            };
            line_of(lines, len, at)
        });
        let lines = first.min().unwrap_or(0)..last.max().unwrap_or(0) + 1;
        chosen.push(Chosen {
            diagnostic,
            fix,
            lines,
        });
    }
    chosen
}

/// Whether `e` touches bytes already taken: it overlaps a taken range, or starts where one
/// starts, or one of them is an insertion inside the other.
fn clashes(taken: &BTreeMap<usize, usize>, e: &Range<usize>) -> bool {
    // Taken ranges never overlap, so only the last one starting at or before `e` can
    // reach into it.
    if let Some((&start, &end)) = taken.range(..=e.start).next_back() {
        if start == e.start || end > e.start {
            return true;
        }
    }
    taken.range(e.start..e.end).next().is_some()
}

/// The index of the line holding byte `at` (the last line for the end of the file).
fn line_of(lines: &[Line], len: usize, at: usize) -> usize {
    let i = lines.partition_point(|l| (l.span.end as usize) <= at);
    if i == lines.len() && at >= len {
        lines.len().saturating_sub(1)
    } else {
        i
    }
}

/// Groups of consecutive lines whose fixes touch common lines (the fixes are in position
/// order, so their first lines are too).
fn group(doc: &Document, chosen: &[Chosen<'_>]) -> Vec<Group> {
    let lines = doc.lines();
    let len = doc.to_bytes().len();
    let mut groups: Vec<Group> = Vec::new();
    for (i, c) in chosen.iter().enumerate() {
        match groups.last_mut() {
            Some(g) if c.lines.start < g.lines.end => {
                g.lines.end = g.lines.end.max(c.lines.end);
                g.fixes.push(i);
            }
            _ => groups.push(Group {
                lines: c.lines.clone(),
                bytes: 0..0,
                fixes: vec![i],
            }),
        }
    }
    for g in &mut groups {
        g.bytes = match (lines.get(g.lines.start), lines.get(g.lines.end - 1)) {
            (Some(first), Some(last)) => first.span.start as usize..last.span.end as usize,
            // A file without lines (empty): the whole of it.
            _ => 0..len,
        };
    }
    groups
}

/// What dotenvy makes of a line, for comparing before and after a fix.
#[derive(Debug)]
enum Item<'a> {
    /// Key and value.
    Entry(&'a str, &'a str),
    /// A rejected line, and the key it names (`KEY` of `KEY`, `KEY=two words`).
    Error(Option<String>),
}

fn items<'a>(doc: &'a Document, lines: Range<usize>) -> Vec<(usize, Item<'a>)> {
    doc.lines()
        .get(lines.clone())
        .unwrap_or_default()
        .iter()
        .zip(lines)
        .filter_map(|(l, i)| match &l.kind {
            LineKind::Entry(e) => Some((i, Item::Entry(e.key(doc), e.value(doc)))),
            LineKind::Error(e) => Some((i, Item::Error(named_key(doc, e)))),
            LineKind::Blank | LineKind::Comment(_) => None,
        })
        .collect()
}

/// The key a rejected line names: its first word of key characters, after `export`.
fn named_key(doc: &Document, e: &ParseError) -> Option<String> {
    let text = doc.text(e.line);
    let key_at = |s: &str| {
        let s = s.trim_start();
        let end = s
            .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == '.'))
            .unwrap_or(s.len());
        (s[..end].to_owned(), s[end..].to_owned())
    };
    let (key, rest) = key_at(&text);
    let key = if key == "export" && rest.starts_with(char::is_whitespace) {
        key_at(&rest).0
    } else {
        key
    };
    (!key.is_empty()).then_some(key)
}

/// The index of the first line that starts at `at` (or the number of lines, when `at` is
/// the end of the file); `None` when no line starts there.
fn line_starting_at(doc: &Document, at: usize) -> Option<usize> {
    let lines = doc.lines();
    let i = lines.partition_point(|l| (l.span.start as usize) < at);
    match lines.get(i) {
        Some(l) if l.span.start as usize == at => Some(i),
        None if at == doc.to_bytes().len() => Some(i),
        _ => None,
    }
}

/// The findings whose span starts in `bytes` (a finding at the very end of the file
/// belongs to the last line).
fn findings_in<'a>(report: &'a EnvFileReport, bytes: &Range<usize>) -> &'a [Diagnostic] {
    let d = &report.diagnostics;
    let from = d.partition_point(|x| x.span.start < bytes.start);
    let to = if bytes.end == report.doc.to_bytes().len() && !bytes.is_empty() {
        d.len()
    } else {
        d.partition_point(|x| x.span.start < bytes.end)
    };
    &d[from..to.max(from)]
}

/// Whether the fixes `fixes` (indices into `chosen`) of group `g` of `before` kept their
/// promise in `after`, where the group's bytes are now `new_bytes`.
fn check_group(
    before: &EnvFileReport,
    after: &EnvFileReport,
    g: &Group,
    new_bytes: Range<usize>,
    fixes: &[usize],
    chosen: &[Chosen<'_>],
) -> Result<(), DropReason> {
    // The edited lines still start and end where they did: nothing before or after them
    // reads differently (every other line is the same bytes from the same start).
    let (Some(first), Some(end)) = (
        line_starting_at(&after.doc, new_bytes.start),
        line_starting_at(&after.doc, new_bytes.end),
    ) else {
        return Err(DropReason::ChangesReading);
    };
    let old = items(&before.doc, g.lines.clone());
    let new = items(&after.doc, first..end.max(first));
    if old.len() != new.len() {
        return Err(DropReason::ChangesReading);
    }
    for ((line, was), (_, is)) in old.iter().zip(&new) {
        let touching = || {
            fixes
                .iter()
                .map(|&i| &chosen[i])
                .filter(|c| c.lines.contains(line))
        };
        let ok = match (was, is) {
            // A safe fix keeps what the entry loads; an unsafe one may change the value.
            (Item::Entry(k, v), Item::Entry(k2, v2)) => {
                k == k2
                    && (v == v2 || touching().any(|c| c.fix.applicability == Applicability::Unsafe))
            }
            (Item::Entry(..), Item::Error(_)) => false,
            // Still rejected: what dotenvy loads is unchanged (it stops here either way).
            (Item::Error(_), Item::Error(_)) => true,
            // Accepted now: the key it named, loading what the fix declares.
            (Item::Error(named), Item::Entry(k2, v2)) => {
                named.as_deref() == Some(*k2)
                    && touching()
                        .find_map(|c| c.fix.loads.as_deref())
                        .is_some_and(|v| v == *v2)
            }
        };
        if !ok {
            return Err(DropReason::ChangesReading);
        }
    }
    // Each fix removes its finding: the group has at least as many fewer findings of each
    // rule as fixes of that rule were applied to it.
    let was = findings_in(before, &g.bytes);
    let is = findings_in(after, &new_bytes);
    let mut rules: Vec<&str> = fixes.iter().map(|&i| chosen[i].diagnostic.rule).collect();
    rules.sort_unstable();
    for (n, rule) in rules.chunk_by(|a, b| a == b).map(|r| (r.len(), r[0])) {
        let count = |found: &[Diagnostic]| found.iter().filter(|d| d.rule == rule).count();
        if count(is) + n > count(was) {
            return Err(DropReason::Unresolved);
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fix(src: &[u8], level: Applicability) -> FixOutcome {
        fix_env_file(src.to_vec(), &Settings::default(), level)
    }

    /// Asserts that `fix` on `out` applies nothing and returns it unchanged.
    fn assert_fixed_point(out: &FixOutcome, level: Applicability) {
        let again = fix(&out.output, level);
        assert_eq!(
            again.applied,
            0,
            "{:?}",
            String::from_utf8_lossy(&out.output)
        );
        assert_eq!(again.output, out.output);
        assert_eq!(again.dropped, out.dropped);
    }

    /// dotenvy's reading of `src`, line by line, as the parser gives it (held to dotenvy
    /// by the parser's differential tests): entries as (key, value), rejections as `None`.
    fn reading(src: &[u8]) -> Vec<Option<(String, String)>> {
        let doc = Document::parse(src.to_vec(), &envlint_dotenv::ParseOptions::isolated());
        doc.lines()
            .iter()
            .filter_map(|l| match &l.kind {
                LineKind::Entry(e) => {
                    Some(Some((e.key(&doc).to_owned(), e.value(&doc).to_owned())))
                }
                LineKind::Error(_) => Some(None),
                _ => None,
            })
            .collect()
    }

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
        assert!(once.dropped.is_empty(), "{:?}", once.dropped);
        assert_fixed_point(&once, Applicability::Safe);
    }

    #[test]
    fn a_safe_fix_that_would_break_the_line_is_dropped() {
        // dotenvy's line reader takes the form feeds as blanks and `\` + form feed as an
        // escape; quoting the value moves the `#` out of reach of the comment rule, and
        // the line would be rejected.
        let ff = '\u{c}';
        let src = format!("A=a{ff}\\{ff}{ff}# c\n");
        assert_eq!(
            reading(src.as_bytes()),
            [Some(("A".into(), format!("a{ff}")))]
        );
        let out = fix(src.as_bytes(), Applicability::Safe);
        assert_eq!(out.output, src.as_bytes());
        assert_eq!(out.applied, 0);
        assert_eq!(
            out.dropped,
            [DroppedFix {
                rule: "value-without-quotes",
                line: 1,
                description: Text::new("Put the value in quotes"),
                reason: DropReason::ChangesReading,
            }]
        );
        assert_fixed_point(&out, Applicability::Safe);
    }

    #[test]
    fn an_unsafe_fix_that_would_make_the_line_rejected_is_dropped() {
        // `a=$ a` loads ` a` (a `$` with no name is dropped, the blank kept); escaping the
        // `$` would leave an unquoted blank, which dotenvy rejects.
        let src = format!("a={} a\n", '$');
        let out = fix(src.as_bytes(), Applicability::Unsafe);
        assert_eq!(out.output, src.as_bytes());
        assert!(reading(&out.output).iter().all(Option::is_some));
        assert_eq!(out.dropped.len(), 1, "{:?}", out.dropped);
        assert_eq!(
            (out.dropped[0].rule, out.dropped[0].reason),
            ("substitution-key", DropReason::ChangesReading)
        );
        assert_fixed_point(&out, Applicability::Unsafe);
    }

    #[test]
    fn escaping_dollars_after_a_reference_settles_at_once() {
        // After `$a`, a backslash is a literal character and the `$` after it is another
        // stray `$`: the escapes never remove the finding (the old rounds ran out).
        let src = format!("a=\"{}a{}=\"''\n", '$', "$".repeat(16));
        let out = fix(src.as_bytes(), Applicability::Unsafe);
        assert_eq!(out.output, src.as_bytes());
        assert!(!out.dropped.is_empty());
        assert!(out
            .dropped
            .iter()
            .all(|d| d.rule == "substitution-key" && d.line == 1));
        assert_fixed_point(&out, Applicability::Unsafe);
    }

    #[test]
    fn a_run_of_byte_order_marks_settles_at_once() {
        // Removing the byte order mark makes the next U+FEFF the byte order mark: the
        // finding stays, so the fix is not applied (and loaders strip one mark only).
        let bom = '\u{feff}';
        for (n, tail) in [(2, ""), (20, ""), (20, "A=1\n"), (3, "A=1")] {
            let src = format!("{}{tail}", bom.to_string().repeat(n));
            let out = fix(src.as_bytes(), Applicability::Safe);
            assert!(out.output.starts_with(src.as_bytes()), "{src:?}");
            assert!(
                out.dropped.iter().any(|d| d.rule == "bom"),
                "{src:?}: {:?}",
                out.dropped
            );
            assert_fixed_point(&out, Applicability::Safe);
        }
        // One mark is removed as before.
        let out = fix(format!("{bom}A=1\n").as_bytes(), Applicability::Safe);
        assert_eq!(out.output, b"A=1\n");
        assert!(out.dropped.is_empty());
    }

    #[test]
    fn rejected_lines_become_what_the_other_loaders_read_then_get_formatted() {
        let src = b"  A = two words\nB\nC=1 ";
        let out = fix(src, Applicability::Unsafe);
        assert_eq!(out.output, b"A=\"two words\"\nB=\nC=1\n");
        assert_eq!(
            reading(&out.output),
            [
                Some(("A".into(), "two words".into())),
                Some(("B".into(), String::new())),
                Some(("C".into(), "1".into())),
            ]
        );
        assert!(out.dropped.is_empty(), "{:?}", out.dropped);
        assert_fixed_point(&out, Applicability::Unsafe);
        // Safe fixes only: the bare key stays (adding `=` is unsafe).
        let out = fix(src, Applicability::Safe);
        assert_eq!(out.output, b"A=\"two words\"\nB\nC=1\n");
        assert_fixed_point(&out, Applicability::Safe);
    }

    #[test]
    fn a_fix_that_breaks_with_another_is_retried_alone() {
        // Indentation and a broken quoting on one line: the indentation goes, the quoting
        // is dropped.
        let ff = '\u{c}';
        let src = format!("  A=a{ff}\\{ff}{ff}# c\n");
        let out = fix(src.as_bytes(), Applicability::Safe);
        assert_eq!(out.output, format!("A=a{ff}\\{ff}{ff}# c\n").as_bytes());
        assert_eq!(out.applied, 1);
        assert_eq!(out.dropped.len(), 1);
        assert_eq!(out.dropped[0].rule, "value-without-quotes");
        assert_fixed_point(&out, Applicability::Safe);
    }

    #[test]
    fn many_fixable_lines_are_fixed_in_one_pass() {
        // 20,000 lines, each with findings on several rules; the timing is in
        // scripts/bench-fix.sh.
        let mut src = String::new();
        for i in 0..20_000 {
            src.push_str(&format!(
                "  KEY_{i} = value{i}  \nQ_{i}=\"plain\"\nW_{i}=two words\n\n\n"
            ));
        }
        let settings = Settings::resolve(
            &crate::Config::default(),
            &["ALL".to_owned()],
            &["unordered-key".to_owned()],
        )
        .unwrap();
        let out = fix_env_file(src.into_bytes(), &settings, Applicability::Safe);
        let text = String::from_utf8(out.output.clone()).unwrap();
        let mut want = String::new();
        for i in 0..20_000 {
            want.push_str(&format!(
                "KEY_{i}=value{i}\nQ_{i}=plain\nW_{i}=\"two words\"\n\n"
            ));
        }
        assert!(text == want, "first lines: {:?}", &text[..200]);
        assert!(out.dropped.is_empty());
        let again = fix_env_file(out.output, &settings, Applicability::Safe);
        assert_eq!(again.applied, 0);
        // As many fixes dropped: each gets its note, with its line.
        let ff = '\u{c}';
        let bad: String = (0..20_000)
            .map(|i| format!("K{i}=a{ff}\\{ff}{ff}# c\n"))
            .collect();
        let out = fix_env_file(bad.clone().into_bytes(), &settings, Applicability::Safe);
        assert_eq!(out.output, bad.as_bytes());
        assert_eq!(out.dropped.len(), 20_000);
        assert!(out.dropped.iter().enumerate().all(|(i, d)| d.line == i + 1));
    }

    #[test]
    fn generated_lines_settle_in_one_run() {
        // Fragments where the rules' fixes meet: blanks of every kind, escapes, quotes,
        // comments, `$`, byte order marks, bare keys, line ends.
        let parts = [
            "A",
            "b",
            "=",
            " ",
            "  ",
            "\t",
            "\u{c}",
            "\"",
            "'",
            "\\",
            "\\ ",
            "#",
            " # c",
            "\n",
            "\r\n",
            "\r",
            "\u{feff}",
            "$",
            "$X_Y",
            "${A}",
            "export ",
            "two words",
            "\n\n",
            "x",
            "\u{a0}",
        ];
        let mut seed: u64 = 0x9e37_79b9_7f4a_7c15;
        let mut next = |n: usize| {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            (seed % n as u64) as usize
        };
        let all = Settings::resolve(
            &crate::Config::default(),
            &["ALL".to_owned()],
            &["unordered-key".to_owned()],
        )
        .unwrap();
        for n in 0..3_000 {
            let src: String = (0..next(16)).map(|_| parts[next(parts.len())]).collect();
            let settings = if n % 2 == 0 {
                &all
            } else {
                &Settings::default()
            };
            for level in [Applicability::Safe, Applicability::Unsafe] {
                // Three rounds that keep fixes suffice (the module docs say why).
                let out = fix_in_rounds(src.clone().into_bytes(), settings, level, 3);
                assert!(
                    out.dropped
                        .iter()
                        .all(|d| d.reason != DropReason::Unsettled),
                    "{src:?} ({level:?}) does not settle in three rounds"
                );
                let again = fix_env_file(out.output.clone(), settings, level);
                assert!(
                    again.applied == 0 && again.output == out.output,
                    "{src:?} ({level:?}) gave {:?}, then {:?}",
                    String::from_utf8_lossy(&out.output),
                    String::from_utf8_lossy(&again.output)
                );
                // Safe fixes never make dotenvy reject a line it accepted, nor accept
                // one differently from what was declared (the check above all this).
                if level == Applicability::Safe {
                    let before = reading(src.as_bytes()).iter().flatten().count();
                    let after = reading(&out.output).iter().flatten().count();
                    assert!(
                        after >= before,
                        "{src:?} -> {:?}",
                        String::from_utf8_lossy(&out.output)
                    );
                }
            }
        }
    }
}
