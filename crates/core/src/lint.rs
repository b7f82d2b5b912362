//! Linting one env file: parse, run the enabled rules, apply suppressions and configured
//! severities, sort.
//!
//! The rules are pure functions of the parsed document, so on large files they run on all
//! cores (each whole-file check a task, lines in chunks) with the findings put back in
//! the sequential order: output never depends on the machine.
//!
//! Most lines of most files are plain `KEY=value` lines (the parser says which); rules that
//! declare they never report one are not called there. That, not the rules' own speed,
//! is what keeps a check of a 200,000-line file to a few hundred instructions a line.

use envlint_dotenv::{Document, ErrorKind, LineKind, ParseError, ParseOptions, Source};

use crate::config::Settings;
use crate::diagnostic::Diagnostic;
use crate::rule::{rules, Ctx, EntryCheck, LineCheck, Quiet, Rule};
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
pub fn lint_env_file(src: impl Into<Source>, settings: &Settings) -> EnvFileReport {
    let doc = Document::parse(src, &ParseOptions::isolated());
    // One walk of the line table for the errors (rules and the fix horizon below use them):
    // on a large file each walk is a pass over megabytes.
    let errors: Vec<&ParseError> = doc.errors().collect();
    // After a quote that never closes, what the following lines mean is a guess (the quote
    // may be meant to span them): offer no fix there.
    let horizon = errors
        .iter()
        .filter(|e| matches!(e.kind, ErrorKind::UnterminatedQuote { .. }))
        .map(|e| e.line.start as usize)
        .min()
        .unwrap_or(usize::MAX);
    // Finding the suppression comments is a search of the whole text; on a large file it
    // runs beside the checks instead of after them.
    let (diagnostics, suppressions) = if doc.lines().len() >= PARALLEL_LINES {
        std::thread::scope(|scope| {
            let finding = std::thread::Builder::new()
                .spawn_scoped(scope, || Suppressions::from_document(&doc));
            let diagnostics = lint_document(&doc, settings, errors);
            let suppressions = match finding {
                Ok(finding) => finding
                    .join()
                    .unwrap_or_else(|panic| std::panic::resume_unwind(panic)),
                // Without the thread (the system refuses one), here.
                Err(_) => Suppressions::from_document(&doc),
            };
            (diagnostics, suppressions)
        })
    } else {
        (
            lint_document(&doc, settings, errors),
            Suppressions::from_document(&doc),
        )
    };
    let before = diagnostics.len();
    let mut diagnostics: Vec<Diagnostic> = diagnostics
        .into_iter()
        .filter(|d| !suppressions.suppresses(d))
        .collect();
    let suppressed = before - diagnostics.len();
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
    sort_by_position(&mut diagnostics);
    EnvFileReport {
        doc,
        diagnostics,
        suppressed,
    }
}

/// Sorts findings by span, then rule, keeping the order of equals (a stable sort), without
/// the scratch copy a stable sort of the findings themselves takes (half of them: 77 MB
/// for the 470,000 findings of a 50 MB file, on top of the findings): the positions are
/// sorted, as 4-byte indices, then the findings are put in place along the permutation's
/// cycles.
fn sort_by_position(diagnostics: &mut [Diagnostic]) {
    let key = |d: &Diagnostic| (d.span.start, d.span.end, d.rule);
    if diagnostics.windows(2).all(|w| key(&w[0]) <= key(&w[1])) {
        return;
    }
    let mut order: Vec<u32> = (0..diagnostics.len() as u32).collect();
    order.sort_by(|&a, &b| key(&diagnostics[a as usize]).cmp(&key(&diagnostics[b as usize])));
    // Position `i` takes the finding at `order[i]`. Each cycle is walked once, carrying
    // the finding of its first position along; a placed position is marked `order[i] = i`.
    for start in 0..diagnostics.len() {
        let mut at = start;
        loop {
            let from = order[at] as usize;
            order[at] = at as u32;
            if from == start {
                break;
            }
            diagnostics.swap(at, from);
            at = from;
        }
    }
}

/// Whether a line is plain ([`envlint_dotenv::Entry::is_plain`], without a BOM before the
/// key), and then whether its value is quoted: rules that declare themselves quiet there
/// ([`Rule::quiet`]) are not called for it.
///
/// Why: most lines of most files are plain, and the parser has already read every byte
/// of them; a dozen rule calls, each reading the line again, would find nothing.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Plainness {
    Not,
    Quoted,
    Unquoted,
}

fn plainness(line: &envlint_dotenv::Line) -> Plainness {
    match &line.kind {
        LineKind::Entry(e) if e.is_plain() && e.key.start == line.span.start => {
            match e.fully_quoted() {
                Some(_) => Plainness::Quoted,
                None => Plainness::Unquoted,
            }
        }
        _ => Plainness::Not,
    }
}

/// From this many lines on, the checks run on all cores (below, a thread costs more than it
/// saves).
const PARALLEL_LINES: usize = 50_000;

/// Lines per task of the parallel pass: small enough that the cores finish together.
const TASK_LINES: usize = 8_192;

/// Runs the enabled rules over an already parsed document (no suppression, no overrides).
///
/// `errors` are the document's parse errors, in order (`doc.errors()`).
pub(crate) fn lint_document<'d>(
    doc: &'d Document,
    settings: &Settings,
    errors: Vec<&'d ParseError>,
) -> Vec<Diagnostic> {
    let threads = if doc.lines().len() >= PARALLEL_LINES {
        std::thread::available_parallelism()
            .map_or(1, usize::from)
            .min(8)
    } else {
        1
    };
    run_checks(doc, settings, errors, threads)
}

/// [`lint_document`] on `threads` threads; the findings do not depend on how many.
fn run_checks<'d>(
    doc: &'d Document,
    settings: &Settings,
    errors: Vec<&'d ParseError>,
    threads: usize,
) -> Vec<Diagnostic> {
    let ctx = Ctx {
        doc,
        settings,
        errors,
    };
    let active: Vec<&Rule> = rules()
        .iter()
        .filter(|r| settings.is_enabled(r.id))
        .collect();
    let file_checks: Vec<_> = active.iter().filter_map(|r| r.file).collect();
    let file_pass = |out: &mut Vec<Diagnostic>| {
        for check in &file_checks {
            check(&ctx, out);
        }
    };
    // One pass over the lines for every per-line and per-entry check: on large files the
    // line table is the bulk of the memory, and each extra pass costs a full read of it.
    let line_checks: Vec<LineCheck> = active.iter().filter_map(|r| r.line).collect();
    let entry_checks: Vec<EntryCheck> = active.iter().filter_map(|r| r.entry).collect();
    // The checks that may report a plain line: on most lines of most files, only these run
    // (and on the commonest, a plain line with an unquoted value, fewer still).
    let loud_on_quoted = |r: &&&Rule| r.quiet != Quiet::OnPlain;
    let plain_line_checks: Vec<LineCheck> = active
        .iter()
        .filter(loud_on_quoted)
        .filter_map(|r| r.line)
        .collect();
    let plain_entry_checks: Vec<EntryCheck> = active
        .iter()
        .filter(loud_on_quoted)
        .filter_map(|r| r.entry)
        .collect();
    let loud = |r: &&&Rule| r.quiet == Quiet::Never;
    let bare_line_checks: Vec<LineCheck> =
        active.iter().filter(loud).filter_map(|r| r.line).collect();
    let bare_entry_checks: Vec<EntryCheck> =
        active.iter().filter(loud).filter_map(|r| r.entry).collect();
    let line_pass = |range: std::ops::Range<usize>, out: &mut Vec<Diagnostic>| {
        if line_checks.is_empty() && entry_checks.is_empty() {
            return;
        }
        for i in range {
            let line = &doc.lines()[i];
            let (line_checks, entry_checks) = match plainness(line) {
                Plainness::Unquoted => (&bare_line_checks, &bare_entry_checks),
                Plainness::Quoted => (&plain_line_checks, &plain_entry_checks),
                Plainness::Not => (&line_checks, &entry_checks),
            };
            for check in line_checks {
                check(&ctx, i, line, out);
            }
            if let LineKind::Entry(e) = &line.kind {
                for check in entry_checks {
                    check(&ctx, e, out);
                }
            }
        }
    };
    let n = doc.lines().len();
    if threads <= 1 {
        let mut out = Vec::new();
        file_pass(&mut out);
        line_pass(0..n, &mut out);
        return out;
    }
    // Large files: the checks are pure functions of the document, so the whole-file checks
    // (a task each, first: `duplicated-key` and `unordered-key` each cost more than all
    // the line checks of a plain file) and chunks of lines (the other tasks) are shared
    // out to all cores as each finishes its last task, and the findings are concatenated
    // in task order: the same order as the sequential pass.
    //
    // The chunks' findings are joined as soon as those before them are: held until the
    // end, every chunk's buffer was freed only after the whole list had been copied, and
    // stayed with the process (between the messages allocated beside them): 110 MB more
    // for the 470,000 findings of a 50 MB file.
    let files = file_checks.len();
    let tasks = files + n.div_ceil(TASK_LINES);
    let next = std::sync::atomic::AtomicUsize::new(0);
    let file_parts: std::sync::Mutex<Vec<(usize, Vec<Diagnostic>)>> = Default::default();
    let lines: std::sync::Mutex<Joined> = Default::default();
    std::thread::scope(|scope| {
        let work = || loop {
            let task = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            if task >= tasks {
                break;
            }
            let mut part = Vec::new();
            if let Some(check) = file_checks.get(task) {
                check(&ctx, &mut part);
                lock(&file_parts).push((task, part));
            } else {
                let chunk = task - files;
                let start = chunk * TASK_LINES;
                line_pass(start..(start + TASK_LINES).min(n), &mut part);
                lock(&lines).add(chunk, part);
            }
        };
        for _ in 1..threads {
            // Without the thread (the system refuses one), this thread does its tasks.
            let _ = std::thread::Builder::new().spawn_scoped(scope, work);
        }
        work();
    });
    let mut file_parts = file_parts
        .into_inner()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    file_parts.sort_unstable_by_key(|(task, _)| *task);
    let mut out = lines
        .into_inner()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
        .all;
    // In front, in place (one move of the list, no second copy of it).
    out.splice(0..0, file_parts.into_iter().flat_map(|(_, part)| part));
    out
}

/// The value in `m`, whether or not a thread panicked holding it.
fn lock<T>(m: &std::sync::Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// The findings of the chunks of lines joined so far, in order, and those that finished
/// before an earlier one.
#[derive(Default)]
struct Joined {
    all: Vec<Diagnostic>,
    /// The next chunk to join.
    next: usize,
    waiting: std::collections::BTreeMap<usize, Vec<Diagnostic>>,
}

impl Joined {
    /// Adds chunk `chunk`'s findings, joining every chunk that is now next in order.
    fn add(&mut self, chunk: usize, part: Vec<Diagnostic>) {
        self.waiting.insert(chunk, part);
        while let Some(part) = self.waiting.remove(&self.next) {
            self.all.extend(part);
            self.next += 1;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Config;

    #[test]
    fn findings_sort_as_a_stable_sort_does() {
        // Spans and rules with many equal keys (their messages tell them apart), in an
        // order that makes long cycles.
        let rules = ["b-rule", "a-rule", "c-rule"];
        let mut findings: Vec<Diagnostic> = (0..2_000u64)
            .map(|i| {
                let x = (i * 7_919) % 97;
                Diagnostic::new(
                    rules[(i % 3) as usize],
                    crate::Severity::Warning,
                    (x as usize % 13)..(x as usize % 13 + (i % 2) as usize),
                    format!("finding {i}"),
                )
            })
            .collect();
        let mut stable = findings.clone();
        stable.sort_by(|a, b| {
            (a.span.start, a.span.end, a.rule).cmp(&(b.span.start, b.span.end, b.rule))
        });
        sort_by_position(&mut findings);
        assert!(findings == stable);
        // Sorted already, and empty.
        sort_by_position(&mut findings);
        assert!(findings == stable);
        sort_by_position(&mut []);
    }

    /// Settings with every .env file rule on.
    fn every_env_rule() -> Settings {
        let ids: Vec<String> = rules()
            .iter()
            .filter(|r| !r.is_project())
            .map(|r| r.id.to_owned())
            .collect();
        Settings::resolve(&Config::default(), &ids, &[]).unwrap()
    }

    #[test]
    fn rules_quiet_on_plain_lines_find_nothing_there() {
        // Plain lines of every byte a plain key or value may hold, among neighbours that
        // line rules look at (blank lines, comments, indented and spaced lines, duplicates,
        // quotes, substitutions), with both line endings and a BOM on the first line.
        let key_bytes = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ_0123456789";
        let value_bytes: Vec<u8> = (0x21u8..0x7f)
            .filter(|b| !b"\"'\\$#`".contains(b))
            .collect();
        let quoted_bytes: Vec<u8> = (0x20u8..0x7f)
            .chain([b'\t'])
            .filter(|b| !b"\\$".contains(b))
            .collect();
        let neighbours = [
            "",
            "# comment ",
            "  A=1",
            "B = 2",
            "k.x=y",
            "C=\"q\" # c",
            "D=$A/${A}",
            "E=a b",
            "F",
            "G='s' ",
        ];
        let mut seed: u64 = 0x2545_f491_4f6c_dd1d;
        let mut next = |n: usize| {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            (seed % n as u64) as usize
        };
        let mut src = String::from("\u{feff}BOM_KEY=1\n");
        let mut expected = 0;
        for i in 0..4_000 {
            let ending = if next(4) == 0 { "\r\n" } else { "\n" };
            if next(3) == 0 {
                src.push_str(neighbours[next(neighbours.len())]);
                src.push_str(ending);
            }
            let mut key = String::new();
            key.push(key_bytes[next(27)] as char); // Not a digit.
            for _ in 0..next(12) {
                key.push(key_bytes[next(key_bytes.len())] as char);
            }
            if i % 50 == 0 {
                key = "A".to_owned(); // Duplicates too.
            }
            // Unquoted, or in quotes with blanks, `#`, backticks and the other quote inside.
            let (quote, allowed): (&str, &[u8]) = match next(3) {
                0 => ("", &value_bytes),
                1 => ("\"", &quoted_bytes),
                _ => ("'", &quoted_bytes),
            };
            let mut value: String = (0..next(20))
                .map(|_| allowed[next(allowed.len())] as char)
                .filter(|&c| !quote.contains(c))
                .collect();
            // Unquoted values may hold `${NAME}` references, defined or not.
            if quote.is_empty() && next(3) == 0 {
                let at = next(value.len() + 1);
                value.insert_str(at, ["${A}", "${lower_1}", "${_X9}"][next(3)]);
            }
            src.push_str(&format!("{key}={quote}{value}{quote}{ending}"));
            expected += 1;
        }
        let doc = Document::parse(src, &ParseOptions::isolated());
        let settings = every_env_rule();
        let ctx = Ctx {
            doc: &doc,
            settings: &settings,
            errors: doc.errors().collect(),
        };
        let quiet: Vec<&Rule> = rules()
            .iter()
            .filter(|r| r.quiet == Quiet::OnPlain)
            .collect();
        assert!(quiet.len() >= 9);
        let quiet_unquoted: Vec<&Rule> = rules()
            .iter()
            .filter(|r| r.quiet == Quiet::OnUnquotedPlain)
            .collect();
        assert!(quiet_unquoted.iter().any(|r| r.id == "quote-character"));
        let (mut plain, mut unquoted) = (0, 0);
        for (i, line) in doc.lines().iter().enumerate() {
            let also = match plainness(line) {
                Plainness::Not => continue,
                Plainness::Quoted => &[][..],
                Plainness::Unquoted => &quiet_unquoted[..],
            };
            plain += 1;
            unquoted += usize::from(!also.is_empty());
            for rule in quiet.iter().chain(also) {
                let mut out = Vec::new();
                if let Some(check) = rule.line {
                    check(&ctx, i, line, &mut out);
                }
                if let (Some(check), LineKind::Entry(e)) = (rule.entry, &line.kind) {
                    check(&ctx, e, &mut out);
                }
                assert!(out.is_empty(), "{} on line {}: {out:?}", rule.id, i + 1);
            }
        }
        // Every generated line is plain (not the BOM line, nor the neighbours), and
        // both kinds are there.
        assert_eq!(plain, expected);
        assert!(
            unquoted > expected / 4 && unquoted < expected,
            "{unquoted} of {plain}"
        );
    }

    #[test]
    fn the_parallel_pass_finds_what_the_sequential_one_does() {
        // Every .env rule on, over a file of many small pieces with problems in each.
        let settings = every_env_rule();
        let mut src = String::new();
        for i in 0..3_000 {
            src.push_str(&format!(
                "K{i}=1\nk{i} = x\nK{}=\"a b\"\n\n\n  L{i}=${{K{i}}}\nM{i}=a b\nK{i}=dup \n# c\nN{i}\n",
                i + 1
            ));
        }
        let doc = Document::parse(src, &ParseOptions::isolated());
        let one = run_checks(&doc, &settings, doc.errors().collect(), 1);
        assert!(one.len() > 20_000, "{}", one.len());
        for threads in [2, 3] {
            let many = run_checks(&doc, &settings, doc.errors().collect(), threads);
            assert!(one == many, "{threads} threads");
        }
    }
}
