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
        let results = par_map(&files, |(path, language)| self.scan_file(path, *language));
        let mut report = RefsReport {
            files: files.len(),
            errors: walk_errors,
            ..RefsReport::default()
        };
        for ((path, _), result) in files.iter().zip(results) {
            match result {
                Ok(Some(s)) => report.scanned.push(s),
                Ok(None) => report.prefiltered += 1,
                Err(Skip::TooLarge) => report.too_large.push(path.clone()),
                Err(Skip::Error(e)) => report.errors.push(e),
            }
        }
        Ok(report)
    }

    /// Reads, prefilters and scans one file. `Ok(None)`: nothing to scan.
    fn scan_file(&self, path: &Path, language: Language) -> Result<Option<Scanned>, Skip> {
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
        if !envlint_scan::might_read_env(language, &bytes) {
            return Ok(None);
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
    Scanned {
        path,
        language,
        refs,
        dynamic,
        warning: scan.warning,
    }
}
