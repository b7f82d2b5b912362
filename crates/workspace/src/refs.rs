//! `refs`: the environment-variable reads in source code, listed.
//!
//! Why positions are resolved here: a listing of thousands of files must not keep their
//! texts; each file is reduced to rows (name, line, column, kind, form) as soon as it is
//! scanned. Every file goes through a cheap byte prefilter before it is parsed; files too
//! large to be hand-written code are counted and reported, never silently dropped.

use std::path::{Path, PathBuf};

use envlint_core::project::{is_minified, MAX_LINE_BYTES, MAX_SOURCE_BYTES};
use envlint_core::LineIndex;
use envlint_scan::{Language, Scan};

use crate::check::par_map;
use crate::Workspace;

/// A read, with its position resolved (the file's text is not kept).
#[derive(Debug)]
pub struct Row {
    /// The variable (`None` for a dynamic read).
    pub name: Option<String>,
    /// 1-based line.
    pub line: usize,
    /// 1-based column, in characters.
    pub column: usize,
    /// How it is read (`required`, `defaulted`, …, `dynamic`).
    pub kind: &'static str,
    /// Which API reads it.
    pub form: &'static str,
    /// For a dynamic read, the name pattern when one is known (`APP_*`).
    pub hint: Option<String>,
    /// For a read through one of the project's helpers, which one: `envbool() at
    /// hc/settings.py:24`.
    pub via: Option<String>,
}

/// A scanned file, reduced to what is printed.
#[derive(Debug)]
pub struct Scanned {
    /// The project path.
    pub path: String,
    /// Its language.
    pub language: Language,
    /// Reads with a literal name.
    pub refs: Vec<Row>,
    /// Reads with a computed name.
    pub dynamic: Vec<Row>,
    /// Set when the file could not be parsed fully (the rows are then partial).
    pub warning: Option<String>,
    /// Helpers defined in the file, each with the line of its name.
    helpers: Vec<(envlint_scan::Helper, usize)>,
    /// Calls with variable-name literals, until the project's helpers are known.
    calls: Vec<envlint_scan::Call>,
    /// The (line, column) of each argument of each of `calls`.
    call_positions: Vec<Vec<(usize, usize)>>,
}

/// What `refs` found.
#[derive(Debug, Default)]
pub struct RefsReport {
    /// Files with reads (or a warning), in path order.
    pub scanned: Vec<Scanned>,
    /// How many source files were found.
    pub files: usize,
    /// How many had no env marker and were not parsed.
    pub prefiltered: usize,
    /// Files not parsed because they are too large or minified (as given).
    pub too_large: Vec<PathBuf>,
    /// Files that could not be read or walked, as messages.
    pub errors: Vec<String>,
}

impl RefsReport {
    /// A note about the files skipped as generated or minified, if any.
    pub fn too_large_note(&self) -> Option<String> {
        if self.too_large.is_empty() {
            return None;
        }
        Some(format!(
            "skipped {} file{} larger than {} MiB or with lines over {} KiB (generated or minified code): {}",
            self.too_large.len(),
            if self.too_large.len() == 1 { "" } else { "s" },
            MAX_SOURCE_BYTES >> 20,
            MAX_LINE_BYTES >> 10,
            self.too_large
                .iter()
                .take(5)
                .map(|p| p.display().to_string())
                .collect::<Vec<_>>()
                .join(", ")
        ))
    }
}

/// Why a file was not scanned.
enum Skip {
    /// No read marker: the names it calls with variable literals (for helpers).
    NoMarker(Vec<String>),
    /// Too large or minified.
    TooLarge,
    /// Unreadable or not UTF-8: a message.
    Error(String),
}

impl Workspace {
    /// The reads in the source files under `paths` (as given); `include_skipped` also walks
    /// dependency and build folders. Configured exclusions do not apply: `refs` lists what
    /// the code reads, wherever it is.
    pub fn refs(&self, paths: &[PathBuf], include_skipped: bool) -> Result<RefsReport, String> {
        let (files, walk_errors) = crate::discover::source_files(
            self.fs.as_ref(),
            &self.base,
            paths,
            include_skipped,
            &ignore::overrides::Override::empty(),
        )?;
        let results = par_map(&files, |(path, language)| {
            self.scan_file(path, *language, false)
        });
        let mut report = RefsReport {
            files: files.len(),
            errors: walk_errors,
            ..RefsReport::default()
        };
        let mut prefiltered = Vec::new();
        for ((path, language), result) in files.iter().zip(results) {
            match result {
                Ok(Some(s)) => report.scanned.push(s),
                Ok(None) => {}
                Err(Skip::NoMarker(callees)) => {
                    prefiltered.push((path.clone(), *language, callees));
                }
                Err(Skip::TooLarge) => report.too_large.push(path.clone()),
                Err(Skip::Error(e)) => report.errors.push(e),
            }
        }
        report.prefiltered = prefiltered.len();
        // The project's helpers: files without a marker that call one are parsed for their
        // calls (once: they were not parsed above).
        let mut names: Vec<String> = report
            .scanned
            .iter()
            .flat_map(|s| s.helpers.iter().map(|(h, _)| h.name.clone()))
            .collect();
        names.sort_unstable();
        names.dedup();
        if !names.is_empty() {
            let wanted: Vec<&(PathBuf, Language, Vec<String>)> = prefiltered
                .iter()
                .filter(|(_, _, callees)| callees.iter().any(|c| names.contains(c)))
                .collect();
            let more = par_map(&wanted, |(path, language, _)| {
                self.scan_file(path, *language, true)
            });
            for result in more {
                if let Ok(Some(s)) = result {
                    report.prefiltered -= 1;
                    report.scanned.push(s);
                }
            }
            report.scanned.sort_by(|a, b| a.path.cmp(&b.path));
        }
        resolve_helper_rows(&mut report.scanned);
        report
            .scanned
            .retain(|s| !s.refs.is_empty() || !s.dynamic.is_empty() || s.warning.is_some());
        Ok(report)
    }

    /// Reads, prefilters and scans one file. `Ok(None)`: nothing to scan. With
    /// `calls_only`, the file is one the prefilter left out that calls a helper of the
    /// project: it is parsed without the prefilter, for its calls.
    fn scan_file(
        &self,
        path: &Path,
        language: Language,
        calls_only: bool,
    ) -> Result<Option<Scanned>, Skip> {
        let at = self.resolve(path);
        let meta = self
            .fs
            .metadata(&at)
            .map_err(|e| Skip::Error(format!("{}: {e}", path.display())))?;
        if meta.len > MAX_SOURCE_BYTES {
            return Err(Skip::TooLarge);
        }
        let bytes = self
            .fs
            .read(&at)
            .map_err(|e| Skip::Error(format!("{}: {e}", path.display())))?;
        if !calls_only && !envlint_scan::might_read_env(language, &bytes) {
            return Err(Skip::NoMarker(envlint_scan::literal_callees(&bytes)));
        }
        if is_minified(&bytes) {
            return Err(Skip::TooLarge);
        }
        let Ok(text) = std::str::from_utf8(&bytes) else {
            return Err(Skip::Error(format!(
                "{}: not valid UTF-8; not scanned",
                path.display()
            )));
        };
        let Some(scan) = envlint_scan::scan(path, text) else {
            return Ok(None);
        };
        Ok(Some(reduce(self.display(path), language, &bytes, scan)))
    }
}

/// Resolves positions and drops the text: results of thousands of files stay small.
fn reduce(path: String, language: Language, bytes: &[u8], scan: Scan) -> Scanned {
    let index = LineIndex::new(bytes);
    let row = |start: usize,
               name: Option<String>,
               kind: &'static str,
               form: &'static str,
               hint: Option<String>| {
        let (line, column) = index.line_col(bytes, start);
        Row {
            name,
            line,
            column,
            kind,
            form,
            hint,
            via: None,
        }
    };
    let refs = scan
        .refs
        .into_iter()
        .map(|r| row(r.span.start, Some(r.name), r.kind.as_str(), r.form, None))
        .collect();
    let dynamic = scan
        .dynamic
        .into_iter()
        .map(|d| row(d.span.start, None, "dynamic", d.form, d.hint))
        .collect();
    let helpers = scan
        .helpers
        .into_iter()
        .map(|h| {
            let line = index.line_col(bytes, h.span.start).0;
            (h, line)
        })
        .collect();
    let call_positions = scan
        .calls
        .iter()
        .map(|c| {
            c.args
                .iter()
                .map(|a| {
                    a.as_ref()
                        .map_or((0, 0), |(_, span)| index.line_col(bytes, span.start))
                })
                .collect()
        })
        .collect();
    Scanned {
        path,
        language,
        refs,
        dynamic,
        warning: scan.warning,
        helpers,
        calls: scan.calls,
        call_positions,
    }
}

/// Adds the reads made through the project's helpers to each file's rows (see
/// [`envlint_scan::HelperIndex`]), and drops the calls.
fn resolve_helper_rows(scanned: &mut [Scanned]) {
    let helpers: Vec<(Language, envlint_scan::Helper, String)> = scanned
        .iter()
        .flat_map(|s| {
            s.helpers.iter().map(move |(h, line)| {
                (
                    s.language,
                    h.clone(),
                    format!("{}() at {}:{line}", h.name, s.path),
                )
            })
        })
        .collect();
    let index = envlint_scan::HelperIndex::new(helpers.iter().map(|(l, h, _)| (*l, h)));
    if index.is_empty() {
        return;
    }
    for s in scanned.iter_mut() {
        let calls = std::mem::take(&mut s.calls);
        let positions = std::mem::take(&mut s.call_positions);
        if calls.is_empty() {
            continue;
        }
        let known: std::collections::HashSet<(usize, usize)> =
            s.refs.iter().map(|r| (r.line, r.column)).collect();
        for read in index.resolve(s.language, &calls) {
            let helper = &helpers[read.helper];
            let (line, column) = positions[read.call][helper.1.param];
            if known.contains(&(line, column)) {
                continue;
            }
            s.refs.push(Row {
                name: Some(read.reference.name),
                line,
                column,
                kind: read.reference.kind.as_str(),
                form: read.reference.form,
                hint: None,
                via: Some(helper.2.clone()),
            });
        }
        s.refs.sort_by_key(|r| (r.line, r.column));
    }
}
